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

from planner.base.i18n import COLUMNS, column_header, label
from planner.plan.results import Plan
from planner.report.keyfigures import key_figures

__all__ = ["plan_sheets", "write_compare_workbook", "write_plan_workbook", "write_sheets",
           "write_sweep_workbook"]

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


def rule_column(column: str) -> str:
    """The label key of a column of the standard's rules: their ``source`` is a reference
    (来源), not an emission source (排放源) as in the emissions table."""
    return "rule_source" if column == "source" else column


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
    """Write the plan's workbook (``plan.xlsx``): summary, one sheet per table, charts.

    The Summary sheet holds numbers with formats (money ``#,##0``, the IRR as a
    percentage, years as whole numbers); the Cash flow sheet's years are numbers (the
    salvage row is labelled in its own column); a Charts sheet holds native Excel charts
    drawn from the other sheets' cells, so they follow any edit.
    """
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "carbonpath", "created": _CREATED})
    for key, df in plan_sheets(plan).items():
        name = label(f"sheet.{key}", lang)
        if df is None:
            _write_summary(wb, name, plan, lang)
        elif key == "cashflow":
            write_table(wb, name, _numeric_years(df), lang)
        elif key == "rules":
            write_table(wb, name, df, lang,
                        [column_header(rule_column(str(c)), lang) for c in df.columns])
        else:
            write_table(wb, name, df, lang)
    _add_charts(wb, plan, lang)
    wb.close()


def _write_summary(wb: xlsxwriter.Workbook, name: str, plan: Plan, lang: str) -> None:
    """The key figures as numbers a spreadsheet can compute with."""
    money = wb.add_format({"num_format": "#,##0"})
    pct = wb.add_format({"num_format": "0.0%"})
    year = wb.add_format({"num_format": "0"})
    number = wb.add_format({"num_format": "#,##0"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
    ws = wb.add_worksheet(name)
    for c, key in enumerate(("item", "value", "unit")):
        ws.write_string(0, c, column_header(key, lang), head)
    for r, k in enumerate(key_figures(plan, lang), start=1):
        ws.write_string(r, 0, k.label)
        value, unit = k.value, k.unit
        if unit == "%" and isinstance(value, str):  # a figure that does not exist, and why
            fmt, unit = number, ""
        elif unit == "%":  # stored as a fraction, shown as a percentage
            fmt, value, unit = pct, None if value is None else value / 100.0, ""
        elif unit.startswith("CNY") and unit != "CNY/t":
            fmt = money
        elif isinstance(value, int) and not unit.startswith(("t", "CNY")):
            fmt = year
        else:
            fmt = number
        _cell(ws, r, 1, value, fmt)
        ws.write_string(r, 2, unit)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 22)


def _numeric_years(cashflow: pd.DataFrame) -> pd.DataFrame:
    """Cash flow with years as numbers and the salvage row marked in an ``item`` column."""
    df = cashflow.copy()
    numeric = pd.to_numeric(df["year"], errors="coerce")
    df.insert(0, "item", ["" if pd.notna(y) else str(t) for y, t in zip(numeric, df["year"],
                                                                         strict=True)])
    df["year"] = numeric.astype("Int64").astype(object).where(numeric.notna(), None)
    return df


def _add_charts(wb: xlsxwriter.Workbook, plan: Plan, lang: str) -> None:
    """Native charts on a Charts sheet: emissions against the target and BAU, capex per
    year, cumulative discounted savings, and the levers' abatement cost (MACC order)."""
    ws = wb.add_worksheet(label("sheet.charts", lang))
    ws.write_string(0, 0, label("sheet.charts", lang), wb.add_format({"bold": True}))
    ws.freeze_panes(1, 0)  # like every sheet: the first row stays in view
    road, costs = label("sheet.roadmap", lang), label("sheet.costs", lang)
    cash, fin = label("sheet.cashflow", lang), label("sheet.finance", lang)
    n = len(plan.roadmap)

    def ref(sheet: str, df: pd.DataFrame, col: str, rows: int, offset: int = 0) -> list:
        c = list(df.columns).index(col) + offset
        return [sheet, 1, c, rows, c]

    def header(sheet: str, df: pd.DataFrame, col: str, offset: int = 0) -> list:
        return [sheet, 0, list(df.columns).index(col) + offset]

    years = ref(road, plan.roadmap, "year", n)
    em = wb.add_chart({"type": "line"})
    for col, colour in (("net_t", "#455A64"), ("allowed_t", "#000000")):
        em.add_series({"name": header(road, plan.roadmap, col), "categories": years,
                       "values": ref(road, plan.roadmap, col, n),
                       "line": {"color": colour, "width": 2.25}})
    em.set_title({"name": f"{label('series.net', lang)} / {label('series.allowed', lang)}"})
    em.set_y_axis({"name": label("axis.t", lang), "num_format": "#,##0"})
    em.set_x_axis({"name": label("axis.year", lang)})
    ws.insert_chart(1, 1, em, {"x_scale": 1.6, "y_scale": 1.3})

    cap = wb.add_chart({"type": "column", "subtype": "stacked"})
    for col in ("capex_measures_cny", "capex_pv_cny", "capex_battery_cny"):
        cap.add_series({"name": header(costs, plan.costs, col),
                        "categories": ref(costs, plan.costs, "year", len(plan.costs)),
                        "values": ref(costs, plan.costs, col, len(plan.costs))})
    cap.set_title({"name": label("chart.capex", lang)})
    cap.set_y_axis({"name": "CNY", "num_format": "#,##0"})
    ws.insert_chart(22, 1, cap, {"x_scale": 1.6, "y_scale": 1.3})

    cf = _numeric_years(plan.cashflow)
    k = int(pd.to_numeric(plan.cashflow["year"], errors="coerce").notna().sum())
    sav = wb.add_chart({"type": "line"})
    sav.add_series({"name": header(cash, cf, "cumulative_discounted_cny"),
                    "categories": ref(cash, cf, "year", k),
                    "values": ref(cash, cf, "cumulative_discounted_cny", k),
                    "line": {"color": "#16324F", "width": 2.25}})
    sav.set_title({"name": label("chart.cashflow", lang)})
    sav.set_y_axis({"name": "CNY", "num_format": "#,##0"})
    ws.insert_chart(43, 1, sav, {"x_scale": 1.6, "y_scale": 1.3})

    f = plan.finance
    if len(f):
        macc = wb.add_chart({"type": "bar"})
        macc.add_series({"name": header(fin, f, "lcoa_cny_per_t"),
                         "categories": ref(fin, f, "name" if "name" in f else "lever", len(f)),
                         "values": ref(fin, f, "lcoa_cny_per_t", len(f)),
                         "fill": {"color": "#2A9D8F"}})
        macc.set_title({"name": column_header("lcoa_cny_per_t", lang)})
        macc.set_x_axis({"name": label("axis.cny_per_t", lang), "num_format": "#,##0"})
        macc.set_legend({"none": True})
        ws.insert_chart(64, 1, macc, {"x_scale": 1.6, "y_scale": 1.3})


#: Comparison rows stored as fractions and shown as percentages.
_PERCENT_FIGURES = ("irr", "credits_share_of_abatement")
#: Comparison rows that are years.
_YEAR_FIGURES = ("discounted_payback_year", "capex_peak_year", "net_zero_year_reached",
                 "claim_year")


def _figure_format(key: str) -> str | None:
    """Number format of a comparison row (the row's figure key), as in plan.xlsx."""
    if key in _PERCENT_FIGURES:
        return "0.0%"
    if key in _YEAR_FIGURES:
        return "0"
    if key.startswith("net_t_"):
        return "#,##0.0"
    return _number_format(key)


def write_compare_workbook(table: pd.DataFrame, path: Path, lang: str = "en") -> None:
    """Write a scenario comparison (one row per figure, one column per scenario).

    Like plan.xlsx: the first column names each figure with its unit (not its key),
    values are numbers with the format of their row (money ``#,##0``, IRR and shares as
    percentages, years ``0``, tonnes ``#,##0.0``), then one true/false column per
    scenario after the first saying where it differs from the first.
    """
    from planner.report.keyfigures import figure_label

    names = [c for c in table.columns if c != "figure" and not c.startswith("differs:")]
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "carbonpath", "created": _CREATED})
    ws = wb.add_worksheet(label("sheet.compare", lang))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                          "valign": "top", "bottom": 1})
    headers = [label("compare.figure", lang), *names,
               *(f"{label('compare.differs', lang)}: {n}" for n in names[1:])]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
    formats: dict[str | None, Any] = {}
    for r, row in enumerate(table.to_dict("records"), start=1):
        key = str(row["figure"])
        nf = _figure_format(key)
        if nf not in formats:
            formats[nf] = wb.add_format({"num_format": nf}) if nf else None
        text = figure_label(key, lang)
        if key in _PERCENT_FIGURES:  # the cell shows the % sign
            text = text.rsplit(" [", 1)[0]
        ws.write_string(r, 0, text)
        for c, n in enumerate(names, start=1):
            value = row[n]
            _cell(ws, r, c, value.replace(";", ", ") if isinstance(value, str) else value,
                  formats[nf])
        for c, n in enumerate(names[1:], start=1 + len(names)):
            _cell(ws, r, c, bool(row[f"differs:{n}"]), None)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(table), 1), len(headers) - 1)
    ws.set_column(0, 0, 44)
    ws.set_column(1, len(headers) - 1, 18)
    wb.close()


#: Sweep columns formatted otherwise than plan.xlsx's suffix rules.
_SWEEP_FORMATS = {"sample_id": "0", "count": "0", "net_zero_year": "0", "samples_chosen": "0",
                  "first_year_min": "0", "first_year_max": "0", "first_year_most_common": "0",
                  "base_first_year": "0", "first_year_median": "0.0",
                  "share_chosen": "0.0%", "share_in_most_common_year": "0.0%",
                  "share_of_samples": "0.0%", "level_low": "#,##0.###",
                  "level_high": "#,##0.###", "median_amount": "#,##0", "p5_amount": "#,##0",
                  "p95_amount": "#,##0", "solve_s": "0.0", "cpu_s": "0.0"}
#: The summary sheet's statistics take the format of the metric of their row.
_METRIC_FORMATS = {"npv_cny": "#,##0", "capex_total_cny": "#,##0", "regret_cny": "#,##0",
                   "net_zero_year": "0.0", "credits_total_t": "#,##0.0"}


def _sweep_format(column: str) -> str | None:
    if column in _SWEEP_FORMATS:
        return _SWEEP_FORMATS[column]
    if column.endswith("_factor"):
        return "0.000"
    return _number_format(column)


def write_sweep_workbook(tables: dict[str, pd.DataFrame], path: Path,
                         lang: str = "en") -> None:
    """Write a sweep's tables (file name -> table) as ``sweep.xlsx``, formatted like
    plan.xlsx: labelled headers with units, numbers with formats (money ``#,##0``, shares
    as percentages, years ``0``), frozen and filtered headers; the summary's statistics in
    their metric's format; a bar chart of the tornado on its sheet."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "carbonpath", "created": _CREATED})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                          "valign": "top", "bottom": 1})
    sheet_of = {}
    for name, df in tables.items():
        key = name.removesuffix(".csv")
        sheet = label(f"sheet.sweep_{key}", lang)[:31]
        sheet_of[key] = sheet
        if key == "summary":
            df = df.assign(metric=[label(f"sweep.metric_{m}", lang) for m in df["metric"]])
            ws = wb.add_worksheet(sheet)
            headers = [column_header(f"sweep_{c}" if c in ("metric", "count") else c, lang)
                       for c in df.columns]  # statistics: the metric's unit is in its name
            for c, h in enumerate(headers):
                ws.write_string(0, c, h, head)
            metrics = list(tables[name]["metric"])
            for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
                fmt = wb.add_format({"num_format": _METRIC_FORMATS.get(metrics[r - 1],
                                                                       "#,##0.0")})
                for c, (col, value) in enumerate(zip(df.columns, row, strict=True)):
                    _cell(ws, r, c, value, None if col == "metric" else
                          wb.add_format({"num_format": "0"}) if col == "count" else fmt)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
            ws.set_column(0, 0, 30)
            ws.set_column(1, len(df.columns) - 1, 16)
            continue
        formats = {c: _sweep_format(str(c)) for c in df.columns}
        headers = [column_header(f"sweep_{c}" if f"sweep_{c}" in COLUMNS else str(c), lang)
                   for c in df.columns]
        ws = _formatted_table(wb, sheet, df, lang, formats, headers)
    tor = tables.get("tornado.csv")
    if tor is not None and len(tor):
        sheet = sheet_of["tornado"]
        ws = wb.get_worksheet_by_name(sheet)
        chart = wb.add_chart({"type": "bar"})
        n = len(tor)
        cols = list(tor.columns)
        for col, key in (("delta_low_cny", "sweep.low"), ("delta_high_cny", "sweep.high")):
            j = cols.index(col)
            chart.add_series({"name": label(key, lang), "categories": [sheet, 1, 0, n, 0],
                              "values": [sheet, 1, j, n, j], "num_format": "#,##0"})
        chart.set_title({"name": label("sweep.tornado_chart", lang)})
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis({"num_format": "#,##0"})
        ws.insert_chart(n + 3, 0, chart, {"x_scale": 1.5, "y_scale": 1.2})
    wb.close()


def _formatted_table(wb: xlsxwriter.Workbook, name: str, df: pd.DataFrame, lang: str,
                     formats: dict[Any, str | None], headers: list[str]) -> Worksheet:
    """:func:`write_table` with the number format of each column given."""
    ws = write_table(wb, name, df.iloc[0:0], lang, headers)
    cell_formats = {c: wb.add_format({"num_format": f}) if f else None
                    for c, f in formats.items()}
    for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
        for c, (col, value) in enumerate(zip(df.columns, row, strict=True)):
            _cell(ws, r, c, None if value is pd.NA else value, cell_formats[col])
    if len(df.columns):
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    for c, col in enumerate(df.columns):
        longest = max([len(str(v)) for v in df[col]] + [8]) if len(df) else 8
        ws.set_column(c, c, min(max(longest + 2, 12), 60))
    return ws
