"""The planner's steps in order: scenario file -> inputs -> solution -> plan."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.decomposition import IterationRecord
from models.inputs import PlanInputs
from planner.analysis.accounts import Accounts, account
from planner.base.errors import InfeasiblePlanError, Problem, ScenarioError, SolverError
from planner.base.schema import SolverSettings
from planner.inputs.build import build_inputs, with_scope2_basis
from planner.inputs.standard_rules import with_rules
from planner.plan.results import Plan, build_plan, with_purchases_baseline
from planner.profiles.build import HourlyCsvError
from planner.scenario.read import ScenarioFile, load_scenario
from planner.solve.run import Solution, fixed_plan_solution, solve_inputs
from planner.tables.standards import Profile, load_profile

__all__ = ["inputs_of", "plan_of", "plan_scenario", "prepare", "prepare_plan",
           "purchases_only_accounts", "standard_profile", "with_basis"]


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
    from planner.scenario.plausibility import derived_problems, plausibility_warnings

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
                  stage: Callable[[str], None] | None = None,
                  node_limit: int | None = None) -> Plan:
    """Solve a scenario file and return its plan (:func:`plan_of` on the loaded file)."""
    if stage is not None:
        stage("reading")
    return plan_of(load_scenario(path), time_limit_s=time_limit_s, progress=progress,
                   standard=standard, strict=strict, on_warnings=on_warnings, stage=stage,
                   node_limit=node_limit)


def plan_of(sf: ScenarioFile, *, time_limit_s: float | None = None,
            progress: Callable[[IterationRecord], None] | None = None,
            standard: str | None = None, strict: bool = False,
            on_warnings: Callable[[ScenarioFile], None] | None = None,
            stage: Callable[[str], None] | None = None,
            node_limit: int | None = None) -> Plan:
    """Solve a parsed scenario and return its plan: inputs -> solution -> plan.

    Parameters
    ----------
    sf : ScenarioFile
        From :func:`planner.scenario.read.load_scenario` or
        :func:`~planner.scenario.read.parse_scenario`.
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
    stage : callable, optional
        Called with the step starting: ``"inputs"`` (hourly load, PV profile, tariffs),
        ``"solving"``, ``"diagnosing"``, ``"accounts"`` (for a progress display).
    node_limit : int, optional
        Overrides ``solver.node_limit`` (branch-and-bound nodes per MILP solve).

    Raises
    ------
    ScenarioError
        Bad input (see :func:`inputs_of`).
    InfeasiblePlanError
        The target cannot be met; carries the diagnosis.
    """
    tp = sf.scenario.grid.two_part
    if tp is not None and tp.basis == "cheaper":
        return _cheaper_basis(sf, time_limit_s=time_limit_s, progress=progress,
                              standard=standard, strict=strict, on_warnings=on_warnings,
                              stage=stage, node_limit=node_limit)

    def step(name: str) -> None:
        if stage is not None:
            stage(name)

    t0 = time.perf_counter()
    settings = sf.scenario.solver
    if time_limit_s is not None:
        settings = settings.model_copy(update={"time_limit_s": time_limit_s})
    if node_limit is not None:
        settings = settings.model_copy(update={"node_limit": node_limit})
    deadline = t0 + settings.time_limit_s
    step("inputs")
    sf, inp, profile, note = inputs_of(sf, standard, strict=strict)
    if sf.warnings and on_warnings is not None:
        on_warnings(sf)
    step("solving")
    try:
        # The master is kept for the purchases-only baseline below (fixed in place there).
        sol = solve_inputs(inp, settings, progress=progress, deadline=deadline,
                           keep_master=True)
    except InfeasiblePlanError:
        from planner.solve.diagnose import diagnose

        step("diagnosing")
        # Its own budget, within what the failed solve left of the run's (at least a second,
        # so that the diagnosis can still give the LP relaxation's first failing year).
        left_s = max(deadline - time.perf_counter(), 1.0)
        diag = diagnose(inp, settings, time_budget_s=min(settings.diagnosis_time_limit_s, left_s),
                        deadline=max(deadline, time.perf_counter() + 1.0))
        raise InfeasiblePlanError(f"{sf.path}: {diag.render()}", diag) from None
    step("accounts")
    plan = build_plan(sf.scenario.scenario.name, inp, dataclasses.replace(sol, master=None),
                      profile=profile, profile_note=note)
    plan.summary["warnings"] = [p.render() for p in sf.warnings]
    purchases = purchases_only_accounts(inp, settings, sol, deadline=deadline)
    return with_purchases_baseline(plan, purchases)


def purchases_only_accounts(inp: PlanInputs, settings: SolverSettings, sol: Solution, *,
                            deadline: float | None = None) -> Accounts | None:
    """Accounts of the least-cost compliance by purchases alone (issue 15's second
    baseline): nothing built, certificates, credits and removals bought within their
    limits. None when purchases alone cannot meet the target (or no proof in time).

    The plan's master problem with every investment fixed at 0, a linear programme, warm
    started with the plan's energy cuts, optimal to the decomposition's tolerance; its
    purchases and the exact dispatch of every year are then accounted like the plan's,
    so its cash flows year by year (and the IRR of the plan against it) are like for like.
    With ``sol.master`` (``solve_inputs(..., keep_master=True)``) the investments are fixed
    in that solved master, which keeps its HiGHS instance and every cut (no new model to
    build and hand to HiGHS: ~1 s of the reference plan); the master is changed. A master
    carrying the year-on-year rule's constant caps (valid for the plan, not for the
    baseline) is not reused.
    """
    zero = {name: dict.fromkeys(values, 0.0) for name, values in (sol.investments or {}).items()}
    master = sol.master
    if master is not None and hasattr(master[0], "rule_yoy_cap"):
        master = None
    try:
        base = fixed_plan_solution(inp, settings, zero, sol.cut_records, master=master,
                                   deadline=deadline)
    except (InfeasiblePlanError, SolverError):
        return None
    return account(inp, base.decisions, base.balance)


def with_basis(sf: ScenarioFile, basis: str) -> ScenarioFile:
    """The scenario with its two-part tariff billed on ``basis`` (``demand``/``capacity``)."""
    grid = sf.scenario.grid
    assert grid.two_part is not None
    tp = grid.two_part.model_copy(update={"basis": basis})
    scen = sf.scenario.model_copy(update={"grid": grid.model_copy(update={"two_part": tp})})
    return dataclasses.replace(sf, scenario=scen)


def _cheaper_basis(sf: ScenarioFile, **kwargs: Any) -> Plan:
    """``basis = "cheaper"``: the plan of each basis, and the one of lower NPV.

    The basis is one choice for the whole horizon, so the least-cost plan over both
    bases is the better of the two least-cost plans: exact, at twice the solve time.
    """
    plans = {b: plan_of(with_basis(sf, b), **kwargs) for b in ("demand", "capacity")}
    best = min(plans, key=lambda b: plans[b].summary["npv_plan_cny"])
    other = "capacity" if best == "demand" else "demand"
    plan = plans[best]
    plan.summary["basic_charge_basis_choice"] = "cheaper"
    plan.summary["basic_charge_npv_other_basis_cny"] = plans[other].summary["npv_plan_cny"]
    note = (f"Two-part tariff: the {best} basis is cheaper (NPV "
            f"{plan.summary['npv_plan_cny'] / 1e6:,.3f} MCNY against "
            f"{plans[other].summary['npv_plan_cny'] / 1e6:,.3f} MCNY on the {other} basis).")
    plan.summary["assumptions"] = [*plan.summary["assumptions"], note]
    return plan
