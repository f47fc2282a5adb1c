"""Engine measurements of 2026-12-01 (second session): the master MILP, the kernel's threads.

    python -m benchmarks.engine milp [--case benchmarks/reference.toml] [--seeds 0,1,2,3]
    python -m benchmarks.engine threads [--repeats 20]        # one configuration, this env
    python -m benchmarks.engine threads-ab [--rounds 3]       # wait policies, interleaved

``milp`` solves the case once as ``plan`` does, writes the master MILP as HiGHS sees it
at the start of the MILP phase (every cut of the LP phase in it) to an MPS file, and does
the same with the fuels' factors cut back to their CO2 part (the factors before the
CH4/N2O change). Then it times HiGHS alone on both files, with the case's [solver]
settings, for each random seed: CPU time, simplex iterations, the root LP bound and the
gap the root closes. That separates "the same MILP got slower" from "another MILP".

``threads`` times :func:`models.hourly.evaluate` (value and cut subgradients) on a plan
of the case with 36 distinct years (full PV degraded 0.5 %/yr, the largest battery):
wall and CPU medians. ``threads-ab`` runs it in fresh processes under OpenMP's default
wait policy (spinning), ``passive``, numba's ``workqueue`` layer and one thread,
interleaved round by round so that a shared machine's load hits all alike.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _dump_master(case: Path, out: Path, co2_only: bool) -> float:
    """Solve ``case``; write the master at its first MILP solve to ``out``; return the NPV."""
    from planner.run.pipeline import prepare
    from planner.solve import run as solve_mod
    from planner.solve.highs_bridge import highs_of

    sf, inp = prepare(case)
    if co2_only:
        parts = inp.fuel_ef_gas_t_per_gj_fk
        if parts is None:
            raise SystemExit("the case has no CH4/N2O parts in its fuel factors")
        inp = dataclasses.replace(inp, fuel_ef_t_per_gj_f=parts[:, 0].copy())
    orig = solve_mod.MasterSolver.__call__

    def call(self, m, relaxed):  # type: ignore[no-untyped-def]
        if not relaxed and not getattr(self, "_dumped", False):
            self._sync(m, relaxed)
            highs_of(self.opt).writeModel(str(out))
            self._dumped = True
        return orig(self, m, relaxed)

    solve_mod.MasterSolver.__call__ = call  # type: ignore[method-assign]
    try:
        sol = solve_mod.solve_inputs(inp, sf.scenario.solver)
    finally:
        solve_mod.MasterSolver.__call__ = orig  # type: ignore[method-assign]
    return float(sol.report.objective_mcny) * 1e6


def _time_mps(path: Path, settings, seed: int) -> dict[str, float]:
    """HiGHS alone on an MPS file: CPU s, LP iterations, objective, root LP bound."""
    import highspy

    def highs() -> highspy.Highs:
        h = highspy.Highs()
        for key, val in (("output_flag", False), ("presolve", settings.presolve),
                         ("mip_allow_restart", settings.mip_allow_restart),
                         ("mip_heuristic_effort", settings.mip_heuristic_effort),
                         ("simplex_strategy", settings.simplex_strategy),
                         ("random_seed", seed), ("mip_rel_gap", settings.mip_rel_gap)):
            h.setOptionValue(key, val)
        h.readModel(str(path))
        return h

    h = highs()
    c0 = time.process_time()
    h.run()
    cpu = time.process_time() - c0
    info = h.getInfo()
    lp = highs()
    integ = np.array([int(t) for t in lp.getLp().integrality_])
    cols = np.nonzero(integ == 1)[0].astype(np.int32)
    lp.changeColsIntegrality(cols.size, cols, np.zeros(cols.size, dtype=np.uint8))
    lp.run()
    root = float(lp.getInfo().objective_function_value)
    obj = float(info.objective_function_value)
    return {"cpu_s": cpu, "lp_iterations": float(info.simplex_iteration_count),
            "objective": obj, "root_lp": root, "root_gap": (obj - root) / abs(obj)}


def milp(case: Path, seeds: list[int]) -> None:
    from planner.run.pipeline import prepare

    settings = prepare(case)[0].scenario.solver
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for label, co2 in (("CO2e factors (as shipped)", False),
                           ("CO2-only factors (before)", True)):
            f = Path(tmp) / ("co2.mps" if co2 else "co2e.mps")
            npv = _dump_master(case, f, co2)
            files[label] = f
            print(f"{label}: plan NPV {npv:,.0f} CNY", flush=True)
        print(f"HiGHS alone, mip_rel_gap {settings.mip_rel_gap:g}")
        for label, f in files.items():
            for seed in seeds:
                r = _time_mps(f, settings, seed)
                print(f"  {label} seed {seed}: CPU {r['cpu_s']:.2f} s, {r['lp_iterations']:.0f} "
                      f"LP iterations, root LP gap {r['root_gap']:.2e} "
                      f"(objective {r['objective']:.6f} MCNY)", flush=True)


def _plan_with_distinct_years(case: Path):  # type: ignore[no-untyped-def]
    from models.decomposition import _initial_states
    from models.hourly import PlanState
    from planner.run.pipeline import prepare

    _, inp = prepare(case)
    full = _initial_states(inp)
    c = 4  # full PV, the largest battery of the initial plans
    deg = 0.995 ** np.arange(inp.n_years)[None, :]
    st = PlanState(full.load_scale_cy[c:c + 1], full.added_mwh_csy[c:c + 1],
                   full.pv_kw_cy[c:c + 1] * deg, full.battery_kwh_cy[c:c + 1],
                   full.battery_kw_cy[c:c + 1])
    return inp, st


def threads(case: Path, repeats: int) -> None:
    import numba

    from models import hourly

    inp, st = _plan_with_distinct_years(case)
    b = inp.battery
    hourly.evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge)
    walls, cpus = [], []
    before = hourly.EVALUATIONS[1]
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        hourly.evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    chains = (hourly.EVALUATIONS[1] - before) / repeats
    print(f"layer {numba.threading_layer()}, {numba.get_num_threads()} threads, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')!r}: {chains:.0f} chains x "
          f"{inp.hourly.base_load_kw_h.size} h; wall median {1e3 * statistics.median(walls):.1f}"
          f" ms, CPU median {1e3 * statistics.median(cpus):.1f} ms", flush=True)


#: (label, environment changes). An empty OMP_WAIT_POLICY is invalid for libgomp, which
#: then keeps its default (spin before sleeping) and models/__init__.py leaves it alone.
CONFIGS = (("spin (OpenMP default)", {"OMP_WAIT_POLICY": ""}),
           ("passive", {"OMP_WAIT_POLICY": "passive"}),
           ("workqueue layer", {"NUMBA_THREADING_LAYER": "workqueue"}),
           ("1 thread", {"NUMBA_NUM_THREADS": "1"}))


def threads_ab(case: Path, rounds: int, repeats: int) -> None:
    for r in range(rounds):
        print(f"round {r + 1}, load average {os.getloadavg()[0]:.1f}", flush=True)
        for label, env in CONFIGS:
            print(f"  {label}: ", end="", flush=True)
            subprocess.run([sys.executable, "-m", "benchmarks.engine", "threads", "--case",
                            str(case), "--repeats", str(repeats)], cwd=ROOT, check=True,
                           env={**os.environ, **env}, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.engine")
    p.add_argument("what", choices=("milp", "threads", "threads-ab"))
    p.add_argument("--case", type=Path, default=ROOT / "benchmarks" / "reference.toml")
    p.add_argument("--seeds", default="0,1,2,3")
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args(argv)
    if a.what == "milp":
        milp(a.case, [int(s) for s in a.seeds.split(",")])
    elif a.what == "threads":
        threads(a.case, a.repeats)
    else:
        threads_ab(a.case, a.rounds, a.repeats)


if __name__ == "__main__":
    main()
