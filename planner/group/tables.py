"""The group's tables: roadmap, allocation of shared purchases, value of planning jointly.

Every figure is a sum of the plants' own accounts (:mod:`planner.analysis.accounts`):
the group adds nothing of its own but the caps it compares them with.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from planner.group.solve import GroupRun

__all__ = ["group_allocation", "group_roadmap", "group_summary", "group_tables", "group_value"]


def _cap(values: np.ndarray | None, y: int) -> float:
    if values is None or not np.isfinite(values[y]):
        return math.nan
    return float(values[y])


def group_roadmap(run: GroupRun) -> pd.DataFrame:
    """One row per year: plants acting, capex, emissions, net against the group's cap."""
    g = run.group
    c = g.coupling
    rows = []
    for y, year in enumerate(g.years):
        acting = [p.name for p, plan in zip(g.plants, run.plans, strict=True)
                  if plan.solution.decisions.build_my[:, y].any()
                  or plan.solution.decisions.pv_new_kw_y[y] >= 0.5
                  or plan.solution.decisions.battery_new_kwh_y[y] >= 0.5]
        acc = [plan.accounts for plan in run.plans]
        rows.append({
            "year": int(year),
            "plants_acting": ";".join(acting),
            "capex_cny": float(sum(a.capex_cny_y[y] for a in acc)),
            "capex_budget_cny": _cap(c.capex_budget_cny_y, y),
            "scope1_t": float(sum(a.scope1_t_y[y] for a in acc)),
            "scope2_market_t": float(sum(a.scope2_market_t_y[y] for a in acc)),
            "certificates_mwh": float(sum(a.certificates_mwh_y[y] for a in acc)),
            "credits_t": float(sum(a.credits_t_y[y] for a in acc)),
            "removals_t": float(sum(a.removals_t_y[y] for a in acc)),
            "net_t": float(sum(a.net_t_y[y] for a in acc)),
            "allowed_t": _cap(c.net_cap_t_y, y),
            "total_cost_cny": float(sum(a.total_cost_cny_y[y] for a in acc)),
        })
    return pd.DataFrame(rows)


def group_allocation(run: GroupRun) -> pd.DataFrame:
    """One row per year and plant: its share of the group's purchases, with the pools."""
    g = run.group
    c = g.coupling
    rows = []
    for y, year in enumerate(g.years):
        for p, plan in zip(g.plants, run.plans, strict=True):
            a = plan.accounts
            rows.append({
                "year": int(year), "plant": p.name,
                "certificates_mwh": float(a.certificates_mwh_y[y]),
                "credits_t": float(a.credits_t_y[y]),
                "removals_t": float(a.removals_t_y[y]),
                "certificate_pool_mwh": _cap(c.certificate_pool_mwh_y, y),
                "credit_pool_t": _cap(c.credit_pool_t_y, y),
                "removal_pool_t": _cap(c.removal_pool_t_y, y),
            })
    return pd.DataFrame(rows)


def group_value(run: GroupRun) -> pd.DataFrame:
    """One row per plant, then the group: NPV jointly, alone, and the difference.

    ``npv_alone_cny`` is the plant planned alone under its share of the group's caps,
    budget and pools (its share of the group's base-year emissions); empty where that
    share cannot be met alone. ``abated_*_t``: tonnes abated against business as usual
    over the horizon in the joint plan (a plant that abates more than its share is where
    the group's cheaper tonnes are).
    """
    g = run.group
    shares = g.base_share()
    rows = []
    for p, plan, alone, w in zip(g.plants, run.plans, run.alone_npv_cny, shares, strict=True):
        abated = float((plan.bau.net_t_y - plan.accounts.net_t_y).sum())
        joint = float(plan.summary["npv_plan_cny"])
        rows.append({"plant": p.name, "base_share": float(w), "npv_joint_cny": joint,
                     "npv_alone_cny": math.nan if alone is None else alone,
                     "alone_feasible": alone is not None,
                     "npv_saved_cny": math.nan if alone is None else alone - joint,
                     "abated_joint_t": abated})
    df = pd.DataFrame(rows)
    # Alone: every plant computed (not NaN) and feasible (not None), else no group total.
    known = all(a is not None and math.isfinite(a) for a in run.alone_npv_cny)
    total = {"plant": "group", "base_share": 1.0, "npv_joint_cny": df["npv_joint_cny"].sum(),
             "npv_alone_cny": df["npv_alone_cny"].sum() if known else math.nan,
             "alone_feasible": bool(df["alone_feasible"].all()),
             "npv_saved_cny": df["npv_saved_cny"].sum() if known else math.nan,
             "abated_joint_t": df["abated_joint_t"].sum()}
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


def _or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def group_summary(run: GroupRun) -> dict[str, Any]:
    """The group's key figures (``group_summary.json``)."""
    value = group_value(run)
    total = value.iloc[-1]
    res = run.result
    return {
        "group": run.group.name,
        "plants": [p.name for p in run.group.plants],
        "years": [int(run.group.years[0]), int(run.group.years[-1])],
        "npv_group_cny": float(total["npv_joint_cny"]),
        "npv_alone_total_cny": _or_none(total["npv_alone_cny"]),
        "npv_saved_by_planning_jointly_cny": _or_none(total["npv_saved_cny"]),
        "base_emissions_t": run.group.base_emissions_t,
        "proven_optimal": run.proven_optimal,
        "iterations": len(res.history),
        "cuts": res.cuts,
        "scheduler": run.scheduler,
        "workers": run.workers,
        "wall_s": run.wall_s,
    }


def group_tables(run: GroupRun) -> dict[str, pd.DataFrame]:
    """File name -> table, for the group folder."""
    return {"group_roadmap.csv": group_roadmap(run),
            "group_allocation.csv": group_allocation(run),
            "group_value.csv": group_value(run)}
