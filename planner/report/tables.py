"""Rich tables for benchmark and tuning results."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

__all__ = ["bench_tables", "ranking_table"]


def bench_tables(table: pd.DataFrame) -> list[Table]:
    """One table per case: a row per solver setting, medians of the repeats."""
    out = []
    for case, df in table.groupby("case", sort=False):
        t = Table(title=f"{case}", header_style="bold")
        for col in ("setting", "wall s", "build s", "master s", "eval s", "iter", "cuts",
                    "nodes", "gap", "objective M¥", "status"):
            t.add_column(col, justify="left" if col in ("setting", "status") else "right")
        for r in df.itertuples(index=False):
            if pd.isna(r.wall_s):
                t.add_row(r.setting, *[""] * 9, str(r.status))
                continue
            t.add_row(r.setting, f"{r.wall_s:.2f}", f"{r.build_s:.2f}", f"{r.master_s:.2f}",
                      f"{r.evaluate_s:.2f}", str(r.iterations), str(r.cuts), str(r.nodes),
                      f"{r.gap:.1e}", f"{r.objective_cny / 1e6:,.4f}", r.status)
        out.append(t)
    return out


def ranking_table(ranking: pd.DataFrame, best: str) -> Table:
    t = Table(title="Settings ranked by total wall time", header_style="bold")
    for col in ("setting", "total wall s", "worst gap", "meets gap"):
        t.add_column(col)
    for r in ranking.itertuples(index=False):
        style = "bold green" if r.setting == best else ""
        t.add_row(r.setting, f"{r.total_wall_s:.2f}", f"{r.worst_gap:.1e}",
                  "yes" if r.all_meet else "no", style=style)
    return t
