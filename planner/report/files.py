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

__all__ = ["TABLES", "atomic_output_dir", "plan_tables", "summary_json", "write_plan"]

#: File name -> one-line description (documented in docs/outputs.md).
TABLES = {
    "roadmap.csv": "one row per year: what is built and bought, emissions by scope, net, costs",
    "measures.csv": "one row per candidate measure: chosen or not, build years, capex",
    "energy.csv": "one row per year: exact 8760-hour energy balance and grid cost",
    "emissions.csv": "one row per year and source: tonnes by scope, with the activity behind",
    "costs.csv": "one row per year: every cost component, discount factor, discounted total",
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
            "energy.csv": plan.energy, "emissions.csv": plan.emissions, "costs.csv": plan.costs}


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
               extra: Callable[[Plan, Path], None] | None = None) -> Path:
    """Write CSV tables and ``summary.json`` (and ``extra`` files) to ``out_dir``."""

    def write(tmp: Path) -> None:
        for name, df in plan_tables(plan).items():
            df.to_csv(tmp / name, index=False, float_format="%.12g", lineterminator="\n")
        (tmp / "summary.json").write_text(summary_json(plan), encoding="utf-8")
        if extra is not None:
            extra(plan, tmp)

    return atomic_output_dir(out_dir, write)
