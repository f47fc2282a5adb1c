"""Time-of-use tariffs: periods, presets shipped as data, hourly import and export prices.

A Chinese industrial bill per kWh is a sum of components. Only some of them float with
the time of use (normally the energy purchase price, sometimes with line loss or T&D);
transmission and distribution, the system-operation charge and government funds are
flat in most provinces. The hourly import price of year y, hour h is

    price[y, h] = sum_{c floating} value_c[y] x multiplier[y, h] + sum_{c flat} value_c[y]

where the multiplier comes from the TOU periods in force in that month of that year
(periods may start or end in a given month: schedules change from a given year).
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from planner.base.hours import HOUR_OF_DAY, HOURS_PER_DAY, HOURS_PER_YEAR, calendar_of

if TYPE_CHECKING:
    from planner.base.schema import Grid

# Per-kWh components of a bill, in [grid] key order. "energy" is grid.price_cny_per_kwh;
# the others are grid.<name>_cny_per_kwh. A later two-part tariff adds per-kW and per-kVA
# charges next to these keys; they are not per-kWh and never float with the time of use.
COMPONENTS: tuple[str, ...] = ("energy", "transmission", "system_operation", "funds")
DEFAULT_FLOATING: tuple[str, ...] = ("energy",)

# --------------------------------------------------------------------------- periods


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


@dataclass(frozen=True)
class TouPeriod:
    """A time-of-use period.

    Attributes
    ----------
    name : str
        E.g. "peak", "valley", "critical".
    hours : tuple of int
        Hours of day 0..23 (hour-beginning) the period covers.
    multiplier : float
        Floating components x multiplier [-] (flat components are added unchanged).
    months : tuple of int
        Months 1..12 in which the period applies (default all).
    from_year, from_month : int or None, int
        First month the period is in force (None: since always). A schedule that
        changes mid-year (e.g. Zhejiang on 2026-07-01) is exact at month resolution:
        every planned year has its own 8760 prices.
    until_year, until_month : int or None, int
        Last month the period is in force, inclusive (None: for ever).
    """

    name: str
    hours: tuple[int, ...]
    multiplier: float
    months: tuple[int, ...] = tuple(range(1, 13))
    from_year: int | None = None
    from_month: int = 1
    until_year: int | None = None
    until_month: int = 12

    def __post_init__(self) -> None:
        if not all(isinstance(h, int) and 0 <= h <= 23 for h in self.hours):
            raise ValueError(f"TOU period {self.name!r}: hours must be integers 0..23, "
                             f"got {self.hours}")
        if not all(isinstance(m, int) and 1 <= m <= 12 for m in self.months):
            raise ValueError(f"TOU period {self.name!r}: months must be integers 1..12, "
                             f"got {self.months}")
        if not (math.isfinite(self.multiplier) and self.multiplier >= 0):
            raise ValueError(f"TOU period {self.name!r}: multiplier must be >= 0, "
                             f"got {self.multiplier}")
        for m in (self.from_month, self.until_month):
            if not (isinstance(m, int) and 1 <= m <= 12):
                raise ValueError(f"TOU period {self.name!r}: from/until month must be 1..12, "
                                 f"got {m}")
        if (self.from_year is not None and self.until_year is not None
                and _month_index(self.until_year, self.until_month)
                < _month_index(self.from_year, self.from_month)):
            raise ValueError(f"TOU period {self.name!r}: ends "
                             f"({self.until_year}-{self.until_month:02d}) before it starts "
                             f"({self.from_year}-{self.from_month:02d})")

    def in_force(self, year: int, month: int) -> bool:
        """Whether the period applies in `month` of `year` (window and months)."""
        if month not in self.months:
            return False
        ym = _month_index(year, month)
        if self.from_year is not None and ym < _month_index(self.from_year, self.from_month):
            return False
        return not (self.until_year is not None
                    and ym > _month_index(self.until_year, self.until_month))


def tou_multiplier(periods: Sequence[TouPeriod], year: int) -> np.ndarray:
    """Hourly price multiplier of a TOU tariff in one year.

    Parameters
    ----------
    periods : sequence of TouPeriod
        Applied in order; where periods overlap the later one wins (list a critical
        peak after the peak it overrides). A period applies only in the months of
        `year` within its from/until window.
    year : int
        Calendar year (for months and the schedule in force).

    Returns
    -------
    numpy.ndarray
        Shape (8760,) [-]; 1.0 in hours covered by no period.
    """
    month, _ = calendar_of(year)
    out = np.ones(HOURS_PER_YEAR, dtype=np.float64)
    for period in periods:
        months = [m for m in range(1, 13) if period.in_force(year, m)]
        if not months:
            continue
        mask = np.isin(HOUR_OF_DAY, period.hours) & np.isin(month, months)
        out[mask] = period.multiplier
    return out


def tou_multiplier_by_year(periods: Sequence[TouPeriod], years: Sequence[int]) -> np.ndarray:
    """`tou_multiplier` for each year: shape (len(years), 8760) [-].

    Years with the same schedule in force share one computation.
    """
    cache: dict[tuple[bool, ...], np.ndarray] = {}
    rows = []
    for y in years:
        y = int(y)
        key = tuple(p.in_force(y, m) for p in periods for m in range(1, 13))
        if key not in cache:
            cache[key] = tou_multiplier(periods, y)
        rows.append(cache[key])
    if not rows:
        return np.ones((0, HOURS_PER_YEAR))
    return np.vstack(rows)


def import_price_cny_per_kwh(multiplier_yh: np.ndarray,
                             components_cny_per_kwh: Mapping[str, np.ndarray],
                             floating: Collection[str] = DEFAULT_FLOATING) -> np.ndarray:
    """Hourly import price from the per-kWh bill components.

    Parameters
    ----------
    multiplier_yh : numpy.ndarray
        (Y, H) TOU multiplier [-].
    components_cny_per_kwh : mapping of str to numpy.ndarray
        Each component's value per year, shape (Y,) [CNY/kWh]; names from COMPONENTS.
    floating : collection of str
        Components multiplied by the TOU multiplier; the others are added flat.

    Returns
    -------
    numpy.ndarray
        (Y, H) [CNY/kWh]: sum of floating x multiplier + sum of flat.
    """
    unknown = (set(components_cny_per_kwh) | set(floating)) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown tariff components {sorted(unknown)}; valid: "
                         f"{', '.join(COMPONENTS)}")
    y = multiplier_yh.shape[0]
    float_y = np.zeros(y)
    flat_y = np.zeros(y)
    for name, values in components_cny_per_kwh.items():
        v = np.broadcast_to(np.asarray(values, dtype=np.float64), (y,))
        if name in floating:
            float_y = float_y + v
        else:
            flat_y = flat_y + v
    return float_y[:, None] * multiplier_yh + flat_y[:, None]


# --------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class TouPreset:
    """A shipped tariff schedule (``planner/data/tou_presets.toml``).

    Attributes
    ----------
    name, description, source, mark : str
        `mark` is V, S or U (docs/profiles.md); the weakest of the preset's numbers.
    periods : tuple of TouPeriod
    floating : tuple of str
        Components the province floats with the time of use (COMPONENTS).
    """

    name: str
    description: str
    source: str
    mark: str
    periods: tuple[TouPeriod, ...]
    floating: tuple[str, ...] = field(default=DEFAULT_FLOATING)


def _period(p: dict) -> TouPeriod:
    return TouPeriod(name=p["name"], hours=tuple(p["hours"]), multiplier=float(p["multiplier"]),
                     months=tuple(p.get("months", range(1, 13))),
                     from_year=p.get("from_year"), from_month=p.get("from_month", 1),
                     until_year=p.get("until_year"), until_month=p.get("until_month", 12))


@functools.lru_cache(maxsize=1)
def _load_presets() -> dict[str, TouPreset]:
    # Next to this module (package data). Not importlib.resources: an editable install can
    # expose `planner` as a namespace package, which resources.files() rejects.
    text = (Path(__file__).parents[1] / "data" / "tou_presets.toml").read_text(encoding="utf-8")
    presets: dict[str, TouPreset] = {}
    for name, preset in tomllib.loads(text)["presets"].items():
        floating = tuple(preset.get("floating", DEFAULT_FLOATING))
        if set(floating) - set(COMPONENTS):
            raise ValueError(f"tou_presets.toml: preset {name!r} floats unknown components "
                             f"{sorted(set(floating) - set(COMPONENTS))}")
        presets[name] = TouPreset(
            name=name, description=preset["description"], source=preset["source"],
            mark=preset["mark"], periods=tuple(_period(p) for p in preset.get("periods", [])),
            floating=floating)
    return presets


TOU_PRESETS: tuple[str, ...] = tuple(_load_presets())


def tou_preset_info(name: str) -> TouPreset:
    """A shipped preset with its floating components and source.

    Raises
    ------
    KeyError
        Unknown name; the message lists the valid ones.
    """
    presets = _load_presets()
    if name not in presets:
        raise KeyError(f"unknown TOU preset {name!r}; valid: {', '.join(presets)}")
    return presets[name]


def tou_preset(name: str) -> tuple[TouPeriod, ...]:
    """Periods of a shipped preset (``planner/data/tou_presets.toml``).

    Raises
    ------
    KeyError
        Unknown name; the message lists the valid ones.
    """
    return tou_preset_info(name).periods


# --------------------------------------------------------------------------- scenario


@dataclass(frozen=True)
class GridPrices:
    """Hourly prices of a scenario's [grid] table.

    Attributes
    ----------
    import_cny_per_kwh_yh, export_cny_per_kwh_yh : numpy.ndarray
        (Y, 8760) [CNY/kWh]; export capped at the same hour's import price.
    multiplier_yh : numpy.ndarray
        (Y, 8760) TOU multiplier [-].
    floating : tuple of str
        Components that float.
    notes : tuple of str
        Assumptions the run states (a preset with U numbers, export cap hours).
    """

    import_cny_per_kwh_yh: np.ndarray
    export_cny_per_kwh_yh: np.ndarray
    multiplier_yh: np.ndarray
    floating: tuple[str, ...]
    notes: tuple[str, ...]


def grid_periods(grid: Grid) -> tuple[TouPeriod, ...]:
    """TOU periods of a [grid] table: the preset's, or the user's own."""
    if grid.tou_preset is not None:
        return tou_preset(grid.tou_preset)
    return tuple(TouPeriod(p.name, tuple(p.hours), p.multiplier, tuple(p.months),
                           from_year=p.from_year, from_month=p.from_month,
                           until_year=p.until_year, until_month=p.until_month)
                 for p in grid.periods)


def grid_floating(grid: Grid) -> tuple[str, ...]:
    """Components that float: grid.floating_components, else the preset's, else energy."""
    if grid.floating_components is not None:
        return tuple(grid.floating_components)
    if grid.tou_preset is not None:
        return tou_preset_info(grid.tou_preset).floating
    return DEFAULT_FLOATING


def grid_prices(grid: Grid, years: Sequence[int]) -> GridPrices:
    """Hourly import and export prices of every planned year.

    Parameters
    ----------
    grid : planner.base.schema.Grid
    years : sequence of int
        Planned years.
    """
    from planner.base.series import series_values

    yrs = np.asarray(years, dtype=np.int64)
    mult = tou_multiplier_by_year(grid_periods(grid), [int(y) for y in yrs])
    components = {
        "energy": series_values(grid.price_cny_per_kwh, yrs),
        "transmission": series_values(grid.transmission_cny_per_kwh, yrs),
        "system_operation": series_values(grid.system_operation_cny_per_kwh, yrs),
        "funds": series_values(grid.funds_cny_per_kwh, yrs),
    }
    floating = grid_floating(grid)
    imp = import_price_cny_per_kwh(mult, components, floating)
    export = series_values(grid.export_price_cny_per_kwh, yrs)
    # Export earns at most the import price of the same hour: otherwise buying to sell
    # would pay, which no tariff allows (and the hourly cost would not be convex).
    exp = np.minimum(export[:, None], imp)
    notes = []
    if grid.tou_preset is not None and tou_preset_info(grid.tou_preset).mark == "U":
        notes.append(f"time-of-use preset '{grid.tou_preset}' holds assumed (unverified, U) "
                     "numbers; docs/profiles.md says which")
    if len(yrs) and (exp < export[:, None]).any():
        hours = int((exp < export[:, None]).sum(axis=1).max())  # the most in any year
        notes.append(f"export price capped at the hour's import price in {hours} hours a year "
                     "(export never earns more than import costs)")
    return GridPrices(import_cny_per_kwh_yh=imp, export_cny_per_kwh_yh=exp,
                      multiplier_yh=mult, floating=floating, notes=tuple(notes))


def cheapest_block_start(multiplier: np.ndarray) -> int:
    """Hour of day where the longest run of the cheapest hours starts.

    Parameters
    ----------
    multiplier : numpy.ndarray
        Hourly price multiplier, length a multiple of 24 (normally 8760) [-].

    Returns
    -------
    int
        0..23. The multiplier is averaged by hour of day over all days; among the hours
        at the minimum (within 1e-9) the longest contiguous run, cyclic over midnight,
        is taken (the earliest on a tie). Flat tariff -> 0. Used as the battery's daily
        reset hour, e.g. Sichuan valley 23:00-07:00 -> 23.
    """
    m = np.asarray(multiplier, dtype=np.float64)
    if m.ndim != 1 or m.size == 0 or m.size % HOURS_PER_DAY:
        raise ValueError(f"multiplier length must be a multiple of 24, got shape {m.shape}")
    by_hour = m.reshape(-1, HOURS_PER_DAY).mean(axis=0)
    cheap = np.isclose(by_hour, by_hour.min(), rtol=1e-9, atol=1e-12)
    if cheap.all():
        return 0
    best_start, best_len = 0, -1
    for start in range(HOURS_PER_DAY):
        if not cheap[start] or cheap[start - 1]:
            continue  # not the first hour of a run (index -1 wraps to 23: cyclic)
        length = 0
        while cheap[(start + length) % HOURS_PER_DAY]:
            length += 1
        if length > best_len:
            best_start, best_len = start, length
    return best_start
