"""The accounts of a plan: yearly emissions and costs from its decisions, in numpy.

Every coefficient comes from :class:`models.terms.Terms`, the same arrays the MILP
uses (``models.master``): here they are multiplied by the decisions of a plan,
vectorised, and by the exact 8760-hour energy balance of each year. The same
:func:`account` serves the plan, business as usual and the with-and-without
variants of the analyses (``planner.finance``, ``planner.pathways``), so their
differences are like for like.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from models.hourly import EnergyBalance, PlanState, evaluate
from models.inputs import PlanInputs
from models.solution import Decisions, no_lever_decisions
from models.terms import (
    Terms,
    basic_charge_cny_y,
    battery_capacity_y,
    demand_flows,
    measure_alive_my,
    plan_state,
    pv_capacity_kw_y,
    terms_of,
)

__all__ = ["Accounts", "account", "account_flows", "bau_decisions", "bau_energy",
           "exact_balances", "npv_cny", "state_of"]


@dataclass(frozen=True)
class Accounts:
    """Yearly physical and money flows of a plan (arrays over years)."""

    fuel_gj_fy: np.ndarray
    fuel_t_fy: np.ndarray
    source_t_jy: np.ndarray
    scope1_t_y: np.ndarray
    import_mwh_y: np.ndarray
    scope2_location_t_y: np.ndarray
    scope2_market_t_y: np.ndarray
    certificates_mwh_y: np.ndarray
    credits_t_y: np.ndarray
    removals_t_y: np.ndarray
    net_t_y: np.ndarray
    capex_measures_cny_y: np.ndarray
    capex_pv_cny_y: np.ndarray
    capex_battery_cny_y: np.ndarray
    fixed_om_cny_y: np.ndarray
    energy_cost_cny_y: np.ndarray
    fuel_cost_cny_y: np.ndarray
    carbon_cost_cny_y: np.ndarray
    certificate_cost_cny_y: np.ndarray
    credit_cost_cny_y: np.ndarray
    removal_cost_cny_y: np.ndarray
    salvage_cny: float
    #: Two-part tariff: demand or capacity charge of each year [CNY].
    basic_charge_cny_y: np.ndarray | None = None

    @property
    def basic_cny_y(self) -> np.ndarray:
        """Basic (demand or capacity) charge per year, zeros without a two-part tariff."""
        return (np.zeros_like(self.energy_cost_cny_y) if self.basic_charge_cny_y is None
                else self.basic_charge_cny_y)

    @property
    def capex_cny_y(self) -> np.ndarray:
        return self.capex_measures_cny_y + self.capex_pv_cny_y + self.capex_battery_cny_y

    @property
    def offset_cost_cny_y(self) -> np.ndarray:
        return self.certificate_cost_cny_y + self.credit_cost_cny_y + self.removal_cost_cny_y

    @property
    def opex_cny_y(self) -> np.ndarray:
        return (self.fixed_om_cny_y + self.energy_cost_cny_y + self.basic_cny_y
                + self.fuel_cost_cny_y
                + self.carbon_cost_cny_y + self.certificate_cost_cny_y + self.credit_cost_cny_y
                + self.removal_cost_cny_y)

    @property
    def total_cost_cny_y(self) -> np.ndarray:
        return self.capex_cny_y + self.opex_cny_y


def account_flows(t: Terms, d: Decisions, import_mwh_y: np.ndarray,
                  energy_cost_cny_y: np.ndarray,
                  peak_import_kw_ym: np.ndarray | None = None) -> Accounts:
    """Yearly emissions and costs of decisions ``d`` with a given grid import and bill.

    Parameters
    ----------
    t : Terms
        The plan's coefficients (:func:`models.terms.terms_of`).
    d : Decisions
        Builds (measures, PV and battery vintages) and purchases; what is alive is
        derived from the builds through ``t``.
    import_mwh_y : (Y,)
        Grid import [MWh].
    energy_cost_cny_y : (Y,)
        Grid bill: import cost less export revenue [CNY].
    peak_import_kw_ym : (Y, M), optional
        Peak import of each month [kW], for the two-part tariff's basic charge
        (:func:`models.terms.basic_charge_cny_y`).

    Notes
    -----
    fuel = growth (base + sum_m delta_m alive_m); source = growth base (1 - sum cut alive);
    scope 1 = sum ef_f fuel_f + sum sources; scope 2 location = ef x import;
    scope 2 market = ef_residual x (import - certificates);
    net = scope 1 + scope 2 market - credits - removals.
    """
    alive = measure_alive_my(t, d.build_my)
    fuel, src = demand_flows(t, alive)
    fuel_t = t.fuel_ef_t_per_gj_f[:, None] * fuel
    scope1 = fuel_t.sum(axis=0) + src.sum(axis=0)
    imp = np.asarray(import_mwh_y, dtype=float)
    s2_loc = t.grid_ef_location_t_per_mwh_y * imp
    certs = np.minimum(d.certificates_mwh_y, imp)
    s2_mkt = t.grid_ef_residual_t_per_mwh_y * (imp - certs)
    credits = d.credits_t_cy.sum(axis=0)
    removals = d.removals_t_ry.sum(axis=0)
    net = scope1 + s2_mkt - credits - removals
    build = d.build_my.astype(float)
    cap_m = (t.measure_capex_cny_mv * build).sum(axis=0)
    cap_pv = t.pv_capex_cny_per_kw_v * d.pv_new_kw_y
    cap_b = (t.battery_energy_capex_cny_per_kwh_v * d.battery_new_kwh_y
             + t.battery_power_capex_cny_per_kw_v * d.battery_new_kw_y)
    om = (t.measure_fixed_om_cny_per_year_m @ alive
          + t.pv_fixed_om_cny_per_kw_year * pv_capacity_kw_y(t, d.pv_new_kw_y)
          + t.battery_fixed_om_cny_per_kwh_year * battery_capacity_y(t, d.battery_new_kwh_y))
    fuel_cost = (t.fuel_price_cny_per_gj_fy * fuel).sum(axis=0)
    carbon = t.carbon_price_scope1_cny_per_t_y * scope1 + t.carbon_price_scope2_cny_per_t_y * s2_loc
    cert_cost = t.certificate_price_cny_per_mwh_y * d.certificates_mwh_y
    credit_cost = (t.credit_price_cny_per_t_cy * d.credits_t_cy).sum(axis=0)
    removal_cost = (t.removal_price_cny_per_t_ry * d.removals_t_ry).sum(axis=0)
    salvage = float((t.measure_capex_cny_mv * t.measure_salvage_share_mv * build).sum()
                    + (cap_pv * t.pv_salvage_share_v).sum()
                    + (cap_b * t.battery_salvage_share_v).sum())
    return Accounts(fuel, fuel_t, src, scope1, imp, s2_loc, s2_mkt, d.certificates_mwh_y, credits,
                    removals, net, cap_m, cap_pv, cap_b, om, np.asarray(energy_cost_cny_y, float),
                    fuel_cost, carbon, cert_cost, credit_cost, removal_cost, salvage,
                    basic_charge_cny_y(t, peak_import_kw_ym))


def account(inp: PlanInputs, d: Decisions, bal: EnergyBalance) -> Accounts:
    """Yearly emissions and costs of decisions ``d`` with the exact energy balance ``bal``."""
    peaks = None if bal.peak_import_kw_cym is None else bal.peak_import_kw_cym[0]
    return account_flows(terms_of(inp), d, bal.import_mwh_cy[0],
                         bal.import_cost_cny_cy[0] - bal.export_revenue_cny_cy[0], peaks)


def npv_cny(inp: PlanInputs, acc: Accounts) -> float:
    """NPV of all costs less discounted salvage [CNY] (the master's objective, exactly)."""
    return float(inp.discount_factor_y @ acc.total_cost_cny_y - inp.salvage_discount
                 * acc.salvage_cny)


# --------------------------------------------------------------------------- exact balances

def state_of(inp: PlanInputs, d: Decisions) -> PlanState:
    """The hourly-balance state of decisions ``d`` (one candidate), as the master defines it."""
    return plan_state(terms_of(inp), d.build_my, d.pv_new_kw_y, d.battery_new_kwh_y,
                      d.battery_new_kw_y)


def _candidate(bal: EnergyBalance, c: int) -> EnergyBalance:
    """Candidate ``c`` of a multi-candidate balance, as a one-candidate balance."""
    return replace(bal, **{f.name: getattr(bal, f.name)[c:c + 1] for f in fields(bal)
                           if isinstance(getattr(bal, f.name), np.ndarray)})


def exact_balances(inp: PlanInputs, plans: Sequence[Decisions]) -> list[EnergyBalance]:
    """The exact 8760-hour energy balance of each plan, in one vectorised evaluation."""
    states = [state_of(inp, d) for d in plans]
    state = PlanState(*(np.concatenate([getattr(s, f.name) for s in states])
                        for f in fields(PlanState)))
    bal = evaluate(inp.hourly, state, inp.battery.eta_charge, inp.battery.eta_discharge,
                   balance=True).balance
    assert bal is not None
    return [_candidate(bal, c) for c in range(len(states))]


def bau_decisions(inp: PlanInputs) -> Decisions:
    """Business as usual: nothing built, nothing bought."""
    return no_lever_decisions(inp.measures.count, inp.n_years, len(inp.offsets.credit_ids),
                              len(inp.offsets.removal_ids))


def bau_energy(inp: PlanInputs) -> EnergyBalance:
    """Exact energy balance of business as usual (no PV, no battery, no measures)."""
    return exact_balances(inp, [bau_decisions(inp)])[0]
