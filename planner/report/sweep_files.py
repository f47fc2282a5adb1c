"""Write a sweep's results: CSV tables, ``sweep.json``, ``sweep.xlsx`` and ``sweep.html``.

The folder is checked, locked and written atomically (:mod:`planner.report.outdir`).
Files (columns in ``docs/sweeps.md``):

=========================  =====================================================
``samples.csv``            one row per sample: inputs drawn, status, results
``summary.csv``            one row per metric: mean, sd, p5, p50, p95, min, max
``tornado.csv``            one row per varied input: NPV at its low and high level
``measure_frequency.csv``  one row per measure: share of samples choosing it, years
``what_to_do_now.csv``     first-years decisions taken in at least half the samples
``sweep.json``             settings, counts, base case, timings
``sweep.xlsx``             the tables above as sheets, with a tornado chart
``sweep.html``             self-contained page: tornado, NPV histogram, tables
=========================  =====================================================
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from planner.report.files import _jsonable, atomic_output_dir, write_csv
from planner.report.outdir import OutputDir
from planner.report.workbook import write_sweep_workbook
from planner.sweep.analysis import (
    measure_frequency,
    sample_table,
    summary_stats,
    tornado,
    what_to_do_now,
)
from planner.sweep.runner import SweepRun

__all__ = ["SWEEP_FILES", "sweep_json", "sweep_tables", "write_sweep"]

SWEEP_FILES = ("samples.csv", "summary.csv", "tornado.csv", "measure_frequency.csv",
               "what_to_do_now.csv", "sweep.json", "sweep.xlsx", "sweep.html")


def sweep_tables(run: SweepRun) -> dict[str, pd.DataFrame]:
    """The sweep's tables by file name."""
    return {
        "samples.csv": sample_table(run.samples, run.specs),
        "summary.csv": summary_stats(run.samples),
        "tornado.csv": tornado(run.base, run.oat, run.specs),
        "measure_frequency.csv": measure_frequency(run.samples, run.measure_ids, run.base),
        "what_to_do_now.csv": what_to_do_now(run.samples, run.base),
    }


def sweep_summary(run: SweepRun) -> dict[str, Any]:
    """Settings, counts and the base case, as written to ``sweep.json``."""
    o = run.options
    statuses: dict[str, int] = {}
    for r in run.samples:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return {
        "scenario": run.name,
        "scenario_file": str(run.path),
        "vary": [{"spec": s.text, "key": s.name, "column": s.column,
                  "distribution": s.distribution, "mode": s.mode, "low": s.low,
                  "high": s.high, "peak": s.peak, "targets": [t.label for t in s.targets]}
                 for s in run.specs],
        "design": "grid" if o.grid is not None else "monte_carlo",
        "samples": len(run.samples),
        "grid_levels": o.grid,
        "seed": o.seed,
        "first_years": o.first_years,
        "samples_ok": statuses.get("ok", 0),
        "samples_failed": len(run.samples) - statuses.get("ok", 0),
        "status_counts": statuses,
        "base_case": {k: run.base.get(k) for k in ("status", "reason", "npv_cny",
                                                   "capex_total_cny", "net_zero_year",
                                                   "credits_total_t")},
        "base_measures": ";".join(f"{m}@{y}" for m, y in run.base.get("builds", [])),
        "scheduler": run.scheduler,
        "workers": run.workers,
        "wall_s": run.wall_s,
        "runs": run.meta.get("runs"),
        "setup_s": run.meta.get("setup_s"),
        "cpu_s_total": sum(r.get("cpu_s", 0.0) for r in [*run.samples, *run.oat]
                           if r.get("cpu_s") == r.get("cpu_s")),
        "warm_started_runs": run.meta.get("warm_started"),
    }


def sweep_json(run: SweepRun) -> str:
    return json.dumps(_jsonable(sweep_summary(run)), indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def _html(run: SweepRun, tables: dict[str, pd.DataFrame]) -> str:
    """A self-contained page (plotly's JavaScript inlined, no CDN)."""
    import plotly.graph_objects as go

    tor = tables["tornado.csv"].iloc[::-1]
    fig_t = go.Figure()
    fig_t.add_bar(y=tor["key"], x=tor["delta_low_cny"] / 1e6, orientation="h",
                  name="low level")
    fig_t.add_bar(y=tor["key"], x=tor["delta_high_cny"] / 1e6, orientation="h",
                  name="high level")
    fig_t.update_layout(barmode="overlay", title="NPV change vs base case [M CNY]",
                        xaxis_title="M CNY", height=200 + 60 * len(tor))
    samples = tables["samples.csv"]
    ok = samples[samples["status"] == "ok"]
    fig_h = go.Figure(go.Histogram(x=ok["npv_cny"] / 1e6, nbinsx=30))
    base_npv = run.base.get("npv_cny")
    if base_npv is not None and not math.isnan(base_npv):
        fig_h.add_vline(x=base_npv / 1e6, line_dash="dash", annotation_text="base case")
    fig_h.update_layout(title=f"NPV over {len(ok)} successful samples [M CNY]",
                        xaxis_title="NPV [M CNY]", yaxis_title="samples")
    parts = [fig_t.to_html(full_html=False, include_plotlyjs=True),
             fig_h.to_html(full_html=False, include_plotlyjs=False)]

    def cell(column: str, x: Any) -> str:
        if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
            return ""
        if isinstance(x, float | int) and not isinstance(x, bool):
            # Years (whole numbers in 1900..2200) without a thousands separator; other
            # numbers to 4 significant digits.
            if float(x).is_integer() and ("year" in column or 1900 <= x <= 2200):
                return f"{x:.0f}"
            return f"{x:,.4g}"
        return str(x)

    def table(name: str, title: str) -> str:
        df = tables[name]
        shown = pd.DataFrame({c: [cell(c, x) for x in df[c].tolist()] for c in df.columns})
        return f"<h2>{html.escape(title)}</h2>" + shown.to_html(index=False)

    s = sweep_summary(run)
    head = (f"<h1>Sweep — {html.escape(run.name)}</h1><p>{s['samples']} samples "
            f"({s['design']}, seed {s['seed']}), {s['samples_ok']} solved, "
            f"{s['samples_failed']} failed; {html.escape(run.scheduler)}; "
            f"{run.wall_s:.1f} s.</p><p>Varied: "
            + ", ".join(html.escape(v["spec"]) for v in s["vary"]) + "</p>")
    body = head + "".join(parts) + table("summary.csv", "Summary statistics") + table(
        "what_to_do_now.csv", "What to do now (decisions optimal in ≥ 50 % of samples)") + table(
        "measure_frequency.csv", "How often each measure is chosen") + table(
        "tornado.csv", "Tornado")
    style = ("body{font-family:sans-serif;margin:2em;max-width:1200px}"
             "table{border-collapse:collapse;font-size:0.85em}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sweep — "
            f"{html.escape(run.name)}</title><style>{style}</style></head><body>{body}"
            "</body></html>\n")


def write_sweep(run: SweepRun, out_dir: Path | OutputDir, *, csv_encoding: str = "utf-8",
                force: bool = False, lang: str = "en") -> Path:
    """Write every sweep file to ``out_dir`` (checked, locked, atomically); sweep.xlsx's
    sheet names and headers in ``lang`` (the CSV files keep their keys).

    ``out_dir`` may be an :class:`OutputDir` checked before the sweep ran.
    """
    tables = sweep_tables(run)

    def write(tmp: Path) -> None:
        for name, df in tables.items():
            write_csv(df, tmp / name, csv_encoding)
        (tmp / "sweep.json").write_text(sweep_json(run), encoding="utf-8")
        write_sweep_workbook(tables, tmp / "sweep.xlsx", lang)
        (tmp / "sweep.html").write_text(_html(run, tables), encoding="utf-8")

    return atomic_output_dir(out_dir, write, SWEEP_FILES, force=force)
