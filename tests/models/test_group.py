"""The group decomposition equals the joint monolithic model (every hour explicit).

Plants of 3 years with PV, a battery, a TOU tariff, a heat pump and credits; their hourly
data are cut to two days so that the monolithic reference (each plant's hourly balance
written out, the same coupling) solves in a second. The decomposition must find the same
optimum to 1e-6 and a plan that meets every coupling constraint.
"""

from __future__ import annotations

import time

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.solvers.highs import Highs

from models import units as u
from models.group import (
    GroupCoupling,
    build_group_master,
    build_group_monolithic,
    in_process_map,
    solve_group_decomposed,
)
from planner.base.schema import SolverSettings
from planner.solve.run import MasterSolver
from tests.conftest import tiny_raw
from tests.group_helpers import inputs_of_raw

SETTINGS = SolverSettings(mip_rel_gap=1e-9, oa_rel_tolerance=1e-9)


def _plant(gas_gj: float, credit_price: float, hp_capex: float, pv_capex: float) -> dict:
    raw = tiny_raw(
        demand={"electricity_mwh": 2000.0, "profile": "two_shift",
                "fuels_gj": {"natural_gas": gas_gj}},
        grid={"price_cny_per_kwh": 0.6, "tou_preset": "sichuan-2023",
              "export_price_cny_per_kwh": 0.35, "ef_t_per_mwh": 0.55},
        pv={"capex_cny_per_kw": pv_capex, "max_kw": 900.0, "annual_yield_kwh_per_kwp": 1000.0,
            "lifetime_years": 25},
        battery={"energy_capex_cny_per_kwh": 50.0, "power_capex_cny_per_kw": 15.0,
                 "round_trip_efficiency": 0.88, "lifetime_years": 10, "max_kwh": 3000.0},
        credit=[{"id": "ccer", "price_cny_per_t": credit_price}],
        measure=[{"id": "hp", "pathway": "fuel-switch", "capex_cny": hp_capex,
                  "lifetime_years": 20,
                  "switch": [{"from_fuel": "natural_gas", "share": 0.6, "efficiency_from": 0.9,
                              "to": "electricity", "efficiency_to": 3.0,
                              "profile": "process_heat"}]}])
    raw["scenario"]["end_year"] = 2027
    raw["target"]["net_zero_year"] = 2027
    return raw


PLANTS = [_plant(6000.0, 80.0, 900000.0, 2600.0), _plant(9000.0, 200.0, 700000.0, 2000.0),
          _plant(3000.0, 150.0, 400000.0, 3000.0)]


def _solve_both(inputs, coupling):
    res = solve_group_decomposed(inputs, coupling,
                                 MasterSolver(SETTINGS, time.perf_counter() + 120),
                                 in_process_map(inputs), rel_tol=1e-9)
    mono = build_group_monolithic(inputs, coupling)
    out = Highs().solve(mono, rel_gap=1e-9, solver_options={"output_flag": False})
    assert out.solution_status.name == "optimal"
    return res, mono, out.incumbent_objective


def _caps(inputs, pool_t: float, budget_cny: float) -> GroupCoupling:
    n = inputs[0].n_years
    cap = sum(i.target.allowed_net_t_y for i in inputs)
    return GroupCoupling(cap, None, np.full(n, budget_cny), np.full(n, pool_t),
                         np.full(n, np.inf), np.full(n, np.inf))


@pytest.mark.parametrize(("n_plants", "pool_t", "budget_cny"),
                         [(2, 450.0, 1.0e6), (3, 600.0, 1.0e6)])
def test_group_decomposition_equals_the_joint_monolithic_model(n_plants, pool_t, budget_cny):
    inputs = [inputs_of_raw(r, hours=48) for r in PLANTS[:n_plants]]
    coupling = _caps(inputs, pool_t, budget_cny)
    res, _, mono_obj = _solve_both(inputs, coupling)
    assert res.converged
    assert res.outcome.objective == pytest.approx(mono_obj, rel=1e-6)
    m = res.model
    # The coupling holds in the decomposed plan (kt, MCNY).
    for y in m.year:
        assert sum(pyo.value(b.net_emissions[y]) for b in m._blocks) <= \
            coupling.net_cap_t_y[y] / u.EMIS_T + 1e-7
        assert sum(pyo.value(b.capex[y]) for b in m._blocks) <= budget_cny / 1e6 + 1e-7
        assert sum(pyo.value(b.credits[c, y]) for b in m._blocks for c in b.credit) <= \
            pool_t / u.EMIS_T + 1e-7
    # The budget shapes the plan: the heat pumps (together above the budget) are spread.
    spending = [sum(pyo.value(b.capex[y]) for b in m._blocks) for y in m.year]
    assert sum(s > 1e-6 for s in spending) >= 2
    # Each plant's final exact energy cost equals what its block claims (the cuts are tight).
    for p, r in enumerate(res.plants):
        b = m._blocks[p]
        claimed = np.array([pyo.value(b.energy_cost[y]) for y in b.year]) * 1e6
        exact = r.balance.import_cost_cny_cy[0] - r.balance.export_revenue_cny_cy[0]
        np.testing.assert_allclose(claimed, exact, rtol=1e-6, atol=1.0)


def test_group_master_objective_is_the_sum_of_the_plant_objectives():
    inputs = [inputs_of_raw(r, hours=24) for r in PLANTS[:2]]
    gm = build_group_master(inputs, _caps(inputs, 450.0, 1.5e6))
    assert len(gm._blocks) == 2
    assert not any(b.npv.active for b in gm._blocks)
    assert not any(b.emission_cap.active for b in gm._blocks)
    # One objective active in the whole model: the group's.
    active = list(gm.component_data_objects(pyo.Objective, active=True))
    assert len(active) == 1
    assert len(gm.build) == sum(len(b.build) for b in gm._blocks)
