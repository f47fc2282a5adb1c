"""A standard's rules as constraints of the investment MILP.

The rules arrive as arrays (:class:`models.inputs.RuleData`); this module only
writes them, in the master's units (kt, GWh):

* gross[y]  = counted scope 1 + counted scope 2 (market: residual factor x
  (import - certificates that count); location: grid factor x import);
* offsets[y] = credits and removals that count;
* gross - offsets <= net cap; offsets <= offset cap; gross <= gross cap;
* import - certificates - green power <= (1 - RE share) x electric load (RE share
  of use), each purchase where the standard accepts it;
* gross[y] <= gross[y-1] where required.

Grid import enters through the same cut-bounded variable as the emission
trajectory, so the decomposition keeps the caps exact at 8 760 h: the master's
import is a lower bound made tight by cuts, and a cap on it can only bind
harder. One rule is different: ``gross[y] <= gross[y-1]`` has a year's import on
its right-hand side too, where the master could over-state it (the constraint
is a difference of two convex functions of the plan). It is written here as a
relaxation, and :func:`non_increasing_violations` lets the caller check the
exact figures and tighten with constant caps until they hold
(``planner.solve.run``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyomo.core as pyo

from models import units as u
from models.inputs import PlanInputs, RuleData
from models.solution import demand_flows

__all__ = ["add_gross_caps", "add_rules", "boundary_gross_t", "counted_offsets_t",
           "exact_gross_t", "non_increasing_violations"]


def add_rules(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """Add the rules of ``inp.rules`` to the master (no-op without rules)."""
    r = inp.rules
    if r is None:
        return
    ef_loc = inp.grid.ef_location_t_per_mwh_y
    ef_res = inp.grid.ef_residual_t_per_mwh_y
    certs_count = 1.0 if r.certificates_count else 0.0
    green = r.green_power_count and hasattr(m, "green_total")
    fuel_ef = inp.fuel_ef_t_per_gj_f * _fuel_share(r, len(inp.fuel_ids))

    def scope2(mm: pyo.ConcreteModel, y: int) -> Any:
        if not r.scope2_counted:
            return 0.0
        if r.scope2_market:
            return ef_res[y] * (mm.grid_import[y] - certs_count * mm.certificates[y]
                                - (mm.green_total[y] if green else 0.0))
        return ef_loc[y] * mm.grid_import[y]

    m.rule_gross = pyo.Expression(m.year, rule=lambda mm, y: (
        (sum(fuel_ef[f] * mm.fuel_use[f, y] for f in mm.fuel)
         if r.fuels_counted else 0.0)
        + sum(mm.source_emission[j, y] for j in mm.source if r.source_counted_j[j])
        + scope2(mm, y)))
    m.rule_offsets = pyo.Expression(m.year, rule=lambda mm, y: (
        sum(mm.credits[c, y] for c in mm.credit if r.credit_counted_c[c])
        + sum(mm.removals[k, y] for k in mm.removal if r.removal_counted_r[k])))

    def capped(cap_t_y: np.ndarray, lhs: Callable[[pyo.ConcreteModel, int], Any],
               elastic: bool = False) -> Callable[[pyo.ConcreteModel, int], Any]:
        # Net and gross caps share the trajectory's shortfall (0 unless the master is the
        # elastic one of a diagnosis), so a diagnosis reports them as missing tonnes.
        def rule(mm: pyo.ConcreteModel, y: int) -> Any:
            if not np.isfinite(cap_t_y[y]):
                return pyo.Constraint.Skip
            slack = mm.shortfall[y] if elastic else 0.0
            return lhs(mm, y) <= cap_t_y[y] / u.EMIS_T + slack
        return rule

    m.rule_net_cap = pyo.Constraint(m.year, rule=capped(
        r.net_max_t_y, lambda mm, y: mm.rule_gross[y] - mm.rule_offsets[y], elastic=True))
    m.rule_offset_cap = pyo.Constraint(m.year, rule=capped(
        r.offset_max_t_y, lambda mm, y: mm.rule_offsets[y]))
    m.rule_gross_cap = pyo.Constraint(m.year, rule=capped(
        r.gross_max_t_y, lambda mm, y: mm.rule_gross[y], elastic=True))
    base_load_gwh = float(np.maximum(inp.hourly.base_load_kw_h, 0.0).sum()) / 1e3 / u.ELEC_MWH

    def re_rule(mm: pyo.ConcreteModel, y: int) -> Any:
        s = r.re_min_share_y[y]
        if s <= 0:
            return pyo.Constraint.Skip
        load = mm.load_scale[y] * base_load_gwh + sum(mm.added[k, y] for k in mm.shape)
        return (mm.grid_import[y] - certs_count * mm.certificates[y]
                - (mm.green_total[y] if green else 0.0) <= (1.0 - s) * load)

    m.rule_renewable_share = pyo.Constraint(m.year, rule=re_rule)
    m.rule_non_increasing = pyo.Constraint(m.year, rule=lambda mm, y: (
        mm.rule_gross[y] <= mm.rule_gross[y - 1] if y > 0 and r.non_increasing_y[y]
        else pyo.Constraint.Skip))


def add_gross_caps(m: pyo.ConcreteModel, caps_t: dict[int, float]) -> list[Any]:
    """Add ``gross[y] <= cap`` [t] for each year of ``caps_t`` to a master with rules.

    The constant caps by which the year-on-year rule is made exact (``planner.solve.run``),
    added to the solved master itself so that its cuts and its solver are reused.
    Returns the new constraints (to hand to a persistent solver).
    """
    if not hasattr(m, "rule_yoy_cap"):
        m.rule_yoy_cap = pyo.ConstraintList()
    return [m.rule_yoy_cap.add(m.rule_gross[y] <= cap / u.EMIS_T)
            for y, cap in sorted(caps_t.items())]


def _fuel_share(r: RuleData, n_fuels: int) -> np.ndarray:
    """Share of each fuel's factor inside the gas boundary (1 unless CO2 only)."""
    if r.fuel_counted_share_f is None:
        return np.ones(n_fuels)
    return r.fuel_counted_share_f


def boundary_gross_t(r: RuleData, fuel_t_fy: np.ndarray, source_t_jy: np.ndarray,
                     import_mwh_y: np.ndarray, certificates_mwh_y: np.ndarray,
                     ef_location_t_per_mwh_y: np.ndarray, ef_residual_t_per_mwh_y: np.ndarray,
                     green_mwh_y: np.ndarray | None = None) -> np.ndarray:
    """Gross emissions inside the rules' boundary, per year [t CO2e].

    The numpy twin of ``m.rule_gross``, and the one definition the base-year figure,
    the exact check of the year-on-year rule and the verdicts all use: counted fuels
    (their CO2 part only under a CO2-only boundary) and process sources, plus scope 2
    market-based (residual factor x (import - certificates and green-power MWh that
    count), >= 0) or location-based (grid factor x import).
    """
    out = np.zeros(import_mwh_y.shape)
    if r.fuels_counted:
        share = _fuel_share(r, fuel_t_fy.shape[0])
        out = out + (share[:, None] * fuel_t_fy).sum(axis=0)
    if r.source_counted_j.any():
        out = out + source_t_jy[r.source_counted_j].sum(axis=0)
    if r.scope2_counted:
        if r.scope2_market:
            certs = certificates_mwh_y if r.certificates_count else 0.0
            if green_mwh_y is not None and r.green_power_count:
                certs = certs + green_mwh_y
            out = out + ef_residual_t_per_mwh_y * np.maximum(import_mwh_y - certs, 0.0)
        else:
            out = out + ef_location_t_per_mwh_y * import_mwh_y
    return out


def counted_offsets_t(r: RuleData, credits_t_cy: np.ndarray, removals_t_ry: np.ndarray
                      ) -> np.ndarray:
    """Credits and removals that may neutralise the residual, per year [t]."""
    return (credits_t_cy[r.credit_counted_c].sum(axis=0)
            + removals_t_ry[r.removal_counted_r].sum(axis=0))


def exact_gross_t(inp: PlanInputs, alive_my: np.ndarray, certificates_mwh_y: np.ndarray,
                  import_mwh_y: np.ndarray, green_mwh_y: np.ndarray | None = None
                  ) -> np.ndarray:
    """:func:`boundary_gross_t` of decisions with the exact 8 760-hour grid import [t]."""
    r = inp.rules
    assert r is not None
    fuel, src = demand_flows(inp, alive_my)
    return boundary_gross_t(r, inp.fuel_ef_t_per_gj_f[:, None] * fuel, src, import_mwh_y,
                            certificates_mwh_y, inp.grid.ef_location_t_per_mwh_y,
                            inp.grid.ef_residual_t_per_mwh_y, green_mwh_y)


def non_increasing_violations(inp: PlanInputs, gross_t_y: np.ndarray, tol_t: float
                              ) -> dict[int, float]:
    """Years whose exact gross exceeds the year before's, with that earlier figure [t]."""
    r = inp.rules
    if r is None:
        return {}
    return {y: float(gross_t_y[y - 1]) for y in range(1, inp.n_years)
            if r.non_increasing_y[y] and gross_t_y[y] > gross_t_y[y - 1] + tol_t}
