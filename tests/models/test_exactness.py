"""The decomposed planner finds the optimum of the full 8760-hour problem.

A 3-year instance with PV, a battery, a Sichuan TOU tariff, measures (efficiency,
electrification, process gas), certificates and credits is solved twice: by the
planner (MILP + exact cuts) and as one monolithic MILP with every hour of every
year (models.monolithic). Issue 3 asks for 0.1 %; the decomposition is exact, so
the test asks for 1e-5.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.solvers.highs import Highs

from models.monolithic import build_monolithic
from planner.inputs.build import build_inputs
from planner.plan.results import build_plan
from planner.scenario.read import parse_scenario
from planner.solve.run import solve_inputs
from tests.conftest import tiny_raw


def _instance() -> dict:
    raw = tiny_raw(
        demand={"electricity_mwh": 2000.0, "profile": "two_shift",
                "fuels_gj": {"natural_gas": 6000.0}},
        grid={"price_cny_per_kwh": {"2025": 0.6, "2027": 0.66}, "tou_preset": "sichuan-2023",
              "export_price_cny_per_kwh": 0.35, "ef_t_per_mwh": 0.55},
        process={"gases_kg": {"r410a": 60.0}},
        target={"net_zero_year": 2027, "max_credit_share": 0.3},
        pv={"capex_cny_per_kw": 2600.0, "fixed_om_cny_per_kw_year": 40.0, "max_kw": 900.0,
            "annual_yield_kwh_per_kwp": 1000.0, "lifetime_years": 25},
        battery={"energy_capex_cny_per_kwh": 500.0, "power_capex_cny_per_kw": 150.0,
                 "round_trip_efficiency": 0.88, "lifetime_years": 10, "max_kwh": 3000.0},
        certificates={"price_cny_per_mwh": 30.0, "max_share": 0.5},
        credit=[{"id": "ccer", "price_cny_per_t": 80.0}],
        removal=[{"id": "dac", "price_cny_per_t": 3000.0}],
        measure=[
            {"id": "led", "pathway": "efficiency", "capex_cny": 60000.0, "lifetime_years": 12,
             "electricity_saving_share": 0.03},
            {"id": "heat_pump", "pathway": "fuel-switch", "capex_cny": 900000.0,
             "lifetime_years": 20,
             "switch": [{"from_fuel": "natural_gas", "share": 0.6, "efficiency_from": 0.9,
                         "to": "electricity", "efficiency_to": 3.0,
                         "profile": "process_heat"}]},
            {"id": "refrigerant", "pathway": "process-gas", "capex_cny": 150000.0,
             "lifetime_years": 15, "gas_cut_share": {"r410a": 1.0}},
        ],
    )
    raw["scenario"]["end_year"] = 2027
    raw["solver"] = {"mip_rel_gap": 1e-7, "oa_rel_tolerance": 1e-8}
    return raw


@pytest.fixture(scope="module")
def both():
    sf = parse_scenario(_instance(), "exactness.toml")
    inp = build_inputs(sf)
    plan = build_plan("exact", inp, solve_inputs(inp, sf.scenario.solver))
    mono = build_monolithic(inp)
    opt = Highs()
    # Interior point for the LPs: 38 s instead of 80 s with dual simplex on this instance.
    res = opt.solve(mono, rel_gap=1e-7, time_limit=3000,
                    solver_options={"output_flag": False, "mip_lp_solver": "ipm"})
    assert res.solution_status.name == "optimal"
    return plan, mono, res


def test_planner_optimum_equals_the_monolithic_full_hourly_optimum(both):
    plan, _, res = both
    mono_cny = res.incumbent_objective * 1e6
    assert plan.summary["npv_plan_cny"] == pytest.approx(mono_cny, rel=1e-5)
    # The instance is not trivial: PV and a battery are built and the battery works.
    assert plan.roadmap["pv_capacity_kw"].max() > 100
    assert plan.energy["battery_discharge_mwh"].sum() > 1.0


def test_planner_decisions_match_the_monolithic_ones(both):
    plan, mono, _ = both
    built = {plan.inputs.measures.ids[k]: [int(pyo.value(mono.build[k, y])) for y in mono.year
                                           if (k, y) in mono.build_slot]
             for k in mono.measure}
    for k, mid in enumerate(plan.inputs.measures.ids):
        first = plan.inputs.measures.earliest_idx_m[k]
        assert list(plan.solution.decisions.build_my[k, first:]) == built[mid], mid
    pv_mono = np.array([pyo.value(mono.pv_new[y]) for y in mono.year]) * 1e3
    np.testing.assert_allclose(plan.roadmap["pv_added_kw"], pv_mono, rtol=1e-3, atol=1.0)


def test_hourly_import_of_the_monolithic_plan_matches_its_yearly_total(both):
    _, mono, _ = both
    for y in mono.year:
        hourly = sum(pyo.value(mono.h_import[y, h]) for h in mono.hour) / 1e3
        assert pyo.value(mono.grid_import[y]) == pytest.approx(hourly, rel=1e-9)


# --------------------------------------------------------------------------- carry-over

def _weekend_instance(csv_path) -> dict:
    """A plant shut at weekends, PV on the roof, no export allowed, flat price.

    The battery's value comes largely from carrying weekend PV into Monday, which a
    battery emptied every night cannot do. No measures: the model is a pure LP.
    """
    hours = np.arange(8760)
    load = np.where((hours // 24) % 7 < 5, 1.0, 0.0)
    csv_path.write_text("load_kw\n" + "\n".join(f"{v:g}" for v in load) + "\n")
    raw = tiny_raw(
        demand={"electricity_mwh": 2000.0, "profile_csv": str(csv_path),
                "fuels_gj": {"natural_gas": 2000.0}},
        grid={"price_cny_per_kwh": 0.6, "ef_t_per_mwh": 0.55, "export_limit_kw": 0.0},
        target={"net_zero_year": 2026, "max_credit_share": 1.0},
        pv={"capex_cny_per_kw": 2000.0, "fixed_om_cny_per_kw_year": 30.0, "max_kw": 1500.0,
            "annual_yield_kwh_per_kwp": 1100.0, "lifetime_years": 25},
        battery={"energy_capex_cny_per_kwh": 300.0, "power_capex_cny_per_kw": 100.0,
                 "round_trip_efficiency": 0.9, "lifetime_years": 15, "max_kwh": 6000.0},
        credit=[{"id": "ccer", "price_cny_per_t": 80.0}],
    )
    raw["scenario"]["end_year"] = 2026
    raw["solver"] = {"mip_rel_gap": 1e-9, "oa_rel_tolerance": 1e-9}
    return raw


@pytest.fixture(scope="module")
def weekend(tmp_path_factory):
    csv = tmp_path_factory.mktemp("weekend") / "load.csv"
    sf = parse_scenario(_weekend_instance(csv), str(csv.with_name("weekend.toml")))
    inp = build_inputs(sf)
    plan = build_plan("weekend", inp, solve_inputs(inp, sf.scenario.solver))
    mono = build_monolithic(inp)
    res = Highs().solve(mono, rel_gap=1e-9, time_limit=3000,
                        solver_options={"output_flag": False})
    assert res.solution_status.name == "optimal"
    return plan, mono, res


def test_planner_equals_monolithic_where_energy_is_carried_across_days(weekend):
    plan, mono, res = weekend
    assert plan.summary["npv_plan_cny"] == pytest.approx(res.incumbent_objective * 1e6,
                                                         rel=1e-6)
    # Carry-over matters: the monolithic optimum enters some Monday with energy stored
    # (hour 24 d - 1 ends Sunday d - 1), and the planner builds a battery.
    y = mono.year.first()
    mondays = [pyo.value(mono.h_soc[y, 24 * d - 1]) for d in range(7, 365, 7)]
    assert max(mondays) > 0.1  # MWh
    assert plan.roadmap["battery_capacity_kwh"].max() > 100


def _cap_instance() -> dict:
    """Grid emissions only, net zero in 2026; direct air capture (3 000 CNY/t) is limited
    to 700 t, the rest (20 000 CNY/t) is dearer than cutting imports with PV and the
    battery. So 2026's imports carry a shadow price between the two offsets' (the
    decomposition's weight search runs, and the reported dispatch is the mix at w*)."""
    raw = tiny_raw(
        demand={"electricity_mwh": 2000.0, "profile": "two_shift", "fuels_gj": {}},
        grid={"price_cny_per_kwh": 0.6, "tou_preset": "sichuan-2023",
              "export_price_cny_per_kwh": 0.3, "ef_t_per_mwh": 0.55},
        target={"net_zero_year": 2026, "max_credit_share": 0.0},
        pv={"capex_cny_per_kw": 2600.0, "fixed_om_cny_per_kw_year": 40.0, "max_kw": 1200.0,
            "annual_yield_kwh_per_kwp": 1000.0, "lifetime_years": 25},
        battery={"energy_capex_cny_per_kwh": 900.0, "power_capex_cny_per_kw": 300.0,
                 "round_trip_efficiency": 0.9, "lifetime_years": 15, "max_kwh": 6000.0},
        removal=[{"id": "dac", "price_cny_per_t": 3000.0, "max_t_per_year": 700.0},
                 {"id": "backup", "price_cny_per_t": 20000.0}],
    )
    raw["scenario"]["end_year"] = 2026
    raw["solver"] = {"mip_rel_gap": 1e-9, "oa_rel_tolerance": 1e-9}
    return raw


def test_planner_equals_monolithic_when_the_cap_binds_on_imports():
    sf = parse_scenario(_cap_instance(), "cap.toml")
    inp = build_inputs(sf)
    sol = solve_inputs(inp, sf.scenario.solver)
    plan = build_plan("cap", inp, sol)
    mono = build_monolithic(inp)
    res = Highs().solve(mono, rel_gap=1e-9, time_limit=3000,
                        solver_options={"output_flag": False})
    assert res.solution_status.name == "optimal"
    assert plan.summary["npv_plan_cny"] == pytest.approx(res.incumbent_objective * 1e6,
                                                         rel=1e-6)
    assert plan.summary["evaluations"] > 0
    # The cap binds in 2026: the reported dispatch imports what the monolithic optimum does.
    y = list(mono.year)[1]
    assert plan.energy["import_mwh"].iloc[1] == pytest.approx(
        pyo.value(mono.grid_import[y]) * 1e3, rel=1e-5)
