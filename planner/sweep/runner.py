"""Solve a sweep's samples: in this process, on a local dask cluster, or on a remote one.

The base case is solved first, in this process: its plan is the one whose regret
each sample measures, and its final energy cuts seed the samples whose hourly data
are unchanged (warm start; the cuts depend only on the hourly data, see
:func:`models.decomposition.cut_fingerprint`). Then every sample, and two
one-at-a-time runs per input for the tornado, go to the workers as small jobs;
each returns a small record (a dict), never a whole plan. A sample that fails for
any reason — invalid inputs, infeasible target, solver trouble, time limit, an
exception, a lost worker — becomes a record with its ``status`` and ``reason``.

Schedulers: ``local`` (default) starts ``dask.distributed.LocalCluster`` with one
single-threaded process per core; ``synchronous`` runs everything in this process
(debugging, tests); any other value is the address of a running dask scheduler
(``tcp://host:8786``), whose workers need carbonpath installed.
"""

from __future__ import annotations

import logging
import math
import os
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.decomposition import CutRecord, cut_fingerprint
from models.inputs import PlanInputs
from models.solution import Decisions
from planner.base.errors import (
    CarbonpathError,
    InfeasiblePlanError,
    ScenarioError,
    SchedulerError,
    SolverError,
)
from planner.base.schema import SolverSettings
from planner.scenario.read import ScenarioFile, load_scenario
from planner.sweep.apply import sample_inputs
from planner.sweep.sampling import grid_matrix, low_high, sample_matrix
from planner.sweep.spec import VarySpec, parse_specs

__all__ = ["Job", "SweepContext", "SweepOptions", "SweepRun", "load_raw", "options_from",
           "run_sweep", "solve_job"]

log = logging.getLogger(__name__)

#: Where a local cluster's scheduler serves HTTP (no dashboard): any free port, this host only.
LOCAL_HTTP_ADDRESS = "127.0.0.1:0"

#: How long to try reaching a remote scheduler before giving up.
CONNECT_TIMEOUT = "10s"

#: Statuses of a record; only ``ok`` rows enter the statistics.
STATUSES = ("ok", "not_optimal", "invalid_input", "infeasible", "solver_error", "error")


@dataclass(frozen=True)
class SweepOptions:
    """How to run a sweep (command-line flags or the scenario's ``[sweep]`` table)."""

    samples: int = 100
    grid: int | None = None
    seed: int = 0
    scheduler: str = "local"
    workers: int | None = None
    time_limit_s: float | None = None
    first_years: int = 5
    node_limit: int | None = None
    tornado: bool = True
    regret: bool = True
    warm_start: bool = True


@dataclass(frozen=True)
class Job:
    """One solve: a sample (``kind`` "sample"), the base case, or a tornado end."""

    sample_id: int
    kind: str
    levels: tuple[float, ...]
    key: str = ""


@dataclass(frozen=True)
class SweepContext:
    """What every job needs; sent once to each worker."""

    raw: dict[str, Any]
    path: str
    specs: tuple[VarySpec, ...]
    time_limit_s: float | None
    first_years: int
    base_investments: dict[str, dict[object, float]] | None = None
    base_cuts: tuple[CutRecord, ...] = ()
    base_fingerprint: str | None = None
    regret: bool = True
    node_limit: int | None = None


@dataclass
class SweepRun:
    """A finished sweep: the records and how it ran."""

    name: str
    path: Path
    specs: list[VarySpec]
    options: SweepOptions
    levels: np.ndarray
    base: dict[str, Any]
    samples: list[dict[str, Any]]
    oat: list[dict[str, Any]]
    measure_ids: tuple[str, ...]
    base_year: int
    wall_s: float = 0.0
    workers: int = 1
    scheduler: str = "synchronous"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(r["status"] != "ok" for r in self.samples)


# --------------------------------------------------------------------------- one job

def _decision_summary(d: Decisions, inp: PlanInputs, first_years: int
                      ) -> tuple[list[list[Any]], list[list[Any]]]:
    """(builds as [measure, year], first-years decisions as [year, kind, item, amount])."""
    years = inp.years
    ids = inp.measures.ids
    builds = [[ids[k], int(years[y])] for y in range(len(years))
              for k in np.nonzero(d.build_my[:, y])[0]]
    first: list[list[Any]] = []
    for y in range(min(first_years, len(years))):
        yr = int(years[y])
        for k in np.nonzero(d.build_my[:, y])[0]:
            first.append([yr, "build", ids[k], 1.0])
        if d.pv_new_kw_y[y] >= 0.5:
            first.append([yr, "pv", "pv_kw", float(d.pv_new_kw_y[y])])
        if d.battery_new_kwh_y[y] >= 0.5:
            first.append([yr, "battery", "battery_kwh", float(d.battery_new_kwh_y[y])])
    return builds, first


def _settings(sf: ScenarioFile, time_limit_s: float | None,
              node_limit: int | None = None) -> SolverSettings:
    """The scenario's solver settings with the sweep's overrides (each applies to a sample)."""
    update: dict[str, Any] = {}
    if time_limit_s is not None:
        update["time_limit_s"] = time_limit_s
    if node_limit is not None:
        update["node_limit"] = node_limit
    st = sf.scenario.solver
    return st.model_copy(update=update) if update else st


def _empty_record(job: Job, ctx: SweepContext) -> dict[str, Any]:
    return {
        "sample_id": job.sample_id, "kind": job.kind, "key": job.key,
        "levels": [float(x) for x in job.levels], "status": "error", "reason": "",
        "npv_cny": math.nan, "capex_total_cny": math.nan, "net_zero_year": None,
        "credits_total_t": math.nan, "builds": [], "first_years": [],
        "regret_cny": math.nan, "regret_note": "", "solve_s": math.nan, "cpu_s": math.nan,
        "iterations": 0,
        "warm_start": False,
    }


def solve_job(job: Job, ctx: SweepContext, *, want_regret: bool = True
              ) -> tuple[dict[str, Any], Any]:
    """Solve one job; return its record and the solution (None on failure).

    Never raises for a problem of the sample: the record's ``status`` and
    ``reason`` say what went wrong.
    """
    from planner.plan.results import build_plan
    from planner.solve.run import fixed_plan_npv_cny, solve_inputs

    rec = _empty_record(job, ctx)
    t0 = time.perf_counter()
    c0 = time.process_time()
    sol = None
    try:
        sf, inp = sample_inputs(ctx.raw, ctx.path, list(ctx.specs), list(job.levels))
        settings = _settings(sf, ctx.time_limit_s, ctx.node_limit)
        warm: tuple[CutRecord, ...] = ()
        if ctx.base_cuts and cut_fingerprint(inp) == ctx.base_fingerprint:
            warm = ctx.base_cuts
        rec["warm_start"] = bool(warm)
        # The base plan as a first incumbent: near-optimal in most samples (never changes
        # the optimum, only how fast HiGHS proves it).
        regret = (want_regret and ctx.regret and ctx.base_investments is not None
                  and job.kind == "sample")
        sol = solve_inputs(inp, settings, warm_cuts=warm, mip_start=ctx.base_investments,
                           keep_master=regret)
        plan = build_plan(sf.scenario.scenario.name, inp, sol, detail=False)
        s = plan.summary
        rec.update(npv_cny=s["npv_plan_cny"], capex_total_cny=s["capex_total_cny"],
                   net_zero_year=s["net_zero_year_reached"],
                   credits_total_t=s["credits_total_t"], iterations=sol.report.iterations)
        rec["builds"], rec["first_years"] = _decision_summary(sol.decisions, inp,
                                                              ctx.first_years)
        if sol.report.proven_optimal:
            rec["status"] = "ok"
        else:
            rec["status"] = "not_optimal"
            rec["reason"] = f"{sol.report.status.value}; gap {s['optimality_gap']:.2e}"
        if job.kind == "base":
            rec["regret_cny"] = 0.0  # the base plan is the base case's optimum by definition
        elif want_regret and ctx.regret and ctx.base_investments is None:
            rec["regret_note"] = "no base plan (the base case failed)"
        elif regret and rec["status"] == "ok":
            try:
                # In the sample's own master: its cuts hold, only the investments get fixed.
                assert ctx.base_investments is not None  # implied by `regret`
                npv_fixed = fixed_plan_npv_cny(inp, settings, ctx.base_investments,
                                               master=sol.master)
                # Both sides from the master's objective, so that they compare like for like;
                # negative only within the MIP gap (the base plan cannot beat the optimum).
                rec["regret_cny"] = max(npv_fixed - sol.report.objective_mcny * 1e6, 0.0)
            except InfeasiblePlanError:
                rec["regret_note"] = "the base plan cannot meet the target with these inputs"
            except SolverError as exc:
                rec["regret_note"] = f"solver: {exc}"
    except ScenarioError as exc:
        rec["status"] = "invalid_input"
        rec["reason"] = "; ".join(p.render() for p in exc.problems)
    except InfeasiblePlanError as exc:
        rec["status"] = "infeasible"
        rec["reason"] = str(exc)
    except SolverError as exc:
        rec["status"] = "solver_error"
        rec["reason"] = str(exc)
    except CarbonpathError as exc:
        rec["status"] = "error"
        rec["reason"] = str(exc)
    except Exception as exc:  # a sweep never stops for one sample
        rec["status"] = "error"
        rec["reason"] = f"{type(exc).__name__}: {exc}"
    rec["solve_s"] = time.perf_counter() - t0
    # CPU time of this process (all its threads): unlike wall time, not inflated by other
    # jobs on the machine; the benchmark projects a sweep's time on idle cores from it.
    rec["cpu_s"] = time.process_time() - c0
    return rec, sol


def run_job(job: Job, ctx: SweepContext) -> dict[str, Any]:
    """The task a worker runs: :func:`solve_job` without the solution."""
    return solve_job(job, ctx, want_regret=job.kind == "sample")[0]


def _warm_worker() -> bool:
    """Import the heavy modules (Pyomo, numba kernel, HiGHS) before the first job."""
    import importlib

    for name in ("planner.plan.results", "planner.solve.run"):
        importlib.import_module(name)
    return True


# --------------------------------------------------------------------------- executors

@contextmanager
def _dask_client(scheduler: str, workers: int | None) -> Iterator[tuple[Any, int, str]]:
    """A dask client: a local cluster of single-threaded processes, or a remote scheduler."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        n = workers or os.cpu_count() or 1
        # One thread per worker; the kernel's numba threads would oversubscribe the cores.
        # No dashboard; the scheduler still serves /health on HTTP, by default on 8787 (with
        # a warning when that is taken): a free local port instead.
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR,
                               scheduler_kwargs={"dashboard_address": LOCAL_HTTP_ADDRESS},
                               env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        client = Client(cluster)
        try:
            yield client, n, f"local cluster, {n} worker processes"
        finally:
            client.close()
            cluster.close()
    else:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(
                f"cannot reach the dask scheduler at {scheduler} ({exc}); start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`, or use "
                "--scheduler local") from None
        try:
            n = len(client.scheduler_info().get("workers", {})) or 1
            yield client, n, f"dask scheduler {scheduler}, {n} workers"
        finally:
            client.close()


def _run_dask(client: Any, n_workers: int, jobs: list[Job], ctx: SweepContext,
              progress: Callable[[int, int], None] | None) -> list[dict[str, Any]]:
    """Submit jobs in batches (a few per worker in flight) and collect records as they finish."""
    from distributed import as_completed

    ctx_f = client.scatter(ctx, broadcast=True)
    in_flight = max(4 * n_workers, 8)
    queue = list(jobs)
    by_key: dict[str, Job] = {}
    out: list[dict[str, Any]] = []

    def submit(job: Job) -> Any:
        fut = client.submit(run_job, job, ctx_f, pure=False)
        by_key[fut.key] = job
        return fut

    first = [submit(queue.pop(0)) for _ in range(min(in_flight, len(queue)))]
    ac = as_completed(first)
    for fut in ac:
        job = by_key.pop(fut.key)
        try:
            rec = fut.result()
        except Exception as exc:  # lost worker, unpicklable result, ...
            rec = _empty_record(job, ctx)
            rec["reason"] = f"{type(exc).__name__}: {exc}"
        out.append(rec)
        fut.release()
        if queue:
            ac.add(submit(queue.pop(0)))
        if progress:
            progress(len(out), len(jobs))
    return out


def _run_here(jobs: list[Job], ctx: SweepContext,
              progress: Callable[[int, int], None] | None) -> list[dict[str, Any]]:
    out = []
    for job in jobs:
        out.append(run_job(job, ctx))
        if progress:
            progress(len(out), len(jobs))
    return out


# --------------------------------------------------------------------------- the sweep

def options_from(section: Any, *, vary: tuple[str, ...] | list[str] = (),
                 samples: int | None = None, grid: int | None = None, seed: int | None = None,
                 scheduler: str = "local", workers: int | None = None,
                 first_years: int | None = None, regret: bool = True,
                 time_limit_s: float | None = None,
                 node_limit: int | None = None) -> tuple[list[str], SweepOptions]:
    """Merge command-line values over the scenario's ``[sweep]`` table (``section``, or None).

    ``--vary`` given on the command line replaces the file's list; other flags
    override one key each.
    """
    texts = list(vary) if vary else list(section.vary if section else [])

    def pick(flag: Any, key: str, default: Any) -> Any:
        if flag is not None:
            return flag
        return getattr(section, key) if section is not None else default

    return texts, SweepOptions(
        samples=pick(samples, "samples", 100), grid=pick(grid, "grid", None),
        seed=pick(seed, "seed", 0), scheduler=scheduler, workers=workers,
        time_limit_s=time_limit_s, first_years=pick(first_years, "first_years", 5),
        regret=regret, node_limit=node_limit)


def load_raw(path: str | Path) -> tuple[ScenarioFile, dict[str, Any]]:
    """Validate the scenario file and return it with its TOML document."""
    sf = load_scenario(path)
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return sf, raw


def sweep_jobs(specs: list[VarySpec], levels: np.ndarray, tornado: bool) -> list[Job]:
    """Samples 1..n, then a low and a high run per input (others at base) for the tornado."""
    jobs = [Job(i + 1, "sample", tuple(float(x) for x in row)) for i, row in enumerate(levels)]
    if tornado:
        k = len(specs)
        for j, spec in enumerate(specs):
            for end, level in zip(("low", "high"), low_high(spec), strict=True):
                lv = [math.nan] * k
                lv[j] = level
                jobs.append(Job(len(jobs) + 1, end, tuple(lv), spec.name))
    return jobs


def run_sweep(path: str | Path, vary: list[str] | tuple[str, ...], options: SweepOptions,
              progress: Callable[[int, int], None] | None = None,
              status: Callable[[str], None] | None = None) -> SweepRun:
    """Run a sweep of a scenario file.

    Parameters
    ----------
    path : str or Path
        Scenario file.
    vary : list of str
        ``--vary`` specs (see :mod:`planner.sweep.spec`).
    options : SweepOptions
    progress : callable (done, total), optional
        Called as jobs finish.
    status : callable (message), optional
        Called at each stage (cluster start, base case, samples).

    Returns
    -------
    SweepRun

    Raises
    ------
    ScenarioError
        The scenario or a ``--vary`` spec is invalid.
    """
    t0 = time.perf_counter()
    path = Path(path)
    sf, raw = load_raw(path)
    specs = parse_specs(list(vary), raw, path)
    if options.grid is not None:
        levels = grid_matrix(specs, options.grid)
    else:
        levels = sample_matrix(specs, options.samples, options.seed)
    jobs = sweep_jobs(specs, levels, options.tornado)
    ctx = SweepContext(raw, str(path), tuple(specs), options.time_limit_s, options.first_years,
                       node_limit=options.node_limit)
    say = status or (lambda _msg: None)

    def solve_base(ctx: SweepContext) -> tuple[SweepContext, dict[str, Any], Any]:
        say("solving the base case")
        base, sol = solve_job(Job(0, "base", tuple([math.nan] * len(specs))), ctx)
        if sol is not None and base["status"] == "ok":
            from planner.inputs.build import build_inputs

            fp = cut_fingerprint(build_inputs(sf))
            ctx = SweepContext(raw, str(path), tuple(specs), options.time_limit_s,
                               options.first_years,
                               sol.investments, sol.cut_records if options.warm_start else (),
                               fp, options.regret, options.node_limit)
        return ctx, base, sol

    sched = options.scheduler
    if sched in ("synchronous", "none", "sync"):
        ctx, base, _ = solve_base(ctx)
        setup_s = time.perf_counter() - t0
        say(f"solving {len(jobs)} runs in this process")
        records = _run_here(jobs, ctx, progress)
        n_workers, desc = 1, "synchronous (this process)"
    else:
        say("starting dask workers" if sched == "local" else f"connecting to {sched}")
        with _dask_client(sched, options.workers) as (client, n_workers, desc):
            # Workers import Pyomo, HiGHS and the kernel while the base case is solved here.
            warm = [client.submit(_warm_worker, pure=False, workers=[w], allow_other_workers=False)
                    for w in client.scheduler_info().get("workers", {})]
            ctx, base, _ = solve_base(ctx)
            client.gather(warm)
            setup_s = time.perf_counter() - t0
            say(f"solving {len(jobs)} runs on {desc}")
            records = _run_dask(client, n_workers, jobs, ctx, progress)
    records.sort(key=lambda r: r["sample_id"])
    samples = [r for r in records if r["kind"] == "sample"]
    oat = [r for r in records if r["kind"] != "sample"]
    s = sf.scenario
    return SweepRun(
        name=s.scenario.name, path=path, specs=specs, options=options, levels=levels,
        base=base, samples=samples, oat=oat, measure_ids=tuple(m.id for m in s.measure),
        base_year=s.scenario.base_year, wall_s=time.perf_counter() - t0, workers=n_workers,
        scheduler=desc,
        meta={"warm_started": sum(bool(r["warm_start"]) for r in records),
              "runs": len(records) + 1, "setup_s": setup_s})
