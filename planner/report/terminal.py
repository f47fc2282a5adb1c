"""The plan in the terminal: roadmap, summary with finance, levers, and scenario comparisons.

Rendered with rich; labels in English or Chinese (:mod:`planner.i18n`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from planner.i18n import column_header, label
from planner.report.keyfigures import format_value, key_figures
from planner.results import Plan

__all__ = ["compare_rich_table", "print_compare", "print_plan"]


def _m(x: float) -> str:
    """Money in millions of CNY."""
    return f"{x / 1e6:z,.2f}"


def _t(x: float) -> str:
    return f"{x:z,.0f}"


def roadmap_table(plan: Plan, lang: str = "en") -> Table:
    r = plan.roadmap
    tab = Table(title=f"{label('term.roadmap', lang)} — {plan.name}", header_style="bold",
                show_lines=False)
    if lang == "zh":
        cols = [("年份", "right"), ("建设", "left"), ("光伏 +kW", "right"),
                ("储能 +kWh", "right"), ("范围一 t", "right"), ("范围二 t", "right"),
                ("碳信用 t", "right"), ("碳移除 t", "right"), ("净排放 t", "right"),
                ("允许 t", "right"), ("资本支出 M¥", "right"), ("运营支出 M¥", "right")]
    else:
        cols = [("Year", "right"), ("Built", "left"), ("PV +kW", "right"),
                ("Batt +kWh", "right"), ("Scope 1 t", "right"), ("Scope 2 t", "right"),
                ("Credits t", "right"), ("Removals t", "right"), ("Net t", "right"),
                ("Allowed t", "right"), ("Capex M¥", "right"), ("Opex M¥", "right")]
    for i, (name, justify) in enumerate(cols):
        tab.add_column(name, justify=justify, no_wrap=i != 1)
    for row in r.itertuples(index=False):
        allowed = "—" if not math.isfinite(row.allowed_t) else _t(row.allowed_t)
        tab.add_row(str(row.year), row.measures_built.replace(";", ", "),
                    _t(row.pv_added_kw) if row.pv_added_kw else "",
                    _t(row.battery_added_kwh) if row.battery_added_kwh else "",
                    _t(row.scope1_t), _t(row.scope2_market_t),
                    _t(row.credits_t) if row.credits_t else "",
                    _t(row.removals_t) if row.removals_t else "",
                    _t(row.net_t), allowed, _m(row.capex_cny), _m(row.opex_cny))
    return tab


def summary_table(plan: Plan, lang: str = "en") -> Table:
    s = plan.summary
    tab = Table(title=label("term.summary", lang), show_header=False)
    tab.add_column("", style="bold")
    tab.add_column("", justify="right")
    acost = s["average_abatement_cost_cny_per_t"]
    gap = s["optimality_gap"]
    rows = [(k.label, format_value(k.value, k.unit, lang)) for k in key_figures(plan, lang)]
    rows.insert(3, (label("kpi.npv_difference", lang),
                    format_value(s["npv_difference_cny"], "CNY", lang)))
    rows.append((label("kpi.average_cost", lang),
                 "—" if acost is None else f"{acost:z,.0f} ¥/t"))
    solver = f"{s['solver_status']}; gap {gap:.2e}" if gap == gap else s["solver_status"]
    rows.append((label("kpi.solver", lang), solver))
    rows.append(("", f"{s['iterations']} iterations, {s['cuts']} cuts, "
                     f"{plan.solution.report.total_s:.1f} s"))
    if s["net_zero_year_reached"] is None:
        rows = [(k, label("kpi.never", lang) if k == label("kpi.net_zero", lang) else v)
                for k, v in rows]
    if not s["proven_optimal"]:
        rows.append((label("kpi.warning", lang), f"[bold red]{label('kpi.not_optimal', lang)}[/]"))
    for k, v in rows:
        tab.add_row(k, v)
    return tab


def levers_table(plan: Plan, lang: str = "en") -> Table:
    """Per lever: build years, capex, NPV of its own cash flows, tonnes, levelised cost."""
    tab = Table(title=label("term.finance", lang), header_style="bold")
    cols = ["lever", "build_years", "capex_cny", "npv_cny", "abated_t", "lcoa_cny_per_t"]
    for c in cols:
        tab.add_column(column_header(c, lang).replace("[CNY]", "[M¥]"),
                       justify="left" if c in ("lever", "build_years") else "right")
    f = plan.finance.sort_values("lcoa_cny_per_t", na_position="last", kind="stable")
    for r in f.itertuples(index=False):
        tab.add_row(r.lever, r.build_years.replace(";", ", "), _m(r.capex_cny), _m(r.npv_cny),
                    _t(r.abated_t), "—" if pd.isna(r.lcoa_cny_per_t) else _t(r.lcoa_cny_per_t))
    return tab


def print_plan(plan: Plan, console: Console | None = None, lang: str = "en") -> None:
    """Print the roadmap, the summary, the levers' finance and the assumptions used."""
    console = console or Console()
    console.print(roadmap_table(plan, lang))
    console.print(summary_table(plan, lang))
    if not plan.finance.empty:
        console.print(levers_table(plan, lang))
    print_pathways(plan, console, lang)
    print_two_part(plan, console, lang)
    print_standard(plan, console, lang)
    notes = plan.summary.get("assumptions") or []
    if notes:
        console.print(f"[bold]{label('term.assumptions', lang)}:[/]")
        for n in notes:
            console.print(f"  • {n}")


def print_two_part(plan: Plan, console: Console, lang: str = "en") -> None:
    """Per year: the basis, the highest and lowest monthly peak and the basic charge."""
    basis = plan.summary.get("basic_charge_basis")
    if basis is None:
        return
    tab = Table(title=label("term.two_part", lang), header_style="bold")
    for c in ("year", "basis", "peak_max", "peak_min", "basic"):
        head = {"year": column_header("year", lang), "basis": label("term.basis", lang),
                "peak_max": label("term.peak_max", lang) + " [kW]",
                "peak_min": label("term.peak_min", lang) + " [kW]",
                "basic": column_header("basic_charge_cny", lang).replace("[CNY]", "[M¥]")}[c]
        tab.add_column(head, justify="left" if c == "basis" else "right")
    e = plan.energy
    months = [f"peak_import_kw_m{m:02d}" for m in range(1, 13)]
    for r in e.itertuples(index=False):
        peaks = [getattr(r, m) for m in months]
        tab.add_row(str(r.year), basis, f"{max(peaks):z,.0f}", f"{min(peaks):z,.0f}",
                    _m(r.basic_charge_cny))
    console.print(tab)


def print_pathways(plan: Plan, console: Console, lang: str = "en") -> None:
    """One line: each zero-carbon pathway's share of the tonnes abated over the horizon."""
    shares = plan.summary.get("pathway_share") or {}
    tonnes = plan.summary.get("pathway_abated_t") or {}
    parts = [f"{k} {100 * v:z.0f} % ({tonnes.get(k, 0.0):z,.0f} t)" for k, v in shares.items()
             if abs(tonnes.get(k, 0.0)) >= 0.5]
    if parts:
        console.print(f"[bold]{label('term.pathways', lang)}:[/] " + "; ".join(parts))


def print_standard(plan: Plan, console: Console, lang: str = "en") -> None:
    """The standard's verdict sentences, its note, and the marks of unverified rules."""
    s = plan.summary
    if not s.get("standard"):
        return
    console.print(f"[bold]{label('term.standard', lang)}:[/] {s['standard_title']}")
    if s.get("standard_note"):
        console.print(f"  [yellow]{s['standard_note']}[/]")
    claim = s.get("claim_year")
    console.print(f"  {label('report.claim_year', lang)}: "
                  f"{claim if claim is not None else label('kpi.never', lang)}")
    for line in s.get("verdicts") or []:
        style = "green" if ": met" in line else "red"
        console.print(f"  [{style}]{line}[/]")
    if s.get("standard_unverified_rules"):
        console.print(f"  {label('report.marks', lang)}")


def _fmt(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, str):
        return value.replace(";", ", ")
    if key == "irr" or key == "credits_share_of_abatement":
        return f"{100 * value:.1f} %"
    if key.endswith("_cny"):
        return _m(value)
    if isinstance(value, float):
        return _t(value) if abs(value) >= 0.5 else "0"  # no "-0" for round-off
    return str(value)


def compare_rich_table(table: pd.DataFrame, lang: str = "en") -> Table:
    """The comparison with each figure differing from the first scenario in bold yellow."""
    from planner.report.keyfigures import figure_label

    names = [c for c in table.columns if c != "figure" and not c.startswith("differs:")]
    tab = Table(title=label("term.compare", lang), header_style="bold",
                caption=label("term.diff_note", lang))
    tab.add_column("")
    for n in names:
        tab.add_column(n, justify="right", overflow="fold")
    for _, row in table.iterrows():
        cells = [figure_label(row["figure"], lang).replace("[CNY]", "[M¥]")]
        for i, n in enumerate(names):
            text = _fmt(row["figure"], row[n])
            if i and row[f"differs:{n}"]:
                text = f"[bold yellow]{text}[/]"
            cells.append(text)
        tab.add_row(*cells)
    return tab


def print_compare(table: pd.DataFrame, console: Console | None = None, lang: str = "en") -> None:
    (console or Console()).print(compare_rich_table(table, lang))
