"""Emission factors shipped with carbonpath: GWP100, fuels, China grid factors.

The numbers live in ``planner/data/*.csv`` (package data). Every row carries the
source it was read in and a confidence mark (see :data:`MARKS` and
``docs/factors.md``). This module loads them once (cached) and offers look-ups
that accept common aliases and fail with a suggestion on unknown names.

Units
-----
* GWP100: dimensionless, kgCO2e per kg of gas.
* Fuels: tCO2 per GJ of fuel on a net-calorific-value (NCV) basis.
* Grid: tCO2 per MWh (= kgCO2/kWh).

Refrigerant blends are never stored as numbers: their GWP is the
mass-fraction-weighted sum of the component GWPs **of the chosen assessment
report**. (Public code often labels the AR4 blend values 2088 / 3922 as AR5 or
AR6; computing from components avoids that trap.)
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from planner.base.errors import CarbonpathError

__all__ = [
    "FUEL_EF_TABLES",
    "GRID_FACTOR_KINDS",
    "GWP_SETS",
    "MARKS",
    "Fuel",
    "UnknownFactorError",
    "canonical_gas",
    "canonical_region",
    "fuel",
    "fuel_ch4_n2o_source",
    "fuel_ch4_n2o_t_per_gj",
    "fuel_ef_source",
    "fuel_ef_t_per_gj",
    "grid_factor_series",
    "grid_factor_sources",
    "gwp100",
    "gwp_source",
    "known_fuels",
    "known_gases",
    "known_regions",
]

GWP_SETS: tuple[str, ...] = ("AR4", "AR5", "AR6")
"""Assessment reports whose GWP100 values are shipped."""

FUEL_EF_TABLES: tuple[str, ...] = ("ipcc-2006", "china-default")
"""Fuel emission-factor tables: IPCC 2006 defaults, China enterprise-accounting defaults."""

GRID_FACTOR_KINDS: tuple[str, ...] = ("average", "excl_market_nonfossil", "fossil_only")
"""MEE/NBS grid-factor kinds (口径): average, average excluding market-traded
non-fossil power, fossil-only."""

MARKS: Mapping[str, str] = MappingProxyType({
    "V": "verified",
    "S": "secondary",
    "U": "unverified",
    "C": "convention",
})
"""Confidence marks used in the data files. ``C`` = a value fixed by definition or
by an accounting convention (ammonia GWP 0, biogenic CO2 0), not a measurement."""

_CO2_PER_C = 44.0 / 12.0  # tCO2 per tC
_COLLAPSE = re.compile(r"[\s\-_.,()/]+")


# --------------------------------------------------------------------------- errors


class UnknownFactorError(CarbonpathError, KeyError):
    """An unknown gas, fuel, region or grid-factor kind.

    Also a :class:`KeyError` (look-up failure) and a
    :class:`~planner.base.errors.CarbonpathError` (shown to users as one message).

    Attributes
    ----------
    what : str
        ``'gas'``, ``'fuel'``, ``'region'`` or ``'grid factor kind'``.
    name : str
        The name as given.
    suggestions : list[str]
        Close matches (canonical ids), best first; may be empty.
    valid : list[str]
        Every valid canonical id.
    """

    exit_code = 2

    def __init__(self, what: str, name: str, suggestions: Iterable[str],
                 valid: Iterable[str]) -> None:
        self.what = what
        self.name = name
        self.suggestions = list(suggestions)
        self.valid = list(valid)
        super().__init__(self._message())

    def _message(self) -> str:
        msg = f"unknown {self.what} '{self.name}'"
        if self.suggestions:
            msg += f": did you mean '{self.suggestions[0]}'?"
        return msg + " Valid: " + ", ".join(self.valid)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self._message()

    def __reduce__(self) -> tuple[type, tuple[str, str, list[str], list[str]]]:
        return (type(self), (self.what, self.name, self.suggestions, self.valid))


def _key(name: str) -> str:
    """Normalised look-up key: lower case, no spaces, hyphens, underscores, dots, commas."""
    return _COLLAPSE.sub("", name.strip().lower())


def _suggest(name: str, index: Mapping[str, str], n: int = 3) -> list[str]:
    """Canonical ids whose names are close to ``name`` (best first)."""
    close = difflib.get_close_matches(_key(name), list(index), n=3 * n, cutoff=0.6)
    out: list[str] = []
    for k in close:
        if index[k] not in out:
            out.append(index[k])
    return out[:n]


def _resolve(what: str, name: str, index: Mapping[str, str], valid: Iterable[str]) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} name must be a string, found {type(name).__name__}")
    hit = index.get(_key(name))
    if hit is None:
        raise UnknownFactorError(what, name, _suggest(name, index), valid)
    return hit


# --------------------------------------------------------------------------- loading


def _read_csv(filename: str) -> list[dict[str, str]]:
    """Rows of ``planner/data/<filename>`` as dicts of stripped strings."""
    ref = resources.files("planner").joinpath("data").joinpath(filename)
    reader = csv.DictReader(io.StringIO(ref.read_text(encoding="utf-8"), newline=""))
    rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    for i, row in enumerate(rows, start=2):
        if not row.get("source"):
            raise ValueError(f"{filename} line {i}: empty source")
        if row.get("mark") not in MARKS:
            raise ValueError(f"{filename} line {i}: mark {row.get('mark')!r} not in {list(MARKS)}")
    return rows


def _num(text: str, where: str) -> float | None:
    if text == "":
        return None
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: expected a finite number >= 0, found {text!r}")
    return value


@dataclass(frozen=True)
class _Gas:
    id: str
    name: str
    gwp: Mapping[str, float | None]
    source: str
    mark: str
    note: str


@dataclass(frozen=True)
class _Blend:
    id: str
    name: str
    components: tuple[tuple[str, float], ...]  # (gas id, mass fraction)
    source: str
    mark: str


@dataclass(frozen=True)
class _GasTable:
    gases: Mapping[str, _Gas]
    blends: Mapping[str, _Blend]
    index: Mapping[str, str]  # normalised alias -> canonical id


def _add_alias(index: dict[str, str], alias: str, gid: str, where: str) -> None:
    k = _key(alias)
    if not k:
        return
    if index.setdefault(k, gid) != gid:
        raise ValueError(f"{where}: alias {alias!r} names both {index[k]!r} and {gid!r}")


@lru_cache(maxsize=1)
def _gas_table() -> _GasTable:
    gases: dict[str, _Gas] = {}
    index: dict[str, str] = {}
    for i, row in enumerate(_read_csv("gwp.csv"), start=2):
        where = f"gwp.csv line {i}"
        gid = row["gas"]
        if gid in gases:
            raise ValueError(f"{where}: duplicate gas {gid!r}")
        gwp = {s: _num(row[s.lower()], where) for s in GWP_SETS}
        gases[gid] = _Gas(gid, row["name"], MappingProxyType(gwp), row["source"], row["mark"],
                          row.get("note", ""))
        for alias in [gid, row["name"], *row["aliases"].split(";")]:
            _add_alias(index, alias, gid, where)

    parts: dict[str, list[tuple[str, float]]] = {}
    meta: dict[str, tuple[str, str, str]] = {}
    for i, row in enumerate(_read_csv("refrigerant_blends.csv"), start=2):
        where = f"refrigerant_blends.csv line {i}"
        bid, comp = row["blend"], row["component"]
        if bid in gases:
            raise ValueError(f"{where}: blend {bid!r} is also a gas")
        if comp not in gases:
            raise ValueError(f"{where}: component {comp!r} is not in gwp.csv")
        frac = _num(row["mass_fraction"], where)
        if frac is None or frac > 1:
            raise ValueError(f"{where}: mass fraction must be in [0, 1]")
        parts.setdefault(bid, []).append((comp, frac))
        meta.setdefault(bid, (row["name"], row["source"], row["mark"]))
        for alias in (bid, row["name"]):
            _add_alias(index, alias, bid, where)
    blends: dict[str, _Blend] = {}
    for bid, comps in parts.items():
        total = math.fsum(f for _, f in comps)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"refrigerant_blends.csv: fractions of {bid!r} sum to {total}, not 1")
        name, source, mark = meta[bid]
        blends[bid] = _Blend(bid, name, tuple(comps), source, mark)
    return _GasTable(MappingProxyType(gases), MappingProxyType(blends), MappingProxyType(index))


def _check_set(gwp_set: str) -> str:
    s = str(gwp_set).strip().upper()
    if s not in GWP_SETS:
        raise ValueError(f"unknown GWP set {gwp_set!r}; valid: {', '.join(GWP_SETS)}")
    return s


# --------------------------------------------------------------------------- gases


def known_gases() -> tuple[str, ...]:
    """Canonical gas ids with a GWP, including refrigerant blends.

    Returns
    -------
    tuple of str
        Single gases in table order, then blends (``r410a``, ``r404a``).
    """
    t = _gas_table()
    return (*t.gases, *t.blends)


def canonical_gas(name: str) -> str:
    """Canonical id of a gas or refrigerant from a name or alias.

    Case, spaces, hyphens and underscores are ignored, so ``"HFC-134a"``,
    ``"R-134a"`` and ``"r134a"`` all give ``"hfc134a"``; ``"R-410A"`` gives
    ``"r410a"``; ``"PFC-14"`` gives ``"cf4"``; ``"R-744"`` gives ``"co2"``.

    Parameters
    ----------
    name : str
        Gas name, formula, ASHRAE refrigerant number or Chinese name.

    Returns
    -------
    str
        Canonical id (one of :func:`known_gases`).

    Raises
    ------
    UnknownFactorError
        If the name is unknown (with close matches as suggestions).
    """
    t = _gas_table()
    return _resolve("gas", name, t.index, known_gases())


def gwp100(gas: str, gwp_set: str = "AR6") -> float:
    """100-year global warming potential of a gas or blend.

    Blends are computed as sum(mass fraction x component GWP100) with the
    component values of ``gwp_set`` -- no rounding is applied (R-410A AR5 is
    1923.5, published rounded as 1924).

    Parameters
    ----------
    gas : str
        Gas name or alias (see :func:`canonical_gas`).
    gwp_set : str, default "AR6"
        Assessment report, one of :data:`GWP_SETS` (case-insensitive).

    Returns
    -------
    float
        GWP100 [kgCO2e per kg of gas].

    Raises
    ------
    UnknownFactorError
        If the gas is unknown.
    ValueError
        If ``gwp_set`` is unknown, or the gas has no value in that set
        (e.g. ``ch4_fossil`` outside AR6).
    """
    gid = canonical_gas(gas)
    s = _check_set(gwp_set)
    t = _gas_table()
    if gid in t.blends:
        return math.fsum(frac * gwp100(comp, s) for comp, frac in t.blends[gid].components)
    value = t.gases[gid].gwp[s]
    if value is None:
        have = [k for k, v in t.gases[gid].gwp.items() if v is not None]
        raise ValueError(f"gas '{gid}' has no GWP100 in {s} in the shipped table "
                         f"(available: {', '.join(have)})")
    return value


def _fmt(x: float) -> str:
    return f"{x:g}" if x < 1e6 else f"{x:.0f}"


def gwp_source(gas: str, gwp_set: str) -> str:
    """Human-readable provenance of :func:`gwp100` for a gas and report.

    Parameters
    ----------
    gas : str
        Gas name or alias.
    gwp_set : str
        One of :data:`GWP_SETS`.

    Returns
    -------
    str
        E.g. ``"HFC-134a GWP100 AR6 = 1530 [V]: IPCC ... via
        openclimatedata/globalwarmingpotentials"``; for a blend, the composition
        and each component's value and source.

    Raises
    ------
    UnknownFactorError, ValueError
        As :func:`gwp100`.
    """
    gid = canonical_gas(gas)
    s = _check_set(gwp_set)
    value = gwp100(gid, s)
    t = _gas_table()
    if gid in t.blends:
        b = t.blends[gid]
        terms = " + ".join(
            f"{frac * 100:g} % {t.gases[c].name} ({_fmt(gwp100(c, s))})" for c, frac in b.components
        )
        comp_sources = sorted({f"{t.gases[c].source} [{t.gases[c].mark}]" for c, _ in b.components})
        return (f"{b.name} GWP100 {s} = {_fmt(value)}, computed from components by mass: "
                f"{terms}; component GWPs: {'; '.join(comp_sources)}; "
                f"blend composition [{b.mark}]: {b.source}")
    g = t.gases[gid]
    return f"{g.name} GWP100 {s} = {_fmt(value)} [{g.mark}]: {g.source}"


# --------------------------------------------------------------------------- fuels


@dataclass(frozen=True)
class Fuel:
    """A fuel (or purchased heat) and its CO2 emission factors.

    Attributes
    ----------
    id : str
        Canonical id, e.g. ``"natural_gas"``.
    name : str
        Display name.
    ef_t_per_gj : float
        IPCC 2006 default [tCO2/GJ, NCV basis]; source and mark: ``source``, ``mark``.
    ef_china_t_per_gj : float or None
        China enterprise-accounting default [tCO2/GJ, NCV basis], computed as
        carbon content x oxidation x 44/12; None where the sources give none.
        Source and mark: ``china_source``, ``china_mark``.
    unit : str or None
        Physical unit of the NCV below (``"Nm3"``, ``"t"``, ``"GJ"``).
    ncv_gj_per_unit : float or None
        Net calorific value of the China guidelines [GJ per ``unit``].
    source, mark : str
        Provenance and mark (:data:`MARKS`) of ``ef_t_per_gj``.
    note : str
        Caveats (NCV conflicts, conventions).
    china_source, china_mark : str
        Provenance and mark of ``ef_china_t_per_gj`` and ``ncv_gj_per_unit``
        (empty when there is no China value).
    ch4_kg_per_tj, n2o_kg_per_tj : float
        Stationary-combustion CH4 and N2O defaults [kg gas per TJ, NCV basis],
        IPCC 2006 Vol. 2 Ch. 2 Table 2.3 (manufacturing industries and
        construction); 0 for purchased heat (no combustion at the site).
    ch4_n2o_source, ch4_n2o_mark : str
        Provenance and mark of the CH4 and N2O defaults.
    """

    id: str
    name: str
    ef_t_per_gj: float
    ef_china_t_per_gj: float | None
    unit: str | None
    ncv_gj_per_unit: float | None
    source: str
    mark: str
    note: str
    china_source: str = ""
    china_mark: str = ""
    ch4_kg_per_tj: float = 0.0
    n2o_kg_per_tj: float = 0.0
    ch4_n2o_source: str = ""
    ch4_n2o_mark: str = ""


@lru_cache(maxsize=1)
def _fuel_table() -> tuple[Mapping[str, Fuel], Mapping[str, str]]:
    fuels: dict[str, Fuel] = {}
    index: dict[str, str] = {}
    for i, row in enumerate(_read_csv("fuels.csv"), start=2):
        where = f"fuels.csv line {i}"
        fid = row["id"]
        if fid in fuels:
            raise ValueError(f"{where}: duplicate fuel {fid!r}")
        ef = _num(row["ef_t_per_gj"], where)
        if ef is None:
            raise ValueError(f"{where}: ef_t_per_gj is required")
        carbon = _num(row["carbon_tc_per_gj"], where)
        ox = _num(row["oxidation"], where)
        direct = _num(row["ef_china_t_per_gj"], where)
        if (carbon is None) != (ox is None):
            raise ValueError(f"{where}: give both carbon_tc_per_gj and oxidation, or neither")
        if carbon is not None and direct is not None:
            raise ValueError(f"{where}: give carbon_tc_per_gj/oxidation or ef_china_t_per_gj")
        ef_china = carbon * ox * _CO2_PER_C if carbon is not None and ox is not None else direct
        if ef_china is not None and row["china_mark"] not in MARKS:
            raise ValueError(f"{where}: China value without a valid china_mark")
        if ef_china is not None and not row["china_source"]:
            raise ValueError(f"{where}: China value without china_source")
        if not row["ch4_n2o_source"] or row["ch4_n2o_mark"] not in MARKS:
            raise ValueError(f"{where}: CH4/N2O defaults need ch4_n2o_source and a valid "
                             "ch4_n2o_mark")
        fuels[fid] = Fuel(
            id=fid, name=row["name"], ef_t_per_gj=ef, ef_china_t_per_gj=ef_china,
            unit=row["unit"] or None, ncv_gj_per_unit=_num(row["ncv_gj_per_unit"], where),
            source=row["source"], mark=row["mark"], note=row["note"],
            china_source=row["china_source"], china_mark=row["china_mark"],
            ch4_kg_per_tj=_num(row["ch4_kg_per_tj"], where) or 0.0,
            n2o_kg_per_tj=_num(row["n2o_kg_per_tj"], where) or 0.0,
            ch4_n2o_source=row["ch4_n2o_source"], ch4_n2o_mark=row["ch4_n2o_mark"],
        )
        for alias in (fid, row["name"], *_FUEL_ALIASES.get(fid, ())):
            _add_alias(index, alias, fid, where)
    return MappingProxyType(fuels), MappingProxyType(index)


_FUEL_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "natural_gas": ("天然气", "ng"),
    "diesel": ("柴油", "gas oil", "diesel oil", "gas/diesel oil"),
    "lpg": ("液化石油气", "liquefied petroleum gas"),
    "coal": ("烟煤", "bituminous coal", "other bituminous coal"),
    "anthracite": ("无烟煤",),
    "fuel_oil": ("燃料油", "residual fuel oil", "heavy fuel oil", "hfo"),
    "gasoline": ("汽油", "motor gasoline", "petrol"),
    "biomass": ("生物质",),
    "purchased_heat": ("热力", "外购热力", "purchased steam"),
})


def known_fuels() -> tuple[str, ...]:
    """Canonical fuel ids, in table order.

    Returns
    -------
    tuple of str
    """
    return tuple(_fuel_table()[0])


def fuel(fuel_id: str) -> Fuel:
    """A fuel's factors by id or alias (``"natural gas"``, ``"天然气"``, ...).

    Parameters
    ----------
    fuel_id : str

    Returns
    -------
    Fuel

    Raises
    ------
    UnknownFactorError
        If the fuel is unknown.
    """
    fuels, index = _fuel_table()
    return fuels[_resolve("fuel", fuel_id, index, fuels)]


def _check_table(table: str) -> str:
    if table not in FUEL_EF_TABLES:
        raise ValueError(f"unknown fuel factor table {table!r}; valid: {', '.join(FUEL_EF_TABLES)}")
    return table


def fuel_ef_t_per_gj(fuel_id: str, table: str = "ipcc-2006") -> float:
    """CO2 emission factor of a fuel from one table.

    Parameters
    ----------
    fuel_id : str
        Fuel id or alias.
    table : str, default "ipcc-2006"
        One of :data:`FUEL_EF_TABLES`.

    Returns
    -------
    float
        Emission factor [tCO2 per GJ, NCV basis].

    Raises
    ------
    UnknownFactorError
        If the fuel is unknown.
    ValueError
        If the table is unknown or has no value for the fuel (no silent fallback
        to the other table).
    """
    f = fuel(fuel_id)
    if _check_table(table) == "ipcc-2006":
        return f.ef_t_per_gj
    if f.ef_china_t_per_gj is None:
        raise ValueError(f"fuel '{f.id}' has no value in the china-default table; "
                         "use table='ipcc-2006' or give the factor in the scenario")
    return f.ef_china_t_per_gj


def fuel_ef_source(fuel_id: str, table: str = "ipcc-2006") -> tuple[str, str]:
    """Source and mark of :func:`fuel_ef_t_per_gj` for the same arguments.

    Returns
    -------
    tuple of (str, str)
        ``(source, mark)``.

    Raises
    ------
    UnknownFactorError, ValueError
        As :func:`fuel_ef_t_per_gj`.
    """
    fuel_ef_t_per_gj(fuel_id, table)  # same validation
    f = fuel(fuel_id)
    if table == "ipcc-2006":
        return f.source, f.mark
    return f.china_source, f.china_mark


#: Fuels whose methane is non-fossil (AR6 distinguishes fossil and non-fossil CH4).
_NON_FOSSIL_FUELS = frozenset({"biomass"})
_T_PER_GJ_PER_KG_PER_TJ = 1e-6  # 1 kg/TJ = 1e-3 t per 1e3 GJ


def _ch4_gas(fuel_id: str, gwp_set: str) -> str:
    """The methane GWP that applies to a fuel's combustion CH4 in ``gwp_set``.

    AR6 gives fossil (29.8) and non-fossil (27.0) values (Table 7.15); the shipped
    AR4/AR5 tables have one CH4 value, used for both.
    """
    if _check_set(gwp_set) != "AR6":
        return "ch4"
    return "ch4_non_fossil" if fuel_id in _NON_FOSSIL_FUELS else "ch4_fossil"


def fuel_ch4_n2o_t_per_gj(fuel_id: str, gwp_set: str = "AR6") -> tuple[float, float]:
    """CH4 and N2O of burning one GJ of a fuel, in CO2e with the chosen GWP set.

    ``kg/TJ x GWP100 x 1e-6``; e.g. natural gas in AR6: CH4 1 x 29.8e-6 =
    2.98e-5 and N2O 0.1 x 273e-6 = 2.73e-5 tCO2e/GJ (0.1 % of its CO2).

    Parameters
    ----------
    fuel_id : str
        Fuel id or alias.
    gwp_set : str, default "AR6"
        One of :data:`GWP_SETS`.

    Returns
    -------
    tuple of (float, float)
        ``(ch4, n2o)`` [tCO2e per GJ, NCV basis].

    Raises
    ------
    UnknownFactorError, ValueError
        Unknown fuel or GWP set.
    """
    f = fuel(fuel_id)
    ch4 = f.ch4_kg_per_tj * gwp100(_ch4_gas(f.id, gwp_set), gwp_set) * _T_PER_GJ_PER_KG_PER_TJ
    n2o = f.n2o_kg_per_tj * gwp100("n2o", gwp_set) * _T_PER_GJ_PER_KG_PER_TJ
    return ch4, n2o


def fuel_ch4_n2o_source(fuel_id: str, gwp_set: str = "AR6") -> str:
    """Human-readable provenance of :func:`fuel_ch4_n2o_t_per_gj`.

    Returns
    -------
    str
        The kg/TJ defaults with their source and mark, and the GWPs used.
    """
    f = fuel(fuel_id)
    s = _check_set(gwp_set)
    return (f"CH4 {f.ch4_kg_per_tj:g} kg/TJ x {gwp_source(_ch4_gas(f.id, s), s)}; "
            f"N2O {f.n2o_kg_per_tj:g} kg/TJ x {gwp_source('n2o', s)}; "
            f"defaults [{f.ch4_n2o_mark}]: {f.ch4_n2o_source}")


# --------------------------------------------------------------------------- grid

# id -> (Chinese name, English names...). Order = order of known_regions().
_REGIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "national": ("全国", "china", "中国", "national average", "全国电网"),
    "north": ("华北", "north china", "华北区域", "华北电网"),
    "northeast": ("东北", "northeast china", "north east", "东北区域", "东北电网"),
    "east": ("华东", "east china", "华东区域", "华东电网"),
    "central": ("华中", "central china", "华中区域", "华中电网"),
    "northwest": ("西北", "northwest china", "north west", "西北区域", "西北电网"),
    "south": ("南方", "southern", "china southern", "南方区域", "南方电网"),
    "southwest": ("西南", "southwest china", "south west", "西南区域", "西南电网"),
    "beijing": ("北京", "北京市"),
    "tianjin": ("天津", "天津市"),
    "hebei": ("河北", "河北省"),
    "shanxi": ("山西", "山西省"),
    "neimenggu": ("内蒙古", "内蒙古自治区", "inner mongolia", "nei mongol", "nei menggu"),
    "liaoning": ("辽宁", "辽宁省"),
    "jilin": ("吉林", "吉林省"),
    "heilongjiang": ("黑龙江", "黑龙江省"),
    "shanghai": ("上海", "上海市"),
    "jiangsu": ("江苏", "江苏省"),
    "zhejiang": ("浙江", "浙江省"),
    "anhui": ("安徽", "安徽省"),
    "fujian": ("福建", "福建省"),
    "jiangxi": ("江西", "江西省"),
    "shandong": ("山东", "山东省"),
    "henan": ("河南", "河南省"),
    "hubei": ("湖北", "湖北省"),
    "hunan": ("湖南", "湖南省"),
    "guangdong": ("广东", "广东省"),
    "guangxi": ("广西", "广西壮族自治区"),
    "hainan": ("海南", "海南省"),
    "chongqing": ("重庆", "重庆市"),
    "sichuan": ("四川", "四川省"),
    "guizhou": ("贵州", "贵州省"),
    "yunnan": ("云南", "云南省"),
    "shaanxi": ("陕西", "陕西省"),
    "gansu": ("甘肃", "甘肃省"),
    "qinghai": ("青海", "青海省"),
    "ningxia": ("宁夏", "宁夏回族自治区"),
    "xinjiang": ("新疆", "新疆维吾尔自治区"),
})

_ASCII_SUFFIXES = ("province", "municipality", "autonomousregion", "grid", "region")


@lru_cache(maxsize=1)
def _region_index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    for rid, aliases in _REGIONS.items():
        for alias in (rid, *aliases):
            _add_alias(index, alias, rid, "planner.tables.factors._REGIONS")
    return MappingProxyType(index)


@lru_cache(maxsize=1)
def _grid_table() -> Mapping[tuple[str, str], Mapping[int, tuple[float, str, str]]]:
    table: dict[tuple[str, str], dict[int, tuple[float, str, str]]] = {}
    for i, row in enumerate(_read_csv("grid_factors.csv"), start=2):
        where = f"grid_factors.csv line {i}"
        region, kind, year = row["region"], row["kind"], int(row["year"])
        if region not in _REGIONS:
            raise ValueError(f"{where}: region {region!r} is not a canonical region id")
        if kind not in GRID_FACTOR_KINDS:
            raise ValueError(f"{where}: kind {kind!r} not in {GRID_FACTOR_KINDS}")
        ef = _num(row["ef_t_per_mwh"], where)
        if ef is None:
            raise ValueError(f"{where}: ef_t_per_mwh is required")
        series = table.setdefault((region, kind), {})
        if year in series:
            raise ValueError(f"{where}: duplicate {region}/{kind}/{year}")
        series[year] = (ef, row["source"], row["mark"])
    return MappingProxyType({k: MappingProxyType(dict(sorted(v.items())))
                             for k, v in table.items()})


def known_regions() -> tuple[str, ...]:
    """Canonical region ids: ``national``, the seven grid regions, then 30 provinces.

    Returns
    -------
    tuple of str
    """
    return tuple(_REGIONS)


def canonical_region(name: str) -> str:
    """Canonical id of a grid region or province.

    Accepts pinyin/English (case, spaces and hyphens ignored; suffixes such as
    "province" or "grid" dropped) and Chinese names (``"四川"``, ``"四川省"``,
    ``"华东电网"``).

    Parameters
    ----------
    name : str

    Returns
    -------
    str
        One of :func:`known_regions`.

    Raises
    ------
    UnknownFactorError
        If the name is unknown (with close matches as suggestions).
    """
    index = _region_index()
    if isinstance(name, str) and _key(name) not in index:
        k = _key(name)
        for suffix in _ASCII_SUFFIXES:
            if k.endswith(suffix) and k[: -len(suffix)] in index:
                return index[k[: -len(suffix)]]
    return _resolve("region", name, index, known_regions())


def _check_kind(kind: str) -> str:
    k = _COLLAPSE.sub("_", str(kind).strip().lower())
    if k not in GRID_FACTOR_KINDS:
        index = {_key(x): x for x in GRID_FACTOR_KINDS}
        raise UnknownFactorError("grid factor kind", str(kind), _suggest(str(kind), index),
                                 GRID_FACTOR_KINDS)
    return k


def _grid(region: str, kind: str) -> Mapping[int, tuple[float, str, str]]:
    rid = canonical_region(region)
    k = _check_kind(kind)
    table = _grid_table()
    series = table.get((rid, k))
    if series is None:
        have = [kk for kk in GRID_FACTOR_KINDS if (rid, kk) in table]
        raise ValueError(f"no '{k}' grid factor for '{rid}' in the shipped table "
                         f"(kinds available: {', '.join(have) or 'none'}); "
                         "give the factor in the scenario")
    return series


def grid_factor_series(region: str, kind: str = "average") -> dict[int, float]:
    """Published MEE/NBS grid emission factors of a region, by data year.

    Parameters
    ----------
    region : str
        Region or province name (see :func:`canonical_region`).
    kind : str, default "average"
        One of :data:`GRID_FACTOR_KINDS`.

    Returns
    -------
    dict of int to float
        Data year -> factor [tCO2/MWh], in year order. A new dict on every call.

    Raises
    ------
    UnknownFactorError
        If the region or kind is unknown.
    ValueError
        If the region has no factor of that kind (e.g. provinces have only
        ``average``).
    """
    return {y: v[0] for y, v in _grid(region, kind).items()}


def grid_factor_sources(region: str, kind: str = "average") -> dict[int, tuple[str, str]]:
    """Source and mark of each value of :func:`grid_factor_series`.

    Returns
    -------
    dict of int to (str, str)
        Data year -> ``(source, mark)``.

    Raises
    ------
    UnknownFactorError, ValueError
        As :func:`grid_factor_series`.
    """
    return {y: (v[1], v[2]) for y, v in _grid(region, kind).items()}
