"""The planner's steps in order: scenario file -> inputs -> solution -> plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.decomposition import IterationRecord
from models.inputs import PlanInputs
from planner.errors import InfeasiblePlanError, Problem, ScenarioError
from planner.inputs import build_inputs
from planner.profiles import HourlyCsvError
from planner.results import Plan, build_plan
from planner.scenario import ScenarioFile, load_scenario
from planner.solve import solve_inputs

__all__ = ["plan_scenario", "prepare"]


def prepare(path: str | Path) -> tuple[ScenarioFile, PlanInputs]:
    """Load and validate a scenario and build its model inputs (profiles included).

    Raises
    ------
    ScenarioError
        For any problem in the file or in a CSV it names.
    """
    sf = load_scenario(path)
    try:
        inp = build_inputs(sf)
    except HourlyCsvError as exc:
        raise ScenarioError(sf.path, [Problem("", f"{exc.path}: {exc.message}", exc.hint)]) from None
    return sf, inp


def plan_scenario(path: str | Path, *, time_limit_s: float | None = None,
                  progress: Callable[[IterationRecord], None] | None = None) -> Plan:
    """Solve a scenario file and return its plan."""
    sf, inp = prepare(path)
    settings = sf.scenario.solver
    if time_limit_s is not None:
        settings = settings.model_copy(update={"time_limit_s": time_limit_s})
    try:
        sol = solve_inputs(inp, settings, progress=progress)
    except InfeasiblePlanError:
        from planner.diagnose import diagnose

        diag = diagnose(inp, settings)
        raise InfeasiblePlanError(f"{sf.path}: {diag.render()}", diag) from None
    return build_plan(sf.scenario.scenario.name, inp, sol)
