"""Benchmarks and solver tuning: time scenarios under a grid of HiGHS settings.

A *case* is a scenario file; a *setting* is a set of ``[solver]`` overrides. Each
(case, setting) is solved ``repeats`` times in this process (imports and the
numba kernel warm; the PV profile cached) and the median of each timing is kept.
:func:`end_to_end` times the ``plan`` command as a separate process instead,
Python start included, with its peak memory.

Used by ``python -m benchmarks``, ``plan bench`` and ``plan tune``.
"""

from __future__ import annotations

import itertools
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.base.errors import CarbonpathError
from planner.base.schema import SolverSettings
from planner.run.pipeline import prepare
from planner.solve.run import solve_inputs

__all__ = [
    "DEFAULT_GRID",
    "BenchResult",
    "end_to_end",
    "evaluation_speed",
    "parse_grid",
    "run_grid",
    "solver_block",
    "tune",
]

#: One factor at a time around the defaults: what each HiGHS setting does on its own.
DEFAULT_GRID: tuple[dict[str, Any], ...] = (
    {},
    {"presolve": "choose"},
    {"mip_allow_restart": False},
    {"mip_rel_gap": 1e-3},
    {"threads": 1},
    {"mip_heuristic_effort": 0.3},
    {"simplex_strategy": 4},
    {"random_seed": 1},
)

COLUMNS = ["case", "setting", "repeats", "wall_s", "build_s", "master_s", "evaluate_s",
           "iterations", "cuts", "nodes", "gap", "status", "objective_cny"]


@dataclass(frozen=True)
class BenchResult:
    """Median figures of one (case, setting)."""

    case: str
    setting: str
    repeats: int
    wall_s: float
    build_s: float
    master_s: float
    evaluate_s: float
    iterations: int
    cuts: int
    nodes: int
    gap: float
    status: str
    objective_cny: float


def setting_label(overrides: dict[str, Any]) -> str:
    """Short label of a setting: ``default`` or ``key=value,...``."""
    return ",".join(f"{k}={v}" for k, v in sorted(overrides.items())) or "default"


def parse_grid(specs: Iterable[str]) -> list[dict[str, Any]]:
    """Full factorial grid from ``key=v1,v2`` strings (values typed as the schema's fields).

    Raises
    ------
    CarbonpathError
        For an unknown ``[solver]`` key or a value of the wrong type.
    """
    fields = SolverSettings.model_fields
    axes: list[list[tuple[str, Any]]] = []
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip()
        if not sep or key not in fields:
            raise CarbonpathError(f"--grid {spec!r}: expected KEY=V1,V2 with KEY one of "
                                  f"{', '.join(fields)}")
        typed = []
        for raw in values.split(","):
            val = _typed_value(key, raw.strip())
            try:
                SolverSettings.model_validate({key: val})
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                raise CarbonpathError(f"--grid {spec!r}: bad value {raw!r} for {key} "
                                      f"({str(exc).splitlines()[-1].strip()})") from None
            typed.append((key, val))
        axes.append(typed)
    if not axes:
        return [dict(s) for s in DEFAULT_GRID]
    return [dict(combo) for combo in itertools.product(*axes)]


def _typed_value(key: str, raw: str) -> Any:
    """A grid value as the type of the [solver] field (int, float or text)."""
    ann = SolverSettings.model_fields[key].annotation
    try:
        if ann is bool:
            if raw.lower() not in ("true", "false"):
                return raw
            return raw.lower() == "true"
        if ann is int:
            return int(raw)
        if ann is float:
            return float(raw)
    except ValueError:
        return raw
    return raw


def _median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs))


def run_case(path: Path, overrides: dict[str, Any], repeats: int) -> BenchResult:
    """Solve one scenario ``repeats`` times with ``overrides`` and keep medians."""
    sf, inp = prepare(path)
    settings = sf.scenario.solver.model_copy(update=overrides)
    rows = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        sol = solve_inputs(inp, settings)
        wall = time.perf_counter() - t0
        rows.append((wall, sol))
    rep = [s.report for _, s in rows]
    last = rep[-1]
    from planner.plan.results import build_plan

    plan = build_plan(sf.scenario.scenario.name, inp, rows[-1][1])
    return BenchResult(
        case=path.stem, setting=setting_label(overrides), repeats=repeats,
        wall_s=_median([w for w, _ in rows]), build_s=_median([r.build_s for r in rep]),
        master_s=_median([r.master_s for r in rep]),
        evaluate_s=_median([r.evaluate_s for r in rep]),
        iterations=last.iterations, cuts=last.cuts, nodes=last.nodes,
        gap=float(plan.summary["optimality_gap"]), status=last.status.value,
        objective_cny=float(plan.summary["npv_plan_cny"]))


def run_grid(cases: Sequence[Path], grid: Sequence[dict[str, Any]], repeats: int = 3,
             progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Every case under every setting; one row per (case, setting)."""
    rows = []
    for path in cases:
        for overrides in grid:
            if progress:
                progress(f"{path.stem} / {setting_label(overrides)}")
            try:
                res = run_case(Path(path), overrides, repeats)
                rows.append(res.__dict__)
            except CarbonpathError as exc:
                rows.append({"case": Path(path).stem, "setting": setting_label(overrides),
                             "repeats": repeats, "status": f"failed: {exc}".splitlines()[0]})
    return pd.DataFrame(rows, columns=COLUMNS)


def tune(table: pd.DataFrame, max_gap: float) -> tuple[str, pd.DataFrame]:
    """Fastest setting (sum of median wall times over cases) that meets ``max_gap`` everywhere.

    Returns the setting's label and the ranking table.
    """
    ok = table[table["gap"].notna()].copy()
    ok["meets_gap"] = ok["gap"] <= max_gap
    by = ok.groupby("setting").agg(total_wall_s=("wall_s", "sum"),
                                   worst_gap=("gap", "max"),
                                   all_meet=("meets_gap", "all"),
                                   cases=("case", "count"))
    n_cases = table["case"].nunique()
    by = by[by["cases"] == n_cases].sort_values("total_wall_s")
    good = by[by["all_meet"]]
    if good.empty:
        raise CarbonpathError(f"no setting reached a gap of {max_gap:g} on every case; "
                              "raise --gap or solver.time_limit_s")
    return str(good.index[0]), by.reset_index()


def solver_block(label: str, base: SolverSettings | None = None) -> str:
    """A ``[solver]`` table for a setting label, ready to paste into a scenario."""
    base = base or SolverSettings()
    values = base.model_dump()
    if label != "default":
        for part in label.split(","):
            k, _, v = part.partition("=")
            values[k] = _typed_value(k, v)
    lines = ["[solver]"]
    for k, v in values.items():
        if v is None:  # TOML has no null: an unset key keeps its default
            continue
        if isinstance(v, bool):
            lines.append(f"{k} = {str(v).lower()}")
        elif isinstance(v, str):
            lines.append(f'{k} = "{v}"')
        else:
            lines.append(f"{k} = {v!r}")
    return "\n".join(lines) + "\n"


def end_to_end(path: Path, repeats: int = 3, plan_exe: str | None = None) -> dict[str, float]:
    """Time ``plan PATH`` as a separate process: median wall [s] and peak memory [MB]."""
    exe = plan_exe or str(Path(sys.executable).with_name("plan"))
    walls, peaks = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        proc = subprocess.run([exe, str(path), "--quiet"], capture_output=True, text=True,
                              check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
        walls.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 5):
            raise CarbonpathError(f"plan {path} failed: {proc.stderr.strip()[:300]}")
        peaks.append(max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024)
    return {"wall_s_median": _median(walls), "wall_s_min": min(walls), "wall_s_max": max(walls),
            "peak_mb": max(peaks), "repeats": repeats}


def evaluation_speed(path: Path, repeats: int = 20) -> dict[str, float]:
    """Median time of the exact hourly evaluation of a whole plan (all years x 8760 h).

    The plan evaluated is the optimum of ``path`` (with its battery), so the kernel
    does the full battery dispatch of every day of every year.
    """
    from models.hourly import evaluate

    sf, inp = prepare(path)
    sol = solve_inputs(inp, sf.scenario.solver)
    b = inp.battery
    out = {}
    variants: list[tuple[str, dict[str, Any]]] = [("value_and_cuts_ms", {}),
                                                   ("with_energy_balance_ms", {"balance": True})]
    for label, kw in variants:
        evaluate(inp.hourly, sol.state, b.eta_charge, b.eta_discharge, **kw)
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            evaluate(inp.hourly, sol.state, b.eta_charge, b.eta_discharge, **kw)
            ts.append(time.perf_counter() - t0)
        out[label] = 1e3 * _median(ts)
    out["years"] = inp.n_years
    out["hours"] = int(inp.hourly.base_load_kw_h.shape[0])
    out["battery_kwh_max"] = float(np.max(sol.state.battery_kwh_cy))
    return out
