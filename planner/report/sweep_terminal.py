"""A sweep in the terminal: progress bar, summary statistics, tornado top 5, what to do now."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from planner.base.i18n import label, msg
from planner.base.i18n_text import translate
from planner.report.money import money_text
from planner.report.term_fit import print_fitted
from planner.sweep.runner import SweepRun

__all__ = ["print_sweep", "sweep_progress"]

#: metric -> (label key, unit, scale)
_UNITS = {"npv_cny": ("sweep.npv", "M¥", 1e6), "capex_total_cny": ("sweep.capex", "M¥", 1e6),
          "net_zero_year": ("sweep.net_zero_year", "", 0.0),
          "credits_total_t": ("sweep.credits", "t", 1.0),
          "regret_cny": ("sweep.regret", "M¥", 1e6)}


@contextmanager
def sweep_progress(console: Console, enabled: bool = True, lang: str = "en"
                   ) -> Iterator[tuple[Callable[[int, int], None], Callable[[str], None]]]:
    """(progress(done, total), status(message)) callbacks drawing a rich progress bar;
    the runner's messages are shown in ``lang``."""
    if not enabled:
        yield (lambda _d, _t: None), (lambda _m: None)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task("starting", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def status(message: str) -> None:
            bar.update(task, description=translate(message, lang))

        yield progress, status


def _fmt(x: float, scale: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if scale == 0.0:  # a year: no thousands separator
        return f"{x:.0f}"
    v = x / scale
    return f"{v:,.0f}" if scale in (1.0, 1e4) else f"{v:,.2f}"


def _money(unit: str, scale: float, lang: str) -> tuple[str, float]:
    """M¥ columns in 万元 for Chinese readers (planner/report/money.py)."""
    return ("万元", 1e4) if unit == "M¥" and lang == "zh" else (unit, scale)


def summary_table(df: pd.DataFrame, lang: str = "en") -> Table:
    t = Table(title=label("sweep.summary", lang), header_style="bold")
    for col in ("metric", "n", "mean", "sd", "p5", "p50", "p95"):
        head = label(f"sweep.{col}", lang) if col in ("metric", "mean", "sd") else col
        t.add_column(head, justify="left" if col == "metric" else "right")
    for r in df.itertuples(index=False):
        key, unit, scale = _UNITS[r.metric]
        unit, scale = _money(unit, scale, lang)
        t.add_row(label(key, lang) + (f" [{unit}]" if unit else ""), str(r.count),
                  *(_fmt(getattr(r, c), scale) for c in ("mean", "sd", "p5", "p50", "p95")))
    return t


def tornado_table(df: pd.DataFrame, top: int = 5, lang: str = "en") -> Table:
    t = Table(title=msg("sweep.tornado_title", n=min(top, len(df))).render(lang),
              header_style="bold")
    for col in ("input", "low", "high", "npv_low", "npv_high", "swing"):
        t.add_column(label(f"sweep.{col}", lang), justify="left" if col == "input" else "right",
                     overflow="fold" if col == "input" else "ellipsis")
    _, scale = _money("M¥", 1e6, lang)
    for r in df.head(top).itertuples(index=False):
        t.add_row(r.key, f"{r.level_low:.4g}", f"{r.level_high:.4g}", _fmt(r.npv_low_cny, scale),
                  _fmt(r.npv_high_cny, scale), _fmt(r.swing_cny, scale))
    return t


def now_table(df: pd.DataFrame, lang: str = "en") -> Table:
    t = Table(title=label("sweep.now_title", lang), header_style="bold")
    for col in ("year", "decision", "share", "median_size", "in_base_plan"):
        t.add_column(label(f"sweep.{col}", lang), justify="left" if col == "decision" else "right")
    for r in df.itertuples(index=False):
        what = (msg("sweep.build", item=r.item).render(lang) if r.decision == "build"
                else label(f"sweep.add_{r.decision}", lang))
        size = {"pv": f"{r.median_amount:,.0f} kW", "battery": f"{r.median_amount:,.0f} kWh"
                }.get(r.decision, "")
        t.add_row(str(r.year), what, f"{r.share_of_samples:.0%}", size,
                  label("sweep.yes" if r.in_base_plan else "sweep.no", lang))
    return t


def print_sweep(run: SweepRun, tables: dict[str, pd.DataFrame],
                console: Console | None = None, lang: str = "en") -> None:
    """Print counts, statistics, the tornado's top 5 and what to do now, in ``lang``."""
    console = console or Console()
    n, failed = len(run.samples), run.failed
    console.print(msg("sweep.head", name=run.name, n=n, solved=n - failed, failed=failed,
                      scheduler=run.scheduler, seconds=run.wall_s).render(lang))
    if run.base.get("status") == "ok":
        console.print(msg("sweep.base_npv", npv=money_text(run.base["npv_cny"],
                                                           lang)).render(lang))
    else:
        console.print(msg("sweep.base_failed",
                          reason=translate(str(run.base.get("reason")), lang)).render(lang))
    if failed:
        reasons = tables["samples.csv"].query("status != 'ok'")["status"].value_counts()
        console.print(msg("sweep.failed", counts=", ".join(f"{k} {v}" for k, v in
                                                           reasons.items())).render(lang))
    print_fitted(console, summary_table(tables["summary.csv"], lang))
    tor = tables["tornado.csv"]
    if len(tor):
        print_fitted(console, tornado_table(tor, lang=lang))
        flat = tor.loc[tor["swing_cny"].abs() <= 1e-9 * tor["npv_base_cny"].abs(), "key"]
        if len(flat):
            console.print(msg("sweep.no_effect", keys=", ".join(flat)).render(lang))
    print_fitted(console, now_table(tables["what_to_do_now.csv"], lang))
