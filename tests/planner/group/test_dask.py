"""The group's plant evaluations on a local dask cluster started by the test."""

from __future__ import annotations

import time

import numpy as np
import pytest

from planner.base.errors import SolverError
from planner.base.schema import SolverSettings
from planner.group.solve import plant_map, solve_alone, solve_group
from planner.sweep.runner import LOCAL_HTTP_ADDRESS
from tests.group_helpers import coupling, inputs_of_raw, process_plant

SETTINGS = SolverSettings(mip_rel_gap=1e-9, oa_rel_tolerance=1e-9)


def _boom(inp, args):
    raise RuntimeError("kernel crashed")


def test_group_on_a_local_dask_cluster_matches_in_process_and_names_a_failing_plant():
    from distributed import LocalCluster

    a = inputs_of_raw(process_plant(50_000.0, earliest=2026))
    b = inputs_of_raw(process_plant(200_000.0, earliest=2026))
    c = coupling(2, cap_t=[np.inf, 1000.0])
    with plant_map([a, b], ["a", "b"], "synchronous") as (in_process, _, _):
        here = solve_group([a, b], c, SETTINGS, in_process, deadline=time.perf_counter() + 60)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": LOCAL_HTTP_ADDRESS})
    with cluster, plant_map([a, b], ["a", "b"], cluster.scheduler_address) as (pmap, n, desc):
        assert n == 2 and "dask scheduler" in desc
        res = solve_group([a, b], c, SETTINGS, pmap, deadline=time.perf_counter() + 120)
        alone = pmap(solve_alone, [(c.share(0.5), SETTINGS)] * 2)
        with pytest.raises(SolverError, match="plant 'a': _boom failed on a dask worker"):
            pmap(_boom, [None, None])
    assert res.outcome.objective == pytest.approx(here.outcome.objective, rel=1e-9)
    assert len(res.history) == len(here.history)
    assert sum(alone) - res.outcome.objective * 1e6 == pytest.approx(200_000 / 1.05, rel=1e-6)
