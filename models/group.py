"""A corporate group's plants planned jointly: one master, one hourly oracle per plant.

The group master holds one block per plant, each built by :func:`models.master.build_master`
(every plant keeps its own levers, limits, budget and prices), with the plants'
objectives replaced by their sum and these coupling constraints, all per year ``y``:

* group trajectory: sum_p net_emissions_p[y] <= cap[y] [kt] (replaces each plant's own
  ``emission_cap`` and ``credit_share_cap``);
* group credit cap: sum_p credits_p[y] <= max_credit_share x group base-year emissions [kt];
* group capex budget: sum_p capex_p[y] <= budget[y] [MCNY];
* shared pools: sum_p credits_p[y] <= credit pool, sum_p removals_p[y] <= removal pool
  [kt], sum_p certificates_p[y] <= certificate pool [GWh].

A plant's grid cost and import depend on its own plan only, so the outer approximation of
:mod:`models.decomposition` separates plant by plant: each plant's cuts come from its own
exact 8 760-hour evaluation, independent of the others. This module evaluates nothing in
parallel itself: the caller passes a *plant map* ``pmap(fn, args) -> results`` with
``results[p] = fn(inputs[p], args[p])`` (in this process, or on dask workers that hold each
plant's inputs). The functions it maps (:func:`initial_plant_cuts`, :func:`separate_plant`,
:func:`final_plant_balance`) take and return plain data (numbers, cut records), so a worker
needs no Pyomo model of the group.

Exactness: the group optimum with enough cuts is the optimum of all plants' full-hourly
problems joined by the same coupling (:func:`build_group_monolithic`, the test reference).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.environ as pyo

from models import units as u
from models.decomposition import (
    CutRecord,
    DecompositionResult,
    IterationRecord,
    MasterOutcome,
    _add_initial_cuts,
    _separate,
    master_state,
    reporting_balance,
)
from models.hourly import EnergyBalance, PlanState
from models.inputs import PlanInputs
from models.master import build_master, integer_variables
from models.monolithic import build_monolithic

__all__ = ["GroupCoupling", "GroupResult", "PlantMap", "build_group_master",
           "build_group_monolithic", "final_plant_balance", "in_process_map",
           "initial_plant_cuts", "plant_blocks", "separate_plant", "solve_group_decomposed"]

#: ``pmap(fn, args)`` -> ``[fn(inputs[p], args[p]) for p]`` (any order of execution).
PlantMap = Callable[[Callable[..., Any], Sequence[Any]], list[Any]]

#: Master variables a plant's cuts are written on (and the claims they bound).
_CUT_VARS = ("load_scale", "added", "pv_effective", "battery_energy", "battery_power",
             "energy_cost", "grid_import")


@dataclass(frozen=True)
class GroupCoupling:
    """The group-level constraints, per year (``inf`` = no limit that year).

    Attributes
    ----------
    net_cap_t_y : (Y,) or None
        Cap on the sum of the plants' net emissions [tCO2e]; None keeps each plant's
        own trajectory and credit cap instead.
    credit_cap_t_y : (Y,) or None
        Cap on the credits counted by the group [tCO2e] (with ``net_cap_t_y``).
    capex_budget_cny_y : (Y,)
        Cap on the sum of the plants' capex [CNY].
    credit_pool_t_y, removal_pool_t_y : (Y,)
        Credits (all kinds) and removals the group can buy, shared by its plants [t].
    certificate_pool_mwh_y : (Y,)
        Green certificates the group can buy, shared by its plants [MWh].
    """

    net_cap_t_y: np.ndarray | None
    credit_cap_t_y: np.ndarray | None
    capex_budget_cny_y: np.ndarray
    credit_pool_t_y: np.ndarray
    removal_pool_t_y: np.ndarray
    certificate_pool_mwh_y: np.ndarray

    @classmethod
    def none(cls, n_years: int) -> GroupCoupling:
        """No coupling at all: the plants' own targets, no shared limit."""
        inf = np.full(n_years, np.inf)
        return cls(None, None, inf, inf, inf, inf)

    def share(self, weight: float) -> GroupCoupling:
        """Every cap and pool times ``weight`` (a plant's share, for planning it alone)."""
        def w(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a * weight
        return GroupCoupling(w(self.net_cap_t_y), w(self.credit_cap_t_y),
                             self.capex_budget_cny_y * weight, self.credit_pool_t_y * weight,
                             self.removal_pool_t_y * weight,
                             self.certificate_pool_mwh_y * weight)


# --------------------------------------------------------------------------- the master

def build_group_master(inputs: Sequence[PlanInputs], coupling: GroupCoupling, *,
                       builder: Callable[[PlanInputs], pyo.ConcreteModel] = build_master
                       ) -> pyo.ConcreteModel:
    """Build the group's investment MILP: one plant block each, the coupling, one objective.

    Parameters
    ----------
    inputs : sequence of PlanInputs
        One per plant, all over the same years.
    coupling : GroupCoupling
    builder : callable, optional
        Builds one plant's model (:func:`build_master`; :func:`build_monolithic` for the
        full-hourly reference).

    Returns
    -------
    pyomo.environ.ConcreteModel
        Plant ``p`` is the block ``plant_<p>`` (list in ``m._blocks``); ``m.build`` refers
        to every plant's build binaries, ``m.energy_cut`` holds every plant's cuts.
    """
    if not inputs:
        raise ValueError("a group needs at least one plant")
    years = inputs[0].years
    for inp in inputs[1:]:
        if not np.array_equal(inp.years, years):
            raise ValueError("the plants of a group must share their years")
    gm = pyo.ConcreteModel(name="carbonpath_group")
    gm.year = pyo.Set(initialize=range(len(years)), ordered=True)
    gm.plant = pyo.Set(initialize=range(len(inputs)), ordered=True)
    blocks = []
    for p, inp in enumerate(inputs):
        b = builder(inp)
        b.npv.deactivate()
        if coupling.net_cap_t_y is not None:
            b.emission_cap.deactivate()
            b.credit_share_cap.deactivate()
        setattr(gm, f"plant_{p}", b)
        blocks.append(b)
    gm._blocks = blocks
    gm._inputs_list = tuple(inputs)
    gm.build = pyo.Reference({(p, *k): v for p, b in enumerate(blocks)
                              for k, v in b.build.items()})
    gm.alive = pyo.Reference({(p, *k): v for p, b in enumerate(blocks)
                              for k, v in b.alive.items()})
    gm.energy_cut = pyo.ConstraintList()
    gm._cut_logs = [[] for _ in blocks]
    add_group_trajectory(gm, coupling)
    add_group_capex_budget(gm, coupling)
    add_shared_pools(gm, coupling)
    gm.npv = pyo.Objective(expr=sum(b.npv.expr for b in blocks), sense=pyo.minimize)
    return gm


def build_group_monolithic(inputs: Sequence[PlanInputs], coupling: GroupCoupling
                           ) -> pyo.ConcreteModel:
    """The group with every plant's hourly balance explicit (no cuts): the exactness reference."""
    return build_group_master(inputs, coupling, builder=build_monolithic)


def plant_blocks(gm: pyo.ConcreteModel) -> list[pyo.ConcreteModel]:
    """The plant blocks of a group model, in the order of its inputs."""
    return list(gm._blocks)


def _capped(values: np.ndarray | None, y: int) -> bool:
    return values is not None and bool(np.isfinite(values[y]))


def add_group_trajectory(gm: pyo.ConcreteModel, c: GroupCoupling) -> None:
    """sum_p net_emissions_p[y] <= cap[y] and sum_p credits_p[y] <= credit cap[y] [kt].

    Index: year. Skipped where the cap is infinite (or without a group target).
    """
    blocks = gm._blocks
    inf = np.full(len(gm.year), np.inf)
    net = c.net_cap_t_y if c.net_cap_t_y is not None else inf
    credit = c.credit_cap_t_y if c.credit_cap_t_y is not None else inf
    gm.group_emission_cap = pyo.Constraint(gm.year, rule=lambda m, y: (
        sum(b.net_emissions[y] for b in blocks) <= net[y] / u.EMIS_T
        if _capped(net, y) else pyo.Constraint.Skip))
    gm.group_credit_cap = pyo.Constraint(gm.year, rule=lambda m, y: (
        sum(b.credits[k, y] for b in blocks for k in b.credit) <= credit[y] / u.EMIS_T
        if _capped(credit, y) and any(len(b.credit) for b in blocks)
        else pyo.Constraint.Skip))


def add_group_capex_budget(gm: pyo.ConcreteModel, c: GroupCoupling) -> None:
    """sum_p capex_p[y] <= budget[y] [MCNY]. Index: year."""
    blocks = gm._blocks
    gm.group_capex_budget = pyo.Constraint(gm.year, rule=lambda m, y: (
        sum(b.capex[y] for b in blocks) <= c.capex_budget_cny_y[y] / u.MONEY_CNY
        if _capped(c.capex_budget_cny_y, y) else pyo.Constraint.Skip))


def add_shared_pools(gm: pyo.ConcreteModel, c: GroupCoupling) -> None:
    """Group purchases within the pools: credits and removals [kt], certificates [GWh].

    Index: year. A plant's own availability limits still hold; the pool caps their sum.
    """
    blocks = gm._blocks
    gm.credit_pool = pyo.Constraint(gm.year, rule=lambda m, y: (
        sum(b.credits[k, y] for b in blocks for k in b.credit) <= c.credit_pool_t_y[y] / u.EMIS_T
        if _capped(c.credit_pool_t_y, y) and any(len(b.credit) for b in blocks)
        else pyo.Constraint.Skip))
    gm.removal_pool = pyo.Constraint(gm.year, rule=lambda m, y: (
        sum(b.removals[k, y] for b in blocks for k in b.removal)
        <= c.removal_pool_t_y[y] / u.EMIS_T
        if _capped(c.removal_pool_t_y, y) and any(len(b.removal) for b in blocks)
        else pyo.Constraint.Skip))
    gm.certificate_pool = pyo.Constraint(gm.year, rule=lambda m, y: (
        sum(b.certificates[y] for b in blocks) <= c.certificate_pool_mwh_y[y] / u.ELEC_MWH
        if _capped(c.certificate_pool_mwh_y, y) else pyo.Constraint.Skip))


def add_plant_cut(gm: pyo.ConcreteModel, p: int, rec: CutRecord) -> None:
    """Add plant ``p``'s cut ``rec`` (written on its block's variables) to ``gm.energy_cut``."""
    b = gm._blocks[p]
    expr = 0.0
    for name, index, coef in rec.terms:
        expr = expr + coef * getattr(b, name)[index]
    y = rec.year
    if rec.weight is None:
        gm.energy_cut.add(b.grid_import[y] - expr >= rec.rhs)
    else:
        gm.energy_cut.add(b.energy_cost[y] + rec.weight * b.grid_import[y] - expr >= rec.rhs)
    gm._cut_logs[p].append(rec)


# --------------------------------------------------------------------------- plant oracles

def _cut_model(inp: PlanInputs) -> pyo.ConcreteModel:
    """The variables a plant's cuts are written on, with the master's names and bounds.

    :func:`models.decomposition._separate` reads the plan from these and writes cut
    records on them; the records are then valid on the plant's block of the group master.
    The bounds matter: a dropped tiny coefficient loosens the cut by its worst case.
    """
    m = pyo.ConcreteModel()
    m.year = pyo.Set(initialize=range(inp.n_years), ordered=True)
    m.shape = pyo.Set(initialize=range(len(inp.hourly.shape_names)), ordered=True)
    m.load_scale = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.added = pyo.Var(m.shape, m.year, domain=pyo.NonNegativeReals)
    m.pv_effective = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.battery_energy = pyo.Var(m.year, domain=pyo.NonNegativeReals,
                               bounds=(0.0, inp.battery.max_kwh / u.STORAGE_KWH))
    m.battery_power = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.energy_cost = pyo.Var(m.year, domain=pyo.Reals)
    m.grid_import = pyo.Var(m.year, domain=pyo.NonNegativeReals)
    m.energy_cut = pyo.ConstraintList()
    m._cut_log = []
    return m


PlantValues = dict[str, dict[Any, float]]


def plant_values(b: pyo.ConcreteModel) -> PlantValues:
    """The solved values of a plant block's cut variables (master units): a plain dict."""
    return {name: {k: float(pyo.value(v)) for k, v in getattr(b, name).items()}
            for name in _CUT_VARS}


def _loaded(inp: PlanInputs, values: PlantValues) -> pyo.ConcreteModel:
    m = _cut_model(inp)
    for name, vals in values.items():
        comp = getattr(m, name)
        for k, v in vals.items():
            comp[k].set_value(v, skip_validation=True)
    return m


def initial_plant_cuts(inp: PlanInputs, _: object = None) -> tuple[CutRecord, ...]:
    """A plant's initial cuts (those :func:`models.decomposition.solve_decomposed` starts from)."""
    m = _cut_model(inp)
    _add_initial_cuts(m, inp)
    return tuple(m._cut_log)


def separate_plant(inp: PlanInputs, args: tuple[PlantValues, float]
                   ) -> tuple[tuple[CutRecord, ...], float]:
    """The cuts the master's plan of one plant violates, and the largest violation [CNY].

    ``args`` = (the plant's :func:`plant_values`, relative tolerance). The same
    separation as the single-plant loop (:func:`models.decomposition._separate`).
    """
    values, rel_tol = args
    m = _loaded(inp, values)
    _, worst, _, _, _ = _separate(m, inp, rel_tol)
    return tuple(m._cut_log), worst


def final_plant_balance(inp: PlanInputs, values: PlantValues
                        ) -> tuple[PlanState, EnergyBalance, np.ndarray]:
    """The exact dispatch reported for a plant's final plan (:func:`reporting_balance`)."""
    state, _, imp_claim = master_state(_loaded(inp, values))
    balance, weights = reporting_balance(inp, state, imp_claim)
    return state, balance, weights


def in_process_map(inputs: Sequence[PlanInputs]) -> PlantMap:
    """A plant map that evaluates the plants one after the other in this process."""
    def pmap(fn: Callable[..., Any], args: Sequence[Any]) -> list[Any]:
        return [fn(inp, a) for inp, a in zip(inputs, args, strict=True)]
    return pmap


# --------------------------------------------------------------------------- the loop

@dataclass
class GroupResult:
    """The solved group master and, per plant, a decomposition result on its block.

    Each plant's result carries the plant's objective (its block's NPV) as its outcome's
    objective and no bound (the group's bound is on the sum).
    """

    model: pyo.ConcreteModel
    outcome: MasterOutcome | None
    converged: bool
    plants: list[DecompositionResult]
    history: list[IterationRecord] = field(default_factory=list)
    build_s: float = 0.0
    cuts: int = 0


def solve_group_decomposed(inputs: Sequence[PlanInputs], coupling: GroupCoupling,
                           solve_master: Callable[[pyo.ConcreteModel, bool], MasterOutcome],
                           pmap: PlantMap, *, rel_tol: float = 1e-6, max_iterations: int = 200,
                           lp_phase: bool = True,
                           progress: Callable[[IterationRecord], None] | None = None
                           ) -> GroupResult:
    """Solve the group plan by outer approximation, one oracle per plant.

    Parameters
    ----------
    inputs : sequence of PlanInputs
    coupling : GroupCoupling
    solve_master : callable (model, relaxed) -> MasterOutcome
    pmap : PlantMap
        Evaluates one function for every plant (see the module docstring).
    rel_tol, max_iterations, lp_phase, progress
        As for :func:`models.decomposition.solve_decomposed`; ``rel_tol`` applies to
        each plant's own yearly cost and import.

    Returns
    -------
    GroupResult
    """
    t0 = time.perf_counter()
    gm = build_group_master(inputs, coupling)
    for p, recs in enumerate(pmap(initial_plant_cuts, [None] * len(inputs))):
        for rec in recs:
            add_plant_cut(gm, p, rec)
    cuts = len(gm.energy_cut)
    build_s = time.perf_counter() - t0
    history: list[IterationRecord] = []
    binaries = integer_variables(gm)
    blocks = gm._blocks

    def run(relaxed: bool, budget: int) -> tuple[bool, MasterOutcome | None]:
        nonlocal cuts
        for v in binaries:
            v.domain = pyo.UnitInterval if relaxed else pyo.Binary
        outcome = None
        for _ in range(max(budget, 1)):
            t1 = time.perf_counter()
            outcome = solve_master(gm, relaxed)
            t2 = time.perf_counter()
            if not outcome.has_solution:
                return False, outcome
            found = pmap(separate_plant, [(plant_values(b), rel_tol) for b in blocks])
            added = 0
            worst = 0.0
            for p, (recs, w) in enumerate(found):
                for rec in recs:
                    add_plant_cut(gm, p, rec)
                added += len(recs)
                worst = max(worst, w)
            t3 = time.perf_counter()
            rec_ = IterationRecord("lp" if relaxed else "milp", outcome.objective, added, worst,
                                   t2 - t1, t3 - t2)
            history.append(rec_)
            if progress:
                progress(rec_)
            cuts += added
            if added == 0:
                return True, outcome
            if not outcome.proven_optimal:
                return False, outcome
        return False, outcome

    outcome: MasterOutcome | None = None
    if lp_phase and binaries:
        ok, outcome = run(True, max_iterations // 2)
        if outcome is not None and not outcome.has_solution:
            return _result(gm, outcome, False, None, history, build_s, cuts)
    ok, outcome = run(False, max_iterations - len(history))
    if outcome is None or not outcome.has_solution:
        return _result(gm, outcome, False, None, history, build_s, cuts)
    finals = pmap(final_plant_balance, [plant_values(b) for b in blocks])
    return _result(gm, outcome, ok, finals, history, build_s, cuts)


def _result(gm: pyo.ConcreteModel, outcome: MasterOutcome | None, converged: bool,
            finals: list[tuple[PlanState, EnergyBalance, np.ndarray]] | None,
            history: list[IterationRecord], build_s: float, cuts: int) -> GroupResult:
    plants = []
    for p, b in enumerate(gm._blocks):
        own = outcome
        if outcome is not None and outcome.has_solution:
            own = dataclasses.replace(outcome, objective=float(pyo.value(b.npv.expr)),
                                      bound=float("nan"))
        state, balance, weights = finals[p] if finals is not None else (None, None, None)
        plants.append(DecompositionResult(
            model=b, outcome=own, converged=converged,  # type: ignore[arg-type]
            state=state, balance=balance, import_weight_y=weights, history=list(history),
            build_s=build_s, cuts=len(gm._cut_logs[p]), cut_records=tuple(gm._cut_logs[p])))
    return GroupResult(gm, outcome, converged, plants, history, build_s, cuts)
