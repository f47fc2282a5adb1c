"""Run carbonpath and PyPSA side by side on the generated instances and compare them.

Each tool runs as its own process, timed whole (Python start, imports, reading, building,
solving, writing): carbonpath as ``plan scenario.toml --out DIR``, PyPSA as
``python benchmarks/peer/pypsa_run.py``. Runs alternate between the tools so that a
change of machine load hits both; the median of ``--repeats`` runs is reported.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.peer.instance import CASES, PeerCase, write_instance

PYPSA_SCRIPT = Path(__file__).with_name("pypsa_run.py")
DEFAULT_OUT = Path(tempfile.gettempdir()) / "carbonpath-peer"

COLUMNS = [
    "date", "case", "description", "years", "pypsa_variant",
    "carbonpath_exit", "carbonpath_npv_cny", "pypsa_npv_cny", "rel_diff",
    "carbonpath_pv_kw", "pypsa_pv_kw", "carbonpath_battery_kwh", "pypsa_battery_kwh",
    "carbonpath_battery_kw", "pypsa_battery_kw", "carbonpath_built_after_year0",
    "co2_cap_t_per_year", "carbonpath_co2_t_year0", "pypsa_co2_t_per_year",
    "pypsa_co2_shadow_price_cny_per_t", "carbonpath_iterations", "carbonpath_cuts",
    "carbonpath_evaluations", "carbonpath_s", "pypsa_s", "speedup",
    "carbonpath_cpu_s", "pypsa_cpu_s", "cpu_ratio",
    "carbonpath_runs_s", "pypsa_runs_s", "pypsa_build_s", "pypsa_solve_s",
    "pypsa_variables", "pypsa_constraints", "pypsa_version", "load_before",
]


def _plan_command(scenario: Path, out: Path) -> list[str]:
    # The `plan` script installed next to this Python; else the same entry point via -c.
    script = Path(sys.executable).with_name("plan")
    if script.exists():
        return [str(script), str(scenario), "--out", str(out)]
    return [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", str(scenario),
            "--out", str(out)]


def _children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _timed(cmd: list[str], log: Path) -> tuple[float, float, int]:
    # Wall time of the whole process, and its CPU time (user + system, all threads):
    # on a shared machine the CPU time moves less with other jobs' load.
    cpu0 = _children_cpu_s()
    t0 = time.perf_counter()
    with log.open("w", encoding="utf-8") as fh:
        rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False).returncode
    return time.perf_counter() - t0, _children_cpu_s() - cpu0, rc


def run_carbonpath(scenario: Path, out: Path) -> tuple[float, float, int]:
    """Time ``plan scenario --out out`` as a process; (wall s, CPU s, exit code)."""
    return _timed(_plan_command(scenario, out), out.with_suffix(".log"))


def run_pypsa(instance: Path, result: Path, daily: bool = False) -> tuple[float, float, int]:
    """Time ``pypsa_run.py`` as a process; (wall s, CPU s, exit code)."""
    cmd = [sys.executable, str(PYPSA_SCRIPT), str(instance), str(result)]
    if daily:
        cmd.append("--daily")
    return _timed(cmd, result.with_suffix(".log"))


def read_carbonpath(out: Path) -> dict[str, object]:
    """NPV, decisions and solver figures of a finished ``plan`` output folder."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    with (out / "roadmap.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    later = sum(float(r["pv_added_kw"]) + float(r["battery_added_kwh"])
                + float(r["battery_added_kw"]) for r in rows[1:])
    evaluations = next((v for k, v in summary.items() if "evaluation" in k), None)
    return {
        "carbonpath_npv_cny": float(summary["npv_plan_cny"]),
        "carbonpath_pv_kw": float(rows[0]["pv_capacity_kw"]),
        "carbonpath_battery_kwh": float(rows[0]["battery_capacity_kwh"]),
        "carbonpath_battery_kw": float(rows[0]["battery_added_kw"]),
        "carbonpath_built_after_year0": later,
        "carbonpath_co2_t_year0": float(rows[0]["scope2_location_t"]),
        "carbonpath_iterations": summary.get("iterations"),
        "carbonpath_cuts": summary.get("cuts"),
        "carbonpath_evaluations": evaluations,
    }


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def run_case(case: PeerCase, root: Path, repeats: int, daily: bool) -> list[dict[str, object]]:
    """All runs of one case; one row for the cyclic PyPSA model (and one for ``daily``)."""
    folder = root / "instances" / case.name
    params = write_instance(case, folder)
    runs = root / "runs" / case.name
    runs.mkdir(parents=True, exist_ok=True)
    load_before = _load()
    cp_s: list[float] = []
    py_s: list[float] = []
    cp_cpu: list[float] = []
    py_cpu: list[float] = []
    cp_rc = py_rc = 0
    for k in range(repeats):
        s, cpu, cp_rc = run_carbonpath(folder / "scenario.toml", runs / f"plan-{k}")
        cp_s.append(s)
        cp_cpu.append(cpu)
        s, cpu, py_rc = run_pypsa(folder, runs / f"pypsa-{k}.json")
        py_s.append(s)
        py_cpu.append(cpu)
    base: dict[str, object] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), "case": case.name,
        "description": case.description, "years": case.years,
        "carbonpath_exit": cp_rc, "co2_cap_t_per_year": params["co2_cap_t_per_year"],
        "load_before": load_before,
    }
    if cp_rc in (0, 5):
        base.update(read_carbonpath(runs / f"plan-{repeats - 1}"))
    rows = []
    variants = [("cyclic", runs / f"pypsa-{repeats - 1}.json", py_s, py_cpu, py_rc)]
    if daily:
        s, cpu, rc = run_pypsa(folder, runs / "pypsa-daily.json", daily=True)
        variants.append(("daily", runs / "pypsa-daily.json", [s], [cpu], rc))
    for variant, result_path, times, cpus, rc in variants:
        row = dict(base, pypsa_variant=variant)
        if rc == 0:
            r = json.loads(result_path.read_text(encoding="utf-8"))
            row.update({
                "pypsa_npv_cny": r["npv_cny"], "pypsa_pv_kw": r["pv_kw"],
                "pypsa_battery_kwh": r["battery_kwh"], "pypsa_battery_kw": r["battery_kw"],
                "pypsa_co2_t_per_year": r["co2_t_per_year"],
                "pypsa_co2_shadow_price_cny_per_t": r["co2_shadow_price_cny_per_t"],
                "pypsa_build_s": r["build_s"], "pypsa_solve_s": r["solve_s"],
                "pypsa_variables": r["variables"], "pypsa_constraints": r["constraints"],
                "pypsa_version": r["pypsa_version"],
            })
            if "carbonpath_npv_cny" in row:
                cp = float(row["carbonpath_npv_cny"])
                row["rel_diff"] = (cp - r["npv_cny"]) / abs(r["npv_cny"])
        row["pypsa_runs_s"] = ";".join(f"{t:.2f}" for t in times)
        row["pypsa_s"] = statistics.median(times)
        row["carbonpath_runs_s"] = ";".join(f"{t:.2f}" for t in cp_s)
        row["carbonpath_s"] = statistics.median(cp_s)
        row["speedup"] = row["pypsa_s"] / row["carbonpath_s"]
        row["pypsa_cpu_s"] = statistics.median(cpus)
        row["carbonpath_cpu_s"] = statistics.median(cp_cpu)
        row["cpu_ratio"] = row["pypsa_cpu_s"] / row["carbonpath_cpu_s"]
        rows.append(row)
    return rows


def _fmt(value: object, spec: str) -> str:
    if value is None or value == "":
        width = int("".join(c for c in spec.split(".")[0] if c.isdigit()) or 0)
        return "-".ljust(width) if spec.startswith("<") else "-".rjust(width)
    return format(value, spec)


def print_table(rows: list[dict[str, object]]) -> None:
    """The comparison as a plain-text table."""
    head = (f"{'case':5} {'pypsa':6} {'carbonpath NPV':>15} {'PyPSA NPV':>15} {'rel diff':>9} "
            f"{'PV kW cp/py':>13} {'batt kWh cp/py':>15} {'batt kW cp/py':>13} "
            f"{'CO2 mu':>7} {'cp s':>6} {'py s':>6} {'py/cp':>6} {'CPU py/cp':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        g = r.get
        print(f"{r['case']:5} {r['pypsa_variant']:6} {_fmt(g('carbonpath_npv_cny'), '15,.0f')} "
              f"{_fmt(g('pypsa_npv_cny'), '15,.0f')} {_fmt(g('rel_diff'), '9.2e')} "
              f"{_fmt(g('carbonpath_pv_kw'), '6.0f')}/{_fmt(g('pypsa_pv_kw'), '<6.0f')} "
              f"{_fmt(g('carbonpath_battery_kwh'), '7.0f')}/"
              f"{_fmt(g('pypsa_battery_kwh'), '<7.0f')} "
              f"{_fmt(g('carbonpath_battery_kw'), '6.0f')}/{_fmt(g('pypsa_battery_kw'), '<6.0f')} "
              f"{_fmt(g('pypsa_co2_shadow_price_cny_per_t'), '7.0f')} "
              f"{_fmt(g('carbonpath_s'), '6.2f')} {_fmt(g('pypsa_s'), '6.2f')} "
              f"{_fmt(g('speedup'), '6.2f')} {_fmt(g('cpu_ratio'), '9.2f')}")
    print("rel diff = (carbonpath - PyPSA) / PyPSA; py/cp = PyPSA time / carbonpath time "
          "(whole process, wall, median); CPU py/cp = the same with CPU time (user + system); "
          "CO2 mu: PyPSA's cap shadow price [CNY/t per year].")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.peer", description=__doc__)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help=f"folder for instances, runs and peer.csv (default {DEFAULT_OUT})")
    ap.add_argument("--cases", default=",".join(CASES),
                    help=f"comma-separated cases among {', '.join(CASES)}")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--daily", action="store_true",
                    help="also solve PyPSA with carbonpath's day-reset battery (1 run per case)")
    ap.add_argument("--warmup", action="store_true",
                    help="first run each tool once untimed (file caches, compiled kernel)")
    args = ap.parse_args(argv)
    names = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in names if c not in CASES]
    if unknown:
        ap.error(f"unknown case(s) {', '.join(unknown)}: choose among {', '.join(CASES)}")
    if importlib.util.find_spec("pypsa") is None:
        ap.error('PyPSA is not installed: pip install -e ".[peer]"')
    root = args.out.resolve()
    root.mkdir(parents=True, exist_ok=True)
    if args.warmup:
        warm = root / "warmup"
        write_instance(CASES[names[0]], warm)
        run_carbonpath(warm / "scenario.toml", warm / "plan")
        run_pypsa(warm, warm / "pypsa.json")
    rows: list[dict[str, object]] = []
    csv_path = root / "peer.csv"
    for name in names:
        rows.extend(run_case(CASES[name], root, args.repeats, args.daily))
        # Rewritten after every case: a long run interrupted keeps what it measured.
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
    print_table(rows)
    print(f"wrote {csv_path}")
    return 0
