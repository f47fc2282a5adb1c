"""A sweep in the terminal: progress bar, summary statistics, tornado top 5, what to do now."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from planner.report.term_fit import print_fitted
from planner.sweep.runner import SweepRun

__all__ = ["print_sweep", "sweep_progress"]

_UNITS = {"npv_cny": ("NPV", "M¥", 1e6), "capex_total_cny": ("Capex", "M¥", 1e6),
          "net_zero_year": ("Net-zero year", "", 0.0),
          "credits_total_t": ("Credits bought", "t", 1.0),
          "regret_cny": ("Regret of the base plan", "M¥", 1e6)}


@contextmanager
def sweep_progress(console: Console, enabled: bool = True
                   ) -> Iterator[tuple[Callable[[int, int], None], Callable[[str], None]]]:
    """(progress(done, total), status(message)) callbacks drawing a rich progress bar."""
    if not enabled:
        yield (lambda _d, _t: None), (lambda _m: None)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task("starting", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def status(message: str) -> None:
            bar.update(task, description=message)

        yield progress, status


def _fmt(x: float, scale: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if scale == 0.0:  # a year: no thousands separator
        return f"{x:.0f}"
    v = x / scale
    return f"{v:,.0f}" if scale == 1.0 else f"{v:,.2f}"


def summary_table(df: pd.DataFrame) -> Table:
    t = Table(title="Across successful samples", header_style="bold")
    for col in ("metric", "n", "mean", "sd", "p5", "p50", "p95"):
        t.add_column(col, justify="left" if col == "metric" else "right")
    for r in df.itertuples(index=False):
        label, unit, scale = _UNITS[r.metric]
        t.add_row(f"{label}" + (f" [{unit}]" if unit else ""), str(r.count),
                  *(_fmt(getattr(r, c), scale) for c in ("mean", "sd", "p5", "p50", "p95")))
    return t


def tornado_table(df: pd.DataFrame, top: int = 5) -> Table:
    t = Table(title=f"Tornado: NPV sensitivity (top {min(top, len(df))})", header_style="bold")
    for col in ("input", "low", "high", "NPV at low M¥", "NPV at high M¥", "swing M¥"):
        t.add_column(col, justify="left" if col == "input" else "right",
                     overflow="fold" if col == "input" else "ellipsis")
    for r in df.head(top).itertuples(index=False):
        t.add_row(r.key, f"{r.level_low:.4g}", f"{r.level_high:.4g}",
                  _fmt(r.npv_low_cny, 1e6), _fmt(r.npv_high_cny, 1e6), _fmt(r.swing_cny, 1e6))
    return t


def now_table(df: pd.DataFrame) -> Table:
    t = Table(title="What to do now: first-years decisions optimal in ≥ 50 % of samples",
              header_style="bold")
    for col in ("year", "decision", "share", "median size", "in base plan"):
        t.add_column(col, justify="left" if col == "decision" else "right")
    for r in df.itertuples(index=False):
        what = {"build": f"build {r.item}", "pv": "add PV", "battery": "add battery"}[r.decision]
        size = {"pv": f"{r.median_amount:,.0f} kW", "battery": f"{r.median_amount:,.0f} kWh"
                }.get(r.decision, "")
        t.add_row(str(r.year), what, f"{r.share_of_samples:.0%}", size,
                  "yes" if r.in_base_plan else "no")
    return t


def print_sweep(run: SweepRun, tables: dict[str, pd.DataFrame],
                console: Console | None = None) -> None:
    """Print counts, statistics, the tornado's top 5 and what to do now."""
    console = console or Console()
    n, failed = len(run.samples), run.failed
    console.print(f"[bold]Sweep — {run.name}[/]: {n} samples, {n - failed} solved, "
                  f"{failed} failed; {run.scheduler}; {run.wall_s:.1f} s")
    if run.base.get("status") == "ok":
        console.print(f"Base case: NPV {_fmt(run.base['npv_cny'], 1e6)} M¥")
    else:
        console.print(f"[red]Base case failed[/]: {run.base.get('reason')}")
    if failed:
        reasons = tables["samples.csv"].query("status != 'ok'")["status"].value_counts()
        console.print("Failed samples: " + ", ".join(f"{k} {v}" for k, v in reasons.items())
                      + " (reasons in samples.csv)")
    print_fitted(console, summary_table(tables["summary.csv"]))
    tor = tables["tornado.csv"]
    if len(tor):
        print_fitted(console, tornado_table(tor))
        flat = tor.loc[tor["swing_cny"].abs() <= 1e-9 * tor["npv_base_cny"].abs(), "key"]
        if len(flat):
            console.print("[yellow]No effect on the NPV[/] between its low and high level: "
                          + ", ".join(flat) + " (e.g. a carbon price the plant does not pay: "
                          "carbon.covered = false)")
    print_fitted(console, now_table(tables["what_to_do_now.csv"]))
