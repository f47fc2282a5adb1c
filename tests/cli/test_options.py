"""Options of `plan run` are checked before the solve, not after it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import planner.run.pipeline
from cli import main
from tests.conftest import REPO

FOOD = REPO / "scenarios" / "food_zhejiang.toml"  # horizon 2025-2060


@pytest.fixture
def solves(monkeypatch):
    """Record calls of the solve; a call ends the command with exit code 99."""
    calls: list[object] = []

    def fake_plan_scenario(path, **kwargs):
        calls.append(path)
        raise SystemExit(99)

    monkeypatch.setattr(planner.run.pipeline, "plan_scenario", fake_plan_scenario)
    return calls


@pytest.mark.parametrize("year", ["2024", "2061"])
def test_a_week_year_outside_the_horizon_exits_2_without_solving(solves, year):
    res = CliRunner().invoke(main, [str(FOOD), "--week-year", year])
    assert res.exit_code == 2, res.output
    assert "--week-year" in res.output and f"{year} is not a year of the horizon 2025-2060" in (
        res.output)
    assert solves == []


@pytest.mark.parametrize("year", ["2025", "2060"])
def test_a_week_year_inside_the_horizon_goes_on_to_the_solve(solves, year):
    res = CliRunner().invoke(main, [str(FOOD), "--week-year", year])
    assert res.exit_code == 99, res.output
    assert solves == [FOOD]
