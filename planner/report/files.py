"""Write a plan's tables as CSV plus ``summary.json``, atomically and byte-reproducibly.

The output folder is built in a temporary sibling folder and renamed into place
only when every file is written, so an interrupted run never leaves a
half-written folder, and re-running replaces the folder cleanly.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from planner.results import Plan

__all__ = ["DOCUMENTS", "TABLES", "atomic_output_dir", "plan_tables", "summary_json", "write_csv",
           "write_plan"]

#: File name -> one-line description (documented in docs/outputs.md).
TABLES = {
    "roadmap.csv": "one row per year: what is built and bought, emissions by scope, net, costs",
    "measures.csv": "one row per candidate measure: chosen or not, build years, capex",
    "energy.csv": "one row per year: exact 8760-hour energy balance and grid cost",
    "emissions.csv": "one row per year and source: tonnes by scope, with the activity behind",
    "costs.csv": "one row per year: every cost component, discount factor, discounted total",
    "finance.csv": "one row per lever used: capex, NPV of its own cash flows, tonnes, LCOA",
    "cashflow.csv": "one row per year, then salvage: plan and BAU costs, incremental cash flow",
    "macc.csv": "the marginal abatement cost curve: bars by cost, then offset price lines",
    "pathways.csv": "one row per year and pathway: tonnes abated against BAU",
    "rules.csv": "one row per year and rule of the standard: value, threshold, met, in force",
    "verdicts.csv": "one row per year: the standard met, claim possible, rules failed",
}

#: Files besides the tables (documented in docs/reports.md).
DOCUMENTS = {
    "plan.xlsx": "Excel workbook: key figures, then one sheet per table",
    "report.html": "self-contained HTML report with charts (opens offline)",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(f"{value:.10g}")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return value


def summary_json(plan: Plan) -> str:
    """The plan's summary as deterministic JSON text (sorted keys, 10 significant digits)."""
    return json.dumps(_jsonable(plan.summary), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def plan_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    return {"roadmap.csv": plan.roadmap, "measures.csv": plan.measures,
            "energy.csv": plan.energy, "emissions.csv": plan.emissions, "costs.csv": plan.costs,
            "finance.csv": plan.finance, "cashflow.csv": plan.cashflow, "macc.csv": plan.macc,
            "pathways.csv": plan.pathways,
            **({"rules.csv": plan.rules, "verdicts.csv": plan.verdicts}
               if plan.profile is not None else {})}


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """A table as CSV: 12 significant digits, ``\\n`` line ends (byte-reproducible)."""
    df.to_csv(path, index=False, float_format="%.12g", lineterminator="\n")


def atomic_output_dir(out_dir: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write(tmp)`` into a temporary folder, then rename it to ``out_dir``.

    An existing ``out_dir`` is replaced only after ``write`` succeeded.
    """
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    try:
        write(tmp)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            os.replace(out_dir, old / "x")
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def write_plan(plan: Plan, out_dir: Path,
               extra: Callable[[Plan, Path], None] | None = None, *, lang: str = "en",
               week_year: int | None = None) -> Path:
    """Write CSV tables, ``summary.json``, ``plan.xlsx`` and ``report.html`` to ``out_dir``.

    Parameters
    ----------
    plan : Plan
    out_dir : Path
        Replaced only when every file is written.
    extra : callable, optional
        Writes more files into the (temporary) folder.
    lang : {"en", "zh"}
        Language of the workbook's and the report's labels (CSV and JSON keep their keys).
    week_year : int, optional
        Year of the report's typical week (default: the net-zero target year).
    """
    from planner.report.html import write_report
    from planner.report.workbook import write_plan_workbook

    def write(tmp: Path) -> None:
        for name, df in plan_tables(plan).items():
            write_csv(df, tmp / name)
        (tmp / "summary.json").write_text(summary_json(plan), encoding="utf-8")
        write_plan_workbook(plan, tmp / "plan.xlsx", lang)
        write_report(plan, tmp / "report.html", lang, week_year)
        if extra is not None:
            extra(plan, tmp)

    return atomic_output_dir(out_dir, write)
