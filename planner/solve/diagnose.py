"""Why a target cannot be met, and what would make it reachable.

When the plan's MILP is infeasible, the same model is solved *elastic*: each
year's emission cap may be exceeded by a shortfall at a penalty far above any
lever's cost (:func:`models.master.build_master`). Its solution gives the least
shortfall per year, hence the first failing year and the missing tonnes. The
limits that bind in that solution are listed. For each, the *least* change of
that one limit that makes the target reachable is found exactly, by one solve of
the plan with the target hard and the limit raised by a variable amount
``delta >= 0`` that is minimised (the plan's cost only breaks ties); an offset
that exists but is not available before a year is moved earlier by bisection on
that year. The earliest net-zero year reachable with the levers given is found by
bisection on the net-zero year (with the interim trajectory dropped), since a
later net-zero year is never harder to meet.

Speed (a diagnosis has a time budget: ``solver.diagnosis_time_limit_s`` within what is
left of the run's ``solver.time_limit_s`` when called by the pipeline):

* every question is first asked of the LP relaxation (cheap); where even the
  relaxation cannot reach the target, neither can the MILP, and the MILP is skipped;
* the outer approximation of each diagnostic solve stops as soon as the plan's
  grid imports, hence its tonnes, are exact: the remaining cuts would only refine
  yuan, which a diagnosis does not report;
* the energy cuts of each solve start the next one;
* each least fix is bracketed by linear programmes first: the least raise with the
  least-shortfall plan's builds held, or with nothing built (that raise works: the
  first sized fix, "at most" until proven), and the LP relaxation's least raise (no
  plan needs less); where they meet, the MILP is skipped;
* the earliest net-zero year asks the MILP about the last year first: when net zero
  is out of reach even there (the usual case of a diagnosis) nothing is bisected.

The budget is spent on the first failing year and the binding limits first, then
on one sized fix, then on the other fixes and the earliest net-zero year; what the
budget did not allow is said, never silently left out.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.core as pyo

from models import units as u
from models.decomposition import cuts_transferable, master_state, solve_decomposed
from models.hourly import evaluate
from models.inputs import PlanInputs
from models.master import set_relaxed
from models.solution import extract_decisions
from planner.base.i18n_text import translate_lines
from planner.base.schema import SolverSettings

__all__ = ["Diagnosis", "Fix", "diagnose"]

#: Penalty on a tonne of shortfall [CNY/t]: far above the cost of any lever, so the
#: elastic optimum first minimises the shortfall and only then the cost.
PENALTY_CNY_PER_T = 1e6


@dataclass(frozen=True)
class Fix:
    """A change to the scenario that makes the target reachable."""

    key: str
    change: str


@dataclass
class Diagnosis:
    """Why no plan meets the target.

    Attributes
    ----------
    shortfall_t_y : ndarray
        Least emissions above the allowed path in each year [t].
    first_failing_year : int or None
    binding : list of str
        Limits at their bound in the least-shortfall plan, up to the last failing year.
    fixes : list of Fix
        Single changes that make the target reachable, with their size.
    earliest_net_zero_year : int or None
        Earliest year from which net emissions can stay <= 0 to the end of the
        horizon with the levers given (None: not within the horizon).
    least_final_net_t : float
        Least net emissions reachable in the last year [t] (0 if net zero is reachable).
    """

    years: np.ndarray
    shortfall_t_y: np.ndarray
    first_failing_year: int | None
    target_year: int
    binding: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    earliest_net_zero_year: int | None = None
    least_final_net_t: float = 0.0
    solves: int = 0
    seconds: float = 0.0
    #: Kinds of the standard's rules that no plan can meet (each alone lifted, the
    #: model becomes solvable); empty when the standard is not the cause.
    rule_causes: list[str] = field(default_factory=list)
    #: The time budget ran out: some diagnostic solves were skipped or stopped early.
    incomplete: bool = False
    #: The shortfall is the LP relaxation's (a lower bound) or a time-limited MILP
    #: incumbent's: the exact least shortfall did not finish within the budget.
    approximate: bool = False
    #: Whether the earliest net-zero year was settled within the budget.
    earliest_known: bool = True
    #: A standard's rules apply (the earliest net-zero year is found without them).
    rules_in_force: bool = False
    #: Keys of binding limits whose least fix the time budget did not settle.
    unsettled_fixes: list[str] = field(default_factory=list)

    @property
    def total_shortfall_t(self) -> float:
        return float(self.shortfall_t_y.sum())

    def render(self, lang: str = "en") -> str:
        """The diagnosis as lines a user can act on, in ``lang`` (planner/base/i18n_text.py)."""
        return translate_lines(self._render_en(), lang)

    def _render_en(self) -> str:
        lines = ["no plan meets the target with the levers given."]
        if self.rule_causes:
            lines.append("  The standard's rules cannot be met with these levers: "
                         + ", ".join(self.rule_causes)
                         + " (lifting any one of them makes the model solvable); "
                         "choose another --standard or add levers")
        fails = [(int(y), s) for y, s in zip(self.years, self.shortfall_t_y, strict=True)
                 if s > 0.5]
        if self.first_failing_year is not None:
            first_short = self.shortfall_t_y[self.years == self.first_failing_year][0]
            lines.append(f"  First year that fails: {self.first_failing_year}, short by "
                         f"{first_short:,.0f} t CO2e")
            lines.append(f"  Shortfall over {len(fails)} year{'s' if len(fails) != 1 else ''}: "
                         f"{self.total_shortfall_t:,.0f} t in total; largest "
                         f"{max(s for _, s in fails):,.0f} t")
        if self.binding:
            lines.append("  Limits that bind:")
            lines += [f"    - {b}" for b in self.binding]
        if self.earliest_net_zero_year is not None:
            lines.append(f"  Earliest net-zero year reachable with these levers: "
                         f"{self.earliest_net_zero_year} (target {self.target_year}; "
                         "ignoring the interim path"
                         + (" and the standard's rules)" if self.rules_in_force else ")"))
        elif self.earliest_known and np.isfinite(self.least_final_net_t) \
                and self.first_failing_year is not None:
            lines.append(f"  Net zero cannot be reached within the horizon: at best "
                         f"{self.least_final_net_t:,.0f} t remain in {int(self.years[-1])}")
        elif self.earliest_known and self.first_failing_year is not None:
            lines.append("  Net zero cannot be reached within the horizon")
        if self.approximate:
            lines.append("  (the shortfall above is a bound: the exact least shortfall was not "
                         "proven within the time budget; every year listed does fail)")
        if not self.earliest_known:
            lines.append("  Earliest net-zero year: not settled within the time budget")
        if self.unsettled_fixes:
            lines.append("  Least fix not settled within the time budget for: "
                         + ", ".join(self.unsettled_fixes))
        if self.incomplete:
            lines.append(f"  (diagnosis incomplete: some of its {self.solves} solves reached "
                         "their share of the time budget; raise solver.time_limit_s for the "
                         "rest)")
        if self.fixes:
            lines.append("  Any one of these changes makes the target reachable:")
            lines += [f"    - {f.key}: {f.change}" for f in self.fixes]
        if self.earliest_net_zero_year is not None \
                and self.earliest_net_zero_year > self.target_year:
            lines.append(f"    - target.net_zero_year: set it to "
                         f"{self.earliest_net_zero_year} or later, with an interim path the "
                         "levers can follow (trajectory = \"table\")")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Elastic:
    shortfall_t_y: np.ndarray
    credits_t_cy: np.ndarray
    removals_t_ry: np.ndarray
    pv_capacity_kw_y: np.ndarray
    battery_kwh_y: np.ndarray
    certificates_mwh_y: np.ndarray
    grid_import_mwh_y: np.ndarray
    capex_cny_y: np.ndarray
    net_t_y: np.ndarray
    #: The raised amount of a limit (:class:`_Limit`), in model units; 0 when none.
    delta: float = 0.0
    #: The plan's cost part of the objective [MCNY] (penalty excluded).
    npv_mcny: float = 0.0
    #: The MILP stopped at its time limit: an incumbent, not proven least.
    unproven: bool = False
    #: Green power each contract delivered [MWh] (None without contracts).
    green_mwh_gy: np.ndarray | None = None
    #: The build decisions (a MIP start for the solves that follow).
    builds: dict = field(default_factory=dict)


def _ef_max_t_per_kwh(inp: PlanInputs) -> float:
    """Largest grid emission factor of any year [t/kWh] (both bases: whichever is used)."""
    g = inp.grid
    efs = [np.asarray(getattr(g, name), dtype=float).max() for name in dir(g)
           if name.startswith("ef_") and name.endswith("_t_per_mwh_y")]
    return max([*efs, 1e-6]) / 1e3


class _TonnesSolver:
    """Wraps the master solver: stops the outer approximation once the tonnes are exact.

    After each master solve the least grid import of the master's plan is computed
    exactly (the hourly kernel, import-only). Where the master's claimed import is
    within ``tol_kwh`` of it in every year, the plan's emissions, hence its shortfall,
    are exact and achievable; the master is also a relaxation of the full model, so no
    plan has less shortfall. The loop is then stopped (reported as not proven optimal,
    which :func:`models.decomposition.solve_decomposed` treats as a stop with a
    solution): further cuts would refine only the cost. ``relaxed_only`` solves the
    LP relaxation in both phases.
    """

    def __init__(self, solver: Any, inp: PlanInputs, tol_kwh: float, relaxed_only: bool) -> None:
        self.solver = solver
        self.inp = inp
        self.tol_kwh = tol_kwh
        self.relaxed_only = relaxed_only
        self.load_cuts = solver.load_cuts

    def __call__(self, m: pyo.ConcreteModel, relaxed: bool) -> Any:
        if self.relaxed_only and not relaxed:
            set_relaxed(m, True)
            relaxed = True
        out = self.solver(m, relaxed)
        if not (out.has_solution and out.proven_optimal):
            return out
        state, _, imp_claim_kwh = master_state(m)
        b = self.inp.battery
        least_kwh = evaluate(self.inp.hourly, state, b.eta_charge, b.eta_discharge,
                             import_only=True).value_cny_cy[0]
        if np.all(imp_claim_kwh >= least_kwh - self.tol_kwh):
            return dataclasses.replace(out, proven_optimal=False, status="kTonnesExact")
        return out


class _Runner:
    """Solves variants of the inputs with one settings object and a time budget.

    The energy cuts of each solve start the next one: they depend only on the hourly
    data, which no variant changes (:func:`models.decomposition.cuts_transferable`), so
    after the first solve the others need few iterations.
    """

    def __init__(self, settings: SolverSettings, deadline: float, inp: PlanInputs,
                 essential_deadline: float | None = None) -> None:
        # Tonnes, not yuan, are wanted: a looser decomposition tolerance suffices.
        self.settings = settings.model_copy(update={
            "oa_rel_tolerance": max(settings.oa_rel_tolerance, 1e-4)})
        self.deadline = deadline
        #: The essential answers (the LP relaxation's first failing year and binding
        #: limits, one sized fix from linear programmes) may run to the run's own deadline.
        self.essential_deadline = max(deadline, essential_deadline or deadline)
        self.solves = 0
        self.timed_out = False
        self.last_timed_out = False
        #: Limits whose least fix was not found within the time budget.
        self.unsettled: list[str] = []
        self.cuts: tuple = ()
        self.cuts_of: PlanInputs | None = None
        # A tenth of the shortfall tolerance, as grid import [kWh] at the dirtiest factor.
        self.tol_kwh = 0.1 * _tol_t(inp) / _ef_max_t_per_kwh(inp)

    def left_s(self) -> float:
        return self.deadline - time.perf_counter()

    def __call__(self, inp: PlanInputs, *, relaxed: bool = False, hard: bool = False,
                 limit: _Limit | None = None, until: float | None = None,
                 start: _Elastic | None = None, fix_builds: dict | None = None,
                 essential: bool = False) -> _Elastic | None:
        """Solve ``inp`` elastic (or with the target ``hard``); None if no solution.

        ``relaxed``: the LP relaxation only. ``limit``: minimise its raise (hard target).
        ``until``: an earlier deadline for this solve. ``start``: a plan whose builds
        HiGHS may complete into a first incumbent (ignored if that fails).
        ``fix_builds``: hold every build decision at these values (the rest, PV, battery
        and purchases, stays free): a linear programme. ``essential``: an essential
        answer's solve, bounded by the run's deadline rather than the diagnosis budget.
        """
        from planner.solve.run import MasterSolver

        deadline = self.essential_deadline if essential else min(self.deadline,
                                                                  until or self.deadline)
        self.last_timed_out = True
        if time.perf_counter() > deadline:
            self.timed_out = True
            return None
        warm = self.cuts if self.cuts_of is not None and cuts_transferable(
            self.cuts_of, inp) else ()
        mip_start = {"build": start.builds} if start is not None and start.builds else None
        solver = _TonnesSolver(MasterSolver(self.settings, deadline=deadline,
                                            mip_start=mip_start), inp, self.tol_kwh, relaxed)
        def prepare(m: pyo.ConcreteModel) -> None:
            if limit is not None:
                limit.prepare(m)
            if fix_builds is not None:
                for key, var in m.build.items():
                    var.fix(float(fix_builds.get(key, 0.0)))
        res = solve_decomposed(inp, solver, rel_tol=self.settings.oa_rel_tolerance,
                               max_iterations=self.settings.max_iterations, warm_cuts=warm,
                               prepare=prepare,
                               shortfall_penalty_cny_per_t=None if hard or limit
                               else PENALTY_CNY_PER_T,
                               final_balance=False)
        self.solves += 1
        unproven = res.outcome is not None and res.outcome.status == "kTimeLimit"
        self.timed_out |= unproven
        self.last_timed_out = unproven
        if res.cut_records:
            self.cuts, self.cuts_of = res.cut_records, inp
        if res.outcome is None or not res.outcome.has_solution:
            return None
        m = res.model
        d = extract_decisions(m)

        def arr(comp: Any, scale: float) -> np.ndarray:
            return np.array([pyo.value(comp[y]) for y in m.year], dtype=float) * scale

        shortfall_t_y = np.maximum(arr(m.shortfall, u.EMIS_T), 0.0)
        delta = float(pyo.value(m.diag_delta)) if limit is not None else 0.0
        npv = float(res.outcome.objective) - PENALTY_CNY_PER_T * u.CNY_PER_T_TO_MCNY_PER_KT \
            * float(shortfall_t_y.sum()) / u.EMIS_T
        return _Elastic(
            shortfall_t_y=shortfall_t_y,
            credits_t_cy=d.credits_t_cy, removals_t_ry=d.removals_t_ry,
            pv_capacity_kw_y=d.pv_capacity_kw_y, battery_kwh_y=d.battery_kwh_y,
            certificates_mwh_y=d.certificates_mwh_y,
            grid_import_mwh_y=arr(m.grid_import, u.ELEC_MWH),
            capex_cny_y=arr(m.capex, u.MONEY_CNY),
            net_t_y=arr(m.net_emissions, u.EMIS_T),
            delta=max(delta, 0.0), npv_mcny=npv, unproven=unproven,
            green_mwh_gy=d.green_mwh_gy,
            # The LP relaxation's fractional builds rounded up: a guess of builds that,
            # held, may meet the target (the upper end of a fix's bracket).
            builds={k: (1 if float(pyo.value(v)) > 1e-6 else 0) if relaxed
                    else round(float(pyo.value(v))) for k, v in m.build.items()},
        )


def _tol_t(inp: PlanInputs) -> float:
    return max(1e-4 * inp.target.base_emissions_t, 0.5)


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def _reachable(e: _Elastic | None, tol: float) -> bool:
    return e is not None and float(e.shortfall_t_y.sum()) <= tol


def diagnose(inp: PlanInputs, settings: SolverSettings, *, time_budget_s: float | None = None,
             deadline: float | None = None) -> Diagnosis:
    """Explain why no plan meets the target of ``inp``.

    Parameters
    ----------
    inp : PlanInputs
        Inputs whose plan is infeasible.
    settings : SolverSettings
    time_budget_s : float, optional
        Wall-clock budget for all diagnostic solves (default: the solver time limit).
    deadline : float, optional
        A ``time.perf_counter()`` value no diagnostic solve may pass (the run's own
        deadline: the budget never extends the run).

    Returns
    -------
    Diagnosis
    """
    t0 = time.perf_counter()
    budget_s = time_budget_s or settings.time_limit_s
    end = t0 + budget_s if deadline is None else min(t0 + budget_s, deadline)
    budget_s = end - t0
    run = _Runner(settings, end, inp, essential_deadline=deadline)
    years = inp.years
    target_year = int(years[inp.target.net_zero_idx])
    causes: list[str] = []
    lp = run(inp, relaxed=True, essential=True)
    if lp is None and inp.rules is not None:
        # Even with an elastic target the standard's rules cannot hold: find which.
        causes = [k for k, relaxed in _rule_relaxations(inp) if run(relaxed) is not None]
        inp = dataclasses.replace(inp, rules=None)
        lp = run(inp, relaxed=True, essential=True)
    # The exact least shortfall is an essential answer (bounded by the run's limit: the
    # first failing year, the binding limits and the builds every fix starts from); the
    # LP relaxation's (a lower bound: every year it finds short is short) stands in if
    # even that runs out.
    base = run(inp, essential=True) if lp is not None else None
    approximate = base is None and lp is not None
    if approximate:
        base = lp
    elif base is not None and base.unproven:
        approximate = True
    if base is None:
        return Diagnosis(years, np.zeros(inp.n_years), None, target_year, solves=run.solves,
                         seconds=time.perf_counter() - t0, rule_causes=causes,
                         incomplete=run.timed_out)
    tol = _tol_t(inp)
    short = np.where(base.shortfall_t_y > tol, base.shortfall_t_y, 0.0)
    failing = np.nonzero(short)[0]
    first = int(years[failing[0]]) if failing.size else None
    last_idx = int(failing[-1]) if failing.size else inp.n_years - 1
    limits = _binding(inp, base, failing, last_idx)
    binding = [text for _, text in limits]
    # One sized fix first (up to three quarters of the budget), then the earliest net-zero
    # year (mostly LP solves), then the other fixes with what is left.
    kinds = {kind for kind, _ in limits}
    # The first sized fix from linear programmes alone where they give one (a raise that
    # works, "at most" until proven); its MILP proof waits for the earliest year.
    brackets: dict[str, Any] = {}
    fixes = _fixes(inp, base, run, tol, kinds, first_until=t0 + 0.75 * budget_s, only_one=True,
                   prove=False, cache=brackets)
    earliest, least_final, known = _earliest_net_zero(inp, run, tol)
    if fixes:
        done = {f.key for f in fixes if not f.change.endswith(AT_MOST)}
        # Each further least fix (and the first one's proof) gets a tenth of the budget at
        # most (then "at most"); a proven figure replaces an "at most" one.
        by_key = {f.key: f for f in fixes}
        for f in _fixes(inp, base, run, tol, kinds, skip=done, each_s=0.1 * budget_s,
                        cache=brackets):
            if f.key not in by_key or by_key[f.key].change.endswith(AT_MOST):
                by_key[f.key] = f
        fixes = list(by_key.values())
    incomplete = run.timed_out or not known
    unsettled = [k for k in dict.fromkeys(run.unsettled) if k not in {f.key for f in fixes}]
    return Diagnosis(years, short, first, target_year, binding, fixes, earliest, least_final,
                     run.solves, time.perf_counter() - t0, causes, incomplete,
                     approximate=approximate, earliest_known=known,
                     rules_in_force=inp.rules is not None, unsettled_fixes=unsettled)


def _rule_relaxations(inp: PlanInputs) -> list[tuple[str, PlanInputs]]:
    """(rule kind, inputs with that kind of rule lifted) for each kind in force."""
    r = inp.rules
    assert r is not None
    inf = np.full(inp.n_years, np.inf)
    out = []
    for kind, changes in (
            ("net cap (net_max_share)", {"net_max_t_y": inf}),
            ("offset cap (offset_max_share)", {"offset_max_t_y": inf}),
            ("reduction (reduction_min_share / annual_reduction_min_rate)",
             {"gross_max_t_y": inf}),
            ("renewable electricity share", {"re_min_share_y": np.zeros(inp.n_years)}),
            ("gross non-increasing", {"non_increasing_y": np.zeros(inp.n_years, dtype=bool)})):
        current = getattr(r, next(iter(changes)))
        if np.array_equal(current, next(iter(changes.values()))):
            continue  # not in force
        out.append((kind, dataclasses.replace(inp, rules=dataclasses.replace(r, **changes))))
    return out


# --------------------------------------------------------------------------- binding limits

def _binding(inp: PlanInputs, e: _Elastic, failing: np.ndarray, last_idx: int
             ) -> list[tuple[str, str]]:
    """(kind, text) of each limit at its bound in the least-shortfall plan."""
    years = inp.years
    o, t = inp.offsets, inp.target
    out: list[tuple[str, str]] = []

    def add(kind: str, text: str) -> None:
        out.append((kind, text))
    fy = [int(i) for i in failing] or [last_idx]

    def at_bound(value: float, bound: float) -> bool:
        return bool(np.isfinite(bound) and value >= bound * (1 - 1e-6) - 1e-6)

    def offset(kind: str, label: str, oid: str, used_y: np.ndarray, max_y: np.ndarray) -> None:
        # A zero before the first year with availability is its earliest_year, a limit
        # of its own: raising max_t_per_year would not help there.
        first = _first_available_idx(max_y)
        late = [y for y in fy if first is not None and y < first]
        if late:
            add(f"{kind}_earliest:{oid}", f"{label} '{oid}' is available only from "
                f"{int(years[first])} (earliest_year), not in {_years(years, late)}")
        full = [y for y in fy if y not in late and max_y[y] > 0
                and at_bound(used_y[y], max_y[y])]
        if full:
            add(f"{kind}_availability:{oid}", f"{label} '{oid}' availability: all "
                f"{_fmt(max_y[full[0]])} t/yr bought in {_years(years, full)}")
        never = [y for y in fy if first is None]
        if never:
            add(f"{kind}_none", f"{label} '{oid}' is not available in {_years(years, never)}")

    for c, cid in enumerate(o.credit_ids):
        offset("credit", "credit", cid, e.credits_t_cy[c], o.credit_max_t_cy[c])
    if len(o.credit_ids):
        credits = e.credits_t_cy.sum(axis=0)
        capped = [y for y in fy if at_bound(credits[y], t.credit_cap_t_y[y])]
        if capped:
            add("credit_cap", f"credit cap (target.max_credit_share): credits limited to "
                       f"{_fmt(t.credit_cap_t_y[capped[0]])} t/yr in {_years(years, capped)}")
    else:
        add("no_credits", "no credits are offered ([[credit]] tables)")
    for r, rid in enumerate(o.removal_ids):
        offset("removal", "removal", rid, e.removals_t_ry[r], o.removal_max_t_ry[r])
    if inp.pv.enabled and any(at_bound(e.pv_capacity_kw_y[y], inp.pv.max_kw) for y in fy):
        add("roof", f"PV roof limit: {_fmt(inp.pv.max_kw)} kW installed")
    if inp.battery.enabled and any(at_bound(e.battery_kwh_y[y], inp.battery.max_kwh) for y in fy):
        add("battery", f"battery limit: {_fmt(inp.battery.max_kwh)} kWh installed")
    if o.cert_enabled:
        cert_cap = [y for y in fy if e.grid_import_mwh_y[y] > 1e-6 and at_bound(
            e.certificates_mwh_y[y], min(o.cert_max_share * e.grid_import_mwh_y[y],
                                         o.cert_max_mwh_y[y]))]
        if cert_cap:
            add("certificates", f"green certificates at their maximum in {_years(years, cert_cap)}")
    g = inp.green
    if g is not None and e.green_mwh_gy is not None:
        for c, gid in enumerate(g.ids):
            full = [y for y in fy if g.active_gy[c, y] and e.grid_import_mwh_y[y] > 1e-6
                    and at_bound(e.green_mwh_gy[c, y], min(
                        g.max_share_g[c] * e.grid_import_mwh_y[y], g.max_mwh_gy[c, y]))]
            if full:
                add(f"green_power:{gid}", f"green-power contract '{gid}' at its maximum in "
                    f"{_years(years, full)}")
    budget = inp.capex_budget_cny_y
    tight = [y for y in range(last_idx + 1) if at_bound(e.capex_cny_y[y], budget[y])
             and budget[y] > 0]
    ms = inp.measures
    if tight:
        add("budget", f"capex budget: {_fmt(budget[tight[0]])} CNY/yr spent in full in "
                   f"{_years(years, tight)}")
    else:
        # A discrete measure dearer than a year's budget can never be built that year.
        over = [k for k in range(ms.count)
                if (ms.capex_cny_my[k, :last_idx + 1] > budget[:last_idx + 1] + 1e-6).all()]
        if over:
            add("budget", f"capex budget: {_fmt(budget[0])} CNY/yr is below the capex of "
                       + ", ".join(f"'{ms.ids[k]}' ({_fmt(ms.capex_cny_my[k, 0])} CNY)"
                                   for k in over))
    late = [k for k in range(ms.count) if ms.earliest_idx_m[k] > (fy[0] if fy else 0)]
    for k in late:
        add("earliest", f"measure '{ms.ids[k]}' is available only from "
                   f"{int(years[ms.earliest_idx_m[k]])} (earliest_year)")
    return out


def _first_available_idx(max_y: np.ndarray) -> int | None:
    """Index of the first year an offset may be bought (None: never)."""
    idx = np.nonzero(max_y > 0)[0]
    return int(idx[0]) if idx.size else None


def _years(years: np.ndarray, idx: list[int]) -> str:
    ys = [int(years[i]) for i in idx]
    if len(ys) == 1:
        return str(ys[0])
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(map(str, ys[:6])) + (", ..." if len(ys) > 6 else "")


# --------------------------------------------------------------------------- what-if fixes

@dataclass(frozen=True)
class _Limit:
    """A limit ``quantity <= bound`` (rows of the master) raised by ``delta >= 0``.

    ``lifted`` is the inputs without the limit (its energy cuts and LP screen); the
    rows are put back with ``delta`` added to their bound, and ``delta`` is minimised:
    ``delta / scale`` is the objective, the plan's cost x a tiny weight only breaks
    ties (it cannot outweigh a change of ``delta`` larger than 1e-4 x ``scale``).
    """

    key: str
    lifted: PlanInputs
    rows: Callable[[pyo.ConcreteModel], list[tuple[object, float]]]
    scale: float
    npv_mcny: float

    def prepare(self, m: pyo.ConcreteModel) -> None:
        m.diag_delta = pyo.Var(domain=pyo.NonNegativeReals)
        rows = self.rows(m)
        m.diag_rows = pyo.Constraint(range(len(rows)), rule=lambda mm, i: (
            rows[i][0] <= rows[i][1] + mm.diag_delta))
        eps = 1e-4 / max(abs(self.npv_mcny), 1.0)
        m.npv.expr = m.diag_delta / self.scale + eps * m.npv.expr


def _ceil(x: float, digits: int = 0) -> float:
    """``x`` rounded up at ``digits`` decimals (a printed fix must still work)."""
    f = 10.0 ** digits
    return math.ceil(x * f - 1e-9 * max(1.0, abs(x * f))) / f


def _raise_text(old_y: np.ndarray, delta: float, unit: str, digits: int = 0) -> str:
    """'raise to NEW UNIT (now OLD)' for a constant limit, else 'raise by DELTA UNIT'."""
    fin = old_y[np.isfinite(old_y) & (old_y > 0)] if (old_y > 0).any() else old_y[
        np.isfinite(old_y)]
    if fin.size and np.allclose(fin, fin[0]):
        new = _ceil(float(fin[0]) + delta, digits)
        return f"raise to {new:,.{digits}f} {unit} (now {float(fin[0]):,.{digits}f})"
    return f"raise by {_ceil(delta, digits):,.{digits}f} {unit} in every year it applies"


#: Said of a fix whose raise works but was not proven least.
AT_MOST = " (at most: not proven least within the time budget)"


def _fixes(inp: PlanInputs, base: _Elastic, run: _Runner, tol: float, binding: set[str],
           first_until: float | None = None, only_one: bool = False,
           skip: frozenset[str] | set[str] = frozenset(), each_s: float | None = None,
           prove: bool = True, cache: dict[str, Any] | None = None) -> list[Fix]:
    """The least raise of each binding limit, alone, that makes the target reachable.

    Only limits that bind in the least-shortfall plan are tried: lifting one that
    does not bind cannot lower the shortfall. Each is screened on the LP relaxation
    first (if even the relaxation stays short with the limit gone, no raise helps),
    then bracketed by two linear programmes; ``prove=False`` reports an open bracket's
    upper end as "at most" without the MILP (a later call proves it). ``cache`` keeps
    the brackets between calls.
    """
    brackets: dict[str, Any] = {} if cache is None else cache
    o, t, ms = inp.offsets, inp.target, inp.measures
    out: list[Fix] = []
    n_y = inp.n_years
    years = inp.years
    inf = np.full(n_y, np.inf)

    def least(limit: _Limit, text: Callable[[float], str]) -> None:
        # The first fix's linear programmes are an essential answer (see _Runner).
        first = only_one and not out
        if limit.key in skip or (only_one and out) or (run.left_s() <= 0 and not first):
            return
        # Linear programmes first. The upper end of the bracket: the least raise with the
        # least-shortfall plan's builds held, else with nothing built (a raise that
        # works; it also shows that raising this limit helps at all). The lower end: the
        # least raise of the LP relaxation (no plan needs less). Where they meet, it is
        # the least raise and no MILP is solved.
        if limit.key not in brackets:
            high = None
            for builds in ([base.builds] if base.builds else []) + [{}]:
                high = run(limit.lifted, limit=limit, fix_builds=builds, essential=first)
                if high is not None:
                    break
            if high is None and not _reachable(run(limit.lifted, relaxed=True,
                                                   essential=first), tol):
                brackets[limit.key] = None
                return
            brackets[limit.key] = (None, high)
        if brackets[limit.key] is None:
            return
        low, high = brackets[limit.key]
        if low is None and not base.builds:
            # No build decisions: the relaxation is the model itself, so this closes the
            # bracket at once (an essential answer, like the upper end).
            low = run(limit.lifted, limit=limit, relaxed=True, essential=first)
            brackets[limit.key] = (low, high)
        if low is not None and high is not None \
                and high.delta <= low.delta + 1e-7 * max(abs(high.delta), 1.0):
            out.append(Fix(limit.key, text(high.delta)))
            return
        if not prove and high is not None:
            out.append(Fix(limit.key, text(high.delta) + AT_MOST))
            return
        if low is None:
            low = run(limit.lifted, limit=limit, relaxed=True)
            brackets[limit.key] = (low, high)
        if low is not None and high is not None \
                and high.delta <= low.delta + 1e-7 * max(abs(high.delta), 1.0):
            out.append(Fix(limit.key, text(high.delta)))
            return
        # The least-shortfall plan's builds, with the limit raised enough, often meet the
        # target: a first incumbent for HiGHS.
        until = first_until if first_until is not None and not out else (
            None if each_s is None else time.perf_counter() + each_s)
        e = run(limit.lifted, limit=limit, until=until, start=base)
        if e is None and high is not None:
            out.append(Fix(limit.key, text(high.delta) + AT_MOST))
            return
        if e is not None and e.unproven and high is not None and high.delta < e.delta:
            # The time-limited MILP's incumbent is worse than the fixed-builds plan.
            e = dataclasses.replace(high, unproven=True)
        if e is None:
            if run.last_timed_out:
                run.unsettled.append(limit.key)
            return
        note = "" if not e.unproven else AT_MOST
        out.append(Fix(limit.key, text(e.delta) + note))

    def finite_rows(expr_y: Callable[[pyo.ConcreteModel, int], object], bound_y: np.ndarray,
                    unit: float) -> Callable[[pyo.ConcreteModel], list[tuple[object, float]]]:
        idx = [y for y in range(n_y) if np.isfinite(bound_y[y]) and bound_y[y] > 0]
        return lambda m: [(expr_y(m, y), bound_y[y] / unit) for y in idx]

    npv = base.npv_mcny
    if len(o.credit_ids) and "credit_cap" in binding:
        cap = t.credit_cap_t_y
        base_t = max(t.base_emissions_t, 1e-9)
        limit = _Limit("target.max_credit_share",
                       dataclasses.replace(inp, target=dataclasses.replace(t, credit_cap_t_y=inf)),
                       finite_rows(lambda m, y: sum(m.credits[c, y] for c in m.credit), cap,
                                   u.EMIS_T), base_t / u.EMIS_T, npv)
        least(limit, lambda d: _raise_text(cap / base_t, d * u.EMIS_T / base_t, "", 3)
              .replace("  (now", " (now"))
    # Each credit's and each removal's yearly quantity: the same least raise.
    offsets = (("credit", o.credit_ids, "credit_max_t_cy", _credit_row),
               ("removal", o.removal_ids, "removal_max_t_ry", _removal_row))
    for kind, ids, field_name, row in offsets:
        max_t = getattr(o, field_name)
        for k, oid in enumerate(ids):
            if f"{kind}_availability:{oid}" not in binding:
                continue
            mx = max_t[k]
            lifted = max_t.copy()
            lifted[k] = np.where(mx > 0, np.inf, mx)
            limit = _Limit(f"{kind}[{oid}].max_t_per_year", dataclasses.replace(
                inp, offsets=dataclasses.replace(o, **{field_name: lifted})),
                finite_rows(row(k), mx, u.EMIS_T),
                max(t.base_emissions_t, 1.0) / u.EMIS_T, npv)
            least(limit, _raise_of(mx, u.EMIS_T, "t a year"))
    if not len(o.credit_ids) and not len(o.removal_ids):
        short = base.shortfall_t_y
        y = int(np.argmax(short))
        out.append(Fix("[[credit]] or [[removal]]",
                       f"offer offsets: at least {_fmt(short[y])} t in {int(years[y])}, "
                       f"{_fmt(short.sum())} t over the horizon"))
    budget = inp.capex_budget_cny_y
    if "budget" in binding:
        fin = budget[np.isfinite(budget)]
        limit = _Limit("budget.capex_cny_per_year",
                       dataclasses.replace(inp, capex_budget_cny_y=inf),
                       finite_rows(lambda m, y: m.capex[y], budget, u.MONEY_CNY),
                       max(float(fin.max()) if fin.size else 1.0, 1.0) / u.MONEY_CNY, npv)
        least(limit, lambda d: _raise_text(budget, d * u.MONEY_CNY, "CNY a year"))
    if inp.pv.enabled and "roof" in binding:
        # A finite roof: the cuts' starting states build PV up to the limit.
        roof_kw = max(100.0 * inp.pv.max_kw, 20.0 * float(inp.hourly.base_load_kw_h.max()))
        old_kw = np.full(n_y, inp.pv.max_kw)
        limit = _Limit("pv.max_kw (or site.roof_area_m2)",
                       dataclasses.replace(inp, pv=dataclasses.replace(inp.pv, max_kw=roof_kw)),
                       finite_rows(lambda m, y: m.pv_capacity[y], old_kw, u.POWER_KW),
                       max(inp.pv.max_kw, 1.0) / u.POWER_KW, npv)
        least(limit, lambda d: _raise_text(old_kw, d * u.POWER_KW, "kW"))
    for kind in sorted(k for k in binding if "_earliest:" in k):
        label, oid = kind.split("_earliest:")
        if f"{label}[{oid}].earliest_year" in skip or (only_one and out):
            continue
        fix = _earlier_offset(inp, run, tol, label, oid)
        if fix is not None:
            out.append(fix)
    if ms.count and "earliest" in binding and run.left_s() > 0 \
            and "measure.earliest_year" not in skip and not (only_one and out):
        e = run(dataclasses.replace(inp, measures=dataclasses.replace(
            ms, earliest_idx_m=np.zeros_like(ms.earliest_idx_m))))
        if _reachable(e, tol):
            late = [ms.ids[k] for k in range(ms.count) if ms.earliest_idx_m[k] > 0]
            out.append(Fix("measure.earliest_year", "allow earlier builds of: " + ", ".join(late)))
    return out


def _earlier_offset(inp: PlanInputs, run: _Runner, tol: float, label: str, oid: str
                    ) -> Fix | None:
    """The latest earliest_year of one offset that makes the target reachable (bisection).

    An offset available from an earlier year is never harder to use, so reachability
    is monotone in that year. Before its current first year it is offered at the
    availability of that first year.
    """
    o = inp.offsets
    field_name = "credit_max_t_cy" if label == "credit" else "removal_max_t_ry"
    ids = o.credit_ids if label == "credit" else o.removal_ids
    i = ids.index(oid)
    mx_all = getattr(o, field_name)
    first = _first_available_idx(mx_all[i])
    if first is None or first == 0:
        return None

    def available_from(idx: int) -> PlanInputs:
        new = mx_all.copy()
        new[i, idx:first] = mx_all[i, first]
        return dataclasses.replace(inp, offsets=dataclasses.replace(o, **{field_name: new}))

    if run.left_s() <= 0 or not _reachable(run(available_from(0), relaxed=True), tol):
        return None
    if not _reachable(run(available_from(0)), tol):
        return None
    lo, hi = 0, first  # lo reachable, hi not: find the latest reachable start
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if run.left_s() <= 0:
            return None
        if _reachable(run(available_from(mid)), tol):
            lo = mid
        else:
            hi = mid
    years = inp.years
    return Fix(f"{label}[{oid}].earliest_year",
               f"make it available from {int(years[lo])} (now {int(years[first])}); "
               "raising max_t_per_year would not help before then")


# --------------------------------------------------------------------------- earliest year

def _with_net_zero_from(inp: PlanInputs, idx: int) -> PlanInputs:
    allowed = np.full(inp.n_years, np.inf)
    allowed[idx:] = 0.0
    return dataclasses.replace(inp, target=dataclasses.replace(
        inp.target, allowed_net_t_y=allowed, net_zero_idx=idx))


def _earliest_net_zero(inp: PlanInputs, run: _Runner, tol: float
                       ) -> tuple[int | None, float, bool]:
    """Bisection on the net-zero year, the interim trajectory dropped.

    The LP relaxation is bisected first (cheap): no MILP can reach net zero before the
    relaxation's earliest year, so the MILP bisection starts there. Returns
    (earliest year or None, least net emissions in the last year if net zero is out of
    reach, whether the answer was settled within the budget).
    """
    last = inp.n_years - 1
    # A standard's rules are computed for the scenario's own net-zero (claim) year, and
    # would be wrong for another one: the question is asked of the target alone.
    inp = dataclasses.replace(inp, rules=None)

    def ok(idx: int, relaxed: bool = False) -> bool | None:
        e = run(_with_net_zero_from(inp, idx), relaxed=relaxed)
        return None if e is None else _reachable(e, tol)

    if ok(last, relaxed=True) is False:
        e_last = run(_with_net_zero_from(inp, last))
        if e_last is None:  # out of time: settled by the relaxation, without the figure
            return None, float("nan"), True
        return None, float(e_last.net_t_y[last]), True
    # Net zero in the last year alone, exactly: if even that is out of reach (the usual
    # case of a diagnosis), no bisection is needed. The relaxation is often far weaker than
    # the MILP here (its fractional builds), so it is asked only after this one MILP.
    e_last = run(_with_net_zero_from(inp, last))
    if e_last is None:
        return None, float("nan"), False
    if not _reachable(e_last, tol):
        return None, float(e_last.net_t_y[last]), True
    # The relaxation's earliest year: a lower bound on the MILP's.
    lo, hi = -1, last  # ok(hi) in the relaxation; lo not (or before the horizon)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        r = ok(mid, relaxed=True)
        if r is None:
            return None, float("nan"), False
        lo, hi = (lo, mid) if r else (mid, hi)
    lp_idx = hi
    if lp_idx == last:
        return int(inp.years[last]), 0.0, True
    r = ok(lp_idx)
    if r is None:
        return None, float("nan"), False
    if r:
        return int(inp.years[lp_idx]), 0.0, True
    lo, hi = lp_idx, last  # lo not reachable, hi reachable
    while hi - lo > 1:
        mid = (lo + hi) // 2
        r = ok(mid)
        if r is None:
            return None, float("nan"), False
        lo, hi = (lo, mid) if r else (mid, hi)
    return int(inp.years[hi]), 0.0, True


def _credit_row(c: int) -> Callable[[pyo.ConcreteModel, Any], Any]:
    """Credit ``c`` bought in a year (a row of the master)."""
    return lambda m, y: m.credits[c, y]


def _removal_row(r: int) -> Callable[[pyo.ConcreteModel, Any], Any]:
    """Removal ``r`` bought in a year (a row of the master)."""
    return lambda m, y: m.removals[r, y]


def _raise_of(mx: np.ndarray, scale: float, unit: str) -> Callable[[float], str]:
    """The fix's text for a raise of ``delta`` (master units) above the limits ``mx``."""
    return lambda d: _raise_text(mx, d * scale, unit)
