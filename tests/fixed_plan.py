"""Put a given plan into a master model and read every term both ways (test helper).

:func:`set_plan` gives the master's variables the values of a plan without a solver:
the investment and purchase variables are set, and each variable defined by an
equality (PV output, battery alive, load, added electricity, fuel use, process
emissions) is computed from its own constraint. :func:`model_and_account_terms`
then pairs every cost and emission term as the model evaluates it (``pyo.value``)
with the same term from the accounts, in natural units, year by year.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
from pyomo.util.calc_var_value import calculate_variable_from_constraint

from models import units as u
from models.inputs import PlanInputs
from models.rules import boundary_gross_t, counted_offsets_t
from models.solution import Decisions
from models.terms import (
    battery_capacity_y,
    battery_usable_kwh_y,
    measure_alive_my,
    plan_state,
    pv_capacity_kw_y,
    pv_effective_kw_y,
    terms_of,
)
from planner.analysis.accounts import account_flows, npv_cny


def set_plan(m: pyo.ConcreteModel, d: Decisions, import_mwh_y: np.ndarray,
             energy_cost_cny_y: np.ndarray) -> None:
    """Give ``m``'s variables the values of plan ``d`` with this grid import and bill."""
    for (k, y), var in m.build.items():
        var.set_value(float(d.build_my[k, y]))
    for y in m.year:
        m.pv_new[y].set_value(float(d.pv_new_kw_y[y]) / u.POWER_KW)
        m.battery_energy_new[y].set_value(float(d.battery_new_kwh_y[y]) / u.STORAGE_KWH)
        m.battery_power_new[y].set_value(float(d.battery_new_kw_y[y]) / u.POWER_KW)
        m.certificates[y].set_value(float(d.certificates_mwh_y[y]) / u.ELEC_MWH)
        m.grid_import[y].set_value(float(import_mwh_y[y]) / u.ELEC_MWH)
        m.energy_cost[y].set_value(float(energy_cost_cny_y[y]) / u.MONEY_CNY)
        m.shortfall[y].set_value(0.0)
        for c in m.credit:
            m.credits[c, y].set_value(float(d.credits_t_cy[c, y]) / u.EMIS_T)
        for r in m.removal:
            m.removals[r, y].set_value(float(d.removals_t_ry[r, y]) / u.EMIS_T)
    # alive first: the demand rows read it.
    defined = [(m.alive, m.alive_def), (m.pv_effective, m.pv_effective_def),
               (m.battery_energy, m.battery_energy_def), (m.battery_power, m.battery_power_def),
               (m.load_scale, m.load_scale_def), (m.added, m.added_def),
               (m.fuel_use, m.fuel_use_def), (m.source_emission, m.source_emission_def)]
    for var, con in defined:
        for idx in con:
            var[idx].set_value(0.0)
            calculate_variable_from_constraint(var[idx], con[idx])
    _set_market_plan(m, d)
    if hasattr(m, "green"):
        for c in m.green_contract:
            m.green_volume[c].set_value(float(d.green_volume_mwh_g[c]) / u.ELEC_MWH)
            for y in m.year:
                m.green[c, y].set_value(float(d.green_mwh_gy[c, y]) / u.ELEC_MWH)


def _set_market_plan(m: pyo.ConcreteModel, d: Decisions) -> None:
    """CCER as in ``d``; chargeable CBAM tonnes at their least value max(0, embedded - free)."""
    if hasattr(m, "ccer"):
        for y in m.year:
            m.ccer[y].set_value(float(d.ccer_t_y[y]) / u.EMIS_T if d.ccer_t_y is not None
                                else 0.0)
    if hasattr(m, "cbam_chargeable"):
        for y in m.year:
            var = m.cbam_chargeable[y]
            if var.fixed:
                continue
            var.set_value(0.0)
            con = m.cbam_over_free[y]
            # With chargeable = 0 the constraint's body is +-(embedded - free), by its side.
            body = float(pyo.value(con.body))
            var.set_value(max(0.0, body if con.lower is None else -body))


def model_and_account_terms(m: pyo.ConcreteModel, inp: PlanInputs, d: Decisions,
                            import_mwh_y: np.ndarray, energy_cost_cny_y: np.ndarray
                            ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each term as (model value, account value) in natural units; call after :func:`set_plan`."""
    t = terms_of(inp)
    acc = account_flows(t, d, import_mwh_y, energy_cost_cny_y)
    years = list(m.year)

    def yearly(comp, scale: float) -> np.ndarray:
        return np.array([pyo.value(comp[y]) for y in years]) * scale

    def by(comp, index, scale: float) -> np.ndarray:
        return np.array([[pyo.value(comp[i, y]) for y in years] for i in index]
                        ).reshape(len(index), len(years)) * scale

    state = plan_state(t, d.build_my, d.pv_new_kw_y, d.battery_new_kwh_y, d.battery_new_kw_y)
    df = inp.discount_factor_y
    rules = {}
    if inp.rules is not None:  # a standard's boundary (models.rules) and its numpy twin
        rules = {
            "rule_gross_t": (yearly(m.rule_gross, u.EMIS_T), boundary_gross_t(
                inp.rules, acc.fuel_t_fy, acc.source_t_jy, acc.import_mwh_y,
                acc.certificates_mwh_y, t.grid_ef_location_t_per_mwh_y,
                t.grid_ef_residual_t_per_mwh_y, acc.green_mwh_y)),
            "rule_offsets_t": (yearly(m.rule_offsets, u.EMIS_T),
                               counted_offsets_t(inp.rules, d.credits_t_cy, d.removals_t_ry)),
        }
    green = {}
    if hasattr(m, "green"):  # green-power contracts: MWh counted, MWh paid, premium
        green = {
            "green_mwh": (yearly(m.green_total, u.ELEC_MWH), acc.green_counted_mwh_y),
            "green_paid_mwh": (by(m.green_paid, list(m.green_contract), u.ELEC_MWH),
                               acc.green_paid_mwh_gy),
            "green_cny": (yearly(m.green_cost, u.MONEY_CNY), acc.green_cny_y),
        }
    return rules | green | _market_terms(m, acc, yearly) | {
        "alive": (by(m.alive, list(m.measure), 1.0), measure_alive_my(t, d.build_my)),
        "pv_capacity_kw": (yearly(m.pv_capacity, u.POWER_KW), pv_capacity_kw_y(t, d.pv_new_kw_y)),
        "pv_effective_kw": (yearly(m.pv_effective, u.POWER_KW),
                            pv_effective_kw_y(t, d.pv_new_kw_y)),
        "battery_kwh": (yearly(m.battery_energy, u.STORAGE_KWH),
                        battery_usable_kwh_y(t, d.battery_new_kwh_y)),
        "battery_kw": (yearly(m.battery_power, u.POWER_KW),
                       battery_capacity_y(t, d.battery_new_kw_y)),
        "load_scale": (yearly(m.load_scale, 1.0), state.load_scale_cy[0]),
        "added_mwh": (by(m.added, list(m.shape), u.ELEC_MWH), state.added_mwh_csy[0]),
        "fuel_gj": (by(m.fuel_use, list(m.fuel), u.FUEL_GJ), acc.fuel_gj_fy),
        "source_t": (by(m.source_emission, list(m.source), u.EMIS_T), acc.source_t_jy),
        "scope1_t": (yearly(m.scope1, u.EMIS_T), acc.scope1_t_y),
        "scope2_location_t": (yearly(m.scope2_location, u.EMIS_T), acc.scope2_location_t_y),
        "scope2_market_t": (yearly(m.scope2_market, u.EMIS_T), acc.scope2_market_t_y),
        "net_t": (yearly(m.net_emissions, u.EMIS_T), acc.net_t_y),
        "capex_cny": (yearly(m.capex, u.MONEY_CNY), acc.capex_cny_y),
        "fixed_om_cny": (yearly(m.fixed_om, u.MONEY_CNY), acc.fixed_om_cny_y),
        "energy_cny": (yearly(m.energy_cost, u.MONEY_CNY), acc.energy_cost_cny_y),
        "fuel_cny": (yearly(m.fuel_cost, u.MONEY_CNY), acc.fuel_cost_cny_y),
        "carbon_cny": (yearly(m.carbon_cost, u.MONEY_CNY), acc.carbon_cost_cny_y),
        "offsets_cny": (yearly(m.offset_cost, u.MONEY_CNY), acc.offset_cost_cny_y),
        "discounted_cost_cny": (yearly(m.annual_cost, u.MONEY_CNY) * df,
                                acc.total_cost_cny_y * df),
        "salvage_cny": (np.array([pyo.value(m.salvage) * u.MONEY_CNY]),
                        np.array([acc.salvage_cny])),
        "npv_cny": (np.array([pyo.value(m.npv) * u.MONEY_CNY]), np.array([npv_cny(inp, acc)])),
    }


def _market_terms(m: pyo.ConcreteModel, acc, yearly) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """ETS and CBAM terms, model and accounts (empty without carbon markets)."""
    mk = acc.markets
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if mk is None:
        return out
    if hasattr(m, "ets_covered"):
        out["ets_covered_t"] = (yearly(m.ets_covered, u.EMIS_T), mk.ets_covered_t_y)
        out["ccer_t"] = (yearly(m.ccer, u.EMIS_T), mk.ccer_t_y)
        out["ets_cost_cny"] = (yearly(m.ets_cost, u.MONEY_CNY),
                               mk.ets_cost_cny_y + mk.ccer_cost_cny_y)
    if hasattr(m, "cbam_embedded"):
        out["cbam_embedded_t"] = (yearly(m.cbam_embedded, u.EMIS_T), mk.cbam_embedded_t_y)
        out["cbam_chargeable_t"] = (yearly(m.cbam_chargeable, u.EMIS_T),
                                    mk.cbam_chargeable_t_y)
    out["market_cost_cny"] = (yearly(m.market_cost, u.MONEY_CNY), mk.cost_cny_y)
    return out


def assert_terms_equal(terms: dict[str, tuple[np.ndarray, np.ndarray]],
                       rel: float = 1e-9) -> None:
    """Every term equal to ``rel`` (relative to the term's largest value, per year)."""
    for name, (model, accounts) in terms.items():
        scale = max(float(np.abs(accounts).max(initial=0.0)), 1.0)
        np.testing.assert_allclose(model, accounts, rtol=rel, atol=rel * scale,
                                   err_msg=f"term {name}: model != accounts")
