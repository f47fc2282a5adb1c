"""Solve a group: the joint plan, each plant alone, on dask workers or in this process.

The group master runs here; each plant's exact hourly evaluations (initial cuts, cut
separation at every iteration, the final reported dispatch) are the tasks of a *plant
map* (:data:`models.group.PlantMap`). On dask, each plant's :class:`PlanInputs` is
scattered to the workers once, at the start: every later task sends only the plan's
few numbers per year and gets back cut records. The plants planned alone (for the value
of planning jointly) are whole solves, one task per plant, on the same workers.

Schedulers as for ``plan sweep`` (:mod:`planner.sweep.runner`): ``local`` (default) starts
a ``LocalCluster`` of single-threaded worker processes, or runs in this process with one
worker; ``synchronous`` runs in this process; any other value is the address of a running
dask scheduler. A task that fails on a worker is retried once, then reported with the
plant named (exit 4); nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from models.decomposition import IterationRecord
from models.group import (
    GroupCoupling,
    GroupResult,
    PlantMap,
    in_process_map,
    solve_group_decomposed,
)
from models.inputs import PlanInputs
from planner.base.errors import CarbonpathError, InfeasiblePlanError, SolverError
from planner.base.schema import SolverSettings
from planner.group.spec import GroupFile
from planner.plan.results import Plan, build_plan
from planner.solve.run import MasterSolver, Solution, _solution_of

__all__ = ["GroupRun", "plant_map", "solve_alone", "solve_group", "solve_group_file"]


@dataclass
class GroupRun:
    """A solved group: one plan per plant, the group's figures, how it ran."""

    group: GroupFile
    plans: list[Plan]
    result: GroupResult
    #: NPV [CNY] of each plant planned alone under its share of the group's caps, budget
    #: and pools (None: that plant alone cannot meet its share; NaN: not computed).
    alone_npv_cny: list[float | None] = field(default_factory=list)
    proven_optimal: bool = True
    wall_s: float = 0.0
    scheduler: str = "this process"
    workers: int = 1
    history: list[IterationRecord] = field(default_factory=list)


class PlantTaskError(SolverError):
    """A plant's task failed on a worker (after one retry)."""


@contextmanager
def plant_map(inputs: Sequence[PlanInputs], names: Sequence[str], scheduler: str = "local",
              workers: int | None = None) -> Iterator[tuple[PlantMap, int, str]]:
    """A plant map over ``inputs``: in this process, or on dask with the inputs scattered once.

    Yields (map, number of workers, description).
    """
    if scheduler in ("synchronous", "sync", "none") or (scheduler == "local" and workers == 1):
        yield _guarded(inputs, names), 1, "this process"
        return
    from planner.sweep.runner import _dask_client

    with _dask_client(scheduler, workers) as (client, n, desc):
        # Each plant's data goes to a worker once (the list is spread over the workers);
        # every task refers to it by future and runs where it is held.
        held = client.scatter(list(inputs), hash=False)

        def pmap(fn: Callable[..., Any], args: Sequence[Any]) -> list[Any]:
            futs = [client.submit(fn, h, a, pure=False, retries=1)
                    for h, a in zip(held, args, strict=True)]
            out = []
            for name, fut in zip(names, futs, strict=True):
                try:
                    out.append(fut.result())
                except Exception as exc:  # a lost worker, a crash in the kernel, ...
                    for f in futs:
                        f.cancel()
                    raise PlantTaskError(f"plant '{name}': {fn.__name__} failed on a dask "
                                         f"worker ({type(exc).__name__}: {exc})") from None
            return out

        yield pmap, n, desc


def _guarded(inputs: Sequence[PlanInputs], names: Sequence[str]) -> PlantMap:
    """The in-process plant map, naming the plant whose task raised."""
    def run(fn: Callable[..., Any], args: Sequence[Any]) -> list[Any]:
        out = []
        for inp, a, name in zip(inputs, args, names, strict=True):
            try:
                out.append(fn(inp, a))
            except CarbonpathError:
                raise
            except Exception as exc:
                raise PlantTaskError(f"plant '{name}': {fn.__name__} failed "
                                     f"({type(exc).__name__}: {exc})") from exc
        return out
    return run


def solve_group(inputs: Sequence[PlanInputs], coupling: GroupCoupling, settings: SolverSettings,
                pmap: PlantMap, *, deadline: float | None = None,
                progress: Callable[[IterationRecord], None] | None = None) -> GroupResult:
    """The joint optimum of ``inputs`` under ``coupling``.

    Raises
    ------
    InfeasiblePlanError
        No joint plan meets the group's constraints.
    SolverError
        HiGHS found no plan (time limit, numerical trouble).
    """
    end = deadline if deadline is not None else time.perf_counter() + settings.time_limit_s
    solver = MasterSolver(settings, deadline=end)
    res = solve_group_decomposed(inputs, coupling, solver, pmap,
                                 rel_tol=settings.oa_rel_tolerance,
                                 max_iterations=settings.max_iterations, progress=progress)
    if res.outcome is None or not res.outcome.has_solution:
        status = res.outcome.status if res.outcome is not None else "none"
        if status in ("kInfeasible", "kUnboundedOrInfeasible"):
            raise InfeasiblePlanError("no group plan meets the group's target, budget and "
                                      "pools with the plants' levers")
        raise SolverError(f"no group plan found (HiGHS status {status}); raise "
                          "solver.time_limit_s in the group file")
    res.solver = solver  # type: ignore[attr-defined]
    return res


def solve_alone(inp: PlanInputs, args: tuple[GroupCoupling, SolverSettings]) -> float | None:
    """NPV [CNY] of one plant planned alone under ``args[0]`` (its share), None if infeasible,
    NaN if no proven optimum was found (time limit, solver trouble).

    A plant map task: a whole decomposition of one plant, in this process.
    """
    coupling, settings = args
    try:
        res = solve_group([inp], coupling, settings, in_process_map([inp]))
    except InfeasiblePlanError:
        return None
    except SolverError:
        return float("nan")  # no plan in time: the comparison is left out, the group stands
    if not res.converged or res.outcome is None or not res.outcome.proven_optimal:
        return float("nan")
    return float(res.outcome.objective) * 1e6


def _plant_solutions(res: GroupResult, inputs: Sequence[PlanInputs], settings: SolverSettings,
                     total_s: float) -> list[Solution]:
    solver = res.solver  # type: ignore[attr-defined]
    return [_solution_of(r, inp, settings, solver, keep_master=False, total_s=total_s)
            for r, inp in zip(res.plants, inputs, strict=True)]


def solve_group_file(group: GroupFile, *, scheduler: str = "local", workers: int | None = None,
                     time_limit_s: float | None = None, alone: bool = True,
                     progress: Callable[[IterationRecord], None] | None = None,
                     stage: Callable[[str], None] | None = None) -> GroupRun:
    """Solve a validated group file: the joint plan, then each plant alone.

    Parameters
    ----------
    group : GroupFile
    scheduler, workers
        See the module docstring.
    time_limit_s : float, optional
        Overrides the group file's ``solver.time_limit_s`` (the joint solve's budget).
    alone : bool
        Also plan each plant alone under its share of the group's constraints (its share
        of the group's base-year emissions), for the value of planning jointly.
    progress, stage : callable, optional
        Called after each iteration of the joint solve, and at each step.
    """
    say = stage or (lambda _s: None)
    t0 = time.perf_counter()
    settings = group.schema.solver
    if time_limit_s is not None:
        settings = settings.model_copy(update={"time_limit_s": time_limit_s})
    names = [p.name for p in group.plants]
    inputs = group.inputs
    with plant_map(inputs, names, scheduler, workers) as (pmap, n_workers, desc):
        say(f"solving the group jointly ({desc})")
        res = solve_group(inputs, group.coupling, settings, pmap, progress=progress)
        alone_npv: list[float | None] = [float("nan")] * len(inputs)
        if alone:
            say("planning each plant alone")
            shares = group.base_share()
            alone_npv = pmap(solve_alone, [(group.coupling.share(float(w)), settings)
                                           for w in shares])
    sols = _plant_solutions(res, inputs, settings, time.perf_counter() - t0)
    say("accounts")
    plans = [build_plan(p.name, p.inputs, sol) for p, sol in zip(group.plants, sols, strict=True)]
    proven = bool(res.converged and res.outcome is not None and res.outcome.proven_optimal)
    return GroupRun(group, plans, res, alone_npv, proven, time.perf_counter() - t0, desc,
                    n_workers, list(res.history))
