"""The key figures of a plan, labelled, for the terminal, the workbook and the report."""

from __future__ import annotations

from typing import Any, NamedTuple

from planner.base.i18n import column_header, label, msg
from planner.plan.results import Plan, credits_share
from planner.report.money import money_text

__all__ = ["KeyFigure", "figure_label", "format_value", "key_figures", "money_basis_text",
           "scope2_figures", "standard_texts", "verdict_sentences"]


class KeyFigure(NamedTuple):
    """One figure: its label, raw value (None if undefined) and unit."""

    label: str
    value: Any
    unit: str


def key_figures(plan: Plan, lang: str = "en") -> list[KeyFigure]:
    """Figures a CFO reads first, in reading order."""
    s = plan.summary

    def f(key: str, value: Any, unit: str) -> KeyFigure:
        return KeyFigure(label(f"kpi.{key}", lang), value, unit)

    irr = s.get("irr")
    share = credits_share(s)
    return [
        f("npv_plan", s["npv_plan_cny"], "CNY"),
        f("npv_bau", s["npv_bau_cny"], "CNY"),
        f("npv_savings", s["npv_savings_cny"], "CNY"),
        f("irr", None if irr is None else 100.0 * irr, "%"),
        f("payback", s["discounted_payback_year"], ""),
        f("lcoa", s["levelised_abatement_cost_cny_per_t"], "CNY/t"),
        f("capex_total", s["capex_total_cny"], "CNY"),
        f("capex_peak", s["capex_peak_cny"], f"CNY ({s['capex_peak_year']})"),
        f("abated", s["emissions_abated_t"], "t CO2e"),
        *scope2_figures(plan, lang),
        f("net_zero", s["net_zero_year_reached"], f"({label('kpi.target', lang)} "
                                                  f"{s['net_zero_year_target']})"),
        f("credits_share", None if share is None else 100.0 * share, "%"),
        *(_vs_purchases(s, f, lang) if s.get("npv_savings_vs_purchases_cny") is not None
          else []),
        f("money_basis", money_basis_text(s, lang), ""),
        *([f("tax_carry_forward", s["tax_carry_forward_npv_cny"], "CNY")]
          if "tax_carry_forward_npv_cny" in s else []),
    ]


def _vs_purchases(s: dict[str, Any], f: Any, lang: str) -> list[KeyFigure]:
    """NPV, IRR and payback of the plan against compliance by purchases alone."""
    rate = s.get("irr_vs_purchases")
    irr_value: Any = (100.0 * rate if rate is not None else
                      label("kpi.no_irr", lang) if not s.get("irr_vs_purchases_defined")
                      else None)
    return [f("npv_vs_purchases", s["npv_savings_vs_purchases_cny"], "CNY"),
            f("irr_vs_purchases", irr_value, "%"),
            f("payback_vs_purchases", s.get("discounted_payback_year_vs_purchases"), "")]


def scope2_figures(plan: Plan, lang: str = "en") -> list[KeyFigure]:
    """Scope 2 in the net-zero target year (else the last year) both ways: location-based,
    the green certificates bought, market-based; the target's basis is marked.

    Market-based = location-based emissions of the grid import not covered by certificates,
    at the residual factor; the two differ exactly by what the certificates cover, which
    is why scope 2 can fall to 0 with nothing built.
    """
    r = plan.roadmap
    s = plan.summary
    target = s.get("net_zero_year_target")
    rows = r[r["year"] == target] if target is not None else r.iloc[0:0]
    row = rows.iloc[0] if len(rows) else r.iloc[-1]
    year = int(row["year"])
    basis = s.get("scope2_basis") or "market"
    mark = msg("kpi.target_basis").render(lang)

    def name(key: str, marked: bool = False) -> str:
        return msg(f"kpi.{key}", year=year).render(lang) + (mark if marked else "")

    return [
        KeyFigure(name("scope2_location", basis == "location"),
                  float(row["scope2_location_t"]), "t CO2"),
        KeyFigure(name("certificates"), float(row["certificates_mwh"]), "MWh"),
        KeyFigure(name("scope2_market", basis == "market"), float(row["scope2_market_t"]),
                  "t CO2"),
    ]


def standard_texts(plan: Plan, lang: str = "en") -> tuple[str, str, str]:
    """(title, alias note, profile note) of the plan's standard in ``lang``: the profile's
    ``title_zh`` in Chinese where it has one, the notes through the sentence catalogue
    (planner/base/i18n_text.py; English where a profile file's own note has no entry)."""
    from planner.base.i18n_text import translate

    s = plan.summary
    profile = plan.profile
    title = str(s.get("standard_title") or "")
    if lang == "zh" and profile is not None and profile.title_zh:
        title = profile.title_zh
    alias = translate(str(s.get("standard_note") or ""), lang)
    note = translate(profile.note if profile is not None and profile.note else "", lang)
    return title, alias, note


def money_basis_text(summary: dict[str, Any], lang: str = "en") -> str:
    """How the money is counted: after tax or not, borrowed share, inflation."""
    parts = [label("kpi.after_tax" if summary.get("money_after_tax") else "kpi.pre_tax", lang)]
    share = summary.get("money_loan_share") or 0.0
    parts.append(f"{label('kpi.borrowed', lang)} {100 * share:.0f} %" if share
                 else label("kpi.cash", lang))
    infl = summary.get("money_inflation_rate") or 0.0
    parts.append(f"{label('kpi.inflation', lang)} {100 * infl:.1f} %" if infl
                 else label("kpi.real", lang))
    if summary.get("money_price_basis") == "nominal":
        parts.append(label("kpi.nominal_inputs", lang))
    return (", " if lang == "en" else "，").join(parts)


def format_value(value: Any, unit: str, lang: str = "en") -> str:
    """A figure as text: money in millions of CNY (Chinese: 万元/亿元), years as they are,
    others rounded."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if unit.startswith("CNY") and unit != "CNY/t":
        return money_text(value, lang) + unit[3:]  # M¥, or 万元/亿元 (planner/report/money.py)
    if unit == "%":
        return f"{value:z.1f} %"
    if unit == "CNY/t":
        return f"{value:z,.0f} " + ("元/t" if lang == "zh" else "¥/t")
    return f"{value:z,.0f} {unit}".strip()


def figure_label(key: str, lang: str = "en") -> str:
    """Human label of a comparison row key."""
    if key.startswith("net_t_"):
        return f"{label('kpi.emissions_in', lang)} {key[6:]} [t CO2e]"
    if key.startswith("build_years:"):
        return f"{key.split(':', 1)[1]} — {column_header('build_years', lang)}"
    simple = {
        "npv_plan_cny": ("npv_plan", "CNY"), "npv_savings_cny": ("npv_savings", "CNY"),
        "irr": ("irr", "1/yr"), "discounted_payback_year": ("payback", ""),
        "levelised_abatement_cost_cny_per_t": ("lcoa", "CNY/t"),
        "capex_total_cny": ("capex_total", "CNY"), "capex_peak_cny": ("capex_peak", "CNY"),
        "capex_peak_year": ("capex_peak_year", ""), "net_zero_year_reached": ("net_zero", ""),
        "credits_share_of_abatement": ("credits_share", "-"),
        "standard": ("standard", ""), "claim_year": ("claim_year", ""),
    }
    key2, unit = simple[key]
    text = label(f"kpi.{key2}", lang)
    return f"{text} [{unit}]" if unit else text


def verdict_sentences(plan: Plan, lang: str = "en") -> list[tuple[str, bool]]:
    """(sentence in ``lang``, met) per verdict year of the summary (claim and target year)."""
    from planner.analysis.verdicts import verdict_lines

    s = plan.summary
    english = s.get("verdicts") or []
    met = [": met —" in line for line in english]
    if lang == "en" or getattr(plan, "profile", None) is None:
        return list(zip(english, met, strict=True))
    years = sorted({y for y in (s.get("claim_year"), s["net_zero_year_target"]) if y is not None})
    lines = verdict_lines(plan.profile, plan.rules, plan.verdicts, years, lang)
    return list(zip(lines, met, strict=True))
