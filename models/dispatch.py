"""Exact least-cost battery dispatch for many independent days at once.

This is carbonpath's inner loop. Each *day-instance* (one day of one year, of one
candidate plan) is a small linear programme::

    min  sum_h phi_h(n_h + c_h - d_h)
    s.t. soc_{h+1} = soc_h + eta_c c_h - d_h / eta_d,   soc_0 = 0,
         0 <= soc_h <= E,  0 <= c_h, d_h <= P,

where ``n_h`` is the net load (load minus PV) [kW, i.e. kWh in one hour], ``phi_h``
the hourly grid cost: import at ``p_h``, export up to ``x`` kW at ``s_h``, surplus
beyond ``x`` curtailed at no value. ``phi_h`` is convex because ``0 <= s_h <= p_h``.

Boundary conventions (documented in ``docs/method.md``):

* The battery is empty at the start of each dispatch day (``soc_0 = 0``); the day
  starts at the hour chosen by the caller (normally the start of the cheapest
  tariff period) and its end state of charge is free.
* Charging and discharging in the same hour is allowed by the LP but never optimal
  when ``s_h >= 0``; the recovered primal never does it.

Method. The LP dual is a chain over the marginal value of stored energy
``lambda_h``; its optimum can be taken from the finite set of *slope levels*
``{0, s eta_d, s / eta_c, p eta_d, p / eta_c}`` of the day (every breakpoint of the
dual function is one of them), so the dual is solved exactly by a Viterbi-type
dynamic programme with one state per slope level. Strong duality makes the value
exact. The optimal dual gives, hour by hour, the marginal cost of net load
``mu_h`` and of battery power and energy: the subgradients that the planner uses
as outer-approximation cuts. A primal dispatch is recovered from the dual by
complementary slackness (interval propagation of the state of charge).

The kernel is compiled with numba: one compiled loop over hours inside each day,
days in parallel. It never loops in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

__all__ = ["DayDispatch", "solve_days"]

#: Relative tolerance for "equal" slope levels: it only absorbs round-off (a level computed as
#: (p / eta_c) * eta_c is p to a few ulps). Larger values merge levels that genuinely differ
#: near a kink and break the primal recovery.
_TOL = 1e-12
#: A recovered day whose cost differs from the dual value by more than this (relative) is
#: re-solved with slightly perturbed prices.
_CHECK_REL = 1e-9
#: Battery size used to read an informative dual when the real battery is zero:
#: any dual is optimal at zero size, so the one of a vanishing battery is chosen.
_EPS_POWER_REL = 1e-6
_EPS_DURATION_H = 2.0


@dataclass(frozen=True)
class DayDispatch:
    """Result of :func:`solve_days` for ``D`` day-instances of ``H`` hours.

    Attributes
    ----------
    cost : ndarray, shape (D,)
        Optimal daily grid cost (import cost minus export revenue) [currency].
    mu : ndarray, shape (D, H)
        Marginal cost of one more kWh of net load in each hour [currency/kWh].
    rho_power : ndarray, shape (D,)
        Subgradient of the daily cost with respect to battery power [currency/kW].
    rho_energy : ndarray, shape (D,)
        Subgradient of the daily cost with respect to battery energy [currency/kWh].
    charge_kw, discharge_kw : ndarray, shape (D, H) or None
        A cost-optimal dispatch (grid side of the battery) when ``primal=True``.
    day_totals : ndarray, shape (D, 6) or None
        Per day of that dispatch: import [kWh], export [kWh], curtailed [kWh], import
        cost and export revenue at the prices given [currency], peak import [kW].
    """

    cost: np.ndarray
    mu: np.ndarray
    rho_power: np.ndarray
    rho_energy: np.ndarray
    charge_kw: np.ndarray | None = None
    discharge_kw: np.ndarray | None = None
    day_totals: np.ndarray | None = None


@nb.njit(cache=True, parallel=True)
def _day_totals(net, imp, exp, xcap, charge, discharge):
    """Import, export, curtailment, their money and the peak import of each day."""
    n_days, n_hours = net.shape
    out = np.zeros((n_days, 6))
    for i in nb.prange(n_days):
        x = xcap[i]
        for j in range(n_hours):
            g = net[i, j] + charge[i, j] - discharge[i, j]
            if g > 0.0:
                out[i, 0] += g
                out[i, 3] += imp[i, j] * g
                if g > out[i, 5]:
                    out[i, 5] = g
            else:
                e = min(-g, x)
                out[i, 1] += e
                out[i, 2] += -g - e
                out[i, 4] += exp[i, j] * e
    return out


@nb.njit(cache=True)
def _phi(g: float, p: float, s: float, x: float) -> float:
    if g >= 0.0:
        return p * g
    if -g <= x:
        return s * g
    return -s * x


@nb.njit(cache=True)
def _dphi_plus(g: float, p: float, s: float, x: float) -> float:
    if g >= 0.0:
        return p
    if g >= -x:
        return s
    return 0.0


@nb.njit(cache=True)
def _dphi_minus(g: float, p: float, s: float, x: float) -> float:
    if g > 0.0:
        return p
    if g > -x:
        return s
    return 0.0


@nb.njit(cache=True)
def _tiers(n: float, p_kw: float, x: float) -> tuple[float, float, float, float, float, float]:
    """Charge tiers (curtailed, exportable surplus, import) and discharge tiers
    (avoided import, export, curtailed) [kW] for net load ``n`` and power ``p_kw``."""
    c0 = min(max(-n - x, 0.0), p_kw)
    c1 = min(max(-n, 0.0), p_kw) - c0
    c2 = p_kw - c0 - c1
    d1 = min(max(n, 0.0), p_kw)
    d2 = min(max(n + x, 0.0), p_kw) - d1
    d3 = p_kw - d1 - d2
    return c0, c1, c2, d1, d2, d3


@nb.njit(cache=True)
def _insert_distinct(buf, count, v):
    """Append ``v`` to ``buf[:count]`` unless an equal value (within tolerance) is there."""
    for i in range(count):
        if abs(buf[i] - v) <= _TOL * (1.0 + abs(v)):
            return count
    buf[count] = v
    return count + 1


@nb.njit(cache=True)
def _slope_levels(p_row, s_row, eta_c, eta_d, prices, out):
    """Sorted distinct candidate values of the storage value; returns their count.

    A day has few distinct prices (a handful of tariff periods), so the levels
    are built from those rather than from every hour.
    """
    n_p = 0
    for j in range(p_row.shape[0]):
        n_p = _insert_distinct(prices, n_p, p_row[j])
        n_p = _insert_distinct(prices, n_p, s_row[j])
    m = _insert_distinct(out, 0, 0.0)
    for i in range(n_p):
        m = _insert_distinct(out, m, prices[i] * eta_d)
        m = _insert_distinct(out, m, prices[i] / eta_c)
    # insertion sort: m is small
    for i in range(1, m):
        v = out[i]
        j = i - 1
        while j >= 0 and out[j] > v:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = v
    return m


@nb.njit(cache=True)
def _local_value(lam, n, p, s, x, c0, c1, c2, d1, d2, d3, eta_c, eta_d):
    """m(lam) = min_{c,d in [0,P]} phi(n + c - d) - lam eta_c c + lam / eta_d d."""
    a = eta_c * lam
    b = lam / eta_d
    cg = min(0.0, -a) * c0 + min(0.0, s - a) * c1 + min(0.0, p - a) * c2
    dg = min(0.0, b - p) * d1 + min(0.0, b - s) * d2 + min(0.0, b) * d3
    return _phi(n, p, s, x) + min(cg, dg)


@nb.njit(cache=True, parallel=True)
def _solve_days_kernel(net, imp, exp, xcap, e_kwh, p_kw, eta_c, eta_d, primal):
    n_days, n_hours = net.shape
    cost = np.empty(n_days)
    mu = np.empty((n_days, n_hours))
    rho_p = np.zeros(n_days)
    rho_e = np.zeros(n_days)
    bad = np.zeros(n_days, dtype=np.bool_)
    if primal:
        charge = np.zeros((n_days, n_hours))
        discharge = np.zeros((n_days, n_hours))
    else:
        charge = np.zeros((1, 1))
        discharge = np.zeros((1, 1))
    kmax = 4 * n_hours + 1
    for i in nb.prange(n_days):
        x = xcap[i]
        e_true = e_kwh[i]
        p_true = p_kw[i]
        sig = np.empty(kmax)
        prices = np.empty(2 * n_hours)
        n_lvl = _slope_levels(imp[i], exp[i], eta_c, eta_d, prices, sig)
        # Dual of a zero battery is degenerate: read it from a vanishing battery.
        if p_true <= 0.0 or e_true <= 0.0:
            scale = 0.0
            for j in range(n_hours):
                scale = max(scale, abs(net[i, j]))
            p_dp = _EPS_POWER_REL * (1.0 + scale)
            e_dp = p_dp * _EPS_DURATION_H
        else:
            p_dp = p_true
            e_dp = e_true
        # Forward Viterbi over lambda in the slope levels.
        f = np.empty((n_hours, n_lvl))
        for j in range(n_hours):
            nj = net[i, j]
            pj = imp[i, j]
            sj = exp[i, j]
            c0, c1, c2, d1, d2, d3 = _tiers(nj, p_dp, x)
            if j == 0:
                for k in range(n_lvl):
                    f[j, k] = 0.0
            else:
                best = -np.inf
                for k in range(n_lvl - 1, -1, -1):
                    if f[j - 1, k] > best:
                        best = f[j - 1, k]
                    f[j, k] = best
                best = -np.inf
                for k in range(n_lvl):
                    sk = sig[k]
                    t = best - e_dp * sk
                    if t > f[j, k]:
                        f[j, k] = t
                    g = f[j - 1, k] + e_dp * sk
                    if g > best:
                        best = g
            for k in range(n_lvl):
                f[j, k] += _local_value(sig[k], nj, pj, sj, x, c0, c1, c2, d1, d2, d3,
                                        eta_c, eta_d)
        # Terminal term E min(0, lambda_H) vanishes because every level is >= 0.
        kb = 0
        v_opt = -np.inf
        for k in range(n_lvl):
            if f[n_hours - 1, k] > v_opt:
                v_opt = f[n_hours - 1, k]
                kb = k
        lam = np.empty(n_hours)
        lam[n_hours - 1] = sig[kb]
        for j in range(n_hours - 2, -1, -1):
            nxt = lam[j + 1]
            vb = -np.inf
            for k in range(n_lvl):
                v = f[j, k] + e_dp * min(0.0, sig[k] - nxt)
                if v > vb:
                    vb = v
                    kb = k
            lam[j] = sig[kb]
        # Value at the true battery size.
        if p_true <= 0.0 or e_true <= 0.0:
            tot = 0.0
            for j in range(n_hours):
                tot += _phi(net[i, j], imp[i, j], exp[i, j], x)
            cost[i] = tot
        else:
            cost[i] = v_opt
        # Subgradients from the local duals at the optimal lambda.
        re = 0.0
        for j in range(n_hours - 1):
            re += min(0.0, lam[j] - lam[j + 1])
        rho_e[i] = re
        rp = 0.0
        for j in range(n_hours):
            m_j, r_j = _local_dual(lam[j], net[i, j], imp[i, j], exp[i, j], x, p_true,
                                   eta_c, eta_d)
            mu[i, j] = m_j
            rp += r_j
        rho_p[i] = rp
        if primal and p_true > 0.0 and e_true > 0.0:
            _recover_primal(i, lam, net, imp, exp, x, e_true, p_true, eta_c, eta_d,
                            charge, discharge)
            pc = 0.0
            for j in range(n_hours):
                pc += _phi(net[i, j] + charge[i, j] - discharge[i, j], imp[i, j], exp[i, j], x)
            bad[i] = abs(pc - cost[i]) > _CHECK_REL * (1.0 + abs(cost[i]))
    return cost, mu, rho_p, rho_e, charge, discharge, bad


@nb.njit(cache=True)
def _local_dual(lam, n, p, s, x, p_kw, eta_c, eta_d):
    """Marginal cost of net load ``mu`` and of battery power for one hour.

    Chooses the local optimum (strict tiers only) and a multiplier ``mu`` that
    satisfies the hour's KKT conditions at ``lam``; returns (mu, d cost / d P).
    """
    a = eta_c * lam
    b = lam / eta_d
    c0, c1, c2, d1, d2, d3 = _tiers(n, p_kw, x)
    thr_a = a - _TOL * (1.0 + abs(a))
    thr_b = b + _TOL * (1.0 + abs(b))
    c = 0.0
    if thr_a > 0.0:
        c += c0
    if s < thr_a:
        c += c1
    if p < thr_a:
        c += c2
    d = 0.0
    if c == 0.0:
        if p > thr_b:
            d += d1
        if s > thr_b:
            d += d2
        if thr_b < 0.0:
            d += d3
    g = n + c - d
    lo = _dphi_minus(g, p, s, x)
    hi = _dphi_plus(g, p, s, x)
    at_cap_c = c >= p_kw - _TOL * (1.0 + p_kw)
    at_cap_d = d >= p_kw - _TOL * (1.0 + p_kw)
    # Interval of admissible mu: d phi(g), intersected with the conditions of c, d.
    if c > 0.0 and not at_cap_c:
        mu = a
    elif d > 0.0 and not at_cap_d:
        mu = b
    else:
        if not at_cap_c:
            lo = max(lo, a)
        if not at_cap_d:
            hi = min(hi, b)
        mu = lo if lo <= hi else hi
    alpha = 0.0
    if at_cap_c:
        alpha += max(0.0, a - mu)
    if at_cap_d:
        alpha += max(0.0, mu - b)
    return mu, -alpha


@nb.njit(cache=True)
def _recover_primal(i, lam, net, imp, exp, x, e_kwh, p_kw, eta_c, eta_d, charge, discharge):
    """A primal dispatch complementary to ``lam`` (exists by LP duality)."""
    h = lam.shape[0]
    dlo = np.empty(h)
    dhi = np.empty(h)
    for j in range(h):
        n = net[i, j]
        p = imp[i, j]
        s = exp[i, j]
        a = eta_c * lam[j]
        b = lam[j] / eta_d
        c0, c1, c2, d1, d2, d3 = _tiers(n, p_kw, x)
        ta = _TOL * (1.0 + abs(a))
        tb = _TOL * (1.0 + abs(b))
        cs = 0.0
        ct = 0.0
        for sl, ln in ((0.0, c0), (s, c1), (p, c2)):
            if sl < a - ta:
                cs += ln
            elif sl <= a + ta:
                ct += ln
        ds = 0.0
        dt = 0.0
        for vl, ln in ((p, d1), (s, d2), (0.0, d3)):
            if vl > b + tb:
                ds += ln
            elif vl >= b - tb:
                dt += ln
        if cs > 0.0:
            dlo[j] = eta_c * cs
            dhi[j] = eta_c * (cs + ct)
        elif ds > 0.0:
            dlo[j] = -(ds + dt) / eta_d
            dhi[j] = -ds / eta_d
        else:
            dlo[j] = -dt / eta_d
            dhi[j] = eta_c * ct
    lo = np.empty(h + 1)
    hi = np.empty(h + 1)
    lo[0] = 0.0
    hi[0] = 0.0
    tol_e = _TOL * (1.0 + e_kwh) * 10.0
    for j in range(h):
        l_new = max(lo[j] + dlo[j], 0.0)
        h_new = min(hi[j] + dhi[j], e_kwh)
        nxt = lam[j + 1] if j + 1 < h else 0.0
        tl = _TOL * (1.0 + abs(lam[j]))
        if lam[j] < nxt - tl:
            l_new = e_kwh if h_new >= e_kwh - tol_e else h_new
            h_new = l_new
        elif lam[j] > nxt + tl:
            h_new = 0.0 if l_new <= tol_e else l_new
            l_new = h_new
        if l_new > h_new:
            l_new = h_new
        lo[j + 1] = l_new
        hi[j + 1] = h_new
    soc_next = lo[h]
    for j in range(h - 1, -1, -1):
        cand = max(lo[j], soc_next - dhi[j])
        cand = min(cand, hi[j], soc_next - dlo[j])
        cand = max(cand, 0.0)
        delta = soc_next - cand
        if delta > 0.0:
            charge[i, j] = min(delta / eta_c, p_kw)
        elif delta < 0.0:
            discharge[i, j] = min(-delta * eta_d, p_kw)
        soc_next = cand


def solve_days(
    net_kw: np.ndarray,
    import_price: np.ndarray,
    export_price: np.ndarray,
    export_cap_kw: np.ndarray,
    battery_kwh: np.ndarray,
    battery_kw: np.ndarray,
    eta_charge: float,
    eta_discharge: float,
    primal: bool = False,
) -> DayDispatch:
    """Solve the daily dispatch LP exactly for many day-instances.

    Parameters
    ----------
    net_kw : ndarray, shape (D, H)
        Load minus PV output in each hour [kW]; negative is surplus.
    import_price, export_price : ndarray, shape (D, H)
        Grid import price and export price [currency/kWh]; ``0 <= export <= import``.
    export_cap_kw : ndarray, shape (D,)
        Maximum export [kW]; ``np.inf`` for none. Surplus above it is curtailed.
    battery_kwh, battery_kw : ndarray, shape (D,)
        Usable energy [kWh] and power (both directions) [kW] of the battery.
    eta_charge, eta_discharge : float
        One-way efficiencies; their product is the round-trip efficiency.
    primal : bool
        Also return a cost-optimal charge/discharge schedule.

    Returns
    -------
    DayDispatch

    Notes
    -----
    The returned ``cost`` equals the LP optimum to floating-point accuracy (tested
    against HiGHS). ``mu``, ``rho_power`` and ``rho_energy`` form a subgradient of
    the daily cost as a function of the net load, battery power and battery energy:
    for any other inputs ``n'``, ``P'``, ``E'`` (same prices)
    ``cost(n', P', E') >= cost + mu . (n' - n) + rho_power (P' - P) + rho_energy (E' - E)``.
    """
    net = np.ascontiguousarray(net_kw, dtype=np.float64)
    imp = np.ascontiguousarray(np.broadcast_to(import_price, net.shape), dtype=np.float64)
    exp = np.ascontiguousarray(np.broadcast_to(export_price, net.shape), dtype=np.float64)
    n_days = net.shape[0]
    cap = np.ascontiguousarray(np.broadcast_to(export_cap_kw, (n_days,)), dtype=np.float64)
    e_kwh = np.ascontiguousarray(np.broadcast_to(battery_kwh, (n_days,)), dtype=np.float64)
    p_kw = np.ascontiguousarray(np.broadcast_to(battery_kw, (n_days,)), dtype=np.float64)
    cost, mu, rho_p, rho_e, ch, dis, bad = _solve_days_kernel(
        net, imp, exp, cap, e_kwh, p_kw, float(eta_charge), float(eta_discharge), primal
    )
    if not primal:
        return DayDispatch(cost, mu, rho_p, rho_e)
    # At an exact kink of the day's value (two slope levels equal up to round-off) the
    # complementary-slackness system can be ill-posed; such days are re-solved with prices
    # moved by a few parts in 1e8, whose optimum is unique and within that of the true one.
    for factor in (1.0 + 3e-8, 1.0 - 5e-8, 1.0 + 2e-7):
        idx = np.nonzero(bad)[0]
        if not idx.size:
            break
        _, _, _, _, ch2, dis2, bad2 = _solve_days_kernel(
            net[idx], imp[idx] * factor, exp[idx], cap[idx], e_kwh[idx], p_kw[idx],
            float(eta_charge), float(eta_discharge), True)
        ch[idx], dis[idx] = ch2, dis2
        bad[idx] = bad2
    totals = _day_totals(net, imp, exp, cap, ch, dis)
    return DayDispatch(cost, mu, rho_p, rho_e, ch, dis, totals)
