"""A group's results: the terminal roadmap, the group folder and one folder per plant.

Layout of ``--out DIR`` (docs/group.md): ``DIR/group/`` holds the group's files
(:data:`GROUP_FILES`), ``DIR/<plant>/`` each plant's usual outputs (docs/outputs.md).
Every folder is an :class:`~planner.report.outdir.OutputDir`: all of them are checked and
locked before the solve, and each is written whole or not at all.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from planner.base.i18n import column_header, label
from planner.group.solve import GroupRun
from planner.group.tables import group_summary, group_tables, group_value
from planner.report.files import PLAN_FILES, csv_encoding_for, write_csv, write_plan
from planner.report.outdir import OutputDir

__all__ = ["GROUP_FILES", "GROUP_FOLDER", "group_output_dirs", "print_group", "write_group"]

#: The group folder's name inside ``--out``.
GROUP_FOLDER = "group"

#: File name -> one-line description (documented in docs/outputs.md).
GROUP_FILES = {
    "group_roadmap.csv": "one row per year: plants acting, capex, emissions and net of the "
                         "whole group, with its cap and budget",
    "group_allocation.csv": "one row per year and plant: the plant's share of the group's "
                            "certificates, credits and removals, with the pools",
    "group_value.csv": "one row per plant, then the group: NPV planned jointly and alone, "
                       "the difference, tonnes abated",
    "group_summary.json": "the group's key figures and how the solve ran",
}


def group_output_dirs(out_dir: Path, plant_names: list[str], force: bool) -> list[OutputDir]:
    """The group folder and one folder per plant, checked now (before any solve)."""
    dirs = [OutputDir(out_dir / GROUP_FOLDER, GROUP_FILES, force=force)]
    dirs += [OutputDir(out_dir / name, PLAN_FILES, force=force) for name in plant_names]
    return dirs


def write_group(run: GroupRun, dirs: list[OutputDir], *, lang: str = "en",
                csv_encoding: str | None = None) -> None:
    """Write the group's files and every plant's plan into ``dirs`` (:func:`group_output_dirs`)."""
    encoding = csv_encoding_for(lang, csv_encoding)
    tables = group_tables(run)
    summary = group_summary(run)

    def write(tmp: Path) -> None:
        for name, df in tables.items():
            write_csv(df, tmp / name, encoding)
        (tmp / "group_summary.json").write_text(
            json.dumps(_jsonable(summary), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8")

    dirs[0].write(write)
    for plan, out in zip(run.plans, dirs[1:], strict=True):
        write_plan(plan, out, lang=lang, csv_encoding=csv_encoding)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _money(x: float) -> str:
    return "" if not math.isfinite(x) else f"{x / 1e6:,.2f} M"


def _t(x: float) -> str:
    return "" if not math.isfinite(x) else f"{round(x):,}"  # round(): no "-0"


def print_group(run: GroupRun, console: Console, lang: str = "en") -> None:
    """The group roadmap and the value of planning jointly, in ``lang``."""
    tables = group_tables(run)
    road = tables["group_roadmap.csv"]
    t = Table(title=f"{run.group.name}: {label('term.group_roadmap', lang)}")
    cols = ["year", "plants_acting", "capex_cny", "credits_t", "net_t", "allowed_t"]
    for c in cols:
        t.add_column(column_header(c, lang), justify="left" if c == "plants_acting" else "right")
    for row in road.itertuples(index=False):
        r = row._asdict()
        t.add_row(str(r["year"]), r["plants_acting"].replace(";", ", "),
                  _money(r["capex_cny"]), _t(r["credits_t"]), _t(r["net_t"]),
                  _t(r["allowed_t"]))
    console.print(t)
    value = group_value(run)
    v = Table(title=label("term.group_value", lang))
    for c in ("plant", "npv_joint_cny", "npv_alone_cny", "npv_saved_cny", "abated_joint_t"):
        v.add_column(column_header(c, lang), justify="left" if c == "plant" else "right")
    for row in value.itertuples(index=False):
        r = row._asdict()
        alone = (label("term.group_alone_infeasible", lang) if not r["alone_feasible"]
                 else _money(r["npv_alone_cny"]))
        v.add_row(str(r["plant"]), _money(r["npv_joint_cny"]), alone,
                  _money(r["npv_saved_cny"]), _t(r["abated_joint_t"]))
    console.print(v)
    total = value.iloc[-1]
    if math.isfinite(total["npv_saved_cny"]):
        console.print(f"{label('term.group_saved', lang)}: {_money(total['npv_saved_cny'])} CNY")
    if not run.proven_optimal:
        console.print(f"[bold yellow]{label('kpi.not_optimal', lang)}[/]")
