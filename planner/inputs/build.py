"""Scenario -> :class:`models.inputs.PlanInputs`: resolve defaults, units, tables, profiles.

Every default that this module fills in is recorded in ``PlanInputs.notes`` so
that reports can say which numbers were assumed.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from models.inputs import (
    BatteryData,
    CbamData,
    EtsData,
    FinanceData,
    GreenPowerData,
    GridData,
    HourlyData,
    MarketData,
    MeasureData,
    OffsetData,
    PlanInputs,
    PvData,
    TargetData,
)
from models.money import price_index
from planner.base.schema import Scenario
from planner.base.series import series_values
from planner.profiles import build as profiles
from planner.scenario.read import ScenarioFile
from planner.tables import factors
from planner.tables.markets import market_defaults
from planner.tables.tariffs import grid_prices

__all__ = ["GJ_PER_MWH", "PROCESS_CO2", "TAX_LIFE_YEARS", "base_year_emissions_t",
           "build_inputs"]

GJ_PER_MWH = 3.6
PROCESS_CO2 = "process_co2"
#: Minimum tax depreciation lives by asset class [yr]: Enterprise Income Tax Law
#: implementation rules (中华人民共和国企业所得税法实施条例, 2007, art. 60); docs/sources.md.
TAX_LIFE_YEARS = {"building": 20, "machinery": 10, "tools": 5, "vehicle": 4, "electronics": 3}
#: Without a battery size limit, the battery may hold at most this many hours of
#: the mean base load: far beyond anything economic, but it keeps the model bounded.
DEFAULT_BATTERY_HOURS_OF_MEAN_LOAD = 24.0


#: Money series of a scenario stated in money of each year when ``scenario.price_basis =
#: "nominal"``: table (``[]``: each item of a list, ``*``: each value of a table keyed by
#: id) -> fields. Single numbers that are not series (fixed O&M, ``subsidy_cny``,
#: ``emc_savings_cny_per_year``, ``expensing_max_cny``) and the shipped tables (TOU presets,
#: ETS and CBAM defaults) stay base-year prices.
NOMINAL_SERIES: dict[str, tuple[str, ...]] = {
    "grid": ("price_cny_per_kwh", "transmission_cny_per_kwh", "system_operation_cny_per_kwh",
             "funds_cny_per_kwh", "export_price_cny_per_kwh"),
    "grid.two_part": ("demand_cny_per_kw_month", "capacity_cny_per_kva_month"),
    "fuels*": ("price_cny_per_gj",),
    "carbon": ("price_cny_per_t",),
    "tax": ("taxable_profit_cny",),
    "measure[]": ("capex_cny",),
    "pv": ("capex_cny_per_kw", "incentive_cny_per_kwh"),
    "battery": ("energy_capex_cny_per_kwh", "power_capex_cny_per_kw"),
    "certificates": ("price_cny_per_mwh",),
    "credit[]": ("price_cny_per_t",),
    "removal[]": ("price_cny_per_t",),
    "budget": ("capex_cny_per_year",),
    "ets": ("allowance_price_cny_per_t", "ccer_price_cny_per_t"),
    "cbam": ("price_eur_per_t", "deduction_cny_per_t"),
    "green_power[]": ("premium_cny_per_mwh",),
}


def real_prices(s: Scenario) -> Scenario:
    """The scenario with its nominal money series (:data:`NOMINAL_SERIES`) in base-year
    prices: each year's value divided by the price level P_y = prod_{k<y} (1 + i_k) of
    ``scenario.inflation_rate`` (:func:`models.money.price_index`). Unchanged when
    ``scenario.price_basis`` is ``"real"``.
    """
    meta = s.scenario
    if meta.price_basis == "real":
        return s
    years = np.arange(meta.base_year, meta.end_year + 1)
    n = len(years)
    level = price_index(series_values(meta.inflation_rate, years), np.arange(n), n)

    def deflate(obj: Any, fields: tuple[str, ...]) -> Any:
        update = {f: {str(y): float(v) for y, v in zip(
            years, series_values(getattr(obj, f), years) / level, strict=True)}
            for f in fields if getattr(obj, f) is not None}
        return obj.model_copy(update=update)

    update: dict[str, Any] = {}
    for table, fields in NOMINAL_SERIES.items():
        name = table.rstrip("[]*")
        if "." in name:  # a table inside a table (grid.two_part)
            outer, inner = name.split(".")
            parent = update.get(outer, getattr(s, outer))
            if getattr(parent, inner) is not None:
                update[outer] = parent.model_copy(
                    update={inner: deflate(getattr(parent, inner), fields)})
            continue
        value = update.get(name, getattr(s, name))
        if value is None:
            continue
        if table.endswith("[]"):
            update[name] = [deflate(item, fields) for item in value]
        elif table.endswith("*"):
            update[name] = {k: deflate(item, fields) for k, item in value.items()}
        else:
            update[name] = deflate(value, fields)
    return s.model_copy(update=update)


def build_inputs(sf: ScenarioFile) -> PlanInputs:
    """Resolve a validated scenario into the arrays the optimisation reads.

    Parameters
    ----------
    sf : ScenarioFile

    Returns
    -------
    PlanInputs
    """
    if sf.scenario.scenario.price_basis == "nominal":
        sf = dataclasses.replace(sf, scenario=real_prices(sf.scenario))
    s = sf.scenario
    meta = s.scenario
    years = np.arange(meta.base_year, meta.end_year + 1)
    n_y = len(years)
    t = years - meta.base_year
    notes: list[str] = []
    growth = (1.0 + s.demand.growth_per_year) ** t
    r = meta.discount_rate
    df = (1.0 + r) ** (-t.astype(float))
    salvage_df = (1.0 + r) ** (-float(n_y))

    hourly, shape_names = _hourly(sf, years, notes)
    fuel_ids = _fuel_ids(s)
    fuel_parts = np.array([_fuel_ef_parts(s, f, notes) for f in fuel_ids],
                          dtype=float).reshape(len(fuel_ids), 3)
    fuel_ef = fuel_parts.sum(axis=1)
    base_fuel = np.array([s.demand.fuels_gj.get(f, 0.0) for f in fuel_ids])
    fuel_price = np.array([series_values(s.fuels[f].price_cny_per_gj, years) for f in fuel_ids]
                          ).reshape(len(fuel_ids), n_y)
    source_ids, source_base = _sources(s)
    measures = _measures(s, years, fuel_ids, base_fuel, shape_names, source_ids)
    grid = _grid(s, years, notes)
    # One scope-2 basis (GHG Protocol dual reporting: both are reported, the target is on
    # one): market-based, the basis of the yearly net the cap applies to, so a plant that
    # changes nothing meets its own base-year cap in the base year.
    base_t = base_year_emissions_t(hourly.base_load_kw_h, fuel_ef, base_fuel, source_base,
                                   grid.ef_residual_t_per_mwh_y[0])
    base_loc_t = base_year_emissions_t(hourly.base_load_kw_h, fuel_ef, base_fuel, source_base,
                                       grid.ef_location_t_per_mwh_y[0])
    target = _target(s, years, base_t, base_loc_t)
    pv = _pv(s, years, notes)
    battery = _battery(s, years, hourly, notes)
    offsets = _offsets(s, years)
    budget = (series_values(s.budget.capex_cny_per_year, years)
              if s.budget.capex_cny_per_year is not None else np.full(n_y, np.inf))
    # Before `notes` is frozen into the inputs: the markets note the defaults they use.
    markets = _markets(s, years, growth, fuel_parts, source_ids, notes)
    return PlanInputs(
        years=years, growth_y=growth, discount_rate=r, discount_factor_y=df,
        salvage_discount=salvage_df, hourly=hourly, measures=measures, pv=pv, battery=battery,
        grid=grid, offsets=offsets, target=target, fuel_ids=fuel_ids, base_fuel_gj_f=base_fuel,
        fuel_ef_t_per_gj_f=fuel_ef, fuel_price_cny_per_gj_fy=fuel_price, source_ids=source_ids,
        source_base_t_j=source_base,
        carbon_price_cny_per_t_y=series_values(s.carbon.price_cny_per_t, years),
        carbon_scope1=s.carbon.covered and "scope1" in s.carbon.scopes,
        carbon_scope2=s.carbon.covered and "scope2" in s.carbon.scopes,
        capex_budget_cny_y=budget, notes=tuple(notes), provenance=_provenance(s, fuel_ids),
        source_base_kg_j=np.array([*s.process.gases_kg.values()]
                                  + ([0.0] if s.process.co2_t > 0 else []), dtype=float),
        fuel_ef_gas_t_per_gj_fk=fuel_parts, finance=_finance(s, years),
        markets=markets, price_basis=meta.price_basis, green=_green_power(s, years))


def _provenance(s: Scenario, fuel_ids: tuple[str, ...]) -> dict[str, str]:
    """Text naming the source of every emission factor used (for traceable reports)."""
    out: dict[str, str] = {}
    for f in fuel_ids:
        spec = s.fuels.get(f)
        if spec is not None and spec.ef_t_per_gj is not None:
            out[f"fuel:{f}"] = f"scenario fuels.{f}.ef_t_per_gj"
        else:
            src, mark = factors.fuel_ef_source(f, s.scenario.fuel_ef_table)
            out[f"fuel:{f}"] = f"{s.scenario.fuel_ef_table} [{mark}]: {src}"
        if _ch4_n2o_counted(s, f):
            text = factors.fuel_ch4_n2o_source(f, s.scenario.gwp_set)
            out[f"fuel:{f}:ch4"] = out[f"fuel:{f}:n2o"] = text
    for gas in s.process.gases_kg:
        out[f"process:{factors.canonical_gas(gas)}"] = factors.gwp_source(gas, s.scenario.gwp_set)
    if s.process.co2_t > 0:
        out[f"process:{PROCESS_CO2}"] = "scenario process.co2_t"
    g = s.grid
    if g.ef_t_per_mwh is not None:
        out["grid"] = "scenario grid.ef_t_per_mwh"
    else:
        region = g.region or s.site.province
        srcs = factors.grid_factor_sources(region)
        out["grid"] = f"MEE/NBS grid factor '{factors.canonical_region(region)}': " + "; ".join(
            f"{y} [{m}] {src}" for y, (src, m) in sorted(srcs.items()))
    out["grid_residual"] = ("scenario grid.residual_ef_t_per_mwh" if g.residual_ef_t_per_mwh
                            is not None else "no residual-mix factor given: location factor used")
    return out


def with_scope2_basis(inp: PlanInputs, basis: str) -> PlanInputs:
    """``inp`` with its target on the scope-2 ``basis`` (``"market"`` or ``"location"``).

    The base-year emissions, the allowed net of each year and the credit cap are all
    shares of the base-year emissions: they are rescaled to the base year on the new
    basis, and the yearly net the cap applies to changes basis with them
    (:class:`models.terms.Terms` ``net_grid_ef_t_per_mwh_y``). Both scope-2 figures
    stay reported (dual reporting).
    """
    t = inp.target
    if t.scope2_basis == basis:
        return inp
    old = t.base_emissions_t
    new = t.base_emissions_location_t if basis == "location" else t.base_emissions_market_t
    ratio = new / old if old > 0 else 0.0
    with np.errstate(invalid="ignore"):  # inf x ratio stays inf; 0 stays 0
        allowed = np.where(np.isfinite(t.allowed_net_t_y), t.allowed_net_t_y * ratio,
                           t.allowed_net_t_y)
        credit_cap = np.where(np.isfinite(t.credit_cap_t_y), t.credit_cap_t_y * ratio,
                              t.credit_cap_t_y)
    return dataclasses.replace(inp, target=dataclasses.replace(
        t, allowed_net_t_y=allowed, credit_cap_t_y=credit_cap, base_emissions_t=new,
        scope2_basis=basis))


def base_year_emissions_t(base_load_kw_h: np.ndarray, fuel_ef_t_per_gj: np.ndarray,
                          base_fuel_gj: np.ndarray, source_base_t: np.ndarray,
                          grid_ef_t_per_mwh: float) -> float:
    """Base-year emissions without any lever: scope 1 + scope 2 [tCO2e].

    Scope 2 is on the basis of ``grid_ef_t_per_mwh``: the residual-mix factor gives
    the market-based figure (no certificates in business as usual), the grid
    average the location-based one.

    Notes
    -----
    ``sum_f ef_f x fuel_f + sum_j source_j + ef_grid x sum_h load_h / 1000``.
    """
    scope1 = float(fuel_ef_t_per_gj @ base_fuel_gj + source_base_t.sum())
    scope2 = grid_ef_t_per_mwh * float(np.maximum(base_load_kw_h, 0.0).sum()) / 1e3
    return scope1 + scope2


def _idx(year: int | None, years: np.ndarray, default: int) -> int:
    if year is None:
        return default
    return int(np.clip(year - years[0], 0, len(years) - 1))


# --------------------------------------------------------------------------- hourly

def _hourly(sf: ScenarioFile, years: np.ndarray, notes: list[str]
            ) -> tuple[HourlyData, tuple[str, ...]]:
    s = sf.scenario
    base_year = int(years[0])
    d = s.demand
    if d.profile_csv is not None:
        values, _ = profiles.read_hourly_csv(sf.resolve(d.profile_csv), allowed_units=("kw",),
                                             what="load profile")
        if d.electricity_mwh is not None:
            load = values / values.sum() * d.electricity_mwh * 1e3
        else:
            load = values.astype(float)
    else:
        shape = profiles.shift_load_shape(d.profile, base_year, hvac_swing=d.hvac_swing)
        load = shape * float(d.electricity_mwh) * 1e3
    shape_names = tuple(sorted({sw.profile for m in s.measure for sw in m.switch
                                if sw.to == "electricity"}))
    shapes = (np.array([profiles.end_use_shape(k, base_year) * 1e3 for k in shape_names])
              if shape_names else np.zeros((0, len(load))))
    pv_h = _pv_profile(sf, base_year, notes) if s.pv is not None else np.zeros(len(load))
    # Components, floating part x TOU multiplier, schedule changes: planner/tables/tariffs.py.
    prices = grid_prices(s.grid, [int(y) for y in years])
    notes.extend(prices.notes)
    cap = s.grid.export_limit_kw if s.grid.export_limit_kw is not None else math.inf
    return HourlyData(
        base_load_kw_h=load, shape_kw_per_mwh_sh=shapes, shape_names=shape_names,
        pv_kw_per_kwp_h=pv_h, import_price_cny_per_kwh_yh=prices.import_cny_per_kwh_yh,
        export_price_cny_per_kwh_yh=prices.export_cny_per_kwh_yh, export_cap_kw=cap,
        day_start_hour=profiles.cheapest_block_start(prices.multiplier_yh[0]),
        **_two_part(s, years)), shape_names


def _two_part(s: Scenario, years: np.ndarray) -> dict:
    """The two-part tariff's fields of :class:`HourlyData` (none without ``[grid.two_part]``).

    ``basis = "cheaper"`` is solved once per basis by ``planner.run.pipeline.plan_of``;
    here (inputs of one solve) it reads as the demand basis.
    """
    tp = s.grid.two_part
    if tp is None:
        return {}
    if tp.basis == "capacity":
        kva = float(tp.transformer_kva or 0.0)
        return {"capacity_charge_cny_y":
                12.0 * kva * series_values(tp.capacity_cny_per_kva_month, years)}
    out: dict = {"demand_charge_cny_per_kw_month_y": series_values(tp.demand_cny_per_kw_month,
                                                                   years)}
    if tp.contract_demand_kw is not None:
        c = float(tp.contract_demand_kw)
        out.update(contract_demand_kw=c,
                   contract_excess_threshold_kw=c * tp.contract_excess_threshold_share,
                   contract_excess_multiplier=float(tp.contract_excess_multiplier))
    return out


def _pv_profile(sf: ScenarioFile, base_year: int, notes: list[str]) -> np.ndarray:
    s = sf.scenario
    pv = s.pv
    site = s.site
    if pv.profile_csv is not None:
        values, unit = profiles.read_hourly_csv(sf.resolve(pv.profile_csv),
                                                allowed_units=("kw_per_kwp", "w_per_m2"),
                                                what="PV profile")
        if unit == "kw_per_kwp":
            return values
        return profiles.pv_output_from_irradiance(
            values, site.latitude, site.longitude, base_year, timezone=site.timezone,
            tilt_deg=pv.tilt_deg, azimuth_deg=pv.azimuth_deg,
            system_loss_fraction=pv.system_loss_fraction)
    if pv.annual_yield_kwh_per_kwp is None:
        notes.append("PV output is modelled (clear-sky with seeded cloudiness, mean clear-sky "
                     f"index {pv.mean_clear_sky_index}); calibrate with "
                     "pv.annual_yield_kwh_per_kwp or a measured profile_csv")
    return profiles.pv_output_kw_per_kwp(
        site.latitude, site.longitude, base_year, timezone=site.timezone, tilt_deg=pv.tilt_deg,
        azimuth_deg=pv.azimuth_deg, mean_clear_sky_index=pv.mean_clear_sky_index, seed=pv.seed,
        system_loss_fraction=pv.system_loss_fraction,
        annual_yield_kwh_per_kwp=pv.annual_yield_kwh_per_kwp)


# --------------------------------------------------------------------------- fuels, sources

def _fuel_ids(s: Scenario) -> tuple[str, ...]:
    ids = list(s.demand.fuels_gj)
    for m in s.measure:
        for sw in m.switch:
            if sw.to != "electricity" and sw.to not in ids:
                ids.append(sw.to)
    return tuple(ids)


def _fuel_ef(s: Scenario, fuel_id: str) -> float:
    """CO2 factor of a fuel [tCO2/GJ]: the scenario's ``ef_t_per_gj`` or the table's."""
    spec = s.fuels.get(fuel_id)
    if spec is not None and spec.ef_t_per_gj is not None:
        return spec.ef_t_per_gj
    return factors.fuel_ef_t_per_gj(fuel_id, s.scenario.fuel_ef_table)


def _ch4_n2o_counted(s: Scenario, fuel_id: str) -> bool:
    """Combustion CH4/N2O are added when the scenario asks and the fuel is in the table."""
    if not s.scenario.combustion_ch4_n2o:
        return False
    try:
        factors.fuel(fuel_id)
    except factors.UnknownFactorError:
        return False
    return True


def _fuel_ef_parts(s: Scenario, fuel_id: str, notes: list[str]) -> tuple[float, float, float]:
    """(CO2, CH4, N2O) of burning a GJ of a fuel [tCO2e/GJ].

    CH4 and N2O: IPCC 2006 Table 2.3 defaults (docs/sources.md B5) in CO2e with the
    scenario's GWP set, added to the CO2 factor whether that comes from the table or
    from the scenario.
    """
    co2 = _fuel_ef(s, fuel_id)
    if not _ch4_n2o_counted(s, fuel_id):
        if s.scenario.combustion_ch4_n2o:
            notes.append(f"fuel '{fuel_id}' is not in the shipped table: its CH4 and N2O of "
                         "combustion are not counted")
        return co2, 0.0, 0.0
    ch4, n2o = factors.fuel_ch4_n2o_t_per_gj(fuel_id, s.scenario.gwp_set)
    return co2, ch4, n2o


def _sources(s: Scenario) -> tuple[tuple[str, ...], np.ndarray]:
    ids, base = [], []
    for gas, kg in s.process.gases_kg.items():
        ids.append(factors.canonical_gas(gas))
        base.append(kg * factors.gwp100(gas, s.scenario.gwp_set) / 1e3)
    if s.process.co2_t > 0:
        ids.append(PROCESS_CO2)
        base.append(s.process.co2_t)
    return tuple(ids), np.array(base, dtype=float)


def _measures(s: Scenario, years: np.ndarray, fuel_ids: tuple[str, ...], base_fuel: np.ndarray,
              shape_names: tuple[str, ...], source_ids: tuple[str, ...]) -> MeasureData:
    n_m = len(s.measure)
    n_f, n_s, n_j = len(fuel_ids), len(shape_names), len(source_ids)
    fuel_delta = np.zeros((n_m, n_f))
    added = np.zeros((n_m, n_s))
    cut = np.zeros((n_m, n_j))
    for k, m in enumerate(s.measure):
        for fuel, share in m.fuel_saving_share.items():
            f = fuel_ids.index(fuel)
            fuel_delta[k, f] -= share * base_fuel[f]
        for sw in m.switch:
            f = fuel_ids.index(sw.from_fuel)
            replaced_gj = sw.share * base_fuel[f]
            fuel_delta[k, f] -= replaced_gj
            useful_gj = replaced_gj * sw.efficiency_from
            if sw.to == "electricity":
                added[k, shape_names.index(sw.profile)] += useful_gj / sw.efficiency_to / GJ_PER_MWH
            else:
                fuel_delta[k, fuel_ids.index(sw.to)] += useful_gj / sw.efficiency_to
        for gas, share in m.gas_cut_share.items():
            cut[k, source_ids.index(factors.canonical_gas(gas))] = share
        if m.process_co2_cut_share:
            cut[k, source_ids.index(PROCESS_CO2)] = m.process_co2_cut_share
    n_y = len(years)
    return MeasureData(
        ids=tuple(m.id for m in s.measure), names=tuple(m.name or m.id for m in s.measure),
        pathways=tuple(m.pathway for m in s.measure),
        capex_cny_my=np.array([series_values(m.capex_cny, years) for m in s.measure]
                              ).reshape(n_m, n_y),
        fixed_om_cny_per_year_m=np.array([m.fixed_opex_cny_per_year for m in s.measure]),
        # A leased asset serves the plant for the lease only (then goes back to the lessor).
        lifetime_years_m=np.array([m.lease.years if m.lease else m.lifetime_years
                                   for m in s.measure], dtype=int),
        earliest_idx_m=np.array([_idx(m.earliest_year, years, 0) for m in s.measure], dtype=int),
        latest_idx_m=np.array([_idx(m.latest_year, years, n_y - 1) for m in s.measure], dtype=int),
        elec_saving_share_m=np.array([m.electricity_saving_share for m in s.measure]),
        fuel_delta_gj_mf=fuel_delta, elec_added_mwh_ms=added, source_cut_share_mj=cut,
        group_of_m=tuple(_group_of(s, m.id, m.group) for m in s.measure))


# --------------------------------------------------------------------------- grid, target

def _grid(s: Scenario, years: np.ndarray, notes: list[str]) -> GridData:
    g = s.grid
    if g.ef_t_per_mwh is not None:
        loc = series_values(g.ef_t_per_mwh, years)
    else:
        region = g.region or s.site.province
        table = factors.grid_factor_series(region)
        loc = series_values({str(k): v for k, v in table.items()}, years)
        last = max(table)
        notes.append(f"grid factor from the MEE table for '{factors.canonical_region(region)}'"
                     f" ({', '.join(f'{y}: {v}' for y, v in sorted(table.items()))} tCO2/MWh),"
                     f" held at the {last} value afterwards")
    res = series_values(g.residual_ef_t_per_mwh, years) if g.residual_ef_t_per_mwh is not None \
        else loc
    return GridData(ef_location_t_per_mwh_y=loc, ef_residual_t_per_mwh_y=res)


def allowed_share(s: Scenario, years: np.ndarray) -> np.ndarray:
    """Allowed share of base-year emissions in each year (0 from the net-zero year)."""
    t = s.target
    base = int(years[0])
    nz = t.net_zero_year
    if t.trajectory == "linear":
        span = max(nz - base, 1)
        share = np.clip(1.0 - (years - base) / span, 0.0, 1.0)
    else:
        pts = {base: 1.0}
        pts.update({int(k): v for k, v in (t.allowed_share or {}).items()})
        pts.setdefault(nz, 0.0)
        share = series_values({str(k): v for k, v in pts.items()}, years)
    return np.where(years >= nz, 0.0, share)


def _target(s: Scenario, years: np.ndarray, base_t: float,
            base_location_t: float) -> TargetData:
    share = allowed_share(s, years)
    return TargetData(
        allowed_net_t_y=share * base_t,
        credit_cap_t_y=np.full(len(years), s.target.max_credit_share * base_t),
        net_zero_idx=_idx(s.target.net_zero_year, years, len(years) - 1),
        base_emissions_t=base_t, scope2_basis="market",
        base_emissions_location_t=base_location_t, base_emissions_market_t=base_t)


# --------------------------------------------------------------------------- money

def _finance(s: Scenario, years: np.ndarray) -> FinanceData | None:
    """Tax, incentives, loan and contracts; None when the scenario has none of them."""
    levers = [*s.measure, *(x for x in (s.pv, s.battery) if x is not None)]
    subsidies = any(x.subsidy_share > 0 for x in levers) or any(
        m.subsidy_cny > 0 for m in s.measure)
    contracts = any(m.emc_share > 0 for m in s.measure)
    leases = any(x.lease is not None for x in levers)
    inflation = series_values(s.scenario.inflation_rate, years)
    incentive = (series_values(s.pv.incentive_cny_per_kwh, years) if s.pv is not None
                 else np.zeros(len(years)))
    if (s.tax is None and s.loan is None and not subsidies and not contracts and not leases
            and not inflation.any() and not incentive.any()):
        return None
    n_y, tax, loan = len(years), s.tax, s.loan
    pv_class = s.pv.tax_asset_class if s.pv is not None else "machinery"
    b_class = s.battery.tax_asset_class if s.battery is not None else "machinery"
    return FinanceData(
        tax_rate_y=series_values(tax.income_tax_rate, years) if tax else np.zeros(n_y),
        measure_tax_life_years_m=np.array([TAX_LIFE_YEARS[m.tax_asset_class]
                                           for m in s.measure], dtype=int),
        pv_tax_life_years=TAX_LIFE_YEARS[pv_class],
        battery_tax_life_years=TAX_LIFE_YEARS[b_class],
        expensing_max_cny=tax.expensing_max_cny if tax else 0.0,
        expensing_year_y=years <= (tax.expensing_until_year if tax else 0),
        measure_expensable_m=np.array([m.tax_asset_class != "building" for m in s.measure],
                                      dtype=bool),
        credit_share=tax.special_equipment_credit_share if tax else 0.0,
        measure_credit_m=np.array([m.tax_credit for m in s.measure], dtype=bool),
        pv_credit=bool(s.pv is not None and s.pv.tax_credit),
        battery_credit=bool(s.battery is not None and s.battery.tax_credit),
        measure_subsidy_share_m=np.array([m.subsidy_share for m in s.measure], dtype=float),
        measure_subsidy_cny_m=np.array([m.subsidy_cny for m in s.measure], dtype=float),
        pv_subsidy_share=s.pv.subsidy_share if s.pv is not None else 0.0,
        battery_subsidy_share=s.battery.subsidy_share if s.battery is not None else 0.0,
        subsidy_taxable=tax.subsidy_taxable if tax else True,
        loan_share=loan.share if loan else 0.0,
        loan_rate=loan.rate if loan else 0.0,
        loan_tenor_years=loan.tenor_years if loan else 1,
        loan_grace_years=loan.grace_years if loan else 0,
        loan_repayment=loan.repayment if loan else "annuity",
        emc_share_m=np.array([m.emc_share for m in s.measure], dtype=float),
        emc_years_m=np.array([m.emc_years for m in s.measure], dtype=int),
        emc_savings_cny_per_year_m=np.array([m.emc_savings_cny_per_year for m in s.measure],
                                            dtype=float),
        measure_subsidy_years_m=np.array([m.subsidy_years for m in s.measure], dtype=int),
        pv_subsidy_years=s.pv.subsidy_years if s.pv is not None else 1,
        battery_subsidy_years=s.battery.subsidy_years if s.battery is not None else 1,
        inflation_rate_y=inflation if inflation.any() else None,
        pv_incentive_cny_per_kwh_y=incentive if incentive.any() else None,
        taxable_profit_cny_y=(series_values(tax.taxable_profit_cny, years)
                              if tax is not None and tax.taxable_profit_cny is not None
                              else None),
        measure_lease_years_m=np.array([m.lease.years if m.lease else 0 for m in s.measure],
                                       dtype=int),
        measure_lease_rate_m=np.array([m.lease.rate if m.lease else 0.0 for m in s.measure],
                                      dtype=float),
        pv_lease_years=s.pv.lease.years if s.pv is not None and s.pv.lease else 0,
        pv_lease_rate=s.pv.lease.rate if s.pv is not None and s.pv.lease else 0.0,
        battery_lease_years=(s.battery.lease.years if s.battery is not None and s.battery.lease
                             else 0),
        battery_lease_rate=(s.battery.lease.rate if s.battery is not None and s.battery.lease
                            else 0.0))


# --------------------------------------------------------------------------- levers

def _pv(s: Scenario, years: np.ndarray, notes: list[str]) -> PvData:
    n_y = len(years)
    if s.pv is None:
        return PvData(False, np.zeros(n_y), 0.0, 25, 0.0, 0.0, n_y)
    p = s.pv
    max_kw = p.max_kw if p.max_kw is not None else s.site.roof_area_m2 / s.site.roof_m2_per_kw
    if p.max_kw is None:
        notes.append(f"PV limit {max_kw:,.0f} kW from {s.site.roof_area_m2:,.0f} m2 of roof at "
                     f"{s.site.roof_m2_per_kw} m2/kW")
    return PvData(True, series_values(p.capex_cny_per_kw, years), p.fixed_om_cny_per_kw_year,
                  p.lease.years if p.lease else p.lifetime_years, p.degradation_per_year,
                  float(max_kw),
                  _idx(p.earliest_year, years, 0))


def _battery(s: Scenario, years: np.ndarray, hourly: HourlyData, notes: list[str]) -> BatteryData:
    n_y = len(years)
    b = s.battery
    if b is None:
        return BatteryData(False, np.zeros(n_y), np.zeros(n_y), 0.0, 1.0, 1.0, 10, 0.0, 1.0, 4.0,
                           n_y)
    eta = math.sqrt(b.round_trip_efficiency)
    max_kwh = b.max_kwh
    if max_kwh is None:
        max_kwh = DEFAULT_BATTERY_HOURS_OF_MEAN_LOAD * float(hourly.base_load_kw_h.mean())
        notes.append(f"battery size limited to {max_kwh:,.0f} kWh (a day of mean load); set "
                     "battery.max_kwh to change it")
    return BatteryData(True, series_values(b.energy_capex_cny_per_kwh, years),
                       series_values(b.power_capex_cny_per_kw, years), b.fixed_om_cny_per_kwh_year,
                       eta, eta, b.lease.years if b.lease else b.lifetime_years,
                       float(max_kwh), b.min_duration_h,
                       b.max_duration_h, _idx(b.earliest_year, years, 0),
                       b.fade_per_year, b.replace_below_share)


def _available(series, years: np.ndarray, earliest: int | None) -> np.ndarray:
    vals = series_values(series, years) if series is not None else np.full(len(years), np.inf)
    if earliest is not None:
        vals = np.where(years < earliest, 0.0, vals)
    return vals


def _green_power(s: Scenario, years: np.ndarray) -> GreenPowerData | None:
    """``[[green_power]]`` contracts as arrays (None without any)."""
    gp = s.green_power
    if not gp:
        return None
    n_c, n_y = len(gp), len(years)
    start = np.array([g.start_year if g.start_year is not None else int(years[0]) for g in gp])
    end = np.array([st + g.term_years - 1 if g.term_years is not None else int(years[-1])
                    for st, g in zip(start, gp, strict=True)])
    active = (years[None, :] >= start[:, None]) & (years[None, :] <= end[:, None])
    avail = np.array([_available(g.max_mwh_per_year, years, None) for g in gp]).reshape(n_c, n_y)
    return GreenPowerData(
        ids=tuple(g.id for g in gp),
        take_or_pay_g=np.array([g.shape == "take_or_pay" for g in gp], dtype=bool),
        active_gy=active,
        premium_cny_per_mwh_gy=np.array([series_values(g.premium_cny_per_mwh, years)
                                         for g in gp]).reshape(n_c, n_y),
        max_mwh_gy=np.where(active, avail, 0.0),
        min_mwh_g=np.array([g.min_mwh_per_year for g in gp], dtype=float),
        max_share_g=np.array([g.max_share for g in gp], dtype=float))


def _offsets(s: Scenario, years: np.ndarray) -> OffsetData:
    n_y = len(years)
    c = s.certificates
    return OffsetData(
        cert_enabled=c is not None,
        cert_price_cny_per_mwh_y=series_values(c.price_cny_per_mwh, years) if c else np.zeros(n_y),
        cert_max_share=c.max_share if c else 0.0,
        cert_max_mwh_y=_available(c.max_mwh_per_year, years, c.earliest_year) if c
        else np.zeros(n_y),
        credit_ids=tuple(x.id for x in s.credit),
        credit_kinds=tuple(x.kind for x in s.credit),
        credit_price_cny_per_t_cy=np.array([series_values(x.price_cny_per_t, years)
                                            for x in s.credit]).reshape(len(s.credit), n_y),
        credit_max_t_cy=np.array([_available(x.max_t_per_year, years, x.earliest_year)
                                  for x in s.credit]).reshape(len(s.credit), n_y),
        removal_ids=tuple(x.id for x in s.removal),
        removal_permanent=tuple(x.permanent for x in s.removal),
        removal_price_cny_per_t_ry=np.array([series_values(x.price_cny_per_t, years)
                                             for x in s.removal]).reshape(len(s.removal), n_y),
        removal_max_t_ry=np.array([_available(x.max_t_per_year, years, x.earliest_year)
                                   for x in s.removal]).reshape(len(s.removal), n_y))


def _group_of(s: Scenario, measure_id: str, own: str | None) -> str | None:
    """A measure's exclusive group: its own ``group`` key or the ``[exclusive]`` table."""
    if own:
        return own
    for name, ids in s.exclusive.items():
        if measure_id in ids:
            return name
    return None


# --------------------------------------------------------------------------- carbon markets

#: Columns of ``fuel_ef_gas_t_per_gj_fk``: the gases of combustion.
_FUEL_GASES = ("co2", "ch4", "n2o")


def _gas_shares(fuel_parts: np.ndarray, source_ids: tuple[str, ...], gases: tuple[str, ...]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Share of each fuel's factor, and the sources, that are of one of ``gases``."""
    total = fuel_parts.sum(axis=1)
    counted = sum((fuel_parts[:, k] for k, g in enumerate(_FUEL_GASES) if g in gases),
                  np.zeros(len(total)))
    share = np.divide(counted, total, out=np.zeros_like(total), where=total > 0)
    src = np.array([j in gases or (j == PROCESS_CO2 and "co2" in gases) for j in source_ids],
                   dtype=bool)
    return share, src


def _markets(s: Scenario, years: np.ndarray, growth: np.ndarray, fuel_parts: np.ndarray,
             source_ids: tuple[str, ...], notes: list[str]) -> MarketData | None:
    """Output, ETS and CBAM arrays (None without ``[production]``); defaults noted."""
    if s.production is None:
        return None
    dflt = market_defaults()
    n_y = len(years)
    output = s.production.base_output * growth
    ets = None
    if s.ets is not None:
        e = s.ets
        gases = (tuple(factors.canonical_gas(g) for g in e.gases) if e.gases is not None
                 else dflt.ets_gases[e.sector])
        if e.gases is None:
            notes.append(f"ETS covered gases of sector '{e.sector}': {', '.join(gases)} "
                         f"({dflt.marks['ets.gases']})")
        share, covered = _gas_shares(fuel_parts, source_ids, gases)
        until = e.allocation_equals_emissions_until
        if e.ccer_max_share is None and e.ccer_price_cny_per_t is not None:
            notes.append(f"CCER at most {dflt.ccer_max_share:.0%} of allowances surrendered "
                         f"({dflt.marks['ets.ccer_max_share']})")
        ets = EtsData(
            fuel_gas_share_f=share, source_covered_j=covered,
            allowance_price_cny_per_t_y=series_values(e.allowance_price_cny_per_t, years),
            benchmark_t_per_unit_y=series_values(e.benchmark_t_per_unit, years),
            benchmark_allocation_y=years > until if until is not None else np.ones(n_y, bool),
            ccer_price_cny_per_t_y=(series_values(e.ccer_price_cny_per_t, years)
                                    if e.ccer_price_cny_per_t is not None else np.zeros(n_y)),
            ccer_max_share=(e.ccer_max_share if e.ccer_max_share is not None
                            else dflt.ccer_max_share),
            # No CCER price: none can be bought.
            ccer_max_t_y=(np.zeros(n_y) if e.ccer_price_cny_per_t is None
                          else series_values(e.ccer_max_t_per_year, years)
                          if e.ccer_max_t_per_year is not None else np.full(n_y, np.inf)))
    cbam = _cbam(s, years, fuel_parts, source_ids, notes) if s.cbam is not None else None
    return MarketData(output_y=output, unit=s.production.unit, ets=ets, cbam=cbam)


def _cbam(s: Scenario, years: np.ndarray, fuel_parts: np.ndarray, source_ids: tuple[str, ...],
          notes: list[str]) -> CbamData:
    c = s.cbam
    assert c is not None
    dflt = market_defaults()
    good = dflt.goods[c.good]
    share, counted = _gas_shares(fuel_parts, source_ids, good.gases)
    n_y = len(years)

    def series_or_default(value: object, default: dict[str, float] | float, key: str
                          ) -> np.ndarray:
        if value is not None:
            return series_values(value, years)  # type: ignore[arg-type]
        notes.append(f"cbam.{key} from the shipped schedule ({dflt.marks['cbam.' + key]})")
        return series_values(default, years)

    if c.benchmark_t_per_unit is not None:
        benchmark = series_values(c.benchmark_t_per_unit, years)
    else:  # checks guarantee a known name
        value, mark, source = dflt.benchmarks[str(c.benchmark)]
        benchmark = np.full(n_y, value)
        notes.append(f"CBAM benchmark '{c.benchmark}' = {value:g} t CO2e/t ({mark}: {source})")
    default_markup = (dflt.cbam_default_markup_fertiliser if c.good == "fertiliser"
                      else dflt.cbam_default_markup)
    actual = c.embedded_basis == "actual"
    return CbamData(
        export_share_y=series_values(c.export_share, years),
        fuel_gas_share_f=share, source_counted_j=counted, indirect=good.indirect,
        actual_values=actual,
        precursor_t_per_unit_y=series_values(c.precursor_t_per_unit, years),
        default_t_per_unit_y=(series_values(c.default_t_per_unit, years)
                              if c.default_t_per_unit is not None else np.zeros(n_y)),
        default_markup_y=(np.zeros(n_y) if actual else
                          series_or_default(c.default_markup, default_markup, "default_markup")),
        benchmark_t_per_unit_y=benchmark,
        factor_y=series_or_default(c.factor, dflt.cbam_factor, "factor"),
        active_y=years >= dflt.cbam_start_year,
        price_eur_per_t_y=series_or_default(c.price_eur_per_t, dflt.cbam_price_eur_per_t,
                                            "price_eur_per_t"),
        cny_per_eur_y=series_values(c.cny_per_eur, years),
        deduction_cny_per_t_y=series_values(c.deduction_cny_per_t, years))
