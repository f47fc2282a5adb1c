"""Sweep analysis on synthetic records, against hand-computed figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.sweep.analysis import (
    measure_frequency,
    sample_table,
    summary_stats,
    tornado,
    what_to_do_now,
)
from planner.sweep.spec import parse_specs
from tests.planner.sweep.conftest import sweep_raw

SPECS = parse_specs(["carbon.price=0.5:2", "pv.capex=0.7:1.2"], sweep_raw())


def rec(i, npv, builds=(), first=(), status="ok", regret=0.0, levels=(1.0, 1.0), kind="sample",
        key="", nz=2029, credits=100.0, capex=1e6):
    return {"sample_id": i, "kind": kind, "key": key, "levels": list(levels), "status": status,
            "reason": "" if status == "ok" else "no plan meets the target", "npv_cny": npv,
            "capex_total_cny": capex, "net_zero_year": nz, "credits_total_t": credits,
            "builds": [list(b) for b in builds], "first_years": [list(f) for f in first],
            "regret_cny": regret, "regret_note": "", "solve_s": 0.1, "warm_start": True}


RECORDS = [
    rec(1, 100.0, [("eff", 2025), ("hp", 2027)], [(2025, "build", "eff", 1.0),
                                                  (2025, "pv", "pv_kw", 100.0)], regret=0.0),
    rec(2, 110.0, [("eff", 2025)], [(2025, "build", "eff", 1.0),
                                    (2025, "pv", "pv_kw", 200.0)], regret=5.0),
    rec(3, 130.0, [("eff", 2026), ("hp", 2027)], [(2026, "build", "eff", 1.0)], regret=2.0),
    rec(4, 160.0, [("eff", 2025), ("hp", 2028)], [(2025, "build", "eff", 1.0),
                                                  (2025, "pv", "pv_kw", 300.0)], regret=1.0),
    rec(5, math.nan, status="infeasible", regret=math.nan),
]


def test_summary_statistics_by_hand():
    df = summary_stats(RECORDS).set_index("metric")
    npv = df.loc["npv_cny"]
    assert npv["count"] == 4  # the infeasible sample is left out
    assert npv["mean"] == pytest.approx(125.0)
    # deviations -25, -15, 5, 35: squares 625 + 225 + 25 + 1225 = 2100; / 3 = 700
    assert npv["sd"] == pytest.approx(math.sqrt(700.0))
    # linear interpolation between order statistics: p50 = (110 + 130) / 2
    assert npv["p50"] == pytest.approx(120.0)
    assert npv["p5"] == pytest.approx(100.0 + 0.15 * 10.0)   # rank 0.15 between 100 and 110
    assert npv["p95"] == pytest.approx(130.0 + 0.85 * 30.0)  # rank 2.85 between 130 and 160
    assert df.loc["regret_cny", "mean"] == pytest.approx(2.0)
    assert df.loc["regret_cny", "min"] >= 0


def test_tornado_is_sorted_by_swing():
    base = rec(0, 120.0, kind="base")
    oat = [rec(11, 100.0, kind="low", key="carbon.price_cny_per_t"),
           rec(12, 150.0, kind="high", key="carbon.price_cny_per_t"),
           rec(13, 110.0, kind="low", key="pv.capex_cny_per_kw"),
           rec(14, 125.0, kind="high", key="pv.capex_cny_per_kw")]
    df = tornado(base, oat, SPECS)
    assert list(df["key"]) == ["carbon.price_cny_per_t", "pv.capex_cny_per_kw"]
    assert list(df["swing_cny"]) == [50.0, 15.0]
    assert df.loc[0, "delta_low_cny"] == -20.0
    assert df.loc[0, "delta_high_cny"] == 30.0
    assert (df.loc[1, "level_low"], df.loc[1, "level_high"]) == (0.7, 1.2)
    oat[3] = rec(14, math.nan, kind="high", key="pv.capex_cny_per_kw", status="infeasible")
    df = tornado(base, oat, SPECS)
    assert df.loc[1, "status"].startswith("high: infeasible")
    assert math.isnan(df.loc[1, "swing_cny"])


def test_measure_frequency_and_first_years():
    base = rec(0, 120.0, [("eff", 2025), ("hp", 2027)], kind="base")
    df = measure_frequency(RECORDS, ("eff", "hp", "never"), base).set_index("measure")
    assert df.loc["eff", "share_chosen"] == 1.0
    assert df.loc["eff", "first_year_most_common"] == 2025
    assert df.loc["eff", "share_in_most_common_year"] == 0.75
    assert df.loc["eff", "first_year_distribution"] == "2025:0.750;2026:0.250"
    assert df.loc["hp", "share_chosen"] == 0.75
    assert df.loc["hp", "first_year_median"] == 2027.0
    assert df.loc["hp", "base_first_year"] == 2027
    assert df.loc["never", "share_chosen"] == 0.0


def test_what_to_do_now_keeps_decisions_of_at_least_half_the_samples():
    base = rec(0, 120.0, first=[(2025, "build", "eff", 1.0)], kind="base")
    df = what_to_do_now(RECORDS, base)
    rows = {(r.year, r.decision, r.item): r for r in df.itertuples()}
    assert set(rows) == {(2025, "build", "eff"), (2025, "pv", "pv_kw")}
    assert rows[(2025, "build", "eff")].share_of_samples == 0.75
    assert rows[(2025, "build", "eff")].in_base_plan
    pv = rows[(2025, "pv", "pv_kw")]
    assert pv.share_of_samples == 0.75
    assert pv.median_amount == 200.0
    assert not pv.in_base_plan
    assert len(what_to_do_now(RECORDS, base, threshold=0.8)) == 0


def test_sample_table_has_a_row_per_sample_with_inputs_and_decisions():
    df = sample_table(RECORDS, SPECS)
    assert list(df["sample_id"]) == [1, 2, 3, 4, 5]
    assert {"carbon.price_cny_per_t_factor", "pv.capex_cny_per_kw_factor", "npv_cny",
            "capex_total_cny", "net_zero_year", "credits_total_t", "measures",
            "first_years_decisions", "regret_cny", "status", "reason"} <= set(df.columns)
    assert df.loc[0, "measures"] == "eff@2025;hp@2027"
    assert df.loc[0, "first_years_decisions"] == "eff@2025;pv@2025=100kW"
    assert df.loc[4, "status"] == "infeasible"
    assert df.loc[4, "reason"]
    assert np.all(df["regret_cny"].dropna() >= 0)
