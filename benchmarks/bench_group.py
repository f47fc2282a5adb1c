"""Time `plan group` on generated groups of plants (issue 17).

Each group of N plants cycles through three examples (food_zhejiang,
electronics_jiangsu, auto_parts_sichuan: the ones sharing the horizon 2025-2060), each
copy scaled by its own factor (0.6-1.4) on electricity, fuels and process emissions, so
that no two plants are alike. The group has a net-zero target in 2050 (straight line), no
budget, and a credit pool of 5 % of its base-year emissions a year. The plants alone are
not solved (``alone=False``): the joint solve is what is timed.

Run from the repository folder::

    python benchmarks/bench_group.py --plants 5 10 20 --workers 1 2 --out group_bench.csv

Records per run: plants, workers, wall time, CPU time of this process and of its worker
processes (what a loaded machine does not inflate), iterations, time per iteration (master solve
and plant evaluations), the group NPV, peak memory of this process and the largest of its
worker processes (``ru_maxrss`` of the children, i.e. per worker).
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = ("food_zhejiang", "electronics_jiangsu", "auto_parts_sichuan")


def _scaled(raw: dict[str, Any], factor: float) -> dict[str, Any]:
    """A plant like ``raw`` with every base-year demand and emission times ``factor``."""
    d = raw["demand"]
    if d.get("electricity_mwh"):
        d["electricity_mwh"] = d["electricity_mwh"] * factor
    d["fuels_gj"] = {k: v * factor for k, v in d.get("fuels_gj", {}).items()}
    proc = raw.get("process")
    if proc:
        proc["gases_kg"] = {k: v * factor for k, v in proc.get("gases_kg", {}).items()}
        if "co2_t" in proc:
            proc["co2_t"] = proc["co2_t"] * factor
    return raw


def write_group(folder: Path, n: int) -> Path:
    """Write N plant files and their group file into ``folder``; return the group file."""
    lines = [f'[group]\nname = "generated group of {n}"\n']
    for i in range(n):
        stem = EXAMPLES[i % len(EXAMPLES)]
        raw = tomllib.loads((REPO / "scenarios" / f"{stem}.toml").read_text(encoding="utf-8"))
        factor = 0.6 + 0.8 * ((i * 0.618034) % 1.0)
        raw["scenario"]["name"] = f"{stem} x{factor:.2f}"
        path = folder / f"plant_{i:02d}.toml"
        path.write_bytes(tomli_w.dumps(_scaled(raw, factor)).encode())
        lines.append(f'[[plant]]\nfile = "{path.name}"\nname = "{stem}_{i:02d}"\n')
    lines.append("[target]\nnet_zero_year = 2050\nmax_credit_share = 0.1\n")
    group = folder / "group.toml"
    group.write_text("\n".join(lines), encoding="utf-8")
    from planner.group.spec import load_group

    base = load_group(group).base_emissions_t
    group.write_text("\n".join(lines) + f"\n[pool]\ncredits_t_per_year = {0.05 * base:.0f}\n"
                     "\n[solver]\nmip_rel_gap = 1e-4\ntime_limit_s = 3600\n", encoding="utf-8")
    return group


def run(n: int, workers: int) -> dict[str, Any]:
    from planner.group.solve import solve_group_file
    from planner.group.spec import load_group

    with tempfile.TemporaryDirectory() as tmp:
        path = write_group(Path(tmp), n)
        t0 = time.perf_counter()
        c0 = time.process_time()
        group = load_group(path)
        load_s = time.perf_counter() - t0
        out = solve_group_file(group, scheduler="local", workers=workers, alone=False)
    cpu_main_s = time.process_time() - c0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    hist = out.history
    it = max(len(hist), 1)
    return {
        "plants": n, "workers": workers, "wall_s": round(out.wall_s + load_s, 1),
        "load_s": round(load_s, 1), "cpu_main_s": round(cpu_main_s, 1),
        "cpu_workers_s": round(kids.ru_utime + kids.ru_stime, 1), "iterations": len(hist),
        "master_s_per_iteration": round(sum(h.master_s for h in hist) / it, 2),
        "evaluate_s_per_iteration": round(sum(h.evaluate_s for h in hist) / it, 2),
        "npv_group_cny": round(sum(p.summary["npv_plan_cny"] for p in out.plans)),
        "proven_optimal": out.proven_optimal,
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_worker_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plants", type=int, nargs="+", default=[5, 10, 20])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path, default=Path("group_bench.csv"))
    args = ap.parse_args(argv)
    rows = []
    for n in args.plants:
        for w in args.workers:
            row = run(n, w)
            print(row, flush=True)
            rows.append(row)
            with args.out.open("w", newline="") as fh:
                wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
                wr.writeheader()
                wr.writerows(rows)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
