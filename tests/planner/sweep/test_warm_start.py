"""The solver hooks a sweep relies on: warm-start cuts, MIP start, fixed investments."""

from __future__ import annotations

import pytest

from models.decomposition import cut_fingerprint
from planner.inputs.build import build_inputs
from planner.plan.results import account, npv_cny
from planner.scenario.read import parse_scenario
from planner.solve.run import fixed_plan_npv_cny, solve_inputs
from planner.sweep.apply import apply_sample
from planner.sweep.spec import parse_specs
from tests.planner.sweep.conftest import sweep_raw


def _inputs(raw):
    sf = parse_scenario(raw, "small.toml")
    return sf, build_inputs(sf)


def _npv(inp, sol):
    return npv_cny(inp, account(inp, sol.decisions, sol.balance))


@pytest.fixture(scope="module")
def base():
    sf, inp = _inputs(sweep_raw())
    return inp, solve_inputs(inp, sf.scenario.solver)


def test_cuts_depend_on_hourly_data_only():
    raw = sweep_raw()
    _, a = _inputs(raw)
    specs = parse_specs(["carbon.price=0.5:2", "grid.price=0.5:2"], raw)
    _, b = _inputs(apply_sample(raw, specs, [2.0, float("nan")]))
    _, c = _inputs(apply_sample(raw, specs, [float("nan"), 1.5]))
    assert cut_fingerprint(a) == cut_fingerprint(b)  # a carbon price does not enter a cut
    assert cut_fingerprint(a) != cut_fingerprint(c)  # a tariff does


def test_warm_start_and_mip_start_give_the_cold_optimum(base):
    _, sol0 = base
    raw = sweep_raw()
    specs = parse_specs(["carbon.price=0.5:2", "measure[hp].capex_cny=0.5:2"], raw)
    sf, inp = _inputs(apply_sample(raw, specs, [1.8, 0.6]))
    cold = solve_inputs(inp, sf.scenario.solver)
    warm = solve_inputs(inp, sf.scenario.solver, warm_cuts=sol0.cut_records,
                        mip_start=sol0.investments)
    assert warm.report.proven_optimal
    assert _npv(inp, warm) == pytest.approx(_npv(inp, cold), rel=1e-7)
    assert warm.report.iterations <= cold.report.iterations


def test_fixed_base_plan_costs_its_own_optimum_and_no_less_elsewhere(base):
    inp0, sol0 = base
    raw = sweep_raw()
    sf0, _ = _inputs(raw)
    # Under the base inputs the base plan is optimal: regret 0 (to the decomposition tolerance).
    same = fixed_plan_npv_cny(inp0, sf0.scenario.solver, sol0.investments,
                              warm_cuts=sol0.cut_records)
    assert same == pytest.approx(sol0.report.objective_mcny * 1e6, rel=1e-8)
    # Elsewhere it costs at least the optimum there, whichever way it is solved.
    specs = parse_specs(["measure[hp].capex_cny=0.1:5"], raw)
    sf, inp = _inputs(apply_sample(raw, specs, [4.0]))
    opt = solve_inputs(inp, sf.scenario.solver, keep_master=True)
    fresh = fixed_plan_npv_cny(inp, sf.scenario.solver, sol0.investments)
    reused = fixed_plan_npv_cny(inp, sf.scenario.solver, sol0.investments, master=opt.master)
    assert reused == pytest.approx(fresh, rel=1e-8)
    assert fresh >= opt.report.objective_mcny * 1e6 * (1 - 1e-9)
