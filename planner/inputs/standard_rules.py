"""A rule profile + a plant's inputs -> the arrays the model enforces (``RuleData``).

Emissions inside the boundary are computed by :func:`models.rules.boundary_gross_t`
only, for the base-year figure here as for the verdicts, so that what is enforced
is what is reported.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from models.inputs import PlanInputs, RuleData
from models.rules import boundary_gross_t
from planner.inputs.build import PROCESS_CO2 as PROCESS_CO2_ID
from planner.tables.standards import Profile, Rule

__all__ = ["PROCESS_CO2_ID", "credit_counts", "rule_data", "rule_years", "with_rules"]


def _source_mask(profile: Profile, source_ids: tuple[str, ...]) -> np.ndarray:
    if profile.boundary.gases == "all":
        return np.ones(len(source_ids), dtype=bool)
    return np.array([sid == PROCESS_CO2_ID for sid in source_ids], dtype=bool)


def _fuel_share(profile: Profile, inp: PlanInputs) -> np.ndarray | None:
    """CO2 share of each fuel's factor under a CO2-only boundary (else None: all counted)."""
    parts = inp.fuel_ef_gas_t_per_gj_fk
    if profile.boundary.gases == "all" or parts is None:
        return None
    total = parts.sum(axis=1)
    return np.divide(parts[:, 0], total, out=np.ones(len(total)), where=total > 0)


def credit_counts(profile: Profile, inp: PlanInputs) -> tuple[np.ndarray, np.ndarray]:
    """Which credits and which removals may neutralise the residual."""
    ins = profile.instruments
    credits = np.array([(ins.avoidance_credits if kind == "avoidance" else ins.removal_credits)
                        for kind in inp.offsets.credit_kinds], dtype=bool)
    removals = np.array([ins.removals and (perm or ins.non_permanent_removals)
                         for perm in inp.offsets.removal_permanent], dtype=bool)
    return credits, removals


def rule_years(rule: Rule, inp: PlanInputs) -> np.ndarray:
    """Bool mask of the years a rule applies in."""
    idx = np.arange(inp.n_years)
    if rule.applies == "window":
        return (idx >= 1) & (idx <= rule.years)
    claim = idx >= inp.target.net_zero_idx
    if rule.kind == "gross_non_increasing":
        return claim & (idx > inp.target.net_zero_idx)
    return claim


def _base_boundary_t(flags: RuleData, inp: PlanInputs) -> float:
    """Base-year emissions inside the boundary with no lever [t]."""
    g0 = inp.growth_y[0]
    fuel_t = (inp.fuel_ef_t_per_gj_f * inp.base_fuel_gj_f * g0)[:, None]
    source_t = (inp.source_base_t_j * g0)[:, None]
    imp = np.array([g0 * float(np.maximum(inp.hourly.base_load_kw_h, 0.0).sum()) / 1e3])
    return float(boundary_gross_t(flags, fuel_t, source_t, imp, np.zeros(1),
                                  inp.grid.ef_location_t_per_mwh_y[:1],
                                  inp.grid.ef_residual_t_per_mwh_y[:1])[0])


def rule_data(profile: Profile, inp: PlanInputs) -> RuleData:
    """The profile's rules for this plant, as caps per year."""
    n_y = inp.n_years
    b = profile.boundary
    c_ok, r_ok = credit_counts(profile, inp)
    no_cap, no_share = np.full(n_y, np.inf), np.zeros(n_y)
    flags = RuleData(
        source_counted_j=_source_mask(profile, inp.source_ids) if "scope1" in b.scopes
        else np.zeros(len(inp.source_ids), dtype=bool),
        fuels_counted="scope1" in b.scopes,
        scope2_counted="scope2" in b.scopes,
        scope2_market=b.scope2_method == "market",
        certificates_count=profile.instruments.certificates,
        credit_counted_c=c_ok, removal_counted_r=r_ok, base_boundary_t=float("nan"),
        net_max_t_y=no_cap, offset_max_t_y=no_cap, gross_max_t_y=no_cap,
        re_min_share_y=no_share, non_increasing_y=np.zeros(n_y, dtype=bool),
        fuel_counted_share_f=_fuel_share(profile, inp),
        green_power_count=profile.instruments.green_power)
    base_t = _base_boundary_t(flags, inp)
    net, offsets, gross = no_cap.copy(), no_cap.copy(), no_cap.copy()
    re_share = no_share.copy()
    non_inc = np.zeros(n_y, dtype=bool)
    t = np.arange(n_y)
    for rule in profile.rule:
        on = rule_years(rule, inp)
        v = rule.value
        if rule.kind == "net_max_share":
            net = np.where(on, np.minimum(net, v * base_t), net)
        elif rule.kind == "offset_max_share":
            offsets = np.where(on, np.minimum(offsets, v * base_t), offsets)
        elif rule.kind == "reduction_min_share":
            gross = np.where(on, np.minimum(gross, (1.0 - v) * base_t), gross)
        elif rule.kind == "annual_reduction_min_rate":
            gross = np.where(on, np.minimum(gross, np.maximum(1.0 - v * t, 0.0) * base_t),
                             gross)
        elif rule.kind == "renewable_electricity_min_share":
            re_share = np.where(on, np.maximum(re_share, v), re_share)
        elif rule.kind == "gross_non_increasing":
            non_inc = non_inc | on
    return dataclasses.replace(flags, base_boundary_t=base_t, net_max_t_y=net,
                               offset_max_t_y=offsets, gross_max_t_y=gross,
                               re_min_share_y=re_share, non_increasing_y=non_inc)


def with_rules(inp: PlanInputs, profile: Profile | None) -> PlanInputs:
    """``inp`` with the profile's rules attached (or none)."""
    return dataclasses.replace(inp, rules=rule_data(profile, inp) if profile else None)
