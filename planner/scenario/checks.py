"""Consistency checks across the keys of a scenario (after the schema passes).

Each check returns :class:`~planner.base.errors.Problem` items; none raises. The
loader gathers them all so that a user sees every problem of a file at once.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from planner.base.errors import Problem
from planner.base.schema import Grid

if TYPE_CHECKING:  # the loader calls these checks; only its type is needed here
    from planner.scenario.read import ScenarioFile

__all__ = ["MAX_HORIZON_YEARS", "all_problems"]

#: Longest horizon, counting the base and the end year.
MAX_HORIZON_YEARS = 80


def _suggest(name: str, valid: Iterable[str]) -> str:
    valid = list(valid)
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "use one of: " + ", ".join(valid)


def all_problems(sf: ScenarioFile) -> list[Problem]:
    """Every consistency problem of the scenario, in file order."""
    from planner.scenario import plausibility
    too_many = plausibility.count_problems(sf.scenario)
    if too_many:
        return too_many  # the other checks would be slow and repeat themselves
    out: list[Problem] = []
    for check in (_magnitudes, _horizon, _target, _demand, _process, _fuels, _grid, _measures, _pv,
                  _battery, _offsets, _green_power, _standard, _groups, _shares, _carbon_markets,
                  _money):
        out.extend(check(sf))
    return out


def _horizon(sf: ScenarioFile) -> list[Problem]:
    m = sf.scenario.scenario
    if m.end_year <= m.base_year:
        return [Problem("scenario.end_year", f"end year {m.end_year} is not after the base year "
                        f"{m.base_year}", "set end_year later than base_year")]
    n_years = m.end_year - m.base_year + 1  # both ends are planned years
    if n_years > MAX_HORIZON_YEARS:
        return [Problem("scenario.end_year", f"horizon {m.base_year}-{m.end_year} has {n_years} "
                        f"years, more than {MAX_HORIZON_YEARS}",
                        f"plan over at most {MAX_HORIZON_YEARS} years (end_year <= "
                        f"{m.base_year + MAX_HORIZON_YEARS - 1})")]
    return []


def _magnitudes(sf: ScenarioFile) -> list[Problem]:
    from planner.scenario.plausibility import absurd_problems

    return absurd_problems(sf.scenario)


def _shares(sf: ScenarioFile) -> list[Problem]:
    from planner.scenario.plausibility import share_problems

    return share_problems(sf.scenario)


def _target(sf: ScenarioFile) -> list[Problem]:
    s = sf.scenario
    t, m = s.target, s.scenario
    out = []
    if t.net_zero_year < m.base_year:
        out.append(Problem("target.net_zero_year", f"net-zero year {t.net_zero_year} is before "
                           f"the base year {m.base_year}", "choose a year within the horizon"))
    elif t.net_zero_year > m.end_year:
        out.append(Problem("target.net_zero_year", f"net-zero year {t.net_zero_year} is after "
                           f"the end year {m.end_year}",
                           f"set scenario.end_year to at least {t.net_zero_year}"))
    if t.trajectory == "table" and not t.allowed_share:
        out.append(Problem("target.allowed_share", "trajectory = \"table\" needs the table",
                           "add allowed_share = {2030 = 0.7, 2040 = 0.3} (share of base-year "
                           "emissions allowed in each year)"))
    if t.trajectory == "linear" and t.allowed_share:
        out.append(Problem("target.allowed_share", "a table is given but trajectory is "
                           "\"linear\"", "set trajectory = \"table\" or remove allowed_share"))
    for key in t.allowed_share or {}:
        y = int(key)
        if not m.base_year <= y <= m.end_year:
            out.append(Problem(f"target.allowed_share.{key}", f"year {y} is outside the horizon "
                               f"{m.base_year}-{m.end_year}", "use years within the horizon"))
    return out


def _demand(sf: ScenarioFile) -> list[Problem]:
    from planner.profiles.build import LOAD_PATTERNS

    d = sf.scenario.demand
    out = []
    if d.profile_csv is None:
        if d.profile not in LOAD_PATTERNS:
            out.append(Problem("demand.profile", f"unknown load profile '{d.profile}'",
                               _suggest(d.profile, LOAD_PATTERNS) + " (or give profile_csv)"))
        if d.electricity_mwh is None:
            out.append(Problem("demand.electricity_mwh", "required when no profile_csv is given",
                               "give the plant's yearly electricity use in MWh"))
    else:
        out += _file_problems("demand.profile_csv", sf.resolve(d.profile_csv))
    return out


def _file_problems(key: str, p: Path) -> list[Problem]:
    if p.is_file():
        return []
    if p.exists() and not p.is_dir():  # a FIFO or device: the CSV reader names the kind
        return []
    return [Problem(key, f"file not found: {p}", "give a path relative to the scenario file")]


def _process(sf: ScenarioFile) -> list[Problem]:
    from planner.tables.factors import UnknownFactorError, gwp100

    out = []
    gwp_set = sf.scenario.scenario.gwp_set
    for gas in sf.scenario.process.gases_kg:
        try:
            gwp100(gas, gwp_set)
        except UnknownFactorError as exc:
            hint = (f"did you mean '{exc.suggestions[0]}'?" if exc.suggestions
                    else "use a gas of the GWP table (docs/factors.md)")
            out.append(Problem(f"process.gases_kg.{gas}", f"unknown gas '{gas}'", hint))
        except ValueError as exc:
            out.append(Problem(f"process.gases_kg.{gas}", str(exc),
                               "choose another gwp_set in [scenario]"))
    return out


def _fuels(sf: ScenarioFile) -> list[Problem]:
    from planner.tables.factors import known_fuels

    s = sf.scenario
    out = []
    valid = known_fuels()
    used = set(s.demand.fuels_gj)
    used |= {sw.to for m in s.measure for sw in m.switch if sw.to != "electricity"}
    for name in s.demand.fuels_gj:
        if name not in valid:
            out.append(Problem(f"demand.fuels_gj.{name}", f"unknown fuel '{name}'",
                               _suggest(name, valid)))
    for name in s.fuels:
        if name not in valid:
            out.append(Problem(f"fuels.{name}", f"unknown fuel '{name}'", _suggest(name, valid)))
    for name in sorted(used):
        if name in valid and name not in s.fuels:
            where = (f"demand.fuels_gj.{name}" if name in s.demand.fuels_gj
                     else "measure.switch.to")
            out.append(Problem(where, f"fuel '{name}' has no price",
                               f"add [fuels.{name}] with price_cny_per_gj = ..."))
    return out


#: A contract demand below this share of the transformer capacity is billed at this share
#: (发改办价格〔2016〕1583号; docs/sources.md K1, mark S).
CONTRACT_FLOOR_SHARE = 0.40


def _two_part(g: Grid) -> list[Problem]:
    """The two-part tariff's keys: what each basis needs, and the contract's floor."""
    tp = g.two_part
    if tp is None:
        return []
    k = "grid.two_part"
    out = []
    need_demand = tp.basis in ("demand", "cheaper")
    need_capacity = tp.basis in ("capacity", "cheaper")
    if need_demand and tp.demand_cny_per_kw_month is None:
        out.append(Problem(f"{k}.demand_cny_per_kw_month",
                           f"basis \"{tp.basis}\" needs a demand charge",
                           "give demand_cny_per_kw_month (e.g. 36.1 for Guangdong 1-10 kV), or "
                           "set basis = \"capacity\""))
    if need_capacity:
        if tp.capacity_cny_per_kva_month is None:
            out.append(Problem(f"{k}.capacity_cny_per_kva_month",
                               f"basis \"{tp.basis}\" needs a capacity charge",
                               "give capacity_cny_per_kva_month (e.g. 22.6 for Guangdong "
                               "1-10 kV), or set basis = \"demand\""))
        if tp.transformer_kva is None:
            out.append(Problem(f"{k}.transformer_kva",
                               f"basis \"{tp.basis}\" needs the transformer capacity",
                               "give transformer_kva (the kVA the capacity charge is billed on)"))
    # A rate of the other basis may stay in the file (switching basis is then one key).
    if tp.contract_demand_kw is not None:
        if not need_demand:
            out.append(Problem(f"{k}.contract_demand_kw",
                               "a contract demand only applies to the demand basis",
                               "set basis = \"demand\" or \"cheaper\", or drop the key"))
        elif tp.transformer_kva is not None and (
                tp.contract_demand_kw < CONTRACT_FLOOR_SHARE * tp.transformer_kva):
            floor = CONTRACT_FLOOR_SHARE * tp.transformer_kva
            out.append(Problem(f"{k}.contract_demand_kw",
                               f"{tp.contract_demand_kw:g} kW is below 40 % of the transformer "
                               f"({floor:g} kW for {tp.transformer_kva:g} kVA); the grid bills "
                               "such a contract at 40 %",
                               f"set contract_demand_kw >= {floor:g}"))
    else:
        for name in ("contract_excess_threshold_share", "contract_excess_multiplier"):
            if name in tp.model_fields_set:
                out.append(Problem(f"{k}.{name}", "given without contract_demand_kw",
                                   "give contract_demand_kw, or drop the key"))
    return out


def _grid(sf: ScenarioFile) -> list[Problem]:
    from planner.profiles.build import TOU_PRESETS
    from planner.tables.factors import UnknownFactorError, canonical_region

    s = sf.scenario
    g = s.grid
    out = []
    if g.tou_preset is not None and g.tou_preset not in TOU_PRESETS:
        out.append(Problem("grid.tou_preset", f"unknown preset '{g.tou_preset}'",
                           _suggest(g.tou_preset, TOU_PRESETS)))
    if g.tou_preset is not None and g.periods:
        out.append(Problem("grid.periods", "both tou_preset and periods are given",
                           "keep one of them"))
    for i, per in enumerate(g.periods, start=1):
        if not per.hours:
            out.append(Problem(f"grid.periods[{i}].hours", "no hours given",
                               "list the hours of day, e.g. hours = [10, 11, 15]"))
    out += _tariff_windows(g)
    out += _two_part(g)
    floating = g.floating_components or []
    if g.floating_components == []:
        out.append(Problem("grid.floating_components", "no component floats, so the "
                           "time-of-use schedule would have no effect",
                           "list at least \"energy\", or drop the key to use the preset's rule"))
    for name, n in Counter(floating).items():
        if n > 1:
            out.append(Problem("grid.floating_components", f"'{name}' is listed {n} times",
                               "list each component once"))
    if g.ef_t_per_mwh is None:
        region = g.region or s.site.province
        if region is None:
            out.append(Problem("grid.ef_t_per_mwh", "no grid emission factor and no region",
                               "give ef_t_per_mwh, or grid.region / site.province to use the "
                               "shipped MEE table"))
        else:
            try:
                canonical_region(region)
            except UnknownFactorError as exc:
                key = "grid.region" if g.region else "site.province"
                hint = (f"did you mean '{exc.suggestions[0]}'?" if exc.suggestions
                        else "see docs/factors.md for the regions")
                out.append(Problem(key, f"unknown region '{region}'", hint))
    return out


def _tariff_windows(g: Grid) -> list[Problem]:
    """A period's from/until window: months need their year, and it must not end first."""
    out = []
    for i, per in enumerate(g.periods, start=1):
        given = per.model_fields_set
        for side in ("from", "until"):
            if f"{side}_month" in given and f"{side}_year" not in given:
                out.append(Problem(f"grid.periods[{i}].{side}_month",
                                   f"{side}_month is given without {side}_year",
                                   f"add {side}_year, e.g. {side}_year = 2026"))
        if per.from_year is not None and per.until_year is not None and (
                (per.until_year, per.until_month) < (per.from_year, per.from_month)):
            out.append(Problem(
                f"grid.periods[{i}].until_year",
                f"the period ends ({per.until_year}-{per.until_month:02d}) before it starts "
                f"({per.from_year}-{per.from_month:02d})",
                "until_year/until_month is the last month in force; make it not earlier "
                "than from_year/from_month"))
    return out


def _in_horizon(sf: ScenarioFile, key: str, year: int | None) -> list[Problem]:
    m = sf.scenario.scenario
    if year is not None and not m.base_year <= year <= m.end_year:
        return [Problem(key, f"year {year} is outside the horizon {m.base_year}-{m.end_year}",
                        "use a year within the horizon")]
    return []


def _measures(sf: ScenarioFile) -> list[Problem]:
    from planner.profiles.build import SHAPE_KINDS
    from planner.tables.factors import canonical_gas

    s = sf.scenario
    out = []
    counts = Counter(m.id for m in s.measure)
    for i, m in enumerate(s.measure, start=1):
        key = f'measure[{i} "{m.id}"]'
        if counts[m.id] > 1:
            out.append(Problem(f"{key}.id", f"id '{m.id}' is used by {counts[m.id]} measures",
                               "give every measure its own id (ids are compared after "
                               "Unicode NFC normalisation)"))
            counts[m.id] = 1  # report a duplicate once
        out += _in_horizon(sf, f"{key}.earliest_year", m.earliest_year)
        out += _in_horizon(sf, f"{key}.latest_year", m.latest_year)
        if m.earliest_year and m.latest_year and m.latest_year < m.earliest_year:
            out.append(Problem(f"{key}.latest_year", "latest_year is before earliest_year",
                               "swap or correct them"))
        has_effect = (m.electricity_saving_share > 0 or any(m.fuel_saving_share.values())
                      or any(sw.share > 0 for sw in m.switch) or any(m.gas_cut_share.values())
                      or m.process_co2_cut_share > 0)
        if not has_effect:
            out.append(Problem(key, "the measure has no effect", "give at least one of "
                               "electricity_saving_share, fuel_saving_share, switch, "
                               "gas_cut_share, process_co2_cut_share"))
        for fuel in m.fuel_saving_share:
            if fuel not in s.demand.fuels_gj:
                out.append(Problem(f"{key}.fuel_saving_share.{fuel}",
                                   f"the plant uses no '{fuel}'",
                                   _suggest(fuel, s.demand.fuels_gj)))
        for j, sw in enumerate(m.switch, start=1):
            if sw.from_fuel not in s.demand.fuels_gj:
                out.append(Problem(f"{key}.switch[{j}].from_fuel", f"the plant uses no "
                                   f"'{sw.from_fuel}'", _suggest(sw.from_fuel, s.demand.fuels_gj)))
            if sw.to == "electricity" and sw.profile not in SHAPE_KINDS:
                out.append(Problem(f"{key}.switch[{j}].profile", f"unknown profile "
                                   f"'{sw.profile}'", _suggest(sw.profile, SHAPE_KINDS)))
        gases = {canonical_gas(g) for g in s.process.gases_kg if _safe_gas(g)}
        for gas in m.gas_cut_share:
            if not _safe_gas(gas) or canonical_gas(gas) not in gases:
                out.append(Problem(f"{key}.gas_cut_share.{gas}", f"the plant emits no '{gas}'",
                                   _suggest(gas, s.process.gases_kg)))
        if m.process_co2_cut_share > 0 and s.process.co2_t == 0:
            out.append(Problem(f"{key}.process_co2_cut_share", "the plant has no process CO2",
                               "set process.co2_t or remove the share"))
    return out


def _safe_gas(name: str) -> bool:
    from planner.tables.factors import UnknownFactorError, canonical_gas

    try:
        canonical_gas(name)
    except UnknownFactorError:
        return False
    return True


def _pv(sf: ScenarioFile) -> list[Problem]:
    s = sf.scenario
    if s.pv is None:
        return []
    out = _in_horizon(sf, "pv.earliest_year", s.pv.earliest_year)
    if s.pv.max_kw is None and s.site.roof_area_m2 is None:
        out.append(Problem("pv.max_kw", "no limit on PV capacity",
                           "give pv.max_kw or site.roof_area_m2"))
    if s.pv.profile_csv is not None:
        out += _file_problems("pv.profile_csv", sf.resolve(s.pv.profile_csv))
    return out


def _battery(sf: ScenarioFile) -> list[Problem]:
    b = sf.scenario.battery
    if b is None:
        return []
    out = _in_horizon(sf, "battery.earliest_year", b.earliest_year)
    if b.min_duration_h > b.max_duration_h:
        out.append(Problem("battery.min_duration_h", "min_duration_h exceeds max_duration_h",
                           "make min_duration_h <= max_duration_h"))
    return out


def _offsets(sf: ScenarioFile) -> list[Problem]:
    s = sf.scenario
    out = []
    for table, items in (("credit", s.credit), ("removal", s.removal)):
        counts = Counter(c.id for c in items)
        for i, c in enumerate(items, start=1):
            key = f'{table}[{i} "{c.id}"]'
            if counts[c.id] > 1:
                out.append(Problem(f"{key}.id", f"id '{c.id}' is used twice",
                                   f"give every {table} its own id (ids are compared after "
                                   "Unicode NFC normalisation)"))
                counts[c.id] = 1
            out += _in_horizon(sf, f"{key}.earliest_year", c.earliest_year)
    if s.certificates is not None:
        out += _in_horizon(sf, "certificates.earliest_year", s.certificates.earliest_year)
    return out


def _green_power(sf: ScenarioFile) -> list[Problem]:
    """``[[green_power]]``: own ids, a term inside the horizon, volumes that can be met.

    Negative premiums and availabilities are rejected by the generic series check (a
    negative premium would let a take-or-pay volume grow without end).
    """
    from planner.base.series import series_values

    s = sf.scenario
    meta = s.scenario
    years = np.arange(meta.base_year, meta.end_year + 1)
    counts = Counter(g.id for g in s.green_power)
    out = []
    for i, g in enumerate(s.green_power, start=1):
        key = f'green_power[{i} "{g.id}"]'
        if counts[g.id] > 1:
            out.append(Problem(f"{key}.id", f"id '{g.id}' is used twice",
                               "give every green-power contract its own id"))
            counts[g.id] = 1
        out += _in_horizon(sf, f"{key}.start_year", g.start_year)
        cap = (series_values(g.max_mwh_per_year, years) if g.max_mwh_per_year is not None
               else None)
        if g.shape == "as_consumed" and g.min_mwh_per_year > 0:
            out.append(Problem(f"{key}.min_mwh_per_year", "a least volume applies to "
                               "take-or-pay contracts only (an as-consumed contract pays for "
                               "what is used)", 'set shape = "take_or_pay", or remove '
                               "min_mwh_per_year"))
        if g.shape == "take_or_pay" and cap is not None:
            start = g.start_year if g.start_year is not None else meta.base_year
            end = start + g.term_years - 1 if g.term_years is not None else meta.end_year
            term = (years >= start) & (years <= end)
            if term.any() and g.min_mwh_per_year > cap[term].min() + 1e-9:
                out.append(Problem(f"{key}.min_mwh_per_year", f"{g.min_mwh_per_year:g} MWh/yr "
                                   f"is above the availability {cap[term].min():g} MWh/yr in "
                                   "a year of the term", "lower min_mwh_per_year, or raise "
                                   "max_mwh_per_year"))
    return out


def _standard(sf: ScenarioFile) -> list[Problem]:
    from planner.base.errors import ScenarioError
    from planner.tables.standards import load_profile

    name = sf.scenario.scenario.standard
    if name is None:
        return []
    try:
        load_profile(name, base_dir=sf.base_dir)
    except ScenarioError as exc:
        return [p if p.path else Problem("scenario.standard", f"{exc.file}: {p.message}", p.fix)
                for p in exc.problems]
    return []

def _groups(sf: ScenarioFile) -> list[Problem]:
    """``[exclusive]`` names known measures, each in one group; a lone ``group`` is a typo."""
    s = sf.scenario
    ids = [m.id for m in s.measure]
    out = []
    member_of: dict[str, str] = {m.id: m.group for m in s.measure if m.group}
    for name, members in s.exclusive.items():
        if len(set(members)) < 2:
            out.append(Problem(f"exclusive.{name}", "an exclusive group needs at least two "
                               "measures", "list two or more measure ids, or remove the group"))
        for mid in members:
            if mid not in ids:
                out.append(Problem(f"exclusive.{name}", f"no measure has the id '{mid}'",
                                   _suggest(mid, ids)))
            elif mid in member_of and member_of[mid] != name:
                out.append(Problem(f"exclusive.{name}", f"measure '{mid}' is already in group "
                                   f"'{member_of[mid]}'", "put a measure in one group only"))
            else:
                member_of[mid] = name
    counts = Counter(m.group for m in s.measure if m.group)
    counts.update(dict.fromkeys(s.exclusive, 0))
    for i, m in enumerate(s.measure, start=1):
        if m.group and counts[m.group] == 1 and m.group not in s.exclusive:
            others = [g for g in counts if g != m.group]
            close = difflib.get_close_matches(m.group, others, n=1, cutoff=0.75)
            if close:
                out.append(Problem(f'measure[{i} "{m.id}"].group', f"group '{m.group}' has no "
                                   "other measure", f"did you mean '{close[0]}'?"))
    return out



# --------------------------------------------------------------------------- carbon markets

def _series_above_one(value: object) -> float | None:
    """The largest value of a share series if it is above 1, else None."""
    vals = list(value.values()) if isinstance(value, dict) else [value]
    top = max(float(v) for v in vals)  # type: ignore[arg-type]
    return top if top > 1.0 else None


def _carbon_markets(sf: ScenarioFile) -> list[Problem]:
    """``[production]``, ``[ets]`` and ``[cbam]`` consistent with each other and the data."""
    from planner.tables import factors
    from planner.tables.markets import market_defaults

    s = sf.scenario
    out: list[Problem] = []
    for table in ("ets", "cbam"):
        if getattr(s, table) is not None and s.production is None:
            out.append(Problem(table, f"[{table}] needs the plant's output, but there is no "
                               "[production] table",
                               "add [production] with base_output = <output in the base "
                               "year> and unit = \"t\" (or \"unit\")"))
    e = s.ets
    if e is not None:
        if s.carbon.covered and "scope1" in s.carbon.scopes:
            out.append(Problem("ets", "the plant would pay for its direct emissions twice: "
                               "[carbon] covers scope1 and [ets] prices the same tonnes",
                               "set carbon.covered = false (or carbon.scopes = [\"scope2\"]) "
                               "when the plant is in the national ETS"))
        for i, gas in enumerate(e.gases or []):
            try:
                factors.canonical_gas(gas)
            except factors.UnknownFactorError as exc:
                hint = (f"did you mean '{exc.suggestions[0]}'?" if exc.suggestions
                        else "use a gas of the GWP table (docs/factors.md)")
                out.append(Problem(f"ets.gases[{i}]", f"unknown gas '{gas}'", hint))
        if e.ccer_price_cny_per_t is None and (e.ccer_max_share is not None
                                               or e.ccer_max_t_per_year is not None):
            out.append(Problem("ets.ccer_price_cny_per_t", "CCER limits are given without a "
                               "CCER price, so no CCER can be bought",
                               "add ets.ccer_price_cny_per_t, or remove the CCER limits"))
    c = s.cbam
    if c is not None:
        top = _series_above_one(c.export_share)
        if top is not None:
            out.append(Problem("cbam.export_share", f"a share of output must be 0..1, found "
                               f"{top:g}", "give the exported share as a fraction, e.g. 0.3"))
        if (c.benchmark is None) == (c.benchmark_t_per_unit is None):
            out.append(Problem("cbam", "give exactly one of cbam.benchmark (a name) and "
                               "cbam.benchmark_t_per_unit (a number)",
                               "e.g. benchmark = \"hot_rolled_flats_bf_bof\""))
        names = market_defaults().benchmarks
        if c.benchmark is not None and c.benchmark not in names:
            out.append(Problem("cbam.benchmark", f"unknown CBAM benchmark '{c.benchmark}'",
                               _suggest(c.benchmark, names)))
        if c.embedded_basis == "default" and c.default_t_per_unit is None:
            out.append(Problem("cbam.default_t_per_unit", "embedded_basis = \"default\" needs "
                               "the default value", "add cbam.default_t_per_unit (t CO2e per "
                               "unit, from Implementing Regulation (EU) 2025/2621)"))
        if c.embedded_basis == "actual" and (c.default_t_per_unit is not None
                                             or c.default_markup is not None):
            out.append(Problem("cbam.embedded_basis", "default values are given but "
                               "embedded_basis is \"actual\", so they would be ignored",
                               "set embedded_basis = \"default\", or remove "
                               "default_t_per_unit and default_markup"))
    return out


def _money(sf: ScenarioFile) -> list[Problem]:
    """Tax, loan, subsidy and energy-performance-contract keys that contradict each other."""
    s = sf.scenario
    out = []
    if s.tax is not None:
        rate = s.tax.income_tax_rate
        values = rate.values() if isinstance(rate, dict) else [rate]
        if any(v >= 1 for v in values):
            out.append(Problem("tax.income_tax_rate", "a tax rate of 1 or more",
                               "give the rate as a share, e.g. 0.25 for 25 %"))
    if s.loan is not None and s.loan.grace_years >= s.loan.tenor_years:
        out.append(Problem("loan.grace_years", f"{s.loan.grace_years} grace years leave nothing "
                           f"of a {s.loan.tenor_years}-year tenor to repay",
                           "make grace_years smaller than tenor_years"))
    levers = [(f'measure[{i} "{m.id}"]', m) for i, m in enumerate(s.measure, start=1)]
    levers += [("pv", s.pv)] if s.pv is not None else []
    levers += [("battery", s.battery)] if s.battery is not None else []
    for key, lever in levers:
        if s.tax is None and lever.tax_credit:
            out.append(Problem(f"{key}.tax_credit", "a tax credit without income tax",
                               "add a [tax] table with income_tax_rate, or remove tax_credit"))
    for key, lever in levers:
        lease = lever.lease
        if lease is None:
            continue
        if lease.years > lever.lifetime_years:
            out.append(Problem(f"{key}.lease.years", f"a {lease.years}-year lease of an asset "
                               f"that lasts {lever.lifetime_years} years",
                               "make lease.years at most lifetime_years"))
        owned = [k for k, on in (("tax_credit", lever.tax_credit),
                                 ("subsidy_share", lever.subsidy_share > 0),
                                 ("subsidy_cny", getattr(lever, "subsidy_cny", 0.0) > 0),
                                 ("emc_share", getattr(lever, "emc_share", 0.0) > 0)) if on]
        if owned:
            out.append(Problem(f"{key}.lease", "the lessor owns a leased asset, so the plant "
                               f"gets no {', '.join(owned)} on it",
                               f"remove {', '.join(owned)} from it, or the lease"))
    for key, m in levers[:len(s.measure)]:
        contract = m.emc_share > 0 or m.emc_years > 0 or m.emc_savings_cny_per_year > 0
        if not contract:
            continue
        if not (m.emc_share > 0 and m.emc_years > 0 and m.emc_savings_cny_per_year > 0):
            out.append(Problem(f"{key}.emc_share", "an energy-performance contract needs all of "
                               "emc_share, emc_years and emc_savings_cny_per_year",
                               "give the three keys (> 0), or none of them"))
        if m.tax_credit or m.subsidy_share > 0 or m.subsidy_cny > 0:
            out.append(Problem(f"{key}.emc_share", "the service company pays the capex of a "
                               "contracted measure, so the plant gets no credit or subsidy on it",
                               "remove tax_credit and subsidy_* from this measure, or the "
                               "contract"))
    return out
