"""On every shipped example: the MILP's objective is the NPV the accounts report.

Each example is solved once (module fixture) with its master kept. The master's
objective and each of its terms, evaluated with ``pyo.value`` at the plan it chose,
equal the accounts' figures for the same plan to 1e-9 when the accounts are given the
master's own grid import and grid bill; with the exact 8760-hour import and bill the
reported NPV is the objective up to the decomposition's tolerance.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from models import units as u
from planner.analysis.pathways import pathway_table
from planner.plan.results import build_plan
from planner.run.pipeline import prepare_plan
from planner.solve.run import solve_inputs
from tests.conftest import SCENARIOS
from tests.fixed_plan import assert_terms_equal, model_and_account_terms, set_plan


@pytest.fixture(scope="module")
def solved():
    out = {}
    for path in SCENARIOS:
        sf, inp, profile, note = prepare_plan(path)
        sol = solve_inputs(inp, sf.scenario.solver, keep_master=True)
        plan = build_plan(sf.scenario.scenario.name, inp, sol, profile=profile,
                          profile_note=note, detail=False)
        out[path.stem] = (sf, inp, sol, plan)
    return out


def _master_energy(m: pyo.ConcreteModel) -> tuple[np.ndarray, np.ndarray]:
    """The master's grid import [MWh] and grid bill [CNY] per year (cut-bounded variables)."""
    imp = np.array([pyo.value(m.grid_import[y]) for y in m.year]) * u.ELEC_MWH
    cost = np.array([pyo.value(m.energy_cost[y]) for y in m.year]) * u.MONEY_CNY
    return imp, cost


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_each_term_of_the_solved_master_equals_the_accounts(solved, name):
    _, inp, sol, _ = solved[name]
    m, _ = sol.master
    imp, cost = _master_energy(m)
    # The plan as reported (binaries rounded, round-off cleaned), put back into the model.
    set_plan(m, sol.decisions, imp, cost)
    assert_terms_equal(model_and_account_terms(m, inp, sol.decisions, imp, cost), rel=1e-9)


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_planner_objective_equals_the_reported_npv(solved, name):
    sf, _, sol, plan = solved[name]
    m, _ = sol.master
    imp, cost = _master_energy(m)
    set_plan(m, sol.decisions, imp, cost)
    objective_cny = pyo.value(m.npv) * u.MONEY_CNY
    # The objective HiGHS reported is the same number (its values, before rounding).
    assert objective_cny == pytest.approx(sol.report.objective_mcny * u.MONEY_CNY, rel=1e-7)
    # Reported NPV: the same terms with the exact 8760-hour import and bill instead of the
    # master's cut-bounded ones. Cuts bound the bill from below, so the objective is at
    # most the NPV, and the decomposition stops when each year's bill is within
    # oa_rel_tolerance of the exact one.
    npv = plan.summary["npv_plan_cny"]
    assert npv >= objective_cny - 1e-9 * abs(npv)
    assert npv == pytest.approx(objective_cny, rel=10 * sf.scenario.solver.oa_rel_tolerance)


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_pathway_wedges_add_up_to_bau_minus_plan_net(solved, name):
    """The identity of docs/reports.md: per year the wedges sum to BAU net - plan net
    (each intermediate plan dispatched through planner.analysis.accounts)."""
    _, inp, sol, plan = solved[name]
    table = pathway_table(inp, sol.decisions, plan.accounts, plan.bau)
    by_year = table.groupby("year")["abated_t"].sum().to_numpy()
    total = plan.bau.net_t_y - plan.accounts.net_t_y
    np.testing.assert_allclose(by_year, total, rtol=1e-9, atol=1e-5)
    assert (table["abated_t"] != 0).any()


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_without_money_keys_npv_and_objective_are_the_pre_tax_ones(solved, name):
    """Issue 15 changed the objective's form (investments weighed by their cash-flow
    profiles, operating costs after tax); without [tax], [loan], subsidies or contracts
    both must be the pre-tax NPV to 1e-9: sum_y df_y total_cost_y - salvage_discount
    salvage, from the accounts' own pre-tax fields and from the master's own
    expressions."""
    _, inp, sol, plan = solved[name]
    assert inp.finance is None
    acc = plan.accounts
    pre_tax = float(inp.discount_factor_y @ acc.total_cost_cny_y
                    - inp.salvage_discount * acc.salvage_cny)
    assert plan.summary["npv_plan_cny"] == pytest.approx(pre_tax, rel=1e-9)
    m, _ = sol.master
    imp, cost = _master_energy(m)
    set_plan(m, sol.decisions, imp, cost)
    old_objective = (sum(inp.discount_factor_y[y] * pyo.value(m.annual_cost[y]) for y in m.year)
                     - inp.salvage_discount * pyo.value(m.salvage))
    assert pyo.value(m.npv) == pytest.approx(old_objective, rel=1e-9)
