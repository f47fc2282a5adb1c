"""Magnitude and plausibility checks: absurd values are errors, unusual ones warnings.

Three layers, all before any solve:

* :func:`absurd_problems` (errors, exit 2): a number of the scenario far beyond any
  real plant in its key's unit (e.g. ``grid.ef_t_per_mwh = 1e20``). Such values
  overflow to ``inf`` in the derived quantities or break the solver.
* :func:`derived_problems` (errors, exit 2): every quantity the planner derives
  (hourly load, base-year emissions, prices per hour, ...) must be finite and of a
  magnitude a real plant can have, whatever the inputs that produced it.
* :func:`plausibility_warnings` (warnings; errors with ``--strict``): a value outside
  the usual range for its unit, with the likely unit mistake named. A warning never
  changes a value.

The ranges and their sources are listed in ``docs/errors.md`` (plausibility checks).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel

from planner.base.errors import Problem
from planner.base.i18n import Msg, msg

__all__ = ["DERIVED_MAX", "absurd_problems", "count_problems", "derived_problems",
           "plausibility_warnings", "share_problems"]

# --------------------------------------------------------------------------- counts

#: Largest counts a scenario may hold. Solve time and memory grow with them (a file with
#: 34 008 credits took 318 s and 2 GB); these are far above any real plant's list.
MAX_MEASURES = 300  # 930 MB peak at 300 measures, 1 085 MB at 400 (bar 1 GB)
MAX_OFFSETS = 200  # credits and removals together
MAX_PERIODS = 48   # [[grid.periods]]
MAX_SWITCHES = 20  # [[measure.switch]] of one measure


def count_problems(s: Any) -> list[Problem]:
    """Lists longer than the documented bounds (checked first: the rest may be slow)."""
    out = []
    offsets = len(s.credit) + len(s.removal)
    for key, n, limit, what in (("measure", len(s.measure), MAX_MEASURES, "measures"),
                                ("credit", offsets, MAX_OFFSETS, "credits and removals"),
                                ("grid.periods", len(s.grid.periods), MAX_PERIODS,
                                 "time-of-use periods")):
        if n > limit:
            out.append(Problem(key, f"{n} {what}; at most {limit} are accepted",
                               "merge similar entries (docs/errors.md, size limits)"))
    for i, m in enumerate(s.measure, start=1):
        if len(m.switch) > MAX_SWITCHES:
            out.append(Problem(f'measure[{i} "{m.id}"].switch', f"{len(m.switch)} switches; "
                               f"at most {MAX_SWITCHES} are accepted", "merge them"))
    return out


# --------------------------------------------------------------------------- absurd inputs

#: (key name or suffix, largest accepted magnitude, unit) - the first match wins. Each
#: bound is far above any real factory (and above the likely unit slips, which get a
#: warning instead) but keeps the model's numbers finite and its scaling sane.
_ABSURD: tuple[tuple[str, float, str], ...] = (
    ("annual_yield_kwh_per_kwp", 8760.0, "kWh/kWp (full power in every hour of the year)"),
    ("price_cny_per_kwh", 1e4, "CNY/kWh"),
    ("ef_t_per_mwh", 1e4, "t/MWh"),
    ("ef_t_per_gj", 1e3, "t/GJ"),
    ("electricity_mwh", 1e8, "MWh a year (100 TWh)"),
    ("fuels_gj", 1e9, "GJ a year (1 EJ)"),
    ("gases_kg", 1e8, "kg a year (100 kt of one gas)"),
    ("co2_t", 1e9, "t a year (1 Gt)"),
    ("price_cny_per_gj", 1e7, "CNY/GJ"),
    ("price_cny_per_mwh", 1e7, "CNY/MWh"),
    ("price_cny_per_t", 1e8, "CNY/t"),
    ("_cny_per_kw", 1e8, "CNY/kW"),
    ("_cny_per_kwh", 1e8, "CNY/kWh"),
    ("_cny_per_kw_year", 1e8, "CNY/kW/yr"),
    ("_cny_per_kwh_year", 1e8, "CNY/kWh/yr"),
    ("_kw", 1e9, "kW (1 TW)"),
    ("_kwh", 1e10, "kWh"),
    ("_m2", 1e9, "m2 (1 000 km2)"),
    ("_t_per_year", 1e10, "t a year"),
    ("_mwh_per_year", 1e9, "MWh a year"),
    ("random_seed", 2**31 - 1, ""),
    ("multiplier", 1e3, "times the base price"),
    ("", 1e12, ""),  # every other number (money in CNY, hours, ...)
)


def _bound(key: str) -> tuple[float, str]:
    for suffix, limit, unit in _ABSURD:
        if key.endswith(suffix):
            return limit, unit
    raise AssertionError("the last rule matches every key")


def _numbers(node: Any, path: str, name: str) -> Iterator[tuple[str, str, float]]:
    """(key path, rule name, value) of every number in a validated scenario."""
    if isinstance(node, BaseModel):
        for field in type(node).model_fields:
            yield from _numbers(getattr(node, field), f"{path}.{field}" if path else field,
                                field)
    elif isinstance(node, dict):
        for k, v in node.items():
            # a series table {year: value} keeps its key's rule; {fuel: GJ} tables too
            yield from _numbers(v, f"{path}.{k}", name)
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node, start=1):
            label = f' "{v.id}"' if hasattr(v, "id") else ""
            yield from _numbers(v, f"{path}[{i}{label}]", name)
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path, name, float(node)


def absurd_problems(s: Any) -> list[Problem]:
    """Numbers beyond any real plant in their key's unit (errors)."""
    out = []
    for path, name, value in _numbers(s, "", ""):
        if name in ("hours", "months"):
            continue  # small integers, bounded by the schema
        limit, unit = _bound(name)
        if abs(value) > limit:
            hint = _UNIT_HINTS.get(name, "check the unit named in the key")
            out.append(Problem(path, f"{value:g} is beyond any real plant (at most "
                               f"{limit:g}{' ' + unit if unit else ''} is accepted)", hint))
    return out


_UNIT_HINTS = {
    "ef_t_per_mwh": "give tonnes CO2 per MWh (China's 2023 average is 0.5306; "
                    "530.6 kg/MWh = 0.5306 t/MWh)",
    "residual_ef_t_per_mwh": "give tonnes CO2 per MWh (China's 2023 residual mix is 0.6096)",
    "price_cny_per_kwh": "give CNY per kWh (0.3-3 is usual; 660 CNY/MWh = 0.66 CNY/kWh)",
    "export_price_cny_per_kwh": "give CNY per kWh (the coal benchmark is about 0.4)",
    "gases_kg": "give kilograms of the gas leaked or emitted per year",
    "fuels_gj": "give GJ per year (1 Nm3 of natural gas = 0.0389 GJ; 1 t of coal = 23 GJ)",
    "electricity_mwh": "give the plant's yearly electricity use in MWh",
}


# --------------------------------------------------------------------------- derived

#: Largest magnitude of any derived quantity (CNY, kWh, t, GJ, ...): about the world's
#: yearly GDP in CNY. Anything larger comes from an absurd input or an overflow.
DERIVED_MAX = 1e15

#: Where a derived quantity comes from, for the message.
_FEEDS = {
    "base_load_kw_h": "demand.electricity_mwh or demand.profile_csv",
    "base_emissions_t": "demand, process gases and the grid and fuel factors",
    "base_boundary_t": "demand, process gases and the grid and fuel factors",
    "allowed_net_t_y": "the base-year emissions (demand and factors)",
    "ef_location_t_per_mwh_y": "grid.ef_t_per_mwh or grid.region",
    "ef_residual_t_per_mwh_y": "grid.residual_ef_t_per_mwh",
    "import_price_cny_per_kwh_yh": "grid.price_cny_per_kwh and the time-of-use multipliers",
    "export_price_cny_per_kwh_yh": "grid.export_price_cny_per_kwh",
    "source_base_t_j": "process.gases_kg x GWP, process.co2_t",
    "elec_added_mwh_ms": "the measures' switches (fuel use x share / efficiency_to)",
}


def _arrays(obj: Any, path: str) -> Iterator[tuple[str, str, np.ndarray]]:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _arrays(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(obj, np.ndarray) and obj.dtype.kind in "fiu":
        yield path, path.rsplit(".", 1)[-1], obj
    elif isinstance(obj, float | int) and not isinstance(obj, bool):
        yield path, path.rsplit(".", 1)[-1], np.asarray(float(obj))


def _is_limit(name: str) -> bool:
    """Fields documented to hold ``inf`` for "no limit"."""
    return any(w in name for w in ("max", "cap", "budget", "allowed", "limit"))


def derived_problems(inp: Any) -> list[Problem]:
    """Derived quantities that are not finite or beyond :data:`DERIVED_MAX` (errors).

    Parameters
    ----------
    inp : models.inputs.PlanInputs
        Everything the optimisation reads; every array and number in it is checked.
    """
    out = []
    for path, name, arr in _arrays(inp, ""):
        values = arr.astype(float, copy=False)
        if values.size == 0:
            continue
        # fast path (hourly arrays hold years x 8 760 numbers): two reductions, no copy;
        # NaN fails both comparisons, inf the bound
        if values.min() >= -DERIVED_MAX and values.max() <= DERIVED_MAX:
            continue
        if _is_limit(name):
            bad = np.isnan(values) | (values == -np.inf)
            big = np.isfinite(values) & (np.abs(values) > DERIVED_MAX)
        else:
            bad = ~np.isfinite(values)
            big = np.isfinite(values) & (np.abs(values) > DERIVED_MAX)
        if bad.any() or big.any():
            worst = values[bad][0] if bad.any() else values[big][np.argmax(np.abs(values[big]))]
            feeds = _FEEDS.get(name, "the scenario's inputs")
            what = "not finite" if bad.any() else f"{worst:.3g}, beyond any real plant"
            out.append(Problem(f"(derived) {path}", f"is {what} (found {worst:g})",
                               f"check {feeds}: a value there is far too large for its unit"))
    return out


# --------------------------------------------------------------------------- shares

def _group_of(s: Any) -> dict[str, str]:
    group = {m.id: m.group for m in s.measure if m.group}
    for name, members in s.exclusive.items():
        for mid in members:
            group.setdefault(mid, name)
    return group


def _windows(s: Any) -> dict[str, tuple[int, int]]:
    """Years in which each measure can work: built from earliest_year, lasting its life."""
    base, end = s.scenario.base_year, s.scenario.end_year
    out = {}
    for m in s.measure:
        first = m.earliest_year or base
        last_build = m.latest_year or end
        out[m.id] = (first, min(end, last_build + m.lifetime_years - 1))
    return out


def _flows(m: Any) -> dict[str, tuple[str, float]]:
    """Flow key -> (key path suffix, saving share) of one measure's savings."""
    from planner.tables.factors import UnknownFactorError, canonical_gas

    out: dict[str, tuple[str, float]] = {}
    if m.electricity_saving_share:
        out["electricity"] = ("electricity_saving_share", m.electricity_saving_share)
    for fuel, share in m.fuel_saving_share.items():
        if share:
            out[f"fuel {fuel}"] = (f"fuel_saving_share.{fuel}", share)
    for gas, share in m.gas_cut_share.items():
        try:
            name = canonical_gas(gas)
        except UnknownFactorError:
            name = gas
        if share:
            out[f"gas {name}"] = (f"gas_cut_share.{gas}", share)
    if m.process_co2_cut_share:
        out["process CO2"] = ("process_co2_cut_share", m.process_co2_cut_share)
    return out


def share_problems(s: Any) -> list[Problem]:
    """Saving shares on one flow that add up to more than 1 in a set of measures that can
    work in the same year (errors).

    Effects add up linearly (docs/method.md), so shares are fractions of the base-year
    flow; 0.5 + 0.5 + 0.43 means "save 143 %", which the model can only meet by never
    running all three together - silently. Measures of one exclusive group never work
    together, so only the largest share of each group counts. A share of 1 (the whole
    flow, e.g. a refrigerant replaced) is an alternative to the partial measures on that
    flow and is not added in, nor are fuel switches: replacing a process is an
    alternative to saving on it (see docs/errors.md).
    """
    group = _group_of(s)
    window = _windows(s)
    per_flow: dict[str, list[tuple[str, str, float]]] = {}
    for m in s.measure:
        for flow, (suffix, share) in _flows(m).items():
            if share < 1.0:  # a share of 1 removes the flow: an alternative to the others
                per_flow.setdefault(flow, []).append((m.id, suffix, share))
    out = []
    for flow, items in per_flow.items():
        if sum(share for _, _, share in items) <= 1.0 + 1e-9:
            continue
        best_total, best_set, best_year = 0.0, [], 0
        for year in range(s.scenario.base_year, s.scenario.end_year + 1):
            chosen: dict[str, tuple[str, float]] = {}
            for mid, _, share in items:
                lo, hi = window[mid]
                if not lo <= year <= hi:
                    continue
                key = group.get(mid, "\0" + mid)  # ungrouped measures are their own group
                if key not in chosen or share > chosen[key][1]:
                    chosen[key] = (mid, share)
            total = sum(v[1] for v in chosen.values())
            if total > best_total + 1e-12:
                best_total, best_set, best_year = total, [v[0] for v in chosen.values()], year
        if best_total > 1.0 + 1e-9:
            names = ", ".join(f"'{mid}'" for mid in best_set)
            out.append(Problem(
                f"measure.{_flow_key(flow)}",
                f"the {flow} saving shares of measures {names} add up to {best_total:.3g} > 1, "
                f"and they can all work in {best_year}",
                "give each share as a fraction of the base-year use so that measures built "
                "together save at most all of it (0.2 after a 0.5 saving is 0.1 of the base), "
                "or put the alternatives in one [exclusive] group"))
    return out


def _flow_key(flow: str) -> str:
    kind, _, name = flow.partition(" ")
    return {"electricity": "electricity_saving_share", "fuel": f"fuel_saving_share.{name}",
            "gas": f"gas_cut_share.{name}"}.get(kind, "process_co2_cut_share")


# --------------------------------------------------------------------------- warnings

def _series_items(value: Any) -> list[tuple[str, float]]:
    if isinstance(value, dict):
        return [(f".{k}", float(v)) for k, v in value.items()]
    return [("", float(value))]


def _range_warning(key: str, value: float, lo: float, hi: float, unit: str | Msg,
                   low_hint: Msg | None = None, high_hint: Msg | None = None,
                   source: Msg | None = None) -> Problem | None:
    """A warning when ``value`` is outside [lo, hi]; 0 is taken as deliberate, and a
    negative price (spot markets clear below zero in solar hours) only warns by size.
    Its sentences are catalogue entries (planner/base/i18n.py), shown in the user's language."""
    if value == 0 or not math.isfinite(value) or lo <= abs(value) <= hi:
        return None
    if value < 0 and abs(value) < lo:
        return None
    text = msg("warn.implausible", value=value, unit=unit, lo=lo, hi=hi, source=source)
    hint = high_hint if abs(value) > hi else low_hint
    return Problem.of(key, text, hint or msg("fix.default"))


def plausibility_warnings(s: Any, inp: Any = None) -> list[Problem]:
    """Values outside their usual range, with the likely mistake (warnings).

    Parameters
    ----------
    s : planner.base.schema.Scenario
    inp : models.inputs.PlanInputs, optional
        When given, derived figures are checked too (fuel energy per MWh of
        electricity, PV yield from the PV model or profile).
    """
    out: list[Problem | None] = []
    g = s.grid
    for sfx, v in _series_items(g.price_cny_per_kwh):
        out.append(_range_warning(
            f"grid.price_cny_per_kwh{sfx}", v, 0.3, 3.0, "CNY/kWh",
            low_hint=msg("fix.grid_price_low", v=v),
            high_hint=(msg("fix.per_mwh", v=v, x=v / 1000) if v >= 30 else
                       msg("fix.grid_price_high")),
            source=msg("src.grid_price")))
    for sfx, v in _series_items(g.export_price_cny_per_kwh):
        out.append(_range_warning(
            f"grid.export_price_cny_per_kwh{sfx}", v, 0.1, 3.0, "CNY/kWh",
            high_hint=(msg("fix.per_mwh", v=v, x=v / 1000) if v >= 30 else None),
            source=msg("src.export_price")))
    for key in ("ef_t_per_mwh", "residual_ef_t_per_mwh"):
        value = getattr(g, key)
        if value is None:
            continue
        for sfx, v in _series_items(value):
            out.append(_range_warning(
                f"grid.{key}{sfx}", v, 0.0, 1.2, "t/MWh",
                high_hint=(msg("fix.ef_kg", v=v, x=v / 1000) if v >= 100
                           else msg("fix.ef_high")),
                source=msg("src.grid_ef")))
    for fuel, spec in s.fuels.items():
        for sfx, v in _series_items(spec.price_cny_per_gj):
            per = msg("per.nm3") if fuel == "natural_gas" else msg("per.kg_l_nm3")
            out.append(_range_warning(
                f"fuels.{fuel}.price_cny_per_gj{sfx}", v, 10.0, 400.0, "CNY/GJ",
                low_hint=msg("fix.fuel_price_low", v=v, per=per),
                high_hint=msg("fix.fuel_price_high", v=v),
                source=msg("src.fuel_price")))
    if s.pv is not None:
        for sfx, v in _series_items(s.pv.capex_cny_per_kw):
            out.append(_range_warning(
                f"pv.capex_cny_per_kw{sfx}", v, 1000.0, 10000.0, "CNY/kW",
                low_hint=msg("fix.per_w", v=v, x=v * 1000),
                high_hint=(msg("fix.per_mw", v=v, x=v / 1000) if v >= 1e5 else None),
                source=msg("src.pv_capex")))
    if s.battery is not None:
        for sfx, v in _series_items(s.battery.energy_capex_cny_per_kwh):
            out.append(_range_warning(
                f"battery.energy_capex_cny_per_kwh{sfx}", v, 200.0, 4000.0, "CNY/kWh",
                low_hint=msg("fix.per_wh", v=v, x=v * 1000),
                high_hint=(msg("fix.per_mwh", v=v, x=v / 1000) if v >= 1e5 else None),
                source=msg("src.battery_capex")))
    if inp is not None:
        out += _derived_warnings(s, inp)
    return [p for p in out if p is not None]


def _derived_warnings(s: Any, inp: Any) -> list[Problem | None]:
    out: list[Problem | None] = []
    elec_mwh = float(np.maximum(inp.hourly.base_load_kw_h, 0.0).sum()) / 1e3
    fuel_gj = float(np.sum(inp.base_fuel_gj_f))
    if elec_mwh > 0 and fuel_gj > 0:
        ratio = fuel_gj / elec_mwh
        gas = s.demand.fuels_gj.get("natural_gas", 0.0)
        hint = (msg("fix.gas_nm3", x=gas / 25.7) if gas > 0 else msg("fix.fuel_unit"))
        out.append(_range_warning("demand.fuels_gj", ratio, 0.0, 50.0,
                                  msg("unit.fuel_per_electricity"), high_hint=hint,
                                  source=msg("src.fuel_ratio")))
    if s.pv is not None and inp.pv.enabled:
        yield_kwh = float(np.sum(inp.hourly.pv_kw_per_kwp_h))
        key = ("pv.annual_yield_kwh_per_kwp" if s.pv.annual_yield_kwh_per_kwp is not None
               else "pv.profile_csv" if s.pv.profile_csv is not None else "pv (modelled yield)")
        out.append(_range_warning(
            key, yield_kwh, 600.0, 2000.0, msg("unit.pv_yield"),
            low_hint=(msg("fix.pv_per_day", v=yield_kwh) if yield_kwh < 10
                      else msg("fix.pv_site")),
            high_hint=msg("fix.pv_high"),
            source=msg("src.pv_yield")))
    return out
