"""Decisions of a solved master, as plain arrays in natural units.

This is the only module outside the formulation that reads Pyomo variables; the
planner computes money, energy and emissions from these arrays and the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.core as pyo

from models import terms
from models import units as u
from models.inputs import PlanInputs

__all__ = ["Decisions", "demand_flows", "extract_decisions", "no_lever_decisions"]


@dataclass(frozen=True)
class Decisions:
    """What the plan builds and buys.

    Attributes
    ----------
    build_my : (M, Y) int
        1 if measure m is (re)built in year y.
    alive_my : (M, Y) int
        1 if measure m works in year y.
    pv_new_kw_y, battery_new_kwh_y, battery_new_kw_y : (Y,)
        Capacity added each year.
    pv_capacity_kw_y, pv_effective_kw_y, battery_kwh_y, battery_kw_y : (Y,)
        Capacity alive (nameplate; degradation-weighted for PV).
    certificates_mwh_y : (Y,)
    credits_t_cy : (C, Y)
    removals_t_ry : (R, Y)
    ccer_t_y : (Y,) or None
        CCER surrendered for ETS compliance [t] (None: the plant is not in the ETS).
    green_mwh_gy : (G, Y) or None
        Green power each contract delivers [MWh] (None: no contracts): as consumed, what
        the plan takes; take-or-pay, the contracted volume in every term year (all of it
        comes with its GECs, whether or not the year's target needs it).
    green_volume_mwh_g : (G,) or None
        Take-or-pay volume of each contract [MWh/yr] (0 for as-consumed contracts).
    """

    build_my: np.ndarray
    alive_my: np.ndarray
    pv_new_kw_y: np.ndarray
    pv_capacity_kw_y: np.ndarray
    pv_effective_kw_y: np.ndarray
    battery_new_kwh_y: np.ndarray
    battery_new_kw_y: np.ndarray
    battery_kwh_y: np.ndarray
    battery_kw_y: np.ndarray
    certificates_mwh_y: np.ndarray
    credits_t_cy: np.ndarray
    removals_t_ry: np.ndarray
    ccer_t_y: np.ndarray | None = None
    green_mwh_gy: np.ndarray | None = None
    green_volume_mwh_g: np.ndarray | None = None


def _clean(a: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Zero the solver's round-off around zero."""
    a = np.asarray(a, dtype=float)
    return np.where(np.abs(a) < tol, 0.0, a)


def extract_decisions(m: pyo.ConcreteModel) -> Decisions:
    """Read the decisions of a solved master into natural units."""
    years = list(m.year)
    n_y = len(years)
    n_m = len(m.measure)
    build = np.zeros((n_m, n_y), dtype=int)
    for (k, y), var in m.build.items():
        build[k, y] = round(pyo.value(var))
    alive = np.array([[round(pyo.value(m.alive[k, y])) for y in years]
                      for k in m.measure], dtype=int).reshape(n_m, n_y)

    def arr(comp, scale: float) -> np.ndarray:
        return _clean(np.array([pyo.value(comp[y]) for y in years]) * scale)

    return Decisions(
        build_my=build,
        alive_my=alive,
        pv_new_kw_y=arr(m.pv_new, u.POWER_KW),
        pv_capacity_kw_y=arr(m.pv_capacity, u.POWER_KW),
        pv_effective_kw_y=arr(m.pv_effective, u.POWER_KW),
        battery_new_kwh_y=arr(m.battery_energy_new, u.STORAGE_KWH),
        battery_new_kw_y=arr(m.battery_power_new, u.POWER_KW),
        battery_kwh_y=arr(m.battery_energy, u.STORAGE_KWH),
        battery_kw_y=arr(m.battery_power, u.POWER_KW),
        certificates_mwh_y=arr(m.certificates, u.ELEC_MWH),
        credits_t_cy=_clean(np.array([[pyo.value(m.credits[c, y]) for y in years]
                                      for c in m.credit]).reshape(len(m.credit), n_y) * u.EMIS_T),
        removals_t_ry=_clean(np.array([[pyo.value(m.removals[r, y]) for y in years]
                                       for r in m.removal]).reshape(len(m.removal), n_y)
                             * u.EMIS_T),
        ccer_t_y=arr(m.ccer, u.EMIS_T) if hasattr(m, "ccer") else None,
        green_mwh_gy=_green_delivered(m, years) if hasattr(m, "green") else None,
        green_volume_mwh_g=_clean(np.array([pyo.value(m.green_volume[c])
                                            for c in m.green_contract]) * u.ELEC_MWH)
        if hasattr(m, "green") else None,
    )


def _green_delivered(m: pyo.ConcreteModel, years: list[int]) -> np.ndarray:
    """MWh each contract delivers per year: as consumed, the master's ``green``; take-or-pay,
    its volume in every term year (the master's ``green`` is then only what it needed to
    count; the accounts count all that was delivered, up to the import)."""
    gt = m._terms.green
    out = np.zeros((len(m.green_contract), len(years)))
    for c in m.green_contract:
        for y in years:
            if gt.take_or_pay_g[c]:
                out[c, y] = pyo.value(m.green_volume[c]) if gt.active_gy[c, y] else 0.0
            else:
                out[c, y] = pyo.value(m.green[c, y])
    return _clean(out * u.ELEC_MWH)


def no_lever_decisions(n_measures: int, n_years: int, n_credits: int,
                       n_removals: int) -> Decisions:
    """Business as usual: nothing built, nothing bought."""
    z = np.zeros(n_years)
    return Decisions(np.zeros((n_measures, n_years), dtype=int),
                     np.zeros((n_measures, n_years), dtype=int), z, z, z, z, z, z, z, z,
                     np.zeros((n_credits, n_years)), np.zeros((n_removals, n_years)))


def demand_flows(inp: PlanInputs, alive_my: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fuel use [GJ] (F, Y) and process emissions [t] (J, Y) with the measures alive.

    :func:`models.terms.demand_flows` of ``inp``'s terms (kept here for its callers).
    """
    return terms.demand_flows(terms.terms_of(inp), alive_my)
