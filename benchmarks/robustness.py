"""Benchmarks of the robustness and standards work: ``python -m benchmarks.robustness``.

* ``validate``: time to reject every file of the bad-input corpus (in process).
* ``diagnosis``: time to explain an infeasible target (the reference with its credit
  availability cut to 200 t/yr, its budget to 2 MCNY/yr and its net-zero year
  moved to 2026), median of the repeats.
* ``standards``: plan time of each example under each shipped profile (in process,
  after one warm-up solve), median of the repeats, with the profile's claim year.
* ``outputs``: time to write every output file of a plan (CSV, JSON, xlsx, HTML).
* ``yoy``: electronics_jiangsu under its own standard and under iso-14068-1 (whose
  year-on-year rule needs re-solves): wall and CPU time, rule rounds, status.

Wall times depend on the machine's load; the CPU time (``time.process_time``, this
process and HiGHS's threads) is printed alongside as the steadier figure.

Prints a table and writes benchmarks/results/robustness.csv. Figures for
benchmarks/README.md are taken on a quiet machine with ``--repeats 3``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from planner.base.errors import InfeasiblePlanError, ScenarioError
from planner.report.files import write_plan
from planner.run.pipeline import plan_scenario, prepare

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("sbti-net-zero", "iso-14068-1", "zero-carbon-factory", "near-zero-carbon-factory")


def _median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def bench_validate(repeats: int) -> list[dict]:
    files = sorted((ROOT / "tests" / "data" / "bad").glob("*.toml"))

    def run() -> int:
        n = 0
        for f in files:
            try:
                prepare(f)  # the schema, the checks and the CSV files it names
            except ScenarioError:
                n += 1
        return n

    t, n = _median_time(run, repeats)
    return [{"bench": "validate", "case": f"{len(files)} bad files", "seconds": t,
             "detail": f"{n} rejected, {1e3 * t / len(files):.2f} ms per file"}]


def _infeasible_reference(folder: Path) -> Path:
    text = (ROOT / "benchmarks" / "reference.toml").read_text(encoding="utf-8")
    text = text.replace("net_zero_year = 2050", "net_zero_year = 2026")
    text = text.replace("max_t_per_year = 2000", "max_t_per_year = 200")  # removals
    text = text.replace("capex_cny_per_year = 30000000", "capex_cny_per_year = 2000000")
    path = folder / "reference_infeasible.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bench_diagnosis(repeats: int, diagnosis_budget_s: float | None = None) -> list[dict]:
    """``seconds``: the whole ``plan`` (its failed solve, then the diagnosis); the detail
    gives the diagnosis alone (median), its CPU time and what it found.

    ``diagnosis_budget_s``: ``solver.diagnosis_time_limit_s`` of the case (default: the
    scenario's, 20 s)."""
    diag_s: list[float] = []
    cpu_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = _infeasible_reference(Path(tmp))
        if diagnosis_budget_s is not None:
            path.write_text(path.read_text(encoding="utf-8").replace(
                "time_limit_s = 120", f"time_limit_s = {max(120.0, diagnosis_budget_s)}\n"
                f"diagnosis_time_limit_s = {diagnosis_budget_s}"), encoding="utf-8")

        def run():
            c0 = time.process_time()
            try:
                plan_scenario(path)
            except InfeasiblePlanError as exc:
                diag_s.append(exc.diagnosis.seconds)
                cpu_s.append(time.process_time() - c0)
                return exc.diagnosis
            return None

        t, d = _median_time(run, repeats)
    detail = "feasible (no diagnosis)" if d is None else (
        f"diagnosis {statistics.median(diag_s):.1f} s (median; plan CPU "
        f"{statistics.median(cpu_s):.0f} s), {d.solves} diagnostic solves; first failing "
        f"{d.first_failing_year}; {len(d.fixes)} fixes; earliest net zero "
        f"{d.earliest_net_zero_year if d.earliest_known else 'not settled'}"
        f"{'; incomplete' if d.incomplete else ''}"
        f"{'; approximate shortfall' if d.approximate else ''}: "
        + " | ".join(f"{f.key}: {f.change}" for f in d.fixes))
    budget = "" if diagnosis_budget_s is None else f", diagnosis budget {diagnosis_budget_s:g} s"
    return [{"bench": "diagnosis",
             "case": "reference, net zero 2026, removals 200 t/yr, budget 2 MCNY/yr" + budget,
             "seconds": t, "detail": detail}]


def bench_yoy(repeats: int) -> list[dict]:
    """electronics_jiangsu, own standard vs iso-14068-1 (year-on-year rule), warm."""
    scen = ROOT / "scenarios" / "electronics_jiangsu.toml"
    plan_scenario(scen)  # warm-up
    rows = []
    for std in (None, "iso-14068-1"):
        cpu: list[float] = []

        def run(p=std, cpu=cpu):
            c0 = time.process_time()
            plan = plan_scenario(scen, standard=p, time_limit_s=1800.0)
            cpu.append(time.process_time() - c0)
            return plan

        t, plan = _median_time(run, repeats)
        rep = plan.solution.report
        rows.append({"bench": "yoy", "case": f"electronics_jiangsu / {std or 'scenario'}",
                     "seconds": t,
                     "detail": f"CPU {statistics.median(cpu):.1f} s; {rep.rule_rounds} rule "
                               f"rounds; {rep.iterations} iterations; {rep.status.value}; NPV "
                               f"{plan.summary['npv_plan_cny'] / 1e6:.3f} MCNY; claim "
                               f"{plan.summary.get('claim_year')}"})
    return rows


def bench_standards(repeats: int) -> list[dict]:
    rows = []
    for scen in sorted((ROOT / "scenarios").glob("*.toml")):
        plan_scenario(scen)  # warm-up (numba cache, imports, PV cache)
        for std in (None, *PROFILES):
            t, plan = _median_time(lambda s=scen, p=std: plan_scenario(s, standard=p), repeats)
            s = plan.summary
            rows.append({"bench": "standards", "case": f"{scen.stem} / {std or 'scenario'}",
                         "seconds": t,
                         "detail": f"claim {s.get('claim_year')}, NPV "
                                   f"{s['npv_plan_cny'] / 1e6:.2f} MCNY, "
                                   f"{s['iterations']} iterations"})
    return rows


def bench_outputs(repeats: int) -> list[dict]:
    plan = plan_scenario(ROOT / "scenarios" / "food_zhejiang.toml")
    with tempfile.TemporaryDirectory() as tmp:
        t, _ = _median_time(lambda: write_plan(plan, Path(tmp) / "out"), repeats)
        size = sum(p.stat().st_size for p in (Path(tmp) / "out").iterdir())
    return [{"bench": "outputs", "case": "food_zhejiang, all files", "seconds": t,
             "detail": f"{size / 1e6:.1f} MB written"}]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=("validate", "diagnosis", "standards", "outputs", "yoy"))
    ap.add_argument("--diagnosis-budget", type=float, default=None,
                    help="solver.diagnosis_time_limit_s of the diagnosis case [s]")
    args = ap.parse_args()
    rows = []
    for name, fn in (("validate", bench_validate),
                     ("diagnosis", lambda r: bench_diagnosis(r, args.diagnosis_budget)),
                     ("standards", bench_standards), ("outputs", bench_outputs),
                     ("yoy", bench_yoy)):
        if args.only in (None, name):
            rows += fn(args.repeats)
    df = pd.DataFrame(rows)
    out = ROOT / "benchmarks" / "results" / "robustness.csv"
    out.parent.mkdir(exist_ok=True)
    if out.exists():  # keep the rows of the benches not run this time
        old = pd.read_csv(out)
        df = pd.concat([old[~old["bench"].isin(df["bench"])], df], ignore_index=True)
    df.to_csv(out, index=False, float_format="%.4g")
    with pd.option_context("display.max_colwidth", 90, "display.width", 200):
        print(df.to_string(index=False))


if __name__ == "__main__":
    main()
