"""Marginal abatement cost curve: the plan's levers by levelised cost, and offset prices.

Each lever the plan uses is a bar: width its tonnes abated over the horizon (with and
without, see :mod:`planner.analysis.finance`), height its levelised abatement cost [CNY/t].
Bars are sorted by cost, so levers that abate at a profit sit left, below zero.
Levers that abate nothing or add emissions (a battery's round-trip losses) have no
cost per tonne and are left off the curve.

Offsets appear as horizontal price lines, levelised the same way as the bars so that
a lever is cheaper than an offset when its bar is below the line:
price = sum_y d_y p_y / sum_y d_y for credits and removals [CNY/t];
for certificates sum_y d_y p_y / sum_y d_y ef_y with ``ef`` the residual grid factor
[CNY/MWh / (t/MWh) = CNY/t], i.e. the cost of the tonnes a certificate avoids; for a
green-power contract the same with its premium, over the years of its term.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.inputs import PlanInputs

__all__ = ["MACC_COLUMNS", "macc_table", "price_lines"]

MACC_COLUMNS = ["kind", "id", "name", "cost_cny_per_t", "abated_t", "x_start_t", "x_end_t"]


def price_lines(inp: PlanInputs) -> pd.DataFrame:
    """Levelised prices of certificates, green-power contracts, credits and removals
    [CNY/t], one row each."""
    dfs = inp.discount_factor_y
    o = inp.offsets
    rows = []
    if o.cert_enabled:
        ef = inp.grid.ef_residual_t_per_mwh_y
        t_disc = float(dfs @ ef)
        if t_disc > 0:
            rows.append(("certificate", "certificates", "Green certificates",
                         float(dfs @ o.cert_price_cny_per_mwh_y) / t_disc))
    g = inp.green
    if g is not None:
        # A contract's premium over its term, per tonne of residual-factor scope 2 it covers.
        ef = inp.grid.ef_residual_t_per_mwh_y
        for k, gid in enumerate(g.ids):
            on = g.active_gy[k]
            t_disc = float(dfs[on] @ ef[on])
            if t_disc > 0:
                rows.append(("green_power", gid, f"Green-power contract {gid}",
                             float(dfs[on] @ g.premium_cny_per_mwh_gy[k, on]) / t_disc))
    for c, cid in enumerate(o.credit_ids):
        rows.append(("credit", cid, f"Credit {cid}",
                     float(dfs @ o.credit_price_cny_per_t_cy[c]) / float(dfs.sum())))
    for r, rid in enumerate(o.removal_ids):
        rows.append(("removal", rid, f"Removal {rid}",
                     float(dfs @ o.removal_price_cny_per_t_ry[r]) / float(dfs.sum())))
    return pd.DataFrame([{"kind": k, "id": i, "name": n, "cost_cny_per_t": p, "abated_t": np.nan,
                          "x_start_t": np.nan, "x_end_t": np.nan} for k, i, n, p in rows],
                        columns=MACC_COLUMNS)


def macc_table(inp: PlanInputs, finance: pd.DataFrame) -> pd.DataFrame:
    """The curve's bars (sorted by cost, cumulative widths) followed by the price lines.

    Parameters
    ----------
    inp : PlanInputs
    finance : DataFrame
        Per-lever finance (:func:`planner.analysis.finance.lever_finance`).

    Returns
    -------
    DataFrame
        Columns :data:`MACC_COLUMNS`; ``kind`` is ``measure``, ``pv`` or ``battery``
        for bars (``x_start_t``..``x_end_t`` their place on the tonnes axis) and
        ``certificate``, ``credit`` or ``removal`` for price lines.
    """
    on = finance[finance["abated_t"] > 0].dropna(subset=["lcoa_cny_per_t"])
    on = on.sort_values(["lcoa_cny_per_t", "lever"], kind="stable")
    width = on["abated_t"].to_numpy(dtype=float)
    end = np.cumsum(width)
    bars = pd.DataFrame({
        "kind": on["kind"].to_numpy(), "id": on["lever"].to_numpy(),
        "name": on["name"].to_numpy(), "cost_cny_per_t": on["lcoa_cny_per_t"].to_numpy(float),
        "abated_t": width, "x_start_t": end - width, "x_end_t": end,
    }, columns=MACC_COLUMNS)
    lines = price_lines(inp)
    if bars.empty:
        return lines
    return pd.concat([bars, lines], ignore_index=True) if not lines.empty else bars
