"""Exact least-cost battery dispatch of many independent chains (one chain = one year).

This is carbonpath's inner loop. Each *instance* (one year of one candidate plan, or
any chain of ``H`` hours) is a linear programme::

    min  sum_h phi_h(n_h + c_h - d_h)
    s.t. soc_{h+1} = soc_h + eta_c c_h - d_h / eta_d   (h = 0 .. H-1),
         soc_H = soc_0                                (cyclic),
         0 <= soc_h <= E,  0 <= c_h, d_h <= P,

where ``n_h`` is the net load (load minus PV) [kW, i.e. kWh in one hour], ``phi_h``
the hourly grid cost: import at ``p_h``, export up to ``x`` kW at ``s_h``, surplus
beyond ``x`` curtailed at no value. ``phi_h`` is convex because ``0 <= s_h <= p_h``.

Boundary convention (documented in ``docs/method.md``): the state of charge runs
through the whole chain (a year: 8760 hours, across days and weeks) and is *cyclic*:
the year ends with the energy it started with, whose level is itself optimised (as
PyPSA's ``cyclic_state_of_charge`` and REopt do). Energy is thus carried from a sunny
Sunday into Monday, and no stored energy is created or lost at the year's boundary.
Charging and discharging in the same hour is allowed by the LP but never optimal when
``s_h >= 0``; the recovered primal never does it.

Method. The LP dual is a cycle over the marginal value of stored energy ``lambda_h``::

    max  sum_h m_h(lambda_h) + E sum_h min(0, lambda_{h-1} - lambda_h)   (h-1 taken mod H)

with ``m_h`` the hour's local dual function. Its optimum can be taken from the finite
set of *slope levels* ``{0, s eta_d, s / eta_c, p eta_d, p / eta_c}`` of the chain's
prices (every breakpoint of the dual function is one of them), so the dual is solved
exactly by a Viterbi-type dynamic programme with one state per level. On a cycle the
first and last states must agree: the programme is run from every start level *in lock
step* (max-plus linear algebra: the value is the trace of the chain's transfer matrix),
and as soon as all start levels give the same forward vector up to a constant (the
chain has *coupled*: typically within the first day, once the battery is empty or full
whatever it held at the start) only one vector is carried on, the constants remembered.
Max-plus maps do not expand sup-norm differences, so stopping at a spread below a
few hundred ulps changes the value by no more than that. Strong duality makes the
value exact. The optimal dual gives, hour by hour, the marginal cost of net load
``mu_h`` and of battery power and energy: the subgradients that the planner uses as
outer-approximation cuts. A primal dispatch is recovered from the dual by
complementary slackness (interval propagation of the state of charge, started at an
hour where the dual pins the battery empty or full) and its cost checked against the
dual value.

Cost. With ``K`` slope levels and coupling after ``J`` hours: ``O(K^2 J + K H)`` per
instance (a TOU year has ~9-20 levels and couples within a day). Prices that differ in
most hours (``K`` in the thousands) would make the programme slow; instances with more
than :data:`MAX_LEVELS` levels are solved as an LP by HiGHS instead (exact, ~0.1-1 s
each).

The kernel is compiled with numba: one compiled loop over hours inside each chain,
chains in parallel. It never loops in Python over hours or years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

# Battery size used to read an informative dual when the real battery is zero (shared with
# the LP path); the LP path of a chain with many prices or a demand charge.
from models.chain_lp import _EPS_DURATION_H, _EPS_POWER_REL, demand_excess_kw
from models.chain_lp import lp_chain as _lp_chain

__all__ = ["MAX_LEVELS", "ChainDispatch", "demand_excess_kw", "solve_chains"]

#: Relative tolerance for "equal" slope levels: it only absorbs round-off (a level computed as
#: (p / eta_c) * eta_c is p to a few ulps). Larger values merge levels that genuinely differ
#: near a kink and break the primal recovery.
_TOL = 1e-12
#: A recovered chain whose cost differs from the dual value by more than this (relative) is
#: re-solved with slightly perturbed prices.
_CHECK_REL = 1e-9
#: Forward vectors of two start levels are "parallel" (the cycle has coupled) when their
#: difference varies by less than this times their magnitude (a few hundred ulps).
_COUPLE_REL = 1e-13
#: Most distinct prices (import and export together) a chain may have for the slope-level
#: programme; a chain with more is solved as an LP by HiGHS.
MAX_DISTINCT_PRICES = 256
#: Most slope levels of a chain (0 and two per distinct price).
MAX_LEVELS = 2 * MAX_DISTINCT_PRICES + 1


@dataclass(frozen=True)
class ChainDispatch:
    """Result of :func:`solve_chains` for ``D`` cyclic chains of ``H`` hours.

    Attributes
    ----------
    cost : ndarray, shape (D,)
        Optimal grid cost of each chain (import cost minus export revenue) [currency].
    mu : ndarray, shape (D, H)
        Marginal cost of one more kWh of net load in each hour [currency/kWh].
    rho_power : ndarray, shape (D,)
        Subgradient of the chain's cost with respect to battery power [currency/kW].
    rho_energy : ndarray, shape (D,)
        Subgradient of the chain's cost with respect to battery energy [currency/kWh].
    charge_kw, discharge_kw : ndarray, shape (D, H) or None
        A cost-optimal cyclic dispatch (grid side of the battery) when ``primal=True``.
    totals : ndarray, shape (D, 6) or None
        Per chain of that dispatch: import [kWh], export [kWh], curtailed [kWh], import
        cost and export revenue at the prices given [currency], peak import [kW].
    month_peak_kw : ndarray, shape (D, M) or None
        Peak import of each month of that dispatch [kW].
    """

    cost: np.ndarray
    mu: np.ndarray
    rho_power: np.ndarray
    rho_energy: np.ndarray
    charge_kw: np.ndarray | None = None
    discharge_kw: np.ndarray | None = None
    totals: np.ndarray | None = None
    month_peak_kw: np.ndarray | None = None


@nb.njit(cache=True, parallel=True)
def _chain_totals(net, imp, exp, xcap, charge, discharge, month, n_months):
    """Import, export, curtailment, their money and the peak import of each chain,
    and the peak import of each month (``month[j]`` is hour ``j``'s month index)."""
    n_inst, n_hours = net.shape
    out = np.zeros((n_inst, 6))
    peaks = np.zeros((n_inst, n_months))
    for i in nb.prange(n_inst):
        x = xcap[i]
        for j in range(n_hours):
            g = net[i, j] + charge[i, j] - discharge[i, j]
            if g > 0.0:
                out[i, 0] += g
                out[i, 3] += imp[i, j] * g
                if g > out[i, 5]:
                    out[i, 5] = g
                if g > peaks[i, month[j]]:
                    peaks[i, month[j]] = g
            else:
                e = min(-g, x)
                out[i, 1] += e
                out[i, 2] += -g - e
                out[i, 4] += exp[i, j] * e
    return out, peaks


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

    A tariff has few distinct prices in a year, so the levels are built from those
    rather than from every hour. Returns -1 if there are more than ``prices.size``.
    """
    n_p = 0
    cap = prices.shape[0] - 1  # one slot spare: an insertion beyond the cap is detected
    last_p = np.nan
    last_s = np.nan
    for j in range(p_row.shape[0]):
        # Consecutive hours usually share their prices: skip the search then.
        if p_row[j] != last_p:
            last_p = p_row[j]
            n_p = _insert_distinct(prices, n_p, last_p)
        if s_row[j] != last_s:
            last_s = s_row[j]
            n_p = _insert_distinct(prices, n_p, last_s)
        if n_p > cap:
            return -1
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


@nb.njit(cache=True, inline="always")
def _fill_local(loc, ac, bd, n_lvl, n, p, s, x, p_kw):
    """Local dual values of one hour at every slope level.

    ``loc[k] = m(sigma_k) = min_{c,d in [0,P]} phi(n + c - d) - sigma_k eta_c c
    + sigma_k / eta_d d``, with ``ac = eta_c sigma`` and ``bd = sigma / eta_d``: each
    tier of charge (or discharge) is taken if its price is below (above) the level.
    """
    c0, c1, c2, d1, d2, d3 = _tiers(n, p_kw, x)
    base = _phi(n, p, s, x)
    for k in range(n_lvl):
        a = ac[k]
        b = bd[k]
        cg = min(0.0, -a) * c0 + min(0.0, s - a) * c1 + min(0.0, p - a) * c2
        dg = min(0.0, b - p) * d1 + min(0.0, b - s) * d2 + min(0.0, b) * d3
        loc[k] = base + min(cg, dg)


@nb.njit(cache=True, inline="always")
def _step(src, js, dst, jd, sig, e, loc, n_lvl):
    """One hour of the max-plus recursion over slope levels, row ``js`` -> row ``jd``.

    ``dst[jd, k] = loc[k] + max_k' (src[js, k'] + e min(0, sig[k'] - sig[k]))`` in O(K): a
    suffix maximum for k' >= k (no penalty) and a running maximum of
    ``src[js, k'] + e sig[k']`` for k' < k. Rows are passed by index (no views).
    """
    best = -np.inf
    for k in range(n_lvl - 1, -1, -1):
        if src[js, k] > best:
            best = src[js, k]
        dst[jd, k] = best
    best = -np.inf
    for k in range(n_lvl):
        sk = sig[k]
        t = best - e * sk
        v = dst[jd, k]
        if t > v:
            v = t
        dst[jd, k] = v + loc[k]
        g = src[js, k] + e * sk
        if g > best:
            best = g


@nb.njit(cache=True, parallel=True)
def _chains_kernel(net, imp, exp, xcap, e_kwh, p_kw, eta_c, eta_d, primal):
    n_inst, n_hours = net.shape
    cost = np.full(n_inst, np.nan)
    mu = np.zeros((n_inst, n_hours))
    rho_p = np.zeros(n_inst)
    rho_e = np.zeros(n_inst)
    bad = np.zeros(n_inst, dtype=np.bool_)
    many = np.zeros(n_inst, dtype=np.bool_)
    coupled = np.zeros(n_inst, dtype=np.int64)
    if primal:
        charge = np.zeros((n_inst, n_hours))
        discharge = np.zeros((n_inst, n_hours))
    else:
        charge = np.zeros((1, 1))
        discharge = np.zeros((1, 1))
    for i in nb.prange(n_inst):
        x = xcap[i]
        e_true = e_kwh[i]
        p_true = p_kw[i]
        prices = np.empty(MAX_DISTINCT_PRICES + 1)
        sig_buf = np.empty(MAX_LEVELS)
        n_lvl = _slope_levels(imp[i], exp[i], eta_c, eta_d, prices, sig_buf)
        if n_lvl < 0:
            many[i] = True
            continue
        sig = sig_buf[:n_lvl].copy()
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
        ac = eta_c * sig
        bd = sig / eta_d
        loc = np.empty(n_lvl)
        # Forward vectors from every start level in lock step until they are parallel.
        f = np.empty((n_hours, n_lvl))
        g = np.full((n_lvl, n_lvl), -np.inf)
        g2 = np.empty((n_lvl, n_lvl))
        _fill_local(loc, ac, bd, n_lvl, net[i, 0], imp[i, 0], exp[i, 0], x, p_dp)
        for a in range(n_lvl):
            g[a, a] = loc[a]
        stop = n_hours  # first hour from which only one vector is carried
        shift = np.zeros(n_lvl)
        for j in range(1, n_hours):
            _fill_local(loc, ac, bd, n_lvl, net[i, j], imp[i, j], exp[i, j], x, p_dp)
            if stop < n_hours:
                _step(f, j - 1, f, j, sig, e_dp, loc, n_lvl)
                continue
            for a in range(n_lvl):
                _step(g, a, g2, a, sig, e_dp, loc, n_lvl)
            g, g2 = g2, g
            mag = 0.0
            for k in range(n_lvl):
                mag = max(mag, abs(g[0, k]))
            tol = _COUPLE_REL * (1.0 + mag)
            ok = True
            for a in range(1, n_lvl):
                d0 = g[a, 0] - g[0, 0]
                for k in range(1, n_lvl):
                    if abs(g[a, k] - g[0, k] - d0) > tol:
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                stop = j
                for a in range(n_lvl):
                    shift[a] = g[a, 0] - g[0, 0]
                for k in range(n_lvl):
                    f[j, k] = g[0, k]
        coupled[i] = stop
        # Close the cycle: the last level links back to the start level.
        v_opt = -np.inf
        a_best = 0
        for a in range(n_lvl):
            best = -np.inf
            for k in range(n_lvl):
                val = f[n_hours - 1, k] + shift[a] if stop < n_hours else g[a, k]
                val += e_dp * min(0.0, sig[k] - sig[a])
                if val > best:
                    best = val
            if best > v_opt:
                v_opt = best
                a_best = a
        # Forward vectors of the best start level for the hours before coupling.
        _fill_local(loc, ac, bd, n_lvl, net[i, 0], imp[i, 0], exp[i, 0], x, p_dp)
        for k in range(n_lvl):
            f[0, k] = -np.inf
        f[0, a_best] = loc[a_best]
        for j in range(1, stop):
            _fill_local(loc, ac, bd, n_lvl, net[i, j], imp[i, j], exp[i, j], x, p_dp)
            _step(f, j - 1, f, j, sig, e_dp, loc, n_lvl)
        # Backtrack (after coupling the vectors differ from the best start's by a constant).
        lam = np.empty(n_hours)
        nxt = sig[a_best]
        for j in range(n_hours - 1, -1, -1):
            vb = -np.inf
            kb = a_best
            for k in range(n_lvl):
                v = f[j, k] + e_dp * min(0.0, sig[k] - nxt)
                if v > vb:
                    vb = v
                    kb = k
            lam[j] = sig[kb]
            nxt = lam[j]
        # Value at the true battery size.
        if p_true <= 0.0 or e_true <= 0.0:
            tot = 0.0
            for j in range(n_hours):
                tot += _phi(net[i, j], imp[i, j], exp[i, j], x)
            cost[i] = tot
        else:
            cost[i] = v_opt
        # Subgradients from the local duals at the optimal lambda (the cycle closes).
        re = min(0.0, lam[n_hours - 1] - lam[0])
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
            okp = _recover_primal(i, lam, net, imp, exp, x, e_true, p_true, eta_c, eta_d,
                                  charge, discharge)
            pc = 0.0
            for j in range(n_hours):
                pc += _phi(net[i, j] + charge[i, j] - discharge[i, j], imp[i, j], exp[i, j], x)
            bad[i] = (not okp) or abs(pc - cost[i]) > _CHECK_REL * (1.0 + abs(cost[i]))
    return cost, mu, rho_p, rho_e, charge, discharge, bad, many, coupled


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
    """A cyclic primal dispatch complementary to ``lam`` (exists by LP duality).

    Each hour allows a range [dlo, dhi] of change of the state of charge (strict tiers
    forced, tied tiers free). Where lambda changes between two hours the battery is
    pinned full (lambda rises) or empty (it falls): the propagation starts there and
    must return there. Returns False if no pin exists and the tied hours cannot close
    the cycle.
    """
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
    tol_e = _TOL * (1.0 + e_kwh) * 10.0
    start = -1
    s0 = 0.0
    for t in range(h):
        nx = lam[(t + 1) % h]
        tl = _TOL * (1.0 + abs(lam[t]))
        if lam[t] < nx - tl:
            start = (t + 1) % h
            s0 = e_kwh
            break
        if lam[t] > nx + tl:
            start = (t + 1) % h
            s0 = 0.0
            break
    if start < 0:
        # No pin: lambda is the same all through. Close the cycle with the same share
        # theta of every hour's free range, and start low enough to stay within [0, E].
        slo = 0.0
        shi = 0.0
        for j in range(h):
            slo += dlo[j]
            shi += dhi[j]
        if slo > tol_e or shi < -tol_e:
            return False
        theta = 0.0
        if shi - slo > 0.0:
            theta = min(max(-slo / (shi - slo), 0.0), 1.0)
        level = 0.0
        low = 0.0
        high = 0.0
        for j in range(h):
            delta = dlo[j] + theta * (dhi[j] - dlo[j])
            level += delta
            low = min(low, level)
            high = max(high, level)
            if delta > 0.0:
                charge[i, j] = min(delta / eta_c, p_kw)
            elif delta < 0.0:
                discharge[i, j] = min(-delta * eta_d, p_kw)
        return high - low <= e_kwh + tol_e
    lo = np.empty(h + 1)
    hi = np.empty(h + 1)
    lo[0] = s0
    hi[0] = s0
    for r in range(h):
        j = (start + r) % h
        l_new = max(lo[r] + dlo[j], 0.0)
        h_new = min(hi[r] + dhi[j], e_kwh)
        nxt = lam[(j + 1) % h]
        tl = _TOL * (1.0 + abs(lam[j]))
        if lam[j] < nxt - tl:
            l_new = e_kwh if h_new >= e_kwh - tol_e else h_new
            h_new = l_new
        elif lam[j] > nxt + tl:
            h_new = 0.0 if l_new <= tol_e else l_new
            l_new = h_new
        if l_new > h_new:
            l_new = h_new
        lo[r + 1] = l_new
        hi[r + 1] = h_new
    soc_next = s0
    for r in range(h - 1, -1, -1):
        j = (start + r) % h
        cand = max(lo[r], soc_next - dhi[j])
        cand = min(cand, hi[r], soc_next - dlo[j])
        cand = max(cand, 0.0)
        delta = soc_next - cand
        if delta > 0.0:
            charge[i, j] = min(delta / eta_c, p_kw)
        elif delta < 0.0:
            discharge[i, j] = min(-delta * eta_d, p_kw)
        soc_next = cand
    return True


def solve_chains(
    net_kw: np.ndarray,
    import_price: np.ndarray,
    export_price: np.ndarray,
    export_cap_kw: np.ndarray,
    battery_kwh: np.ndarray,
    battery_kw: np.ndarray,
    eta_charge: float,
    eta_discharge: float,
    primal: bool = False,
    *,
    month_of_hour: np.ndarray | None = None,
    demand_slope_cny_per_kw: np.ndarray | float = 0.0,
    demand_threshold_kw: np.ndarray | float = 0.0,
) -> ChainDispatch:
    """Solve the cyclic dispatch LP exactly for many chains (e.g. one per plan and year).

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
    month_of_hour : ndarray of int, shape (H,), optional
        Month index (0-based) of each hour, for monthly peaks (default: one month).
    demand_slope_cny_per_kw : float or ndarray (D,)
        Demand charge per kW of each month's billed excess demand [currency/kW]. Chains
        with a positive slope are solved as an LP by HiGHS (the monthly peak couples the
        hours of a month, which the slope-level programme does not represent); their
        ``cost`` includes ``slope x sum_m max(0, peak_m - threshold)``.
    demand_threshold_kw : float or ndarray (D,)
        Demand billed at no extra charge in each month [kW].

    Returns
    -------
    ChainDispatch

    Notes
    -----
    Each row is one chain whose state of charge is cyclic (its last hour feeds its
    first). The returned ``cost`` equals the LP optimum to floating-point accuracy
    (tested against HiGHS). ``mu``, ``rho_power`` and ``rho_energy`` form a subgradient
    of the chain's cost as a function of the net load, battery power and battery energy:
    for any other inputs ``n'``, ``P'``, ``E'`` (same prices)
    ``cost(n', P', E') >= cost + mu . (n' - n) + rho_power (P' - P) + rho_energy (E' - E)``.
    """
    net = np.ascontiguousarray(net_kw, dtype=np.float64)
    imp = np.ascontiguousarray(np.broadcast_to(import_price, net.shape), dtype=np.float64)
    exp = np.ascontiguousarray(np.broadcast_to(export_price, net.shape), dtype=np.float64)
    n_inst = net.shape[0]
    cap = np.ascontiguousarray(np.broadcast_to(export_cap_kw, (n_inst,)), dtype=np.float64)
    e_kwh = np.ascontiguousarray(np.broadcast_to(battery_kwh, (n_inst,)), dtype=np.float64)
    p_kw = np.ascontiguousarray(np.broadcast_to(battery_kw, (n_inst,)), dtype=np.float64)
    eta_c, eta_d = float(eta_charge), float(eta_discharge)
    n_hours = net.shape[1]
    month = (np.zeros(n_hours, dtype=np.int64) if month_of_hour is None
             else np.ascontiguousarray(month_of_hour, dtype=np.int64))
    slope = np.broadcast_to(np.asarray(demand_slope_cny_per_kw, dtype=float), (n_inst,))
    thr = np.broadcast_to(np.asarray(demand_threshold_kw, dtype=float), (n_inst,))
    peaked = slope > 0.0
    if peaked.any():
        # Only the chains without a demand charge go through the kernel.
        rest = np.nonzero(~peaked)[0]
        cost = np.empty(n_inst)
        mu = np.empty_like(net)
        rho_p = np.empty(n_inst)
        rho_e = np.empty(n_inst)
        ch = np.zeros_like(net)
        dis = np.zeros_like(net)
        if rest.size:
            sub = solve_chains(net[rest], imp[rest], exp[rest], cap[rest], e_kwh[rest],
                               p_kw[rest], eta_c, eta_d, primal, month_of_hour=month)
            cost[rest], mu[rest], rho_p[rest], rho_e[rest] = (sub.cost, sub.mu, sub.rho_power,
                                                              sub.rho_energy)
            if primal:
                ch[rest], dis[rest] = sub.charge_kw, sub.discharge_kw
        for i in np.nonzero(peaked)[0]:
            cost[i], mu[i], rho_p[i], rho_e[i], ch[i], dis[i] = _lp_chain(
                net[i], imp[i], exp[i], cap[i], e_kwh[i], p_kw[i], eta_c, eta_d,
                month, slope[i], thr[i])
        if not primal:
            return ChainDispatch(cost, mu, rho_p, rho_e)
        totals, peaks = _chain_totals(net, imp, exp, cap, ch, dis, month, int(month.max()) + 1)
        return ChainDispatch(cost, mu, rho_p, rho_e, ch, dis, totals, peaks)
    cost, mu, rho_p, rho_e, ch, dis, bad, many, _ = _chains_kernel(
        net, imp, exp, cap, e_kwh, p_kw, eta_c, eta_d, primal)
    for i in np.nonzero(many)[0]:
        cost[i], mu[i], rho_p[i], rho_e[i], c_i, d_i = _lp_chain(
            net[i], imp[i], exp[i], cap[i], e_kwh[i], p_kw[i], eta_c, eta_d)
        if primal:
            ch[i], dis[i] = c_i, d_i
    if not primal:
        return ChainDispatch(cost, mu, rho_p, rho_e)
    # At an exact kink of the value (two slope levels equal up to round-off) the
    # complementary-slackness system can be ill-posed; such chains are re-solved with prices
    # moved by a few parts in 1e8, whose optimum is unique and within that of the true one.
    for factor in (1.0 + 3e-8, 1.0 - 5e-8, 1.0 + 2e-7):
        idx = np.nonzero(bad)[0]
        if not idx.size:
            break
        _, _, _, _, ch2, dis2, bad2, _, _ = _chains_kernel(
            net[idx], imp[idx] * factor, exp[idx], cap[idx], e_kwh[idx], p_kw[idx],
            eta_c, eta_d, True)
        ch[idx], dis[idx] = ch2, dis2
        bad[idx] = bad2
    # Last resort for a chain whose dual leaves the dispatch ill-posed: the LP's own primal.
    for i in np.nonzero(bad)[0]:
        _, _, _, _, ch[i], dis[i] = _lp_chain(net[i], imp[i], exp[i], cap[i], e_kwh[i],
                                              p_kw[i], eta_c, eta_d)
    totals, peaks = _chain_totals(net, imp, exp, cap, ch, dis, month, int(month.max()) + 1)
    return ChainDispatch(cost, mu, rho_p, rho_e, ch, dis, totals, peaks)


def coupling_hours(net_kw, import_price, export_price, export_cap_kw, battery_kwh,
                   battery_kw, eta_charge, eta_discharge) -> np.ndarray:
    """Hour after which each chain's forward vectors were parallel (diagnostic, tests)."""
    net = np.ascontiguousarray(net_kw, dtype=np.float64)
    n_inst = net.shape[0]
    out = _chains_kernel(
        net, np.ascontiguousarray(np.broadcast_to(import_price, net.shape), dtype=np.float64),
        np.ascontiguousarray(np.broadcast_to(export_price, net.shape), dtype=np.float64),
        np.ascontiguousarray(np.broadcast_to(export_cap_kw, (n_inst,)), dtype=np.float64),
        np.ascontiguousarray(np.broadcast_to(battery_kwh, (n_inst,)), dtype=np.float64),
        np.ascontiguousarray(np.broadcast_to(battery_kw, (n_inst,)), dtype=np.float64),
        float(eta_charge), float(eta_discharge), False)
    return out[-1]
