"""The accounts of a plan: yearly emissions and costs from its decisions, in numpy.

Every coefficient comes from :class:`models.terms.Terms`, the same arrays the MILP
uses (``models.master``): here they are multiplied by the decisions of a plan,
vectorised, and by the exact 8760-hour energy balance of each year. The same
:func:`account` serves the plan, business as usual and the with-and-without
variants of the analyses (``planner.analysis.finance``, ``planner.analysis.pathways``), so their
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
    MarketTerms,
    Terms,
    basic_charge_cny_y,
    battery_capacity_y,
    cbam_embedded_t_y,
    cbam_free_t_y,
    demand_flows,
    ets_covered_t_y,
    green_cost_cny_y,
    green_counted_mwh_y,
    green_paid_mwh_gy,
    measure_alive_my,
    plan_state,
    pv_capacity_kw_y,
    terms_of,
)

__all__ = ["Accounts", "MarketAccounts", "account", "account_flows", "account_markets",
           "bau_decisions", "bau_energy", "cash_parts", "exact_balances", "npv_cny",
           "state_of"]


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
    #: The cash-flow table's parts [CNY], each ``n + 1`` long (the years, then the end
    #: of the horizon); costs positive. Investment parts (``models.money.PROFILE_PARTS``
    #: that the plan has), then ``operating_cost`` (pre-tax opex) and
    #: ``operating_tax_shield``. Their sum is :attr:`cash_cost_cny_f`.
    cash_parts_cny_f: dict[str, np.ndarray]

    #: Output, ETS and CBAM of the plan (:class:`MarketAccounts`); None without output.
    markets: MarketAccounts | None = None

    #: Two-part tariff: demand or capacity charge of each year [CNY].
    basic_charge_cny_y: np.ndarray | None = None

    #: Green-power contracts: MWh that lower market-based scope 2 (Y,), MWh paid per
    #: contract (G, Y) and the premium paid [CNY] (Y,); None without contracts.
    green_mwh_y: np.ndarray | None = None
    green_paid_mwh_gy: np.ndarray | None = None
    green_cost_cny_y: np.ndarray | None = None

    @property
    def green_cny_y(self) -> np.ndarray:
        """Green premium per year [CNY], zeros without green-power contracts."""
        return (np.zeros_like(self.energy_cost_cny_y) if self.green_cost_cny_y is None
                else self.green_cost_cny_y)

    @property
    def green_counted_mwh_y(self) -> np.ndarray:
        """Contracted green MWh counted per year, zeros without contracts."""
        return (np.zeros_like(self.import_mwh_y) if self.green_mwh_y is None
                else self.green_mwh_y)

    @property
    def basic_cny_y(self) -> np.ndarray:
        """Basic (demand or capacity) charge per year, zeros without a two-part tariff."""
        return (np.zeros_like(self.energy_cost_cny_y) if self.basic_charge_cny_y is None
                else self.basic_charge_cny_y)

    @property
    def market_cost_cny_y(self) -> np.ndarray:
        """ETS (net of surplus sold) + CCER + CBAM [CNY] (0 without carbon markets)."""
        mk = self.markets
        return mk.cost_cny_y if mk is not None else np.zeros_like(self.fixed_om_cny_y)

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
                + self.removal_cost_cny_y + self.market_cost_cny_y + self.green_cny_y)

    @property
    def total_cost_cny_y(self) -> np.ndarray:
        return self.capex_cny_y + self.opex_cny_y

    @property
    def cash_cost_cny_f(self) -> np.ndarray:
        """After-tax, financed cost per year, then at the end of the horizon [CNY]
        (without ``[tax]`` and the like: total cost, then minus the salvage)."""
        n = len(self.net_t_y) + 1
        return sum(self.cash_parts_cny_f.values(), np.zeros(n))


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
    scope 2 market = ef_residual x (import - certificates - green), green counted after
    the certificates up to the import (:func:`models.terms.green_counted_mwh_y`);
    net = scope 1 + scope 2 on the target's basis (market, or location) - credits - removals;
    green premium = sum_c premium x paid (:func:`models.terms.green_paid_mwh_gy`).
    """
    alive = measure_alive_my(t, d.build_my)
    fuel, src = demand_flows(t, alive)
    fuel_t = t.fuel_ef_t_per_gj_f[:, None] * fuel
    scope1 = fuel_t.sum(axis=0) + src.sum(axis=0)
    imp = np.asarray(import_mwh_y, dtype=float)
    s2_loc = t.grid_ef_location_t_per_mwh_y * imp
    certs = np.minimum(d.certificates_mwh_y, imp)
    credits = d.credits_t_cy.sum(axis=0)
    removals = d.removals_t_ry.sum(axis=0)
    green = paid = green_cost = None
    if t.green is not None:
        n_c = len(t.green.ids)
        delivered = (d.green_mwh_gy if d.green_mwh_gy is not None
                     else np.zeros((n_c, len(imp))))
        volume = d.green_volume_mwh_g if d.green_volume_mwh_g is not None else np.zeros(n_c)
        green = green_counted_mwh_y(delivered.sum(axis=0), certs, imp)
        paid = green_paid_mwh_gy(t.green, delivered, volume)
        green_cost = green_cost_cny_y(t.green, paid)
        s2_mkt = t.grid_ef_residual_t_per_mwh_y * (imp - certs - green)
        net = (scope1 + t.net_grid_ef_t_per_mwh_y * (
            imp - t.net_certificates_count * (certs + green)) - credits - removals)
    else:
        s2_mkt = t.grid_ef_residual_t_per_mwh_y * (imp - certs)
        net = (scope1 + t.net_grid_ef_t_per_mwh_y * (imp - t.net_certificates_count * certs)
               - credits - removals)
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
    markets = (account_markets(t.markets, d, fuel, src, imp, scope1 + s2_mkt)
               if t.markets is not None else None)
    energy = np.asarray(energy_cost_cny_y, float)
    basic = basic_charge_cny_y(t, peak_import_kw_ym)
    opex = om + energy + basic + fuel_cost + carbon + cert_cost + credit_cost + removal_cost
    if markets is not None:
        opex = opex + markets.cost_cny_y
    if green_cost is not None:
        opex = opex + green_cost
    return Accounts(fuel, fuel_t, src, scope1, imp, s2_loc, s2_mkt, d.certificates_mwh_y, credits,
                    removals, net, cap_m, cap_pv, cap_b, om, energy,
                    fuel_cost, carbon, cert_cost, credit_cost, removal_cost, salvage,
                    cash_parts(t, d, opex), markets, basic, green, paid, green_cost)


def cash_parts(t: Terms, d: Decisions, opex_cny_y: np.ndarray) -> dict[str, np.ndarray]:
    """The plan's cash flows part by part [CNY], ``n + 1`` long (years, then the end).

    Each investment part is the decisions times the same profiles the MILP weighs
    (``Terms.*_flow_parts_*``); the operating costs count pre-tax in ``operating_cost``
    and their deduction, ``-tax_rate x opex``, in ``operating_tax_shield``. The NPV of
    the sum at ``Terms.flow_discount_f`` is the MILP's objective.
    """
    build = d.build_my.astype(float)
    out: dict[str, np.ndarray] = {}

    def add(parts: dict[str, np.ndarray], amount: np.ndarray, sub: str) -> None:
        for name, arr in parts.items():
            flows = np.einsum(sub, arr, amount)
            out[name] = out[name] + flows if name in out else flows

    add(t.measure_flow_parts_mvf, build, "mvf,mv->f")
    add(t.pv_flow_parts_vf, d.pv_new_kw_y, "vf,v->f")
    add(t.battery_energy_flow_parts_vf, d.battery_new_kwh_y, "vf,v->f")
    add(t.battery_power_flow_parts_vf, d.battery_new_kw_y, "vf,v->f")
    out["operating_cost"] = np.append(opex_cny_y, 0.0)
    if t.tax_rate_y.any():
        out["operating_tax_shield"] = np.append(-t.tax_rate_y * opex_cny_y, 0.0)
    return out


# --------------------------------------------------------------------------- carbon markets

@dataclass(frozen=True)
class MarketAccounts:
    """Output, ETS compliance and CBAM of a plan, per year (arrays over years).

    Allowances: ``ets_bought_t - ets_sold_t = ets_covered_t - ets_free_allocation_t -
    ccer_t`` (in years where allocation equals verified emissions, allocation = covered
    and nothing is bought or sold); ``ets_cost_cny`` = price x (bought - sold), negative
    when the surplus sold is worth more.
    """

    output_y: np.ndarray
    intensity_t_per_unit_y: np.ndarray
    ets_covered_t_y: np.ndarray
    ets_free_allocation_t_y: np.ndarray
    ccer_t_y: np.ndarray
    ets_bought_t_y: np.ndarray
    ets_sold_t_y: np.ndarray
    ets_cost_cny_y: np.ndarray
    ccer_cost_cny_y: np.ndarray
    cbam_embedded_t_y: np.ndarray
    cbam_free_t_y: np.ndarray
    cbam_chargeable_t_y: np.ndarray
    cbam_cost_cny_y: np.ndarray

    @property
    def cost_cny_y(self) -> np.ndarray:
        return self.ets_cost_cny_y + self.ccer_cost_cny_y + self.cbam_cost_cny_y


def account_markets(mt: MarketTerms, d: Decisions, fuel_gj_fy: np.ndarray,
                    source_t_jy: np.ndarray, import_mwh_y: np.ndarray,
                    gross_t_y: np.ndarray) -> MarketAccounts:
    """ETS and CBAM accounts of decisions ``d`` (the coefficients of :class:`MarketTerms`).

    Parameters
    ----------
    mt : MarketTerms
    d : Decisions
        Only ``ccer_t_y`` is read (None = no CCER).
    fuel_gj_fy, source_t_jy : arrays
        Fuel use [GJ] (F, Y) and process emissions [t] (J, Y) of the plan.
    import_mwh_y : (Y,)
        Grid import [MWh] (indirect emissions of cement and fertilisers).
    gross_t_y : (Y,)
        Scope 1 + scope 2 (the basis of the target) [t], for the intensity.

    Notes
    -----
    ETS cost = p (covered - free - ccer) + p_ccer ccer; CBAM cost = p_cbam
    max(0, embedded - free_cbam) where p_cbam > 0.
    """
    out = mt.output_y
    covered = ets_covered_t_y(mt, fuel_gj_fy, source_t_jy)
    bench = mt.ets_benchmark_allocation_y
    # Where allocation equals verified emissions it is the covered tonnes themselves.
    free = np.where(bench, mt.ets_free_allocation_t_y, covered) if mt.ets_enabled else \
        np.zeros_like(out)
    ccer = (np.asarray(d.ccer_t_y, dtype=float) if d.ccer_t_y is not None
            else np.zeros_like(out))
    position = covered - free - ccer
    embedded = cbam_embedded_t_y(mt, fuel_gj_fy, source_t_jy, import_mwh_y)
    charged = mt.cbam_price_cny_per_t_y > 0
    chargeable = np.where(charged, np.maximum(0.0, embedded - cbam_free_t_y(mt)), 0.0)
    return MarketAccounts(
        output_y=out,
        intensity_t_per_unit_y=np.divide(gross_t_y, out, out=np.full_like(out, np.nan),
                                         where=out > 0),
        ets_covered_t_y=covered if mt.ets_enabled else np.zeros_like(out),
        ets_free_allocation_t_y=free, ccer_t_y=ccer,
        ets_bought_t_y=np.maximum(position, 0.0), ets_sold_t_y=np.maximum(-position, 0.0),
        ets_cost_cny_y=mt.ets_price_cny_per_t_y * position,
        ccer_cost_cny_y=mt.ccer_price_cny_per_t_y * ccer,
        cbam_embedded_t_y=embedded, cbam_free_t_y=cbam_free_t_y(mt),
        cbam_chargeable_t_y=chargeable, cbam_cost_cny_y=mt.cbam_price_cny_per_t_y * chargeable)


def account(inp: PlanInputs, d: Decisions, bal: EnergyBalance) -> Accounts:
    """Yearly emissions and costs of decisions ``d`` with the exact energy balance ``bal``."""
    peaks = None if bal.peak_import_kw_cym is None else bal.peak_import_kw_cym[0]
    return account_flows(terms_of(inp), d, bal.import_mwh_cy[0],
                         bal.import_cost_cny_cy[0] - bal.export_revenue_cny_cy[0], peaks)


def npv_cny(inp: PlanInputs, acc: Accounts) -> float:
    """NPV of all costs less discounted salvage [CNY], after tax and financing (the
    master's objective, exactly): the cash flows at the years' and the end's factors."""
    return float(np.append(inp.discount_factor_y, inp.salvage_discount) @ acc.cash_cost_cny_f)


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
