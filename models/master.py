"""The investment MILP: what to build when, and what to buy, year by year.

The hourly energy balance is not written into this model: each year's grid cost
and grid import enter through two variables bounded by *cuts* from the exact
hourly evaluation (:mod:`models.hourly`), added by :mod:`models.decomposition`.
Because a year's least grid cost is a convex function of the plan (it is the
value of a linear programme whose right-hand side is linear in the plan), the
cuts are valid everywhere and the optimum of this model with enough cuts is the
optimum of the full 8760-hour problem.

Conventions (``docs/method.md``):

* Years are indexed 0..Y-1 from the base year. Money is real; the cost of year
  ``y`` is discounted by ``(1 + r) ** -y`` (the base year is undiscounted).
* An asset built in year ``v`` with lifetime ``L`` works in years ``v .. v+L-1``
  and may be rebuilt from year ``v+L`` on. Capex is paid in the build year.
* Salvage: an asset still alive after the last year returns its straight-line
  remaining value, ``capex x remaining years / L``, discounted from the end of
  the horizon.
* Effects of measures add up linearly and are shares of the (grown) baseline.
* Units are scaled (:mod:`models.units`): MCNY, MW, MWh (storage), GWh, TJ, kt.

Every coefficient (lifetime windows, salvage shares, degradation, capex, O&M,
factors, prices, discount factors) comes from :class:`models.terms.Terms`, the one
definition the accounts use too; this module only converts units and writes the
sums.
"""

from __future__ import annotations

import numpy as np
import pyomo.core as pyo

from models import units as u
from models.inputs import PlanInputs
from models.rules import add_rules
from models.terms import MarketTerms, Terms, terms_of, tie_break_price

__all__ = ["INVESTMENT_VARS", "alive_of_builds", "build_master", "fix_investments",
           "integer_variables", "investment_values", "set_relaxed"]


def build_master(inp: PlanInputs, *, shortfall_penalty_cny_per_t: float | None = None
                 ) -> pyo.ConcreteModel:
    """Build the investment MILP (without energy cuts).

    Parameters
    ----------
    inp : PlanInputs
    shortfall_penalty_cny_per_t : float, optional
        Make the emission trajectory *elastic*: each year may exceed its cap by
        ``shortfall[y]`` [kt] at this penalty (undiscounted, so that no year's
        shortfall is cheaper than another's). Used to diagnose infeasible targets.

    Returns
    -------
    pyomo.environ.ConcreteModel
        With components named by concept; ``m.energy_cut`` is an empty
        ``ConstraintList`` the decomposition fills.
    """
    m = pyo.ConcreteModel(name="carbonpath_master")
    m._inputs = inp
    t = m._terms = terms_of(inp)
    add_sets(m, inp)
    add_measure_decisions(m, inp, t)
    add_pv_decisions(m, inp, t)
    add_battery_decisions(m, inp, t)
    add_demand(m, inp, t)
    add_energy_epigraph(m, inp)
    add_offsets(m, inp)
    add_green_power(m, inp, t)
    add_emission_accounting(m, inp, t)
    add_carbon_markets(m, inp, t)
    add_emission_trajectory(m, inp, elastic=shortfall_penalty_cny_per_t is not None)
    add_credit_cap(m, inp)
    add_exclusive_groups(m, inp)
    add_capex(m, inp, t)
    add_capex_budget(m, inp)
    add_objective(m, inp, t)
    add_rules(m, inp)
    if shortfall_penalty_cny_per_t is not None:
        m.npv.expr = m.npv.expr + shortfall_penalty_cny_per_t * u.CNY_PER_T_TO_MCNY_PER_KT * sum(
            m.shortfall[y] for y in m.year)
    return m


# --------------------------------------------------------------------------- sets

def add_sets(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """Index sets: years, measures, fuels, process sources, shapes, credits, removals."""
    ms = inp.measures
    m.year = pyo.Set(initialize=range(inp.n_years), ordered=True)
    m.measure = pyo.Set(initialize=range(ms.count), ordered=True)
    m.fuel = pyo.Set(initialize=range(len(inp.fuel_ids)), ordered=True)
    m.source = pyo.Set(initialize=range(len(inp.source_ids)), ordered=True)
    m.shape = pyo.Set(initialize=range(len(inp.hourly.shape_names)), ordered=True)
    m.credit = pyo.Set(initialize=range(len(inp.offsets.credit_ids)), ordered=True)
    m.removal = pyo.Set(initialize=range(len(inp.offsets.removal_ids)), ordered=True)
    m.build_slot = pyo.Set(dimen=2, ordered=True, initialize=[
        (k, y) for k in range(ms.count)
        for y in range(int(ms.earliest_idx_m[k]), int(ms.latest_idx_m[k]) + 1)])


def _vintages(alive_yv: np.ndarray, y: int) -> list[int]:
    """Build years whose assets work in year ``y`` (ascending)."""
    return [int(v) for v in np.flatnonzero(alive_yv[y])]


# --------------------------------------------------------------------------- decisions

def add_measure_decisions(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """build[k, y] in {0, 1}; alive[k, y] in {0, 1} = builds within the lifetime.

    Index: measure x year. A measure can be rebuilt when its lifetime ends.

    ``alive`` is a binary variable of its own (fixed at 0 where no build reaches the year)
    rather than an expression of the builds: the demand, O&M and group rows then read one
    binary per year instead of a sum over the lifetime's build slots, and HiGHS's cut
    separation and heuristics work on the binaries that the emission caps actually bound.
    The LP relaxation is the same (a substitution); on the reference the MILP's time fell
    ~4x (benchmarks/README.md, 2026-12-01, third session).
    """
    m.build = pyo.Var(m.build_slot, domain=pyo.Binary)
    window = t.measure_window
    m.alive = pyo.Var(m.measure, m.year, domain=pyo.Binary)
    for k in m.measure:
        for y in m.year:
            if not window(k, y):
                m.alive[k, y].fix(0.0)
    # alive <= 1 (its bound) is the rule that a measure is rebuilt only when its life ends.
    m.alive_def = pyo.Constraint(m.measure, m.year, rule=lambda mm, k, y: (
        mm.alive[k, y] == sum(mm.build[k, v] for v in window(k, y)) if window(k, y)
        else pyo.Constraint.Skip))


def integer_variables(m: pyo.ConcreteModel) -> list[pyo.Var]:
    """The master's integer variables (builds, then alive measures), fixed ones included."""
    return [*m.build.values(), *m.alive.values()]


def set_relaxed(m: pyo.ConcreteModel, relaxed: bool) -> None:
    """Relax the integer variables to [0, 1] (``relaxed``) or make them binary again."""
    domain = pyo.UnitInterval if relaxed else pyo.Binary
    for v in integer_variables(m):
        v.domain = domain


def alive_of_builds(m: pyo.ConcreteModel, builds: dict[object, float]
                    ) -> dict[tuple[int, int], float]:
    """alive[k, y] implied by build values (keys of ``m.build``; missing ones are 0)."""
    window = m._terms.measure_window
    return {(k, y): float(sum(builds.get((k, v), 0.0) for v in window(k, y)))
            for k in m.measure for y in m.year if window(k, y)}


def add_pv_decisions(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """pv_new[y] [MW] in vintages; nameplate pv_capacity <= roof; pv_effective degraded."""
    pv = inp.pv
    first = pv.earliest_idx if pv.enabled else inp.n_years
    m.pv_new = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    for y in m.year:
        if y < first:
            m.pv_new[y].fix(0.0)

    def cap(mm, y):
        return sum(mm.pv_new[v] for v in _vintages(t.pv_alive_yv, y))

    def eff(mm, y):
        return sum(mm.pv_new[v] * t.pv_output_yv[y, v] for v in _vintages(t.pv_alive_yv, y))

    m.pv_capacity = pyo.Expression(m.year, rule=cap)
    m.pv_effective = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.pv_effective_def = pyo.Constraint(m.year, rule=lambda mm, y: mm.pv_effective[y] == eff(mm, y))
    max_mw = pv.max_kw / u.POWER_KW
    m.pv_roof_limit = pyo.Constraint(m.year, rule=lambda mm, y: mm.pv_capacity[y] <= max_mw)


def add_battery_decisions(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """battery_energy_new [MWh] and battery_power_new [MW] in vintages; duration bounds."""
    b = inp.battery
    first = b.earliest_idx if b.enabled else inp.n_years
    m.battery_energy_new = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.battery_power_new = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    for y in m.year:
        if y < first:
            m.battery_energy_new[y].fix(0.0)
            m.battery_power_new[y].fix(0.0)
    m.battery_energy = pyo.Var(m.year, domain=pyo.NonNegativeReals,
                               bounds=(0.0, b.max_kwh / u.STORAGE_KWH))
    m.battery_power = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    # Usable energy: each vintage faded by its age (factor 1 without fade).
    m.battery_energy_def = pyo.Constraint(m.year, rule=lambda mm, y: mm.battery_energy[y] == sum(
        mm.battery_energy_new[v] * t.battery_energy_yv[y, v]
        for v in _vintages(t.battery_alive_yv, y)))
    m.battery_nameplate = pyo.Expression(m.year, rule=lambda mm, y: sum(
        mm.battery_energy_new[v] for v in _vintages(t.battery_alive_yv, y)))
    m.battery_power_def = pyo.Constraint(m.year, rule=lambda mm, y: mm.battery_power[y] == sum(
        mm.battery_power_new[v] for v in _vintages(t.battery_alive_yv, y)))
    # kW x h = kWh: power between energy / max duration and energy / min duration.
    m.battery_min_duration = pyo.Constraint(m.year, rule=lambda mm, y: (
        mm.battery_power[y] * b.min_duration_h <= mm.battery_energy[y]))
    m.battery_max_duration = pyo.Constraint(m.year, rule=lambda mm, y: (
        mm.battery_power[y] * b.max_duration_h >= mm.battery_energy[y]))


# --------------------------------------------------------------------------- demand

def add_demand(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """Demand left after measures, per year: electric load scale, added electricity, fuels, sources.

    load_scale [-] = growth (1 - sum saving x alive); added [GWh] per shape;
    fuel [TJ] = growth (base + sum delta x alive) >= 0; source [kt] >= 0.
    """
    g = t.growth_y
    save, add_ms = t.elec_saving_share_m, t.elec_added_mwh_ms
    delta, cut = t.fuel_delta_gj_mf, t.source_cut_share_mj
    m.load_scale = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.load_scale_def = pyo.Constraint(m.year, rule=lambda mm, y: mm.load_scale[y] == g[y] * (
        1.0 - sum(save[k] * mm.alive[k, y] for k in mm.measure if save[k])))
    m.added = pyo.Var(m.shape, m.year, domain=pyo.NonNegativeReals)
    m.added_def = pyo.Constraint(m.shape, m.year, rule=lambda mm, s, y: mm.added[s, y] == g[y] * sum(  # noqa: E501
        add_ms[k, s] / u.ELEC_MWH * mm.alive[k, y] for k in mm.measure if add_ms[k, s]))
    m.fuel_use = pyo.Var(m.fuel, m.year, domain=pyo.NonNegativeReals)
    m.fuel_use_def = pyo.Constraint(m.fuel, m.year, rule=lambda mm, f, y: mm.fuel_use[f, y] == g[y] * (  # noqa: E501
        t.base_fuel_gj_f[f] + sum(delta[k, f] * mm.alive[k, y] for k in mm.measure
                                  if delta[k, f])) / u.FUEL_GJ)
    m.source_emission = pyo.Var(m.source, m.year, domain=pyo.NonNegativeReals)
    m.source_emission_def = pyo.Constraint(m.source, m.year, rule=lambda mm, j, y: (
        mm.source_emission[j, y] == g[y] * t.source_base_t_j[j] / u.EMIS_T * (
            1.0 - sum(cut[k, j] * mm.alive[k, y] for k in mm.measure if cut[k, j]))))


def add_energy_epigraph(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """energy_cost[y] [MCNY] and grid_import[y] [GWh], bounded below by cuts (``m.energy_cut``)."""
    m.energy_cost = pyo.Var(m.year, domain=pyo.Reals)
    m.grid_import = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.energy_cut = pyo.ConstraintList()


# --------------------------------------------------------------------------- offsets, emissions

def add_offsets(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """Certificates [GWh] (<= max_share x import), credits and removals [kt] (<= availability)."""
    o = inp.offsets
    m.certificates = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    for y in m.year:
        cap = o.cert_max_mwh_y[y] / u.ELEC_MWH if o.cert_enabled else 0.0
        if np.isfinite(cap):
            m.certificates[y].setub(cap)
    share = o.cert_max_share if o.cert_enabled else 0.0
    m.certificate_share = pyo.Constraint(m.year, rule=lambda mm, y: (
        mm.certificates[y] <= share * mm.grid_import[y]))
    m.credits = pyo.Var(m.credit, m.year, domain=pyo.NonNegativeReals)
    m.removals = pyo.Var(m.removal, m.year, domain=pyo.NonNegativeReals)
    for c in m.credit:
        for y in m.year:
            ub = o.credit_max_t_cy[c, y]
            if np.isfinite(ub):
                m.credits[c, y].setub(ub / u.EMIS_T)
    for r in m.removal:
        for y in m.year:
            ub = o.removal_max_t_ry[r, y]
            if np.isfinite(ub):
                m.removals[r, y].setub(ub / u.EMIS_T)


def add_green_power(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """Green-power contracts: green[c, y] [GWh] delivered and counted, their premium [MCNY].

    Index: contract x year (``m.green_contract``, empty without contracts). As consumed:
    green <= availability, paid = green. Take-or-pay: one volume [GWh/yr] between its
    least and its availability, green <= volume, paid = volume in every term year.
    Each contract covers at most its share of the import; certificates + green <= import
    (both are claims on the same MWh). green_cost = sum_c premium x paid
    [CNY/MWh x GWh = kCNY, x 1e-3 = MCNY]. Coefficients from
    :class:`models.terms.GreenTerms`.
    """
    g, gt = inp.green, t.green
    m.green_contract = pyo.Set(initialize=range(len(g.ids)) if g is not None else [],
                               ordered=True)
    if g is None or gt is None:
        return
    top = gt.take_or_pay_g
    m.green = pyo.Var(m.green_contract, m.year, domain=pyo.NonNegativeReals)
    m.green_volume = pyo.Var(m.green_contract, domain=pyo.NonNegativeReals)
    for c in m.green_contract:
        on = np.flatnonzero(gt.active_gy[c])
        for y in m.year:
            cap = g.max_mwh_gy[c, y]
            if not gt.active_gy[c, y]:
                m.green[c, y].fix(0.0)
            elif not top[c] and np.isfinite(cap):
                m.green[c, y].setub(cap / u.ELEC_MWH)
        if top[c]:
            m.green_volume[c].setlb(g.min_mwh_g[c] / u.ELEC_MWH)
            cap_c = float(g.max_mwh_gy[c, on].min())
            if np.isfinite(cap_c):
                m.green_volume[c].setub(cap_c / u.ELEC_MWH)
        else:
            m.green_volume[c].fix(0.0)
    m.green_within_volume = pyo.Constraint(m.green_contract, m.year, rule=lambda mm, c, y: (
        mm.green[c, y] <= mm.green_volume[c] if top[c] and gt.active_gy[c, y]
        else pyo.Constraint.Skip))
    share = g.max_share_g
    m.green_share = pyo.Constraint(m.green_contract, m.year, rule=lambda mm, c, y: (
        mm.green[c, y] <= share[c] * mm.grid_import[y] if gt.active_gy[c, y] and share[c] < 1
        else pyo.Constraint.Skip))
    m.green_total = pyo.Expression(m.year, rule=lambda mm, y: sum(
        mm.green[c, y] for c in mm.green_contract))
    m.green_within_import = pyo.Constraint(m.year, rule=lambda mm, y: (
        mm.certificates[y] + mm.green_total[y] <= mm.grid_import[y]))
    m.green_paid = pyo.Expression(m.green_contract, m.year, rule=lambda mm, c, y: (
        (mm.green_volume[c] if gt.active_gy[c, y] else 0.0) if top[c] else mm.green[c, y]))
    prem = gt.premium_cny_per_mwh_gy
    m.green_cost = pyo.Expression(m.year, rule=lambda mm, y: sum(
        prem[c, y] * u.CNY_PER_MWH_TO_MCNY_PER_GWH * mm.green_paid[c, y]
        for c in mm.green_contract if prem[c, y]))


def add_emission_accounting(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """Scope 1, scope 2 (location and market) and net emissions [kt] per year.

    scope1 = sum_f ef_f x fuel_f + sum_j source_j; scope2_location = ef_grid x import;
    scope2_market = ef_residual x (import - certificates - green);
    net = scope1 + scope2 on the target's basis - credits - removals (market: scope2_market;
    location: scope2_location, which certificates and green-power contracts do not lower).
    """
    ef_net, certs_count = t.net_grid_ef_t_per_mwh_y, t.net_certificates_count
    ef_loc = t.grid_ef_location_t_per_mwh_y
    ef_res = t.grid_ef_residual_t_per_mwh_y
    m.scope1 = pyo.Expression(m.year, rule=lambda mm, y: sum(
        t.fuel_ef_t_per_gj_f[f] * mm.fuel_use[f, y] for f in mm.fuel) + sum(
        mm.source_emission[j, y] for j in mm.source))
    m.scope2_location = pyo.Expression(m.year, rule=lambda mm, y: ef_loc[y] * mm.grid_import[y])
    green = hasattr(m, "green_total")
    m.scope2_market = pyo.Expression(m.year, rule=lambda mm, y: ef_res[y] * (
        mm.grid_import[y] - mm.certificates[y] - mm.green_total[y]) if green else ef_res[y] * (
        mm.grid_import[y] - mm.certificates[y]))
    m.offsets_used = pyo.Expression(m.year, rule=lambda mm, y: sum(
        mm.credits[c, y] for c in mm.credit) + sum(mm.removals[r, y] for r in mm.removal))
    m.net_emissions = pyo.Expression(m.year, rule=lambda mm, y: (
        mm.scope1[y] + ef_net[y] * (mm.grid_import[y] - certs_count * (
            mm.certificates[y] + mm.green_total[y] if green else mm.certificates[y]))
        - mm.offsets_used[y]))


def add_emission_trajectory(m: pyo.ConcreteModel, inp: PlanInputs, elastic: bool = False) -> None:
    """net_emissions[y] <= allowed[y] (0 from the net-zero year on) [kt].

    With ``elastic``, ``shortfall[y] >= 0`` [kt] is added to the right-hand side.
    """
    allowed = inp.target.allowed_net_t_y
    m.shortfall = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    for y in m.year:
        if not elastic or not np.isfinite(allowed[y]):
            m.shortfall[y].fix(0.0)

    def rule(mm, y):
        if not np.isfinite(allowed[y]):
            return pyo.Constraint.Skip
        return mm.net_emissions[y] <= allowed[y] / u.EMIS_T + mm.shortfall[y]

    m.emission_cap = pyo.Constraint(m.year, rule=rule)


def add_credit_cap(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """Credits counted in a year <= max credit share x base-year emissions [kt]."""
    cap = inp.target.credit_cap_t_y

    def rule(mm, y):
        if not np.isfinite(cap[y]) or not len(mm.credit):
            return pyo.Constraint.Skip
        return sum(mm.credits[c, y] for c in mm.credit) <= cap[y] / u.EMIS_T

    m.credit_share_cap = pyo.Constraint(m.year, rule=rule)


def add_exclusive_groups(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """At most one measure of each mutually exclusive group alive in any year."""
    groups: dict[str, list[int]] = {}
    for k, grp in enumerate(inp.measures.group_of_m):
        if grp:
            groups.setdefault(grp, []).append(k)
    groups = {g: ks for g, ks in groups.items() if len(ks) > 1}
    m.group = pyo.Set(initialize=sorted(groups), ordered=True)
    m.group_exclusive = pyo.Constraint(m.group, m.year, rule=lambda mm, grp, y: sum(
        mm.alive[k, y] for k in groups[grp]) <= 1)


# --------------------------------------------------------------------------- carbon markets

def add_carbon_markets(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """National ETS compliance and EU CBAM; ``m.market_cost[y]`` [MCNY] (0 without them).

    Coefficients from :class:`models.terms.MarketTerms`; the accounts use the same ones.
    """
    mt = t.markets
    if mt is not None and mt.ets_enabled:
        add_ets_compliance(m, mt)
    if mt is not None and mt.cbam_enabled:
        add_cbam(m, mt)
    k3 = u.CNY_PER_T_TO_MCNY_PER_KT
    m.market_cost = pyo.Expression(m.year, rule=lambda mm, y: (
        (mm.ets_cost[y] if hasattr(mm, "ets_cost") else 0.0)
        + (mt.cbam_price_cny_per_t_y[y] * k3 * mm.cbam_chargeable[y]
           if mt is not None and mt.cbam_enabled else 0.0)))


def add_ets_compliance(m: pyo.ConcreteModel, mt: MarketTerms) -> None:
    """Allowances [kt]: covered emissions less free allocation and CCER, bought or sold.

    Index: year. ets_covered = sum_f ef_f fuel_f [TJ x t/GJ = kt] + covered sources [kt];
    ccer <= ccer_max_share x ets_covered (the CCER limit) and <= availability;
    ets_cost [MCNY] = price (ets_covered - free - ccer) + ccer_price ccer: negative when
    the surplus sold is worth more than the allowances bought.
    """
    k3 = u.CNY_PER_T_TO_MCNY_PER_KT
    ef, cov = mt.ets_fuel_ef_t_per_gj_f, mt.ets_source_covered_j
    m.ets_covered = pyo.Expression(m.year, rule=lambda mm, y: sum(
        ef[f] * mm.fuel_use[f, y] for f in mm.fuel if ef[f]) + sum(
        mm.source_emission[j, y] for j in mm.source if cov[j]))
    m.ccer = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    for y in m.year:
        ub = mt.ccer_max_t_y[y]
        if np.isfinite(ub):
            m.ccer[y].setub(ub / u.EMIS_T)
    m.ccer_limit = pyo.Constraint(m.year, rule=lambda mm, y: (
        mm.ccer[y] <= mt.ccer_max_share * mm.ets_covered[y]
        if mt.ccer_max_t_y[y] > 0 else pyo.Constraint.Skip))
    p, pc, free = mt.ets_price_cny_per_t_y, mt.ccer_price_cny_per_t_y, mt.ets_free_allocation_t_y
    m.ets_cost = pyo.Expression(m.year, rule=lambda mm, y: (
        p[y] * k3 * (mm.ets_covered[y] - free[y] / u.EMIS_T - mm.ccer[y])
        + pc[y] * k3 * mm.ccer[y]))


def add_cbam(m: pyo.ConcreteModel, mt: MarketTerms) -> None:
    """CBAM: chargeable emissions of the exported share [kt] >= embedded - free, >= 0.

    Index: year. embedded = share (sum_f ef_f fuel_f + counted sources + ef_grid x import
    [GWh x t/MWh = kt] + fixed per unit x output / 1000); free = share x output x
    benchmark x factor / 1000. The cost (price x chargeable) is minimised, so chargeable
    is the larger of the two bounds; a year without a CBAM price has none.
    """
    ef, cnt = mt.cbam_fuel_ef_t_per_gj_f, mt.cbam_source_counted_j
    ind, share = mt.cbam_indirect_ef_t_per_mwh_y, mt.cbam_export_share_y
    fixed_t = mt.cbam_fixed_t_per_unit_y * mt.output_y
    m.cbam_embedded = pyo.Expression(m.year, rule=lambda mm, y: share[y] * (
        sum(ef[f] * mm.fuel_use[f, y] for f in mm.fuel if ef[f])
        + sum(mm.source_emission[j, y] for j in mm.source if cnt[j])
        + ind[y] * mm.grid_import[y] + fixed_t[y] / u.EMIS_T))
    free = share * mt.output_y * mt.cbam_free_t_per_unit_y
    m.cbam_chargeable = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    for y in m.year:
        if mt.cbam_price_cny_per_t_y[y] <= 0:
            m.cbam_chargeable[y].fix(0.0)
    m.cbam_over_free = pyo.Constraint(m.year, rule=lambda mm, y: (
        mm.cbam_chargeable[y] >= mm.cbam_embedded[y] - free[y] / u.EMIS_T
        if mt.cbam_price_cny_per_t_y[y] > 0 else pyo.Constraint.Skip))


# --------------------------------------------------------------------------- money

def add_capex(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """capex[y] [MCNY]: measures built, PV and battery added in year y; salvage at the end."""
    cap_m, share_m = t.measure_capex_cny_mv, t.measure_salvage_share_mv
    cap_pv, share_pv = t.pv_capex_cny_per_kw_v, t.pv_salvage_share_v
    cap_be, cap_bp = t.battery_energy_capex_cny_per_kwh_v, t.battery_power_capex_cny_per_kw_v
    share_b = t.battery_salvage_share_v
    m.capex = pyo.Expression(m.year, rule=lambda mm, y: (
        sum(cap_m[k, y] / u.MONEY_CNY * mm.build[k, y] for k in mm.measure
            if (k, y) in mm.build_slot)
        + cap_pv[y] * u.CNY_PER_KW_TO_MCNY_PER_MW * mm.pv_new[y]
        + cap_be[y] * u.CNY_PER_KWH_TO_MCNY_PER_MWH * mm.battery_energy_new[y]
        + cap_bp[y] * u.CNY_PER_KW_TO_MCNY_PER_MW * mm.battery_power_new[y]))
    m.salvage = pyo.Expression(expr=(
        sum(cap_m[k, y] / u.MONEY_CNY * share_m[k, y] * m.build[k, y]
            for k, y in m.build_slot if share_m[k, y] > 0)
        + sum(share_pv[y] * (cap_pv[y] * u.CNY_PER_KW_TO_MCNY_PER_MW * m.pv_new[y])
              for y in m.year if share_pv[y] > 0)
        + sum(share_b[y] * (
            cap_be[y] * u.CNY_PER_KWH_TO_MCNY_PER_MWH * m.battery_energy_new[y]
            + cap_bp[y] * u.CNY_PER_KW_TO_MCNY_PER_MW * m.battery_power_new[y])
            for y in m.year if share_b[y] > 0)))


def add_capex_budget(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """capex[y] <= budget[y] [MCNY]."""
    budget = inp.capex_budget_cny_y

    def rule(mm, y):
        if not np.isfinite(budget[y]):
            return pyo.Constraint.Skip
        return mm.capex[y] <= budget[y] / u.MONEY_CNY

    m.capex_budget = pyo.Constraint(m.year, rule=rule)


def add_objective(m: pyo.ConcreteModel, inp: PlanInputs, t: Terms) -> None:
    """Minimise the NPV of all costs less the discounted salvage value [MCNY], after tax.

    Yearly cost = capex + fixed O&M + grid energy + fuel + carbon price on covered
    emissions + certificates + credits + removals + ETS and CBAM (``m.market_cost``)
    + green premium (``m.green_cost``, with green-power contracts);
    each investment counts the NPV of its cash-flow profile (:class:`models.terms.Terms`,
    ``*_cost_weight_*``), each operating cost ``discount_factor (1 - tax_rate)``.
    """
    k3 = u.CNY_PER_T_TO_MCNY_PER_KT  # 1e-3, also CNY/GJ -> MCNY/TJ and CNY/MWh -> MCNY/GWh
    om_m = t.measure_fixed_om_cny_per_year_m
    cp1, cp2 = t.carbon_price_scope1_cny_per_t_y, t.carbon_price_scope2_cny_per_t_y
    m.fixed_om = pyo.Expression(m.year, rule=lambda mm, y: (
        sum(om_m[k] / u.MONEY_CNY * mm.alive[k, y] for k in mm.measure if om_m[k])
        + t.pv_fixed_om_cny_per_kw_year * u.CNY_PER_KW_TO_MCNY_PER_MW * mm.pv_capacity[y]
        + t.battery_fixed_om_cny_per_kwh_year * u.CNY_PER_KWH_TO_MCNY_PER_MWH
        * mm.battery_nameplate[y]))
    m.fuel_cost = pyo.Expression(m.year, rule=lambda mm, y: sum(
        t.fuel_price_cny_per_gj_fy[f, y] * u.CNY_PER_GJ_TO_MCNY_PER_TJ * mm.fuel_use[f, y]
        for f in mm.fuel))
    # A scope the price does not cover has price 0 in every year: leave it out.
    m.carbon_cost = pyo.Expression(m.year, rule=lambda mm, y: (
        (cp1[y] * k3 * mm.scope1[y] if cp1.any() else 0.0)
        + (cp2[y] * k3 * mm.scope2_location[y] if cp2.any() else 0.0)))
    m.offset_cost = pyo.Expression(m.year, rule=lambda mm, y: (
        t.certificate_price_cny_per_mwh_y[y] * u.CNY_PER_MWH_TO_MCNY_PER_GWH * mm.certificates[y]
        + sum(t.credit_price_cny_per_t_cy[c, y] * k3 * mm.credits[c, y] for c in mm.credit)
        + sum(t.removal_price_cny_per_t_ry[r, y] * k3 * mm.removals[r, y]
              for r in mm.removal)))
    green = hasattr(m, "green_cost")
    m.annual_cost = pyo.Expression(m.year, rule=lambda mm, y: (
        mm.capex[y] + mm.fixed_om[y] + mm.energy_cost[y] + mm.fuel_cost[y] + mm.carbon_cost[y]
        + mm.offset_cost[y] + mm.market_cost[y] + (mm.green_cost[y] if green else 0.0)))
    # Investments enter through the NPV of their whole cash-flow profile (capex, loan,
    # subsidies, tax depreciation and credit, contract payments, salvage after tax);
    # operating costs through their after-tax discount weight. Without [tax], [loan],
    # subsidies or contracts this is sum_y df_y annual_cost_y - salvage_discount salvage.
    w_m, w = t.measure_cost_weight_mv, t.cost_weight_y
    m.investment_npv = pyo.Expression(expr=(
        sum(w_m[k, y] / u.MONEY_CNY * m.build[k, y] for k, y in m.build_slot if w_m[k, y])
        + sum(t.pv_cost_weight_v[y] * u.CNY_PER_KW_TO_MCNY_PER_MW * m.pv_new[y]
              + t.battery_energy_cost_weight_v[y] * u.CNY_PER_KWH_TO_MCNY_PER_MWH
              * m.battery_energy_new[y]
              + t.battery_power_cost_weight_v[y] * u.CNY_PER_KW_TO_MCNY_PER_MW
              * m.battery_power_new[y] for y in m.year)))
    opex = [m.fixed_om[y] + m.energy_cost[y] + m.fuel_cost[y] + m.carbon_cost[y]
            + m.offset_cost[y] + m.market_cost[y] for y in m.year]
    if green:
        opex = [opex[y] + m.green_cost[y] for y in m.year]
    m.npv = pyo.Objective(expr=m.investment_npv + sum(w[y] * opex[y] for y in m.year)
                          + _tie_break(m, t), sense=pyo.minimize)


def _tie_break(m: pyo.ConcreteModel, t: Terms) -> pyo.Expression | float:
    """Discounted tie-break on purchases made at price 0 [MCNY] (terms.tie_break_price).

    Not part of ``annual_cost`` (not a cost; the accounts match ``annual_cost``); zero,
    and left out, when every purchase is priced.
    """
    k3 = u.CNY_PER_T_TO_MCNY_PER_KT
    df = t.discount_factor_y
    tb_cert = (tie_break_price(t.certificate_price_cny_per_mwh_y) if m._inputs.offsets.cert_enabled
               else np.zeros(len(df)))
    tb_credit = tie_break_price(t.credit_price_cny_per_t_cy)
    tb_removal = tie_break_price(t.removal_price_cny_per_t_ry)
    terms = [df[y] * tb_cert[y] * u.CNY_PER_MWH_TO_MCNY_PER_GWH * m.certificates[y]
             for y in m.year if tb_cert[y]]
    terms += [df[y] * tb_credit[c, y] * k3 * m.credits[c, y]
              for c in m.credit for y in m.year if tb_credit[c, y]]
    terms += [df[y] * tb_removal[r, y] * k3 * m.removals[r, y]
              for r in m.removal for y in m.year if tb_removal[r, y]]
    if t.green is not None:
        tb_green = np.where(t.green.active_gy, tie_break_price(t.green.premium_cny_per_mwh_gy),
                            0.0)
        terms += [df[y] * tb_green[c, y] * u.CNY_PER_MWH_TO_MCNY_PER_GWH * m.green_paid[c, y]
                  for c in m.green_contract for y in m.year if tb_green[c, y]]
    m.tie_break = pyo.Expression(expr=sum(terms) if terms else 0.0)
    return m.tie_break


# --------------------------------------------------------------------------- fixed plans

#: The master's investment decisions: measures built, PV and battery added per year.
#: Purchases (certificates, credits, removals) are operating decisions and stay free.
INVESTMENT_VARS = ("build", "pv_new", "battery_energy_new", "battery_power_new")


def investment_values(m: pyo.ConcreteModel) -> dict[str, dict[object, float]]:
    """Values of the investment decisions of a solved master, in master units.

    Binaries are rounded to 0/1 so that fixing them elsewhere is exact.
    """
    out: dict[str, dict[object, float]] = {}
    for name in INVESTMENT_VARS:
        comp = getattr(m, name)
        vals = {}
        for idx, var in comp.items():
            v = float(pyo.value(var, exception=False) or 0.0)
            vals[idx] = float(round(v)) if name == "build" else max(v, 0.0)
        out[name] = vals
    return out


def fix_investments(m: pyo.ConcreteModel, values: dict[str, dict[object, float]]) -> None:
    """Fix the investment decisions of ``m`` to ``values`` (from :func:`investment_values`).

    Build slots missing from ``values`` (a measure whose window differs) are fixed to 0.
    """
    for name in INVESTMENT_VARS:
        comp = getattr(m, name)
        given = values.get(name, {})
        for idx, var in comp.items():
            var.fix(given.get(idx, 0.0))
