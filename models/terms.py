"""The plan's arithmetic, defined once: coefficient arrays of every cost and emission term.

Both sides of the planner read the same :class:`Terms`:

* the MILP (:mod:`models.master`) uses the arrays as coefficients of its variables
  (converted to the master's scaled units there, and nowhere else);
* the accounts (``planner.results``, ``planner.finance``, ``planner.pathways``)
  multiply the same arrays by the decisions of a plan, vectorised, in natural units
  (:func:`measure_alive_my`, :func:`pv_capacity_kw_y`, :func:`demand_flows`,
  :func:`plan_state`, ...).

So a lifetime window, a salvage share or a degradation factor has one definition;
``tests/models/test_terms.py`` checks term by term that the model's expressions and
the accounts agree for a fixed plan.

Index letters: ``m`` measure, ``v`` build year (vintage), ``y`` year of operation,
``f`` fuel, ``j`` process source, ``s`` shape of added electricity, ``c`` credit,
``r`` removal. Money is real CNY; a cost of year ``y`` counts ``discount_factor_y[y]``
times, the salvage value ``salvage_discount`` times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.hourly import PlanState
from models.inputs import PlanInputs

__all__ = [
    "Terms",
    "basic_charge_cny_y",
    "battery_capacity_y",
    "demand_flows",
    "measure_alive_my",
    "plan_state",
    "pv_capacity_kw_y",
    "pv_effective_kw_y",
    "terms_of",
]


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
        A vintage ``v`` of PV (battery) works in year ``y``.
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
    discount_factor_y : (Y,)
        ``(1 + r) ** -y``.
    salvage_discount : float
        ``(1 + r) ** -Y``: the salvage value is counted at the end of the last year.
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
    basic_charge_slope_cny_per_kw_y: np.ndarray
    basic_charge_threshold_kw: float
    basic_charge_fixed_cny_y: np.ndarray

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
    # The same coefficients the dispatch LP pays (models.hourly.evaluate).
    slope, thr, fixed = inp.hourly.basic_charge_coefficients(n)
    return Terms(
        measure_alive_myv=alive_myv,
        measure_capex_cny_mv=ms.capex_cny_my,
        measure_salvage_share_mv=_salvage_share(v[None, :], life_m[:, None], n),
        measure_fixed_om_cny_per_year_m=ms.fixed_om_cny_per_year_m,
        pv_alive_yv=pv_alive,
        pv_output_yv=pv_output,
        pv_capex_cny_per_kw_v=pv.capex_cny_per_kw_y,
        pv_salvage_share_v=_salvage_share(v, pv.lifetime_years, n),
        pv_fixed_om_cny_per_kw_year=pv.fixed_om_cny_per_kw_year,
        battery_alive_yv=_alive_yv(n, b.lifetime_years),
        battery_energy_capex_cny_per_kwh_v=b.energy_capex_cny_per_kwh_y,
        battery_power_capex_cny_per_kw_v=b.power_capex_cny_per_kw_y,
        battery_salvage_share_v=_salvage_share(v, b.lifetime_years, n),
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
        fuel_price_cny_per_gj_fy=inp.fuel_price_cny_per_gj_fy,
        certificate_price_cny_per_mwh_y=o.cert_price_cny_per_mwh_y,
        credit_price_cny_per_t_cy=o.credit_price_cny_per_t_cy,
        removal_price_cny_per_t_ry=o.removal_price_cny_per_t_ry,
        carbon_price_scope1_cny_per_t_y=cp if inp.carbon_scope1 else zero,
        carbon_price_scope2_cny_per_t_y=cp if inp.carbon_scope2 else zero,
        discount_factor_y=inp.discount_factor_y,
        salvage_discount=inp.salvage_discount,
        basic_charge_slope_cny_per_kw_y=slope,
        basic_charge_threshold_kw=thr,
        basic_charge_fixed_cny_y=fixed,
    )


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
                     battery_capacity_y(t, battery_new_kwh_y)[None, :],
                     battery_capacity_y(t, battery_new_kw_y)[None, :])
