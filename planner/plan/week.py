"""One typical week of a plan's hourly operation, taken from the exact year's dispatch.

The report draws it; computing it (and, when the plan kept no hourly arrays, dispatching
that year again with the hourly model) belongs here, before the report, which only
formats.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from models.hourly import evaluate
from planner.plan.results import Plan

__all__ = ["typical_week"]


def typical_week(plan: Plan, year: int | None = None) -> pd.DataFrame:
    """Hourly operation of one week [kW, kWh] in ``year`` (default: the net-zero target year).

    The week (starting on a day boundary) is the one whose load and PV output are
    closest to the year's weekly averages. Battery state of charge is rebuilt from the
    flows over the whole (cyclic) year: it stores ``eta_c x charge - discharge / eta_d``
    and is shown at the lowest starting level that keeps it non-negative.
    """
    inp = plan.inputs
    years = list(inp.years)
    if year is None:
        year = int(years[inp.target.net_zero_idx])
    if year not in years:
        raise ValueError(f"year {year} is outside the horizon {years[0]}-{years[-1]}")
    y = years.index(year)
    hours = plan.solution.balance.hourly
    if hours is not None:
        h = {k: v[0, y] for k, v in hours.items()}
    else:
        st = plan.solution.state.take(np.array([0]), np.array([y]))
        bal = evaluate(inp.hourly, st, inp.battery.eta_charge, inp.battery.eta_discharge,
                       year_index=np.array([[y]]), balance=True, keep_hours=True).balance
        if bal is None or bal.hourly is None:  # asked for above; a bug if missing
            raise RuntimeError("the hourly model returned no hourly balance")
        h = {k: v[0, 0] for k, v in bal.hourly.items()}
    n_weeks = len(h["load_kw"]) // (24 * 7)
    wk_load = h["load_kw"][: n_weeks * 168].reshape(n_weeks, 168).sum(axis=1)
    wk_pv = h["pv_kw"][: n_weeks * 168].reshape(n_weeks, 168).sum(axis=1)
    score = np.abs(wk_load / max(wk_load.mean(), 1e-9) - 1.0)
    if wk_pv.mean() > 0:
        score += np.abs(wk_pv / wk_pv.mean() - 1.0)
    w = int(np.argmin(score))
    stored = inp.battery.eta_charge * h["charge_kw"] - h["discharge_kw"] / inp.battery.eta_discharge
    # The state of charge is cyclic over the year: the flows fix it up to its starting
    # level; the lowest level that keeps it >= 0 all year is shown (a feasible one).
    soc = np.cumsum(stored)
    soc -= min(0.0, float(soc.min()))
    sl = slice(w * 168, (w + 1) * 168)
    t0 = dt.datetime(year, 1, 1)
    return pd.DataFrame({
        "time": [t0 + dt.timedelta(hours=int(k)) for k in range(sl.start, sl.stop)],
        "load_kw": h["load_kw"][sl], "pv_kw": h["pv_kw"][sl], "import_kw": h["import_kw"][sl],
        "export_kw": h["export_kw"][sl], "charge_kw": h["charge_kw"][sl],
        "discharge_kw": h["discharge_kw"][sl], "soc_kwh": np.maximum(soc[sl], 0.0),
    })
