"""One time budget for the whole run, a deterministic work limit, and which one stopped it.

No test here reads a clock for its verdict: the budget is checked through the deadline
every master solve is given (recorded by wrapping the real solver), the work limit
through the options HiGHS receives and the status it reports.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from click.testing import CliRunner

from cli import EXIT_NOT_PROVEN, main
from planner.base.errors import InfeasiblePlanError
from planner.solve import run as solve_mod
from planner.solve.run import SolveStatus
from tests.helpers import solve_raw


def _record_deadlines(monkeypatch) -> list[tuple[float, int]]:
    """Every master solve's (deadline, id of the model solved), in call order."""
    seen: list[tuple[float, int]] = []
    real = solve_mod.MasterSolver.__call__

    def spy(self, m, relaxed):
        seen.append((self.deadline, id(m)))
        return real(self, m, relaxed)

    monkeypatch.setattr(solve_mod.MasterSolver, "__call__", spy)
    return seen


def _yoy_profile(tmp_path: Path) -> str:
    path = tmp_path / "yoy.toml"
    path.write_text('name = "yoy"\ntitle = "Gross non-increasing"\n[boundary]\n[instruments]\n'
                    '[[rule]]\nid = "r"\nkind = "gross_non_increasing"\nvalue = 0.0\n'
                    'applies = "claim"\nyears = 10\nmark = "V"\n', encoding="utf-8")
    return str(path)


def _growing(tiny) -> dict:
    """5 %/yr growth, claim from 2027: the year-on-year rule needs re-solves (see
    tests/planner/tables/test_standards.py::test_gross_non_increasing_after_the_claim_year)."""
    raw = tiny(removal=[{"id": "dac", "price_cny_per_t": 50.0}],
               certificates={"price_cny_per_mwh": 40.0, "max_share": 1.0},
               target={"net_zero_year": 2027, "max_credit_share": 1.0})
    raw["demand"]["growth_per_year"] = 0.05
    return raw


def test_the_year_on_year_rounds_share_one_budget_and_one_master(tiny, tmp_path, monkeypatch):
    """Every solve of the run, the rule's re-solves included, ends by one deadline (start +
    time_limit_s); before, each re-solve got a fresh budget. The rounds re-solve the same
    master (no LP phase again), and the plan still satisfies the rule exactly (the
    hand-derived certificates of the test in test_standards.py)."""
    seen = _record_deadlines(monkeypatch)
    # The purchases-only baseline (issue 15) is a second model by design, solved after the
    # plan within the same deadline (test_the_baseline_shares_the_deadline); leave it out.
    from planner.run import pipeline
    monkeypatch.setattr(pipeline, "purchases_only_accounts", lambda *a, **k: None)
    t0 = time.perf_counter()
    plan = solve_raw(_growing(tiny), standard=_yoy_profile(tmp_path))
    t1 = time.perf_counter()
    deadlines = {d for d, _ in seen}
    assert len(deadlines) == 1
    limit_s = 300.0  # the tiny scenario's time_limit_s (the default)
    assert t0 + limit_s <= deadlines.pop() <= t1 + limit_s
    assert plan.solution.report.rule_rounds >= 1
    # The rounds re-solve the first solve's master (no new model, no initial cuts).
    assert len({model for _, model in seen}) == 1
    g = 1.05 ** np.arange(5)
    certs = plan.roadmap["certificates_mwh"].to_numpy()
    np.testing.assert_allclose(certs, [0, 0, 0, 1061.0 * (g[3] - g[2]) / 0.5,
                                       1061.0 * (g[4] - g[2]) / 0.5], rtol=1e-9, atol=1e-6)
    assert plan.summary["stopped_by"] is None and plan.summary["proven_optimal"]


def test_the_diagnosis_spends_what_the_failed_solve_left_of_the_budget(tiny, monkeypatch):
    """An infeasible target: the diagnosis's solves end by the same deadline as the plan's."""
    seen = _record_deadlines(monkeypatch)
    raw = tiny(credit=[{"id": "ccer", "price_cny_per_t": 50.0, "max_t_per_year": 300.0}])
    t0 = time.perf_counter()
    with pytest.raises(InfeasiblePlanError) as info:
        solve_raw(raw)
    t1 = time.perf_counter()
    assert info.value.diagnosis.first_failing_year == 2027
    first = seen[0][0]
    assert t0 + 300.0 <= first <= t1 + 300.0
    # Every diagnostic solve's deadline is at or before the run's (a diagnostic solve may
    # have an earlier one of its own: its share of the budget).
    assert all(d <= first + 1e-9 for d, _ in seen)
    assert len(seen) > 3


def test_a_node_limit_reaches_highs_and_a_work_stop_is_named(tiny, monkeypatch):
    """``solver.node_limit`` is HiGHS's ``mip_max_nodes`` on every MILP solve (not on LPs);
    a solve stopped by it (HiGHS reports kSolutionLimit) is a *work* stop: a plan marked
    not proven optimal with ``stopped_by = "work"``."""
    sent: list[tuple[bool, dict]] = []
    real = solve_mod.MasterSolver.__call__

    def spy(self, m, relaxed):
        out = real(self, m, relaxed)
        sent.append((relaxed, dict(self.last_options)))
        if relaxed:
            return out
        return dataclasses.replace(out, status="kSolutionLimit", proven_optimal=False)

    monkeypatch.setattr(solve_mod.MasterSolver, "__call__", spy)
    raw = tiny(measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 1e5,
                         "lifetime_years": 10, "electricity_saving_share": 0.1}],
               credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    raw["solver"]["node_limit"] = 7
    plan = solve_raw(raw)
    assert any(not relaxed for relaxed, _ in sent)
    for relaxed, options in sent:
        assert options.get("mip_max_nodes") == (None if relaxed else 7)
    s = plan.summary
    assert s["solver_status"] == SolveStatus.WORK_LIMIT.value
    assert s["stopped_by"] == "work" and s["proven_optimal"] is False


def test_time_and_decomposition_limits_are_named_too(tiny, monkeypatch):
    real = solve_mod.MasterSolver.__call__

    def timed(self, m, relaxed):
        out = real(self, m, relaxed)
        return out if relaxed else dataclasses.replace(out, status="kTimeLimit",
                                                       proven_optimal=False)

    monkeypatch.setattr(solve_mod.MasterSolver, "__call__", timed)
    raw = tiny(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    assert solve_raw(raw).summary["stopped_by"] == "time"
    # The decomposition's iteration limit and the rule's rounds are deterministic: "work"
    # (a real iteration limit: tests/planner/solve/test_solve_outcomes.py).
    assert solve_mod.stopped_by(SolveStatus.NOT_CONVERGED) == "work"
    assert solve_mod.stopped_by(SolveStatus.OPTIMAL) is None


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".json")}


def test_two_runs_with_a_node_limit_give_the_same_bytes(tiny, tmp_path):
    """`plan --node-limit` twice on a scenario with a choice to make: no limit is reached
    (``stopped_by`` null, exit 0) and every CSV and JSON file is byte-identical."""
    raw = tiny(measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 1e5,
                         "lifetime_years": 10, "electricity_saving_share": 0.1}],
               credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    path = tmp_path / "s.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    digests = []
    for k in (1, 2):
        out = tmp_path / f"out{k}"
        result = CliRunner().invoke(main, [str(path), "--node-limit", "1000", "--out", str(out)])
        assert result.exit_code == 0, result.output
        digests.append(_digests(out))
        assert '"stopped_by": null' in (out / "summary.json").read_text()
    assert digests[0] == digests[1] and "summary.json" in digests[0]


def test_the_command_line_takes_a_node_limit_and_exits_5_when_it_stops(tiny, tmp_path,
                                                                      monkeypatch):
    real = solve_mod.MasterSolver.__call__

    def limited(self, m, relaxed):
        out = real(self, m, relaxed)
        assert self.settings.node_limit == 3
        return out if relaxed else dataclasses.replace(out, status="kSolutionLimit",
                                                       proven_optimal=False)

    monkeypatch.setattr(solve_mod.MasterSolver, "__call__", limited)
    path = tmp_path / "s.toml"
    path.write_bytes(tomli_w.dumps(tiny(credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))
                     .encode())
    result = CliRunner().invoke(main, [str(path), "--node-limit", "3", "--json"])
    assert result.exit_code == EXIT_NOT_PROVEN, result.output
    assert '"stopped_by": "work"' in result.output


def test_a_spent_diagnosis_budget_still_gives_the_essential_answers(tiny):
    """A diagnosis budget that is spent before the first solve (1 microsecond, i.e. a
    loaded machine): the LP relaxation's first failing year and binding limits and one
    sized fix from linear programmes still come (they are bounded by the run's time limit
    only); what the budget did not allow is said. Credits 300 t/yr against a path to zero
    from 1 061 t: short in 2027 by 1 061 - 530.5 - 300 = 230.5 t; the least availability is
    1 061 t/yr (no measures: the relaxation is the MILP, so the bracket closes)."""
    raw = tiny(credit=[{"id": "ccer", "price_cny_per_t": 50.0, "max_t_per_year": 300.0}])
    raw["solver"]["diagnosis_time_limit_s"] = 1e-6
    with pytest.raises(InfeasiblePlanError) as info:
        solve_raw(raw)
    d = info.value.diagnosis
    assert d.first_failing_year == 2027
    assert d.shortfall_t_y[2] == pytest.approx(230.5, abs=0.01)
    assert any("credit 'ccer' availability" in b for b in d.binding)
    fix = next(f for f in d.fixes if f.key == "credit[ccer].max_t_per_year")
    assert fix.change == "raise to 1,061 t a year (now 300)"
    assert d.incomplete and not d.earliest_known
    assert "not settled within the time budget" in d.render()


def test_a_violated_years_cap_holds_for_the_rest_of_its_non_increasing_stretch():
    """gross[4] <= gross[3] <= gross[2] <= gross[1] (years 2-4 non-increasing): a cap found
    for year 2 holds for 3 and 4 too; a lower one found for 4 stays; an existing lower cap
    (year 3: 95 t) is kept; year 1 is outside the stretch."""
    ni = np.array([False, False, True, True, True])
    caps = np.array([np.inf, np.inf, np.inf, 95.0, np.inf])
    assert solve_mod._propagated_caps(ni, caps, {2: 100.0}) == {2: 100.0, 4: 100.0}
    assert solve_mod._propagated_caps(ni, caps, {2: 100.0, 4: 90.0}) == {2: 100.0, 4: 90.0}
    ni_gap = np.array([False, False, True, False, True])
    assert solve_mod._propagated_caps(ni_gap, np.full(5, np.inf), {2: 100.0}) == {2: 100.0}


def test_the_baseline_shares_the_deadline(tiny, monkeypatch):
    """The purchases-only baseline is solved within the run's one deadline too."""
    seen = _record_deadlines(monkeypatch)
    t0 = time.perf_counter()
    plan = solve_raw(tiny(removal=[{"id": "dac", "price_cny_per_t": 50.0}],
                          certificates={"price_cny_per_mwh": 40.0, "max_share": 1.0},
                          target={"net_zero_year": 2027, "max_credit_share": 1.0}))
    t1 = time.perf_counter()
    # The baseline fixes the investments in the plan's own solved master and re-solves it.
    assert len({model for _, model in seen}) == 1
    assert len(seen) > plan.solution.report.iterations
    deadlines = {d for d, _ in seen}
    assert len(deadlines) == 1
    assert t0 + 300.0 <= deadlines.pop() <= t1 + 300.0
    assert plan.summary["npv_purchases_only_cny"] is not None


def _node_limit_spy(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Record ``settings.node_limit`` of every MILP solve (the limit that reaches HiGHS)."""
    seen: list[int | None] = []
    real = solve_mod.MasterSolver.__call__

    def spy(self, m, relaxed):
        if not relaxed:
            seen.append(self.settings.node_limit)
        return real(self, m, relaxed)

    monkeypatch.setattr(solve_mod.MasterSolver, "__call__", spy)
    return seen


def test_compare_passes_its_node_limit_to_every_scenario(tiny, tmp_path, monkeypatch):
    """`plan compare --node-limit N` (here solve_many in one process, as with one worker):
    every MILP solve of both scenarios runs with N; without it, with the file's value."""
    from planner.run.compare import solve_many

    paths = []
    for k, price in enumerate((100.0, 150.0)):
        p = tmp_path / f"s{k}.toml"
        p.write_bytes(tomli_w.dumps(tiny(credit=[{"id": "ccer", "price_cny_per_t": price}]))
                      .encode())
        paths.append(p)
    seen = _node_limit_spy(monkeypatch)
    plans = solve_many(paths, node_limit=11, workers=1)
    assert len(plans) == 2 and seen and set(seen) == {11}
    seen.clear()
    solve_many(paths, workers=1)
    assert seen and set(seen) == {None}


def test_sweep_passes_its_node_limit_to_every_sample(tiny, tmp_path, monkeypatch):
    from planner.sweep.runner import SweepOptions, options_from, run_sweep

    p = tmp_path / "s.toml"
    p.write_bytes(tomli_w.dumps(tiny(credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))
                  .encode())
    _, options = options_from(None, vary=("credit[ccer].price_cny_per_t=0.8:1.2",), samples=2,
                              scheduler="synchronous", node_limit=13)
    assert options.node_limit == 13
    seen = _node_limit_spy(monkeypatch)
    run = run_sweep(p, ["credit[ccer].price_cny_per_t=0.8:1.2"],
                    SweepOptions(samples=2, seed=0, scheduler="synchronous", tornado=False,
                                 node_limit=13))
    assert run.base["status"] == "ok" and all(r["status"] == "ok" for r in run.samples)
    # the base case and both samples: every MILP solve under the sweep's limit
    assert len(seen) >= 3 and set(seen) == {13}


def test_compare_and_sweep_take_node_limit_on_the_command_line(tiny, tmp_path):
    """A bad --node-limit is a usage error (exit 2) before any solve, on both commands."""
    p = tmp_path / "s.toml"
    p.write_bytes(tomli_w.dumps(tiny()).encode())
    for args in (["compare", str(p), str(p), "--node-limit", "0"],
                 ["sweep", str(p), "--vary", "credit[ccer].price_cny_per_t=0.8:1.2",
                  "--node-limit", "0"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and "--node-limit" in result.output, result.output
