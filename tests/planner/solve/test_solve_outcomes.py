"""Every way a solve can end is reported, never swallowed.

HiGHS outcomes that are hard to provoke on purpose (a time limit hit with or
without a solution, numerical trouble) are injected by wrapping the real master
solver and rewriting the status it reports; the iteration limit is real.
"""

from __future__ import annotations

import dataclasses

import pytest
import tomli_w
from click.testing import CliRunner

from cli import EXIT_NOT_PROVEN, EXIT_SOLVER, main
from models.decomposition import MasterOutcome
from planner.base.errors import SolverError
from planner.solve import run as solve_mod
from planner.solve.run import SolveStatus
from tests.conftest import REPO
from tests.helpers import solve_raw

FOOD = REPO / "scenarios" / "food_zhejiang.toml"


def _tiny_with_choice(tiny):
    return tiny(measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 1e5,
                          "lifetime_years": 10, "electricity_saving_share": 0.1}],
                credit=[{"id": "ccer", "price_cny_per_t": 100.0}])


def _inject(monkeypatch, rewrite):
    """Make every MILP master solve report what ``rewrite(outcome)`` returns."""
    real = solve_mod.MasterSolver.__call__

    def fake(self, m, relaxed):
        out = real(self, m, relaxed)
        return out if relaxed else rewrite(out)

    monkeypatch.setattr(solve_mod.MasterSolver, "__call__", fake)


def test_time_limit_with_a_solution_gives_a_plan_marked_not_proven(tiny, monkeypatch):
    _inject(monkeypatch, lambda o: dataclasses.replace(
        o, status="kTimeLimit", proven_optimal=False, bound=o.objective * 0.9))
    plan = solve_raw(_tiny_with_choice(tiny))
    s = plan.summary
    assert s["solver_status"] == SolveStatus.TIME_LIMIT.value
    assert not s["proven_optimal"]
    # gap = (NPV - bound) / NPV with the bound 10 % under the master objective
    assert s["optimality_gap"] == pytest.approx(0.1, rel=1e-3)


def test_time_limit_without_a_solution_is_a_clear_solver_error(tiny, monkeypatch):
    _inject(monkeypatch, lambda o: MasterOutcome(False, False, float("nan"), float("nan"),
                                                 "kTimeLimit", 0, o.solve_s))
    with pytest.raises(SolverError, match="no feasible plan found within the time limit"):
        solve_raw(_tiny_with_choice(tiny))


@pytest.mark.parametrize("status", ["kSolveError", "kUnknown", "kPostsolveError"])
def test_numerical_trouble_is_surfaced_with_highs_status(tiny, monkeypatch, status):
    _inject(monkeypatch, lambda o: MasterOutcome(False, False, float("nan"), float("nan"),
                                                 status, 0, o.solve_s))
    with pytest.raises(SolverError) as info:
        solve_raw(_tiny_with_choice(tiny))
    assert status in str(info.value) and "numerical trouble" in str(info.value)
    assert info.value.exit_code == EXIT_SOLVER


def test_cli_exit_codes_for_not_proven_and_for_no_plan(tiny, monkeypatch, tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(tomli_w.dumps(_tiny_with_choice(tiny)).encode())
    _inject(monkeypatch, lambda o: dataclasses.replace(o, status="kTimeLimit",
                                                      proven_optimal=False))
    result = CliRunner().invoke(main, [str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == EXIT_NOT_PROVEN
    assert "NOT proven optimal" in result.output
    assert (tmp_path / "out" / "summary.json").exists()  # the plan is still written

    _inject(monkeypatch, lambda o: MasterOutcome(False, False, float("nan"), float("nan"),
                                                 "kTimeLimit", 0, o.solve_s))
    result = CliRunner().invoke(main, [str(path), "--out", str(tmp_path / "out2")])
    assert result.exit_code == EXIT_SOLVER
    assert "time limit" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out2").exists()


def test_a_real_iteration_limit_gives_a_feasible_plan_with_exit_5(tmp_path):
    # A generous time limit: it bounds the whole run (inputs included), and on a loaded
    # machine 120 s could stop the run first, which is not what this test is about.
    text = FOOD.read_text(encoding="utf-8").replace("time_limit_s = 120",
                                                    "time_limit_s = 3000\nmax_iterations = 2")
    path = tmp_path / "food.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, [str(path), "--json"])
    assert result.exit_code == EXIT_NOT_PROVEN
    import json

    s = json.loads(result.output)
    assert s["proven_optimal"] is False
    assert s["solver_status"] == SolveStatus.NOT_CONVERGED.value
    assert s["stopped_by"] == "work"
    assert s["net_zero_year_reached"] is not None and s["net_zero_year_reached"] <= 2050
