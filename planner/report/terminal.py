"""The plan in the terminal: the roadmap table and a summary, rendered with rich."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table

from planner.results import Plan

__all__ = ["print_plan"]


def _m(x: float) -> str:
    """Money in millions of CNY."""
    return f"{x / 1e6:,.2f}"


def _t(x: float) -> str:
    return f"{x:,.0f}"


def roadmap_table(plan: Plan) -> Table:
    r = plan.roadmap
    tab = Table(title=f"Roadmap — {plan.name}", header_style="bold", show_lines=False)
    cols = [("Year", "right"), ("Built", "left"), ("PV +kW", "right"), ("Batt +kWh", "right"),
            ("Scope 1 t", "right"), ("Scope 2 t", "right"), ("Credits t", "right"),
            ("Removals t", "right"), ("Net t", "right"), ("Allowed t", "right"),
            ("Capex M¥", "right"), ("Opex M¥", "right")]
    for name, justify in cols:
        tab.add_column(name, justify=justify, no_wrap=name != "Built")
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


def summary_table(plan: Plan) -> Table:
    s = plan.summary
    tab = Table(title="Summary", show_header=False)
    tab.add_column("", style="bold")
    tab.add_column("", justify="right")
    acost = s["average_abatement_cost_cny_per_t"]
    gap = s["optimality_gap"]
    rows = [
        ("NPV of the plan", f"{_m(s['npv_plan_cny'])} M¥"),
        ("NPV of business as usual", f"{_m(s['npv_bau_cny'])} M¥"),
        ("Plan minus BAU", f"{_m(s['npv_difference_cny'])} M¥"),
        ("Total capex", f"{_m(s['capex_total_cny'])} M¥ (peak {_m(s['capex_peak_cny'])} M¥ in "
                        f"{s['capex_peak_year']})"),
        ("Emissions abated vs BAU", f"{_t(s['emissions_abated_t'])} t"),
        ("Average abatement cost", "—" if acost is None else f"{acost:,.0f} ¥/t"),
        ("Net zero reached", str(s["net_zero_year_reached"] or "not within the horizon")
         + f" (target {s['net_zero_year_target']})"),
        ("Solver", f"{s['solver_status']}; gap {gap:.2e}" if gap == gap else s["solver_status"]),
        ("", f"{s['iterations']} iterations, {s['cuts']} cuts, {plan.solution.report.total_s:.1f} s"),
    ]
    if not s["proven_optimal"]:
        rows.append(("Warning", "[bold red]plan NOT proven optimal[/]"))
    for k, v in rows:
        tab.add_row(k, v)
    return tab


def print_plan(plan: Plan, console: Console | None = None) -> None:
    """Print the roadmap, the summary and the assumptions used."""
    console = console or Console()
    console.print(roadmap_table(plan))
    console.print(summary_table(plan))
    notes = plan.summary.get("assumptions") or []
    if notes:
        console.print("[bold]Assumptions used:[/]")
        for n in notes:
            console.print(f"  • {n}")
