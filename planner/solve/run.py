"""Solve a plan: HiGHS settings, every HiGHS status mapped, the decomposition run.

The outcome is a typed :class:`SolverReport`; a plan is only read from the model
when the status allows it. A time limit reached with a solution gives a plan
marked *not proven optimal* with its gap; no solution raises.
"""

from __future__ import annotations

import dataclasses
import enum
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.contrib.solver.solvers.highs import Highs

from models.decomposition import (
    CutRecord,
    DecompositionResult,
    IterationRecord,
    MasterOutcome,
    master_state,
    reporting_balance,
    resume_decomposed,
    solve_decomposed,
)
from models.hourly import EnergyBalance, PlanState
from models.inputs import PlanInputs
from models.master import alive_of_builds, fix_investments, integer_variables, investment_values
from models.rules import add_gross_caps, exact_gross_t, non_increasing_violations
from models.solution import Decisions, extract_decisions
from models.terms import green_counted_mwh_y
from planner.base.errors import InfeasiblePlanError, SolverError
from planner.base.schema import SolverSettings
from planner.solve.highs_bridge import column_of, highs_of

__all__ = ["Solution", "SolveStatus", "SolverReport", "fixed_plan_npv_cny",
           "fixed_plan_solution", "solve_inputs", "stopped_by"]


class SolveStatus(enum.Enum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time limit (feasible, not proven optimal)"
    NOT_CONVERGED = "iteration limit (feasible, not proven optimal)"
    WORK_LIMIT = "work limit (feasible, not proven optimal)"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NO_SOLUTION = "no solution found"
    NUMERICAL = "numerical trouble"


#: The least time limit given to one HiGHS solve [s] (see MasterSolver.__call__).
MIN_SOLVE_S = 1.0

#: HiGHS model status name -> (status, has a usable solution if HiGHS reports one).
_HIGHS_STATUS: dict[str, SolveStatus] = {
    "kOptimal": SolveStatus.OPTIMAL,
    "kInfeasible": SolveStatus.INFEASIBLE,
    "kUnboundedOrInfeasible": SolveStatus.INFEASIBLE,
    "kUnbounded": SolveStatus.UNBOUNDED,
    "kTimeLimit": SolveStatus.TIME_LIMIT,
    # Deterministic limits: HiGHS's node limit (solver.node_limit) gives kSolutionLimit.
    "kIterationLimit": SolveStatus.WORK_LIMIT,
    "kSolutionLimit": SolveStatus.WORK_LIMIT,
    "kInterrupt": SolveStatus.TIME_LIMIT,
    "kMemoryLimit": SolveStatus.NUMERICAL,
    "kObjectiveBound": SolveStatus.NO_SOLUTION,
    "kObjectiveTarget": SolveStatus.TIME_LIMIT,
    "kModelEmpty": SolveStatus.OPTIMAL,
    "kSolveError": SolveStatus.NUMERICAL,
    "kPostsolveError": SolveStatus.NUMERICAL,
    "kPresolveError": SolveStatus.NUMERICAL,
    "kLoadError": SolveStatus.NUMERICAL,
    "kModelError": SolveStatus.NUMERICAL,
    "kNotset": SolveStatus.NUMERICAL,
    "kUnknown": SolveStatus.NUMERICAL,
}


@dataclass(frozen=True)
class SolverReport:
    """Everything a user may want to know about how the plan was found."""

    status: SolveStatus
    proven_optimal: bool
    objective_mcny: float
    bound_mcny: float
    gap: float
    iterations: int
    cuts: int
    nodes: int
    build_s: float
    master_s: float
    evaluate_s: float
    total_s: float
    message: str = ""
    evaluations: int = 0        # exact evaluation calls of the decomposition
    chains_dispatched: int = 0  # (plan, year) chains they dispatched, identical ones once
    #: Re-solves made for the standard's year-on-year rule (0 without that rule).
    rule_rounds: int = 0

    @property
    def stopped_by(self) -> str | None:
        """Which limit stopped the run: ``"time"`` (wall clock: depends on the machine's
        load), ``"work"`` (a deterministic count: B&B nodes, decomposition iterations or
        rule rounds; the same on every run) or None (no limit reached)."""
        return stopped_by(self.status)


def stopped_by(status: SolveStatus) -> str | None:
    """``"time"``, ``"work"`` or None for a solve that ended with ``status``."""
    if status is SolveStatus.TIME_LIMIT:
        return "time"
    if status in (SolveStatus.WORK_LIMIT, SolveStatus.NOT_CONVERGED):
        return "work"
    return None


@dataclass(frozen=True)
class Solution:
    """A solved plan: decisions, the exact energy balance of each year, the report."""

    decisions: Decisions
    state: PlanState
    balance: EnergyBalance
    report: SolverReport
    history: tuple[IterationRecord, ...]
    #: The master's final energy cuts (reusable by :func:`solve_inputs` ``warm_cuts``).
    cut_records: tuple[CutRecord, ...] = ()
    #: The master's investment decisions in master units (for ``fixed``).
    investments: dict[str, dict[object, float]] | None = None
    #: The solved master and its persistent solver, when asked for (``keep_master``), so
    #: that a follow-up question (:func:`fixed_plan_npv_cny`) reuses model and cuts.
    master: tuple[pyo.ConcreteModel, MasterSolver] | None = None


class MasterSolver:
    """Persistent HiGHS (through Pyomo) with the scenario's settings and a time budget."""

    def __init__(self, settings: SolverSettings, deadline: float,
                 mip_start: dict[str, dict[object, float]] | None = None) -> None:
        self.settings = settings
        self.deadline = deadline
        self.mip_start = mip_start
        self.pending_cuts: Sequence[CutRecord] = ()
        self.opt = Highs()
        # The decomposition only adds cuts and switches integrality: tell HiGHS exactly
        # that, instead of letting Pyomo scan every component before each solve.
        au = self.opt.config.auto_updates
        for flag in ("check_for_new_or_removed_constraints", "check_for_new_or_removed_vars",
                     "check_for_new_or_removed_params", "check_for_new_objective",
                     "update_constraints", "update_vars", "update_parameters",
                     "update_named_expressions", "update_objective"):
            setattr(au, flag, False)
        self.model: pyo.ConcreteModel | None = None
        self.cuts_sent = 0
        self.relaxed: bool | None = None
        self.last_status = ""
        self.last_options: dict[str, object] = {}

    def refresh_variables(self, m: pyo.ConcreteModel) -> None:
        """Send changed bounds and fixings of the investment variables to HiGHS."""
        from models.master import INVESTMENT_VARS

        if self.model is m:
            self.opt.update_variables([v for name in INVESTMENT_VARS
                                       for v in getattr(m, name).values()])

    def add_rows(self, m: pyo.ConcreteModel, constraints: Sequence[Any]) -> None:
        """Send constraints just added to ``m`` (outside ``m.energy_cut``) to HiGHS."""
        if self.model is m and constraints:
            self.opt.add_constraints(list(constraints))

    def load_cuts(self, m: pyo.ConcreteModel, cuts: Sequence[CutRecord]) -> None:
        """Take warm-start cuts as HiGHS rows at the first solve (not as Pyomo constraints).

        The caller logs them in ``m._cut_log`` (models.decomposition), which is what
        :meth:`_sync` sends to HiGHS.
        """
        self.pending_cuts = tuple(cuts)

    def _add_rows(self, m: pyo.ConcreteModel, cuts: Sequence[CutRecord]) -> None:
        col = column_of(self.opt)
        lower, starts, index, value = [], [], [], []
        for rec in cuts:
            starts.append(len(index))
            lhs = m.grid_import[rec.year] if rec.weight is None else m.energy_cost[rec.year]
            terms = {col[id(lhs)]: 1.0}
            if rec.weight is not None:
                j = col[id(m.grid_import[rec.year])]
                terms[j] = terms.get(j, 0.0) + rec.weight
            for name, idx, coef in rec.terms:
                j = col[id(getattr(m, name)[idx])]
                terms[j] = terms.get(j, 0.0) - coef
            index.extend(terms)
            value.extend(terms.values())
            lower.append(rec.rhs)
        n = len(cuts)
        highs_of(self.opt).addRows(
            n, np.array(lower, dtype=float), np.full(n, np.inf), len(index),
            np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
            np.array(value, dtype=float))

    def _sync(self, m: pyo.ConcreteModel, relaxed: bool) -> None:
        # Every cut reaches HiGHS as a row built from its record (m._cut_log: the initial,
        # warm and separated cuts, in order), several per addRows call, not through Pyomo's
        # expression walk (~0.25 ms a row: ~0.3 s of the reference's 860 cuts). Since this
        # solver has load_cuts, the decomposition leaves m.energy_cut empty (it holds the
        # cuts only for a solver that reads the Pyomo model); it is kept out regardless.
        # A model without a cut log (the group master, models/group.py: its cuts live in
        # m.energy_cut as Pyomo constraints) has its new energy_cut rows sent instead.
        as_rows = hasattr(m, "_cut_log")
        log = getattr(m, "_cut_log", ())
        if self.model is not m:
            if as_rows:
                m.energy_cut.deactivate()
            try:
                self.opt.set_instance(m)
            finally:
                m.energy_cut.activate()
            self.model = m
            self.cuts_sent = 0 if as_rows else len(m.energy_cut)
            self.relaxed = None
            self.pending_cuts = ()
        if as_rows and len(log) > self.cuts_sent:
            self._add_rows(m, log[self.cuts_sent:])
            self.cuts_sent = len(log)
        elif not as_rows and len(m.energy_cut) > self.cuts_sent:
            self.opt.add_constraints([m.energy_cut[i] for i in
                                      range(self.cuts_sent + 1, len(m.energy_cut) + 1)])
            self.cuts_sent = len(m.energy_cut)
        if self.relaxed is not relaxed:
            self.opt.update_variables(integer_variables(m))
            self.relaxed = relaxed

    def _set_mip_start(self, m: pyo.ConcreteModel) -> None:
        """Offer HiGHS the build decisions of another plan as a partial incumbent.

        HiGHS completes a partial solution by fixing the given integers and solving the
        LP for the rest; if that fails the start is ignored, so it can only help.
        """
        col = column_of(self.opt)
        idx, val = [], []
        # A build window that differs from the start's: keys not in m.build are left out.
        builds = {key: float(value) for key, value in self.mip_start.get("build", {}).items()
                  if key in m.build}
        alive = alive_of_builds(m, builds)
        for comp, values in ((m.build, builds), (m.alive, alive)):
            for key, value in values.items():
                var = comp[key]
                if not var.fixed and id(var) in col:
                    idx.append(col[id(var)])
                    val.append(value)
        if idx:
            highs_of(self.opt).setSolution(len(idx), np.array(idx, dtype=np.int32),
                                               np.array(val, dtype=float))

    def __call__(self, m: pyo.ConcreteModel, relaxed: bool) -> MasterOutcome:
        self._sync(m, relaxed)
        st = self.settings
        # Never hand HiGHS a tiny time limit: a solve stopped within milliseconds of its start
        # has crashed HiGHS (a segfault seen here under load; cf. ERGO-Code/HiGHS#1990). The
        # caller checks the deadline between solves, so the floor costs at most one second.
        remaining = max(self.deadline - time.perf_counter(), MIN_SOLVE_S)
        options = {
            "presolve": st.presolve,
            "mip_allow_restart": st.mip_allow_restart,
            "mip_heuristic_effort": st.mip_heuristic_effort,
            "simplex_strategy": st.simplex_strategy,
            "random_seed": st.random_seed,
            "output_flag": False,
        }
        if st.node_limit is not None and not relaxed:
            options["mip_max_nodes"] = st.node_limit
        self.last_options = options
        if self.mip_start and not relaxed:
            self._set_mip_start(m)
        t0 = time.perf_counter()
        res = self.opt.solve(m, load_solutions=False, raise_exception_on_nonoptimal_result=False,
                             time_limit=remaining, rel_gap=st.mip_rel_gap,
                             threads=st.threads or None, solver_options=options)
        elapsed = time.perf_counter() - t0
        h = highs_of(self.opt)  # HiGHS's own status is only there
        name = h.getModelStatus().name
        self.last_status = name
        status = _HIGHS_STATUS.get(name, SolveStatus.NUMERICAL)
        info = h.getInfo()
        has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if has_sol and status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT):
            res.solution_loader.load_vars()
        else:
            has_sol = False
        bound = info.mip_dual_bound if not relaxed and m.build else info.objective_function_value
        return MasterOutcome(
            has_solution=has_sol,
            proven_optimal=status is SolveStatus.OPTIMAL,
            objective=float(info.objective_function_value) if has_sol else float("nan"),
            bound=float(bound) if has_sol else float("nan"),
            status=name,
            nodes=int(max(info.mip_node_count, 0)),
            solve_s=elapsed,
        )


def solve_inputs(inp: PlanInputs, settings: SolverSettings,
                 progress: Callable[[IterationRecord], None] | None = None, *,
                 warm_cuts: Sequence[CutRecord] = (),
                 fixed: dict[str, dict[object, float]] | None = None,
                 mip_start: dict[str, dict[object, float]] | None = None,
                 keep_master: bool = False, deadline: float | None = None) -> Solution:
    """Optimise a plan (see :func:`_solve_once` for the parameters); a standard's
    year-on-year rule is then made to hold exactly.

    ``gross[y] <= gross[y-1]`` is a difference of convex functions of the plan
    (see :mod:`models.rules`): after each solve the exact 8 760-hour figures are
    checked, and a violated year gets the constant cap ``gross[y] <= exact
    gross[y-1]``, until none is violated (at most 20 rounds; then the plan is
    returned marked not proven optimal). Caps only tighten, so the plan returned
    satisfies the rule; its optimality for that rule is that of the sequence
    (documented in docs/standards.md). The caps are added to the solved master
    itself: its cuts, its HiGHS instance and its last plan (as a MIP start) are
    reused, so a round costs a MILP re-solve, not a new model.

    ``deadline`` (a ``time.perf_counter()`` value; default now +
    ``settings.time_limit_s``) bounds every solve of the call, the rule's rounds
    included: the time limit is a budget for the whole run.
    """
    if deadline is None:
        deadline = time.perf_counter() + settings.time_limit_s
    r = inp.rules
    yoy = r is not None and bool(r.non_increasing_y.any()) and not fixed
    kw = {"warm_cuts": warm_cuts, "fixed": fixed, "mip_start": mip_start,
          "keep_master": keep_master or yoy, "deadline": deadline}
    sol = _solve_once(inp, settings, progress, **kw)
    if not yoy or r is None:
        return sol
    tol_t = 1e-6 * max(r.base_boundary_t, 1.0)
    rounds = 20
    caps = r.gross_max_t_y.copy()
    t_rounds = time.perf_counter()
    for done in range(rounds + 1):
        d = sol.decisions
        imp = sol.balance.import_mwh_cy[0]
        green = (None if d.green_mwh_gy is None else green_counted_mwh_y(
            d.green_mwh_gy.sum(axis=0), np.minimum(d.certificates_mwh_y, imp), imp))
        gross = exact_gross_t(inp, d.alive_my, d.certificates_mwh_y, imp, green)
        bad = non_increasing_violations(inp, gross, tol_t)
        if not bad or done == rounds or sol.report.stopped_by is not None:
            break
        new = _propagated_caps(r.non_increasing_y, caps, bad)
        for y, cap in new.items():
            caps[y] = cap
        inp = dataclasses.replace(inp, rules=dataclasses.replace(r, gross_max_t_y=caps.copy()))
        assert sol.master is not None
        sol = _resolve_with_caps(sol, inp, settings, progress, new, done + 1)
    if not keep_master:
        sol = dataclasses.replace(sol, master=None)
    report = dataclasses.replace(sol.report, rule_rounds=done,
                                 total_s=sol.report.total_s + time.perf_counter() - t_rounds)
    if bad and sol.report.stopped_by is None:
        # Still violated after every round: say so; the verdicts show the failing years.
        report = dataclasses.replace(
            report, proven_optimal=False, status=SolveStatus.NOT_CONVERGED,
            message=f"the year-on-year rule still fails in "
                    f"{[int(inp.years[y]) for y in sorted(bad)]} after {rounds} rounds")
    return dataclasses.replace(sol, report=report)


def _propagated_caps(non_increasing_y: np.ndarray, caps_t_y: np.ndarray,
                     bad: dict[int, float]) -> dict[int, float]:
    """New constant caps [t] for the violated years ``bad`` (year -> exact gross of the
    year before) and every later year of the same non-increasing stretch.

    The rule chains the years: a plan that keeps it has gross[z] <= gross[y] <=
    gross[y - 1] for every z after y in the stretch, so the cap of a violated year y
    applies to those years too. Capping them at once saves the rounds in which each
    later year would be found violated in turn (with a growing demand, one per year).
    """
    new: dict[int, float] = {}
    n = len(caps_t_y)
    for y, cap in sorted(bad.items()):
        z = y
        while z < n and non_increasing_y[z]:
            c = min(cap, new.get(z, caps_t_y[z]))
            if c < caps_t_y[z]:
                new[z] = c
            z += 1
    return new


def _resolve_with_caps(sol: Solution, inp: PlanInputs, settings: SolverSettings,
                       progress: Callable[[IterationRecord], None] | None,
                       caps_t: dict[int, float], round_no: int) -> Solution:
    """Re-solve ``sol``'s master with the constant gross caps ``caps_t`` added."""
    assert sol.master is not None
    m, solver = sol.master
    m._inputs = inp
    solver.add_rows(m, add_gross_caps(m, caps_t))
    # The last plan's builds: often still feasible (certificates or PV absorb the cap).
    solver.mip_start = {"build": sol.investments.get("build", {})} if sol.investments else None
    res = resume_decomposed(m, inp, solver, rel_tol=settings.oa_rel_tolerance,
                            max_iterations=settings.max_iterations, progress=progress)
    res.build_s = 0.0
    return _solution_of(res, inp, settings, solver, keep_master=True,
                        total_s=sum(h.master_s + h.evaluate_s for h in res.history),
                        earlier=sol.report, earlier_history=sol.history)


def _solve_once(inp: PlanInputs, settings: SolverSettings,
                progress: Callable[[IterationRecord], None] | None = None, *,
                warm_cuts: Sequence[CutRecord] = (),
                fixed: dict[str, dict[object, float]] | None = None,
                mip_start: dict[str, dict[object, float]] | None = None,
                keep_master: bool = False, deadline: float | None = None) -> Solution:
    """Optimise a plan.

    Parameters
    ----------
    inp : PlanInputs
    settings : SolverSettings
    progress : callable, optional
        Called after each decomposition iteration.
    warm_cuts : sequence of CutRecord, optional
        Energy cuts of an earlier solve whose hourly data equal ``inp``'s
        (:func:`models.decomposition.cuts_transferable`); they start the loop instead of
        the initial cuts.
    fixed : dict, optional
        Investment decisions (``Solution.investments`` of another solve) to hold fixed:
        only purchases and dispatch are optimised (how a given plan fares under other
        inputs).
    mip_start : dict, optional
        Investment decisions of another plan offered to HiGHS as a starting incumbent
        (only the build decisions are used; the optimum does not depend on it).
    keep_master : bool
        Keep the solved master and its solver in ``Solution.master``.
    deadline : float, optional
        ``time.perf_counter()`` value by which every solve must end (default: now +
        ``settings.time_limit_s``).

    Returns
    -------
    Solution

    Raises
    ------
    InfeasiblePlanError
        No plan meets the target (the caller diagnoses why).
    SolverError
        HiGHS failed, or found no plan within the time limit.
    """
    t0 = time.perf_counter()
    solver = MasterSolver(settings, deadline=deadline if deadline is not None
                          else t0 + settings.time_limit_s, mip_start=mip_start)
    res = solve_decomposed(inp, solver, rel_tol=settings.oa_rel_tolerance,
                           max_iterations=settings.max_iterations, progress=progress,
                           warm_cuts=warm_cuts,
                           prepare=(lambda m: fix_investments(m, fixed)) if fixed else None)
    return _solution_of(res, inp, settings, solver, keep_master=keep_master,
                        total_s=time.perf_counter() - t0)


def _solution_of(res: DecompositionResult, inp: PlanInputs, settings: SolverSettings,
                 solver: MasterSolver, *, keep_master: bool, total_s: float,
                 earlier: SolverReport | None = None,
                 earlier_history: Sequence[IterationRecord] = ()) -> Solution:
    """The :class:`Solution` of a decomposition result, every HiGHS status mapped.

    ``earlier``: the report of the solves before this one on the same master (the
    year-on-year rule's rounds), whose counts and times are added.
    """
    out = res.outcome
    assert out is not None
    status = _HIGHS_STATUS.get(out.status, SolveStatus.NUMERICAL)
    if not out.has_solution:
        if status is SolveStatus.INFEASIBLE:
            raise InfeasiblePlanError("no plan meets the target with the levers given")
        if status is SolveStatus.UNBOUNDED:
            raise SolverError("the model is unbounded: a lever has no cost or no limit "
                              "(report this scenario as a bug)")
        if status is SolveStatus.TIME_LIMIT:
            raise SolverError(f"no feasible plan found within the time limit of "
                              f"{settings.time_limit_s:g} s (a budget for the whole run); "
                              "raise solver.time_limit_s or --time-limit")
        if status is SolveStatus.WORK_LIMIT:
            raise SolverError(f"no feasible plan found within the node limit of "
                              f"{settings.node_limit} branch-and-bound nodes per solve; raise "
                              "solver.node_limit or --node-limit")
        raise SolverError(f"HiGHS stopped with status {out.status} ({status.value}) and no plan; "
                          "try solver.presolve = \"off\" or another random_seed")
    if not res.converged and status is SolveStatus.OPTIMAL:
        status = SolveStatus.NOT_CONVERGED
    if res.state is None:
        # Stopped mid-loop (time or iteration limit) with a master solution: evaluate it.
        state, _, imp_claim = master_state(res.model)
        balance, _ = reporting_balance(inp, state, imp_claim)
    else:
        assert res.balance is not None
        state, balance = res.state, res.balance
    gap = abs(out.objective - out.bound) / max(abs(out.objective), 1e-9) \
        if np.isfinite(out.bound) else float("nan")
    e = earlier
    report = SolverReport(
        status=status, proven_optimal=status is SolveStatus.OPTIMAL and res.converged,
        objective_mcny=out.objective, bound_mcny=out.bound, gap=gap,
        iterations=res.iterations + (e.iterations if e else 0),
        cuts=res.cuts, nodes=out.nodes, build_s=res.build_s + (e.build_s if e else 0.0),
        master_s=sum(h.master_s for h in res.history) + (e.master_s if e else 0.0),
        evaluate_s=sum(h.evaluate_s for h in res.history) + (e.evaluate_s if e else 0.0),
        total_s=total_s + (e.total_s if e else 0.0),
        message="" if res.converged else "the decomposition stopped before converging",
        evaluations=res.evaluations + (e.evaluations if e else 0),
        chains_dispatched=res.chains_dispatched + (e.chains_dispatched if e else 0))
    history = (*(earlier_history or ()), *res.history)
    return Solution(extract_decisions(res.model), state, balance, report, tuple(history),
                    res.cut_records, investment_values(res.model),
                    (res.model, solver) if keep_master else None)


def _fixed_plan_decomposed(inp: PlanInputs, settings: SolverSettings,
                           fixed: dict[str, dict[object, float]], warm_cuts: Sequence[CutRecord],
                           master: tuple[pyo.ConcreteModel, MasterSolver] | None,
                           deadline: float | None, final_balance: bool
                           ) -> tuple[DecompositionResult, MasterSolver]:
    """The decomposition of ``inp`` with the investments fixed at ``fixed``: in the solved
    ``master`` (its cuts and HiGHS instance kept; the model is changed), or in a new master
    warm started with ``warm_cuts``. A linear programme either way."""
    end = deadline if deadline is not None else time.perf_counter() + settings.time_limit_s
    if master is not None:
        m, solver = master
        solver.deadline = end
        solver.mip_start = None
        fix_investments(m, fixed)
        solver.refresh_variables(m)
        return resume_decomposed(m, inp, solver, rel_tol=settings.oa_rel_tolerance,
                                 max_iterations=settings.max_iterations,
                                 final_balance=final_balance), solver
    solver = MasterSolver(settings, deadline=end)
    return solve_decomposed(inp, solver, rel_tol=settings.oa_rel_tolerance,
                            max_iterations=settings.max_iterations, lp_phase=False,
                            warm_cuts=warm_cuts, prepare=lambda m: fix_investments(m, fixed),
                            final_balance=final_balance), solver


def fixed_plan_solution(inp: PlanInputs, settings: SolverSettings,
                        fixed: dict[str, dict[object, float]],
                        warm_cuts: Sequence[CutRecord] = (), *,
                        master: tuple[pyo.ConcreteModel, MasterSolver] | None = None,
                        deadline: float | None = None) -> Solution:
    """A given investment plan under ``inp`` with purchases and dispatch optimised, as a
    :class:`Solution` whose decisions and exact energy balance the accounts can read.

    Like :func:`fixed_plan_npv_cny` (a linear programme, warm started with ``warm_cuts``,
    or in ``master``) but with the reporting step's exact dispatch of every year, so that
    its cash flows year by year are known, not only its NPV.

    Raises
    ------
    InfeasiblePlanError
        The plan cannot meet the target under these inputs, whatever is bought.
    SolverError
        No proven optimum within the time limit.
    """
    t0 = time.perf_counter()
    res, solver = _fixed_plan_decomposed(inp, settings, fixed, warm_cuts, master, deadline,
                                         final_balance=True)
    sol = _solution_of(res, inp, settings, solver, keep_master=False,
                       total_s=time.perf_counter() - t0)
    if not sol.report.proven_optimal:
        raise SolverError(f"no proven optimum for the fixed plan ({sol.report.status.value})")
    return sol


def fixed_plan_npv_cny(inp: PlanInputs, settings: SolverSettings,
                       fixed: dict[str, dict[object, float]],
                       warm_cuts: Sequence[CutRecord] = (), *,
                       master: tuple[pyo.ConcreteModel, MasterSolver] | None = None,
                       deadline: float | None = None) -> float:
    """NPV [CNY] of a given investment plan under ``inp``, purchases and dispatch optimised.

    ``deadline`` (a ``time.perf_counter()`` instant) bounds the solves when it is part of a
    run with one budget; by default it is ``settings.time_limit_s`` from now.

    The master with every investment fixed is a linear programme: it is solved to the
    decomposition's tolerance and its objective returned (the exact dispatch of the
    reporting step is skipped: only the cost is wanted). With ``master`` (a solved
    master of the same ``inp`` and its solver, ``Solution.master``) the investments are
    fixed in that model, which keeps its cuts and its HiGHS instance; it is changed.

    Raises
    ------
    InfeasiblePlanError
        The plan cannot meet the target under these inputs, whatever is bought.
    SolverError
        No proven optimum within the time limit.
    """
    res, _ = _fixed_plan_decomposed(inp, settings, fixed, warm_cuts, master, deadline,
                                    final_balance=False)
    out, converged = res.outcome, res.converged
    status = _HIGHS_STATUS.get(out.status, SolveStatus.NUMERICAL) if out else SolveStatus.NUMERICAL
    if out is None or not out.has_solution:
        if status is SolveStatus.INFEASIBLE:
            raise InfeasiblePlanError("the fixed plan cannot meet the target")
        raise SolverError(f"no solution for the fixed plan ({status.value})")
    if not converged:
        raise SolverError("the decomposition did not converge for the fixed plan")
    return float(out.objective) * 1e6
