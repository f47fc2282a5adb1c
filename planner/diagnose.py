"""Why a target cannot be met, and what would make it reachable.

When the plan's MILP is infeasible, the same model is solved *elastic*: each
year's emission cap may be exceeded by a shortfall at a penalty far above any
lever's cost (:func:`models.master.build_master`). Its solution gives the least
shortfall per year, hence the first failing year and the missing tonnes. The
limits that bind in that solution are listed; for each, the elastic model is
solved again with that limit lifted, and where that closes the gap the change
needed is reported with its size. The earliest net-zero year reachable with the
levers given is found by bisection on the net-zero year (with the interim
trajectory dropped), since a later net-zero year is never harder to meet.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import numpy as np
import pyomo.environ as pyo

from models import units as u
from models.decomposition import cuts_transferable, solve_decomposed
from models.inputs import PlanInputs
from models.solution import extract_decisions
from planner.schema import SolverSettings

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

    @property
    def total_shortfall_t(self) -> float:
        return float(self.shortfall_t_y.sum())

    def render(self) -> str:
        """The diagnosis as lines a user can act on."""
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
                         "ignoring the interim path)")
        elif np.isfinite(self.least_final_net_t) and self.first_failing_year is not None:
            lines.append(f"  Net zero cannot be reached within the horizon: at best "
                         f"{self.least_final_net_t:,.0f} t remain in {int(self.years[-1])}")
        if self.incomplete:
            lines.append(f"  (diagnosis incomplete: the time limit of the diagnostic solves was "
                         f"reached after {self.solves} solves; raise solver.time_limit_s)")
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


class _Runner:
    """Solves elastic variants of the inputs with one settings object and a time budget.

    The energy cuts of each solve start the next one: they depend only on the hourly
    data, which no variant changes (:func:`models.decomposition.cuts_transferable`), so
    after the first solve the others need few iterations.
    """

    def __init__(self, settings: SolverSettings, deadline: float) -> None:
        # Tonnes, not yuan, are wanted: a looser decomposition tolerance suffices.
        self.settings = settings.model_copy(update={
            "oa_rel_tolerance": max(settings.oa_rel_tolerance, 1e-4)})
        self.deadline = deadline
        self.solves = 0
        self.timed_out = False
        self.cuts: tuple = ()
        self.cuts_of: PlanInputs | None = None

    def __call__(self, inp: PlanInputs) -> _Elastic | None:
        from planner.solve import MasterSolver

        if time.perf_counter() > self.deadline:
            self.timed_out = True
            return None
        warm = self.cuts if self.cuts_of is not None and cuts_transferable(
            self.cuts_of, inp) else ()
        solver = MasterSolver(self.settings, deadline=self.deadline)
        res = solve_decomposed(inp, solver, rel_tol=self.settings.oa_rel_tolerance,
                               max_iterations=self.settings.max_iterations, warm_cuts=warm,
                               shortfall_penalty_cny_per_t=PENALTY_CNY_PER_T,
                               final_balance=False)
        self.solves += 1
        if res.outcome is not None and res.outcome.status == "kTimeLimit":
            self.timed_out = True
        if res.cut_records:
            self.cuts, self.cuts_of = res.cut_records, inp
        if res.outcome is None or not res.outcome.has_solution:
            return None
        m = res.model
        d = extract_decisions(m)

        def arr(comp: Any, scale: float) -> np.ndarray:
            return np.array([pyo.value(comp[y]) for y in m.year], dtype=float) * scale

        return _Elastic(
            shortfall_t_y=np.maximum(arr(m.shortfall, u.EMIS_T), 0.0),
            credits_t_cy=d.credits_t_cy, removals_t_ry=d.removals_t_ry,
            pv_capacity_kw_y=d.pv_capacity_kw_y, battery_kwh_y=d.battery_kwh_y,
            certificates_mwh_y=d.certificates_mwh_y,
            grid_import_mwh_y=arr(m.grid_import, u.ELEC_MWH),
            capex_cny_y=arr(m.capex, u.MONEY_CNY),
            net_t_y=arr(m.net_emissions, u.EMIS_T),
        )


def _tol_t(inp: PlanInputs) -> float:
    return max(1e-4 * inp.target.base_emissions_t, 0.5)


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def diagnose(inp: PlanInputs, settings: SolverSettings, *, time_budget_s: float | None = None
             ) -> Diagnosis:
    """Explain why no plan meets the target of ``inp``.

    Parameters
    ----------
    inp : PlanInputs
        Inputs whose plan is infeasible.
    settings : SolverSettings
    time_budget_s : float, optional
        Wall-clock budget for all diagnostic solves (default: the solver time limit).

    Returns
    -------
    Diagnosis
    """
    t0 = time.perf_counter()
    run = _Runner(settings, t0 + (time_budget_s or settings.time_limit_s))
    years = inp.years
    base = run(inp)
    target_year = int(years[inp.target.net_zero_idx])
    causes: list[str] = []
    if base is None and inp.rules is not None:
        # Even with an elastic target the standard's rules cannot hold: find which.
        causes = [k for k, relaxed in _rule_relaxations(inp) if run(relaxed) is not None]
        inp = dataclasses.replace(inp, rules=None)
        base = run(inp)
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
    fixes = _fixes(inp, base, run, tol, {kind for kind, _ in limits})
    earliest, least_final = _earliest_net_zero(inp, run, tol)
    return Diagnosis(years, short, first, target_year, binding, fixes, earliest, least_final,
                     run.solves, time.perf_counter() - t0, causes, run.timed_out)


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

    for c, cid in enumerate(o.credit_ids):
        full = [y for y in fy if at_bound(e.credits_t_cy[c, y], o.credit_max_t_cy[c, y])]
        if full and o.credit_max_t_cy[c, full[0]] > 0:
            avail = _fmt(o.credit_max_t_cy[c, full[0]])
            add("credit_availability", f"credit '{cid}' availability: all {avail} t/yr bought "
                f"in {_years(years, full)}")
        elif full:
            add("credit_availability", f"credit '{cid}' is not available in {_years(years, full)}")
    if len(o.credit_ids):
        credits = e.credits_t_cy.sum(axis=0)
        capped = [y for y in fy if at_bound(credits[y], t.credit_cap_t_y[y])]
        if capped:
            add("credit_cap", f"credit cap (target.max_credit_share): credits limited to "
                       f"{_fmt(t.credit_cap_t_y[capped[0]])} t/yr in {_years(years, capped)}")
    else:
        add("no_credits", "no credits are offered ([[credit]] tables)")
    for r, rid in enumerate(o.removal_ids):
        full = [y for y in fy if at_bound(e.removals_t_ry[r, y], o.removal_max_t_ry[r, y])]
        if full:
            add("removal_availability", f"removal '{rid}' availability: all "
                       f"{_fmt(o.removal_max_t_ry[r, full[0]])} t/yr bought in "
                       f"{_years(years, full)}")
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


def _years(years: np.ndarray, idx: list[int]) -> str:
    ys = [int(years[i]) for i in idx]
    if len(ys) == 1:
        return str(ys[0])
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(map(str, ys[:6])) + (", ..." if len(ys) > 6 else "")


# --------------------------------------------------------------------------- what-if fixes

def _fixes(inp: PlanInputs, base: _Elastic, run: _Runner, tol: float,
           binding: set[str]) -> list[Fix]:
    """Lift one binding limit at a time; keep those that close the gap, sized by their use.

    Only limits that bind in the least-shortfall plan are tried: lifting one that
    does not bind cannot lower the shortfall.
    """
    o, t = inp.offsets, inp.target
    out: list[Fix] = []
    n_y = inp.n_years

    def reachable(e: _Elastic | None) -> TypeGuard[_Elastic]:
        return e is not None and float(e.shortfall_t_y.sum()) <= tol

    # Offsets: more of an existing credit type, a higher credit cap, or both.
    if len(o.credit_ids):
        no_avail = dataclasses.replace(inp, offsets=dataclasses.replace(
            o, credit_max_t_cy=np.full_like(o.credit_max_t_cy, np.inf)))
        no_cap = dataclasses.replace(inp, target=dataclasses.replace(
            t, credit_cap_t_y=np.full(n_y, np.inf)))
        both = dataclasses.replace(no_avail, target=no_cap.target)
        avail_binds = "credit_availability" in binding
        e_avail = run(no_avail) if avail_binds else None
        if reachable(e_avail):
            for c, cid in enumerate(o.credit_ids):
                extra = e_avail.credits_t_cy[c] - o.credit_max_t_cy[c]
                if np.isfinite(extra).any() and np.nanmax(extra) > 0.5:
                    y = int(np.nanargmax(extra))
                    out.append(Fix(f"credit[{cid}].max_t_per_year",
                                   f"raise to {_fmt(e_avail.credits_t_cy[c, y])} t "
                                   f"(+{_fmt(extra[y])} t in {int(inp.years[y])})"))
        e_cap = run(no_cap) if "credit_cap" in binding else None
        if reachable(e_cap):
            share = float(e_cap.credits_t_cy.sum(axis=0).max()) / max(t.base_emissions_t, 1e-9)
            out.append(Fix("target.max_credit_share", f"raise to {share:.3f} "
                           f"({_fmt(share * t.base_emissions_t)} t of credits a year)"))
        if not out and avail_binds and np.isfinite(t.credit_cap_t_y).any():
            e_both = run(both)
            if reachable(e_both):
                need = e_both.credits_t_cy.sum(axis=0)
                y = int(np.argmax(need))
                out.append(Fix("credit.max_t_per_year and target.max_credit_share",
                               f"raise both, to {_fmt(need[y])} t of credits in "
                               f"{int(inp.years[y])} (share "
                               f"{need[y] / max(t.base_emissions_t, 1e-9):.3f})"))
    else:
        short = base.shortfall_t_y
        y = int(np.argmax(short))
        out.append(Fix("[[credit]] or [[removal]]",
                       f"offer offsets: at least {_fmt(short[y])} t in {int(inp.years[y])}, "
                       f"{_fmt(short.sum())} t over the horizon"))
    if len(o.removal_ids) and "removal_availability" in binding:
        e = run(dataclasses.replace(inp, offsets=dataclasses.replace(
            o, removal_max_t_ry=np.full_like(o.removal_max_t_ry, np.inf))))
        if reachable(e):
            for r, rid in enumerate(o.removal_ids):
                extra = e.removals_t_ry[r] - o.removal_max_t_ry[r]
                if np.nanmax(extra) > 0.5:
                    y = int(np.nanargmax(extra))
                    out.append(Fix(f"removal[{rid}].max_t_per_year",
                                   f"raise to {_fmt(e.removals_t_ry[r, y])} t "
                                   f"(+{_fmt(extra[y])} t in {int(inp.years[y])})"))
    budget = inp.capex_budget_cny_y
    if "budget" in binding:
        e = run(dataclasses.replace(inp, capex_budget_cny_y=np.full(n_y, np.inf)))
        if reachable(e):
            over = e.capex_cny_y - budget
            y = int(np.argmax(over))
            out.append(Fix("budget.capex_cny_per_year",
                           f"raise to {_fmt(e.capex_cny_y[y])} CNY in {int(inp.years[y])} "
                           f"(+{_fmt(max(over[y], 0.0))} CNY)"))
    if inp.pv.enabled and "roof" in binding:
        # A finite roof: the cuts' starting states build PV up to the limit.
        roof_kw = max(100.0 * inp.pv.max_kw, 20.0 * float(inp.hourly.base_load_kw_h.max()))
        e = run(dataclasses.replace(inp, pv=dataclasses.replace(inp.pv, max_kw=roof_kw)))
        if reachable(e):
            out.append(Fix("pv.max_kw (or site.roof_area_m2)",
                           f"allow {_fmt(e.pv_capacity_kw_y.max())} kW of PV "
                           f"(now {_fmt(inp.pv.max_kw)} kW)"))
    ms = inp.measures
    if ms.count and "earliest" in binding:
        e = run(dataclasses.replace(inp, measures=dataclasses.replace(
            ms, earliest_idx_m=np.zeros_like(ms.earliest_idx_m))))
        if reachable(e):
            late = [ms.ids[k] for k in range(ms.count) if ms.earliest_idx_m[k] > 0]
            out.append(Fix("measure.earliest_year", "allow earlier builds of: " + ", ".join(late)))
    return out


# --------------------------------------------------------------------------- earliest year

def _with_net_zero_from(inp: PlanInputs, idx: int) -> PlanInputs:
    allowed = np.full(inp.n_years, np.inf)
    allowed[idx:] = 0.0
    return dataclasses.replace(inp, target=dataclasses.replace(
        inp.target, allowed_net_t_y=allowed, net_zero_idx=idx))


def _earliest_net_zero(inp: PlanInputs, run: _Runner, tol: float) -> tuple[int | None, float]:
    """Bisection on the net-zero year, the interim trajectory dropped."""
    last = inp.n_years - 1
    e_last = run(_with_net_zero_from(inp, last))
    if e_last is None:
        return None, float("nan")
    if float(e_last.shortfall_t_y.sum()) > tol:
        return None, float(e_last.net_t_y[last])
    lo, hi = 0, last  # hi is feasible; find the least feasible index
    e_lo = run(_with_net_zero_from(inp, lo))
    if e_lo is not None and float(e_lo.shortfall_t_y.sum()) <= tol:
        return int(inp.years[0]), 0.0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        e = run(_with_net_zero_from(inp, mid))
        if e is not None and float(e.shortfall_t_y.sum()) <= tol:
            hi = mid
        else:
            lo = mid
    return int(inp.years[hi]), 0.0
