"""A solved plan as tidy tables: roadmap, measures, energy, emissions, costs, summary.

Every figure is recomputed here with numpy from the decisions and the exact
8760-hour energy balance of each year, not read from the MILP's expressions; the
MILP objective is only used to report the optimality gap. The same
:func:`account` serves the plan and business as usual, so their difference is
like for like.

Column names carry their units (``_cny``, ``_t``, ``_mwh``, ``_kw``, ``_kwh``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models.hourly import EnergyBalance
from models.inputs import PlanInputs
from models.solution import Decisions, demand_flows
from planner.solve import Solution, bau_decisions, bau_energy

__all__ = ["Accounts", "Plan", "account", "build_plan"]


@dataclass(frozen=True)
class Accounts:
    """Yearly physical and money flows of a plan (arrays over years)."""

    fuel_gj_fy: np.ndarray
    fuel_t_fy: np.ndarray
    source_t_jy: np.ndarray
    scope1_t_y: np.ndarray
    import_mwh_y: np.ndarray
    scope2_location_t_y: np.ndarray
    scope2_market_t_y: np.ndarray
    certificates_mwh_y: np.ndarray
    credits_t_y: np.ndarray
    removals_t_y: np.ndarray
    net_t_y: np.ndarray
    capex_measures_cny_y: np.ndarray
    capex_pv_cny_y: np.ndarray
    capex_battery_cny_y: np.ndarray
    fixed_om_cny_y: np.ndarray
    energy_cost_cny_y: np.ndarray
    fuel_cost_cny_y: np.ndarray
    carbon_cost_cny_y: np.ndarray
    certificate_cost_cny_y: np.ndarray
    credit_cost_cny_y: np.ndarray
    removal_cost_cny_y: np.ndarray
    salvage_cny: float

    @property
    def capex_cny_y(self) -> np.ndarray:
        return self.capex_measures_cny_y + self.capex_pv_cny_y + self.capex_battery_cny_y

    @property
    def opex_cny_y(self) -> np.ndarray:
        return (self.fixed_om_cny_y + self.energy_cost_cny_y + self.fuel_cost_cny_y
                + self.carbon_cost_cny_y + self.certificate_cost_cny_y + self.credit_cost_cny_y
                + self.removal_cost_cny_y)

    @property
    def total_cost_cny_y(self) -> np.ndarray:
        return self.capex_cny_y + self.opex_cny_y


def _remaining_share(v: np.ndarray, lifetime: np.ndarray | int, n_years: int) -> np.ndarray:
    return np.maximum(0, v + lifetime - n_years) / lifetime


def _vintage_alive(n_y: int, lifetime: int) -> np.ndarray:
    """A[y, v] = 1 if an asset built in year v works in year y."""
    y = np.arange(n_y)[:, None]
    v = np.arange(n_y)[None, :]
    return ((v <= y) & (y < v + lifetime)).astype(float)


def account(inp: PlanInputs, d: Decisions, bal: EnergyBalance) -> Accounts:
    """Yearly emissions and costs of decisions ``d`` with energy balance ``bal``.

    Notes
    -----
    fuel = growth (base + sum_m delta_m alive_m); source = growth base (1 - sum cut alive);
    scope 1 = sum ef_f fuel_f + sum sources; scope 2 location = ef x import;
    scope 2 market = ef_residual x (import - certificates);
    net = scope 1 + scope 2 market - credits - removals.
    """
    ms, o = inp.measures, inp.offsets
    n_y = inp.n_years
    alive = d.alive_my.astype(float)
    fuel, src = demand_flows(inp, d.alive_my)
    fuel_t = inp.fuel_ef_t_per_gj_f[:, None] * fuel
    scope1 = fuel_t.sum(axis=0) + src.sum(axis=0)
    imp = bal.import_mwh_cy[0]
    s2_loc = inp.grid.ef_location_t_per_mwh_y * imp
    certs = np.minimum(d.certificates_mwh_y, imp)
    s2_mkt = inp.grid.ef_residual_t_per_mwh_y * (imp - certs)
    credits = d.credits_t_cy.sum(axis=0)
    removals = d.removals_t_ry.sum(axis=0)
    net = scope1 + s2_mkt - credits - removals
    cap_m = (ms.capex_cny_my * d.build_my).sum(axis=0)
    cap_pv = inp.pv.capex_cny_per_kw_y * d.pv_new_kw_y
    cap_b = (inp.battery.energy_capex_cny_per_kwh_y * d.battery_new_kwh_y
             + inp.battery.power_capex_cny_per_kw_y * d.battery_new_kw_y)
    om = (ms.fixed_om_cny_per_year_m @ alive + inp.pv.fixed_om_cny_per_kw_year * d.pv_capacity_kw_y
          + inp.battery.fixed_om_cny_per_kwh_year * d.battery_kwh_y)
    energy = bal.import_cost_cny_cy[0] - bal.export_revenue_cny_cy[0]
    fuel_cost = (inp.fuel_price_cny_per_gj_fy * fuel).sum(axis=0)
    cp = inp.carbon_price_cny_per_t_y
    carbon = cp * ((scope1 if inp.carbon_scope1 else 0.0) + (s2_loc if inp.carbon_scope2 else 0.0))
    cert_cost = o.cert_price_cny_per_mwh_y * d.certificates_mwh_y
    credit_cost = (o.credit_price_cny_per_t_cy * d.credits_t_cy).sum(axis=0)
    removal_cost = (o.removal_price_cny_per_t_ry * d.removals_t_ry).sum(axis=0)
    v = np.arange(n_y)
    salvage = float((ms.capex_cny_my * d.build_my * _remaining_share(
        v[None, :], ms.lifetime_years_m[:, None], n_y)).sum())
    salvage += float((cap_pv * _remaining_share(v, inp.pv.lifetime_years, n_y)).sum())
    salvage += float((cap_b * _remaining_share(v, inp.battery.lifetime_years, n_y)).sum())
    return Accounts(fuel, fuel_t, src, scope1, imp, s2_loc, s2_mkt, d.certificates_mwh_y, credits,
                    removals, net, cap_m, cap_pv, cap_b, om, energy, fuel_cost, carbon, cert_cost,
                    credit_cost, removal_cost, salvage)


def npv_cny(inp: PlanInputs, acc: Accounts) -> float:
    """NPV of all costs less discounted salvage [CNY]."""
    return float(inp.discount_factor_y @ acc.total_cost_cny_y - inp.salvage_discount
                 * acc.salvage_cny)


@dataclass(frozen=True)
class Plan:
    """A solved plan in tables, with business as usual for comparison."""

    name: str
    inputs: PlanInputs
    solution: Solution
    accounts: Accounts
    bau: Accounts
    roadmap: pd.DataFrame
    measures: pd.DataFrame
    energy: pd.DataFrame
    emissions: pd.DataFrame
    costs: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    #: One row per lever the plan uses (measures, PV, battery): see :mod:`planner.finance`.
    finance: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year, then salvage: plan and BAU costs and the incremental cash flow.
    cashflow: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year and pathway: tonnes abated against BAU (:mod:`planner.pathways`).
    pathways: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The marginal abatement cost curve and offset price lines (:mod:`planner.macc`).
    macc: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The standard's rule profile (None: no standard chosen).
    profile: Any = None
    #: One row per year and rule of the standard (:mod:`planner.verdicts`).
    rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year: the standard met or not, claim possible or not.
    verdicts: pd.DataFrame = field(default_factory=pd.DataFrame)


def _roadmap(inp: PlanInputs, d: Decisions, acc: Accounts) -> pd.DataFrame:
    ids = inp.measures.ids
    built = [";".join(ids[k] for k in np.nonzero(d.build_my[:, y])[0]) for y in range(inp.n_years)]
    return pd.DataFrame({
        "year": inp.years,
        "measures_built": built,
        "pv_added_kw": d.pv_new_kw_y,
        "battery_added_kwh": d.battery_new_kwh_y,
        "battery_added_kw": d.battery_new_kw_y,
        "pv_capacity_kw": d.pv_capacity_kw_y,
        "battery_capacity_kwh": d.battery_kwh_y,
        "scope1_t": acc.scope1_t_y,
        "scope2_location_t": acc.scope2_location_t_y,
        "scope2_market_t": acc.scope2_market_t_y,
        "certificates_mwh": acc.certificates_mwh_y,
        "credits_t": acc.credits_t_y,
        "removals_t": acc.removals_t_y,
        "net_t": acc.net_t_y,
        "allowed_t": inp.target.allowed_net_t_y,
        "capex_cny": acc.capex_cny_y,
        "opex_cny": acc.opex_cny_y,
        "total_cost_cny": acc.total_cost_cny_y,
    })


def _measures_table(inp: PlanInputs, d: Decisions) -> pd.DataFrame:
    ms = inp.measures
    rows = []
    for k in range(ms.count):
        years = inp.years[d.build_my[k] > 0]
        rows.append({
            "measure": ms.ids[k], "name": ms.names[k], "pathway": ms.pathways[k],
            "chosen": bool(years.size), "build_years": ";".join(str(y) for y in years),
            "first_build_year": int(years[0]) if years.size else None,
            "capex_cny": float((ms.capex_cny_my[k] * d.build_my[k]).sum()),
            "years_alive": int(d.alive_my[k].sum()),
            "group": ms.group_of_m[k] or "",
        })
    return pd.DataFrame(rows, columns=["measure", "name", "pathway", "chosen", "build_years",
                                       "first_build_year", "capex_cny", "years_alive", "group"])


def _energy_table(inp: PlanInputs, bal: EnergyBalance, acc: Accounts) -> pd.DataFrame:
    pv = bal.pv_mwh_cy[0]
    self_used = pv - bal.export_mwh_cy[0] - bal.curtailed_mwh_cy[0]
    return pd.DataFrame({
        "year": inp.years,
        "load_mwh": bal.load_mwh_cy[0],
        "pv_mwh": pv,
        "pv_self_consumed_mwh": self_used,
        "import_mwh": bal.import_mwh_cy[0],
        "export_mwh": bal.export_mwh_cy[0],
        "curtailed_mwh": bal.curtailed_mwh_cy[0],
        "battery_charge_mwh": bal.charge_mwh_cy[0],
        "battery_discharge_mwh": bal.discharge_mwh_cy[0],
        "peak_import_kw": bal.peak_import_kw_cy[0],
        "import_cost_cny": bal.import_cost_cny_cy[0],
        "export_revenue_cny": bal.export_revenue_cny_cy[0],
        "energy_cost_cny": acc.energy_cost_cny_y,
    })


def _emissions_table(inp: PlanInputs, acc: Accounts, d: Decisions) -> pd.DataFrame:
    """Per year and source: tonnes, the activity behind them and the factor with its source.

    Every tonne is traceable: ``emissions_t = activity x factor`` (process gases:
    kg x GWP / 1000; grid: MWh x t/MWh), and ``factor_source`` names the table and
    the publication it came from.
    """
    frames = []
    prov = inp.provenance

    def add(scope: str, source: str, values: np.ndarray, quantity: np.ndarray | None,
            unit: str, factor: np.ndarray | float | None, factor_unit: str,
            factor_source: str) -> None:
        frames.append(pd.DataFrame({
            "year": inp.years, "scope": scope, "source": source, "emissions_t": values,
            "activity": quantity if quantity is not None else np.nan, "activity_unit": unit,
            "factor": factor if factor is not None else np.nan, "factor_unit": factor_unit,
            "factor_source": factor_source}))

    for f, fid in enumerate(inp.fuel_ids):
        add("scope1", f"fuel:{fid}", acc.fuel_t_fy[f], acc.fuel_gj_fy[f], "GJ",
            inp.fuel_ef_t_per_gj_f[f], "t/GJ", prov.get(f"fuel:{fid}", ""))
    kg = inp.source_base_kg_j
    for j, sid in enumerate(inp.source_ids):
        key = f"process:{sid}"
        if kg is not None and kg[j] > 0:
            gwp = inp.source_base_t_j[j] * 1e3 / kg[j]
            add("scope1", key, acc.source_t_jy[j], acc.source_t_jy[j] * 1e3 / gwp, "kg", gwp,
                "t CO2e/t (GWP100)", prov.get(key, ""))
        else:
            add("scope1", key, acc.source_t_jy[j], acc.source_t_jy[j], "t", 1.0, "t/t",
                prov.get(key, ""))
    add("scope2_location", "grid_import", acc.scope2_location_t_y, acc.import_mwh_y, "MWh",
        inp.grid.ef_location_t_per_mwh_y, "t/MWh", prov.get("grid", ""))
    add("scope2_market", "grid_import_less_certificates", acc.scope2_market_t_y,
        acc.import_mwh_y - np.minimum(acc.certificates_mwh_y, acc.import_mwh_y), "MWh",
        inp.grid.ef_residual_t_per_mwh_y, "t/MWh", prov.get("grid_residual", ""))
    for c, cid in enumerate(inp.offsets.credit_ids):
        add("offset", f"credit:{cid}", 0.0 - d.credits_t_cy[c] + 0.0, d.credits_t_cy[c], "t",
            -1.0, "t/t",
            f"credit '{cid}' ({inp.offsets.credit_kinds[c]})")
    for r, rid in enumerate(inp.offsets.removal_ids):
        add("offset", f"removal:{rid}", 0.0 - d.removals_t_ry[r] + 0.0, d.removals_t_ry[r], "t",
            -1.0,
            "t/t", f"removal '{rid}'" + ("" if inp.offsets.removal_permanent[r]
                                         else " (not permanent)"))
    return pd.concat(frames, ignore_index=True)


def _costs_table(inp: PlanInputs, acc: Accounts) -> pd.DataFrame:
    df = pd.DataFrame({
        "year": inp.years,
        "capex_measures_cny": acc.capex_measures_cny_y,
        "capex_pv_cny": acc.capex_pv_cny_y,
        "capex_battery_cny": acc.capex_battery_cny_y,
        "fixed_om_cny": acc.fixed_om_cny_y,
        "energy_cny": acc.energy_cost_cny_y,
        "fuel_cny": acc.fuel_cost_cny_y,
        "carbon_cny": acc.carbon_cost_cny_y,
        "certificates_cny": acc.certificate_cost_cny_y,
        "credits_cny": acc.credit_cost_cny_y,
        "removals_cny": acc.removal_cost_cny_y,
        "total_cny": acc.total_cost_cny_y,
        "discount_factor": inp.discount_factor_y,
    })
    df["discounted_total_cny"] = df["total_cny"] * df["discount_factor"]
    return df


def _net_zero_year(inp: PlanInputs, net_t: np.ndarray, tol_t: float) -> int | None:
    ok = net_t <= tol_t
    for y in range(inp.n_years):
        if ok[y:].all():
            return int(inp.years[y])
    return None


def build_plan(name: str, inp: PlanInputs, sol: Solution, *, profile: Any = None,
               profile_note: str = "", detail: bool = True) -> Plan:
    """Tables and summary of a solved plan.

    Parameters
    ----------
    name : str
        Scenario name.
    inp : PlanInputs
    sol : Solution
    profile : Profile, optional
        The standard to give verdicts for (:mod:`planner.standards`).
    profile_note : str
        A note on the profile (e.g. that an alias was used).
    detail : bool
        Also compute per-lever finance, the MACC and the pathway split (extra
        dispatches); False leaves those tables empty.

    Returns
    -------
    Plan
    """
    d = sol.decisions
    acc = account(inp, d, sol.balance)
    bau = account(inp, bau_decisions(inp), bau_energy(inp))
    npv = npv_cny(inp, acc)
    npv_bau = npv_cny(inp, bau)
    abated = float((bau.net_t_y - acc.net_t_y).sum())
    rep = sol.report
    bound_cny = rep.bound_mcny * 1e6
    gap = max(0.0, (npv - bound_cny) / abs(npv)) if np.isfinite(bound_cny) and npv else float("nan")
    tol_t = 1e-6 * max(inp.target.base_emissions_t, 1.0)
    capex = acc.capex_cny_y
    peak = int(np.argmax(capex)) if capex.size else 0
    # Imported here because finance builds on this module's accounts.
    from planner.finance import cashflow_table, lever_finance, plan_kpis
    from planner.macc import macc_table
    from planner.pathways import pathway_shares, pathway_table

    summary: dict[str, Any] = {
        "scenario": name,
        "base_year": int(inp.years[0]),
        "end_year": int(inp.years[-1]),
        "npv_plan_cny": npv,
        "npv_bau_cny": npv_bau,
        "npv_difference_cny": npv - npv_bau,
        "capex_total_cny": float(capex.sum()),
        "capex_peak_cny": float(capex[peak]),
        "capex_peak_year": int(inp.years[peak]),
        "base_year_emissions_t": inp.target.base_emissions_t,
        "emissions_abated_t": abated,
        "average_abatement_cost_cny_per_t": (npv - npv_bau) / abated if abated > 0 else None,
        "net_zero_year_target": int(inp.years[inp.target.net_zero_idx]),
        "net_zero_year_reached": _net_zero_year(inp, acc.net_t_y, tol_t),
        "credits_total_t": float(acc.credits_t_y.sum()),
        "removals_total_t": float(acc.removals_t_y.sum()),
        "certificates_total_mwh": float(acc.certificates_mwh_y.sum()),
        "measures_chosen": [inp.measures.ids[k] for k in range(inp.measures.count)
                            if d.build_my[k].any()],
        "solver_status": rep.status.value,
        "proven_optimal": rep.proven_optimal,
        "optimality_gap": gap,
        "iterations": rep.iterations,
        "cuts": rep.cuts,
        "evaluations": rep.evaluations,
        "chains_dispatched": rep.chains_dispatched,
        "assumptions": list(inp.notes),
    }
    summary.update(plan_kpis(inp, acc, bau))
    # Per-lever finance and the pathway split dispatch extra plans (~0.5 s): a sweep,
    # which only reads the summary's totals, skips them (detail=False).
    finance = lever_finance(inp, d) if detail else pd.DataFrame()
    pathways = pathway_table(inp, d, acc, bau) if detail else pd.DataFrame()
    summary.update(pathway_shares(pathways))
    rules, verdicts = _standard_tables(inp, d, sol, acc, profile, summary, profile_note)
    return Plan(name, inp, sol, acc, bau, _roadmap(inp, d, acc), _measures_table(inp, d),
                _energy_table(inp, sol.balance, acc), _emissions_table(inp, acc, d),
                _costs_table(inp, acc), summary, finance, cashflow_table(inp, acc, bau),
                pathways, macc_table(inp, finance) if detail else pd.DataFrame(), profile,
                rules, verdicts)


def _standard_tables(inp: PlanInputs, d: Decisions, sol: Solution, acc: Accounts, profile: Any,
                     summary: dict[str, Any], note: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rule checks and yearly verdicts; the summary gains the standard's figures."""
    from planner.verdicts import claim_year, metrics_of, rule_table, verdict_lines, year_verdicts

    if profile is None:
        summary.update(standard=None, claim_year=None)
        return pd.DataFrame(), pd.DataFrame()
    m = metrics_of(inp, acc.fuel_t_fy, acc.source_t_jy, acc.import_mwh_y,
                   acc.certificates_mwh_y, d.credits_t_cy, d.removals_t_ry,
                   sol.balance.load_mwh_cy[0])
    rules = rule_table(profile, inp, m)
    verdicts = year_verdicts(profile, rules)
    first = claim_year(verdicts)
    target = int(inp.years[inp.target.net_zero_idx])
    summary.update(
        standard=profile.name, standard_title=profile.title, standard_note=note,
        standard_base_year_boundary_t=m.base_t, claim_year=first,
        standard_met_every_year=bool(verdicts["met"].all()),
        standard_unverified_rules=[f"{r.id} ({r.mark})" for r in profile.unverified],
        verdicts=verdict_lines(profile, rules, verdicts,
                               sorted({y for y in (first, target) if y is not None})))
    return rules, verdicts
