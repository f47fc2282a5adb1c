"""The plan as an Excel workbook: one sheet per table, units in headers, number formats.

Written with xlsxwriter. Every sheet has a frozen, bold header row, an autofilter and
column widths fitted to the contents. The document's creation date is fixed, so the
same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from planner.i18n import column_header, label
from planner.report.keyfigures import key_figures
from planner.results import Plan

__all__ = ["plan_sheets", "write_compare_workbook", "write_plan_workbook", "write_sheets"]

#: Fixed document date: the workbook's bytes depend on the plan only.
_CREATED = dt.datetime(2026, 1, 1)

#: Number format by the end of a column name (checked in order).
_FORMATS = (
    ("_cny_per_t", "#,##0.0"),
    ("_cny", "#,##0"),
    ("_t", "#,##0.0"),
    ("_mwh", "#,##0.0"),
    ("_kwh", "#,##0"),
    ("_kw", "#,##0"),
    ("discount_factor", "0.0000"),
)


def _number_format(column: str) -> str | None:
    if column in ("year", "first_build_year", "years_alive"):
        return "0"
    for suffix, fmt in _FORMATS:
        if column.endswith(suffix):
            return fmt
    return None


def plan_sheets(plan: Plan) -> dict[str, pd.DataFrame]:
    """Sheet key -> table, in the order of the workbook (key figures first)."""
    return {
        "summary": None,  # written from the key figures
        "roadmap": plan.roadmap,
        "finance": plan.finance,
        "macc": plan.macc,
        "cashflow": plan.cashflow,
        "cash_parts": plan.cash_parts,
        **({"tax_ledger": plan.tax_ledger} if not plan.tax_ledger.empty else {}),
        "measures": plan.measures,
        "energy": plan.energy,
        "emissions": plan.emissions,
        "pathways": plan.pathways,
        "costs": plan.costs,
        **({"verdicts": plan.verdicts, "rules": plan.rules} if plan.profile is not None else {}),
    }


def _cell(ws: Worksheet, r: int, c: int, value: Any, fmt: Any) -> None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, float(value), fmt)
    elif hasattr(value, "item"):  # numpy scalar
        _cell(ws, r, c, value.item(), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def write_table(wb: xlsxwriter.Workbook, name: str, df: pd.DataFrame, lang: str,
                headers: list[str] | None = None) -> Worksheet:
    """One sheet: header row with units, number formats per column, frozen header."""
    ws = wb.add_worksheet(name)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                          "valign": "top", "bottom": 1})
    formats = {}
    for col in df.columns:
        nf = _number_format(str(col))
        formats[col] = wb.add_format({"num_format": nf}) if nf else None
    headers = headers or [column_header(str(c), lang) for c in df.columns]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
    for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
        for c, (col, value) in enumerate(zip(df.columns, row, strict=True)):
            _cell(ws, r, c, value, formats[col])
    ws.freeze_panes(1, 0)
    if len(df.columns):
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    ws.autofit()
    # Long headers wrap instead of widening every numeric column to the header's length.
    for c, h in enumerate(headers):
        longest = max([len(str(v)) for v in df.iloc[:, c]] + [8]) if len(df) else 8
        ws.set_column(c, c, min(max(longest + 2, min(len(h), 18)), 60))
    return ws


def _summary_frame(plan: Plan, lang: str) -> pd.DataFrame:
    rows = [(lbl, value, unit) for lbl, value, unit in key_figures(plan, lang)]
    return pd.DataFrame(rows, columns=["item", "value", "unit"])


def write_sheets(path: Path, sheets: dict[str, pd.DataFrame], lang: str) -> None:
    """Write tables (sheet key -> table) to one workbook at ``path``."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "carbonpath", "created": _CREATED})
    for key, df in sheets.items():
        write_table(wb, label(f"sheet.{key}", lang), df, lang)
    wb.close()


def write_plan_workbook(plan: Plan, path: Path, lang: str = "en") -> None:
    """Write the plan's workbook (``plan.xlsx``): summary, then one sheet per table."""
    sheets = {k: (_summary_frame(plan, lang) if v is None else v)
              for k, v in plan_sheets(plan).items()}
    write_sheets(path, sheets, lang)


def write_compare_workbook(table: pd.DataFrame, path: Path, lang: str = "en") -> None:
    """Write a scenario comparison (one row per figure, one column per scenario)."""
    write_sheets(path, {"compare": table}, lang)
