"""The master's rows and objective, coefficient by coefficient, on a 2-year toy (no solve).

Each constraint family of ``models.master.build_master`` is read back with Pyomo's
``generate_standard_repn`` and compared with coefficients worked out by hand from the
toy's inputs below. Units of the master (models/units.py): MCNY, MW, MWh of storage,
GWh, TJ, kt; so 1 CNY/kW = 1e-3 MCNY/MW, 1 CNY/GJ = 1e-3 MCNY/TJ, 1 t = 1e-3 kt.

The toy (years 2025 = 0 and 2026 = 1, discount 5 %, demand growing 10 %/yr):
eff (efficiency, 10 % electricity saving, capex 100 kCNY, 5 kCNY/yr O&M, life 2) and hp
(half the gas to a COP-3 heat pump, efficiency_from 0.9, capex 900 then 800 kCNY, life 20)
in one exclusive group; PV (3 000 CNY/kW, 40 CNY/kW/yr, 1 %/yr degradation, life 25,
roof 500 kW); a battery (500 CNY/kWh + 150 CNY/kW, 1-4 h, at most 2 000 kWh); certificates
(30 CNY/MWh, at most half the import); a credit (80 CNY/t, at most 300 t/yr) and a removal
(2 000 CNY/t); a carbon price of 100 CNY/t on scopes 1 and 2 (location-based); residual
grid factor 0.6 t/MWh (location 0.5); a capex budget of 2 MCNY/yr; net zero in 2026.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

from models.master import build_master
from planner.inputs.build import build_inputs
from planner.scenario.read import parse_scenario
from tests.conftest import tiny_raw

DF1 = 1 / 1.05          # discount factor of year 1
SALVAGE_DF = 1.05 ** -2  # salvage counted at the end of the 2-year horizon
G1 = 1.1                 # growth factor of year 1
GAS_EF = 0.0561          # IPCC 2006 natural gas, t/GJ = kt/TJ


def _toy() -> dict[str, Any]:
    raw = tiny_raw(
        demand={"electricity_mwh": 1000.0, "profile": "flat", "growth_per_year": 0.1,
                "fuels_gj": {"natural_gas": 10000.0}},
        grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5, "residual_ef_t_per_mwh": 0.6},
        carbon={"price_cny_per_t": 100.0, "covered": True, "scopes": ["scope1", "scope2"]},
        target={"net_zero_year": 2026, "max_credit_share": 0.5},
        measure=[
            {"id": "eff", "pathway": "efficiency", "capex_cny": 100000.0,
             "fixed_opex_cny_per_year": 5000.0, "lifetime_years": 2,
             "electricity_saving_share": 0.1, "group": "g"},
            {"id": "hp", "pathway": "fuel-switch", "capex_cny": {"2025": 900000.0,
                                                               "2026": 800000.0},
             "lifetime_years": 20, "group": "g",
             "switch": [{"from_fuel": "natural_gas", "share": 0.5, "efficiency_from": 0.9,
                         "to": "electricity", "efficiency_to": 3.0, "profile": "flat"}]},
        ],
        pv={"capex_cny_per_kw": 3000.0, "fixed_om_cny_per_kw_year": 40.0, "lifetime_years": 25,
            "degradation_per_year": 0.01, "max_kw": 500.0, "annual_yield_kwh_per_kwp": 1000.0},
        battery={"energy_capex_cny_per_kwh": 500.0, "power_capex_cny_per_kw": 150.0,
                 "lifetime_years": 12, "max_kwh": 2000.0, "min_duration_h": 1.0,
                 "max_duration_h": 4.0},
        certificates={"price_cny_per_mwh": 30.0, "max_share": 0.5},
        credit=[{"id": "ccer", "price_cny_per_t": 80.0, "max_t_per_year": 300.0}],
        removal=[{"id": "dac", "price_cny_per_t": 2000.0}],
        budget={"capex_cny_per_year": 2.0e6},
    )
    raw["scenario"]["end_year"] = 2026
    return raw


@pytest.fixture(scope="module")
def toy() -> tuple[Any, pyo.ConcreteModel]:
    inp = build_inputs(parse_scenario(_toy(), "toy.toml"))
    return inp, build_master(inp)


def _linear(expr: Any) -> tuple[dict[str, float], float]:
    repn = generate_standard_repn(expr, compute_values=True)
    assert repn.is_linear()
    coefs: dict[str, float] = {}
    for var, c in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        coefs[var.name] = coefs.get(var.name, 0.0) + float(c)
    return {k: c for k, c in coefs.items() if c != 0.0}, float(repn.constant)


def _le(con: Any) -> tuple[dict[str, float], float]:
    """An inequality row as ``sum(coef x) <= rhs``."""
    coefs, const = _linear(con.body)
    if con.upper is not None:
        assert con.lower is None
        return coefs, pyo.value(con.upper) - const
    return {k: -c for k, c in coefs.items()}, const - pyo.value(con.lower)


def _eq(con: Any, pivot: str) -> tuple[dict[str, float], float]:
    """An equality row as ``sum(coef x) = rhs`` scaled so that ``pivot`` has coefficient 1."""
    assert con.equality
    coefs, const = _linear(con.body)
    scale = coefs[pivot]
    return {k: c / scale for k, c in coefs.items()}, (pyo.value(con.upper) - const) / scale


def _approx(expected: dict[str, float]) -> Any:
    return pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_measures_alive_at_most_once_and_one_of_a_group(toy):
    _, m = toy
    # eff lives 2 years: built in 2025 it is still alive in 2026. alive is a binary of
    # its own, equal to the builds within the life, so at most one build (alive <= 1).
    row, rhs = _eq(m.alive_def[0, 1], "alive[0,1]")
    assert (row, rhs) == (_approx({"alive[0,1]": 1, "build[0,0]": -1, "build[0,1]": -1}), 0)
    assert _eq(m.alive_def[0, 0], "alive[0,0]") == (_approx({"alive[0,0]": 1, "build[0,0]": -1}), 0)
    assert m.alive[0, 1].domain is pyo.Binary and m.alive[0, 1].ub == 1
    row, rhs = _le(m.group_exclusive["g", 1])
    assert row == _approx({"alive[0,1]": 1, "alive[1,1]": 1})
    assert rhs == 1


def test_pv_degrades_by_vintage_within_the_roof(toy):
    _, m = toy
    # effective MW of 2026 = new 2026 + 0.99 x new 2025; nameplate <= 0.5 MW.
    row, rhs = _eq(m.pv_effective_def[1], "pv_effective[1]")
    assert (row, rhs) == (_approx({"pv_effective[1]": 1, "pv_new[1]": -1, "pv_new[0]": -0.99}),
                          pytest.approx(0, abs=1e-15))
    assert _le(m.pv_roof_limit[1]) == (_approx({"pv_new[0]": 1, "pv_new[1]": 1}),
                                       pytest.approx(0.5))


def test_battery_vintages_and_duration_bounds(toy):
    _, m = toy
    row, _ = _eq(m.battery_energy_def[1], "battery_energy[1]")
    assert row == _approx({"battery_energy[1]": 1, "battery_energy_new[0]": -1,
                           "battery_energy_new[1]": -1})
    # 1 h x power <= energy <= 4 h x power; energy <= 2 MWh.
    assert _le(m.battery_min_duration[0]) == (
        _approx({"battery_power[0]": 1, "battery_energy[0]": -1}), 0)
    assert _le(m.battery_max_duration[0]) == (
        _approx({"battery_power[0]": -4, "battery_energy[0]": 1}), 0)
    assert m.battery_energy[0].ub == pytest.approx(2.0)


def test_demand_after_measures_grows_and_shrinks_by_hand(toy):
    inp, m = toy
    # load scale 2026 = 1.1 x (1 - 0.1 x alive eff); eff built in 2025 or 2026 is alive.
    row, rhs = _eq(m.load_scale_def[1], "load_scale[1]")
    assert row == _approx({"load_scale[1]": 1, "alive[0,1]": G1 * 0.1})
    assert rhs == pytest.approx(G1)
    # gas [TJ] 2026 = 1.1 x (10 000 - 0.5 x 10 000 x alive hp) / 1 000.
    row, rhs = _eq(m.fuel_use_def[0, 1], "fuel_use[0,1]")
    assert row == _approx({"fuel_use[0,1]": 1, "alive[1,1]": G1 * 5.0})
    assert rhs == pytest.approx(G1 * 10.0)
    # The heat pump's electricity [GWh]: 5 000 GJ x 0.9 useful / COP 3 / 3.6 GJ/MWh / 1 000.
    flat = inp.hourly.shape_names.index("flat")
    row, rhs = _eq(m.added_def[flat, 1], f"added[{flat},1]")
    hp_gwh = 5000 * 0.9 / 3.0 / 3.6 / 1000
    assert row == _approx({f"added[{flat},1]": 1, "alive[1,1]": -G1 * hp_gwh})
    assert rhs == pytest.approx(0, abs=1e-15)


def test_offsets_and_the_emission_cap(toy):
    inp, m = toy
    # Certificates at most half the import.
    assert _le(m.certificate_share[1]) == (_approx({"certificates[1]": 1, "grid_import[1]": -0.5}),
                                           0)
    # Net 2026 = gas x 0.0561 + 0.6 x (import - certificates) - credits - removals <= 0.
    row, rhs = _le(m.emission_cap[1])
    assert row == _approx({"fuel_use[0,1]": GAS_EF, "grid_import[1]": 0.6,
                           "certificates[1]": -0.6, "credits[0,1]": -1, "removals[0,1]": -1})
    assert rhs == pytest.approx(0, abs=1e-12)
    # Credits: at most 300 t a year, and at most half the base-year emissions.
    assert m.credits[0, 1].ub == pytest.approx(0.3)
    row, rhs = _le(m.credit_share_cap[1])
    assert row == _approx({"credits[0,1]": 1})
    assert rhs == pytest.approx(0.5 * inp.target.base_emissions_t / 1000)


def test_capex_of_a_year_within_its_budget(toy):
    _, m = toy
    # 2026: eff 0.1, hp 0.8 MCNY; PV 3 MCNY/MW; battery 0.5 MCNY/MWh + 0.15 MCNY/MW; <= 2.
    row, rhs = _le(m.capex_budget[1])
    assert row == _approx({"build[0,1]": 0.1, "build[1,1]": 0.8, "pv_new[1]": 3.0,
                           "battery_energy_new[1]": 0.5, "battery_power_new[1]": 0.15})
    assert rhs == pytest.approx(2.0)


def test_objective_discounts_every_cost_and_credits_salvage(toy):
    _, m = toy
    obj, _ = _linear(m.npv.expr)
    expected = {
        # The hourly grid bill enters through energy_cost, discounted.
        "energy_cost[0]": 1.0, "energy_cost[1]": DF1,
        # Gas: 80 CNY/GJ + 100 CNY/t x 0.0561 t/GJ (scope 1 is priced).
        "fuel_use[0,1]": (0.080 + 0.100 * GAS_EF) * DF1,
        # Scope 2 is priced location-based: 100 CNY/t x 0.5 t/MWh; certificates do not
        # lower it, they cost 30 CNY/MWh.
        "grid_import[1]": 0.100 * 0.5 * DF1,
        "certificates[1]": 0.030 * DF1,
        "credits[0,0]": 0.080, "removals[0,1]": 2.0 * DF1,
        # eff built 2025: capex, nothing left after 2 years; its O&M is paid while alive.
        "build[0,0]": 0.1, "alive[0,0]": 0.005, "alive[0,1]": 0.005 * DF1,
        # eff built 2026: capex in 2026, half its value left at the end.
        "build[0,1]": 0.1 * DF1 - 0.1 * 1 / 2 * SALVAGE_DF,
        # hp built 2026: 19 of 20 years left at the end.
        "build[1,1]": 0.8 * DF1 - 0.8 * 19 / 20 * SALVAGE_DF,
        # PV built 2025: capex 3, O&M 0.04 a year on nameplate, 23 of 25 years left.
        "pv_new[0]": 3.0 + 0.04 * (1 + DF1) - 3.0 * 23 / 25 * SALVAGE_DF,
        # Battery energy bought 2026: 0.5 MCNY/MWh, 11 of 12 years left.
        "battery_energy_new[1]": 0.5 * DF1 - 0.5 * 11 / 12 * SALVAGE_DF,
    }
    assert {k: obj[k] for k in expected} == _approx(expected)
    # hp built 2025: 18 of 20 years left at the end.
    assert obj["build[1,0]"] == pytest.approx(0.9 - 0.9 * 18 / 20 * SALVAGE_DF, rel=1e-12)
