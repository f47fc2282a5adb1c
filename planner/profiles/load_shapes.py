"""Normalised hourly load shapes: shift patterns with a seasonal HVAC swing, end uses."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass
from planner.base.hours import DAY_INDEX, DAYS_PER_YEAR, HOUR_OF_DAY, calendar_of

# --------------------------------------------------------------------------- load shapes

# Fraction of weekday peak by hour of day. two_shift and three_shift: docs/sources.md D1
# (U: illustrative, not measured). one_shift: our assumption (U): production 08-17 with a
# lunch dip at 12, ramps at 07 and 17-18, base load 0.30 (compressed air, IT, lighting,
# leaks; D1 gives 25-35 % for two-shift plants).
_WEEKDAY_FRACTION_OF_PEAK: dict[str, tuple[float, ...]] = {
    "one_shift": (0.30,) * 7 + (0.50,) + (1.00,) * 4 + (0.75,) + (1.00,) * 4
    + (0.55, 0.40) + (0.30,) * 5,
    "two_shift": (0.30,) * 6 + (0.35, 0.55) + (1.00,) * 4 + (0.85,) + (1.00,) * 3
    + (0.90,) + (0.95,) * 5 + (0.90, 0.60),
    "three_shift": (0.85,) * 6 + (0.85, 0.90) + (1.00,) * 4 + (0.92,) + (1.00,) * 3
    + (0.92,) + (0.97,) * 5 + (0.95, 0.88),
    "flat": (1.0,) * 24,
}
# (Saturday, Sunday) multipliers of the weekday shape: D1 (U) for two/three-shift,
# our assumption (U) for one_shift.
_WEEKEND_FACTORS: dict[str, tuple[float, float]] = {
    "one_shift": (0.35, 0.30),
    "two_shift": (0.60, 0.35),
    "three_shift": (0.85, 0.85),
    "flat": (1.0, 1.0),
}
LOAD_PATTERNS: tuple[str, ...] = tuple(_WEEKDAY_FRACTION_OF_PEAK)

# Seasonal anchors (day index 0..364): hottest ~Jul 24, coldest ~Jan 15, typical of
# eastern/central China (Chengdu, Shanghai); U: assumption.
HOTTEST_DAY = 204
_COLDEST_DAY = 14


def _cyclic_day_distance(day: np.ndarray, centre: int) -> np.ndarray:
    d = np.abs(day - centre) % DAYS_PER_YEAR
    return np.asarray(np.minimum(d, DAYS_PER_YEAR - d))


def _raised_cosine(day: np.ndarray, centre: int, half_width_days: float) -> np.ndarray:
    """Smooth bump: 1 at `centre`, 0 beyond +-half_width (cyclic over the year)."""
    dist = _cyclic_day_distance(day, centre)
    return np.where(dist < half_width_days,
                    0.5 * (1.0 + np.cos(np.pi * dist / half_width_days)), 0.0)


def _hvac_season_factor(day: np.ndarray) -> np.ndarray:
    """f(day): 1 in late July (cooling), 0.5 in mid-January (heating), 0 in spring/autumn.

    Cooling bump +-75 days (mid-May..early Oct), heating bump +-60 days (mid-Nov..mid-Mar):
    U, assumption. Heating counts half because most Chinese factories heat less than they
    cool and heat partly with fuel.
    """
    return (_raised_cosine(day, HOTTEST_DAY, 75.0)
            + 0.5 * _raised_cosine(day, _COLDEST_DAY, 60.0))


def _check_factor(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


def _normalise(raw: np.ndarray) -> np.ndarray:
    total = raw.sum()
    if not total > 0:
        raise ValueError("shape is zero in every hour; nothing to normalise")
    return np.asarray(raw / total, dtype=np.float64)


def shift_load_shape(pattern: str, year: int, *, hvac_swing: float = 0.0,
                     saturday_factor: float | None = None,
                     sunday_factor: float | None = None) -> np.ndarray:
    """Hourly electricity load shape of a shift pattern, summing to 1.0 over the year.

    Parameters
    ----------
    pattern : str
        One of ``LOAD_PATTERNS``: "one_shift", "two_shift", "three_shift", "flat".
    year : int
        Calendar year whose weekdays are used.
    hvac_swing : float
        Relative seasonal amplitude [-]: the day's load is multiplied by
        ``1 + hvac_swing * f(day)``, f = 1 in late July, 0.5 in mid-January, 0 in
        spring and autumn. 0 = no seasonality.
    saturday_factor, sunday_factor : float, optional
        Multiplier of the weekday shape on Saturdays / Sundays [-]. Defaults per
        pattern: two_shift 0.6 / 0.35, three_shift 0.85 / 0.85 (docs/sources.md D1, U),
        one_shift 0.35 / 0.3 (assumption, U), flat 1 / 1.

    Returns
    -------
    numpy.ndarray
        Shape (8760,) [-], sum 1.0. Multiply by annual energy [kWh] to get [kW].

    Raises
    ------
    ValueError
        Unknown pattern, negative or non-finite factors.

    Notes
    -----
    Weekday shapes are fractions of weekday peak per hour of day (D1). The weekend factor
    scales the whole day, base load included, as in D1. Public holidays are not modelled.
    """
    if pattern not in _WEEKDAY_FRACTION_OF_PEAK:
        raise ValueError(f"unknown load pattern {pattern!r}; valid: {', '.join(LOAD_PATTERNS)}")
    sat_default, sun_default = _WEEKEND_FACTORS[pattern]
    sat = _check_factor("saturday_factor",
                        sat_default if saturday_factor is None else saturday_factor)
    sun = _check_factor("sunday_factor", sun_default if sunday_factor is None else sunday_factor)
    swing = _check_factor("hvac_swing", hvac_swing)
    _, weekday = calendar_of(year)
    day_factor = np.select([weekday == 5, weekday == 6], [sat, sun], 1.0)
    hourly = np.asarray(_WEEKDAY_FRACTION_OF_PEAK[pattern], dtype=np.float64)[HOUR_OF_DAY]
    raw = hourly * day_factor
    if swing:
        raw = raw * (1.0 + swing * _hvac_season_factor(DAY_INDEX))
    return _normalise(raw)


_DAYTIME_HOURS = np.arange(7, 19)  # 07:00-19:00
_NIGHT_CHARGING_HOURS = np.array([22, 23, 0, 1, 2, 3, 4, 5])  # 22:00-06:00
_TWO_SHIFT_PRODUCTION_HOURS = np.arange(8, 24)  # D1: shifts 08-16 and 16-24

SHAPE_KINDS: tuple[str, ...] = (*LOAD_PATTERNS, "night_charging", "space_heating", "cooling",
                                "process_heat")


def _hours_mask(hours: np.ndarray) -> np.ndarray:
    return np.isin(HOUR_OF_DAY, hours).astype(np.float64)


def end_use_shape(kind: str, year: int) -> np.ndarray:
    """Hourly shape (sum 1.0) of the electricity an electrification measure adds.

    Parameters
    ----------
    kind : str
        One of ``SHAPE_KINDS``:

        - "flat", "one_shift", "two_shift", "three_shift": as ``shift_load_shape``.
        - "night_charging": uniform 22:00-06:00 every night (forklift batteries, EVs).
        - "space_heating": uniform 07:00-19:00, weighted by ``max(0, cos(2 pi (d - 14)/365))``
          (peak mid-January, zero mid-April to mid-October).
        - "cooling": uniform 07:00-19:00, weighted by ``max(0, cos(2 pi (d - 204)/365))``
          (peak late July, zero late October to late April).
        - "process_heat": uniform over two-shift production hours 08:00-24:00, Saturdays
          x0.6, Sundays x0.35 (D1 factors), no seasonality.
    year : int
        Calendar year whose weekdays are used.

    Returns
    -------
    numpy.ndarray
        Shape (8760,) [-], sum 1.0.

    Notes
    -----
    Hours, seasonal weights and the every-day assumption for heating and cooling are
    ours (U); calibrate on sub-metered data where available.
    """
    if kind in LOAD_PATTERNS:
        return shift_load_shape(kind, year)
    _, weekday = calendar_of(year)
    day = DAY_INDEX.astype(np.float64)
    if kind == "night_charging":
        raw = _hours_mask(_NIGHT_CHARGING_HOURS)
    elif kind == "space_heating":
        season = np.maximum(0.0, np.cos(2 * np.pi * (day - _COLDEST_DAY) / DAYS_PER_YEAR))
        raw = _hours_mask(_DAYTIME_HOURS) * season
    elif kind == "cooling":
        season = np.maximum(0.0, np.cos(2 * np.pi * (day - HOTTEST_DAY) / DAYS_PER_YEAR))
        raw = _hours_mask(_DAYTIME_HOURS) * season
    elif kind == "process_heat":
        sat, sun = _WEEKEND_FACTORS["two_shift"]
        day_factor = np.select([weekday == 5, weekday == 6], [sat, sun], 1.0)
        raw = _hours_mask(_TWO_SHIFT_PRODUCTION_HOURS) * day_factor
    else:
        raise ValueError(f"unknown end-use shape {kind!r}; valid: {', '.join(SHAPE_KINDS)}")
    return _normalise(raw)
