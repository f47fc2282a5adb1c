"""The plan's arithmetic, defined once: coefficient arrays of every cost and emission term.

Both sides of the planner read the same :class:`Terms`:

* the MILP (:mod:`models.master`) uses the arrays as coefficients of its variables
  (converted to the master's scaled units there, and nowhere else);
* the accounts (``planner.analysis.accounts`` and the analyses of ``planner.analysis``)
  multiply the same arrays by the decisions of a plan, vectorised, in natural units
  (:func:`measure_alive_my`, :func:`pv_capacity_kw_y`, :func:`demand_flows`,
  :func:`plan_state`, ...).

So a lifetime window, a salvage share or a degradation factor has one definition;
``tests/models/test_terms.py`` checks term by term that the model's expressions and
the accounts agree for a fixed plan.

Index letters: ``m`` measure, ``v`` build year (vintage), ``y`` year of operation,
``f`` fuel, ``j`` process source, ``s`` shape of added electricity, ``c`` credit,
``r`` removal, ``g`` green-power contract. Money is real CNY; a cost of year ``y`` counts
``discount_factor_y[y]`` times, the salvage value ``salvage_discount`` times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.hourly import PlanState
from models.inputs import PlanInputs
from models.money import (
    add_subsidy,
    capex_profile_parts,
    contract_profile_parts,
    lease_payment_share,
    lease_profile_parts,
    loan_schedule,
)

__all__ = [
    "PURCHASE_TIE_BREAK_CNY_PER_UNIT",
    "GreenTerms",
    "MarketTerms",
    "Terms",
    "basic_charge_cny_y",
    "battery_capacity_y",
    "battery_life_years",
    "battery_usable_kwh_y",
    "cbam_embedded_t_y",
    "cbam_free_t_y",
    "demand_flows",
    "ets_covered_t_y",
    "green_cost_cny_y",
    "green_counted_mwh_y",
    "green_paid_mwh_gy",
    "green_terms_of",
    "market_terms_of",
    "measure_alive_my",
    "plan_state",
    "pv_capacity_kw_y",
    "pv_effective_kw_y",
    "terms_of",
    "tie_break_price",
]


#: Tie-break on free purchases [CNY per t of credits or removals, per MWh of certificates].
#: A purchase whose price is 0 in a year costs nothing, so every amount of it is optimal
#: and the solver may return any (85,869 t of credits with all prices 0, issue 18). The
#: master charges this amount, discounted like a price, on each unit bought at price 0
#: (and nothing more on a priced purchase), so that of equally cheap plans the one that
#: buys the least is chosen. It is a device of the solve, not a cost: the accounts never
#: see it, and the plan's NPV is within this amount x the free units bought of the true
#: optimum. 0.01 CNY sits 100 times above HiGHS's dual tolerance in the master's units
#: (1e-5 MCNY/kt against 1e-7).
PURCHASE_TIE_BREAK_CNY_PER_UNIT = 0.01


def tie_break_price(price: np.ndarray) -> np.ndarray:
    """The tie-break per unit where a purchase's price is 0, else 0 (same shape) [CNY]."""
    return np.where(np.asarray(price) > 0.0, 0.0, PURCHASE_TIE_BREAK_CNY_PER_UNIT)


@dataclass(frozen=True)
class Terms:
    """Coefficients of the plan's costs and emissions, in natural units.

    Attributes
    ----------
    measure_alive_myv : (M, Y, V) bool
        A measure built in year ``v`` (one of its build years) works in year ``y``:
        ``v <= y < v + lifetime``.
    measure_capex_cny_mv : (M, V)
        Capex of a measure built in year ``v`` [CNY].
    measure_salvage_share_mv : (M, V)
        Share of that capex returned after the last year (straight line):
        ``max(0, v + lifetime - Y) / lifetime``.
    measure_fixed_om_cny_per_year_m : (M,)
        Fixed O&M per year alive [CNY/yr].
    pv_alive_yv, battery_alive_yv : (Y, V) bool
        A vintage ``v`` of PV (battery) works in year ``y``. A battery works
        ``battery_life_years`` (:func:`battery_life_years`): its lifetime, or fewer when
        its fade would take it below ``replace_below_share`` of new.
    battery_energy_yv : (Y, V)
        Usable energy of 1 kWh of battery vintage ``v`` in year ``y``:
        ``(1 - fade) ** (y - v)`` while it works, else 0.
    pv_output_yv : (Y, V)
        Output of 1 kWp of vintage ``v`` in year ``y`` relative to new:
        ``(1 - degradation) ** (y - v)`` while alive, else 0.
    pv_capex_cny_per_kw_v, battery_energy_capex_cny_per_kwh_v,
    battery_power_capex_cny_per_kw_v : (V,)
        Capex per unit added in year ``v``.
    pv_salvage_share_v, battery_salvage_share_v : (V,)
        Straight-line share of a vintage's capex left after the last year.
    pv_fixed_om_cny_per_kw_year, battery_fixed_om_cny_per_kwh_year : float
        Fixed O&M per unit alive (PV nameplate kW, battery kWh) [CNY/yr].
    growth_y : (Y,)
        Production level relative to the base year (scales every demand).
    elec_saving_share_m : (M,)
        Share of the base electric load a measure saves.
    elec_added_mwh_ms : (M, S)
        Electricity a measure adds per shape, base-year terms [MWh/yr].
    base_fuel_gj_f, fuel_delta_gj_mf
        Base-year fuel use and a measure's change of it [GJ/yr].
    source_base_t_j, source_cut_share_mj
        Base-year process emissions [t/yr] and the share a measure removes.
    fuel_ef_t_per_gj_f : (F,)
        Scope-1 emission factor of each fuel [t/GJ].
    grid_ef_location_t_per_mwh_y, grid_ef_residual_t_per_mwh_y : (Y,)
        Grid factors: location-based and residual (market-based) [t/MWh].
    fuel_price_cny_per_gj_fy : (F, Y)
    certificate_price_cny_per_mwh_y : (Y,)
    credit_price_cny_per_t_cy : (C, Y)
    removal_price_cny_per_t_ry : (R, Y)
    carbon_price_scope1_cny_per_t_y, carbon_price_scope2_cny_per_t_y : (Y,)
        Carbon price on scope 1 and on location-based scope 2 (0 where not covered).
    net_grid_ef_t_per_mwh_y : (Y,)
        Grid factor of the scope 2 in the yearly net the target caps [t/MWh]: the
        residual factor on the market basis, the grid average on the location basis
        (``TargetData.scope2_basis``).
    net_certificates_count : float
        1 on the market basis (certificates lower the net's scope 2), 0 on the location
        basis (they do not).
    discount_factor_y : (Y,)
        ``(1 + r) ** -y``.
    salvage_discount : float
        ``(1 + r) ** -Y``: the salvage value is counted at the end of the last year.
    tax_rate_y : (Y,)
        Corporate income tax rate (0 without ``[tax]``).
    flow_discount_f : (Y + 1,)
        Discount factors of cash-flow profiles: the years, then the end slot.
    cost_weight_y : (Y,)
        What 1 CNY of operating cost in year ``y`` costs in NPV after tax:
        ``discount_factor_y (1 - tax_rate_y)``.
    measure_flow_parts_mvf : dict of part -> (M, V, Y + 1)
        Cash-flow profile of one build of a measure in year ``v`` [CNY], part by part
        (:data:`models.money.PROFILE_PARTS`; parts that are zero everywhere are left out).
    pv_flow_parts_vf, battery_energy_flow_parts_vf, battery_power_flow_parts_vf :
        dict of part -> (V, Y + 1)
        The same per kW of PV, per kWh and per kW of battery added in year ``v``.
    measure_cost_weight_mv : (M, V)
        NPV of one build's whole profile [CNY]: ``flow_parts summed @ flow_discount_f``.
        Without ``[tax]``, ``[loan]``, subsidies or contracts it is
        ``capex discount_factor_v - capex salvage_share salvage_discount``.
    pv_cost_weight_v, battery_energy_cost_weight_v, battery_power_cost_weight_v : (V,)
        The same per kW and per kWh [CNY/kW, CNY/kWh].
    basic_charge_slope_cny_per_kw_y : (Y,)
        Two-part tariff: charge per kW of a month's billed excess demand [CNY/kW].
    basic_charge_threshold_kw : float
        Demand of a month billed at no extra charge [kW] (0 without a contract demand).
    basic_charge_fixed_cny_y : (Y,)
        The part of the basic charge no dispatch changes (capacity charge, contract) [CNY].
    """

    measure_alive_myv: np.ndarray
    measure_capex_cny_mv: np.ndarray
    measure_salvage_share_mv: np.ndarray
    measure_fixed_om_cny_per_year_m: np.ndarray
    pv_alive_yv: np.ndarray
    pv_output_yv: np.ndarray
    pv_capex_cny_per_kw_v: np.ndarray
    pv_salvage_share_v: np.ndarray
    pv_fixed_om_cny_per_kw_year: float
    battery_alive_yv: np.ndarray
    battery_energy_yv: np.ndarray
    battery_energy_capex_cny_per_kwh_v: np.ndarray
    battery_power_capex_cny_per_kw_v: np.ndarray
    battery_salvage_share_v: np.ndarray
    battery_fixed_om_cny_per_kwh_year: float
    growth_y: np.ndarray
    elec_saving_share_m: np.ndarray
    elec_added_mwh_ms: np.ndarray
    base_fuel_gj_f: np.ndarray
    fuel_delta_gj_mf: np.ndarray
    source_base_t_j: np.ndarray
    source_cut_share_mj: np.ndarray
    fuel_ef_t_per_gj_f: np.ndarray
    grid_ef_location_t_per_mwh_y: np.ndarray
    grid_ef_residual_t_per_mwh_y: np.ndarray
    fuel_price_cny_per_gj_fy: np.ndarray
    certificate_price_cny_per_mwh_y: np.ndarray
    credit_price_cny_per_t_cy: np.ndarray
    removal_price_cny_per_t_ry: np.ndarray
    carbon_price_scope1_cny_per_t_y: np.ndarray
    carbon_price_scope2_cny_per_t_y: np.ndarray
    discount_factor_y: np.ndarray
    salvage_discount: float
    net_grid_ef_t_per_mwh_y: np.ndarray
    net_certificates_count: float
    tax_rate_y: np.ndarray
    flow_discount_f: np.ndarray
    cost_weight_y: np.ndarray
    measure_flow_parts_mvf: dict[str, np.ndarray]
    pv_flow_parts_vf: dict[str, np.ndarray]
    battery_energy_flow_parts_vf: dict[str, np.ndarray]
    battery_power_flow_parts_vf: dict[str, np.ndarray]
    measure_cost_weight_mv: np.ndarray
    pv_cost_weight_v: np.ndarray
    battery_energy_cost_weight_v: np.ndarray
    battery_power_cost_weight_v: np.ndarray
    basic_charge_slope_cny_per_kw_y: np.ndarray
    basic_charge_threshold_kw: float
    basic_charge_fixed_cny_y: np.ndarray
    #: Output, ETS and CBAM coefficients (:class:`MarketTerms`); None without output.
    markets: MarketTerms | None = None
    #: Green-power contracts (:class:`GreenTerms`); None without ``[[green_power]]``.
    green: GreenTerms | None = None

    @property
    def n_years(self) -> int:
        return len(self.discount_factor_y)

    def measure_window(self, m: int, y: int) -> list[int]:
        """Build years of measure ``m`` whose asset works in year ``y`` (ascending)."""
        return [int(v) for v in np.flatnonzero(self.measure_alive_myv[m, y])]


def _alive_yv(n_years: int, lifetime: int) -> np.ndarray:
    """A[y, v]: an asset built in year ``v`` works in year ``y`` (``v <= y < v + L``)."""
    y = np.arange(n_years)[:, None]
    v = np.arange(n_years)[None, :]
    return (v <= y) & (y < v + lifetime)


def battery_life_years(lifetime_years: int, fade_per_year: float,
                       replace_below_share: float) -> int:
    """Years a battery vintage works: its lifetime, or the ages ``k`` whose usable energy
    ``(1 - fade) ** k`` is still at least ``replace_below_share`` if fewer."""
    if fade_per_year <= 0 or replace_below_share <= 0:
        return lifetime_years
    years = 0
    while years < lifetime_years and (1.0 - fade_per_year) ** years >= replace_below_share:
        years += 1
    return max(years, 1)


def _salvage_share(v: np.ndarray, lifetime: np.ndarray | int, n_years: int) -> np.ndarray:
    """Straight-line share of a vintage's capex left after the last year."""
    return np.maximum(0, v + lifetime - n_years) / lifetime


def terms_of(inp: PlanInputs) -> Terms:
    """The coefficient arrays of ``inp``'s plan arithmetic (see :class:`Terms`)."""
    ms, pv, b, o = inp.measures, inp.pv, inp.battery, inp.offsets
    n = inp.n_years
    v = np.arange(n)
    life_m = np.asarray(ms.lifetime_years_m, dtype=int)
    slot_mv = ((v[None, :] >= np.asarray(ms.earliest_idx_m)[:, None])
               & (v[None, :] <= np.asarray(ms.latest_idx_m)[:, None]))
    alive_myv = np.stack([_alive_yv(n, int(life)) for life in life_m]) if ms.count else \
        np.zeros((0, n, n), dtype=bool)
    alive_myv = alive_myv & slot_mv[:, None, :]
    pv_alive = _alive_yv(n, pv.lifetime_years)
    # Python's float power, element by element: the exact factors the master always had.
    keep = 1.0 - pv.degradation_per_year
    pv_output = np.array([[keep ** (y - vv) if pv_alive[y, vv] else 0.0 for vv in range(n)]
                          for y in range(n)]).reshape(n, n)
    cp = inp.carbon_price_cny_per_t_y
    zero = np.zeros_like(cp)
    fin = inp.finance
    tax = fin.tax_rate_y if fin is not None else np.zeros(n)
    dff = np.append(inp.discount_factor_y, inp.salvage_discount)
    sal_m = _salvage_share(v[None, :], life_m[:, None], n)
    sal_pv = _salvage_share(v, pv.lifetime_years, n)
    life_b = battery_life_years(b.lifetime_years, b.fade_per_year, b.replace_below_share)
    battery_alive = _alive_yv(n, life_b)
    fade_keep = 1.0 - b.fade_per_year
    battery_energy = np.where(battery_alive, fade_keep ** np.maximum(
        v[:, None] - v[None, :], 0).astype(float), 0.0)
    sal_b = _salvage_share(v, life_b, n)
    emc_m = fin.emc_share_m > 0 if fin is not None else np.zeros(ms.count, dtype=bool)
    lease_m = _measure_lease_years(inp) > 0
    # Under an energy-performance contract the service company pays the capex; a leased
    # asset's, the lessor.
    own_capex_mv = np.where((emc_m | lease_m)[:, None], 0.0, ms.capex_cny_my)
    m_parts = _measure_parts(inp, tax, sal_m, emc_m)
    (pv_parts,) = _asset_parts(inp, tax, (pv.capex_cny_per_kw_y,), sal_pv, "pv", pv_output)
    be_parts, bp_parts = _asset_parts(inp, tax, (b.energy_capex_cny_per_kwh_y,
                                                 b.power_capex_cny_per_kw_y), sal_b, "battery")
    # The same coefficients the dispatch LP pays (models.hourly.evaluate).
    slope, thr, fixed = inp.hourly.basic_charge_coefficients(n)
    return Terms(
        measure_alive_myv=alive_myv,
        measure_capex_cny_mv=own_capex_mv,
        measure_salvage_share_mv=sal_m,
        measure_fixed_om_cny_per_year_m=ms.fixed_om_cny_per_year_m,
        pv_alive_yv=pv_alive,
        pv_output_yv=pv_output,
        pv_capex_cny_per_kw_v=(pv.capex_cny_per_kw_y if not _leased(inp, "pv")
                               else np.zeros(n)),
        pv_salvage_share_v=sal_pv,
        pv_fixed_om_cny_per_kw_year=pv.fixed_om_cny_per_kw_year,
        battery_alive_yv=battery_alive,
        battery_energy_yv=battery_energy,
        battery_energy_capex_cny_per_kwh_v=(b.energy_capex_cny_per_kwh_y
                                            if not _leased(inp, "battery") else np.zeros(n)),
        battery_power_capex_cny_per_kw_v=(b.power_capex_cny_per_kw_y
                                          if not _leased(inp, "battery") else np.zeros(n)),
        battery_salvage_share_v=sal_b,
        battery_fixed_om_cny_per_kwh_year=b.fixed_om_cny_per_kwh_year,
        growth_y=inp.growth_y,
        elec_saving_share_m=ms.elec_saving_share_m,
        elec_added_mwh_ms=ms.elec_added_mwh_ms,
        base_fuel_gj_f=inp.base_fuel_gj_f,
        fuel_delta_gj_mf=ms.fuel_delta_gj_mf,
        source_base_t_j=inp.source_base_t_j,
        source_cut_share_mj=ms.source_cut_share_mj,
        fuel_ef_t_per_gj_f=inp.fuel_ef_t_per_gj_f,
        grid_ef_location_t_per_mwh_y=inp.grid.ef_location_t_per_mwh_y,
        grid_ef_residual_t_per_mwh_y=inp.grid.ef_residual_t_per_mwh_y,
        net_grid_ef_t_per_mwh_y=(inp.grid.ef_location_t_per_mwh_y
                                 if inp.target.scope2_basis == "location"
                                 else inp.grid.ef_residual_t_per_mwh_y),
        net_certificates_count=0.0 if inp.target.scope2_basis == "location" else 1.0,
        fuel_price_cny_per_gj_fy=inp.fuel_price_cny_per_gj_fy,
        certificate_price_cny_per_mwh_y=o.cert_price_cny_per_mwh_y,
        credit_price_cny_per_t_cy=o.credit_price_cny_per_t_cy,
        removal_price_cny_per_t_ry=o.removal_price_cny_per_t_ry,
        carbon_price_scope1_cny_per_t_y=cp if inp.carbon_scope1 else zero,
        carbon_price_scope2_cny_per_t_y=cp if inp.carbon_scope2 else zero,
        discount_factor_y=inp.discount_factor_y,
        salvage_discount=inp.salvage_discount,
        tax_rate_y=tax,
        flow_discount_f=dff,
        cost_weight_y=inp.discount_factor_y * (1.0 - tax),
        measure_flow_parts_mvf=m_parts,
        pv_flow_parts_vf=pv_parts,
        battery_energy_flow_parts_vf=be_parts,
        battery_power_flow_parts_vf=bp_parts,
        measure_cost_weight_mv=_weight(m_parts, dff, (ms.count, n)),
        pv_cost_weight_v=_weight(pv_parts, dff, (n,)),
        battery_energy_cost_weight_v=_weight(be_parts, dff, (n,)),
        battery_power_cost_weight_v=_weight(bp_parts, dff, (n,)),
        basic_charge_slope_cny_per_kw_y=slope,
        basic_charge_threshold_kw=thr,
        basic_charge_fixed_cny_y=fixed,
        markets=market_terms_of(inp),
        green=green_terms_of(inp),
    )


# --------------------------------------------------------------------------- cash-flow profiles

def _weight(parts: dict[str, np.ndarray], dff: np.ndarray, shape: tuple[int, ...]
            ) -> np.ndarray:
    """NPV of the summed profile parts (last axis: years, then the end slot)."""
    total = sum(parts.values(), np.zeros((*shape, len(dff))))
    return np.asarray(total @ dff)


def _plain_parts(capex_xv: np.ndarray, salvage_share_xv: np.ndarray
                 ) -> dict[str, np.ndarray]:
    """Profiles without tax, loan, subsidy or contract: capex in the build year, salvage
    at the end (vectorised; ``x`` is any leading axis)."""
    n = capex_xv.shape[-1]
    capex = np.zeros((*capex_xv.shape, n + 1))
    idx = np.arange(n)
    capex[..., idx, idx] = capex_xv
    parts = {"capex": capex}
    if np.any(salvage_share_xv > 0):
        salvage = np.zeros_like(capex)
        salvage[..., n] = -capex_xv * salvage_share_xv
        parts["salvage_after_tax"] = salvage
    return parts


def _nonzero(parts: dict[str, np.ndarray], shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Profiles of many build years (row-major over ``shape``), parts that are not all 0."""
    return {name: arr.reshape((*shape, -1)) for name, arr in parts.items() if arr.any()}


def _loan(inp: PlanInputs) -> tuple[float, np.ndarray, np.ndarray]:
    fin = inp.finance
    assert fin is not None
    if fin.loan_share <= 0:
        return 0.0, np.zeros(0), np.zeros(0)
    p, i = loan_schedule(fin.loan_rate, fin.loan_tenor_years, fin.loan_grace_years,
                         fin.loan_repayment)
    return fin.loan_share, p, i


def _measure_lease_years(inp: PlanInputs) -> np.ndarray:
    """Lease term of each measure [yr] (0: bought)."""
    fin = inp.finance
    if fin is None or fin.measure_lease_years_m is None:
        return np.zeros(inp.measures.count, dtype=int)
    return fin.measure_lease_years_m


def _leased(inp: PlanInputs, asset: str) -> bool:
    """PV (``"pv"``) or the battery is held under an operating lease."""
    fin = inp.finance
    return fin is not None and (fin.pv_lease_years if asset == "pv"
                                else fin.battery_lease_years) > 0


def _measure_parts(inp: PlanInputs, tax: np.ndarray, salvage_share_mv: np.ndarray,
                   emc_m: np.ndarray) -> dict[str, np.ndarray]:
    """Cash-flow profile of one build of each measure in each year [CNY] (M, V, Y + 1)."""
    ms, fin, n = inp.measures, inp.finance, inp.n_years
    if fin is None:
        return _plain_parts(ms.capex_cny_my, salvage_share_mv)
    if not ms.count:
        return {}
    share, p_k, i_k = _loan(inp)
    m_x = np.repeat(np.arange(ms.count), n)          # rows: measure-major, then build year
    v_x = np.tile(np.arange(n), ms.count)
    capex_x = ms.capex_cny_my.ravel()
    salvage_x = salvage_share_mv.ravel()
    expensed_x = ((capex_x > 0) & (capex_x <= fin.expensing_max_cny)
                  & fin.expensing_year_y[v_x] & fin.measure_expensable_m[m_x])
    per_cny = capex_profile_parts(
        v_x, tax, inp.discount_rate, salvage_share_x=salvage_x,
        tax_life_years_x=np.where(expensed_x, 1, fin.measure_tax_life_years_m[m_x]),
        credit_share_x=np.where(fin.measure_credit_m[m_x], fin.credit_share, 0.0),
        subsidy_share_x=fin.measure_subsidy_share_m[m_x],
        subsidy_taxable=fin.subsidy_taxable, loan_share=share,
        loan_principal_k=p_k, loan_interest_k=i_k,
        subsidy_years_x=fin.measure_subsidy_years_m[m_x],
        inflation_rate_y=fin.inflation_rate_y)
    lease_years_m = _measure_lease_years(inp)
    leased_x = lease_years_m[m_x] > 0
    own_x = np.where(emc_m[m_x] | leased_x, 0.0, capex_x)[:, None]
    parts = {name: own_x * arr for name, arr in per_cny.items()}
    if leased_x.any():
        assert fin.measure_lease_rate_m is not None
        share_m = np.array([lease_payment_share(float(r), int(t)) if t > 0 else 0.0
                            for r, t in zip(fin.measure_lease_rate_m, lease_years_m,
                                            strict=True)])
        lease = lease_profile_parts(
            v_x[leased_x], tax, payment_cny_per_year_x=(capex_x * share_m[m_x])[leased_x],
            lease_years_x=lease_years_m[m_x[leased_x]], inflation_rate_y=fin.inflation_rate_y)
        for name, arr in lease.items():
            parts[name][leased_x] += arr
    # A fixed subsidy per build, paid and taxed like a share.
    add_subsidy(parts, v_x, np.where(emc_m[m_x], 0.0, fin.measure_subsidy_cny_m[m_x]),
                fin.measure_subsidy_years_m[m_x], tax, inp.discount_rate, fin.subsidy_taxable,
                fin.inflation_rate_y)
    # Energy-performance contracts: the plant pays shares of the savings, not capex.
    on = emc_m[m_x]
    if on.any():
        contract = contract_profile_parts(
            v_x[on], tax, inp.discount_rate,
            payment_cny_per_year_x=(fin.emc_share_m * fin.emc_savings_cny_per_year_m)[m_x[on]],
            contract_years_x=fin.emc_years_m[m_x[on]],
            salvage_cny_x=capex_x[on] * salvage_x[on])
        for name, arr in contract.items():
            parts[name][on] += arr
    return _nonzero(parts, (ms.count, n))


def _asset_parts(inp: PlanInputs, tax: np.ndarray, capex_per_unit_v: tuple[np.ndarray, ...],
                 salvage_share_v: np.ndarray, asset: str,
                 pv_output_yv: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], ...]:
    """Cash-flow profiles per unit (kW or kWh) of PV or battery added each year (V, Y + 1),
    one per capex series (the battery's energy and power share one profile per CNY)."""
    fin, n = inp.finance, inp.n_years
    if fin is None:
        return tuple(_plain_parts(c, salvage_share_v) for c in capex_per_unit_v)
    share, p_k, i_k = _loan(inp)
    pv = asset == "pv"
    v = np.arange(n)
    if _leased(inp, asset):
        term = fin.pv_lease_years if pv else fin.battery_lease_years
        pay = lease_payment_share(fin.pv_lease_rate if pv else fin.battery_lease_rate, term)
        out = [lease_profile_parts(v, tax, payment_cny_per_year_x=np.asarray(c, float) * pay,
                                   lease_years_x=np.full(n, term),
                                   inflation_rate_y=fin.inflation_rate_y)
               for c in capex_per_unit_v]
        _add_generation_incentive(inp, out[0], tax, pv, pv_output_yv)
        return tuple(_nonzero(parts, (n,)) for parts in out)
    eligible = fin.pv_credit if pv else fin.battery_credit
    per_cny = capex_profile_parts(
        v, tax, inp.discount_rate, salvage_share_x=salvage_share_v,
        tax_life_years_x=np.full(n, fin.pv_tax_life_years if pv else fin.battery_tax_life_years),
        credit_share_x=np.full(n, fin.credit_share if eligible else 0.0),
        subsidy_share_x=np.full(n, fin.pv_subsidy_share if pv else fin.battery_subsidy_share),
        subsidy_taxable=fin.subsidy_taxable, loan_share=share,
        loan_principal_k=p_k, loan_interest_k=i_k,
        subsidy_years_x=np.full(n, fin.pv_subsidy_years if pv else fin.battery_subsidy_years),
        inflation_rate_y=fin.inflation_rate_y)
    out = [{name: np.asarray(c, dtype=float)[:, None] * arr for name, arr in per_cny.items()}
           for c in capex_per_unit_v]
    _add_generation_incentive(inp, out[0], tax, pv, pv_output_yv)
    return tuple(_nonzero(parts, (n,)) for parts in out)


def _add_generation_incentive(inp: PlanInputs, parts: dict[str, np.ndarray], tax: np.ndarray,
                              pv: bool, pv_output_yv: np.ndarray | None) -> None:
    """PV's incentive per kWh generated (taxable), in the profile of one kW of each vintage."""
    fin, n = inp.finance, inp.n_years
    assert fin is not None
    if pv and fin.pv_incentive_cny_per_kwh_y is not None:
        # Paid per kWh generated: yield of a new kWp x the vintage's degraded output.
        assert pv_output_yv is not None
        yield_kwh_per_kw = float(inp.hourly.pv_kw_per_kwp_h.sum())
        paid = fin.pv_incentive_cny_per_kwh_y[None, :] * yield_kwh_per_kw * pv_output_yv.T
        parts["generation_incentive"][:, :n] = -paid
        parts["generation_incentive_tax"][:, :n] = tax[None, :] * paid


def basic_charge_cny_y(t: Terms, peak_import_kw_ym: np.ndarray | None) -> np.ndarray:
    """The two-part tariff's basic charge of each year [CNY].

    Parameters
    ----------
    t : Terms
    peak_import_kw_ym : (Y, M) or None
        Peak grid import of each month [kW]. ``None``: no basic charge is accounted here
        (the caller's grid bill already holds it, e.g. the master's energy cost).

    Notes
    -----
    ``fixed_y + slope_y x sum_m max(0, peak_m - threshold)``: without a contract the
    slope is the demand rate and the threshold 0 (the monthly maximum demand is
    billed); with one, ``fixed`` holds rate x contract per month and the excess above
    the threshold pays rate x multiplier. The dispatch LP (``models.dispatch``) pays the
    same expression, so the master's energy cost and the accounts agree.
    """
    if peak_import_kw_ym is None:
        return np.zeros_like(t.basic_charge_fixed_cny_y)
    excess = np.maximum(np.asarray(peak_import_kw_ym) - t.basic_charge_threshold_kw, 0.0)
    return t.basic_charge_fixed_cny_y + t.basic_charge_slope_cny_per_kw_y * excess.sum(axis=-1)


# --------------------------------------------------------------------------- decisions -> flows

def measure_alive_my(t: Terms, build_my: np.ndarray) -> np.ndarray:
    """1 where a measure works in a year, from its build years (M, Y)."""
    return np.einsum("myv,mv->my", t.measure_alive_myv.astype(float),
                     np.asarray(build_my, dtype=float))


def pv_capacity_kw_y(t: Terms, pv_new_kw_y: np.ndarray) -> np.ndarray:
    """Nameplate PV alive each year [kW]."""
    return t.pv_alive_yv.astype(float) @ pv_new_kw_y


def pv_effective_kw_y(t: Terms, pv_new_kw_y: np.ndarray) -> np.ndarray:
    """PV alive each year weighted by its degradation [kW of new-panel output]."""
    return t.pv_output_yv @ pv_new_kw_y


def battery_capacity_y(t: Terms, battery_new_y: np.ndarray) -> np.ndarray:
    """Battery energy (or power) alive each year, from the vintages added [kWh or kW]."""
    return t.battery_alive_yv.astype(float) @ battery_new_y


def battery_usable_kwh_y(t: Terms, battery_new_kwh_y: np.ndarray) -> np.ndarray:
    """Usable battery energy each year, each vintage faded by its age [kWh]."""
    return t.battery_energy_yv @ battery_new_kwh_y


def demand_flows(t: Terms, alive_my: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fuel use [GJ] (F, Y) and process emissions [t] (J, Y) with the measures alive.

    fuel = growth (base + sum_m delta_m alive_m); source = growth base (1 - sum cut alive);
    both floored at 0 (the master has them as non-negative variables).
    """
    g = t.growth_y
    alive = np.asarray(alive_my, dtype=float)
    fuel = np.maximum(g[None, :] * (t.base_fuel_gj_f[:, None] + t.fuel_delta_gj_mf.T @ alive),
                      0.0)
    src = np.maximum(g[None, :] * t.source_base_t_j[:, None]
                     * (1.0 - t.source_cut_share_mj.T @ alive), 0.0)
    return fuel, src


def plan_state(t: Terms, build_my: np.ndarray, pv_new_kw_y: np.ndarray,
               battery_new_kwh_y: np.ndarray, battery_new_kw_y: np.ndarray) -> PlanState:
    """The hourly-balance state (one candidate) of the plan's investments.

    load_scale = growth (1 - sum_m saving_m alive_m) (>= 0); added_s = growth sum_m
    added_ms alive_m; PV degradation-weighted; battery energy and power alive.
    """
    alive = measure_alive_my(t, build_my)
    g = t.growth_y
    load_scale = g * (1.0 - t.elec_saving_share_m @ alive)
    added = g[None, :] * (t.elec_added_mwh_ms.T @ alive)
    return PlanState(np.maximum(load_scale, 0.0)[None, :], added[None, :, :],
                     pv_effective_kw_y(t, pv_new_kw_y)[None, :],
                     battery_usable_kwh_y(t, battery_new_kwh_y)[None, :],
                     battery_capacity_y(t, battery_new_kw_y)[None, :])


# --------------------------------------------------------------------------- carbon markets

@dataclass(frozen=True)
class MarketTerms:
    """Coefficients of the national ETS and the EU CBAM, in natural units.

    ETS (zero arrays when the plant is not covered):
    covered = ets_fuel_ef . fuel + ets_source . sources [t];
    cost = ets_price (covered - free allocation - ccer) + ccer_price ccer [CNY], so a
    deficit is bought and a surplus sold at the allowance price; ccer <= ccer_max_share x
    covered and <= ccer_max_t.

    CBAM (zero arrays when nothing is exported to the EU):
    embedded = export_share (cbam_fuel_ef . fuel + cbam_source . sources
    + cbam_indirect_ef x import + cbam_fixed_per_unit x output) [t];
    free = export_share x output x cbam_free_per_unit [t];
    cost = cbam_price x max(0, embedded - free) [CNY].

    Attributes
    ----------
    output_y : (Y,)
        Output [unit/yr].
    ets_fuel_ef_t_per_gj_f : (F,)
        Covered part of each fuel's factor [t/GJ].
    ets_source_covered_j : (J,)
        1 for a source of a covered gas, else 0.
    ets_price_cny_per_t_y : (Y,)
        Allowance price in years of benchmark allocation, 0 where allocation equals
        verified emissions (nothing bought or sold) [CNY/t].
    ets_benchmark_allocation_y : (Y,) bool
    ets_free_allocation_t_y : (Y,)
        Benchmark x output in years of benchmark allocation, else 0 [t].
    ccer_price_cny_per_t_y, ccer_max_t_y : (Y,)
        CCER price [CNY/t] and availability [t] (0 where none may be used).
    ccer_max_share : float
    cbam_fuel_ef_t_per_gj_f : (F,), cbam_source_counted_j : (J,)
        Direct emissions counted on actual values (0 on default values) [t/GJ], [-].
    cbam_indirect_ef_t_per_mwh_y : (Y,)
        Grid factor counted for indirect emissions (cement, fertilisers on actual
        values), else 0 [t/MWh].
    cbam_fixed_t_per_unit_y : (Y,)
        Precursors (actual values) or default value x (1 + mark-up) [t/unit].
    cbam_export_share_y : (Y,)
    cbam_free_t_per_unit_y : (Y,)
        EU benchmark x CBAM factor [t/unit].
    cbam_price_cny_per_t_y : (Y,)
        max(0, certificate price x exchange rate - deduction) in CBAM years, else 0 [CNY/t].
    """

    output_y: np.ndarray
    unit: str
    ets_enabled: bool
    ets_fuel_ef_t_per_gj_f: np.ndarray
    ets_source_covered_j: np.ndarray
    ets_price_cny_per_t_y: np.ndarray
    ets_benchmark_allocation_y: np.ndarray
    ets_free_allocation_t_y: np.ndarray
    ccer_price_cny_per_t_y: np.ndarray
    ccer_max_t_y: np.ndarray
    ccer_max_share: float
    cbam_enabled: bool
    cbam_fuel_ef_t_per_gj_f: np.ndarray
    cbam_source_counted_j: np.ndarray
    cbam_indirect_ef_t_per_mwh_y: np.ndarray
    cbam_fixed_t_per_unit_y: np.ndarray
    cbam_export_share_y: np.ndarray
    cbam_free_t_per_unit_y: np.ndarray
    cbam_price_cny_per_t_y: np.ndarray


def market_terms_of(inp: PlanInputs) -> MarketTerms | None:
    """The ETS and CBAM coefficients of ``inp`` (None without production output)."""
    mk = inp.markets
    if mk is None:
        return None
    n, n_f, n_j = inp.n_years, len(inp.fuel_ids), len(inp.source_ids)
    zy, zf, zj = np.zeros(n), np.zeros(n_f), np.zeros(n_j)
    e, c = mk.ets, mk.cbam
    # ETS: zero arrays when the plant is not covered.
    bench = np.zeros(n, dtype=bool) if e is None else np.asarray(e.benchmark_allocation_y, bool)
    # Where allocation equals verified emissions there is no deficit to cover: no CCER.
    ccer_ok = bench & (e.ccer_max_t_y > 0) if e is not None else bench
    # CBAM: on default values the plant's own emissions do not count.
    act = c is not None and c.actual_values
    if c is not None:
        price = np.maximum(0.0, c.price_eur_per_t_y * c.cny_per_eur_y - c.deduction_cny_per_t_y)
        fixed = (c.precursor_t_per_unit_y if act else
                 c.default_t_per_unit_y * (1.0 + c.default_markup_y))
    return MarketTerms(
        output_y=mk.output_y, unit=mk.unit, ets_enabled=e is not None,
        ets_fuel_ef_t_per_gj_f=inp.fuel_ef_t_per_gj_f * e.fuel_gas_share_f if e else zf,
        ets_source_covered_j=np.asarray(e.source_covered_j, dtype=float) if e else zj,
        ets_price_cny_per_t_y=np.where(bench, e.allowance_price_cny_per_t_y, 0.0) if e else zy,
        ets_benchmark_allocation_y=bench,
        ets_free_allocation_t_y=(np.where(bench, e.benchmark_t_per_unit_y * mk.output_y, 0.0)
                                 if e else zy),
        ccer_price_cny_per_t_y=np.where(ccer_ok, e.ccer_price_cny_per_t_y, 0.0) if e else zy,
        ccer_max_t_y=np.where(ccer_ok, e.ccer_max_t_y, 0.0) if e else zy,
        ccer_max_share=float(e.ccer_max_share) if e else 0.0,
        cbam_enabled=c is not None,
        cbam_fuel_ef_t_per_gj_f=inp.fuel_ef_t_per_gj_f * c.fuel_gas_share_f if c and act else zf,
        cbam_source_counted_j=np.asarray(c.source_counted_j, dtype=float) if c and act else zj,
        cbam_indirect_ef_t_per_mwh_y=(inp.grid.ef_location_t_per_mwh_y
                                      if c and act and c.indirect else zy),
        cbam_fixed_t_per_unit_y=fixed if c else zy,
        cbam_export_share_y=c.export_share_y if c else zy,
        cbam_free_t_per_unit_y=c.benchmark_t_per_unit_y * c.factor_y if c else zy,
        cbam_price_cny_per_t_y=np.where(c.active_y, price, 0.0) if c else zy)


def ets_covered_t_y(mt: MarketTerms, fuel_gj_fy: np.ndarray, source_t_jy: np.ndarray
                    ) -> np.ndarray:
    """Emissions of covered gases = allowances to surrender [t] (Y,)."""
    return mt.ets_fuel_ef_t_per_gj_f @ fuel_gj_fy + mt.ets_source_covered_j @ source_t_jy


def cbam_embedded_t_y(mt: MarketTerms, fuel_gj_fy: np.ndarray, source_t_jy: np.ndarray,
                      import_mwh_y: np.ndarray) -> np.ndarray:
    """Embedded emissions of the exported share of output [t] (Y,)."""
    own = (mt.cbam_fuel_ef_t_per_gj_f @ fuel_gj_fy + mt.cbam_source_counted_j @ source_t_jy
           + mt.cbam_indirect_ef_t_per_mwh_y * import_mwh_y)
    return mt.cbam_export_share_y * (own + mt.cbam_fixed_t_per_unit_y * mt.output_y)


def cbam_free_t_y(mt: MarketTerms) -> np.ndarray:
    """Embedded emissions of the exported share not charged: benchmark x factor [t] (Y,)."""
    return mt.cbam_export_share_y * mt.output_y * mt.cbam_free_t_per_unit_y


# --------------------------------------------------------------------------- green power

@dataclass(frozen=True)
class GreenTerms:
    """Coefficients of green-power purchase contracts (绿电交易 / PPA), natural units.

    A contract ``g`` delivers ``green_mwh[g, y]`` of renewable electricity through the
    grid (its energy is in the grid bill like any other kWh) with bundled GECs; it pays
    ``premium[g, y] x paid[g, y]`` on top, where ``paid`` is what was delivered (as
    consumed) or the contracted volume in every term year (take-or-pay, :func:`green_paid_mwh_gy`).
    The MWh it delivers lower market-based scope 2 like certificates, after them and at
    most down to zero (:func:`green_counted_mwh_y`); never location-based scope 2.

    Attributes
    ----------
    ids : tuple of str
    take_or_pay_g : (G,) bool
    active_gy : (G, Y) bool
        Term years.
    premium_cny_per_mwh_gy : (G, Y)
        Green premium over the grid tariff [CNY/MWh].
    """

    ids: tuple[str, ...]
    take_or_pay_g: np.ndarray
    active_gy: np.ndarray
    premium_cny_per_mwh_gy: np.ndarray


def green_terms_of(inp: PlanInputs) -> GreenTerms | None:
    """The green-power coefficients of ``inp`` (None without contracts)."""
    g = inp.green
    if g is None:
        return None
    return GreenTerms(ids=g.ids, take_or_pay_g=g.take_or_pay_g, active_gy=g.active_gy,
                      premium_cny_per_mwh_gy=np.where(g.active_gy, g.premium_cny_per_mwh_gy,
                                                      0.0))


def green_paid_mwh_gy(gt: GreenTerms, green_mwh_gy: np.ndarray,
                      volume_mwh_g: np.ndarray) -> np.ndarray:
    """MWh each contract pays for in each year (G, Y).

    As consumed: what it delivered; take-or-pay: its contracted volume in every term
    year, used or not.
    """
    fixed = gt.active_gy * np.asarray(volume_mwh_g, dtype=float)[:, None]
    return np.where(gt.take_or_pay_g[:, None], fixed, np.asarray(green_mwh_gy, dtype=float))


def green_cost_cny_y(gt: GreenTerms, paid_mwh_gy: np.ndarray) -> np.ndarray:
    """Green premium paid each year [CNY] (Y,): ``sum_g premium[g, y] x paid[g, y]``."""
    return (gt.premium_cny_per_mwh_gy * paid_mwh_gy).sum(axis=0)


def green_counted_mwh_y(green_mwh_y: np.ndarray, certificates_mwh_y: np.ndarray,
                        import_mwh_y: np.ndarray) -> np.ndarray:
    """Contracted green MWh that lower market-based scope 2 (Y,) [MWh].

    Certificates and contracts together cover at most the grid import:
    ``min(green, max(import - certificates, 0))``. The master enforces
    ``certificates + green <= import`` on its own import; this clips the same sum
    against the exact 8 760-hour import.
    """
    room = np.maximum(np.asarray(import_mwh_y, float) - np.asarray(certificates_mwh_y, float),
                      0.0)
    return np.minimum(np.asarray(green_mwh_y, dtype=float), room)
