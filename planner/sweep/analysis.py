"""What a sweep says: statistics, tornado, how often each measure is chosen, regret, what to do now.

Every function here takes plain records (dicts, as the runner returns them) or the
sample table, and returns a tidy :class:`pandas.DataFrame`; nothing solves or
writes. Only samples with ``status == "ok"`` (a proven optimum) enter the figures.

Definitions (``docs/sweeps.md``):

* **Regret** of the base-case plan in a sample: NPV of the base plan's investments
  (measures, build years, PV and battery vintages) under the sample's inputs, with
  purchases and dispatch re-optimised, minus the sample's optimal NPV [CNY]; >= 0,
  and 0 for the base case.
* **What to do now**: for each of the first N years, the decisions (build measure
  X in year Y; add PV in year Y; add a battery in year Y) taken in at least
  ``threshold`` of the samples, with their share; for PV and battery, the median
  size among the samples that add it.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from planner.sweep.spec import VarySpec

__all__ = ["METRICS", "measure_frequency", "sample_table", "summary_stats", "tornado",
           "what_to_do_now"]

#: Sample-table columns summarised, with their units in the name.
METRICS = ("npv_cny", "capex_total_cny", "net_zero_year", "credits_total_t", "regret_cny")


def _builds_text(builds: list[list[Any]]) -> str:
    return ";".join(f"{m}@{y}" for m, y in builds)


def _first_years_text(first: list[list[Any]]) -> str:
    parts = []
    for year, kind, item, amount in first:
        if kind == "build":
            parts.append(f"{item}@{year}")
        else:
            unit = "kW" if kind == "pv" else "kWh"
            parts.append(f"{kind}@{year}={amount:.0f}{unit}")
    return ";".join(parts)


def sample_table(records: list[dict[str, Any]], specs: list[VarySpec]) -> pd.DataFrame:
    """One row per record: id, status, reason, each varied input, results, decisions.

    Columns: ``sample_id``, ``status``, ``reason``, one column per varied input
    (``<key>_factor`` for factors, ``<key>`` for absolute values; for tornado runs the
    inputs left at base show their base level), ``npv_cny``, ``capex_total_cny``,
    ``net_zero_year``, ``credits_total_t``, ``measures`` (``id@year;...``),
    ``first_years_decisions``, ``regret_cny``, ``regret_note``, ``solve_s``, ``cpu_s``,
    ``warm_start``.
    """
    rows = []
    for r in records:
        row: dict[str, Any] = {"sample_id": r["sample_id"], "status": r["status"],
                               "reason": r["reason"]}
        for spec, level in zip(specs, r["levels"], strict=True):
            row[spec.column] = spec.base_level if math.isnan(level) else level
        row.update({
            "npv_cny": r["npv_cny"], "capex_total_cny": r["capex_total_cny"],
            "net_zero_year": r["net_zero_year"], "credits_total_t": r["credits_total_t"],
            "measures": _builds_text(r["builds"]),
            "first_years_decisions": _first_years_text(r["first_years"]),
            "regret_cny": r["regret_cny"], "regret_note": r["regret_note"],
            "solve_s": r["solve_s"], "cpu_s": r.get("cpu_s", math.nan),
            "warm_start": r["warm_start"],
        })
        rows.append(row)
    df = pd.DataFrame(rows)
    if not rows:
        cols = ["sample_id", "status", "reason", *[s.column for s in specs], *METRICS[:4],
                "measures", "first_years_decisions", "regret_cny", "regret_note", "solve_s",
                "cpu_s", "warm_start"]
        df = pd.DataFrame(columns=cols)
    df["net_zero_year"] = pd.array(df["net_zero_year"], dtype="Int64")
    return df


def _ok(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["status"] == "ok"]


def summary_stats(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Mean, standard deviation (n - 1), 5th/50th/95th percentiles, min, max per metric.

    Percentiles interpolate linearly between order statistics (numpy's default).
    ``count`` is the number of successful samples with a value (net-zero year: those
    that reach net zero within the horizon).
    """
    ok = _ok(records)
    rows = []
    for metric in METRICS:
        vals = np.array([float(r[metric]) for r in ok
                         if r[metric] is not None and not math.isnan(float(r[metric]))])
        if vals.size:
            p5, p50, p95 = np.percentile(vals, [5, 50, 95])
            rows.append({"metric": metric, "count": int(vals.size), "mean": vals.mean(),
                         "sd": vals.std(ddof=1) if vals.size > 1 else math.nan, "p5": p5,
                         "p50": p50, "p95": p95, "min": vals.min(), "max": vals.max()})
        else:
            rows.append({"metric": metric, "count": 0, **dict.fromkeys(
                ("mean", "sd", "p5", "p50", "p95", "min", "max"), math.nan)})
    return pd.DataFrame(rows)


def tornado(base: dict[str, Any], oat: list[dict[str, Any]], specs: list[VarySpec]
            ) -> pd.DataFrame:
    """NPV at each input's low and high level, the others at base; sorted by swing.

    Columns: ``key``, ``level_low``, ``level_high`` (factor or value), ``npv_low_cny``,
    ``npv_high_cny``, ``npv_base_cny``, ``delta_low_cny``, ``delta_high_cny`` (vs base),
    ``swing_cny`` = |high - low|, ``status`` ("ok" or the failed run's reason).
    """
    from planner.sweep.sampling import low_high

    by = {(r["key"], r["kind"]): r for r in oat}
    npv0 = base.get("npv_cny", math.nan) if base.get("status") == "ok" else math.nan
    rows = []
    for s in specs:
        lo, hi = low_high(s)
        rl, rh = by.get((s.name, "low")), by.get((s.name, "high"))
        v_lo = rl["npv_cny"] if rl and rl["status"] == "ok" else math.nan
        v_hi = rh["npv_cny"] if rh and rh["status"] == "ok" else math.nan
        bad = [f"{end}: {r['status']} ({r['reason']})" for end, r in (("low", rl), ("high", rh))
               if r and r["status"] != "ok"]
        rows.append({"key": s.name, "level_low": lo, "level_high": hi, "npv_low_cny": v_lo,
                     "npv_high_cny": v_hi, "npv_base_cny": npv0, "delta_low_cny": v_lo - npv0,
                     "delta_high_cny": v_hi - npv0, "swing_cny": abs(v_hi - v_lo),
                     "status": "; ".join(bad) or "ok"})
    df = pd.DataFrame(rows, columns=["key", "level_low", "level_high", "npv_low_cny",
                                     "npv_high_cny", "npv_base_cny", "delta_low_cny",
                                     "delta_high_cny", "swing_cny", "status"])
    return df.sort_values("swing_cny", ascending=False, na_position="last",
                          kind="stable").reset_index(drop=True)


def measure_frequency(records: list[dict[str, Any]], measure_ids: tuple[str, ...] | list[str],
                      base: dict[str, Any] | None = None) -> pd.DataFrame:
    """How often each measure is chosen, and in which first year.

    Columns: ``measure``, ``samples_chosen``, ``share_chosen`` (of successful samples),
    ``first_year_median``, ``first_year_min``, ``first_year_max``,
    ``first_year_most_common``, ``share_in_most_common_year`` (of samples choosing it),
    ``first_year_distribution`` (``year:share;...`` of samples choosing it),
    ``base_first_year`` (in the base plan, empty if not chosen).
    """
    ok = _ok(records)
    n = len(ok)
    base_first: dict[str, int] = {}
    for m, y in (base or {}).get("builds", []):
        base_first.setdefault(m, int(y))
    rows = []
    for mid in measure_ids:
        firsts = []
        for r in ok:
            years = [int(y) for m, y in r["builds"] if m == mid]
            if years:
                firsts.append(min(years))
        row: dict[str, Any] = {"measure": mid, "samples_chosen": len(firsts),
                               "share_chosen": len(firsts) / n if n else math.nan}
        if firsts:
            cnt = Counter(firsts)
            year, c = sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            row.update(first_year_median=float(np.median(firsts)), first_year_min=min(firsts),
                       first_year_max=max(firsts), first_year_most_common=year,
                       share_in_most_common_year=c / len(firsts),
                       first_year_distribution=";".join(
                           f"{y}:{k / len(firsts):.3f}" for y, k in sorted(cnt.items())))
        else:
            row.update(first_year_median=math.nan, first_year_min=None, first_year_max=None,
                       first_year_most_common=None, share_in_most_common_year=math.nan,
                       first_year_distribution="")
        row["base_first_year"] = base_first.get(mid)
        rows.append(row)
    df = pd.DataFrame(rows)
    for col in ("first_year_min", "first_year_max", "first_year_most_common",
                "base_first_year"):
        if col in df:
            df[col] = pd.array(df[col], dtype="Int64")
    return df.sort_values(["share_chosen", "measure"], ascending=[False, True],
                          kind="stable").reset_index(drop=True)


def _decision_key(year: int, kind: str, item: str) -> tuple[int, str, str]:
    return int(year), kind, item


def what_to_do_now(records: list[dict[str, Any]], base: dict[str, Any] | None = None,
                   threshold: float = 0.5) -> pd.DataFrame:
    """Decisions of the first years taken in at least ``threshold`` of the samples.

    Columns: ``year``, ``decision`` ("build", "pv", "battery"), ``item`` (measure id,
    ``pv_kw``, ``battery_kwh``), ``share_of_samples``, ``median_amount`` (kW or kWh for
    PV and battery, 1 for a measure), ``p5_amount``, ``p95_amount``, ``in_base_plan``.
    Sorted by year, then share (descending).
    """
    ok = _ok(records)
    n = len(ok)
    amounts: dict[tuple[int, str, str], list[float]] = {}
    for r in ok:
        seen = set()
        for year, kind, item, amount in r["first_years"]:
            key = _decision_key(year, kind, item)
            if key in seen:
                continue
            seen.add(key)
            amounts.setdefault(key, []).append(float(amount))
    in_base = {_decision_key(y, k, i) for y, k, i, _ in (base or {}).get("first_years", [])}
    rows = []
    for key, vals in amounts.items():
        share = len(vals) / n
        if share + 1e-12 < threshold:
            continue
        year, kind, item = key
        rows.append({"year": year, "decision": kind, "item": item, "share_of_samples": share,
                     "median_amount": float(np.median(vals)),
                     "p5_amount": float(np.percentile(vals, 5)),
                     "p95_amount": float(np.percentile(vals, 95)),
                     "in_base_plan": key in in_base})
    df = pd.DataFrame(rows, columns=["year", "decision", "item", "share_of_samples",
                                     "median_amount", "p5_amount", "p95_amount",
                                     "in_base_plan"])
    return df.sort_values(["year", "share_of_samples", "item"], ascending=[True, False, True],
                          kind="stable").reset_index(drop=True)
