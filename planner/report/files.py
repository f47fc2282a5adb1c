"""Write a plan's tables as CSV plus ``summary.json``, atomically and byte-reproducibly.

Where and how the folder is written (only into a new or empty folder or one
carbonpath wrote before; checked and locked before the solve; committed only when
every file is written) is :mod:`planner.report.outdir`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.report.outdir import OutputDir, atomic_output_dir

if TYPE_CHECKING:
    from planner.plan.results import Plan

__all__ = ["CSV_ENCODINGS", "DOCUMENTS", "OPTIONAL_DOCUMENTS", "PLAN_FILES", "TABLES", "OutputDir",
           "atomic_output_dir", "compare_json", "csv_encoding_for", "plan_tables", "summary_json",
           "write_csv", "write_plan"]

#: File name -> one-line description (documented in docs/outputs.md).
TABLES = {
    "roadmap.csv": "one row per year: what is built and bought, emissions by scope, net, costs",
    "measures.csv": "one row per candidate measure: chosen or not, build years, capex",
    "energy.csv": "one row per year: exact 8760-hour energy balance and grid cost",
    "emissions.csv": "one row per year and source: tonnes by scope, with the activity behind",
    "costs.csv": "one row per year: every cost component, discount factor, discounted total",
    "finance.csv": "one row per lever used: capex, NPV of its own cash flows, tonnes, LCOA",
    "cashflow.csv": "one row per year, then salvage: plan and BAU costs, incremental cash flow",
    "cash_parts.csv": "one row per year, then the end: the plan's cash flows part by part "
                      "(capex, loan, subsidies, tax shields and credit, contracts, salvage)",
    "tax_ledger.csv": "one row per year (with tax.taxable_profit_cny): income tax with losses "
                      "and credits carried forward, and what that costs",
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
        # "+ 0.0" turns -0.0 (a credit of -0 t after round-off) into 0.0: JSON shows "0.0".
        return None if not math.isfinite(value) else float(f"{value:.10g}") + 0.0
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
            "finance.csv": plan.finance, "cashflow.csv": plan.cashflow,
            "cash_parts.csv": plan.cash_parts, "macc.csv": plan.macc,
            "pathways.csv": plan.pathways,
            **({"tax_ledger.csv": plan.tax_ledger} if not plan.tax_ledger.empty else {}),
            **({"rules.csv": plan.rules, "verdicts.csv": plan.verdicts}
               if plan.profile is not None else {})}


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Booleans as ``true``/``false`` (as in JSON and TOML, and docs/outputs.md), not True/False;
    no ``-0`` (negative zero is written as 0)."""
    out = None
    for col in df.columns:
        values = df[col]
        if values.dtype.kind == "f" and np.signbit(values[values == 0.0]).any():
            out = df.copy() if out is None else out
            out[col] = values + 0.0  # -0.0 + 0.0 == +0.0; every other value unchanged
            continue
        if values.dtype == object and any(isinstance(v, float) and v == 0.0 and math.copysign(
                1.0, v) < 0 for v in values):
            out = df.copy() if out is None else out
            out[col] = values.map(lambda v: v + 0.0 if isinstance(v, float) else v)
            continue
        non_null = values.dropna()
        if values.dtype == bool or (values.dtype == object and len(non_null)
                                    and all(isinstance(v, bool | np.bool_) for v in non_null)):
            out = df.copy() if out is None else out
            out[col] = values.map(lambda v: v if v is None or v != v else
                                  ("true" if v else "false"))
    return df if out is None else out


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    """A table as CSV: 12 significant digits, ``\\n`` line ends (byte-reproducible).

    ``encoding="utf-8-sig"`` starts the file with a byte-order mark, which Excel needs
    to read UTF-8 (Chinese ids and names) instead of the system's code page.
    """
    _csv_ready(df).to_csv(path, index=False, float_format="%.12g", lineterminator="\n",
                          encoding=encoding)


#: Every file ``plan --out`` may write (the folder check refuses foreign files of these names).
#: Written only when asked for (``plan --pdf``).
OPTIONAL_DOCUMENTS = {
    "report.pdf": "report.html printed to A4 by headless Chromium (`plan --pdf`)",
}
PLAN_FILES = frozenset({*TABLES, "summary.json", *DOCUMENTS, *OPTIONAL_DOCUMENTS})

#: CSV encodings offered: plain UTF-8, or UTF-8 with a byte-order mark for Excel.
CSV_ENCODINGS = ("utf-8", "utf-8-sig")


def csv_encoding_for(lang: str, encoding: str | None = None) -> str:
    """The CSV encoding: the one asked for, else UTF-8 with a BOM for ``--lang zh``.

    Excel (zh-CN) opens a UTF-8 CSV without a byte-order mark in the GBK code page and
    shows Chinese text as mojibake; with the mark it reads UTF-8.
    """
    return encoding or ("utf-8-sig" if lang == "zh" else "utf-8")


def write_plan(plan: Plan, out_dir: Path | OutputDir,
               extra: Callable[[Plan, Path], None] | None = None, *, lang: str = "en",
               week_year: int | None = None, csv_encoding: str | None = None,
               force: bool = False, pdf_with: Path | None = None) -> Path:
    """Write CSV tables, ``summary.json``, ``plan.xlsx`` and ``report.html`` to ``out_dir``.

    Parameters
    ----------
    plan : Plan
    out_dir : Path or OutputDir
        A folder (checked here), or an :class:`OutputDir` checked and locked before the
        solve. Its files are replaced only when every file is written.
    extra : callable, optional
        Writes more files into the (temporary) folder.
    lang : {"en", "zh"}
        Language of the workbook's and the report's labels (CSV and JSON keep their keys).
    week_year : int, optional
        Year of the report's typical week (default: the net-zero target year).
    csv_encoding : {"utf-8", "utf-8-sig"}, optional
        Default: ``utf-8-sig`` with ``lang="zh"`` (for Excel), else ``utf-8``.
    force : bool
        See :class:`OutputDir` (only when ``out_dir`` is a path).
    pdf_with : Path, optional
        A Chromium program (:func:`planner.report.pdf.find_chromium`): also print
        ``report.pdf``. If printing fails, nothing is written (the folder stays as it was).
    """
    from planner.report.html import write_report
    from planner.report.workbook import write_plan_workbook

    encoding = csv_encoding_for(lang, csv_encoding)

    def write(tmp: Path) -> None:
        for name, df in plan_tables(plan).items():
            write_csv(df, tmp / name, encoding)
        (tmp / "summary.json").write_text(summary_json(plan), encoding="utf-8")
        write_plan_workbook(plan, tmp / "plan.xlsx", lang)
        write_report(plan, tmp / "report.html", lang, week_year)
        if pdf_with is not None:
            from planner.report.pdf import print_pdf

            print_pdf(tmp / "report.html", tmp / "report.pdf", pdf_with)
        if extra is not None:
            extra(plan, tmp)

    return atomic_output_dir(out_dir, write, PLAN_FILES, force=force)


def compare_json(table: pd.DataFrame) -> str:
    """The comparison as JSON: ``{"scenarios": [...], "figures": {key: {scenario: value}}}``."""
    import json

    names = [c for c in table.columns if c != "figure" and not c.startswith("differs:")]
    figures = {row["figure"]: {n: row[n] for n in names} for _, row in table.iterrows()}
    differ = {row["figure"]: [n for n in names[1:] if row[f"differs:{n}"]]
              for _, row in table.iterrows()}
    return json.dumps(_jsonable({"scenarios": names, "figures": figures, "differs": differ}),
                      indent=2, ensure_ascii=False) + "\n"
