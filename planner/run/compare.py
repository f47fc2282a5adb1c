"""Solve several scenarios (in parallel where there are cores) and compare them side by side.

The comparison is one table: a row per figure, a column per scenario, and for every
scenario after the first whether each figure differs from the first scenario's. Rows:
NPV, savings against BAU, IRR, capex total and peak, the year net zero is reached,
the credits' share of abatement, net emissions every five years (years in every
horizon), and each measure's build years.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.base.errors import CarbonpathError
from planner.plan.results import Plan, credits_share

__all__ = ["CompareError", "compare_table", "differs", "emission_years", "solve_many"]


class CompareError(CarbonpathError):
    """A scenario of a comparison failed; carries that scenario's exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class _Failed:
    message: str
    exit_code: int


def _solve_one(path: Path, time_limit_s: float | None,
               node_limit: int | None = None) -> Plan | _Failed:
    """Worker: a plan, or the user error as plain data (custom exceptions may not pickle)."""
    from planner.run.pipeline import plan_scenario

    try:
        return plan_scenario(path, time_limit_s=time_limit_s, node_limit=node_limit)
    except CarbonpathError as exc:
        return _Failed(str(exc), exc.exit_code)


def solve_many(paths: Sequence[Path], *, time_limit_s: float | None = None,
               node_limit: int | None = None, workers: int | None = None,
               progress: Callable[[Path, str], None] | None = None) -> list[Plan]:
    """Plans of ``paths`` in the order given.

    Parameters
    ----------
    paths : sequence of Path
    time_limit_s : float, optional
        Override each scenario's solver time limit [s].
    node_limit : int, optional
        Override each scenario's ``solver.node_limit`` (branch-and-bound nodes per solve).
    workers : int, optional
        Processes; default ``min(len(paths), os.cpu_count())``. With 1, solves in this
        process.
    progress : callable, optional
        Called with (path, "started" | "done") as scenarios start and finish.

    Raises
    ------
    CompareError
        The first scenario (in the order given) that failed, with its exit code.
    """
    paths = [Path(p) for p in paths]
    n = workers or min(len(paths), os.cpu_count() or 1)
    note = progress or (lambda p, s: None)
    results: dict[int, Plan | _Failed] = {}
    if n <= 1:
        for i, p in enumerate(paths):
            note(p, "started")
            results[i] = _solve_one(p, time_limit_s, node_limit)
            note(p, "done")
    else:
        # spawn, not fork: a parent that already ran numba's OpenMP threads cannot fork safely.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
            futures = {}
            for i, p in enumerate(paths):
                futures[pool.submit(_solve_one, p, time_limit_s, node_limit)] = i
                note(p, "started")
            for fut in as_completed(futures):
                i = futures[fut]
                results[i] = fut.result()
                note(paths[i], "done")
    for i, p in enumerate(paths):
        r = results[i]
        if isinstance(r, _Failed):
            raise CompareError(f"{p}: {r.message}", r.exit_code)
    return [results[i] for i in range(len(paths))]  # type: ignore[misc]


def emission_years(plans: Sequence[Plan], step: int = 5) -> list[int]:
    """Years present in every horizon that are multiples of ``step`` (2030, 2035, ...)."""
    common = set.intersection(*({int(y) for y in p.inputs.years} for p in plans))
    return sorted(y for y in common if y % step == 0)


def _row_values(plan: Plan, years: list[int], measures: list[str]) -> list[tuple[str, Any]]:
    s = plan.summary
    net = dict(zip(plan.roadmap["year"].astype(int), plan.roadmap["net_t"], strict=True))
    build = dict(zip(plan.measures["measure"], plan.measures["build_years"], strict=True))
    share = credits_share(s)
    rows: list[tuple[str, Any]] = [
        ("npv_plan_cny", s["npv_plan_cny"]),
        ("npv_savings_cny", s["npv_savings_cny"]),
        ("irr", s["irr"]),
        ("discounted_payback_year", s["discounted_payback_year"]),
        ("levelised_abatement_cost_cny_per_t", s["levelised_abatement_cost_cny_per_t"]),
        ("capex_total_cny", s["capex_total_cny"]),
        ("capex_peak_cny", s["capex_peak_cny"]),
        ("capex_peak_year", s["capex_peak_year"]),
        ("net_zero_year_reached", s["net_zero_year_reached"]),
        ("credits_share_of_abatement", share),
        ("standard", s.get("standard") or ""),
        ("claim_year", s.get("claim_year")),
    ]
    rows += [(f"net_t_{y}", float(net[y]) + 0.0) for y in years]  # + 0.0: no "-0"
    rows += [(f"build_years:{m}", build.get(m, "")) for m in measures]
    return rows


def differs(a: Any, b: Any, rel: float = 1e-6) -> bool:
    """Whether two figures differ (numbers: beyond a relative ``rel``, 1 CNY or 1 t)."""
    if a is None or b is None:
        return (a is None) != (b is None)
    if isinstance(a, str) or isinstance(b, str):
        return str(a) != str(b)
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return False
    return not bool(np.isclose(float(a), float(b), rtol=rel, atol=1e-6))


def compare_table(plans: Sequence[Plan], names: Sequence[str] | None = None) -> pd.DataFrame:
    """Side-by-side figures of several plans, and where they differ from the first.

    Returns
    -------
    DataFrame
        Columns: ``figure`` (the key, e.g. ``npv_plan_cny``, ``net_t_2030``,
        ``build_years:led``), one column per scenario (its name unless ``names``),
        then ``differs:<name>`` (true/false) for every scenario after the first.
    """
    names = list(names) if names else [p.name for p in plans]
    if len(set(names)) != len(names):
        names = [f"{i + 1}:{n}" for i, n in enumerate(names)]
    years = emission_years(plans)
    measures: list[str] = []
    for p in plans:
        for m in p.measures.loc[p.measures["chosen"], "measure"]:
            if m not in measures:
                measures.append(m)
    cols = {n: dict(_row_values(p, years, measures)) for n, p in zip(names, plans, strict=True)}
    keys = [k for k, _ in _row_values(plans[0], years, measures)]
    df = pd.DataFrame({"figure": keys, **{n: [cols[n][k] for k in keys] for n in names}})
    first = names[0]
    for n in names[1:]:
        df[f"differs:{n}"] = [differs(cols[first][k], cols[n][k]) for k in keys]
    return df
