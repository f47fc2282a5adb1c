"""Independent reference: the dispatch LP written out for HiGHS (no shared code)."""

from __future__ import annotations

import highspy
import numpy as np


def lp_chain_cost(n, p, s, xcap, e_kwh, p_kw, eta_c, eta_d, cyclic=True):
    """Optimal cost of one chain's dispatch LP.

    ``cyclic``: the state of charge after the last hour equals the one before the first
    (both free in [0, E]); otherwise the chain starts empty with a free end state.
    """
    h = len(n)
    hi = highspy.Highs()
    hi.setOptionValue("output_flag", False)
    hi.setOptionValue("primal_feasibility_tolerance", 1e-10)
    hi.setOptionValue("dual_feasibility_tolerance", 1e-10)
    inf = highspy.kHighsInf
    xc = min(float(xcap), 1e12)
    # columns: import, export, curtail, charge, discharge, soc (end of hour)
    cost = np.concatenate([p, -np.asarray(s), np.zeros(4 * h)])
    ub = np.concatenate([np.full(h, inf), np.full(h, xc), np.full(h, inf),
                         np.full(h, p_kw), np.full(h, p_kw), np.full(h, e_kwh)])
    nv = 6 * h
    hi.addVars(nv, np.zeros(nv), ub)
    hi.changeColsCost(nv, np.arange(nv, dtype=np.int32), cost)

    def col(k, t):
        return k * h + t

    for t in range(h):
        idx = np.array([col(0, t), col(1, t), col(2, t), col(3, t), col(4, t)], dtype=np.int32)
        hi.addRow(n[t], n[t], 5, idx, np.array([1.0, -1.0, -1.0, -1.0, 1.0]))
        if t == 0 and not cyclic:
            idx = np.array([col(5, t), col(3, t), col(4, t)], dtype=np.int32)
            val = np.array([1.0, -eta_c, 1.0 / eta_d])
        elif t == 0 and h == 1:
            idx = np.array([col(3, t), col(4, t)], dtype=np.int32)
            val = np.array([-eta_c, 1.0 / eta_d])
        else:
            prev = t - 1 if t > 0 else h - 1  # cyclic: the first hour follows the last
            idx = np.array([col(5, t), col(5, prev), col(3, t), col(4, t)], dtype=np.int32)
            val = np.array([1.0, -1.0, -eta_c, 1.0 / eta_d])
        hi.addRow(0.0, 0.0, len(idx), idx, val)
    hi.run()
    assert hi.getModelStatus() == highspy.HighsModelStatus.kOptimal
    # HiGHS meets its balance rows only to ~1e-5 kW, which moves its reported objective
    # by ~1e-7 relative; cost its battery flows exactly instead.
    x = np.asarray(hi.getSolution().col_value).reshape(6, h)
    g = np.asarray(n) + x[3] - x[4]
    return float((np.asarray(p) * np.maximum(g, 0.0)
                  - np.asarray(s) * np.minimum(np.maximum(-g, 0.0), xc)).sum())


def lp_day_cost(n, p, s, xcap, e_kwh, p_kw, eta_c, eta_d):
    """Optimal cost of one day that starts empty with a free end state (the old convention)."""
    return lp_chain_cost(n, p, s, xcap, e_kwh, p_kw, eta_c, eta_d, cyclic=False)
