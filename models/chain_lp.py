"""The exact LP path of the cyclic dispatch (HiGHS), with monthly demand charges.

:func:`models.dispatch.solve_chains` sends here the chains its slope-level kernel does
not take: a chain with more distinct prices than the kernel's levels, and a chain whose
tariff has a **demand charge** (two-part tariff). The LP is the kernel's LP (cyclic state
of charge, export up to a cap at a price no higher than the import price, curtailment)
plus one *excess demand* variable per month::

    min  sum_h (p_h import_h - s_h export_h) + slope x sum_m excess_m
    s.t. import_h - excess_{month(h)} <= threshold,  excess_m >= 0,

so ``excess_m = max(0, peak_m - threshold)`` at the optimum: the month's maximum demand
couples its hours, and the problem stays an LP, exact and convex in the net load and the
battery's size (its value is the LP's value as a function of the right-hand side and
bounds), so its duals are valid outer-approximation cuts.

Kept apart from :mod:`models.dispatch` so that the compiled kernel's cache is not
invalidated by changes here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["demand_excess_kw", "lp_chain"]

#: Battery size used to read an informative dual when the real battery is zero:
#: any dual is optimal at zero size, so the one of a vanishing battery is chosen.
_EPS_POWER_REL = 1e-6
_EPS_DURATION_H = 2.0


#: HiGHS models of recent LP chains, by shape only (hours, months, efficiencies): a
#: re-evaluation (the decomposition's next plan, the next year, another import weight)
#: changes only costs and bounds, and HiGHS warm-starts from the last basis (measured
#: 5-40x faster than a cold solve of 8760 hours).
_LP_CACHE: dict[bytes, Any] = {}
_LP_CACHE_SIZE = 4


def _lp_key(h: int, eta_c: float, eta_d: float, month: np.ndarray, n_m: int) -> bytes:
    import hashlib

    d = hashlib.sha1(np.ascontiguousarray(month, dtype=np.int64).tobytes())
    d.update(repr((int(h), float(eta_c), float(eta_d), int(n_m))).encode())
    return d.digest()


def _lp_update(hi: Any, net: np.ndarray, imp: np.ndarray, exp: np.ndarray, xc: float,
               p_kw: float, e_kwh: float, n_m: int, slope: float, thr: float) -> None:
    """Set everything but the shape of a cached chain model: costs and bounds."""
    import highspy

    h = net.shape[0]
    n_col = 6 * h + n_m
    cost = np.concatenate([imp, -exp, np.zeros(4 * h), np.full(n_m, float(slope))])
    hi.changeColsCost(n_col, np.arange(n_col, dtype=np.int32), cost)
    inf = highspy.kHighsInf
    ub = np.concatenate([np.full(h, inf), np.full(h, xc), np.full(h, inf),
                         np.full(h, p_kw), np.full(h, p_kw), np.full(h, e_kwh),
                         np.full(n_m, inf)])
    hi.changeColsBounds(n_col, np.arange(n_col, dtype=np.int32), np.zeros(n_col), ub)
    hi.changeRowsBounds(h, np.arange(h, dtype=np.int32), net, net)
    if n_m:
        rows = np.arange(2 * h, 3 * h, dtype=np.int32)
        hi.changeRowsBounds(h, rows, np.full(h, -inf), np.full(h, float(thr)))


def _lp_model(net: np.ndarray, imp: np.ndarray, exp: np.ndarray, xc: float, p_kw: float,
              e_kwh: float, eta_c: float, eta_d: float, month: np.ndarray | None, n_m: int,
              slope: float, thr: float) -> Any:
    """A new HiGHS model of one cyclic chain (see :func:`_lp_chain`)."""
    import highspy

    h = net.shape[0]
    hi = highspy.Highs()
    hi.setOptionValue("output_flag", False)
    hi.setOptionValue("primal_feasibility_tolerance", 1e-10)
    hi.setOptionValue("dual_feasibility_tolerance", 1e-10)
    inf = highspy.kHighsInf
    # columns, 6 blocks of h: import, export, curtail, charge, discharge, soc (end of hour);
    # then one excess-demand column per month
    col_cost = np.concatenate([imp, -exp, np.zeros(4 * h), np.full(n_m, float(slope))])
    ub = np.concatenate([np.full(h, inf), np.full(h, xc), np.full(h, inf),
                         np.full(h, p_kw), np.full(h, p_kw), np.full(h, e_kwh),
                         np.full(n_m, inf)])
    n_col = 6 * h + n_m
    hi.addVars(n_col, np.zeros(n_col), ub)
    hi.changeColsCost(n_col, np.arange(n_col, dtype=np.int32), col_cost)
    t = np.arange(h)
    # balance rows: import - export - curtail - charge + discharge = n
    starts = np.arange(0, 5 * h, 5, dtype=np.int32)
    idx = np.stack([t, h + t, 2 * h + t, 3 * h + t, 4 * h + t], axis=1).ravel().astype(np.int32)
    val = np.tile([1.0, -1.0, -1.0, -1.0, 1.0], h)
    hi.addRows(h, net, net, 5 * h, starts, idx, val)
    # state rows: soc_t - soc_{t-1 mod h} - eta_c charge_t + discharge_t / eta_d = 0
    prev = (t - 1) % h
    idx = np.stack([5 * h + t, 5 * h + prev, 3 * h + t, 4 * h + t], axis=1).ravel()
    val = np.tile([1.0, -1.0, -eta_c, 1.0 / eta_d], h)
    if h == 1:  # soc_0 - soc_0 cancels
        idx, val = np.array([3, 4]), np.array([-eta_c, 1.0 / eta_d])
    hi.addRows(h, np.zeros(h), np.zeros(h), len(idx), np.arange(0, len(idx), len(idx) // h,
               dtype=np.int32), idx.astype(np.int32), val)
    if n_m and month is not None:
        # peak rows: import_t - excess_{month(t)} <= thr
        idx = np.stack([t, 6 * h + month.astype(np.int64)], axis=1).ravel().astype(np.int32)
        hi.addRows(h, np.full(h, -inf), np.full(h, float(thr)), 2 * h,
                   np.arange(0, 2 * h, 2, dtype=np.int32), idx, np.tile([1.0, -1.0], h))
    return hi


def lp_chain(net: np.ndarray, imp: np.ndarray, exp: np.ndarray, x: float, e_kwh: float,
             p_kw: float, eta_c: float, eta_d: float, month: np.ndarray | None = None,
             slope: float = 0.0, thr: float = 0.0
             ) -> tuple[float, np.ndarray, float, float, np.ndarray, np.ndarray]:
    """One cyclic chain solved as an LP by HiGHS: the exact path for many price levels
    and for chains with a demand charge.

    With ``slope > 0`` the LP also pays ``slope x max(0, peak_m - thr)`` for each month
    ``m`` (``month[h]`` is hour ``h``'s month index), written with one excess variable
    per month: ``import_h - excess_{month[h]} <= thr``, ``excess >= 0``.
    Returns (cost, mu (H,), d cost / d P, d cost / d E, charge (H,), discharge (H,)),
    the cost including the demand charge. Duals of a zero battery are read from a
    vanishing one, as in the kernel.
    """
    import highspy

    h = net.shape[0]
    zero = p_kw <= 0.0 or e_kwh <= 0.0
    if zero:
        p_kw = _EPS_POWER_REL * (1.0 + float(np.abs(net).max()))
        e_kwh = p_kw * _EPS_DURATION_H
    xc = min(float(x), 1e15)
    months = np.zeros(h, dtype=np.int64) if month is None else month
    peak = slope > 0.0 and month is not None
    n_m = int(months.max()) + 1 if peak else 0
    key = _lp_key(h, eta_c, eta_d, months if peak else np.zeros(0), n_m)
    hi = _LP_CACHE.pop(key, None)
    if hi is None:
        hi = _lp_model(net, imp, exp, xc, p_kw, e_kwh, eta_c, eta_d, month, n_m, slope, thr)
    else:
        _lp_update(hi, net, imp, exp, xc, p_kw, e_kwh, n_m, slope, thr)
    hi.run()
    if hi.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        # A warm start can stall on a degenerate basis: solve from scratch once.
        hi = _lp_model(net, imp, exp, xc, p_kw, e_kwh, eta_c, eta_d, month, n_m, slope, thr)
        hi.run()
    if hi.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS could not solve a dispatch chain: {hi.getModelStatus()}")
    _LP_CACHE[key] = hi
    while len(_LP_CACHE) > _LP_CACHE_SIZE:
        _LP_CACHE.pop(next(iter(_LP_CACHE)))
    sol = hi.getSolution()
    xv = np.asarray(sol.col_value)[:6 * h].reshape(6, h)
    cd = np.asarray(sol.col_dual)[:6 * h].reshape(6, h)
    mu = np.asarray(sol.row_dual)[:h].copy()
    # Reduced costs of columns at their upper bound are d cost / d bound (<= 0).
    rho_p = float(np.minimum(cd[3], 0.0).sum() + np.minimum(cd[4], 0.0).sum())
    rho_e = float(np.minimum(cd[5], 0.0).sum())
    if zero:
        ch = np.zeros(h)
        dis = np.zeros(h)
    else:
        ch = xv[3].copy()
        dis = xv[4].copy()
        both = np.minimum(ch, dis)  # simultaneous charge and discharge is never needed
        ch -= both
        dis -= both
    g = net + ch - dis
    gi = np.maximum(g, 0.0)
    cost = float((imp * gi - exp * np.minimum(np.maximum(-g, 0.0), xc)).sum())
    if peak:
        cost += float(slope) * demand_excess_kw(gi, months, n_m, float(thr)).sum()
    return cost, mu, rho_p, rho_e, ch, dis


def demand_excess_kw(import_kw: np.ndarray, month: np.ndarray, n_months: int,
                     threshold_kw: float) -> np.ndarray:
    """Monthly billed excess demand ``max(0, max_{h in m} import_h - threshold)`` [kW].

    Parameters
    ----------
    import_kw : ndarray, shape (..., H)
        Hourly grid import [kW].
    month : ndarray of int, shape (H,)
        Month index of each hour (0-based).
    n_months : int
    threshold_kw : float
        Demand billed at no extra charge [kW] (0 without a contract demand).

    Returns
    -------
    ndarray, shape (..., n_months)
    """
    peaks = np.zeros((*import_kw.shape[:-1], n_months))
    for m in range(n_months):
        sel = month == m
        if sel.any():
            peaks[..., m] = import_kw[..., sel].max(axis=-1)
    return np.maximum(peaks - threshold_kw, 0.0)


