"""Does the plan meet the standard? Each rule, each year, with its value and threshold.

The figures come from the plan's exact accounts (8 760-hour balance of every
year), through the same boundary definition the model enforces
(:mod:`planner.inputs.standard_rules`). A year's verdict is *met* when every rule in
force that year is met; the claim year is the first year in which every
``claim`` rule is met.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.inputs import PlanInputs
from models.rules import boundary_gross_t, counted_offsets_t
from planner.base.i18n import msg
from planner.inputs.standard_rules import rule_years
from planner.tables.standards import Profile, Rule

__all__ = ["YearMetrics", "claim_year", "metrics_of", "rule_table", "verdict_lines",
           "year_verdicts"]

#: Relative tolerance of a rule check: the decomposition meets caps to 1e-6 of the
#: yearly import, so a tonne figure may exceed its cap by that much round-off.
REL_TOL = 1e-5

COLUMNS = ["year", "rule", "kind", "value", "threshold", "unit", "met", "in_force", "mark",
           "source"]


@dataclass(frozen=True)
class YearMetrics:
    """What the rules look at, per year."""

    years: np.ndarray
    gross_t_y: np.ndarray        # emissions inside the boundary
    offsets_t_y: np.ndarray      # offsets that count
    base_t: float                # base-year emissions inside the boundary, no lever
    re_share_y: np.ndarray       # renewable share of electricity use (nan without load)


def metrics_of(inp: PlanInputs, fuel_t_fy: np.ndarray, source_t_jy: np.ndarray,
               import_mwh_y: np.ndarray, certificates_mwh_y: np.ndarray,
               credits_t_cy: np.ndarray, removals_t_ry: np.ndarray,
               load_mwh_y: np.ndarray, green_mwh_y: np.ndarray | None = None) -> YearMetrics:
    """Rule inputs from a plan's yearly flows, through the rules attached to ``inp``.

    The renewable share of electricity use is ``1 - (import - certificates - green) /
    load``: what the site uses that is neither on-site renewable nor covered by a
    certificate or a green-power contract (``green_mwh_y``, counted MWh), over its
    electric load (battery losses count as grid use); each purchase where the standard
    accepts it.
    """
    r = inp.rules
    assert r is not None, "metrics_of needs inputs with a standard's rules (with_rules)"
    gross = boundary_gross_t(r, fuel_t_fy, source_t_jy, import_mwh_y, certificates_mwh_y,
                             inp.grid.ef_location_t_per_mwh_y, inp.grid.ef_residual_t_per_mwh_y,
                             green_mwh_y)
    offsets = counted_offsets_t(r, credits_t_cy, removals_t_ry)
    certs = certificates_mwh_y if r.certificates_count else 0.0
    if green_mwh_y is not None and r.green_power_count:
        certs = certs + green_mwh_y
    with np.errstate(divide="ignore", invalid="ignore"):
        re = np.where(load_mwh_y > 0, 1.0 - np.maximum(import_mwh_y - certs, 0.0) / load_mwh_y,
                      np.nan)
    return YearMetrics(inp.years, gross, offsets, r.base_boundary_t, re)


def _check(rule: Rule, m: YearMetrics) -> tuple[np.ndarray, np.ndarray, str, np.ndarray]:
    """(value, threshold, unit, met) of a rule in every year."""
    base = max(m.base_t, 1e-9)
    tol_t = REL_TOL * base + 1e-6
    n = len(m.years)
    if rule.kind == "net_max_share":
        value = m.gross_t_y - m.offsets_t_y
        thr = np.full(n, rule.value * m.base_t)
        return value, thr, "t", value <= thr + tol_t
    if rule.kind == "offset_max_share":
        value = m.offsets_t_y / base
        thr = np.full(n, rule.value)
        return value, thr, "share of base-year emissions", value <= thr + REL_TOL
    if rule.kind == "reduction_min_share":
        value = 1.0 - m.gross_t_y / base
        thr = np.full(n, rule.value)
        return value, thr, "share of base-year emissions", value >= thr - REL_TOL
    if rule.kind == "annual_reduction_min_rate":
        value = 1.0 - m.gross_t_y / base
        thr = np.minimum(rule.value * np.arange(n), 1.0)
        return value, thr, "share of base-year emissions", value >= thr - REL_TOL
    if rule.kind == "renewable_electricity_min_share":
        value = m.re_share_y
        thr = np.full(n, rule.value)
        met = np.where(np.isnan(value), rule.value <= 0, value >= thr - REL_TOL)
        return value, thr, "share of electricity use", met
    # gross_non_increasing
    value = np.concatenate([[np.nan], np.diff(m.gross_t_y)])
    thr = np.zeros(n)
    met = np.concatenate([[True], value[1:] <= tol_t])
    return value, thr, "t vs previous year", met


def rule_table(profile: Profile, inp: PlanInputs, m: YearMetrics) -> pd.DataFrame:
    """One row per year and rule: value, threshold, met, whether in force that year."""
    frames = []
    for rule in profile.rule:
        value, thr, unit, met = _check(rule, m)
        frames.append(pd.DataFrame({
            "year": m.years, "rule": rule.id, "kind": rule.kind, "value": value,
            "threshold": thr, "unit": unit, "met": met.astype(bool),
            "in_force": rule_years(rule, inp), "mark": rule.mark, "source": rule.source}))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["year", "rule"], kind="stable").reset_index(drop=True)[COLUMNS]


def year_verdicts(profile: Profile, rules: pd.DataFrame) -> pd.DataFrame:
    """Per year: every rule in force met, and every claim rule met (the claim could be made)."""
    # A year-on-year rule compares two claim years: it cannot fail the first one.
    claim_ids = {r.id for r in profile.rule if r.applies == "claim"}
    yoy = {r.id for r in profile.rule if r.kind == "gross_non_increasing"}
    rows = []
    for year, g in rules.groupby("year", sort=True):
        in_force = g[g["in_force"]]
        claim = g[g["rule"].isin(claim_ids) & (~g["rule"].isin(yoy) | g["in_force"])]
        rows.append({"year": int(year), "met": bool(in_force["met"].all()),
                     "claim_possible": bool(len(claim) and claim["met"].all()),
                     "rules_in_force": len(in_force),
                     "rules_failed": ";".join(in_force.loc[~in_force["met"], "rule"])})
    return pd.DataFrame(rows, columns=["year", "met", "claim_possible", "rules_in_force",
                                       "rules_failed"])


def claim_year(verdicts: pd.DataFrame) -> int | None:
    """First year in which every claim rule is met."""
    ok = verdicts.loc[verdicts["claim_possible"], "year"]
    return int(ok.iloc[0]) if len(ok) else None


def _pct(x: float, lang: str = "en") -> str:
    return msg("verdict.na").render(lang) if not np.isfinite(x) else f"{100 * x:.0f} %"


def _t(x: float) -> float:
    """Rounded to whole tonnes, without a "-0"."""
    return round(x) + 0.0


def _fragment(rule: Rule, row: pd.Series, scopes: str, lang: str = "en") -> str:
    v, t = float(row["value"]), float(row["threshold"])
    mark = "" if rule.mark == "V" else f" [{rule.mark}]"
    ok = "" if row["met"] else msg("verdict.fragment_not_met").render(lang)
    if rule.kind == "net_max_share":
        m = msg("verdict.net", scopes=scopes, v=_t(v), t=_t(t))
    elif rule.kind == "offset_max_share":
        m = msg("verdict.offsets", v=_pct(v, lang), t=_pct(t, lang))
    elif rule.kind in ("reduction_min_share", "annual_reduction_min_rate"):
        m = msg("verdict.reduction", v=_pct(v, lang), t=_pct(t, lang))
    elif rule.kind == "renewable_electricity_min_share":
        m = msg("verdict.renewable", v=_pct(v, lang), t=_pct(t, lang))
    else:
        m = msg("verdict.gross_flat") if not np.isfinite(v) else msg("verdict.gross", v=_t(v))
    return m.render(lang) + mark + ok


def verdict_lines(profile: Profile, rules: pd.DataFrame, verdicts: pd.DataFrame,
                  years: list[int], lang: str = "en") -> list[str]:
    """One sentence per chosen year, e.g. '2038 zero-carbon-factory: met — net ...'.

    ``lang`` chooses the language (catalogue entries ``verdict.*`` in planner/base/i18n.py).
    """
    by_id = {r.id: r for r in profile.rule}
    claim_ids = {r.id for r in profile.rule if r.applies == "claim"}
    scopes = " + ".join(s.removeprefix("scope") for s in profile.boundary.scopes)
    scopes = msg("verdict.scopes", scopes=scopes).render(lang)
    lines = []
    for year in years:
        v = verdicts[verdicts["year"] == year]
        if v.empty:
            continue
        g = rules[(rules["year"] == year) & (rules["in_force"] | (
            rules["rule"].isin(claim_ids) & ~rules["kind"].eq("gross_non_increasing")))]
        parts = [_fragment(by_id[r["rule"]], r, scopes, lang) for _, r in g.iterrows()]
        ok = bool(v["met"].iloc[0]) and bool(v["claim_possible"].iloc[0])
        state = msg("verdict.met" if ok else "verdict.not_met").render(lang)
        lines.append(msg("verdict.line", year=year, name=profile.name, state=state,
                         parts=msg("verdict.sep").render(lang).join(parts)).render(lang))
    return lines
