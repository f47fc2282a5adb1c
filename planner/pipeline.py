"""The planner's steps in order: scenario file -> inputs -> solution -> plan."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

from models.decomposition import IterationRecord
from models.inputs import PlanInputs
from planner.errors import InfeasiblePlanError, Problem, ScenarioError
from planner.inputs import build_inputs, with_scope2_basis
from planner.profiles import HourlyCsvError
from planner.results import Plan, build_plan
from planner.scenario import ScenarioFile, load_scenario
from planner.solve import solve_inputs
from planner.standard_rules import with_rules
from planner.standards import Profile, load_profile

__all__ = ["inputs_of", "plan_of", "plan_scenario", "prepare", "prepare_plan", "standard_profile"]


def standard_profile(sf: ScenarioFile, override: str | None = None
                     ) -> tuple[Profile | None, str]:
    """The rule profile a scenario is assessed against: ``override`` or ``scenario.standard``."""
    spec = override or sf.scenario.scenario.standard
    if not spec:
        return None, ""
    key = "--standard" if override else "scenario.standard"
    return load_profile(spec, base_dir=sf.base_dir, key=key)


def prepare_plan(path: str | Path, standard: str | None = None, *, strict: bool = False
                 ) -> tuple[ScenarioFile, PlanInputs, Profile | None, str]:
    """Load a scenario file, build its inputs and attach its standard's rules.

    The file-reading front of :func:`inputs_of`; see there.

    Raises
    ------
    ScenarioError
        For any problem in the file, in a CSV it names, or in the profile.
    """
    return inputs_of(load_scenario(path), standard, strict=strict)


def inputs_of(sf: ScenarioFile, standard: str | None = None, *, strict: bool = False
              ) -> tuple[ScenarioFile, PlanInputs, Profile | None, str]:
    """A parsed scenario -> model inputs with its standard's rules: the one way in.

    ``plan``, ``compare``, sweeps (each sample's document), bench and the tests all
    start here, so every caller gets the same checks. Every derived quantity is
    checked to be finite and of a real plant's magnitude; implausible values are
    returned as ``ScenarioFile.warnings`` (``strict``: raised).

    Returns
    -------
    (ScenarioFile, PlanInputs, Profile or None, note)
        ``note`` explains an alias such as ``pas-2060``.

    Raises
    ------
    ScenarioError
        For any problem in a CSV the scenario names, in the profile, or in a derived
        quantity.
    """
    try:
        inp = build_inputs(sf)
    except HourlyCsvError as exc:
        problem = Problem("", f"{exc.path}: {exc.message}", exc.hint)
        raise ScenarioError(sf.path, [problem]) from None
    profile, note = standard_profile(sf, standard)
    inp = with_rules(inp, profile)
    # One scope-2 basis for the target: the scenario's, else the one its standard names.
    basis = sf.scenario.target.scope2_basis or (
        profile.boundary.scope2_method if profile is not None else "market")
    inp = with_scope2_basis(inp, basis)
    return _checked(sf, inp, strict), inp, profile, note


def _checked(sf: ScenarioFile, inp: PlanInputs, strict: bool) -> ScenarioFile:
    """Refuse non-finite or absurd derived quantities; attach (or, strict, raise) warnings."""
    from planner.plausibility import derived_problems, plausibility_warnings

    problems = derived_problems(inp)
    if problems:
        raise ScenarioError(sf.path, problems)
    warnings = plausibility_warnings(sf.scenario, inp)
    if strict and warnings:
        raise ScenarioError(sf.path, [dataclasses.replace(
            p, message=p.message + " (an error with --strict)") for p in warnings])
    return dataclasses.replace(sf, warnings=tuple(warnings))


def prepare(path: str | Path, standard: str | None = None, *, strict: bool = False
            ) -> tuple[ScenarioFile, PlanInputs]:
    """Load and validate a scenario and build its model inputs (standard's rules included).

    Raises
    ------
    ScenarioError
        For any problem in the file or in a CSV it names.
    """
    sf, inp, _, _ = prepare_plan(path, standard, strict=strict)
    return sf, inp


def plan_scenario(path: str | Path, *, time_limit_s: float | None = None,
                  progress: Callable[[IterationRecord], None] | None = None,
                  standard: str | None = None, strict: bool = False,
                  on_warnings: Callable[[ScenarioFile], None] | None = None,
                  node_limit: int | None = None) -> Plan:
    """Solve a scenario file and return its plan (:func:`plan_of` on the loaded file)."""
    return plan_of(load_scenario(path), time_limit_s=time_limit_s, progress=progress,
                   standard=standard, strict=strict, on_warnings=on_warnings,
                   node_limit=node_limit)


def plan_of(sf: ScenarioFile, *, time_limit_s: float | None = None,
            progress: Callable[[IterationRecord], None] | None = None,
            standard: str | None = None, strict: bool = False,
            on_warnings: Callable[[ScenarioFile], None] | None = None,
            node_limit: int | None = None) -> Plan:
    """Solve a parsed scenario and return its plan: inputs -> solution -> plan.

    Parameters
    ----------
    sf : ScenarioFile
        From :func:`planner.scenario.load_scenario` or :func:`~planner.scenario.parse_scenario`.
    time_limit_s : float, optional
        Overrides ``solver.time_limit_s``: a budget for the whole run, counted from
        here (building the inputs, every solve, the year-on-year rule's re-solves and,
        for an infeasible target, the diagnosis).
    progress : callable, optional
    standard : str, optional
        A profile name or file overriding ``scenario.standard``.
    strict : bool
        Implausible values are errors (exit 2) instead of warnings.
    on_warnings : callable, optional
        Called with the scenario before solving when it has warnings (to print them).
    node_limit : int, optional
        Overrides ``solver.node_limit`` (branch-and-bound nodes per MILP solve).

    Raises
    ------
    ScenarioError
        Bad input (see :func:`inputs_of`).
    InfeasiblePlanError
        The target cannot be met; carries the diagnosis.
    """
    t0 = time.perf_counter()
    settings = sf.scenario.solver
    if time_limit_s is not None:
        settings = settings.model_copy(update={"time_limit_s": time_limit_s})
    if node_limit is not None:
        settings = settings.model_copy(update={"node_limit": node_limit})
    deadline = t0 + settings.time_limit_s
    sf, inp, profile, note = inputs_of(sf, standard, strict=strict)
    if sf.warnings and on_warnings is not None:
        on_warnings(sf)
    try:
        sol = solve_inputs(inp, settings, progress=progress, deadline=deadline)
    except InfeasiblePlanError:
        from planner.diagnose import diagnose

        # Its own budget, within what the failed solve left of the run's (at least a second,
        # so that the diagnosis can still give the LP relaxation's first failing year).
        left_s = max(deadline - time.perf_counter(), 1.0)
        diag = diagnose(inp, settings, time_budget_s=min(settings.diagnosis_time_limit_s, left_s),
                        deadline=max(deadline, time.perf_counter() + 1.0))
        raise InfeasiblePlanError(f"{sf.path}: {diag.render()}", diag) from None
    plan = build_plan(sf.scenario.scenario.name, inp, sol, profile=profile, profile_note=note)
    plan.summary["warnings"] = [p.render() for p in sf.warnings]
    return plan
