"""Sweeps end to end on a small scenario: in process and on a local dask cluster."""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from planner.sweep.apply import apply_sample
from planner.sweep.runner import LOCAL_HTTP_ADDRESS, SweepOptions, load_raw, run_sweep
from planner.sweep.spec import parse_specs
from tests.helpers import solve_raw

VARY = ["carbon.price=0.5:2", "credit[ccer].max_t_per_year=0.1:1.5"]


def _check_against_direct_solves(run, path):
    """Each successful row's NPV is the NPV of solving its mutated scenario directly."""
    _, raw = load_raw(path)
    specs = parse_specs(VARY, raw)
    gap = 1e-9  # the small scenario's solver.mip_rel_gap (tiny_raw)
    for r in run.samples:
        if r["status"] != "ok":
            continue
        plan = solve_raw(apply_sample(raw, specs, r["levels"]), path)
        assert r["npv_cny"] == pytest.approx(plan.summary["npv_plan_cny"], rel=1e-6 + gap)
        assert r["regret_cny"] >= 0.0


def test_synchronous_sweep_rows_match_direct_solves_and_failures_are_recorded(sweep_file):
    run = run_sweep(sweep_file, VARY, SweepOptions(samples=6, seed=4, scheduler="synchronous"))
    assert [r["sample_id"] for r in run.samples] == [1, 2, 3, 4, 5, 6]
    assert run.base["status"] == "ok"
    assert run.base["regret_cny"] == 0.0
    statuses = {r["status"] for r in run.samples}
    # With 10 % of the credits (200 t/yr) the target cannot be met: recorded, not raised.
    assert "infeasible" in statuses
    assert "ok" in statuses
    bad = [r for r in run.samples if r["status"] == "infeasible"]
    assert all(r["levels"][1] < 0.6 and r["reason"] for r in bad)
    assert len(run.oat) == 4
    assert {r["kind"] for r in run.oat} == {"low", "high"}
    _check_against_direct_solves(run, sweep_file)
    # Same seed, same samples.
    again = run_sweep(sweep_file, VARY, SweepOptions(samples=6, seed=4, scheduler="synchronous",
                                                     tornado=False, regret=False))
    assert [r["levels"] for r in again.samples] == [r["levels"] for r in run.samples]


def test_invalid_sample_is_recorded_with_its_reason(sweep_file):
    run = run_sweep(sweep_file, ["measure[eff].electricity_saving_share=0.5:10"],
                    SweepOptions(samples=3, seed=0, scheduler="synchronous", tornado=False))
    bad = [r for r in run.samples if r["status"] == "invalid_input"]
    assert bad
    assert all("electricity_saving_share" in r["reason"] for r in bad)
    assert all(math.isnan(r["npv_cny"]) for r in bad)


@contextmanager
def _port_taken(port: int) -> Iterator[None]:
    """Hold ``port`` on every interface (dask's default dashboard port is 8787)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("", port))
            sock.listen()
        except OSError:
            pass  # something else holds it already: taken either way
        yield


def test_local_scheduler_works_while_port_8787_is_taken(sweep_file):
    """`plan sweep --scheduler local` starts no dashboard, so a busy 8787 cannot break it.

    With the dashboard on, dask warns that 8787 is in use (an error under this suite's
    filterwarnings) or moves to another port; neither may happen.
    """
    with _port_taken(8787):
        run = run_sweep(sweep_file, VARY, SweepOptions(
            samples=2, seed=1, scheduler="local", workers=1, tornado=False, regret=False))
    assert run.workers == 1 and run.scheduler.startswith("local cluster")
    assert [r["sample_id"] for r in run.samples] == [1, 2]
    assert all(r["status"] in ("ok", "infeasible") for r in run.samples)


def test_sweep_on_a_local_dask_cluster_started_here(sweep_file):
    from distributed import LocalCluster

    with _port_taken(8787), LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
            scheduler_kwargs={"dashboard_address": LOCAL_HTTP_ADDRESS}) as cluster:
        run = run_sweep(sweep_file, VARY, SweepOptions(
            samples=4, seed=1, scheduler=cluster.scheduler_address, tornado=False))
    assert run.workers == 2
    assert "dask scheduler" in run.scheduler
    assert [r["sample_id"] for r in run.samples] == [1, 2, 3, 4]
    assert all(r["status"] in ("ok", "infeasible") for r in run.samples)
    assert any(r["status"] == "ok" for r in run.samples)
    _check_against_direct_solves(run, sweep_file)
