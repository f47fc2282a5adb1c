"""An independent full-hourly MILP of the plan: the yardstick for exactness.

This module writes the whole planning problem of ``docs/method.md`` a second time,
from the scenario's own keys, with every hour of every year, and hands it to HiGHS
directly (no Pyomo). It shares **no formulation code** with the planner: it does not
read :class:`models.inputs.PlanInputs` nor use ``planner.inputs.build``, ``models.master``,
``models.hourly``, ``models.dispatch``, ``models.solution`` or ``planner.plan.results``.
A bug in the planner's formulation (an efficiency per leg, a degradation exponent, a
unit, a sign) therefore shows up as a difference between the two optima.

What it takes as *data* (built by the caller from the scenario file, see
``tests/models/reference_data.py``): the hourly shapes of the typical year (base load,
PV output per kWp, the TOU price multiplier, the end-use shapes of added electricity),
the battery's dispatch-day start hour, and the emission factors looked up in the
shipped tables (fuels, GWP of process gases). Everything else -- discounting, capex per
build year, lifetimes and rebuilds, salvage, O&M, degradation by vintage, the battery
with ``sqrt(rte)`` per leg, fuels and switches, process gases x GWP, location- and
market-based scope 2, certificates, credits, removals, the target trajectory, the
carbon price, the export cap and curtailment -- is derived here from the scenario.

Covered (everything else raises :class:`ReferenceScopeError`):

* ``[scenario]`` horizon, discount rate; ``[demand]`` growth, fuels; ``[process]`` gases
  and process CO2; ``[grid]`` price series x TOU multiplier, export price (capped at the
  hour's import price), export limit, ``ef_t_per_mwh`` and ``residual_ef_t_per_mwh``
  series, the two-part tariff ``[grid.two_part]`` on the demand basis (one peak
  variable per month and year, a contract demand with its excess rule) or the capacity
  basis (a constant); ``[fuels]`` prices; ``[carbon]`` price on scope 1 and/or scope 2 (location);
  ``[target]`` linear trajectory (on market-based base-year emissions) and the credit
  share; ``[[measure]]`` with electricity and fuel savings, switches (to electricity or
  to a fuel), gas and process-CO2 cuts, capex series, fixed O&M, lifetime,
  earliest/latest year, exclusive groups; ``[pv]``; ``[battery]``; ``[certificates]``;
  ``[[credit]]``; ``[[removal]]``; ``[[green_power]]`` (as consumed and take-or-pay);
  ``[production]`` with ``[ets]`` (the sector's gases; CCER within its share) and
  ``[cbam]`` on actual values with its benchmark, factor and price given as keys (fuels
  CO2 only: ``scenario.combustion_ch4_n2o = false``).
* Gas names in ``gas_cut_share`` are matched as spelled in ``process.gases_kg``.
* Not covered: a standard's rules (``scenario.standard``), a capex budget, a tabled
  target trajectory, a grid factor taken from the regional table (give
  ``grid.ef_t_per_mwh``).

Conventions (the documented ones, written out again here):

* Year index ``t = 0..Y-1`` from the base year; costs of year ``t`` are discounted by
  ``(1 + r) ** -t``; salvage by ``(1 + r) ** -Y`` (end of the horizon).
* An asset built in year ``v`` with life ``L`` works in years ``v .. v+L-1``; a measure
  may be rebuilt after its life ends; capex is paid in the build year; salvage is
  ``capex x max(0, v + L - Y) / L``.
* PV built in year ``v`` produces ``(1 - delta) ** (t - v)`` of its nameplate in year ``t``.
* The battery's one-way efficiencies are both ``sqrt(round_trip_efficiency)``.
* ``storage="daily"``: hours are taken from the dispatch-day start hour on, and the
  battery is empty before the first hour of every 24-hour day (free end state).
  ``storage="cyclic"``: the state of charge after the last hour of a year equals the
  one before its first hour (energy kept across days, the year repeats).

Units: kW and kWh for the hours, MWh for yearly electricity, GJ for fuel, t for
emissions, CNY for money (HiGHS scales internally; the problems are small).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import highspy
import numpy as np
import scipy.sparse as sp

__all__ = ["ReferenceData", "ReferenceResult", "ReferenceScopeError", "solve_reference"]

HOURS_PER_DAY = 24
GJ_PER_MWH = 3.6
#: Documented defaults of the carbon markets (docs/scenario.md, sources N and M1): CCER
#: at most 5 % of the allowances surrendered; CBAM certificates due from 2026.
CCER_MAX_SHARE_DEFAULT = 0.05
CBAM_FIRST_YEAR = 2026
#: Gases each ETS sector and each CBAM good counts (docs/scenario.md), and the goods whose
#: indirect emissions (grid import x location factor) count.
ETS_SECTOR_GASES = {"steel": ("co2",), "cement": ("co2",), "other": ("co2",),
                    "aluminium": ("co2", "cf4", "c2f6")}
CBAM_GOOD_GASES = {"iron_steel": ("co2",), "aluminium": ("co2", "cf4", "c2f6"),
                   "cement": ("co2",), "fertiliser": ("co2", "n2o"), "hydrogen": ("co2",)}
CBAM_INDIRECT = ("cement", "fertiliser")
#: Without ``battery.max_kwh`` the planner caps the battery at this many hours of mean load
#: (documented in docs/scenario.md); the reference applies the same documented default.
DEFAULT_BATTERY_HOURS_OF_MEAN_LOAD = 24.0


class ReferenceScopeError(ValueError):
    """The scenario uses a feature the reference model does not cover."""


@dataclass(frozen=True)
class ReferenceData:
    """Data the reference reads besides the scenario: hourly shapes and factor tables.

    Attributes
    ----------
    base_load_kw_h : (H,)
        Electric load of the base year [kW].
    pv_kw_per_kwp_h : (H,)
        PV output per kWp [kW/kWp] (zeros without PV).
    tou_multiplier_h : (H,)
        Price multiplier of each hour [-] (ones for a flat tariff).
    end_use_kw_per_mwh : mapping profile name -> (H,)
        Hourly power of 1 MWh/yr of added electricity with that shape [kW per MWh/yr].
    day_start_hour : int
        Hour of day at which a dispatch day starts (``storage="daily"``).
    fuel_ef_t_per_gj : mapping fuel id -> float
        Emission factor of every fuel used [tCO2/GJ].
    gwp100 : mapping gas name (as in the scenario) -> float
        GWP of each process gas [tCO2e/t].
    month_of_hour_h : (H,) int, optional
        Month (0-based) of each hour for the two-part tariff's monthly peaks; default:
        the calendar months of a non-leap year for 8760 hours, else one month.
    """

    base_load_kw_h: np.ndarray
    pv_kw_per_kwp_h: np.ndarray
    tou_multiplier_h: np.ndarray
    end_use_kw_per_mwh: Mapping[str, np.ndarray]
    day_start_hour: int
    fuel_ef_t_per_gj: Mapping[str, float]
    gwp100: Mapping[str, float]
    month_of_hour_h: np.ndarray | None = None


@dataclass(frozen=True)
class ReferenceResult:
    """Optimum of the reference model, in natural units (arrays over years).

    ``terms_cny_y`` holds the undiscounted yearly cost terms (capex, fixed_om, energy,
    basic (two-part tariff), fuel, carbon, certificates, credits, removals); ``npv_cny``
    is the optimum.
    """

    npv_cny: float
    years: np.ndarray
    build: dict[str, list[int]]
    alive: dict[str, list[int]]
    pv_new_kw_y: np.ndarray
    pv_capacity_kw_y: np.ndarray
    battery_new_kwh_y: np.ndarray
    battery_new_kw_y: np.ndarray
    import_mwh_y: np.ndarray
    export_mwh_y: np.ndarray
    curtailed_mwh_y: np.ndarray
    charge_mwh_y: np.ndarray
    discharge_mwh_y: np.ndarray
    certificates_mwh_y: np.ndarray
    credits_t_y: np.ndarray
    removals_t_y: np.ndarray
    scope1_t_y: np.ndarray
    scope2_location_t_y: np.ndarray
    scope2_market_t_y: np.ndarray
    net_t_y: np.ndarray
    terms_cny_y: dict[str, np.ndarray]
    salvage_cny: float
    base_emissions_t: float
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- scenario data

def _series(value: Any, years: np.ndarray) -> np.ndarray:
    """A number, or {year: value} interpolated linearly and held flat outside."""
    if isinstance(value, Mapping):
        pts = sorted((int(k), float(v)) for k, v in value.items())
        return np.interp(years.astype(float), [p[0] for p in pts], [p[1] for p in pts])
    return np.full(len(years), float(value))


def _check_scope(s: Any) -> None:
    unsupported = []
    if s.scenario.standard:
        unsupported.append("scenario.standard (a standard's rules)")
    if s.budget.capex_cny_per_year is not None:
        unsupported.append("budget.capex_cny_per_year")
    if s.target.scope2_basis == "location":
        unsupported.append("target.scope2_basis = 'location'")
    if s.target.trajectory != "linear":
        unsupported.append(f"target.trajectory = '{s.target.trajectory}'")
    if s.grid.ef_t_per_mwh is None:
        unsupported.append("a grid factor from the regional table (give grid.ef_t_per_mwh)")
    flat = {"transmission_cny_per_kwh": s.grid.transmission_cny_per_kwh,
            "system_operation_cny_per_kwh": s.grid.system_operation_cny_per_kwh,
            "funds_cny_per_kwh": s.grid.funds_cny_per_kwh}
    for key, value in flat.items():
        if value != 0.0:
            unsupported.append(f"grid.{key} (flat bill components)")
    tp = s.grid.two_part
    if tp is not None and tp.basis == "cheaper":
        unsupported.append("grid.two_part.basis = 'cheaper' (solve each basis)")
    if (s.ets is not None or s.cbam is not None) and s.scenario.combustion_ch4_n2o:
        unsupported.append("carbon markets with combustion CH4/N2O (set "
                           "scenario.combustion_ch4_n2o = false: fuels are CO2 only here)")
    if s.ets is not None and s.ets.gases is not None:
        unsupported.append("ets.gases (the sector's gases only)")
    c = s.cbam
    if c is not None:
        if c.embedded_basis != "actual":
            unsupported.append("cbam.embedded_basis = 'default'")
        for key in ("benchmark_t_per_unit", "factor", "price_eur_per_t"):
            if getattr(c, key) is None:
                unsupported.append(f"cbam.{key} from the shipped tables (give it)")
    if unsupported:
        raise ReferenceScopeError("the reference model does not cover: " + "; ".join(unsupported))


def _index(year: int | None, base_year: int, n_y: int, default: int) -> int:
    """Year -> index within the horizon (clipped)."""
    return default if year is None else int(min(max(year - base_year, 0), n_y - 1))


def _available(series: Any, years: np.ndarray, earliest: int | None) -> np.ndarray:
    """Yearly availability: the series (inf if none), 0 before ``earliest``."""
    out = _series(series, years) if series is not None else np.full(len(years), np.inf)
    return out if earliest is None else np.where(years < earliest, 0.0, out)


# --------------------------------------------------------------------------- carbon markets

def _carbon_markets(lp: _Model, s: Any, years: np.ndarray, growth_y: np.ndarray,
                    fuel_gj: np.ndarray, source_t: np.ndarray, import_mwh: np.ndarray,
                    ef_fuel: np.ndarray, ef_loc_y: np.ndarray, source_gases: list[str]
                    ) -> np.ndarray:
    """National ETS and EU CBAM, written from their keys: the yearly cost column [CNY].

    ETS: covered = CO2 of fuels + sources of the sector's gases [t]; in benchmark years
    (after ``allocation_equals_emissions_until``) cost = price x (covered - benchmark x
    output - ccer) + ccer price x ccer, ccer <= share x covered; else nothing. CBAM (from
    2026, actual values): chargeable >= export share x (direct emissions of the good's
    gases [+ location factor x import for cement and fertilisers] + precursors x output)
    - export share x output x benchmark x factor, >= 0; cost = max(0, EUR price x CNY/EUR
    - deduction) x chargeable.
    """
    n_y = len(years)
    cost = lp.free((n_y,))
    terms: list[tuple[Any, Any]] = [(cost, 1.0)]
    rhs = np.zeros(n_y)
    if s.production is None:
        lp.eq(terms, 0.0)
        return cost
    output_y = s.production.base_output * growth_y
    n_f, n_j = len(ef_fuel), len(source_gases)

    def direct(gases: tuple[str, ...], coef_y: np.ndarray) -> list[tuple[Any, Any]]:
        """coef_y x (CO2 of fuels + sources of ``gases``) as row terms."""
        out = [(fuel_gj[f], -coef_y * ef_fuel[f]) for f in range(n_f)] if "co2" in gases else []
        return out + [(source_t[j], -coef_y) for j in range(n_j) if source_gases[j] in gases]

    e = s.ets
    if e is not None:
        gases = ETS_SECTOR_GASES[e.sector]
        until = e.allocation_equals_emissions_until
        bench = years > until if until is not None else np.ones(n_y, dtype=bool)
        price = _series(e.allowance_price_cny_per_t, years) * bench
        covered = lp.free((n_y,))
        lp.eq([(covered, 1.0), *direct(gases, np.ones(n_y))], 0.0)
        ccer_on = bench & (e.ccer_price_cny_per_t is not None)
        ccer_ub = np.where(ccer_on, _available(e.ccer_max_t_per_year, years, None), 0.0)
        ccer = lp.var((n_y,), 0.0, ccer_ub)
        share = e.ccer_max_share if e.ccer_max_share is not None else CCER_MAX_SHARE_DEFAULT
        lp.le([(ccer, 1.0), (covered, -share)], 0.0)
        ccer_price = (_series(e.ccer_price_cny_per_t, years) if e.ccer_price_cny_per_t
                      is not None else np.zeros(n_y))
        terms += [(covered, -price), (ccer, price - ccer_price * ccer_on)]
        rhs -= price * _series(e.benchmark_t_per_unit, years) * output_y
    c = s.cbam
    if c is not None:
        gases = CBAM_GOOD_GASES[c.good]
        price = np.maximum(0.0, _series(c.price_eur_per_t, years) * _series(c.cny_per_eur, years)
                           - _series(c.deduction_cny_per_t, years))
        price = np.where(years >= CBAM_FIRST_YEAR, price, 0.0)
        share = _series(c.export_share, years)
        chargeable = lp.var((n_y,), 0.0, np.where(price > 0, np.inf, 0.0))
        own = direct(gases, share)
        if c.good in CBAM_INDIRECT:
            own.append((import_mwh, -share * ef_loc_y))
        free_t = share * output_y * _series(c.benchmark_t_per_unit, years) * _series(c.factor,
                                                                                        years)
        fixed_t = share * output_y * _series(c.precursor_t_per_unit, years)
        # chargeable - share x own >= fixed - free where priced
        lp.rows([(chargeable, 1.0), *own], np.where(price > 0, fixed_t - free_t, -np.inf),
                np.inf, shape=(n_y,))
        terms.append((chargeable, -price))
    lp.eq(terms, rhs)
    return cost


# --------------------------------------------------------------------------- LP builder

class _Model:
    """Columns and rows collected as arrays, then passed to HiGHS in one go."""

    def __init__(self) -> None:
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.n_cols = 0
        self.cost: dict[int, float] = {}
        self.r_idx: list[np.ndarray] = []
        self.c_idx: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.r_lo: list[np.ndarray] = []
        self.r_hi: list[np.ndarray] = []
        self.n_rows = 0

    def var(self, shape: tuple[int, ...], lb: Any = 0.0, ub: Any = np.inf,
            integer: bool = False) -> np.ndarray:
        n = int(np.prod(shape)) if shape else 1
        cols = np.arange(self.n_cols, self.n_cols + n).reshape(shape)
        self.n_cols += n
        self.lb.append(np.broadcast_to(np.asarray(lb, dtype=float), shape).reshape(-1))
        self.ub.append(np.broadcast_to(np.asarray(ub, dtype=float), shape).reshape(-1))
        self.integer.append(np.full(n, integer))
        return cols

    def free(self, shape: tuple[int, ...]) -> np.ndarray:
        return self.var(shape, -np.inf, np.inf)

    def rows(self, terms: list[tuple[Any, Any]], lo: Any, hi: Any,
             shape: tuple[int, ...] | None = None) -> None:
        """Rows ``lo <= sum_i vals_i x cols_i <= hi``, one per element of ``shape``.

        Each term is (columns, coefficients), broadcast together. ``shape`` defaults to
        the broadcast shape of all terms; a term with more trailing axes than ``shape``
        is summed over them (e.g. ``shape=(Y,)`` and a (Y, H) term: one row per year).
        """
        full = [np.broadcast_shapes(np.shape(c), np.shape(v)) for c, v in terms]
        if shape is None:
            shape = np.broadcast_shapes(*full, np.shape(lo), np.shape(hi))
        n = int(np.prod(shape)) if shape else 1
        rows = np.arange(self.n_rows, self.n_rows + n).reshape(shape)
        for (cols, vals), f in zip(terms, full, strict=True):
            extra = max(len(f) - len(shape), 0)
            r_full = rows.reshape(shape + (1,) * extra)
            tshape = np.broadcast_shapes(r_full.shape, f)
            r = np.broadcast_to(r_full, tshape).reshape(-1)
            c = np.broadcast_to(np.asarray(cols), tshape).reshape(-1)
            v = np.broadcast_to(np.asarray(vals, dtype=float), tshape).reshape(-1)
            keep = v != 0.0
            self.r_idx.append(r[keep])
            self.c_idx.append(c[keep])
            self.vals.append(v[keep])
        self.r_lo.append(np.broadcast_to(np.asarray(lo, dtype=float), shape).reshape(-1))
        self.r_hi.append(np.broadcast_to(np.asarray(hi, dtype=float), shape).reshape(-1))
        self.n_rows += n

    def eq(self, terms: list[tuple[Any, Any]], rhs: Any = 0.0,
           shape: tuple[int, ...] | None = None) -> None:
        self.rows(terms, rhs, rhs, shape)

    def le(self, terms: list[tuple[Any, Any]], rhs: Any) -> None:
        self.rows(terms, -np.inf, rhs)

    def add_cost(self, cols: Any, coef: Any) -> None:
        c = np.asarray(cols).reshape(-1)
        v = np.broadcast_to(np.asarray(coef, dtype=float), np.shape(cols)).reshape(-1)
        for ci, vi in zip(c, v, strict=True):
            self.cost[int(ci)] = self.cost.get(int(ci), 0.0) + float(vi)

    def solve(self, mip_rel_gap: float, time_limit_s: float) -> tuple[np.ndarray, float]:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", mip_rel_gap)
        h.setOptionValue("mip_abs_gap", 0.0)
        h.setOptionValue("time_limit", time_limit_s)
        # Interior point for the hourly LPs (simplex takes minutes on a year with a
        # battery); crossover then gives a vertex, so the values are exact to HiGHS's
        # default feasibility tolerances (1e-7).
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("mip_lp_solver", "ipm")
        h.setOptionValue("run_crossover", "on")
        lb, ub = np.concatenate(self.lb), np.concatenate(self.ub)
        inf = highspy.kHighsInf
        h.addVars(self.n_cols, np.where(np.isfinite(lb), lb, -inf), np.where(np.isfinite(ub),
                                                                             ub, inf))
        cost = np.zeros(self.n_cols)
        for ci, vi in self.cost.items():
            cost[ci] = vi
        h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), cost)
        integer = np.concatenate(self.integer)
        if integer.any():
            idx = np.nonzero(integer)[0].astype(np.int32)
            h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger))
        a = sp.csr_matrix((np.concatenate(self.vals), (np.concatenate(self.r_idx),
                                                       np.concatenate(self.c_idx))),
                          shape=(self.n_rows, self.n_cols))
        lo, hi = np.concatenate(self.r_lo), np.concatenate(self.r_hi)
        h.addRows(self.n_rows, np.where(np.isfinite(lo), lo, -inf),
                  np.where(np.isfinite(hi), hi, inf), a.nnz, a.indptr.astype(np.int32),
                  a.indices.astype(np.int32), a.data)
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"reference model not solved to optimality: "
                               f"{h.modelStatusToString(status)}")
        x = np.asarray(h.getSolution().col_value)
        return x, float(h.getInfo().objective_function_value)


# --------------------------------------------------------------------------- the model

def solve_reference(scenario: Any, data: ReferenceData, *,
                    storage: Literal["cyclic", "daily"] = "cyclic",
                    mip_rel_gap: float = 1e-9, time_limit_s: float = 600.0) -> ReferenceResult:
    """Build and solve the full-hourly MILP of a scenario.

    Parameters
    ----------
    scenario : planner.base.schema.Scenario
        The validated scenario (``ScenarioFile.scenario``).
    data : ReferenceData
        Hourly shapes and factors of that scenario.
    storage : {"cyclic", "daily"}
        Battery state-of-charge convention (module docstring).
    mip_rel_gap, time_limit_s : float
        HiGHS settings.

    Returns
    -------
    ReferenceResult

    Raises
    ------
    ReferenceScopeError
        If the scenario uses a feature the reference does not cover.
    """
    if storage not in ("cyclic", "daily"):
        raise ValueError(f"storage must be 'cyclic' or 'daily', not {storage!r}")
    s = scenario
    _check_scope(s)
    meta = s.scenario
    years = np.arange(meta.base_year, meta.end_year + 1)
    n_y = len(years)
    t = np.arange(n_y)
    disc_y = (1.0 + meta.discount_rate) ** -t.astype(float)
    disc_salvage = (1.0 + meta.discount_rate) ** -float(n_y)
    growth_y = (1.0 + s.demand.growth_per_year) ** t.astype(float)
    load_h = np.asarray(data.base_load_kw_h, dtype=float)
    n_h = len(load_h)

    # ---- fuels, process sources, measures' effects (base-year terms)
    fuel_ids = list(s.demand.fuels_gj)
    for ms in s.measure:
        for sw in ms.switch:
            if sw.to != "electricity" and sw.to not in fuel_ids:
                fuel_ids.append(sw.to)
    n_f = len(fuel_ids)
    base_fuel_gj = np.array([s.demand.fuels_gj.get(f, 0.0) for f in fuel_ids])
    ef_fuel = np.array([s.fuels[f].ef_t_per_gj if f in s.fuels and s.fuels[f].ef_t_per_gj
                        is not None else data.fuel_ef_t_per_gj[f] for f in fuel_ids])
    fuel_price = np.array([_series(s.fuels[f].price_cny_per_gj, years) for f in fuel_ids]
                          ).reshape(n_f, n_y)
    gases = list(s.process.gases_kg)
    # kg x (t CO2e / t) / 1000 = t CO2e
    source_list_t = [s.process.gases_kg[g] * data.gwp100[g] / 1000.0 for g in gases]
    has_co2 = s.process.co2_t > 0
    if has_co2:
        source_list_t.append(s.process.co2_t)
    source_base_t = np.array(source_list_t, dtype=float)
    n_j = len(source_base_t)
    source_gases = [g.lower() for g in gases] + (["co2"] if has_co2 else [])
    shapes = sorted({sw.profile for ms in s.measure for sw in ms.switch if sw.to == "electricity"})
    n_m = len(s.measure)
    save_m = np.array([ms.electricity_saving_share for ms in s.measure])
    fuel_delta_mf = np.zeros((n_m, n_f))
    added_mwh_ms = np.zeros((n_m, len(shapes)))
    cut_mj = np.zeros((n_m, n_j))
    for k, ms in enumerate(s.measure):
        for fuel, share in ms.fuel_saving_share.items():
            fuel_delta_mf[k, fuel_ids.index(fuel)] -= share * s.demand.fuels_gj.get(fuel, 0.0)
        for sw in ms.switch:
            replaced_gj = sw.share * s.demand.fuels_gj.get(sw.from_fuel, 0.0)
            fuel_delta_mf[k, fuel_ids.index(sw.from_fuel)] -= replaced_gj
            useful_gj = replaced_gj * sw.efficiency_from
            if sw.to == "electricity":
                mwh = useful_gj / sw.efficiency_to / GJ_PER_MWH
                added_mwh_ms[k, shapes.index(sw.profile)] += mwh
            else:
                fuel_delta_mf[k, fuel_ids.index(sw.to)] += useful_gj / sw.efficiency_to
        for gas, share in ms.gas_cut_share.items():
            cut_mj[k, gases.index(gas)] = share
        if ms.process_co2_cut_share:
            cut_mj[k, n_j - 1] = ms.process_co2_cut_share

    # ---- grid data
    ef_loc_y = _series(s.grid.ef_t_per_mwh, years)
    ef_res_y = (_series(s.grid.residual_ef_t_per_mwh, years)
                if s.grid.residual_ef_t_per_mwh is not None else ef_loc_y)
    imp_price_yh = _series(s.grid.price_cny_per_kwh, years)[:, None] * data.tou_multiplier_h[None]
    exp_price_yh = np.minimum(_series(s.grid.export_price_cny_per_kwh, years)[:, None],
                              imp_price_yh)
    export_cap_kw = s.grid.export_limit_kw if s.grid.export_limit_kw is not None else np.inf

    # ---- target
    # One basis (docs/method.md, "Emissions basis"): the target's base year is counted
    # like the yearly net it caps, scope 2 market-based (no certificates in the base year,
    # so the residual-mix factor applies to every MWh imported).
    base_t = float(ef_fuel @ base_fuel_gj + source_base_t.sum()
                   + ef_res_y[0] * np.maximum(load_h, 0.0).sum() / 1000.0)
    nz = s.target.net_zero_year
    share_y = np.clip(1.0 - (years - meta.base_year) / max(nz - meta.base_year, 1), 0.0, 1.0)
    allowed_t_y = np.where(years >= nz, 0.0, share_y) * base_t

    # ---- hours in model order: daily storage starts each day at the dispatch-day start
    start = data.day_start_hour if storage == "daily" else 0
    order = (np.arange(n_h) + start) % n_h
    load_o = load_h[order]
    pv_o = np.asarray(data.pv_kw_per_kwp_h, dtype=float)[order]
    shape_o = [np.asarray(data.end_use_kw_per_mwh[name], dtype=float)[order] for name in shapes]
    imp_o, exp_o = imp_price_yh[:, order], exp_price_yh[:, order]

    lp = _Model()
    # ---- measures: build[k, v] binary in the allowed years; alive = builds within the life
    build: dict[tuple[int, int], int] = {}
    for k, ms in enumerate(s.measure):
        first = _index(ms.earliest_year, meta.base_year, n_y, 0)
        last = _index(ms.latest_year, meta.base_year, n_y, n_y - 1)
        for v in range(first, last + 1):
            build[k, v] = int(lp.var((), 0.0, 1.0, integer=True))
    capex_my = np.array([_series(ms.capex_cny, years) for ms in s.measure]).reshape(n_m, n_y)
    life_m = [ms.lifetime_years for ms in s.measure]
    alive = lp.var((n_m, n_y), 0.0, 1.0)  # <= 1: no rebuild before the life ends
    for k in range(n_m):
        for y in range(n_y):
            window = [build[k, v] for v in range(y - life_m[k] + 1, y + 1) if (k, v) in build]
            lp.eq([(alive[k, y], 1.0)] + [(c, -1.0) for c in window])
    groups: dict[str, list[int]] = {}
    for k, ms in enumerate(s.measure):
        grp = ms.group or next((g for g, ids in s.exclusive.items() if ms.id in ids), None)
        if grp:
            groups.setdefault(grp, []).append(k)
    for ks in groups.values():
        if len(ks) > 1:
            lp.le([(alive[k], 1.0) for k in ks], 1.0)

    # ---- PV vintages [kW]
    pv = s.pv
    pv_first = _index(pv.earliest_year, meta.base_year, n_y, 0) if pv is not None else n_y
    pv_new = lp.var((n_y,), 0.0, np.where(t >= pv_first, np.inf, 0.0))
    pv_life = pv.lifetime_years if pv is not None else 1
    pv_delta = pv.degradation_per_year if pv is not None else 0.0
    if pv is not None:
        pv_max = pv.max_kw if pv.max_kw is not None else (s.site.roof_area_m2 or 0.0) / \
            s.site.roof_m2_per_kw
    else:
        pv_max = 0.0
    pv_cap = lp.var((n_y,), 0.0, pv_max)
    pv_eff = lp.free((n_y,))
    for y in range(n_y):
        alive_v = [v for v in range(n_y) if v <= y < v + pv_life]
        lp.eq([(pv_cap[y], 1.0)] + [(pv_new[v], -1.0) for v in alive_v])
        # vintage v has aged y - v years in year y
        lp.eq([(pv_eff[y], 1.0)] + [(pv_new[v], -(1.0 - pv_delta) ** (y - v)) for v in alive_v])

    # ---- battery vintages [kWh, kW]
    b = s.battery
    b_first = _index(b.earliest_year, meta.base_year, n_y, 0) if b is not None else n_y
    e_new = lp.var((n_y,), 0.0, np.where(t >= b_first, np.inf, 0.0))
    p_new = lp.var((n_y,), 0.0, np.where(t >= b_first, np.inf, 0.0))
    b_life = b.lifetime_years if b is not None else 1
    if b is not None:
        max_kwh = b.max_kwh if b.max_kwh is not None else (
            DEFAULT_BATTERY_HOURS_OF_MEAN_LOAD * float(load_h.mean()))
        eta = math.sqrt(b.round_trip_efficiency)  # the same loss on each leg
    else:
        max_kwh, eta = 0.0, 1.0
    e_alive = lp.var((n_y,), 0.0, max_kwh)
    p_alive = lp.var((n_y,))
    for y in range(n_y):
        alive_v = [v for v in range(n_y) if v <= y < v + b_life]
        lp.eq([(e_alive[y], 1.0)] + [(e_new[v], -1.0) for v in alive_v])
        lp.eq([(p_alive[y], 1.0)] + [(p_new[v], -1.0) for v in alive_v])
    if b is not None:
        lp.le([(p_alive, b.min_duration_h), (e_alive, -1.0)], 0.0)   # kW x h <= kWh
        lp.le([(e_alive, 1.0), (p_alive, -b.max_duration_h)], 0.0)

    # ---- demand after measures
    load_scale = lp.free((n_y,))
    lp.eq([(load_scale, 1.0)] + [(alive[k], growth_y * save_m[k]) for k in range(n_m)],
          growth_y)
    added = lp.free((max(len(shapes), 1), n_y))[: len(shapes)]
    for si in range(len(shapes)):
        lp.eq([(added[si], 1.0)] + [(alive[k], -growth_y * added_mwh_ms[k, si])
                                    for k in range(n_m)])
    fuel_gj = lp.var((n_f, n_y)) if n_f else np.zeros((0, n_y), dtype=int)
    for f in range(n_f):
        lp.eq([(fuel_gj[f], 1.0)] + [(alive[k], -growth_y * fuel_delta_mf[k, f])
                                     for k in range(n_m)], growth_y * base_fuel_gj[f])
    source_t = lp.var((n_j, n_y)) if n_j else np.zeros((0, n_y), dtype=int)
    for j in range(n_j):
        lp.eq([(source_t[j], 1.0)] + [(alive[k], growth_y * source_base_t[j] * cut_mj[k, j])
                                      for k in range(n_m)], growth_y * source_base_t[j])

    # ---- the hours of every year [kW; 1 h steps so kWh = kW]
    imp = lp.var((n_y, n_h))
    exp = lp.var((n_y, n_h), 0.0, export_cap_kw)
    curt = lp.var((n_y, n_h))
    terms = [(imp, 1.0), (exp, -1.0), (curt, -1.0),
             (load_scale[:, None], -load_o[None, :]), (pv_eff[:, None], pv_o[None, :])]
    terms += [(added[si][:, None], -shape_o[si][None, :]) for si in range(len(shapes))]
    if b is not None:
        ch = lp.var((n_y, n_h))
        dis = lp.var((n_y, n_h))
        soc = lp.var((n_y, n_h))   # state at the end of each hour
        terms += [(ch, -1.0), (dis, 1.0)]
        prev = np.roll(soc, 1, axis=1)  # cyclic: hour 0 follows the year's last hour
        prev_coef: np.ndarray | float = -1.0
        if storage == "daily":
            first_of_day = (np.arange(n_h) % HOURS_PER_DAY == 0)[None, :]
            prev_coef = np.where(first_of_day, 0.0, -1.0)  # empty before each day
        lp.eq([(soc, 1.0), (prev, prev_coef), (ch, -eta), (dis, 1.0 / eta)])
        lp.le([(soc, 1.0), (e_alive[:, None], -1.0)], 0.0)
        lp.le([(ch, 1.0), (p_alive[:, None], -1.0)], 0.0)
        lp.le([(dis, 1.0), (p_alive[:, None], -1.0)], 0.0)
    lp.eq(terms, 0.0)  # import - export - curtailed - charge + discharge = net load
    import_mwh = lp.free((n_y,))
    lp.eq([(import_mwh[:, None], -1000.0), (imp, 1.0)], 0.0, shape=(n_y,))

    # ---- offsets
    cert = s.certificates
    cert_max = (_available(cert.max_mwh_per_year, years, cert.earliest_year) if cert
                else np.zeros(n_y))
    certificates = lp.var((n_y,), 0.0, cert_max)
    lp.le([(certificates, 1.0), (import_mwh, -(cert.max_share if cert else 0.0))], 0.0)
    n_c, n_r = len(s.credit), len(s.removal)
    credits = lp.var((n_c, n_y), 0.0, np.array(
        [_available(c.max_t_per_year, years, c.earliest_year) for c in s.credit]).reshape(n_c, n_y))
    removals = lp.var((n_r, n_y), 0.0, np.array(
        [_available(r.max_t_per_year, years, r.earliest_year) for r in s.removal]
    ).reshape(n_r, n_y))
    if n_c:
        lp.le([(credits[c], 1.0) for c in range(n_c)], s.target.max_credit_share * base_t)

    # ---- green-power contracts [MWh]: delivered g[c, y]; take-or-pay volume paid each term year
    gp = s.green_power
    n_g = len(gp)
    g_mwh = lp.var((n_g, n_y)) if n_g else np.zeros((0, n_y), dtype=int)
    g_paid = lp.free((n_g, n_y)) if n_g else np.zeros((0, n_y), dtype=int)
    g_cost_terms: list[tuple[Any, Any]] = []
    for c, x in enumerate(gp):
        first = x.start_year if x.start_year is not None else meta.base_year
        last = first + x.term_years - 1 if x.term_years is not None else int(years[-1])
        on = (years >= first) & (years <= last)
        avail = np.where(on, _available(x.max_mwh_per_year, years, None), 0.0)
        if x.shape == "take_or_pay":
            vol = lp.var((), x.min_mwh_per_year, float(avail[on].min()))
            lp.le([(g_mwh[c], 1.0), (np.full(n_y, vol), -on.astype(float))], 0.0)
            lp.eq([(g_paid[c], 1.0), (np.full(n_y, vol), -on.astype(float))], 0.0)
        else:
            lp.le([(g_mwh[c], 1.0)], avail)
            lp.eq([(g_paid[c], 1.0), (g_mwh[c], -1.0)], 0.0)
        lp.le([(g_mwh[c], 1.0)], np.where(on, np.inf, 0.0))
        lp.le([(g_mwh[c], 1.0), (import_mwh, -x.max_share)], 0.0)
        g_cost_terms.append((g_paid[c], -_series(x.premium_cny_per_mwh, years) * on))
    if n_g:  # certificates and contracts are claims on the same imported MWh
        lp.le([(certificates, 1.0), (import_mwh, -1.0)] + [(g_mwh[c], 1.0) for c in range(n_g)],
              0.0)

    # ---- emissions [t] and the target
    scope1 = lp.free((n_y,))
    lp.eq([(scope1, 1.0)] + [(fuel_gj[f], -ef_fuel[f]) for f in range(n_f)]
          + [(source_t[j], -1.0) for j in range(n_j)])
    s2_loc = lp.free((n_y,))
    lp.eq([(s2_loc, 1.0), (import_mwh, -ef_loc_y)])
    s2_mkt = lp.free((n_y,))
    lp.eq([(s2_mkt, 1.0), (import_mwh, -ef_res_y), (certificates, ef_res_y)]
          + [(g_mwh[c], ef_res_y) for c in range(n_g)])
    net = lp.var((n_y,), -np.inf, np.where(np.isfinite(allowed_t_y), allowed_t_y, np.inf))
    lp.eq([(net, 1.0), (scope1, -1.0), (s2_mkt, -1.0)] + [(credits[c], 1.0) for c in range(n_c)]
          + [(removals[r], 1.0) for r in range(n_r)])

    # ---- money [CNY per year]
    pv_capex = _series(pv.capex_cny_per_kw, years) if pv is not None else np.zeros(n_y)
    e_capex = _series(b.energy_capex_cny_per_kwh, years) if b is not None else np.zeros(n_y)
    p_capex = _series(b.power_capex_cny_per_kw, years) if b is not None else np.zeros(n_y)
    capex = lp.free((n_y,))
    for y in range(n_y):
        lp.eq([(capex[y], 1.0), (pv_new[y], -pv_capex[y]), (e_new[y], -e_capex[y]),
               (p_new[y], -p_capex[y])]
              + [(build[k, y], -capex_my[k, y]) for k in range(n_m) if (k, y) in build])
    fixed_om = lp.free((n_y,))
    lp.eq([(fixed_om, 1.0), (pv_cap, -(pv.fixed_om_cny_per_kw_year if pv else 0.0)),
           (e_alive, -(b.fixed_om_cny_per_kwh_year if b else 0.0))]
          + [(alive[k], -s.measure[k].fixed_opex_cny_per_year) for k in range(n_m)])
    energy = lp.free((n_y,))
    lp.eq([(energy[:, None], -1.0), (imp, imp_o), (exp, -exp_o)], 0.0, shape=(n_y,))
    # Two-part tariff, written from its keys: each month bills rate x (contract +
    # multiplier x max(0, peak - share x contract)); without a contract, rate x peak.
    basic = lp.free((n_y,))
    tp = s.grid.two_part
    if tp is not None and tp.basis == "demand":
        if data.month_of_hour_h is not None:
            month_h = np.asarray(data.month_of_hour_h, dtype=int)
        elif n_h == 8760:
            days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            month_h = np.concatenate([np.full(24 * d, k) for k, d in enumerate(days)])
        else:
            month_h = np.zeros(n_h, dtype=int)
        n_months = int(month_h.max()) + 1
        rate_y = _series(tp.demand_cny_per_kw_month, years)
        contract = tp.contract_demand_kw or 0.0
        free_kw = contract * tp.contract_excess_threshold_share if contract else 0.0
        mult = tp.contract_excess_multiplier if contract else 1.0
        billed = lp.var((n_y, n_months))  # kW of each month above the free demand
        lp.le([(imp, 1.0), (billed[:, month_h[order]], -1.0)], free_kw)
        lp.eq([(basic, 1.0), (billed, -(rate_y * mult)[:, None])],
              rate_y * n_months * contract, shape=(n_y,))
    elif tp is not None and tp.basis == "capacity":
        lp.eq([(basic, 1.0)], _series(tp.capacity_cny_per_kva_month, years) * 12.0
              * float(tp.transformer_kva or 0.0))
    else:
        lp.eq([(basic, 1.0)], 0.0)
    fuel_cost = lp.free((n_y,))
    lp.eq([(fuel_cost, 1.0)] + [(fuel_gj[f], -fuel_price[f]) for f in range(n_f)])
    price_y = _series(s.carbon.price_cny_per_t, years)
    cov1 = s.carbon.covered and "scope1" in s.carbon.scopes
    cov2 = s.carbon.covered and "scope2" in s.carbon.scopes
    carbon = lp.free((n_y,))
    lp.eq([(carbon, 1.0), (scope1, -price_y * cov1), (s2_loc, -price_y * cov2)])
    cert_cost = lp.free((n_y,))
    lp.eq([(cert_cost, 1.0), (certificates, -(_series(cert.price_cny_per_mwh, years) if cert
                                              else 0.0))])
    credit_cost = lp.free((n_y,))
    lp.eq([(credit_cost, 1.0)] + [(credits[c], -_series(x.price_cny_per_t, years))
                                  for c, x in enumerate(s.credit)])
    removal_cost = lp.free((n_y,))
    lp.eq([(removal_cost, 1.0)] + [(removals[r], -_series(x.price_cny_per_t, years))
                                   for r, x in enumerate(s.removal)])

    green_cost = lp.free((n_y,))
    lp.eq([(green_cost, 1.0), *g_cost_terms])
    markets = _carbon_markets(lp, s, years, growth_y, fuel_gj, source_t, import_mwh, ef_fuel,
                              ef_loc_y, source_gases)

    def left(v: int, life: int) -> float:
        """Straight-line share of an asset built in year v left after the horizon."""
        return max(0, v + life - n_y) / life

    salvage = lp.free(())
    lp.eq([(salvage, 1.0)]
          + [(build[k, v], -capex_my[k, v] * left(v, life_m[k])) for (k, v) in build]
          + [(pv_new[v], -pv_capex[v] * left(v, pv_life)) for v in range(n_y)]
          + [(e_new[v], -e_capex[v] * left(v, b_life)) for v in range(n_y)]
          + [(p_new[v], -p_capex[v] * left(v, b_life)) for v in range(n_y)])

    yearly = {"capex": capex, "fixed_om": fixed_om, "energy": energy, "basic": basic,
              "fuel": fuel_cost,
              "carbon": carbon, "certificates": cert_cost, "credits": credit_cost,
              "removals": removal_cost, "green_power": green_cost, "markets": markets}
    for cols in yearly.values():
        lp.add_cost(cols, disc_y)
    lp.add_cost(salvage, -disc_salvage)

    x, obj = lp.solve(mip_rel_gap, time_limit_s)

    def val(cols: Any) -> np.ndarray:
        return x[np.asarray(cols)]

    mwh = 1e-3
    ids = [ms.id for ms in s.measure]
    return ReferenceResult(
        npv_cny=obj,
        years=years,
        build={ids[k]: [int(years[v]) for (kk, v) in sorted(build) if kk == k
                        and round(x[build[kk, v]]) == 1] for k in range(n_m)},
        alive={ids[k]: [round(a) for a in val(alive[k])] for k in range(n_m)},
        pv_new_kw_y=val(pv_new), pv_capacity_kw_y=val(pv_cap),
        battery_new_kwh_y=val(e_new), battery_new_kw_y=val(p_new),
        import_mwh_y=val(import_mwh), export_mwh_y=val(exp).sum(axis=1) * mwh,
        curtailed_mwh_y=val(curt).sum(axis=1) * mwh,
        charge_mwh_y=val(ch).sum(axis=1) * mwh if b is not None else np.zeros(n_y),
        discharge_mwh_y=val(dis).sum(axis=1) * mwh if b is not None else np.zeros(n_y),
        certificates_mwh_y=val(certificates), credits_t_y=val(credits).sum(axis=0),
        removals_t_y=val(removals).sum(axis=0), scope1_t_y=val(scope1),
        scope2_location_t_y=val(s2_loc), scope2_market_t_y=val(s2_mkt), net_t_y=val(net),
        terms_cny_y={k: val(v) for k, v in yearly.items()}, salvage_cny=float(val(salvage)),
        base_emissions_t=base_t,
        extra={"allowed_t_y": allowed_t_y, "columns": lp.n_cols, "rows": lp.n_rows})
