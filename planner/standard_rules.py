"""A rule profile + a plant's inputs -> the arrays the model enforces, and the boundary.

:func:`boundary_emissions_t` is the one definition of "emissions inside the
standard's boundary", used both for the model's base-year figure and for the
per-year verdicts, so that what is enforced is what is reported.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from models.inputs import PlanInputs, RuleData
from planner.inputs import PROCESS_CO2 as PROCESS_CO2_ID
from planner.standards import Profile, Rule

__all__ = ["PROCESS_CO2_ID", "boundary_emissions_t", "counted_offsets_t", "rule_data",
           "rule_years", "with_rules"]


def _source_mask(profile: Profile, source_ids: tuple[str, ...]) -> np.ndarray:
    if profile.boundary.gases == "all":
        return np.ones(len(source_ids), dtype=bool)
    return np.array([sid == PROCESS_CO2_ID for sid in source_ids], dtype=bool)


def boundary_emissions_t(profile: Profile, inp: PlanInputs, fuel_t_fy: np.ndarray,
                         source_t_jy: np.ndarray, import_mwh_y: np.ndarray,
                         certificates_mwh_y: np.ndarray) -> np.ndarray:
    """Gross emissions inside the profile's boundary, per year [t CO2e].

    Scope 1: fuels (CO2) and the process sources of the gas boundary. Scope 2:
    market-based = residual factor x (import - certificates, if they count, >= 0);
    location-based = grid factor x import.
    """
    b = profile.boundary
    out = np.zeros(inp.n_years)
    if "scope1" in b.scopes:
        out = out + fuel_t_fy.sum(axis=0)
        mask = _source_mask(profile, inp.source_ids)
        if mask.any():
            out = out + source_t_jy[mask].sum(axis=0)
    if "scope2" in b.scopes:
        if b.scope2_method == "market":
            certs = certificates_mwh_y if profile.instruments.certificates else 0.0
            out = out + inp.grid.ef_residual_t_per_mwh_y * np.maximum(import_mwh_y - certs, 0.0)
        else:
            out = out + inp.grid.ef_location_t_per_mwh_y * import_mwh_y
    return out


def credit_counts(profile: Profile, inp: PlanInputs) -> tuple[np.ndarray, np.ndarray]:
    """Which credits and which removals may neutralise the residual."""
    ins = profile.instruments
    credits = np.array([(ins.avoidance_credits if kind == "avoidance" else ins.removal_credits)
                        for kind in inp.offsets.credit_kinds], dtype=bool)
    removals = np.array([ins.removals and (perm or ins.non_permanent_removals)
                         for perm in inp.offsets.removal_permanent], dtype=bool)
    return credits, removals


def counted_offsets_t(profile: Profile, inp: PlanInputs, credits_t_cy: np.ndarray,
                      removals_t_ry: np.ndarray) -> np.ndarray:
    """Credits and removals that count under the profile, per year [t]."""
    c_ok, r_ok = credit_counts(profile, inp)
    out = np.zeros(inp.n_years)
    if c_ok.any():
        out = out + credits_t_cy[c_ok].sum(axis=0)
    if r_ok.any():
        out = out + removals_t_ry[r_ok].sum(axis=0)
    return out


def rule_years(rule: Rule, inp: PlanInputs) -> np.ndarray:
    """Bool mask of the years a rule applies in."""
    idx = np.arange(inp.n_years)
    if rule.applies == "window":
        return (idx >= 1) & (idx <= rule.years)
    claim = idx >= inp.target.net_zero_idx
    if rule.kind == "gross_non_increasing":
        return claim & (idx > inp.target.net_zero_idx)
    return claim


def base_boundary_t(profile: Profile, inp: PlanInputs) -> float:
    """Base-year emissions inside the boundary with no lever [t]."""
    g0 = inp.growth_y[0]
    fuel = (inp.fuel_ef_t_per_gj_f * inp.base_fuel_gj_f * g0)[:, None]
    source = (inp.source_base_t_j * g0)[:, None]
    imp = np.array([g0 * float(np.maximum(inp.hourly.base_load_kw_h, 0.0).sum()) / 1e3])
    first = dataclasses.replace(inp, years=inp.years[:1], grid=dataclasses.replace(
        inp.grid, ef_location_t_per_mwh_y=inp.grid.ef_location_t_per_mwh_y[:1],
        ef_residual_t_per_mwh_y=inp.grid.ef_residual_t_per_mwh_y[:1]))
    return float(boundary_emissions_t(profile, first, fuel, source, imp, np.zeros(1))[0])


def rule_data(profile: Profile, inp: PlanInputs) -> RuleData:
    """The profile's rules for this plant, as caps per year."""
    n_y = inp.n_years
    base_t = base_boundary_t(profile, inp)
    net = np.full(n_y, np.inf)
    offsets = np.full(n_y, np.inf)
    gross = np.full(n_y, np.inf)
    re_share = np.zeros(n_y)
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
    c_ok, r_ok = credit_counts(profile, inp)
    b = profile.boundary
    return RuleData(
        source_counted_j=_source_mask(profile, inp.source_ids) if "scope1" in b.scopes
        else np.zeros(len(inp.source_ids), dtype=bool),
        fuels_counted="scope1" in b.scopes,
        scope2_counted="scope2" in b.scopes,
        scope2_market=b.scope2_method == "market",
        certificates_count=profile.instruments.certificates,
        credit_counted_c=c_ok, removal_counted_r=r_ok, base_boundary_t=base_t,
        net_max_t_y=net, offset_max_t_y=offsets, gross_max_t_y=gross,
        re_min_share_y=re_share, non_increasing_y=non_inc)


def with_rules(inp: PlanInputs, profile: Profile | None) -> PlanInputs:
    """``inp`` with the profile's rules attached (or none)."""
    return dataclasses.replace(inp, rules=rule_data(profile, inp) if profile else None)
