"""Sweep benchmark: ``python -m benchmarks.sweep [--samples 200] [--workers 1,2] [--repeats 3]``.

Times ``plan sweep`` end to end as a separate process (Python start, dask cluster
start, base case, every sample with its regret, tornado runs, writing the outputs)
for each worker count, and writes ``benchmarks/results/sweep.csv``. The bar
(design.md §6): 200 samples of an example in at most 2 minutes on the 2-core
machine. The load average before each run is recorded: other jobs on the machine
slow a sweep down in proportion.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

DEFAULT_CASE = Path("scenarios/food_zhejiang.toml")
DEFAULT_VARY = ("carbon.price=0.5:2.0", "pv.capex=0.7:1.2")


def time_sweep(case: Path, vary: list[str], samples: int, workers: int, seed: int
               ) -> dict[str, object]:
    """One ``plan sweep`` run as a subprocess; its wall time and what it reported."""
    exe = shutil.which("plan", path=str(Path(sys.executable).parent)) or "plan"
    out = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    cmd = [exe, "sweep", str(case), *[a for v in vary for a in ("--vary", v)],
           "--samples", str(samples), "--seed", str(seed), "--workers", str(workers),
           "--json", "--out", str(out / "out")]
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"plan sweep failed ({proc.returncode}): {proc.stderr[-2000:]}")
    info = json.loads(proc.stdout)
    return {"case": case.name, "vary": " ".join(vary), "samples": samples, "workers": workers,
            "wall_s": wall, "inner_wall_s": info["wall_s"], "samples_ok": info["samples_ok"],
            "samples_failed": info["samples_failed"], "runs": info["runs"],
            "warm_started_runs": info["warm_started_runs"], "load_before": load,
            "cpu_s_total": info.get("cpu_s_total"),
            "setup_s": info.get("setup_s"),
            # Time on idle cores: the runs' CPU spread over the workers, plus what is not
            # parallel (Python start, cluster start, base case, writing) as measured here.
            "projected_idle_s": (info.get("cpu_s_total") or 0.0) / workers
            + (info.get("setup_s") or 0.0) + max(wall - info["wall_s"], 0.0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", type=Path, default=DEFAULT_CASE)
    ap.add_argument("--vary", action="append", default=None)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/sweep.csv"))
    args = ap.parse_args(argv)
    vary = args.vary or list(DEFAULT_VARY)
    rows = []
    for w in (int(x) for x in args.workers.split(",")):
        for r in range(args.repeats):
            row = time_sweep(args.case, vary, args.samples, w, args.seed)
            row["repeat"] = r + 1
            rows.append(row)
            print(f"workers {w} run {r + 1}: {row['wall_s']:.1f} s wall "
                  f"({row['samples_ok']} ok, {row['samples_failed']} failed, "
                  f"load before {row['load_before']:.1f})", flush=True)
    df = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.exists():
        df = pd.concat([pd.read_csv(args.out), df], ignore_index=True)
    df.to_csv(args.out, index=False, float_format="%.3f", lineterminator="\n")
    for w, g in pd.DataFrame(rows).groupby("workers"):
        print(f"workers {w}: median {statistics.median(g['wall_s']):.1f} s over {len(g)} run(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
