"""Infeasible targets: first failing year, shortfall, binding limits, fixes, earliest year.

Tiny plant (tests/conftest.py): 561 t from gas + 500 t from the grid = 1 061 t a
year; linear path from 1 061 t in 2025 to 0 in 2029, i.e. allowed
1061 x (1 - t/4) = 1061, 795.75, 530.5, 265.25, 0 t.
"""

from __future__ import annotations

import pytest

from planner.base.errors import InfeasiblePlanError
from planner.run.pipeline import plan_scenario
from tests.helpers import solve_raw

BASE_T = 1061.0
GAS_T = 561.0
GRID_T = 500.0
ALL_GAS = {"id": "no_gas", "pathway": "efficiency", "capex_cny": 2e6, "lifetime_years": 20,
           "fuel_saving_share": {"natural_gas": 1.0}}


@pytest.fixture
def diagnosis_of(tmp_path):
    """Solve a raw scenario through the pipeline; return (diagnosis, message) of its failure."""
    import tomli_w

    def run(raw):
        path = tmp_path / "s.toml"
        path.write_bytes(tomli_w.dumps(raw).encode())
        with pytest.raises(InfeasiblePlanError) as info:
            plan_scenario(path)
        return info.value.diagnosis, str(info.value)

    return run


def test_credit_availability_binds(tiny, diagnosis_of):
    raw = tiny(credit=[{"id": "ccer", "price_cny_per_t": 50.0, "max_t_per_year": 300.0}])
    d, msg = diagnosis_of(raw)
    # 761 t net with all 300 t of credits: fails where the path goes below 761 t.
    assert d.first_failing_year == 2027
    assert d.shortfall_t_y == pytest.approx([0, 0, 761 - 530.5, 761 - 265.25, 761], abs=0.01)
    assert any("credit 'ccer' availability" in b for b in d.binding)
    assert d.earliest_net_zero_year is None
    assert d.least_final_net_t == pytest.approx(761.0, abs=0.01)
    fix = next(f for f in d.fixes if f.key == "credit[ccer].max_t_per_year")
    assert fix.change == "raise to 1,061 t a year (now 300)"
    assert "First year that fails: 2027, short by 230 t" in msg
    # the fix, applied, makes the target reachable
    raw["credit"][0]["max_t_per_year"] = 1061.0
    assert solve_raw(raw).summary["net_zero_year_reached"] == 2029


def test_credit_cap_binds(tiny, diagnosis_of):
    raw = tiny(target={"net_zero_year": 2029, "max_credit_share": 0.5},
               credit=[{"id": "ccer", "price_cny_per_t": 50.0}])
    d, _ = diagnosis_of(raw)
    # 530.5 t of credits at most: 2027 just meets 530.5 t, 2028 is short by 265.25 t.
    assert d.first_failing_year == 2028
    assert d.shortfall_t_y[-2:] == pytest.approx([265.25, 530.5], abs=0.01)
    assert any("credit cap" in b for b in d.binding)
    fix = next(f for f in d.fixes if f.key == "target.max_credit_share")
    assert fix.change.startswith("raise to 1.000")
    raw["target"]["max_credit_share"] = 1.0
    assert solve_raw(raw).summary["proven_optimal"]


def test_capex_budget_binds(tiny, diagnosis_of):
    raw = tiny(target={"net_zero_year": 2029, "max_credit_share": 0.6},
               credit=[{"id": "ccer", "price_cny_per_t": 50.0}],
               measure=[ALL_GAS], budget={"capex_cny_per_year": 1e6})
    d, msg = diagnosis_of(raw)
    # Without the measure: 1061 - 636.6 = 424.4 t net; the path is below that from 2028.
    assert d.first_failing_year == 2028
    assert d.shortfall_t_y[-1] == pytest.approx(424.4, abs=0.01)
    fix = next(f for f in d.fixes if f.key == "budget.capex_cny_per_year")
    assert "raise to 2,000,000 CNY" in fix.change
    assert d.earliest_net_zero_year is None
    raw["budget"]["capex_cny_per_year"] = 2e6
    assert solve_raw(raw).summary["net_zero_year_reached"] == 2029
    assert "capex budget" in msg or "budget.capex_cny_per_year" in msg


def _late_gas_measure(tiny, earliest: int, net_zero: int) -> dict:
    """Credits capped at 530.5 t; the gas measure (leaving 500 t) only from ``earliest``."""
    return tiny(target={"net_zero_year": net_zero, "max_credit_share": 0.5},
                credit=[{"id": "ccer", "price_cny_per_t": 50.0}],
                measure=[dict(ALL_GAS, earliest_year=earliest)])


def test_earliest_year_of_a_measure_binds_and_net_zero_stays_reachable(tiny, diagnosis_of):
    d, _ = diagnosis_of(_late_gas_measure(tiny, 2029, 2029))
    assert d.first_failing_year == 2028
    assert d.shortfall_t_y == pytest.approx([0, 0, 0, 265.25, 0], abs=0.01)
    assert any("'no_gas' is available only from 2029" in b for b in d.binding)
    assert d.earliest_net_zero_year == 2029
    assert any(f.key == "measure.earliest_year" for f in d.fixes)


def test_earliest_reachable_net_zero_year_after_the_target(tiny, diagnosis_of):
    raw = _late_gas_measure(tiny, 2028, 2026)
    d, msg = diagnosis_of(raw)
    assert d.first_failing_year == 2026
    assert d.earliest_net_zero_year == 2028
    assert "target.net_zero_year: set it to 2028 or later" in msg
    raw["target"].update(net_zero_year=2028, trajectory="table",
                         allowed_share={"2026": 1.0, "2027": 1.0})
    assert solve_raw(raw).summary["net_zero_year_reached"] == 2028


def test_no_offsets_at_all_suggests_offering_them(tiny, diagnosis_of):
    raw = tiny()
    d, _ = diagnosis_of(raw)
    assert "no credits are offered ([[credit]] tables)" in d.binding
    fix = next(f for f in d.fixes if f.key == "[[credit]] or [[removal]]")
    assert "1,061 t in 2029" in fix.change


def test_the_roof_limit_binds_and_a_bigger_roof_fixes_it(tiny, diagnosis_of):
    raw = tiny(target={"net_zero_year": 2029, "max_credit_share": 0.85},
               credit=[{"id": "ccer", "price_cny_per_t": 50.0}],
               pv={"capex_cny_per_kw": 3000.0, "max_kw": 20.0})
    d, _ = diagnosis_of(raw)
    assert any("PV roof limit: 20 kW" in b for b in d.binding)
    fix = next(f for f in d.fixes if f.key.startswith("pv.max_kw"))
    assert fix.change.startswith("raise to ") and fix.change.endswith(" kW (now 20)")
    kw = float(fix.change.split()[2].replace(",", ""))
    assert kw > 20.0
    raw["pv"]["max_kw"] = kw  # the printed figure works (it is rounded up)...
    assert solve_raw(raw).summary["proven_optimal"]
    raw["pv"]["max_kw"] = kw * 0.99  # ...and is the least: 1 % less does not
    with pytest.raises(InfeasiblePlanError):
        solve_raw(raw)


def test_the_command_line_prints_the_diagnosis_and_exits_3(tiny, tmp_path):
    import tomli_w
    from click.testing import CliRunner

    from cli import main

    path = tmp_path / "s.toml"
    path.write_bytes(tomli_w.dumps(tiny(credit=[{"id": "ccer", "price_cny_per_t": 50.0,
                                                 "max_t_per_year": 300.0}])).encode())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(path), "--out", str(out)])
    assert result.exit_code == 3
    assert "First year that fails: 2027" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


# Least changes, not what the cheapest plan uses once a limit is lifted. A gas measure
# that removes all 561 t of gas emissions but costs 5e7 CNY: annualised over 20 years at
# 5 % that is 5e7 x 0.0802 = 4.0 MCNY a year against 0.8 MCNY of gas saved, while
# credits cost 50 CNY/t; so with a limit lifted the cheapest plan buys 1 061 t of
# credits in 2029 and skips the measure. The least limit builds the measure and buys
# only the 500 t left from the grid in 2029 (2028: 500 - 265.25 = 234.75 t, less).
DEAR_GAS = dict(ALL_GAS, capex_cny=5e7)


def test_the_least_credit_share_is_what_the_measure_leaves_not_what_the_cheapest_uses(
        tiny, diagnosis_of):
    raw = tiny(target={"net_zero_year": 2029, "max_credit_share": 0.3},
               credit=[{"id": "ccer", "price_cny_per_t": 50.0}], measure=[DEAR_GAS])
    d, _ = diagnosis_of(raw)
    fix = next(f for f in d.fixes if f.key == "target.max_credit_share")
    # 500 / 1061 = 0.471254..., rounded up at the printed 3 decimals: 0.472
    assert fix.change == "raise to 0.472 (now 0.300)"
    raw["target"]["max_credit_share"] = 0.472
    assert solve_raw(raw).summary["proven_optimal"]
    raw["target"]["max_credit_share"] = 0.471  # 499.7 t < 500 t: not enough
    with pytest.raises(InfeasiblePlanError):
        solve_raw(raw)


def test_the_least_credit_availability_is_what_the_measure_leaves(tiny, diagnosis_of):
    raw = tiny(credit=[{"id": "ccer", "price_cny_per_t": 50.0, "max_t_per_year": 300.0}],
               measure=[DEAR_GAS])
    d, _ = diagnosis_of(raw)
    fix = next(f for f in d.fixes if f.key == "credit[ccer].max_t_per_year")
    assert fix.change == "raise to 500 t a year (now 300)"  # not 1,061


def test_a_removal_not_available_before_a_year_names_its_earliest_year(tiny, diagnosis_of):
    """A removal without a quantity limit, only from 2029: the limit is its start year.

    No credits, no measures: net = 1 061 t - removals. Allowed 795.75 t in 2026,
    530.5 t in 2027, 265.25 t in 2028: each of these years needs removals, so the
    removal must be available from 2026 (2025's cap is the base year's emissions).
    """
    raw = tiny(removal=[{"id": "dac", "price_cny_per_t": 1000.0, "earliest_year": 2029}])
    d, msg = diagnosis_of(raw)
    assert "removal[dac].earliest_year: make it available from 2026" in msg
    assert d.first_failing_year == 2026
    assert d.shortfall_t_y == pytest.approx([0, 265.25, 530.5, 795.75, 0], abs=0.01)
    assert "removal 'dac' is available only from 2029 (earliest_year), not in 2026-2028" \
        in d.binding
    assert not any("availability" in b for b in d.binding)  # it has no quantity limit
    assert not any("max_t_per_year" in f.key for f in d.fixes)
    fix = next(f for f in d.fixes if f.key == "removal[dac].earliest_year")
    assert fix.change.startswith("make it available from 2026 (now 2029)")
    assert d.earliest_net_zero_year == 2029
    raw["removal"][0]["earliest_year"] = 2026
    assert solve_raw(raw).summary["net_zero_year_reached"] == 2029
    raw["removal"][0]["earliest_year"] = 2027
    with pytest.raises(InfeasiblePlanError):
        solve_raw(raw)


def test_out_of_time_for_the_exact_shortfall_still_gives_year_limits_and_a_fix(
        tiny, tmp_path, monkeypatch):
    """When the exact (MILP) elastic solves run out of budget, the LP relaxation's answer
    stands in (every year it finds short is short): the diagnosis still names the first
    failing year, the binding limits and one sized fix, and says what it could not settle.

    Simulated without a clock: every elastic MILP solve reports "out of time".
    """
    import tomli_w

    import planner.solve.diagnose as diag
    from planner.run.pipeline import prepare_plan

    solve = diag._Runner.__call__

    def out_of_time(self, inp, *, relaxed=False, hard=False, limit=None, **kwargs):
        if relaxed or hard or limit is not None:
            return solve(self, inp, relaxed=relaxed, hard=hard, limit=limit, **kwargs)
        self.timed_out = True
        return None

    monkeypatch.setattr(diag._Runner, "__call__", out_of_time)
    path = tmp_path / "s.toml"
    path.write_bytes(tomli_w.dumps(tiny(credit=[{"id": "ccer", "price_cny_per_t": 50.0,
                                                 "max_t_per_year": 300.0}])).encode())
    sf, inp, _, _ = prepare_plan(path, None)
    d = diag.diagnose(inp, sf.scenario.solver)
    # No measures: the relaxation is the MILP here, so its figures are the exact ones.
    assert d.first_failing_year == 2027
    assert d.shortfall_t_y == pytest.approx([0, 0, 230.5, 495.75, 761], abs=0.01)
    assert any("credit 'ccer' availability" in b for b in d.binding)
    # The budget ran out before the fixes, yet one sized fix is there
    assert d.fixes[0] == diag.Fix("credit[ccer].max_t_per_year",
                                  "raise to 1,061 t a year (now 300)")
    assert d.approximate and d.incomplete
    text = d.render()
    assert "is a bound" in text and "diagnosis incomplete" in text
