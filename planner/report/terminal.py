"""The plan in the terminal: roadmap, summary with finance, levers, and scenario comparisons.

Rendered with rich; labels in English or Chinese (:mod:`planner.base.i18n`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from planner.base.i18n import MESSAGES, column_header, label, msg
from planner.base.i18n_text import translate
from planner.plan.results import Plan
from planner.report.keyfigures import (
    format_value,
    key_figures,
    standard_texts,
    verdict_sentences,
)
from planner.report.money import column_money, money_column_unit
from planner.report.term_fit import print_fitted

__all__ = ["compare_rich_table", "green_power_table", "print_compare", "print_plan"]


def _m(x: float, lang: str = "en") -> str:
    """A money cell: millions of CNY, or 万元 in Chinese (planner/report/money.py)."""
    return column_money(x, lang)


def _money_unit(header: str, lang: str) -> str:
    """A header's ``[CNY]`` as the money columns' unit (``[M¥]`` or ``[万元]``)."""
    return header.replace("[CNY]", f"[{money_column_unit(lang)}]")


def _t(x: float) -> str:
    return f"{x:z,.0f}"


def roadmap_table(plan: Plan, lang: str = "en") -> Table:
    r = plan.roadmap
    tab = Table(title=f"{label('term.roadmap', lang)} — {plan.name}", header_style="bold",
                show_lines=False)
    if lang == "zh":
        cols = [("年份", "right"), ("建设", "left"), ("光伏 +kW", "right"),
                ("储能 +kWh", "right"), ("范围一 t", "right"), ("范围二 基于位置 t", "right"),
                ("绿证 MWh", "right"), ("范围二 基于市场 t", "right"),
                ("碳信用 t", "right"), ("碳移除 t", "right"), ("净排放 t", "right"),
                ("允许 t", "right"), ("资本支出 万元", "right"),
                ("运营支出（含能源） 万元", "right")]
    else:
        cols = [("Year", "right"), ("Built", "left"), ("PV +kW", "right"),
                ("Batt +kWh", "right"), ("Scope 1 t", "right"),
                ("Scope 2 location t", "right"), ("Certificates MWh", "right"),
                ("Scope 2 market t", "right"),
                ("Credits t", "right"), ("Removals t", "right"), ("Net t", "right"),
                ("Allowed t", "right"), ("Capex M¥", "right"), ("Opex incl. energy M¥", "right")]
    for i, (name, justify) in enumerate(cols):
        tab.add_column(name, justify=justify, no_wrap=i != 1)
    names = _measure_names(plan)
    for row in r.itertuples(index=False):
        allowed = "—" if not math.isfinite(row.allowed_t) else _t(row.allowed_t)
        built = "; ".join(names.get(m, m) for m in row.measures_built.split(";") if m)
        tab.add_row(str(row.year), escape(built),
                    _t(row.pv_added_kw) if row.pv_added_kw else "",
                    _t(row.battery_added_kwh) if row.battery_added_kwh else "",
                    _t(row.scope1_t), _t(row.scope2_location_t),
                    _t(row.certificates_mwh) if row.certificates_mwh else "",
                    _t(row.scope2_market_t),
                    _t(row.credits_t) if row.credits_t else "",
                    _t(row.removals_t) if row.removals_t else "",
                    _t(row.net_t), allowed, _m(row.capex_cny, lang), _m(row.opex_cny, lang))
    return tab


def _measure_names(plan: Plan) -> dict[str, str]:
    """Measure id -> the name a person reads (the id where the scenario gives no name)."""
    m = getattr(plan, "measures", None)
    if m is None or "name" not in m:
        return {}
    return {i: (n if isinstance(n, str) and n else i)
            for i, n in zip(m["measure"], m["name"], strict=True)}


def summary_table(plan: Plan, lang: str = "en") -> Table:
    s = plan.summary
    tab = Table(title=label("term.summary", lang), show_header=False)
    tab.add_column("", style="bold")
    tab.add_column("", justify="right")
    rows = [(k.label, format_value(k.value, k.unit, lang)) for k in key_figures(plan, lang)]
    # "Plan minus BAU" only repeated the savings with the sign flipped, and the average
    # (undiscounted) abatement cost stood beside the levelised one: one cost, defined below
    _with_denominators(rows, s, lang)
    rows.append((label("kpi.solver", lang), _solver_line(plan, lang)))
    if s["net_zero_year_reached"] is None:
        rows = [(k, label("kpi.never", lang) if k == label("kpi.net_zero", lang) else v)
                for k, v in rows]
    if not s["proven_optimal"]:
        why = {"time": " (time limit)", "work": " (work limit)"}.get(s.get("stopped_by") or "", "")
        rows.append((label("kpi.warning", lang),
                     f"[bold red]{label('kpi.not_optimal', lang)}{why}[/]"))
    for k, v in rows:
        tab.add_row(escape(k), v)
    tab.caption = msg("term.lcoa_defined").render(lang)
    tab.caption_justify = "left"
    return tab


def _with_denominators(rows: list[tuple[str, str]], s: dict[str, Any], lang: str) -> None:
    """The credits share with the tonnes it divides (credits bought / tonnes abated)."""
    share_label = label("kpi.credits_share", lang)
    for i, (k, v) in enumerate(rows):
        if k == share_label and s.get("emissions_abated_t"):
            rows[i] = (k, v + " " + msg("term.share_of", part=s["credits_total_t"],
                                        whole=s["emissions_abated_t"]).render(lang))


def _solver_line(plan: Plan, lang: str) -> str:
    """Solver status, gap, iterations, cuts and time, in ``lang``."""
    s = plan.summary
    gap = s["optimality_gap"]
    status = s["solver_status"]
    if f"status.{status}" in MESSAGES:  # a status this version knows: in ``lang``
        status = msg(f"status.{status}").render(lang)
    return msg("term.solver_line", status=status,
               gap=f"{gap:.2e}" if gap == gap else "—", iterations=s["iterations"],
               cuts=s["cuts"], seconds=plan.solution.report.total_s).render(lang)


def levers_table(plan: Plan, lang: str = "en") -> Table:
    """Per lever: build years, capex, NPV of its own cash flows, tonnes, levelised cost."""
    tab = Table(title=label("term.finance", lang), header_style="bold")
    cols = ["lever", "build_years", "capex_cny", "npv_cny", "abated_t", "lcoa_cny_per_t"]
    for c in cols:
        tab.add_column(escape(_money_unit(column_header(c, lang), lang)),
                       justify="left" if c in ("lever", "build_years") else "right")
    f = plan.finance.sort_values("lcoa_cny_per_t", na_position="last", kind="stable")
    for r in f.itertuples(index=False):
        name = getattr(r, "name", "") or r.lever
        tab.add_row(escape(name), r.build_years.replace(";", ", "), _m(r.capex_cny, lang),
                    _m(r.npv_cny, lang),
                    _t(r.abated_t), "—" if pd.isna(r.lcoa_cny_per_t) else _t(r.lcoa_cny_per_t))
    return tab


def print_plan(plan: Plan, console: Console | None = None, lang: str = "en") -> None:
    """Print the roadmap, the summary, the levers' finance and the assumptions used."""
    console = console or Console()
    print_fitted(console, roadmap_table(plan, lang))
    print_fitted(console, summary_table(plan, lang))
    if not plan.finance.empty:
        print_fitted(console, levers_table(plan, lang))
    if "output" in plan.roadmap:
        print_fitted(console, markets_table(plan, lang))
    if "green_power_mwh" in plan.roadmap:
        print_fitted(console, green_power_table(plan, lang))
    print_pathways(plan, console, lang)
    print_two_part(plan, console, lang)
    print_standard(plan, console, lang)
    notes = plan.summary.get("assumptions") or []
    if notes:
        console.print(f"[bold]{label('term.assumptions', lang)}:[/]")
        for n in notes:
            console.print(f"  • {escape(translate(n, lang))}")


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
                "basic": _money_unit(column_header("basic_charge_cny", lang), lang)}[c]
        tab.add_column(head, justify="left" if c == "basis" else "right")
    e = plan.energy
    months = [f"peak_import_kw_m{m:02d}" for m in range(1, 13)]
    for r in e.itertuples(index=False):
        peaks = [getattr(r, m) for m in months]
        tab.add_row(str(r.year), basis, f"{max(peaks):z,.0f}", f"{min(peaks):z,.0f}",
                    _m(r.basic_charge_cny, lang))
    console.print(tab)


def print_pathways(plan: Plan, console: Console, lang: str = "en") -> None:
    """One line: each zero-carbon pathway's share of the tonnes abated over the horizon."""
    shares = plan.summary.get("pathway_share") or {}
    tonnes = plan.summary.get("pathway_abated_t") or {}
    parts = [f"{label(f'five.{k}', lang)} {100 * v:z.0f} % ({tonnes.get(k, 0.0):z,.0f} t)"
             for k, v in shares.items() if abs(tonnes.get(k, 0.0)) >= 0.5]
    if parts:
        total = msg("term.pathways_total", total=sum(tonnes.values())).render(lang)
        console.print(f"[bold]{label('term.pathways', lang)}[/] ({total}): "
                      + escape("; ".join(parts)))


def print_standard(plan: Plan, console: Console, lang: str = "en") -> None:
    """The standard's verdict sentences, its note, and the marks of unverified rules."""
    s = plan.summary
    if not s.get("standard"):
        return
    title, alias, _ = standard_texts(plan, lang)
    console.print(f"[bold]{label('term.standard', lang)}:[/] {escape(title)}")
    if alias:
        console.print(f"  [yellow]{escape(alias)}[/]")
    claim = s.get("claim_year")
    console.print(f"  {label('report.claim_year', lang)}: "
                  f"{claim if claim is not None else label('kpi.never', lang)}")
    for line, met in verdict_sentences(plan, lang):
        console.print(f"  [{'green' if met else 'red'}]{escape(line)}[/]")
    if s.get("standard_unverified_rules"):
        console.print(f"  {label('report.marks', lang)}")


def _fmt(key: str, value: Any, lang: str = "en") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, str):
        return value.replace(";", ", ")
    if key == "irr" or key == "credits_share_of_abatement":
        return f"{100 * value:.1f} %"
    if key.endswith("_cny"):
        return _m(value, lang)
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
        cells = [escape(_money_unit(figure_label(row["figure"], lang), lang))]
        for i, n in enumerate(names):
            text = _fmt(row["figure"], row[n], lang)
            if i and row[f"differs:{n}"]:
                text = f"[bold yellow]{text}[/]"
            cells.append(text)
        tab.add_row(*cells)
    return tab


def print_compare(table: pd.DataFrame, console: Console | None = None, lang: str = "en") -> None:
    print_fitted(console or Console(), compare_rich_table(table, lang))


# --------------------------------------------------------------------------- green power

def green_power_table(plan: Plan, lang: str = "en") -> Table:
    """Per year: green power counted and paid, its premium (with [[green_power]])."""
    r = plan.roadmap
    zh = lang == "zh"
    tab = Table(title="绿电交易（绿电合同）" if zh else "Green-power contracts (绿电交易)",
                header_style="bold")
    cols: list[tuple[str, str, Any]] = [
        ("年份" if zh else "Year", "year", str),
        ("绿证 MWh" if zh else "Certificates MWh", "certificates_mwh", _t),
        ("绿电计入 MWh" if zh else "Green counted MWh", "green_power_mwh", _t),
        ("绿电结算 MWh" if zh else "Green paid MWh", "green_power_paid_mwh", _t),
        # Premiums are small next to the plan's costs: whole yuan, not millions.
        ("环境溢价 ¥" if zh else "Premium ¥", "green_power_cny", _t)]
    for name, _, _ in cols:
        tab.add_column(name, justify="right")
    for _, row in r.iterrows():
        tab.add_row(*(fmt(row[key]) if key != "year" else str(int(row[key]))
                      for _, key, fmt in cols))
    return tab


# --------------------------------------------------------------------------- carbon markets

def markets_table(plan: Plan, lang: str = "en") -> Table:
    """Per year: output, intensity, the ETS position and the CBAM cost (with [production])."""
    r = plan.roadmap
    unit = plan.summary.get("output_unit", "unit")
    zh = lang == "zh"
    tab = Table(title="产量、全国碳市场与欧盟CBAM" if zh else "Output, national ETS and EU CBAM",
                header_style="bold")
    cols: list[tuple[str, str, Any]] = [
        ("年份" if zh else "Year", "year", str),
        (f"产量 {unit}" if zh else f"Output {unit}", "output", _t),
        (f"强度 t/{unit}" if zh else f"t CO2e/{unit}", "intensity_t_per_unit",
         lambda x: f"{x:z,.3f}")]
    if "ets_covered_t" in r:
        cols += [("配额缺口 t" if zh else "ETS bought t", "ets_bought_t", _t),
                 ("配额盈余 t" if zh else "ETS sold t", "ets_sold_t", _t),
                 ("CCER t", "ccer_t", _t),
                 ("碳市场 万元" if zh else "ETS M¥", "ets_cost_cny", lambda x: _m(x, lang))]
    if "cbam_cost_cny" in r:
        cols += [(f"CBAM {money_column_unit(lang)}", "cbam_cost_cny", lambda x: _m(x, lang)),
                 (f"CBAM ¥/{unit}", "cbam_cost_cny_per_unit_exported",
                  lambda x: "—" if x != x else f"{x:z,.1f}")]
    for name, _, _ in cols:
        tab.add_column(name, justify="right")
    for _, row in r.iterrows():
        tab.add_row(*(fmt(row[key]) if key != "year" else str(int(row[key]))
                      for _, key, fmt in cols))
    return tab
