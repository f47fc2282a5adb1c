"""Key figures split scope 2 (location-based, certificates, market-based) and the MACC
names its bars by measure name. On the shared example plan (no new solve)."""

from __future__ import annotations

import pytest

from planner.report.html import macc_chart
from planner.report.keyfigures import key_figures


def test_scope2_split_in_the_target_year_adds_up(example_plan):
    plan = example_plan
    year = plan.summary["net_zero_year_target"]
    figs = {k.label: k for k in key_figures(plan, "en")}
    basis = plan.summary.get("scope2_basis") or "market"
    loc = figs[f"Scope 2 location-based in {year}" + (" (the target's basis)"
                                                     if basis == "location" else "")]
    cert = figs[f"Green certificates bought in {year}"]
    mkt = figs[f"Scope 2 market-based in {year}" + (" (the target's basis)"
                                                   if basis == "market" else "")]
    assert (loc.unit, cert.unit, mkt.unit) == ("t CO2", "MWh", "t CO2")
    # independently, from emissions.csv: tonnes = activity x factor, and the market-based
    # activity is the import less the certificates
    e = plan.emissions[plan.emissions["year"] == year].set_index("scope")
    grid_loc, grid_mkt = e.loc["scope2_location"], e.loc["scope2_market"]
    assert loc.value == pytest.approx(grid_loc["activity"] * grid_loc["factor"], rel=1e-9,
                                      abs=1e-6)
    assert mkt.value == pytest.approx(grid_mkt["activity"] * grid_mkt["factor"], rel=1e-9,
                                      abs=1e-6)
    covered = grid_loc["activity"] - grid_mkt["activity"]
    assert covered == pytest.approx(min(cert.value, grid_loc["activity"]), abs=1e-6)
    # in Chinese too, with the same numbers
    zh = [k for k in key_figures(plan, "zh") if k.label.startswith(f"{year}年")]
    assert [k.label.removeprefix(f"{year}年") for k in zh] == [
        "范围二排放（基于位置）" + ("（目标口径）" if basis == "location" else ""),
        "购买的绿证",
        "范围二排放（基于市场）" + ("（目标口径）" if basis == "market" else "")]
    assert [k.value for k in zh] == [loc.value, cert.value, mkt.value]


def test_macc_bars_are_named_by_measure_name_not_id(example_plan):
    plan = example_plan
    names = dict(zip(plan.measures["measure"], plan.measures["name"], strict=True))
    for lang, pv in (("en", "PV"), ("zh", "光伏")):
        fig = macc_chart(plan, lang)
        shown = [t for tr in fig.data if tr.type == "bar" for t in tr.text]
        bars = plan.macc[plan.macc["abated_t"].notna()]
        assert len(shown) == len(bars)
        for kind, mid in zip(bars["kind"], bars["id"], strict=True):
            if kind == "measure":
                assert names[mid] in shown
                assert mid == names[mid] or mid not in shown
            elif kind == "pv":
                assert pv in shown
        # price lines say what they cost per tonne, in the report's language
        lines = [tr.name for tr in fig.data if tr.type == "scatter"]
        unit = "元/t" if lang == "zh" else "CNY/t"
        assert lines and all(n.endswith(unit) for n in lines)
