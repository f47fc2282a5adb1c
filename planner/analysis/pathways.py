"""Abatement by pathway, year by year: BAU net emissions minus the plan's, split additively.

The levers are switched on pathway by pathway in a fixed order, and each pathway is
credited with the drop in gross emissions (scope 1 + grid import x residual factor)
it brings on top of the ones before it: efficiency, process gases, renewables (PV,
battery and measures of that pathway), fuel switch, removal measures, other measures;
then certificates (residual factor x certificates used), credits and removals bought.
Each intermediate plan is dispatched exactly; the last physical step ends at the
plan's own accounts, so the wedges add up to ``BAU net - plan net`` in every year.
The split depends on the order (an efficiency measure saves more before PV than after):
it shows where the tonnes come from, not a marginal value (see :mod:`planner.analysis.finance`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from models.inputs import PlanInputs
from models.solution import Decisions
from models.terms import terms_of
from planner.analysis.accounts import Accounts, account, exact_balances
from planner.base.schema import PATHWAYS

__all__ = ["FIVE_PATHWAYS", "OFFSET_PATHWAYS", "pathway_order", "pathway_shares",
           "pathway_table"]

#: Purchases, credited after every physical lever.
OFFSET_PATHWAYS = ("certificates", "credits", "removals")

#: Each lever's class in the zero-carbon factory guidance (seed article): energy
#: efficiency first, then the five pathways: (1) high-GWP gas replacement, (2) on-site
#: renewables, (3) low-carbon fuels and electrification, (4) carbon removal, (5) credits
#: and green certificates. Measures marked "other" stay "other".
FIVE_PATHWAYS = {
    "efficiency": "0-energy-efficiency",
    "process-gas": "1-high-gwp-replacement",
    "renewables": "2-onsite-renewables",
    "fuel-switch": "3-low-carbon-fuels",
    "removal": "4-carbon-removal",
    "removals": "4-carbon-removal",
    "credits": "5-credits-and-certificates",
    "certificates": "5-credits-and-certificates",
    "other": "other",
}


def pathway_order() -> tuple[str, ...]:
    """Pathways in the order they are switched on."""
    return (*PATHWAYS, *OFFSET_PATHWAYS)


def _gross_t(inp: PlanInputs, acc: Accounts) -> np.ndarray:
    """Scope 1 + scope 2 before certificates [t], scope 2 on the target's basis."""
    return acc.scope1_t_y + terms_of(inp).net_grid_ef_t_per_mwh_y * acc.import_mwh_y


def _partial(inp: PlanInputs, d: Decisions, on: set[str]) -> Decisions:
    """``d`` with only the measures of pathways ``on`` (and PV/battery if renewables is on)."""
    keep = np.array([p in on for p in inp.measures.pathways], dtype=bool)
    build = np.where(keep[:, None], d.build_my, 0)
    alive = np.where(keep[:, None], d.alive_my, 0)
    out = replace(d, build_my=build, alive_my=alive)
    if "renewables" not in on:
        z = np.zeros_like(d.pv_new_kw_y)
        out = replace(out, pv_new_kw_y=z, pv_capacity_kw_y=z, pv_effective_kw_y=z,
                      battery_new_kwh_y=z, battery_new_kw_y=z, battery_kwh_y=z, battery_kw_y=z)
    return out


def pathway_table(inp: PlanInputs, d: Decisions, acc: Accounts, bau: Accounts) -> pd.DataFrame:
    """One row per year and pathway: tonnes abated against BAU [t CO2e].

    Returns
    -------
    DataFrame
        Columns ``year``, ``pathway``, ``abated_t``. Per year, ``abated_t`` sums to
        ``BAU net - plan net``.
    """
    partials = [_partial(inp, d, set(PATHWAYS[:i + 1])) for i in range(len(PATHWAYS) - 1)]
    gross = [_gross_t(inp, bau)]
    if partials:
        gross += [_gross_t(inp, account(inp, p, bal))
                  for p, bal in zip(partials, exact_balances(inp, partials), strict=True)]
    gross.append(_gross_t(inp, acc))  # all physical levers: the plan's own accounts
    wedges = {p: gross[i] - gross[i + 1] for i, p in enumerate(PATHWAYS)}
    # What certificates and green-power contracts take off the net (0 on the location
    # basis): gross - (net + offsets).
    wedges["certificates"] = _gross_t(inp, acc) - (acc.net_t_y + acc.credits_t_y
                                                   + acc.removals_t_y)
    wedges["credits"] = acc.credits_t_y
    wedges["removals"] = acc.removals_t_y
    # Differences of equal sums leave round-off of ~1e-11 t: show it as the zero it is.
    total = bau.net_t_y - acc.net_t_y
    frames = []
    for p in pathway_order():
        w = np.where(np.abs(wedges[p]) < 1e-6, 0.0, wedges[p])
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(np.abs(total) > 1e-6, w / total, 0.0)
        frames.append(pd.DataFrame({"year": inp.years, "pathway": p,
                                    "five_pathway": FIVE_PATHWAYS[p], "abated_t": w,
                                    "share_of_year_abatement": share}))
    return pd.concat(frames, ignore_index=True)


def pathway_shares(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Tonnes abated over the horizon per five-pathway class, and each class's share."""
    if table.empty:
        return {"pathway_abated_t": {}, "pathway_share": {}}
    by = table.groupby("five_pathway", sort=True)["abated_t"].sum()
    total = float(by.sum())
    return {"pathway_abated_t": {k: float(v) for k, v in by.items()},
            "pathway_share": {k: (float(v) / total if abs(total) > 1e-9 else 0.0)
                              for k, v in by.items()}}
