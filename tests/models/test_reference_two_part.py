"""With a demand charge the planner's optimum equals the independent full-hourly MILP.

``models.reference`` writes the two-part tariff from the scenario's keys (one peak
variable per month and year, hour by hour, in one MILP with the investment); the
planner pays it inside each year's dispatch LP and carries it to the master through
outer-approximation cuts. Agreement to 1e-6 on a case where the battery is built
to shave the monthly peaks shows that the cuts carry the demand charge exactly. (The
contract demand's arithmetic is checked by hand in ``test_two_part.py``; a reference
comparison with a contract takes as long again and is not run here.)
"""

from __future__ import annotations

import numpy as np
import pytest

from models.reference import solve_reference
from planner.scenario.read import parse_scenario
from tests.conftest import tiny_raw
from tests.helpers import solve_raw
from tests.models.reference_data import reference_data

REL = 1e-6


def _two_part(**two_part) -> dict:
    """2 years, two-shift load, Sichuan TOU, PV and a battery, a demand charge that
    rises from 36.1 to 42 CNY/kW-month, credits to reach net zero."""
    raw = tiny_raw(
        demand={"electricity_mwh": 1200.0, "profile": "two_shift",
                "fuels_gj": {"natural_gas": 4000.0}},
        grid={"price_cny_per_kwh": 0.65, "tou_preset": "sichuan-2023",
              "export_price_cny_per_kwh": 0.3, "ef_t_per_mwh": 0.55, "export_limit_kw": 100.0,
              "two_part": two_part},
        target={"net_zero_year": 2026, "max_credit_share": 0.8},
        pv={"capex_cny_per_kw": 2800.0, "max_kw": 400.0, "annual_yield_kwh_per_kwp": 1000.0,
            "lifetime_years": 20},
        battery={"energy_capex_cny_per_kwh": 300.0, "power_capex_cny_per_kw": 100.0,
                 "round_trip_efficiency": 0.85, "lifetime_years": 10, "max_kwh": 1500.0},
        credit=[{"id": "ccer", "price_cny_per_t": 90.0}],
    )
    raw["scenario"]["end_year"] = 2026
    # Each year with a demand charge is an LP solved by HiGHS: generous for a loaded machine;
    # 1e-7 of the yearly grid cost is ample for a 1e-6 comparison of the NPV.
    raw["solver"]["time_limit_s"] = 3000.0
    raw["solver"]["oa_rel_tolerance"] = 1e-7
    return raw


def _both(raw: dict):
    sf = parse_scenario(raw, "ref.toml")
    return solve_raw(raw), solve_reference(sf.scenario, reference_data(sf), storage="cyclic")


@pytest.fixture(scope="module")
def demand():
    return _both(_two_part(demand_cny_per_kw_month={"2025": 36.1, "2026": 42.0}))


def test_planner_equals_reference_with_a_demand_charge(demand):
    plan, ref = demand
    assert plan.summary["npv_plan_cny"] == pytest.approx(ref.npv_cny, rel=REL)
    # The split of a year's grid cost between energy and peak is not unique where the cap
    # binds (the reported dispatch mixes two optimal ones, and a mix's peak is at most the
    # mix of their peaks), so the basic charge is compared to 0.1 % (measured 0.07 %), the
    # year's whole grid bill (energy + basic) to 1e-3 (imports and certificates may trade).
    np.testing.assert_allclose(plan.costs["basic_charge_cny"], ref.terms_cny_y["basic"],
                               rtol=1e-3)
    np.testing.assert_allclose(plan.costs["energy_cny"] + plan.costs["basic_charge_cny"],
                               ref.terms_cny_y["energy"] + ref.terms_cny_y["basic"], rtol=1e-3)
    # The lever under test is used: both build a battery (that it lowers the monthly peaks
    # is the next test); the reported yearly peak is the largest monthly one.
    assert ref.battery_new_kwh_y.sum() > 10
    assert plan.roadmap["battery_capacity_kwh"].iloc[-1] > 10
    peaks = plan.energy[[f"peak_import_kw_m{m:02d}" for m in range(1, 13)]].to_numpy()
    assert (peaks.max(axis=1) < plan.energy["peak_import_kw"].to_numpy() + 1e-6).all()


def test_the_demand_charge_moves_the_plan(demand):
    """Without the charge the optimum differs: the charge is what the battery earns."""
    plan, _ = demand
    raw = _two_part()
    del raw["grid"]["two_part"]
    plain = solve_raw(raw)
    assert plain.summary["npv_plan_cny"] < plan.summary["npv_plan_cny"]
    # The plan with the demand charge keeps each month's peak at or below the plain plan's.
    months = [f"peak_import_kw_m{m:02d}" for m in range(1, 13)]
    assert plan.energy[months].to_numpy().sum() < plain.energy[months].to_numpy().sum()
