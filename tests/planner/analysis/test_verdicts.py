"""Each shipped profile's rules at the edge: just inside and just outside each threshold.

The verdicts are checked on hand-made yearly figures (``YearMetrics``) for the
tiny plant's years 2025-2029 with net zero from 2028 (claim years 2028 and 2029).
"""

from __future__ import annotations

import numpy as np
import pytest

from planner.analysis.verdicts import YearMetrics, claim_year, rule_table, year_verdicts
from planner.inputs.build import build_inputs
from planner.scenario.read import parse_scenario
from planner.tables.standards import load_profile
from tests.conftest import tiny_raw

BASE = 1000.0
D = 1e-3  # 0.1 %: far above the checks' tolerance (1e-5), far below any threshold
PROFILES = ["sbti-net-zero", "iso-14068-1", "zero-carbon-factory", "near-zero-carbon-factory"]


@pytest.fixture(scope="module")
def inp():
    return build_inputs(parse_scenario(tiny_raw(target={"net_zero_year": 2028,
                                                        "max_credit_share": 1.0})))


def _passing() -> dict[str, np.ndarray]:
    """Figures meeting every shipped rule in every year."""
    return {"gross": np.array([1000.0, 900.0, 800.0, 60.0, 50.0]),
            "offsets": np.array([0.0, 0.0, 0.0, 60.0, 50.0]),
            "re": np.ones(5)}


def _metrics(inp, f) -> YearMetrics:
    return YearMetrics(inp.years, f["gross"], f["offsets"], BASE, f["re"])


def _edge(rule, f: dict, sign: float) -> dict:
    """Move the claim year's (or window year's) figure to threshold + sign x D."""
    f = {k: v.copy() for k, v in f.items()}
    y = 4 if rule.applies == "claim" else 1
    if rule.kind == "net_max_share":
        f["gross"][y] = f["offsets"][y] + rule.value * BASE + sign * D * BASE
    elif rule.kind == "offset_max_share":
        f["offsets"][y] = (rule.value + sign * D) * BASE
        f["gross"][y] = f["offsets"][y]
    elif rule.kind in ("reduction_min_share", "annual_reduction_min_rate"):
        share = rule.value * (y if rule.kind == "annual_reduction_min_rate" else 1)
        f["gross"][y] = (1 - share + sign * D) * BASE
        f["offsets"][y] = f["gross"][y]
    elif rule.kind == "renewable_electricity_min_share":
        f["re"][y] = rule.value - sign * D if sign > 0 else rule.value
    elif rule.kind == "gross_non_increasing":
        y = 4
        f["gross"][y] = f["gross"][y - 1] + sign * D * BASE
        f["offsets"][y] = f["gross"][y]
    return f, y


@pytest.mark.parametrize("name", PROFILES)
def test_every_rule_of_every_profile_just_inside_and_just_outside(inp, name):
    profile, _ = load_profile(name)
    base = rule_table(profile, inp, _metrics(inp, _passing()))
    in_force = base[base["in_force"]]
    assert len(in_force) and in_force["met"].all(), in_force[~in_force["met"]]
    for rule in profile.rule:
        for sign, expect in ((-1.0, True), (+1.0, False)):
            if rule.kind == "renewable_electricity_min_share" and sign < 0:
                sign_used = -1.0  # exactly at the threshold: met
            else:
                sign_used = sign
            f, y = _edge(rule, _passing(), sign_used)
            table = rule_table(profile, inp, _metrics(inp, f))
            row = table[(table["rule"] == rule.id) & (table["year"] == 2025 + y)].iloc[0]
            assert bool(row["met"]) is expect, (name, rule.id, sign, row.to_dict())
            assert bool(row["in_force"])


def test_verdict_claim_year_and_failed_rules(inp):
    profile, _ = load_profile("zero-carbon-factory")
    f = _passing()
    f["re"] = np.array([0.2, 0.4, 1.0, 1.0, 0.99])   # 2029 short of 100 % renewable
    f["gross"][2] = 0.0                                # 2027: net 0 and 100 % RE
    rules = rule_table(profile, inp, _metrics(inp, f))
    v = year_verdicts(profile, rules).set_index("year")
    assert claim_year(v.reset_index()) == 2027       # before the target year: claim possible
    assert v.loc[2028, "met"]
    assert not v.loc[2029, "met"] and v.loc[2029, "rules_failed"] == "renewable_electricity"
    assert v.loc[2027, "rules_in_force"] == 0 and v.loc[2029, "rules_in_force"] == 2


def test_near_term_window_threshold_grows_by_the_rate(inp):
    profile, _ = load_profile("sbti-net-zero")
    rules = rule_table(profile, inp, _metrics(inp, _passing()))
    near = rules[rules["rule"] == "near_term_rate"]
    np.testing.assert_allclose(near["threshold"], [0, 0.042, 0.084, 0.126, 0.168])
    assert list(near["in_force"]) == [False, True, True, True, True]
