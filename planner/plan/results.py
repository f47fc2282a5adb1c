"""A solved plan as tidy tables: roadmap, measures, energy, emissions, costs, summary.

Every figure comes from :mod:`planner.analysis.accounts` (the decisions times the
coefficients of :mod:`models.terms`, with the exact 8760-hour energy balance of
each year), not from the MILP's expressions; the MILP objective is only used to
report the optimality gap. The same :func:`account` serves the plan and business
as usual, so their difference is like for like.

Column names carry their units (``_cny``, ``_t``, ``_mwh``, ``_kw``, ``_kwh``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from models.hourly import EnergyBalance
from models.inputs import PlanInputs
from models.solution import Decisions
from models.terms import terms_of
from planner.analysis.accounts import Accounts, account, bau_decisions, bau_energy, npv_cny
from planner.analysis.finance import (
    cash_parts_table,
    cashflow_table,
    lever_finance,
    plan_kpis,
    project_view_kpis,
    purchases_kpis,
    tax_ledger_table,
)
from planner.analysis.macc import macc_table
from planner.analysis.pathways import pathway_shares, pathway_table
from planner.analysis.verdicts import (
    claim_year,
    metrics_of,
    rule_table,
    verdict_lines,
    year_verdicts,
)

if TYPE_CHECKING:  # the solve step's output type only: results never calls the solver
    from planner.solve.run import Solution

__all__ = ["Accounts", "Plan", "account", "build_plan", "credits_share", "npv_cny",
           "with_purchases_baseline"]


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
    #: One row per lever the plan uses (measures, PV, battery): see :mod:`planner.analysis.finance`.
    finance: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year, then salvage: plan and BAU costs and the incremental cash flow.
    cashflow: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year and pathway: tonnes abated against BAU (:mod:`planner.analysis.pathways`).
    pathways: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The marginal abatement cost curve and offset price lines (:mod:`planner.analysis.macc`).
    macc: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The standard's rule profile (None: no standard chosen).
    profile: Any = None
    #: One row per year and rule of the standard (:mod:`planner.analysis.verdicts`).
    rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year: the standard met or not, claim possible or not.
    verdicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year, then the end: the cash flows part by part, after tax and
    #: financing (:func:`planner.analysis.finance.cash_parts_table`).
    cash_parts: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: One row per year: income tax with losses and credits carried forward (empty
    #: without ``tax.taxable_profit_cny``; :func:`planner.analysis.finance.tax_ledger_table`).
    tax_ledger: pd.DataFrame = field(default_factory=pd.DataFrame)


def _roadmap(inp: PlanInputs, d: Decisions, acc: Accounts) -> pd.DataFrame:
    ids = inp.measures.ids
    built = [";".join(ids[k] for k in np.nonzero(d.build_my[:, y])[0]) for y in range(inp.n_years)]
    road = pd.DataFrame({
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
    return road.assign(**_market_roadmap_columns(inp, acc), **_green_roadmap_columns(acc))


def _measures_table(inp: PlanInputs, d: Decisions) -> pd.DataFrame:
    ms, capex_mv = inp.measures, terms_of(inp).measure_capex_cny_mv
    rows = []
    for k in range(ms.count):
        years = inp.years[d.build_my[k] > 0]
        rows.append({
            "measure": ms.ids[k], "name": ms.names[k], "pathway": ms.pathways[k],
            "chosen": bool(years.size), "build_years": ";".join(str(y) for y in years),
            "first_build_year": int(years[0]) if years.size else None,
            "capex_cny": float(capex_mv[k] @ d.build_my[k]),
            "years_alive": int(d.alive_my[k].sum()),
            "group": ms.group_of_m[k] or "",
        })
    return pd.DataFrame(rows, columns=["measure", "name", "pathway", "chosen", "build_years",
                                       "first_build_year", "capex_cny", "years_alive", "group"])


def _energy_table(inp: PlanInputs, bal: EnergyBalance, acc: Accounts) -> pd.DataFrame:
    pv = bal.pv_mwh_cy[0]
    self_used = pv - bal.export_mwh_cy[0] - bal.curtailed_mwh_cy[0]
    # Monthly peaks of the calendar months (a typical year of 8760 hours has 12).
    peaks = np.full((inp.n_years, 12), np.nan)
    if bal.peak_import_kw_cym is not None:
        n_m = min(12, bal.peak_import_kw_cym.shape[2])
        peaks[:, :n_m] = bal.peak_import_kw_cym[0, :, :n_m]
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
        **{f"peak_import_kw_m{m + 1:02d}": peaks[:, m] for m in range(12)},
        "import_cost_cny": bal.import_cost_cny_cy[0],
        "export_revenue_cny": bal.export_revenue_cny_cy[0],
        "energy_cost_cny": acc.energy_cost_cny_y,
        "basic_charge_cny": acc.basic_cny_y,
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

    parts = inp.fuel_ef_gas_t_per_gj_fk
    for f, fid in enumerate(inp.fuel_ids):
        if parts is None:
            add("scope1", f"fuel:{fid}", acc.fuel_t_fy[f], acc.fuel_gj_fy[f], "GJ",
                inp.fuel_ef_t_per_gj_f[f], "t/GJ", prov.get(f"fuel:{fid}", ""))
            continue
        # CO2, then the CH4 and N2O of combustion (CO2e) as rows of their own.
        for k, (key, unit) in enumerate(((f"fuel:{fid}", "t/GJ"),
                                         (f"fuel:{fid}:ch4", "t CO2e/GJ"),
                                         (f"fuel:{fid}:n2o", "t CO2e/GJ"))):
            if k == 0 or parts[f, k] > 0:
                add("scope1", key, parts[f, k] * acc.fuel_gj_fy[f], acc.fuel_gj_fy[f], "GJ",
                    parts[f, k], unit, prov.get(key, ""))
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
        acc.import_mwh_y - np.minimum(acc.certificates_mwh_y, acc.import_mwh_y)
        - acc.green_counted_mwh_y, "MWh",
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
        "basic_charge_cny": acc.basic_cny_y,
        "fuel_cny": acc.fuel_cost_cny_y,
        "carbon_cny": acc.carbon_cost_cny_y,
        "certificates_cny": acc.certificate_cost_cny_y,
        "credits_cny": acc.credit_cost_cny_y,
        "removals_cny": acc.removal_cost_cny_y,
        **_market_cost_columns(acc),
        **({"green_power_cny": acc.green_cny_y} if acc.green_cost_cny_y is not None else {}),
        "total_cny": acc.total_cost_cny_y,
        "discount_factor": inp.discount_factor_y,
    })
    df["discounted_total_cny"] = df["total_cny"] * df["discount_factor"]
    return df


# --------------------------------------------------------------------------- carbon markets
# Columns present only when the scenario has [production] (and [ets] / [cbam]).

def _market_roadmap_columns(inp: PlanInputs, acc: Accounts) -> dict[str, np.ndarray]:
    """Output, intensity, ETS position and CBAM cost per year (empty without output)."""
    mk, mi = acc.markets, inp.markets
    if mk is None or mi is None:
        return {}
    cols: dict[str, np.ndarray] = {
        "output": mk.output_y,
        "intensity_t_per_unit": mk.intensity_t_per_unit_y,
    }
    if mi.ets is not None:
        cols |= {
            "ets_covered_t": mk.ets_covered_t_y,
            "ets_free_allocation_t": mk.ets_free_allocation_t_y,
            "ccer_t": mk.ccer_t_y,
            "ets_bought_t": mk.ets_bought_t_y,
            "ets_sold_t": mk.ets_sold_t_y,
            "ets_cost_cny": mk.ets_cost_cny_y + mk.ccer_cost_cny_y,
        }
    if mi.cbam is not None:
        exported = mk.output_y * mi.cbam.export_share_y
        per_unit = np.divide(mk.cbam_cost_cny_y, exported, out=np.full_like(exported, np.nan),
                             where=exported > 0)
        cols |= {
            "exported_output": exported,
            "cbam_intensity_t_per_unit": np.divide(
                mk.cbam_embedded_t_y, exported, out=np.full_like(exported, np.nan),
                where=exported > 0),
            "cbam_embedded_t": mk.cbam_embedded_t_y,
            "cbam_free_t": mk.cbam_free_t_y,
            "cbam_chargeable_t": mk.cbam_chargeable_t_y,
            "cbam_cost_cny": mk.cbam_cost_cny_y,
            "cbam_cost_cny_per_unit_exported": per_unit,
        }
    return cols


def _market_cost_columns(acc: Accounts) -> dict[str, np.ndarray]:
    """costs.csv columns of the carbon markets (empty without output)."""
    mk = acc.markets
    if mk is None:
        return {}
    return {"ets_cny": mk.ets_cost_cny_y, "ccer_cny": mk.ccer_cost_cny_y,
            "cbam_cny": mk.cbam_cost_cny_y}


def _market_summary(inp: PlanInputs, acc: Accounts) -> dict[str, Any]:
    """Totals of the carbon markets for summary.json (empty without output)."""
    mk, mi = acc.markets, inp.markets
    if mk is None or mi is None:
        return {}
    return {"output_unit": mi.unit,
            "ets_cost_total_cny": float((mk.ets_cost_cny_y + mk.ccer_cost_cny_y).sum()),
            "ccer_total_t": float(mk.ccer_t_y.sum()),
            "cbam_cost_total_cny": float(mk.cbam_cost_cny_y.sum())}


# --------------------------------------------------------------------------- green power
# Columns and keys present only when the scenario has [[green_power]] contracts.

def _green_roadmap_columns(acc: Accounts) -> dict[str, np.ndarray]:
    """Green power counted and paid per year (empty without contracts)."""
    if acc.green_paid_mwh_gy is None:
        return {}
    return {"green_power_mwh": acc.green_counted_mwh_y,
            "green_power_paid_mwh": acc.green_paid_mwh_gy.sum(axis=0),
            "green_power_cny": acc.green_cny_y}


def _green_summary(inp: PlanInputs, d: Decisions, acc: Accounts) -> dict[str, Any]:
    """Totals and one entry per contract for summary.json (empty without contracts)."""
    g = inp.green
    if g is None or acc.green_paid_mwh_gy is None or d.green_mwh_gy is None:
        return {}
    gt = terms_of(inp).green
    assert gt is not None
    contracts = []
    for c, cid in enumerate(g.ids):
        years = inp.years[acc.green_paid_mwh_gy[c] > 0]
        contracts.append({
            "id": cid, "shape": "take_or_pay" if g.take_or_pay_g[c] else "as_consumed",
            "volume_mwh_per_year": (float(d.green_volume_mwh_g[c])
                                    if g.take_or_pay_g[c] and d.green_volume_mwh_g is not None
                                    else None),
            "delivered_mwh": float(d.green_mwh_gy[c].sum()),
            "paid_mwh": float(acc.green_paid_mwh_gy[c].sum()),
            "premium_cny": float((gt.premium_cny_per_mwh_gy[c] * acc.green_paid_mwh_gy[c]).sum()),
            "first_year": int(years[0]) if years.size else None,
            "last_year": int(years[-1]) if years.size else None})
    return {"green_power_total_mwh": float(acc.green_counted_mwh_y.sum()),
            "green_power_cost_total_cny": float(acc.green_cny_y.sum()),
            "green_power_contracts": contracts}


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
        The standard to give verdicts for (:mod:`planner.tables.standards`).
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
        "base_year_emissions_location_t": inp.target.base_emissions_location_t,
        "scope2_basis": inp.target.scope2_basis,
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
        # Which limit stopped the run: "time" (wall clock, depends on the machine's load),
        # "work" (deterministic: node limit, decomposition iterations, rule rounds) or None.
        "stopped_by": rep.stopped_by,
        "optimality_gap": gap,
        "iterations": rep.iterations,
        "cuts": rep.cuts,
        "evaluations": rep.evaluations,
        "chains_dispatched": rep.chains_dispatched,
        "basic_charge_basis": basic_charge_basis(inp),
        "basic_charge_total_cny": float(acc.basic_cny_y.sum()),
        # With basis "cheaper" the pipeline solves both bases and fills these in.
        "basic_charge_basis_choice": None,
        "basic_charge_npv_other_basis_cny": None,
        "assumptions": list(inp.notes),
        # Plausibility warnings of the scenario file; the pipeline fills them in.
        "warnings": [],
    }
    summary.update(plan_kpis(inp, acc, bau))
    summary.update(_market_summary(inp, acc))
    summary.update(_green_summary(inp, d, acc))
    summary.update(project_view_kpis(inp, acc, bau))
    # The purchases-only baseline is a second solve: the pipeline fills these in
    # (with_purchases_baseline); null here, and where purchases alone cannot comply.
    summary.update(purchases_kpis(inp, acc, None))
    fin = inp.finance
    summary["money_after_tax"] = bool(fin is not None and fin.tax_rate_y.any())
    summary["money_loan_share"] = float(fin.loan_share) if fin is not None else 0.0
    summary["money_inflation_rate"] = (float(fin.inflation_rate_y[0]) if fin is not None
                                       and fin.inflation_rate_y is not None else 0.0)
    summary["money_price_basis"] = inp.price_basis
    ledger = tax_ledger_table(inp, acc, bau)
    if not ledger.empty:
        summary["tax_carry_forward_npv_cny"] = float(
            inp.discount_factor_y @ ledger["carry_forward_cost_cny"].to_numpy())
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
                rules, verdicts, cash_parts_table(inp, acc), ledger)


def with_purchases_baseline(plan: Plan, purchases: Accounts | None) -> Plan:
    """The plan with its figures against the purchases-only baseline (issue 15).

    ``purchases``: the accounts of the least-cost compliance by purchases alone (None:
    purchases alone cannot comply; the figures stay null). The summary gains its NPV,
    the NPV, IRR and discounted payback of the plan's incremental cash flows against it
    (:func:`planner.analysis.finance.purchases_kpis`), ``cashflow.csv`` its cost and the
    flows year by year.
    """
    plan.summary.update(purchases_kpis(plan.inputs, plan.accounts, purchases))
    return replace(plan, cashflow=cashflow_table(plan.inputs, plan.accounts, plan.bau,
                                                 purchases))


def basic_charge_basis(inp: PlanInputs) -> str | None:
    """``"demand"``, ``"capacity"`` or None: how the plan's basic charge is billed."""
    hd = inp.hourly
    if hd.demand_charge_cny_per_kw_month_y is not None:
        return "demand"
    if hd.capacity_charge_cny_y is not None:
        return "capacity"
    return None


def _standard_tables(inp: PlanInputs, d: Decisions, sol: Solution, acc: Accounts, profile: Any,
                     summary: dict[str, Any], note: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rule checks and yearly verdicts; the summary gains the standard's figures."""
    if profile is None:
        summary.update(standard=None, claim_year=None)
        return pd.DataFrame(), pd.DataFrame()
    m = metrics_of(inp, acc.fuel_t_fy, acc.source_t_jy, acc.import_mwh_y,
                   acc.certificates_mwh_y, d.credits_t_cy, d.removals_t_ry,
                   sol.balance.load_mwh_cy[0], acc.green_mwh_y)
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


def credits_share(summary: dict[str, Any]) -> float | None:
    """Credits bought over the tonnes abated against BAU [-] (None if nothing is abated)."""
    abated = summary["emissions_abated_t"]
    return summary["credits_total_t"] / abated if abated > 0 else None
