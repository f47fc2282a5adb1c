"""A self-contained HTML report of a plan: key figures on top, then interactive charts.

The charts are plotly figures; plotly.js is inlined once (about 4.7 MB), so the file
opens offline, with no CDN. Charts: emissions by pathway with the target, capex per
year, cumulative discounted savings, the MACC, the energy balance by year and one
typical week of hourly operation. A small script records JavaScript errors and
whether every chart drew (``data-js-errors``, ``data-charts-drawn`` and
``data-charts-empty`` on ``<body>``), so a headless browser can check the report.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from planner.base.i18n import column_header, label, msg
from planner.base.i18n_text import translate
from planner.plan.results import Plan
from planner.plan.week import typical_week
from planner.report.keyfigures import (
    format_value,
    key_figures,
    standard_texts,
    verdict_sentences,
)
from planner.report.money import column_money, money_text
from planner.report.workbook import rule_column

__all__ = ["report_html", "write_report"]

_PATHWAY_COLOURS = {
    "efficiency": "#2a9d8f", "process-gas": "#8ab17d", "renewables": "#e9c46a",
    "fuel-switch": "#f4a261", "removal": "#6d597a", "other": "#b5838d",
    "certificates": "#90caf9", "credits": "#bdbdbd", "removals": "#7e57c2",
}
_KIND_COLOURS = {"measure": "#2a9d8f", "pv": "#e9c46a", "battery": "#f4a261"}
_LINE_COLOURS = {"certificate": "#1e88e5", "green_power": "#43a047", "credit": "#616161",
                 "removal": "#7e57c2"}

#: Records JavaScript errors before anything else runs (read back by the browser test).
_ERROR_HOOK = """<script>
window.addEventListener('error', function (e) {
  var b = document.documentElement;
  b.dataset.jsErrors = (b.dataset.jsErrors || '') + (e.message || 'error') + ';';
});
</script>"""

#: After load: which charts drew an SVG with at least one non-empty trace.
_CHART_CHECK = """<script>
window.addEventListener('load', function () {
  var drawn = 0, empty = [];
  document.querySelectorAll('.plotly-graph-div').forEach(function (d) {
    // _fullData holds the decoded traces (the spec may carry base64 typed arrays).
    var ok = d.querySelector('.main-svg') && (d._fullData || []).some(function (t) {
      return t.visible !== false && t._length > 0; });
    if (ok) { drawn += 1; } else { empty.push(d.id); }
  });
  document.body.dataset.chartsDrawn = String(drawn);
  document.body.dataset.chartsEmpty = empty.join(',');
  document.body.dataset.jsErrors = document.documentElement.dataset.jsErrors || '';
});
</script>"""

#: Printing: plotly draws a chart at the window's width, wider than an A4 page; redraw
#: each chart at the page's content width before printing, and back after.
_PRINT_FIT = """<script>
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('.plotly-graph-div').forEach(function (d) {
    Plotly.relayout(d, {width: 640, height: 400}); });
});
window.addEventListener('afterprint', function () {
  document.querySelectorAll('.plotly-graph-div').forEach(function (d) {
    Plotly.relayout(d, {width: null, height: 440, autosize: true}); });
});
</script>"""

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB",
"Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;
margin:0;background:#f6f7f9;color:#1d2733}
header{background:#16324f;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:24px} header p{margin:4px 0 0;opacity:.8}
main{padding:16px 32px;max-width:1320px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px}
.kpi{background:#fff;border-radius:6px;padding:10px 14px;box-shadow:0 1px 2px #0002}
.kpi .v{font-size:20px;font-weight:600}.kpi .l{font-size:12px;color:#5a6675}
section{background:#fff;border-radius:6px;margin:16px 0;padding:8px 16px;
box-shadow:0 1px 2px #0002}
section h2{font-size:17px;margin:8px 0}
table{border-collapse:collapse;font-size:13px}
td,th{padding:3px 8px;border-bottom:1px solid #e3e6ea;text-align:right}
th{background:#eef3f8} td:first-child,th:first-child,td:nth-child(2){text-align:left}
.note{font-size:12px;color:#5a6675}
.summary p{font-size:15px;line-height:1.5} #action-plan th:nth-child(2){text-align:left}
@page{size:A4;margin:12mm}
@media print{body{background:#fff}header{padding:8px 0;color:#000;background:none}
main{padding:0;max-width:none}section,table,tr,.kpi,.plotly-graph-div,.js-plotly-plot
{break-inside:avoid;page-break-inside:avoid}section{box-shadow:none;border:1px solid #ddd}
h2{break-after:avoid;page-break-after:avoid}.modebar{display:none}}
"""


def _mcny(x: np.ndarray | pd.Series, lang: str = "en") -> np.ndarray:
    """Money for a chart: millions of CNY, 万元 in Chinese (planner/report/money.py)."""
    return np.asarray(x, dtype=float) / (1e4 if lang == "zh" else 1e6)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, height=440,
                      template="plotly_white", legend={"orientation": "h", "y": -0.18},
                      margin={"l": 70, "r": 30, "t": 50, "b": 40})
    return fig


def emissions_chart(plan: Plan, lang: str) -> go.Figure:
    """Net emissions of the plan plus the tonnes each pathway abates stacked up to BAU."""
    years = plan.roadmap["year"]
    fig = go.Figure()
    fig.add_bar(x=years, y=plan.roadmap["net_t"], name=label("series.net", lang),
                marker_color="#455a64")
    wedges = plan.pathways.pivot_table(index="year", columns="pathway", values="abated_t",
                                       aggfunc="sum")
    for p in plan.pathways["pathway"].unique():
        if (wedges[p].abs() > 1e-6).any():
            fig.add_bar(x=years, y=wedges[p].to_numpy(), name=label(f"pathway.{p}", lang),
                        marker_color=_PATHWAY_COLOURS.get(p))
    fig.add_scatter(x=years, y=plan.bau.net_t_y, name=label("series.bau", lang),
                    mode="lines", line={"color": "#c62828", "dash": "dot"})
    allowed = plan.roadmap["allowed_t"].replace([np.inf], np.nan)
    fig.add_scatter(x=years, y=allowed, name=label("series.allowed", lang), mode="lines",
                    line={"color": "#000", "width": 2, "shape": "hv"})
    fig.update_layout(barmode="relative", bargap=0.1)
    return _layout(fig, label("chart.emissions", lang), label("axis.year", lang),
                   label("axis.t", lang))


def capex_chart(plan: Plan, lang: str) -> go.Figure:
    c = plan.costs
    fig = go.Figure()
    for col, key, colour in (("capex_measures_cny", "capex_measures", "#2a9d8f"),
                             ("capex_pv_cny", "capex_pv", "#e9c46a"),
                             ("capex_battery_cny", "capex_battery", "#f4a261")):
        fig.add_bar(x=c["year"], y=_mcny(c[col], lang), name=label(f"series.{key}", lang),
                    marker_color=colour)
    fig.update_layout(barmode="stack")
    return _layout(fig, label("chart.capex", lang), label("axis.year", lang),
                   label("axis.mcny", lang))


def cashflow_chart(plan: Plan, lang: str) -> go.Figure:
    cf = plan.cashflow.iloc[:-1]  # the years; the salvage is the last point of the total
    cum = _mcny(plan.cashflow["cumulative_discounted_cny"], lang)[:-1]
    fig = go.Figure()
    fig.add_bar(x=cf["year"].astype(int), y=_mcny(cf["discounted_incremental_cny"], lang),
                name=column_header("discounted_incremental_cny", lang), marker_color="#90a4ae")
    fig.add_scatter(x=cf["year"].astype(int), y=cum, mode="lines+markers",
                    name=column_header("cumulative_discounted_cny", lang),
                    line={"color": "#16324f"})
    return _layout(fig, label("chart.cashflow", lang), label("axis.year", lang),
                   label("axis.mcny", lang))


def _macc_name(row: Any, lang: str) -> str:
    """What a MACC bar or line is called: a measure's name, PV and battery by their kind in
    ``lang``, an offset by its kind and name (the id where the scenario gives no name)."""
    name = getattr(row, "name", "")
    name = name if isinstance(name, str) and name else str(row.id)
    if row.kind in ("pv", "battery"):
        return label(f"kind.{row.kind}", lang)
    if row.kind == "measure":
        return name
    return f"{label(f'kind.{row.kind}', lang)} {name}"


def macc_chart(plan: Plan, lang: str) -> go.Figure:
    """Bars as wide as their tonnes, as high as their cost; offsets as price lines."""
    m = plan.macc
    bars = m[m["abated_t"].notna()]
    lines = m[m["abated_t"].isna()]
    fig = go.Figure()
    per_t = "元/t" if lang == "zh" else "CNY/t"
    for kind, grp in bars.groupby("kind", sort=False):
        names = [_macc_name(r, lang) for r in grp.itertuples(index=False)]
        fig.add_bar(x=(grp["x_start_t"] + grp["x_end_t"]) / 2, y=grp["cost_cny_per_t"],
                    width=grp["abated_t"], name=label(f"kind.{kind}", lang),
                    marker={"color": _KIND_COLOURS.get(kind), "line": {"color": "#fff",
                                                                      "width": 1}},
                    text=names, textposition="inside", insidetextanchor="middle",
                    hovertext=names,
                    hovertemplate="%{hovertext}<br>%{y:,.0f} " + per_t + "<br>%{width:,.0f} t"
                                  "<extra></extra>")
    x_max = float(bars["x_end_t"].max()) if len(bars) else 1.0
    for r in lines.itertuples(index=False):
        fig.add_scatter(x=[0, x_max], y=[r.cost_cny_per_t, r.cost_cny_per_t], mode="lines",
                        name=f"{_macc_name(r, lang)}: {r.cost_cny_per_t:,.0f} {per_t}",
                        line={"color": _LINE_COLOURS.get(r.kind), "dash": "dash"})
    fig.update_layout(bargap=0)
    fig = _layout(fig, label("chart.macc", lang), label("axis.abated_t", lang),
                  label("axis.cny_per_t", lang))
    # A removal price can be 20 x the rest: clip the axis to keep the bars readable.
    hi = max([*bars["cost_cny_per_t"].tolist(), 0.0])
    lo = min([*bars["cost_cny_per_t"].tolist(), 0.0])
    line_hi = lines["cost_cny_per_t"].tolist()
    top = max([hi, *[v for v in line_hi if v <= 3 * max(hi - lo, 1.0)]]) * 1.15 + 1.0
    fig.update_yaxes(range=[lo * 1.15 - 1.0, top])
    return fig


def energy_chart(plan: Plan, lang: str) -> go.Figure:
    e = plan.energy
    fig = go.Figure()
    fig.add_bar(x=e["year"], y=e["import_mwh"], name=label("series.grid_import", lang),
                marker_color="#546e7a")
    fig.add_bar(x=e["year"], y=e["pv_self_consumed_mwh"], name=label("series.pv_self", lang),
                marker_color="#e9c46a")
    fig.add_bar(x=e["year"], y=-e["export_mwh"], name=label("series.export", lang),
                marker_color="#a5d6a7")
    fig.add_scatter(x=e["year"], y=e["load_mwh"], name=label("series.load", lang),
                    mode="lines", line={"color": "#000"})
    fig.update_layout(barmode="relative")
    return _layout(fig, label("chart.energy", lang), label("axis.year", lang),
                   label("axis.mwh", lang))


def week_chart(plan: Plan, lang: str, year: int | None = None) -> go.Figure:
    wk = typical_week(plan, year)
    fig = go.Figure()
    for col, key, colour in (("load_kw", "load", "#000"), ("pv_kw", "pv", "#f9a825"),
                             ("import_kw", "grid_import", "#546e7a"),
                             ("export_kw", "export", "#66bb6a"),
                             ("charge_kw", "charge", "#1e88e5"),
                             ("discharge_kw", "discharge", "#e53935")):
        if col in ("load_kw", "import_kw") or wk[col].abs().max() > 1e-9:
            fig.add_scatter(x=wk["time"], y=wk[col], name=label(f"series.{key}", lang),
                            mode="lines", line={"color": colour, "width": 1.5})
    if wk["soc_kwh"].max() > 1e-9:
        fig.add_scatter(x=wk["time"], y=wk["soc_kwh"], name=label("series.soc", lang) + " [kWh]",
                        mode="lines", yaxis="y2", line={"color": "#8e24aa", "dash": "dot"})
        fig.update_layout(yaxis2={"title": label("axis.kwh", lang), "overlaying": "y",
                                  "side": "right", "rangemode": "tozero"})
    title = f"{label('chart.week', lang)} — {label('report.week_note', lang)} " \
            f"{wk['time'].iloc[0]:%Y-%m-%d}"
    return _layout(fig, title, label("axis.hour", lang), label("axis.kw", lang))


def _levers_table(plan: Plan, lang: str) -> str:
    cols = ["lever", "kind", "build_years", "capex_cny", "npv_cny", "abated_t", "lcoa_cny_per_t"]
    f = plan.finance
    head = "".join(f"<th>{html.escape(column_header(c, lang))}</th>" for c in cols)
    rows = []
    for r in f.itertuples(index=False):
        cells = [getattr(r, "name", "") or r.lever, label(f"kind.{r.kind}", lang),
                 r.build_years.replace(";", ", "),
                 money_text(r.capex_cny, lang), money_text(r.npv_cny, lang),
                 f"{r.abated_t:,.0f}",
                 "—" if pd.isna(r.lcoa_cny_per_t) else f"{r.lcoa_cny_per_t:,.0f}"]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


# --------------------------------------------------------------------------- carbon markets

#: Roadmap columns of the carbon-markets table, in order (present only with [production]).
_MARKET_COLUMNS = ("year", "output", "intensity_t_per_unit", "ets_free_allocation_t",
                   "ets_bought_t", "ets_sold_t", "ccer_t", "ets_cost_cny",
                   "cbam_intensity_t_per_unit", "cbam_chargeable_t", "cbam_cost_cny",
                   "cbam_cost_cny_per_unit_exported")


def _market_cell(column: str, x: float, lang: str = "en") -> str:
    if column == "year":
        return str(int(x))
    if not math.isfinite(x):
        return "—"
    if "intensity" in column:
        return f"{x:,.3f}"
    if column.endswith("_per_unit_exported"):
        return f"{x:,.1f}"
    return money_text(x, lang) if column.endswith("_cny") else f"{x:,.0f}"


def _markets_section(plan: Plan, lang: str) -> str:
    """Output, intensity, ETS position and CBAM cost per year (empty without [production])."""
    r = plan.roadmap
    if "output" not in r:
        return ""
    cols = [c for c in _MARKET_COLUMNS if c in r]
    unit = str(plan.summary.get("output_unit", "unit"))
    # The unit of output in the headers' brackets: "[t]", "[t CO2e/t]", "[CNY/t]".
    head = "".join("<th>" + html.escape(column_header(c, lang).replace("[unit]", f"[{unit}]")
                                        .replace("/unit]", f"/{unit}]")) + "</th>"
                   for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_market_cell(c, float(row[c]), lang))}</td>"
                                    for c in cols) + "</tr>" for _, row in r.iterrows())
    title = "产量、全国碳市场与欧盟CBAM" if lang == "zh" else "Output, national ETS and EU CBAM"
    return (f"<section id='markets'><h2>{html.escape(title)}</h2>"
            f"<table><tr>{head}</tr>{body}</table></section>")


def _rule_number(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "—"
    if unit.startswith("t"):
        return f"{round(x) + 0.0:,.0f}"
    return f"{100 * x:.1f} %"


def _standard_section(plan: Plan, lang: str) -> str:
    """The standard, the claim year, the verdict sentences and the rules of the target year."""
    s = plan.summary
    if not s.get("standard"):
        return ""
    claim = s.get("claim_year")
    title, alias, note = standard_texts(plan, lang)
    parts = [f"<section id='standard'><h2>{html.escape(label('report.standard', lang))}: "
             f"{html.escape(title)}</h2>",
             f"<p><b>{html.escape(label('report.claim_year', lang))}:</b> "
             f"{claim if claim is not None else html.escape(label('kpi.never', lang))}</p>"]
    if alias:
        parts.append(f"<p><i>{html.escape(alias)}</i></p>")
    if note:
        parts.append(f"<p>{html.escape(note)}</p>")
    parts.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>"
                                  for line, _ in verdict_sentences(plan, lang))
                 + "</ul>")
    year = s["net_zero_year_target"]
    rows = plan.rules[plan.rules["year"] == year]
    head = "".join(f"<th>{html.escape(column_header(rule_column(c), lang))}</th>"
                   for c in ("rule", "value", "threshold", "unit", "met", "mark", "source"))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in (
            r.rule, _rule_number(r.value, r.unit), _rule_number(r.threshold, r.unit), r.unit,
            "✔" if r.met else "✘",
            r.mark, r.source)) + "</tr>" for r in rows.itertuples(index=False))
    parts.append(f"<table><tr>{head}</tr>{body}</table>")
    if s.get("standard_unverified_rules"):
        parts.append(f"<p class='marks'>{html.escape(label('report.marks', lang))}</p>")
    parts.append("</section>")
    return "".join(parts)


def _summary_section(plan: Plan, lang: str) -> str:
    """One paragraph from the results: what to approve now, what it costs and saves, when
    net zero is reached, when the standard's claim can be made."""
    s = plan.summary
    r = plan.roadmap
    first = r.iloc[0]
    year = int(first["year"])
    items = _built_items(plan, first, lang)
    money = lambda x: format_value(x, "CNY", lang)  # noqa: E731
    listed = ("、" if lang == "zh" else ", ").join(items)
    parts = [msg("report.approve_now", year=year, items=listed,
                 capex=money(first["capex_cny"])) if items
             else msg("report.nothing_now", year=year)]
    irr = s.get("irr")
    parts.append(msg("report.costs_saves", start=s["base_year"], end=s["end_year"],
                     npv_plan=money(s["npv_plan_cny"]), npv_bau=money(s["npv_bau_cny"]),
                     savings=money(s["npv_savings_cny"]),
                     irr="—" if irr is None else f"{100 * irr:.1f} %",
                     payback=s["discounted_payback_year"] or "—",
                     capex_total=money(s["capex_total_cny"])))
    if s.get("npv_savings_vs_purchases_cny") is not None:
        rate = s.get("irr_vs_purchases")
        parts.append(msg("report.vs_purchases", npv_purchases=money(s["npv_purchases_only_cny"]),
                         savings=money(s["npv_savings_vs_purchases_cny"]),
                         irr=("—" if rate is None else f"{100 * rate:.1f} %"),
                         payback=s.get("discounted_payback_year_vs_purchases") or "—"))
    reached, target = s["net_zero_year_reached"], s["net_zero_year_target"]
    parts.append(msg("report.net_zero_in", year=reached, target=target) if reached is not None
                 else msg("report.net_zero_never", target=target))
    if s.get("standard"):
        claim = s.get("claim_year")
        title = standard_texts(plan, lang)[0]
        parts.append(msg("report.claim_from", standard=title, year=claim)
                     if claim is not None else
                     msg("report.claim_never", standard=title))
    sep = "" if lang == "zh" else " "
    text = sep.join(p.render(lang) for p in parts)
    return (f"<section id='summary' class='summary'><h2>"
            f"{html.escape(msg('report.summary_title').render(lang))}</h2>"
            f"<p>{html.escape(text)}</p></section>")


def _built_items(plan: Plan, row: pd.Series, lang: str) -> list[str]:
    """What a roadmap year builds, by name: measures, then PV and battery added."""
    names = dict(zip(plan.measures["measure"], plan.measures["name"], strict=True)) \
        if "name" in plan.measures else {}
    items = [str(names.get(m) or m) for m in str(row["measures_built"]).split(";") if m]
    if row["pv_added_kw"] > 0.5:
        items.append(msg("report.pv_added", kw=row["pv_added_kw"]).render(lang))
    if row["battery_added_kwh"] > 0.5:
        items.append(msg("report.battery_added", kwh=row["battery_added_kwh"]).render(lang))
    return items


def _action_plan_section(plan: Plan, lang: str) -> str:
    """Each year that builds something: what (by name), its capex, the tonnes abated."""
    r = plan.roadmap
    abated = np.asarray(plan.bau.net_t_y, dtype=float) - r["net_t"].to_numpy(dtype=float)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in (
        label("axis.year", lang), msg("report.action_what").render(lang),
        msg("report.action_capex").render(lang), msg("report.action_abated").render(lang)))
    rows = []
    for i, row in r.iterrows():
        items = _built_items(plan, row, lang)
        if not items and row["capex_cny"] <= 0.5:
            continue
        cells = [str(int(row["year"])), "; ".join(items), column_money(row["capex_cny"], lang),
                 f"{abated[i]:,.0f}"]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return (f"<section id='action-plan'><h2>{html.escape(msg('report.action_plan').render(lang))}"
            f"</h2><table><tr>{head}</tr>{''.join(rows)}</table></section>")


#: A source text's confidence marks, e.g. "ipcc-2006 [V]: IPCC 2006 ..." (docs/sources.md).
_MARK = re.compile(r"\[([VSUC])\]")


def source_rows(plan: Plan) -> list[tuple[str, str, str, str]]:
    """(what, value, marks, source) of every shipped number the plan used: each emission
    factor from the shipped tables (not those the scenario gives), then each rule of the
    standard with its threshold. Marks are those of docs/sources.md (V, S, U, C)."""
    rows: list[tuple[str, str, str, str]] = []
    e = plan.emissions
    if len(e):
        first = e[e["year"] == e["year"].min()]
        for r in first.itertuples(index=False):
            src = str(r.factor_source)
            marks = sorted(set(_MARK.findall(src)), key="VSCU".index)
            if not marks or src.startswith("scenario "):
                continue  # the scenario's own number, or no shipped number behind it
            value = f"{r.factor:,.6g} {r.factor_unit}"
            rows.append((f"{r.scope}: {r.source}", value, ", ".join(marks), src))
    rules = getattr(plan, "rules", None)
    if rules is not None and len(rules) and "source" in rules:
        seen = set()
        for r in rules.itertuples(index=False):
            key = (r.rule, str(r.threshold))
            if key in seen or not str(r.source):
                continue
            seen.add(key)
            unit = f" {r.unit}" if isinstance(r.unit, str) and r.unit else ""
            rows.append((str(r.rule), f"{r.threshold}{unit}", str(r.mark), str(r.source)))
    return rows


def _sources_section(plan: Plan, lang: str) -> str:
    """Every shipped number used, with its mark and source (docs/sources.md)."""
    rows = source_rows(plan)
    if not rows:
        return ""
    words = {m: label(f"mark.{m}", lang) for m in "VSUC"}
    head = "".join(f"<th>{html.escape(label(f'sources.{c}', lang))}</th>"
                   for c in ("what", "value", "mark", "source"))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in (
            what, value, ", ".join(f"{m} ({words[m]})" if m in words else m
                                   for m in marks.split(", ")), src)) + "</tr>"
        for what, value, marks, src in rows)
    note = html.escape(label("sources.note", lang))
    return (f"<section id='sources'><h2>{html.escape(label('sources.title', lang))}</h2>"
            f"<p class='note'>{note}</p><table><tr>{head}</tr>{body}</table></section>")


def _assumptions_section(plan: Plan, lang: str) -> str:
    notes = plan.summary.get("assumptions") or []
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(translate(n, lang))}</li>" for n in notes)
    return (f"<section id='assumptions'><h2>{html.escape(msg('report.assumptions').render(lang))}"
            f"</h2><ul>{items}</ul></section>")
def _two_part_section(plan: Plan, lang: str) -> str:
    """The two-part tariff per year: each month's peak import and the basic charge."""
    basis = plan.summary.get("basic_charge_basis")
    if basis is None:
        return ""
    e = plan.energy
    months = [f"peak_import_kw_m{m:02d}" for m in range(1, 13)]
    cols = ["year", *months, "basic_charge_cny"]
    head = "".join(f"<th>{html.escape(column_header(c, lang))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{int(r['year'])}</td>" if c == "year" else
                         f"<td>{r[c]:,.0f}</td>" for c in cols) + "</tr>"
        for _, r in e.iterrows())
    return (f"<section id='two-part'><h2>{html.escape(label('term.two_part', lang))}</h2>"
            f"<p>{html.escape(label('term.basis', lang))}: {html.escape(basis)}</p>"
            f"<table><tr>{head}</tr>{body}</table></section>")


def report_html(plan: Plan, lang: str = "en", week_year: int | None = None) -> str:
    """The whole report as one HTML document (plotly.js inlined once)."""
    figs = [("emissions", emissions_chart(plan, lang)), ("capex", capex_chart(plan, lang)),
            ("cashflow", cashflow_chart(plan, lang)), ("macc", macc_chart(plan, lang)),
            ("energy", energy_chart(plan, lang)), ("week", week_chart(plan, lang, week_year))]
    charts = []
    for i, (key, fig) in enumerate(figs):
        div = fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=f"chart-{key}",
                          config={"displaylogo": False, "responsive": True})
        charts.append(f"<section>{div}</section>")
        if key == "macc":
            charts.append(f"<section><h2>{html.escape(label('report.levers', lang))}</h2>"
                          f"{_levers_table(plan, lang)}</section>")
        if key == "energy":
            charts.append(_two_part_section(plan, lang))
    charts.insert(0, _standard_section(plan, lang))
    charts.append(_markets_section(plan, lang))
    kpis = "".join(
        f"<div class='kpi'><div class='l'>{html.escape(k.label)}</div>"
        f"<div class='v'>{html.escape(format_value(k.value, k.unit, lang))}</div></div>"
        for k in key_figures(plan, lang))
    s = plan.summary
    title = f"{label('report.title', lang)} — {plan.name}"
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
            f"<meta charset='utf-8'>{_ERROR_HOOK}<title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><header><h1>{html.escape(title)}</h1>"
            f"<p>{s['base_year']}–{s['end_year']} · {html.escape(label('report.generated', lang))}"
            f"</p></header><main>{_summary_section(plan, lang)}"
            f"{_action_plan_section(plan, lang)}"
            f"<h2>{html.escape(label('report.key_figures', lang))}</h2>"
            f"<div class='kpis'>{kpis}</div>{''.join(charts)}{_assumptions_section(plan, lang)}"
            f"{_sources_section(plan, lang)}"
            f"</main>{_CHART_CHECK}{_PRINT_FIT}"
            "</body></html>\n")


def write_report(plan: Plan, path: Path, lang: str = "en", week_year: int | None = None) -> None:
    """Write ``report.html``."""
    Path(path).write_text(report_html(plan, lang, week_year), encoding="utf-8")
