"""What the plan is worth to a CFO: NPV, IRR, discounted payback, levelised abatement cost.

Discounting convention (the same as the objective and :func:`planner.plan.results.npv_cny`):
a cost of horizon year ``y`` is discounted by ``inp.discount_factor_y[y] = (1 + r)^-(y - base)``
and the straight-line salvage value of assets still alive after the horizon by
``inp.salvage_discount = (1 + r)^-n`` (end of the last year). The incremental cash flows
of a plan therefore have ``n + 1`` entries: years ``0 .. n-1`` and, at ``t = n``, the
salvage. With that, ``npv(flows) = npv_bau - npv_plan`` holds exactly.

Per lever (each measure the plan builds, its PV and its battery) the figures come from
*with and without*: the plan as solved against the same plan without that lever, every
other decision (the other measures, PV, battery, certificates, credits, removals) held
fixed, both dispatched exactly over all hours of every year. The lever's cash flow is
the difference of the two plans' total costs, its tonnes the difference of their net
emissions. Marginal figures of several levers need not add up to the plan's total
(their effects interact, e.g. an efficiency measure saves less grid electricity once PV
covers part of the load).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy_financial as npf
import pandas as pd

from models.inputs import PlanInputs
from models.money import PROFILE_PARTS, price_index, tax_ledger
from models.solution import Decisions
from models.terms import terms_of
from planner.analysis.accounts import Accounts, account, exact_balances

__all__ = [
    "CASH_PART_COLUMNS",
    "LeverFlows",
    "cash_parts_table",
    "cashflow_table",
    "discounted_payback_index",
    "incremental_flows_cny",
    "irr",
    "lever_finance",
    "npv_flows_cny",
    "plan_kpis",
    "project_view_kpis",
    "purchases_kpis",
    "tax_ledger_table",
]

#: Columns of the per-lever finance table (documented in docs/reports.md).
FINANCE_COLUMNS = ["lever", "name", "kind", "build_years", "first_build_year", "capex_cny",
                   "npv_cny", "discounted_cost_cny", "abated_t", "abated_discounted_t",
                   "lcoa_cny_per_t"]


def flow_discount_factors(inp: PlanInputs) -> np.ndarray:
    """Discount factors of the ``n + 1`` flows: the horizon's years, then the salvage [-]."""
    return np.append(inp.discount_factor_y, inp.salvage_discount)


def npv_flows_cny(inp: PlanInputs, flows_cny: np.ndarray) -> float:
    """NPV of ``n + 1`` cash flows (years, then salvage) with the plan's factors [CNY]."""
    return float(flow_discount_factors(inp) @ flows_cny)


def _cost_flows_cny(acc: Accounts) -> np.ndarray:
    """Cost per year, then at the end of the horizon (minus the salvage) [CNY]: after tax
    and financing where the scenario has them (:attr:`Accounts.cash_cost_cny_f`)."""
    # "+ 0.0" turns a BAU's -0.0 salvage into 0.0, so that CSV files show "0".
    return acc.cash_cost_cny_f + 0.0


def incremental_flows_cny(acc_plan: Accounts, acc_ref: Accounts) -> np.ndarray:
    """Cash flows of doing the plan instead of the reference (positive: money saved) [CNY].

    Returns ``n + 1`` values: ``ref_total - plan_total`` in each year, then
    ``plan_salvage - ref_salvage`` at the end of the horizon.
    """
    return _cost_flows_cny(acc_ref) - _cost_flows_cny(acc_plan)


def irr(flows_cny: np.ndarray) -> float | None:
    """Internal rate of return of yearly cash flows (first at ``t = 0``) [1/yr].

    ``None`` when the flows never change sign (no rate makes their NPV zero) or
    numpy-financial finds no real root. With more than one sign change several rates
    may exist; numpy-financial returns the one closest to zero, as spreadsheets do.
    """
    f = np.asarray(flows_cny, dtype=float)
    if not _changes_sign(f):
        return None
    with np.errstate(all="ignore"):
        rate = npf.irr(f)
    return None if not np.isfinite(rate) else float(rate)


def discounted_payback_index(discount_factors: np.ndarray, flows_cny: np.ndarray) -> int | None:
    """First index at which the cumulative discounted cash flow is ``>= 0`` (None: never).

    Money saved is positive. A plan that saves money from its first year pays back at 0.
    """
    cum = np.cumsum(np.asarray(discount_factors) * np.asarray(flows_cny))
    # Tolerate round-off relative to the flows' size, so that an exact break-even counts.
    tol = 1e-9 * max(float(np.abs(flows_cny).sum()), 1.0)
    hits = np.nonzero(cum >= -tol)[0]
    return int(hits[0]) if hits.size else None


def plan_kpis(inp: PlanInputs, acc: Accounts, bau: Accounts) -> dict[str, float | int | None]:
    """The plan's finance figures against business as usual.

    Returns
    -------
    dict
        ``npv_savings_cny`` [CNY]: NPV of the incremental flows (``npv_bau - npv_plan``);
        ``irr`` [1/yr] or None; ``discounted_payback_year`` (calendar year; the salvage
        counts in the last year) or None; ``emissions_abated_discounted_t`` [t];
        ``levelised_abatement_cost_cny_per_t`` [CNY/t] = discounted net cost / discounted
        tonnes (None if nothing is abated).

    Notes
    -----
    LCOA = (NPV_plan - NPV_bau) / sum_y d_y (net_bau,y - net_plan,y).
    """
    flows = incremental_flows_cny(acc, bau)
    dfs = flow_discount_factors(inp)
    npv_savings = npv_flows_cny(inp, flows)
    tonnes_disc = float(inp.discount_factor_y @ (bau.net_t_y - acc.net_t_y))
    k = discounted_payback_index(dfs, flows)
    years = inp.years
    return {
        "npv_savings_cny": npv_savings,
        "irr": irr(flows),
        "discounted_payback_year": None if k is None else int(years[min(k, len(years) - 1)]),
        "emissions_abated_discounted_t": tonnes_disc,
        "levelised_abatement_cost_cny_per_t": (-npv_savings / tonnes_disc
                                               if tonnes_disc > 0 else None),
    }


#: Parts of the cash flows that belong to the loan: the project view leaves them out.
FINANCING_PARTS = ("loan_drawdown", "loan_principal", "loan_interest", "interest_tax_shield")


def project_view_kpis(inp: PlanInputs, acc: Accounts, bau: Accounts
                      ) -> dict[str, float | int | None]:
    """The plan's figures against BAU in the *project* view: all capital, no loan.

    The summary's main figures are the equity view (after the loan, ``[loan]``); here
    the loan's parts (:data:`FINANCING_PARTS`) are taken out of the plan's cash flows,
    taxes stay. Without ``[loan]`` both views are the same.

    Returns
    -------
    dict
        ``npv_savings_project_cny``, ``irr_project``, ``discounted_payback_year_project``,
        ``levelised_abatement_cost_project_cny_per_t`` (as in :func:`plan_kpis`).
    """
    loan = sum((acc.cash_parts_cny_f[p] for p in FINANCING_PARTS if p in acc.cash_parts_cny_f),
               np.zeros(inp.n_years + 1))
    flows = incremental_flows_cny(acc, bau) + loan
    dfs = flow_discount_factors(inp)
    npv_savings = float(dfs @ flows)
    tonnes_disc = float(inp.discount_factor_y @ (bau.net_t_y - acc.net_t_y))
    k = discounted_payback_index(dfs, flows)
    return {
        "npv_savings_project_cny": npv_savings,
        "irr_project": irr(flows),
        "discounted_payback_year_project": (None if k is None else
                                            int(inp.years[min(k, inp.n_years - 1)])),
        "levelised_abatement_cost_project_cny_per_t": (-npv_savings / tonnes_disc
                                                       if tonnes_disc > 0 else None),
    }


def purchases_kpis(inp: PlanInputs, acc: Accounts, purchases: Accounts | None
                   ) -> dict[str, float | int | None]:
    """The plan's figures against the purchases-only baseline (issue 15's second baseline).

    The incremental cash flow of each year is the baseline's cost less the plan's (the
    end slot: the plan's salvage after tax less the baseline's), both after tax and
    financing: what the investments earn beyond buying compliance.

    Returns
    -------
    dict
        ``npv_purchases_only_cny`` [CNY] (the baseline's NPV, from its accounts),
        ``npv_savings_vs_purchases_cny`` [CNY] (NPV of the incremental flows =
        ``npv_purchases_only_cny - npv_plan``), ``irr_vs_purchases`` [1/yr] (None when the
        flows never change sign: see ``irr_vs_purchases_defined``),
        ``discounted_payback_year_vs_purchases`` (as in :func:`plan_kpis`) and
        ``irr_vs_purchases_defined`` (False: the flows never change sign, e.g. the plan
        saves money from its first year on, or never saves any). All None (and
        ``irr_vs_purchases_defined`` False) when there is no baseline (purchases alone
        cannot comply).
    """
    if purchases is None:
        return {**dict.fromkeys(("npv_purchases_only_cny", "npv_savings_vs_purchases_cny",
                                 "irr_vs_purchases", "discounted_payback_year_vs_purchases")),
                "irr_vs_purchases_defined": False}
    flows = incremental_flows_cny(acc, purchases)
    dfs = flow_discount_factors(inp)
    k = discounted_payback_index(dfs, flows)
    rate = irr(flows)
    return {
        "npv_purchases_only_cny": npv_flows_cny(inp, _cost_flows_cny(purchases)),
        "npv_savings_vs_purchases_cny": npv_flows_cny(inp, flows),
        "irr_vs_purchases": rate,
        "irr_vs_purchases_defined": _changes_sign(flows),
        "discounted_payback_year_vs_purchases": (None if k is None else
                                                 int(inp.years[min(k, inp.n_years - 1)])),
    }


def _changes_sign(flows_cny: np.ndarray) -> bool:
    """The flows hold both a gain and a loss (beyond round-off): an IRR may exist."""
    f = np.asarray(flows_cny, dtype=float)
    nz = f[np.abs(f) > 1e-9 * max(np.abs(f).max(initial=0.0), 1.0)]
    return bool((nz > 0).any() and (nz < 0).any())


def cashflow_table(inp: PlanInputs, acc: Accounts, bau: Accounts,
                   purchases: Accounts | None = None) -> pd.DataFrame:
    """One row per year (and a last row ``salvage``): plan, BAU, incremental flows [CNY];
    then the purchases-only baseline's cost and the flows against it (empty without it)."""
    flows = incremental_flows_cny(acc, bau)
    dfs = flow_discount_factors(inp)
    disc = dfs * flows
    if purchases is not None:
        vs = incremental_flows_cny(acc, purchases)
        p_cost = _cost_flows_cny(purchases)
    else:
        vs = p_cost = np.full(inp.n_years + 1, np.nan)
    return pd.DataFrame({
        "year": [str(y) for y in inp.years] + ["salvage"],
        "plan_cost_cny": _cost_flows_cny(acc),
        "bau_cost_cny": _cost_flows_cny(bau),
        "incremental_cny": flows,
        "discount_factor": dfs,
        "discounted_incremental_cny": disc,
        "cumulative_discounted_cny": np.cumsum(disc),
        "purchases_cost_cny": p_cost,
        "incremental_vs_purchases_cny": vs,
        "cumulative_discounted_vs_purchases_cny": np.cumsum(dfs * vs),
    })


#: The cash-flow parts of a plan, in the order of cash_parts.csv (docs/outputs.md).
CASH_PART_COLUMNS = [f"{p}_cny" for p in (*PROFILE_PARTS, "operating_cost",
                                          "operating_tax_shield")]


def cash_parts_table(inp: PlanInputs, acc: Accounts) -> pd.DataFrame:
    """One row per year, then ``end``: the plan's cash flows part by part [CNY].

    Costs positive, money received negative. ``cash_cost_cny`` is their sum (the
    plan's row of ``cashflow.csv``) and ``discounted_cash_cost_cny`` sums to the plan's
    NPV; without ``[tax]``, ``[loan]``, subsidies or contracts only ``capex_cny``,
    ``salvage_after_tax_cny`` and ``operating_cost_cny`` are non-zero.
    """
    n = inp.n_years + 1
    cols = {c: acc.cash_parts_cny_f.get(c.removesuffix("_cny"), np.zeros(n)) + 0.0
            for c in CASH_PART_COLUMNS}
    total = acc.cash_cost_cny_f + 0.0
    dfs = flow_discount_factors(inp)
    level = price_index(inp.finance.inflation_rate_y if inp.finance else None,
                        np.arange(n), inp.n_years)
    return pd.DataFrame({"year": [str(y) for y in inp.years] + ["end"], **cols,
                         "cash_cost_cny": total, "discount_factor": dfs,
                         "discounted_cash_cost_cny": dfs * total, "price_index": level,
                         "cash_cost_nominal_cny": total * level,
                         "discount_factor_nominal": dfs / level})


def tax_ledger_table(inp: PlanInputs, acc: Accounts, bau: Accounts) -> pd.DataFrame:
    """One row per year: the firm's income tax with the plan when losses and credits can
    only be carried forward (empty without ``tax.taxable_profit_cny``).

    The optimisation and ``cash_parts`` assume a firm profitable enough to use every
    deduction and credit in its year (``tax_assumed_cny``); this ledger starts from the
    firm's taxable profit without the plan, subtracts the plan's deductions (change of
    operating costs against BAU, tax depreciation, loan interest, contract payments, less
    taxable subsidies), carries losses and the special-equipment credit forward for 5
    years (:func:`models.money.tax_ledger`) and shows what that costs:
    ``carry_forward_cost_cny = tax_paid_cny - tax_assumed_cny``.
    """
    fin = inp.finance
    if fin is None or fin.taxable_profit_cny_y is None:
        return pd.DataFrame()
    n = inp.n_years
    tax = fin.tax_rate_y
    parts = acc.cash_parts_cny_f

    def part(name: str) -> np.ndarray:
        return parts.get(name, np.zeros(n + 1))[:n]

    with np.errstate(divide="ignore", invalid="ignore"):
        # The shield is -rate x depreciation: where the rate is 0 there is no shield to
        # recover the deduction from, and no tax for it to lower that year.
        depreciation = np.where(tax > 0, -part("depreciation_tax_shield") / tax, 0.0)
    subsidy_income = -part("subsidy") if fin.subsidy_taxable else np.zeros(n)
    deductions = (parts["operating_cost"][:n] - bau.cash_parts_cny_f["operating_cost"][:n]
                  + depreciation + part("loan_interest") + part("contract_payment")
                  - subsidy_income)
    taxable = fin.taxable_profit_cny_y - deductions
    credit = -part("tax_credit")
    led = tax_ledger(tax, taxable, credit)
    assumed = tax * taxable - credit
    return pd.DataFrame({
        "year": inp.years, "taxable_profit_before_plan_cny": fin.taxable_profit_cny_y,
        "plan_deductions_cny": deductions, "taxable_income_cny": taxable,
        "loss_used_cny": led.loss_used_cny_y, "loss_carried_cny": led.loss_carried_cny_y,
        "loss_expired_cny": led.loss_expired_cny_y,
        "tax_before_credit_cny": led.tax_before_credit_cny_y, "credit_earned_cny": credit,
        "credit_used_cny": led.credit_used_cny_y,
        "credit_carried_cny": led.credit_carried_cny_y,
        "credit_expired_cny": led.credit_expired_cny_y, "tax_paid_cny": led.tax_paid_cny_y,
        "tax_assumed_cny": assumed, "carry_forward_cost_cny": led.tax_paid_cny_y - assumed,
    })


# --------------------------------------------------------------------------- per lever

def _without_measure(d: Decisions, k: int) -> Decisions:
    build = d.build_my.copy()
    alive = d.alive_my.copy()
    build[k] = 0
    alive[k] = 0
    return replace(d, build_my=build, alive_my=alive)


def _without_pv(d: Decisions) -> Decisions:
    z = np.zeros_like(d.pv_new_kw_y)
    return replace(d, pv_new_kw_y=z, pv_capacity_kw_y=z, pv_effective_kw_y=z)


def _without_battery(d: Decisions) -> Decisions:
    z = np.zeros_like(d.battery_new_kwh_y)
    return replace(d, battery_new_kwh_y=z, battery_new_kw_y=z, battery_kwh_y=z, battery_kw_y=z)


@dataclass(frozen=True)
class LeverFlows:
    """Yearly effect of one lever: the plan with it minus the plan without it."""

    lever: str
    name: str
    kind: str
    build_years: tuple[int, ...]
    capex_cny: float
    #: ``n + 1`` cash flows: money saved by the lever each year, then its salvage [CNY].
    flows_cny: np.ndarray
    #: Net emissions avoided each year [t CO2e].
    abated_t_y: np.ndarray
    #: ETS (with CCER) and CBAM cost the lever saves each year [CNY] (None: no markets).
    ets_saved_cny_y: np.ndarray | None = None
    cbam_saved_cny_y: np.ndarray | None = None


def lever_flows(inp: PlanInputs, d: Decisions) -> list[LeverFlows]:
    """With-and-without flows of every lever the plan uses (measures built, PV, battery).

    All plans (the plan and one per lever removed) are dispatched in one vectorised
    exact evaluation, at the tariff's cheapest dispatch.
    """
    ms, t = inp.measures, terms_of(inp)
    variants: list[tuple[str, str, str, Decisions, np.ndarray, float]] = []
    for k in range(ms.count):
        if d.build_my[k].any():
            capex = float(t.measure_capex_cny_mv[k] @ d.build_my[k])
            variants.append((ms.ids[k], ms.names[k], "measure", _without_measure(d, k),
                             inp.years[d.build_my[k] > 0], capex))
    if (d.pv_new_kw_y > 0).any():
        capex = float(t.pv_capex_cny_per_kw_v @ d.pv_new_kw_y)
        variants.append(("pv", "Rooftop PV", "pv", _without_pv(d),
                         inp.years[d.pv_new_kw_y > 0], capex))
    if (d.battery_new_kwh_y > 0).any():
        capex = float(t.battery_energy_capex_cny_per_kwh_v @ d.battery_new_kwh_y
                      + t.battery_power_capex_cny_per_kw_v @ d.battery_new_kw_y)
        variants.append(("battery", "Battery storage", "battery", _without_battery(d),
                         inp.years[d.battery_new_kwh_y > 0], capex))
    if not variants:
        return []
    plans = [d] + [v[3] for v in variants]
    accs = [account(inp, dd, bal) for dd, bal in zip(plans, exact_balances(inp, plans),
                                                      strict=True)]
    with_acc = accs[0]
    out = []
    for (lever, name, kind, _, years, capex), without in zip(variants, accs[1:], strict=True):
        out.append(LeverFlows(lever, name, kind, tuple(int(y) for y in years), capex,
                              incremental_flows_cny(with_acc, without),
                              without.net_t_y - with_acc.net_t_y,
                              *_market_savings(with_acc, without)))
    return out


def lever_finance(inp: PlanInputs, d: Decisions) -> pd.DataFrame:
    """One row per lever the plan uses: capex, NPV of its own cash flows, tonnes, LCOA.

    Columns: see :data:`FINANCE_COLUMNS` and docs/reports.md. ``npv_cny`` is positive
    when the lever saves money over the horizon; ``lcoa_cny_per_t`` is its discounted
    net cost over its discounted tonnes (negative: it abates at a profit), empty when
    it abates nothing.
    """
    rows = []
    for lf in lever_flows(inp, d):
        npv = npv_flows_cny(inp, lf.flows_cny)
        t_disc = float(inp.discount_factor_y @ lf.abated_t_y)
        rows.append({
            "lever": lf.lever, "name": lf.name, "kind": lf.kind,
            "build_years": ";".join(str(y) for y in lf.build_years),
            "first_build_year": lf.build_years[0] if lf.build_years else None,
            "capex_cny": lf.capex_cny,
            "npv_cny": npv,
            "discounted_cost_cny": -npv,
            "abated_t": float(lf.abated_t_y.sum()),
            "abated_discounted_t": t_disc,
            "lcoa_cny_per_t": -npv / t_disc if t_disc > 1e-9 else None,
            **_market_saving_columns(inp, lf),
        })
    return pd.DataFrame(rows, columns=FINANCE_COLUMNS + _market_finance_columns(inp))


# --------------------------------------------------------------------------- carbon markets

def _market_savings(with_acc: Accounts, without: Accounts
                    ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """ETS and CBAM cost of the plan without a lever less with it, per year [CNY]."""
    a, b = with_acc.markets, without.markets
    if a is None or b is None:
        return None, None
    return ((b.ets_cost_cny_y + b.ccer_cost_cny_y) - (a.ets_cost_cny_y + a.ccer_cost_cny_y),
            b.cbam_cost_cny_y - a.cbam_cost_cny_y)


def _market_finance_columns(inp: PlanInputs) -> list[str]:
    """finance.csv columns of the carbon markets the scenario has."""
    mk = inp.markets
    if mk is None:
        return []
    return (["ets_saved_cny"] if mk.ets is not None else []) + (
        ["cbam_saved_cny"] if mk.cbam is not None else [])


def _market_saving_columns(inp: PlanInputs, lf: LeverFlows) -> dict[str, float]:
    """Undiscounted totals over the horizon of what a lever saves of ETS and CBAM [CNY]."""
    cols = _market_finance_columns(inp)
    out: dict[str, float] = {}
    if "ets_saved_cny" in cols and lf.ets_saved_cny_y is not None:
        out["ets_saved_cny"] = float(lf.ets_saved_cny_y.sum())
    if "cbam_saved_cny" in cols and lf.cbam_saved_cny_y is not None:
        out["cbam_saved_cny"] = float(lf.cbam_saved_cny_y.sum())
    return out
