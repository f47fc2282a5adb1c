"""Outer approximation: the investment MILP plus exact cuts from the 8760-hour balance.

Each year ``y`` has two master variables, ``energy_cost[y]`` and ``grid_import[y]``.
The set of pairs (cost, import) that some hourly dispatch achieves for a plan
``x`` is convex in (x, cost, import); its supporting hyperplanes are

    cost + w import >= V_w(x_hat) + g_w . (x - x_hat)      for every w >= 0,

where ``V_w`` is the least grid cost with ``w`` [CNY/kWh] added to the import
price (:func:`models.hourly.evaluate`) and ``g_w`` its subgradient, plus the
limit ``w -> inf``: import >= least import. With a two-part tariff ``V_w`` also pays
each month's demand charge and the year's fixed basic charge (an LP with one peak
variable per month, still convex in ``x``), so the master's energy cost includes them
and a battery that shaves (or creates) a peak is credited (or charged) in its cuts.
The loop solves the master, checks each year's (cost, import) against the exact
evaluation at the master's plan and adds the cut that separates it (``w = 0`` for
cost, a line search in ``w`` when the master claims less import than the cheapest
dispatch uses), until no year is off by more than the tolerance. The final plan is
then optimal for the full-resolution problem up to that tolerance and the MILP gap.

Phase 1 runs the loop on the LP relaxation (cheap, and its cuts are valid for
the MILP); phase 2 on the MILP itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyomo.core as pyo

from models import hourly
from models import units as u
from models.hourly import EnergyBalance, EnergyValue, PlanState, balance_of, evaluate
from models.inputs import PlanInputs
from models.master import build_master, set_relaxed

__all__ = ["CutRecord", "DecompositionResult", "IterationRecord", "MasterOutcome",
           "cut_fingerprint", "cuts_transferable", "resume_decomposed",
           "solve_decomposed"]

#: HiGHS meets rows to 1e-7 in the MILP's units (MCNY, GWh): a cut can stay violated by
#: that much, so the convergence tolerance never goes below ten times it.
_FLOOR_CNY = 10 * 1e-7 * u.MONEY_CNY      # 1 CNY per year
_FLOOR_KWH = 10 * 1e-7 * u.ELEC_MWH * 1e3  # 1 kWh per year


@dataclass(frozen=True)
class MasterOutcome:
    """What the decomposition needs to know of one master solve."""

    has_solution: bool
    proven_optimal: bool
    objective: float = float("nan")
    bound: float = float("nan")
    status: str = ""
    nodes: int = 0
    solve_s: float = 0.0


#: Solves the master; may also have ``load_cuts(model, cuts)`` to take cuts as rows of its
#: own, read from the model's log ``m._cut_log``: then no cut (warm, initial or separated)
#: enters ``m.energy_cut`` as a Pyomo expression.
MasterSolveFn = Callable[[pyo.ConcreteModel, bool], MasterOutcome]


@dataclass(frozen=True)
class IterationRecord:
    """One pass of the loop."""

    phase: str
    master_objective: float
    cuts_added: int
    max_violation_cny: float
    master_s: float
    evaluate_s: float


@dataclass(frozen=True)
class CutRecord:
    """One energy cut in portable form (master units), to seed another master.

    ``lhs_var + weight x grid_import - sum(coef x var) >= rhs`` where ``lhs_var`` is
    ``energy_cost[year]`` for a cost cut (``weight`` a number) and ``grid_import[year]``
    for an import cut (``weight`` None). ``terms`` are (component name, index, coef).
    """

    year: int
    weight: float | None
    rhs: float
    terms: tuple[tuple[str, object, float], ...]


@dataclass
class DecompositionResult:
    """The solved master, the final exact evaluation and the loop's history."""

    model: pyo.ConcreteModel
    outcome: MasterOutcome
    converged: bool
    state: PlanState | None
    balance: EnergyBalance | None
    import_weight_y: np.ndarray | None
    history: list[IterationRecord] = field(default_factory=list)
    build_s: float = 0.0
    cuts: int = 0
    cut_records: tuple[CutRecord, ...] = ()
    #: Exact evaluations: kernel calls, and the (plan, year) chains they dispatched (identical
    #: chains within a call are dispatched once and counted once).
    evaluations: int = 0
    chains_dispatched: int = 0

    @property
    def iterations(self) -> int:
        return len(self.history)


# --------------------------------------------------------------------------- state <-> master

def master_state(m: pyo.ConcreteModel) -> tuple[PlanState, np.ndarray, np.ndarray]:
    """Plan of the current master solution in natural units, with claimed cost and import.

    Returns
    -------
    state : PlanState, one candidate
    cost_cny_y : (Y,) claimed grid cost [CNY]
    import_kwh_y : (Y,) claimed grid import [kWh]
    """
    years = list(m.year)
    shapes = list(m.shape)
    val = pyo.value
    state = PlanState(
        load_scale_cy=np.array([[val(m.load_scale[y]) for y in years]]),
        added_mwh_csy=np.array([[[val(m.added[s, y]) * u.ELEC_MWH for y in years]
                                 for s in shapes]]).reshape(1, len(shapes), len(years)),
        pv_kw_cy=np.array([[val(m.pv_effective[y]) * u.POWER_KW for y in years]]),
        battery_kwh_cy=np.array([[val(m.battery_energy[y]) * u.STORAGE_KWH for y in years]]),
        battery_kw_cy=np.array([[val(m.battery_power[y]) * u.POWER_KW for y in years]]),
    )
    cost = np.array([val(m.energy_cost[y]) for y in years]) * u.MONEY_CNY
    imp = np.array([val(m.grid_import[y]) for y in years]) * u.ELEC_MWH * 1e3
    # Solver round-off can leave tiny negatives on variables bounded at zero.
    state = PlanState(np.maximum(state.load_scale_cy, 0), np.maximum(state.added_mwh_csy, 0),
                      np.maximum(state.pv_kw_cy, 0), np.maximum(state.battery_kwh_cy, 0),
                      np.maximum(state.battery_kw_cy, 0))
    return state, cost, imp


def add_cut(m: pyo.ConcreteModel, y: int, ev: EnergyValue, at: tuple[int, int],
            state: PlanState, weight: float | None) -> None:
    """Add to year ``y`` of the master the cut of evaluation ``ev[at]`` taken at ``state[at]``.

    ``at`` = (candidate, column) of both ``ev`` and ``state``. ``weight`` is the
    import weight ``w`` [CNY/kWh] of a cost cut, or ``None`` for an import cut
    (``ev`` evaluated with ``import_only``: values in kWh).
    """
    c, k = at
    th = (state.load_scale_cy[c, k], state.added_mwh_csy[c, :, k], state.pv_kw_cy[c, k],
          state.battery_kwh_cy[c, k], state.battery_kw_cy[c, k])
    g = (ev.grad_load_scale_cy[c, k], ev.grad_added_csy[c, :, k], ev.grad_pv_kw_cy[c, k],
         ev.grad_battery_kwh_cy[c, k], ev.grad_battery_kw_cy[c, k])
    const = ev.value_cny_cy[c, k] - (g[0] * th[0] + float(np.dot(g[1], th[1])) + g[2] * th[2]
                                     + g[3] * th[3] + g[4] * th[4])
    # Natural -> master units: load_scale 1, added MWh = 1e3 x GWh, kW = 1e3 x MW, kWh = 1e3 x MWh.
    scale = u.MONEY_CNY if weight is not None else u.ELEC_MWH * 1e3  # CNY -> MCNY, kWh -> GWh
    terms = [(g[0], m.load_scale[y])]
    terms += [(g[1][s] * u.ELEC_MWH, m.added[s, y]) for s in m.shape]
    terms += [(g[2] * u.POWER_KW, m.pv_effective[y]), (g[3] * u.STORAGE_KWH, m.battery_energy[y]),
              (g[4] * u.POWER_KW, m.battery_power[y])]
    rhs = const / scale
    kept: list[tuple[str, object, float]] = []
    for coef, var in terms:
        cs = coef / scale
        if abs(cs) < 1e-10:
            # Dropping a tiny coefficient must keep the cut valid: loosen by its worst case.
            ub = var.ub if var.ub is not None else 1e3
            rhs -= abs(cs) * max(abs(ub), 1.0)
            continue
        kept.append((var.parent_component().local_name, var.index(), float(cs)))
    if abs(rhs) < 1e-9:
        # Round-off left of a zero constant (below 0.001 CNY or 1 Wh): HiGHS flags such
        # right-hand sides as badly scaled, and zero changes the cut by less than that.
        rhs = 0.0
    _add_recorded_cut(m, CutRecord(int(y), weight, float(rhs), tuple(kept)))


def _add_recorded_cut(m: pyo.ConcreteModel, rec: CutRecord) -> None:
    """Add ``rec`` to the model's log of cuts (``m._cut_log``) and, unless the solver takes
    the log's cuts as rows of its own (``m._cuts_as_rows``), to ``m.energy_cut``."""
    if not hasattr(m, "_cut_log"):
        m._cut_log = []
    m._cut_log.append(rec)
    if getattr(m, "_cuts_as_rows", False):
        return
    y = rec.year
    expr = 0.0
    for name, index, coef in rec.terms:
        expr = expr + coef * getattr(m, name)[index]
    if rec.weight is None:
        m.energy_cut.add(m.grid_import[y] - expr >= rec.rhs)
    else:
        m.energy_cut.add(m.energy_cost[y] + rec.weight * m.grid_import[y] - expr >= rec.rhs)


def cut_fingerprint(inp: PlanInputs) -> str:
    """A digest of everything a cut depends on; equal digests mean cuts can be shared.

    A cut bounds a year's least grid cost, a function of the hourly data (load and PV
    shapes, prices, two-part tariff, export cap, day start) and the battery's efficiencies only;
    investment costs, fuel and carbon prices, offsets and targets do not enter it. The
    bounds of the master's variables do enter (through the loosening of dropped tiny
    coefficients), so the battery's size limit is included too.
    """
    import hashlib

    h = hashlib.sha1()
    hd = inp.hourly
    for arr in (hd.base_load_kw_h, hd.shape_kw_per_mwh_sh, hd.pv_kw_per_kwp_h,
                hd.import_price_cny_per_kwh_yh, hd.export_price_cny_per_kwh_yh):
        a = np.ascontiguousarray(arr, dtype=float)
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    slope, thr, fixed = hd.basic_charge_coefficients(inp.n_years)
    for arr in (hd.months, slope, fixed):
        h.update(np.ascontiguousarray(arr, dtype=float).tobytes())
    b = inp.battery
    h.update(repr((inp.n_years, hd.shape_names, hd.export_cap_kw, hd.day_start_hour, b.enabled,
                   b.eta_charge, b.eta_discharge, b.max_kwh, thr)).encode())
    return h.hexdigest()


def cuts_transferable(a: PlanInputs, b: PlanInputs) -> bool:
    """Whether the energy cuts of a solve of ``a`` are valid for ``b`` (:func:`cut_fingerprint`)."""
    return cut_fingerprint(a) == cut_fingerprint(b)


# --------------------------------------------------------------------------- initial cuts

def _initial_states(inp: PlanInputs) -> PlanState:
    """A few plans spanning the levers, so that the first master is bounded and informed."""
    n_y = inp.n_years
    g = inp.growth_y
    ms = inp.measures
    n_s = len(inp.hourly.shape_names)
    save = min(float(ms.elec_saving_share_m.sum()), 0.9)
    added_max = g[None, :] * ms.elec_added_mwh_ms.sum(axis=0)[:, None]
    pv_max = inp.pv.max_kw if inp.pv.enabled else 0.0
    mean_kw = float(inp.hourly.base_load_kw_h.mean())
    bat_kwh = min(inp.battery.max_kwh, 4.0 * mean_kw) if inp.battery.enabled else 0.0
    bat_kw = bat_kwh / max(inp.battery.min_duration_h, 2.0) if bat_kwh else 0.0
    rows = [  # (load_scale factor, added factor, pv share, battery share)
        (1.0, 0.0, 0.0, 0.0),
        (1.0 - save, 1.0, 0.0, 0.0),
        (1.0, 0.0, 0.5, 0.0),
        (1.0, 0.0, 1.0, 0.0),
        (1.0 - save, 1.0, 1.0, 1.0),
        (1.0, 0.0, 0.5, 0.5),
    ]
    ls = np.array([[r[0]] for r in rows]) * g[None, :]
    added = np.stack([r[1] * added_max for r in rows]) if n_s else np.zeros((len(rows), 0, n_y))
    pv = np.array([[r[2] * pv_max] for r in rows]) * np.ones((1, n_y))
    be = np.array([[r[3] * bat_kwh] for r in rows]) * np.ones((1, n_y))
    bp = np.array([[r[3] * bat_kw] for r in rows]) * np.ones((1, n_y))
    return PlanState(ls, added, pv, be, bp)


def _add_initial_cuts(m: pyo.ConcreteModel, inp: PlanInputs) -> int:
    st = _initial_states(inp)
    b = inp.battery
    ev = evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge)
    evi = evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge, import_only=True)
    n = 0
    for c in range(st.shape[0]):
        for y in range(inp.n_years):
            add_cut(m, y, ev, (c, y), st, 0.0)
            add_cut(m, y, evi, (c, y), st, None)
            n += 2
    return n


# --------------------------------------------------------------------------- separation

def _separate(m: pyo.ConcreteModel, inp: PlanInputs, rel_tol: float,
              final: bool = False) -> tuple[int, float, PlanState, EnergyValue, np.ndarray]:
    """Add the cuts that the current master solution violates.

    Returns (cuts added, largest violation [CNY], state, exact evaluation of the
    state with its dispatch, import weight used per year).
    """
    b = inp.battery
    state, cost_claim, imp_claim = master_state(m)
    ev0 = evaluate(inp.hourly, state, b.eta_charge, b.eta_discharge, balance=True)
    v0 = ev0.value_cny_cy[0]
    i0 = ev0.balance.import_mwh_cy[0] * 1e3  # kWh
    tol = max(rel_tol * float(np.abs(v0).mean()), _FLOOR_CNY)
    tol_i = max(rel_tol * float(i0.mean()), _FLOOR_KWH)
    n_y = inp.n_years
    weights = np.zeros(n_y)
    added = 0
    worst = 0.0
    for y in np.nonzero(cost_claim < v0 - tol)[0]:
        add_cut(m, int(y), ev0, (0, int(y)), state, 0.0)
        added += 1
        worst = max(worst, float(v0[y] - cost_claim[y]))
    short = np.nonzero(imp_claim < i0 - tol_i)[0]
    if short.size:
        sub = state.take(np.zeros(short.size, dtype=int), short)
        evi = evaluate(inp.hourly, sub, b.eta_charge, b.eta_discharge, import_only=True,
                       year_index=short[:, None])
        need_w = []
        for k, y in enumerate(short):
            if imp_claim[y] < evi.value_cny_cy[k, 0] - tol_i:
                add_cut(m, int(y), evi, (k, 0), sub, None)
                added += 1
                worst = max(worst, float(evi.value_cny_cy[k, 0] - imp_claim[y]))
            else:
                need_w.append(k)
        if need_w:
            idx = np.array(need_w)
            yrs = short[idx]
            w_best, h_best, ev_grid, at_grid, st_grid = _best_grid_weight(
                inp, sub, idx, yrs, imp_claim[yrs])
            unresolved = h_best - cost_claim[yrs] <= tol
            if unresolved.any():
                # No shadow price of the scenario separates: certify with a line search.
                sel = np.nonzero(unresolved)[0]
                w_ls, h_ls, _ = _line_search_weight(inp, sub, idx[sel], yrs[sel],
                                                    imp_claim[yrs[sel]])
                better = h_ls > h_best[sel]
                w_best[sel] = np.where(better, w_ls, w_best[sel])
                h_best[sel] = np.where(better, h_ls, h_best[sel])
                at_grid[sel[better]] = -1  # cut must be re-evaluated at the line-search weight
            for j, k in enumerate(idx):
                y = int(short[k])
                weights[y] = w_best[j]
                viol = h_best[j] - cost_claim[y]
                if viol > tol:
                    w = float(w_best[j])
                    one = sub.take(np.array([k]), np.array([0]))
                    if at_grid[j] >= 0:
                        add_cut(m, y, ev_grid, (int(at_grid[j]), 0), st_grid, w)
                    else:
                        ev = evaluate(inp.hourly, one, b.eta_charge, b.eta_discharge,
                                      import_weight_cny_per_kwh=w, year_index=np.array([[y]]))
                        add_cut(m, y, ev, (0, 0), one, w)
                    added += 1
                    worst = max(worst, float(viol))
    return added, worst, state, ev0, weights


def import_weight_grid(inp: PlanInputs) -> np.ndarray:
    """Candidate import shadow prices per year [CNY/kWh], shape (Y, G).

    What one kWh less of grid import is worth to the plan: the certificate that
    would otherwise cover it, the credit or removal that would offset its
    emissions, plus the carbon price if scope 2 pays it. Padded with the largest
    value so that every year has G entries.
    """
    o = inp.offsets
    ef = inp.grid.ef_residual_t_per_mwh_y
    carbon = (inp.carbon_price_cny_per_t_y * inp.grid.ef_location_t_per_mwh_y / 1e3
              if inp.carbon_scope2 else np.zeros(inp.n_years))
    cols = []
    if o.cert_enabled:
        cols.append(o.cert_price_cny_per_mwh_y / 1e3)
    for c in range(len(o.credit_ids)):
        cols.append(ef * o.credit_price_cny_per_t_cy[c] / 1e3)
    for r in range(len(o.removal_ids)):
        cols.append(ef * o.removal_price_cny_per_t_ry[r] / 1e3)
    g = inp.green
    if g is not None:
        # An as-consumed contract's premium: what a kWh less saves where it covers the kWh.
        cols += [np.where(g.active_gy[c], g.premium_cny_per_mwh_gy[c], 0.0) / 1e3
                 for c in range(len(g.ids)) if not g.take_or_pay_g[c]]
    grid = [carbon + c for c in cols] + ([carbon] if inp.carbon_scope2 else [])
    if not grid:
        return np.zeros((inp.n_years, 0))
    out = np.sort(np.stack(grid, axis=1), axis=1)
    return np.where(out > 0, out, np.nan)


def _best_grid_weight(inp: PlanInputs, sub: PlanState, idx: np.ndarray, years: np.ndarray,
                      imp_claim_kwh: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, EnergyValue | None, np.ndarray,
                                 PlanState | None]:
    """Best of the scenario's shadow prices (``import_weight_grid``) per flagged year.

    One evaluation call for all flagged years x candidate weights. Returns the best
    weight, its h value, the evaluation and, per year, the candidate row of the best
    weight in that evaluation, and the state evaluated.
    """
    b = inp.battery
    grid = import_weight_grid(inp)[years]  # (K, G)
    n_k, n_g = grid.shape
    if n_g == 0:
        return np.zeros(n_k), np.full(n_k, -np.inf), None, np.full(n_k, -1), None
    w = np.nan_to_num(grid, nan=0.0)
    st = sub.take(np.repeat(idx, n_g), np.zeros(n_k * n_g, dtype=int))
    ev = evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge,
                  import_weight_cny_per_kwh=w.reshape(-1, 1),
                  year_index=np.repeat(years, n_g)[:, None])
    h = ev.value_cny_cy[:, 0].reshape(n_k, n_g) - w * imp_claim_kwh[:, None]
    h = np.where(np.isnan(grid), -np.inf, h)
    best = h.argmax(axis=1)
    rows = np.arange(n_k)
    return w[rows, best], h[rows, best], ev, rows * n_g + best, st


def _line_search_weight(inp: PlanInputs, sub: PlanState, idx: np.ndarray, years: np.ndarray,
                        imp_claim_kwh: np.ndarray) -> tuple[np.ndarray, np.ndarray, EnergyValue]:
    """Maximise h(w) = V_w - w x claimed import over w >= 0, per year (all years at once).

    h is concave and piecewise linear, and the import of a w-optimal dispatch minus the
    claim is a slope of h at w. So each step evaluates, in one kernel call for all
    years, the point where the tangents at the two ends of the bracket meet; that point
    is a breakpoint of h or a new end. A concave piecewise-linear function has few
    breakpoints near its maximum, so a handful of steps reach it exactly (golden-section
    search needed ~35 evaluations for 1e-6 of the bracket). Returns the best w, h(w)
    and the evaluation at w.
    """
    b = inp.battery
    st = sub.take(idx, np.zeros(idx.size, dtype=int))
    w, val, _, _ = _tangent_search(inp, st, years, imp_claim_kwh)
    ev = evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge,
                  import_weight_cny_per_kwh=w[:, None], year_index=years[:, None])
    return w, val, ev


def _tangent_search(inp: PlanInputs, st: PlanState, years: np.ndarray, target_kwh: np.ndarray,
                    rel_tol: float = 1e-10, max_steps: int = 60
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Maximum of h(w) = V_w - w x target over w in [0, w_max] for each row of ``st``.

    Returns the maximising w, h there, and the bracket's ends ``lo <= w <= hi``: the
    dispatch optimal at ``lo`` imports at least the target, the one at ``hi`` at most,
    and both are optimal at ``w`` (their tangents meet there, to ``rel_tol``).
    """
    b = inp.battery
    w_max = 20.0 * float(inp.hourly.import_price_cny_per_kwh_yh.max()) + 1.0

    def point(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ev = evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge,
                      import_weight_cny_per_kwh=w[:, None], year_index=years[:, None],
                      balance=True)
        imp = ev.balance.import_mwh_cy[:, 0] * 1e3
        return ev.value_cny_cy[:, 0] - w * target_kwh, imp - target_kwh

    n = years.size
    lo = np.zeros(n)
    hi = np.full(n, w_max)
    h_lo, s_lo = point(lo)
    h_hi, s_hi = point(hi)
    best_h = np.maximum(h_lo, h_hi)
    best_w = np.where(h_hi > h_lo, hi, lo)
    # Maximum at an end of [0, w_max]: h falls from 0 on, or still rises at w_max.
    done = (s_lo <= 0) | (s_hi >= 0)
    best_w = np.where(s_lo <= 0, 0.0, np.where(s_hi >= 0, w_max, best_w))
    hi = np.where(s_lo <= 0, 0.0, hi)
    lo = np.where(s_hi >= 0, w_max, lo)
    for _ in range(max_steps):
        den = s_lo - s_hi
        meet = np.clip((h_hi - s_hi * hi - h_lo + s_lo * lo) / np.where(den > 0, den, 1.0),
                       lo, hi)
        ub = h_lo + s_lo * (meet - lo)  # the tangents' meeting value bounds h from above
        close = ~done & (ub - best_h <= rel_tol * (1.0 + np.abs(best_h)))
        best_w = np.where(close, meet, best_w)
        done |= close
        if done.all():
            break
        w_x = np.where(done, best_w, meet)
        h_x, s_x = point(w_x)
        better = ~done & (h_x > best_h)
        best_h = np.where(better, h_x, best_h)
        best_w = np.where(better, w_x, best_w)
        up = ~done & (s_x > 0)
        down = ~done & (s_x <= 0)
        lo, h_lo, s_lo = np.where(up, w_x, lo), np.where(up, h_x, h_lo), np.where(up, s_x, s_lo)
        hi, h_hi, s_hi = (np.where(down, w_x, hi), np.where(down, h_x, h_hi),
                          np.where(down, s_x, s_hi))
    return best_w, best_h, lo, hi


# --------------------------------------------------------------------------- the loop

def solve_decomposed(inp: PlanInputs, solve_master: MasterSolveFn, **kwargs
                     ) -> DecompositionResult:
    """Solve the full-resolution plan by outer approximation; see :func:`_solve_decomposed`.

    Also counts the exact evaluations it made (``evaluations``, ``chains_dispatched``).
    """
    calls, chains = hourly.EVALUATIONS
    res = _solve_decomposed(inp, solve_master, **kwargs)
    res.evaluations = hourly.EVALUATIONS[0] - calls
    res.chains_dispatched = hourly.EVALUATIONS[1] - chains
    return res


def _solve_decomposed(inp: PlanInputs, solve_master: MasterSolveFn, *, rel_tol: float = 1e-6,
                     max_iterations: int = 200, lp_phase: bool = True,
                     progress: Callable[[IterationRecord], None] | None = None,
                     warm_cuts: Sequence[CutRecord] = (),
                     prepare: Callable[[pyo.ConcreteModel], None] | None = None,
                     final_balance: bool = True,
                     shortfall_penalty_cny_per_t: float | None = None,
                     ) -> DecompositionResult:
    """Solve the full-resolution plan by outer approximation.

    Parameters
    ----------
    inp : PlanInputs
    solve_master : callable (model, relaxed) -> MasterOutcome
        Solves the master as an LP relaxation (``relaxed=True``) or a MILP.
    rel_tol : float
        A year's claimed cost may be below its exact value by at most
        ``rel_tol`` x the mean yearly grid cost (likewise for import).
    max_iterations : int
        Master solves in both phases together.
    lp_phase : bool
        Run phase 1 on the LP relaxation first.
    progress : callable, optional
        Called after each iteration.
    warm_cuts : sequence of CutRecord
        Cuts of an earlier solve, valid for ``inp`` (check with :func:`cuts_transferable`);
        they replace the initial cuts.
    prepare : callable, optional
        Called with the built master before any cut is added (e.g. to fix decisions).
    final_balance : bool
        Compute the reported exact dispatch at the end (skip it when only the
        objective is wanted).
    shortfall_penalty_cny_per_t : float, optional
        Solve the elastic model (see :func:`models.master.build_master`).

    Returns
    -------
    DecompositionResult
    """
    t0 = time.perf_counter()
    m = build_master(inp, shortfall_penalty_cny_per_t=shortfall_penalty_cny_per_t)
    m._cut_log = []
    # A solver that takes cuts as rows directly skips building Pyomo expressions for them
    # (most of the time of a warm-started solve, ~0.25 s of the reference's cold one).
    load = getattr(solve_master, "load_cuts", None)
    m._cuts_as_rows = load is not None
    if prepare is not None:
        prepare(m)
    if warm_cuts:
        if load is not None:
            load(m, warm_cuts)
            m._cut_log.extend(warm_cuts)
        else:
            for rec in warm_cuts:
                _add_recorded_cut(m, rec)
        cuts = len(warm_cuts)
    else:
        cuts = _add_initial_cuts(m, inp)
    build_s = time.perf_counter() - t0
    return _loop(m, inp, solve_master, rel_tol=rel_tol, max_iterations=max_iterations,
                 lp_phase=lp_phase and not warm_cuts, progress=progress,
                 final_balance=final_balance, cuts=cuts, build_s=build_s)


def resume_decomposed(m: pyo.ConcreteModel, inp: PlanInputs, solve_master: MasterSolveFn, *,
                      rel_tol: float = 1e-6, max_iterations: int = 200,
                      progress: Callable[[IterationRecord], None] | None = None,
                      final_balance: bool = True) -> DecompositionResult:
    """Run the MILP loop again on a master already solved by :func:`solve_decomposed`.

    For a change that keeps every cut valid (rows added that only restrict the plan, e.g.
    the year-on-year rule's constant caps): the model, its cuts and the solver's instance
    are reused, so no rebuild, no initial cuts and no LP phase. ``inp`` must have the same
    hourly data as the inputs ``m`` was built from. Counts the evaluations it makes.
    ``final_balance=False`` skips the reported exact dispatch (only the cost is wanted).
    """
    calls, chains = hourly.EVALUATIONS
    res = _loop(m, inp, solve_master, rel_tol=rel_tol, max_iterations=max_iterations,
                lp_phase=False, progress=progress, final_balance=final_balance,
                cuts=len(getattr(m, "_cut_log", ())), build_s=0.0)
    res.evaluations = hourly.EVALUATIONS[0] - calls
    res.chains_dispatched = hourly.EVALUATIONS[1] - chains
    return res


def _loop(m: pyo.ConcreteModel, inp: PlanInputs, solve_master: MasterSolveFn, *,
          rel_tol: float, max_iterations: int, lp_phase: bool,
          progress: Callable[[IterationRecord], None] | None, final_balance: bool,
          cuts: int, build_s: float) -> DecompositionResult:
    """The outer-approximation loop on a built master (LP phase, then MILP phase)."""
    history: list[IterationRecord] = []
    binaries = list(m.build.values())

    def run(relaxed: bool, budget: int) -> tuple[bool, MasterOutcome | None, tuple | None]:
        nonlocal cuts
        set_relaxed(m, relaxed)
        outcome = None
        for _ in range(max(budget, 1)):
            t1 = time.perf_counter()
            outcome = solve_master(m, relaxed)
            t2 = time.perf_counter()
            if not outcome.has_solution:
                return False, outcome, None
            added, worst, state, ev, weights = _separate(m, inp, rel_tol)
            t3 = time.perf_counter()
            rec = IterationRecord("lp" if relaxed else "milp", outcome.objective, added, worst,
                                  t2 - t1, t3 - t2)
            history.append(rec)
            if progress:
                progress(rec)
            cuts += added
            if added == 0:
                return True, outcome, (state, ev, weights)
            if not outcome.proven_optimal:
                # A time limit: more cuts cannot be used without another full solve.
                return False, outcome, (state, ev, weights)
        return False, outcome, (state, ev, weights) if outcome is not None else None

    # Warm cuts already describe the relaxation's region well (measured: the LP phase added
    # no cut to a warm start in any sample tried); the caller then goes straight to the MILP.
    if lp_phase and len(binaries):
        # The relaxation's cuts are valid for the MILP; keep half the budget for the MILP.
        ok, outcome, _ = run(True, max_iterations // 2)
        if outcome is not None and not outcome.has_solution:
            return DecompositionResult(m, outcome, False, None, None, None, history, build_s, cuts,
                                       tuple(m._cut_log))
    ok, outcome, final = run(False, max_iterations - len(history))
    if final is None or outcome is None or not outcome.has_solution:
        return DecompositionResult(m, outcome, False, None, None, None, history, build_s, cuts,
                                   tuple(m._cut_log))
    state, _, _ = final
    if not final_balance:
        return DecompositionResult(m, outcome, ok, state, None, None, history, build_s, cuts,
                                   tuple(m._cut_log))
    _, _, imp_claim = master_state(m)
    balance, weights = reporting_balance(inp, state, imp_claim)
    return DecompositionResult(m, outcome, ok, state, balance, weights, history, build_s, cuts,
                               tuple(m._cut_log))


def reporting_balance(inp: PlanInputs, state: PlanState, imp_claim_kwh: np.ndarray
                      ) -> tuple[EnergyBalance, np.ndarray]:
    """The exact dispatch reported for the plan: as cheap as the MILP claims, importing no more.

    Where the cheapest dispatch imports more than the MILP's estimate (imports have a
    shadow price, e.g. because the emission cap binds), the weight ``w*`` at which the
    weighted-optimal import crosses the estimate is found by :func:`_tangent_search`, and the
    two dispatches on either side of ``w*`` are mixed so that the import equals the
    estimate. Both are optimal at ``w*``, so the mix costs ``V_w* - w* x import``,
    which is what the MILP's cut claimed. Returns the balance and ``w*`` per year.
    """
    b = inp.battery
    ev0 = evaluate(inp.hourly, state, b.eta_charge, b.eta_discharge, balance=True,
                   keep_hours=True)
    bal0 = ev0.balance
    weights = np.zeros(inp.n_years)
    i0 = bal0.import_mwh_cy[0] * 1e3
    # Strictly: any year whose cheapest dispatch imports more than claimed is mixed down.
    flagged = np.nonzero(i0 > imp_claim_kwh * (1.0 + 1e-12))[0]
    if not flagged.size:
        return bal0, weights
    sub = state.take(np.zeros(flagged.size, dtype=int), flagged)
    target = imp_claim_kwh[flagged]
    years = flagged[:, None]

    def dispatch(w: np.ndarray, keep: bool) -> EnergyBalance:
        return evaluate(inp.hourly, sub, b.eta_charge, b.eta_discharge,
                        import_weight_cny_per_kwh=w[:, None], year_index=years, balance=True,
                        keep_hours=keep).balance

    w_star, _, lo, hi = _tangent_search(inp, sub, flagged, target)
    a, z = dispatch(lo, True), dispatch(hi, True)
    i_a = a.import_mwh_cy[:, 0] * 1e3
    i_z = z.import_mwh_cy[:, 0] * 1e3
    span = i_a - i_z
    theta = np.clip(np.where(span > 0, (target - i_z) / np.where(span > 0, span, 1.0), 0.0),
                    0.0, 1.0)[:, None, None]
    charge = bal0.hourly["charge_kw"].copy()
    discharge = bal0.hourly["discharge_kw"].copy()
    charge[0, flagged] = (theta * a.hourly["charge_kw"] + (1 - theta) * z.hourly["charge_kw"])[:, 0]
    discharge[0, flagged] = (theta * a.hourly["discharge_kw"]
                             + (1 - theta) * z.hourly["discharge_kw"])[:, 0]
    weights[flagged] = w_star
    return balance_of(inp.hourly, state, charge, discharge), weights
