"""Hourly profiles of one typical year: load shapes, PV output, tariffs, CSV input.

Every hourly array returned here is a float64 ``np.ndarray`` of shape ``(8760,)`` in
hour-beginning local (standard) time: element 0 is Jan 1 00:00-01:00, element 8759 is
Dec 31 23:00-24:00. A leap year is represented by its 365 days without Feb 29, so the
hour of day of element ``h`` is always ``h % 24`` and its day is ``h // 24``.

Shapes (``shift_load_shape``, ``end_use_shape``) are normalised to sum to 1.0 over the
year, so ``annual_mwh * 1000 * shape`` is an hourly load in kW (1 h steps: kWh = kW).

Boundaries: this module reads files and builds arrays; it knows nothing of the model.
``pvlib`` (about 0.5-1 s to import) and ``scipy`` are imported only inside the functions
that compute PV, and ``pandas`` only inside ``typical_year_index``, so that a run whose PV
profile is cached starts fast. Numbers and their confidence marks (V/S/U) are listed in
``docs/profiles.md``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as fixed_timezone
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HOURS_PER_YEAR",
    "LOAD_PATTERNS",
    "SHAPE_KINDS",
    "TOU_PRESETS",
    "HourlyCsvError",
    "TouPeriod",
    "cheapest_block_start",
    "end_use_shape",
    "pv_output_from_irradiance",
    "pv_output_kw_per_kwp",
    "read_hourly_csv",
    "shift_load_shape",
    "tou_multiplier",
    "tou_preset",
    "typical_year_index",
]

HOURS_PER_YEAR: int = 8760
HOURS_PER_DAY = 24
DAYS_PER_YEAR = 365

# --------------------------------------------------------------------------- calendar


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise TypeError(f"year must be an int, got {type(year).__name__}")
    if not 1 <= year <= 9999:
        raise ValueError(f"year must be in 1..9999, got {year}")


@functools.lru_cache(maxsize=64)
def _calendar(year: int) -> tuple[np.ndarray, np.ndarray]:
    """Month (1..12) and weekday (0 = Monday) of each of the 8760 hours of `year`.

    numpy only (no pandas) because the CLI calls this on its fast path. Cached and
    returned read-only: several profiles of one scenario share the same calendar.
    """
    _check_year(year)
    start = np.datetime64(f"{year:04d}-01-01", "D")
    days = start + np.arange(366 if _is_leap(year) else DAYS_PER_YEAR)
    month_start = days.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day_of_month = (days - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    keep = ~((month == 2) & (day_of_month == 29))  # typical year: drop Feb 29
    # 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
    weekday = (days.astype(np.int64) + 3) % 7
    month_h = np.repeat(month[keep], HOURS_PER_DAY).astype(np.int8)
    weekday_h = np.repeat(weekday[keep], HOURS_PER_DAY).astype(np.int8)
    month_h.setflags(write=False)
    weekday_h.setflags(write=False)
    return month_h, weekday_h


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_HOUR_OF_DAY = np.tile(np.arange(HOURS_PER_DAY, dtype=np.int8), DAYS_PER_YEAR)
_HOUR_OF_DAY.setflags(write=False)
_DAY_INDEX = np.repeat(np.arange(DAYS_PER_YEAR, dtype=np.int16), HOURS_PER_DAY)
_DAY_INDEX.setflags(write=False)


def _standard_tz(timezone: str, year: int) -> ZoneInfo | fixed_timezone:
    """The zone itself if it keeps one UTC offset all `year`, else its standard offset.

    Typical-year data (TMY files, meter exports of 8760 rows) are in local *standard*
    time; with daylight saving a day would have 23 or 25 hours and ``h % 24`` would no
    longer be the clock hour.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {timezone!r} (use an IANA name such as "
                         "'Asia/Shanghai')") from exc
    probes = [datetime(year, m, 15, 12, tzinfo=zone) for m in range(1, 13)]
    offsets = {p.utcoffset() for p in probes}
    if len(offsets) == 1 and all(not p.dst() for p in probes):
        return zone
    # Standard offset = offset minus DST saving, read in a month without DST.
    standard = min(p.utcoffset() - (p.dst() or timedelta(0)) for p in probes)  # type: ignore[operator]
    return fixed_timezone(standard)


def typical_year_index(year: int, timezone: str = "Asia/Shanghai") -> pd.DatetimeIndex:
    """Hour-beginning timestamps of the typical year.

    Parameters
    ----------
    year : int
        Calendar year; in a leap year Feb 29 is dropped.
    timezone : str
        IANA time zone. Zones with daylight saving in `year` are returned at their
        fixed standard UTC offset, so every day has 24 hours.

    Returns
    -------
    pandas.DatetimeIndex
        8760 tz-aware timestamps, Jan 1 00:00 first.
    """
    import pandas as pd  # lazy: pandas costs ~0.3 s at start-up

    tz = _standard_tz(timezone, year)
    month, _ = _calendar(year)  # validates year
    start = np.datetime64(f"{year:04d}-01-01T00", "h")
    hours = start + np.arange(8784 if _is_leap(year) else HOURS_PER_YEAR)
    if _is_leap(year):
        hours = np.delete(hours, np.s_[59 * 24 : 60 * 24])  # Feb 29 = day index 59
    assert len(hours) == len(month)
    return pd.DatetimeIndex(hours.astype("datetime64[ns]")).tz_localize(tz)


# --------------------------------------------------------------------------- load shapes

# Fraction of weekday peak by hour of day. two_shift and three_shift: domain-data D1
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
_HOTTEST_DAY = 204
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
    return (_raised_cosine(day, _HOTTEST_DAY, 75.0)
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
        pattern: two_shift 0.6 / 0.35, three_shift 0.85 / 0.85 (domain-data D1, U),
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
    _, weekday = _calendar(year)
    day_factor = np.select([weekday == 5, weekday == 6], [sat, sun], 1.0)
    hourly = np.asarray(_WEEKDAY_FRACTION_OF_PEAK[pattern], dtype=np.float64)[_HOUR_OF_DAY]
    raw = hourly * day_factor
    if swing:
        raw = raw * (1.0 + swing * _hvac_season_factor(_DAY_INDEX))
    return _normalise(raw)


_DAYTIME_HOURS = np.arange(7, 19)  # 07:00-19:00
_NIGHT_CHARGING_HOURS = np.array([22, 23, 0, 1, 2, 3, 4, 5])  # 22:00-06:00
_TWO_SHIFT_PRODUCTION_HOURS = np.arange(8, 24)  # D1: shifts 08-16 and 16-24

SHAPE_KINDS: tuple[str, ...] = (*LOAD_PATTERNS, "night_charging", "space_heating", "cooling",
                                "process_heat")


def _hours_mask(hours: np.ndarray) -> np.ndarray:
    return np.isin(_HOUR_OF_DAY, hours).astype(np.float64)


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
    _, weekday = _calendar(year)
    day = _DAY_INDEX.astype(np.float64)
    if kind == "night_charging":
        raw = _hours_mask(_NIGHT_CHARGING_HOURS)
    elif kind == "space_heating":
        season = np.maximum(0.0, np.cos(2 * np.pi * (day - _COLDEST_DAY) / DAYS_PER_YEAR))
        raw = _hours_mask(_DAYTIME_HOURS) * season
    elif kind == "cooling":
        season = np.maximum(0.0, np.cos(2 * np.pi * (day - _HOTTEST_DAY) / DAYS_PER_YEAR))
        raw = _hours_mask(_DAYTIME_HOURS) * season
    elif kind == "process_heat":
        sat, sun = _WEEKEND_FACTORS["two_shift"]
        day_factor = np.select([weekday == 5, weekday == 6], [sat, sun], 1.0)
        raw = _hours_mask(_TWO_SHIFT_PRODUCTION_HOURS) * day_factor
    else:
        raise ValueError(f"unknown end-use shape {kind!r}; valid: {', '.join(SHAPE_KINDS)}")
    return _normalise(raw)


# --------------------------------------------------------------------------- PV

# Bump when the PV chain changes so that cached profiles are recomputed.
_PV_MODEL_VERSION = "1"
# Cloudiness model (U, our choice; see docs/profiles.md):
_DAILY_CSI_CONCENTRATION = 4.0  # Beta a + b; SD ~0.22 at mean 0.55
_DAILY_CSI_AUTOCORRELATION = 0.5  # lag-1 day-to-day correlation of the latent AR(1)
_HOURLY_CSI_SPREAD = 0.25  # hourly SD = spread * sqrt(k (1 - k)); 0 on clear/overcast days
_HOURLY_CSI_MAX = 1.1  # cloud enhancement allows slightly more than clear sky
# Air temperature model (U): daily cycle +-4 C peaking at 15:00 local clock time.
_DIURNAL_HALF_RANGE_C = 4.0
_WARMEST_HOUR = 15.0
# Cell temperature: SAPM "close_mount_glass_glass" (rooftop, modules close to the roof)
# with a constant 1 m/s wind (Chengdu's annual mean is about that; sheltered roofs): U.
_SAPM_MOUNT = "close_mount_glass_glass"
_WIND_SPEED_M_PER_S = 1.0


@dataclass(frozen=True)
class _SolarGeometry:
    apparent_zenith_deg: np.ndarray
    zenith_deg: np.ndarray
    azimuth_deg: np.ndarray
    day_of_year: np.ndarray
    dni_extra_w_per_m2: np.ndarray
    clear_sky_ghi_w_per_m2: np.ndarray


@functools.lru_cache(maxsize=8)
def _solar_geometry(latitude: float, longitude: float, year: int,
                    timezone: str) -> _SolarGeometry:
    """Sun position and Ineichen clear-sky GHI at mid-hour for the typical year.

    Mid-hour positions because each value stands for the mean of an hour-beginning hour.
    """
    import pandas as pd
    import pvlib

    times = typical_year_index(year, timezone) + pd.Timedelta(minutes=30)
    # The times are tz-aware, so the Location's own tz is never used; "UTC" because pvlib
    # cannot name a fixed-offset zone. altitude=None: pvlib's bundled altitude lookup.
    location = pvlib.location.Location(latitude, longitude, tz="UTC")
    solpos = location.get_solarposition(times)
    doy = np.asarray(times.day_of_year, dtype=np.float64)
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(doy), dtype=np.float64)
    # pvlib 0.16's own Linke lookup and dni_extra calls use DatetimeIndex.dayofyear,
    # deprecated in pandas 3 (warning = error in our tests, removal in pandas 4), so we
    # pass both explicitly: monthly Linke values from pvlib's table, interpolated by day of
    # year between mid-month nodes as pvlib does (local instead of UTC day, non-leap nodes:
    # at most a day's shift of a smooth monthly climatology).
    mid_month = pd.DatetimeIndex([pd.Timestamp(2015, m, 15, tz="UTC") for m in range(1, 13)])
    linke_monthly = np.asarray(pvlib.clearsky.lookup_linke_turbidity(
        mid_month, latitude, longitude, interp_turbidity=False), dtype=np.float64)
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.float64)
    middles = np.concatenate([[-31 / 2.0], np.cumsum(month_days) - month_days / 2.0,
                              [365 + 31 / 2.0]])
    linke = np.interp(doy, middles, np.concatenate([[linke_monthly[-1]], linke_monthly,
                                                    [linke_monthly[0]]]))
    clear = location.get_clearsky(times, model="ineichen", solar_position=solpos,
                                  dni_extra=pd.Series(dni_extra, index=times),
                                  linke_turbidity=pd.Series(linke, index=times))
    geometry = _SolarGeometry(
        apparent_zenith_deg=solpos["apparent_zenith"].to_numpy(np.float64),
        zenith_deg=solpos["zenith"].to_numpy(np.float64),
        azimuth_deg=solpos["azimuth"].to_numpy(np.float64),
        day_of_year=doy,
        dni_extra_w_per_m2=dni_extra,
        clear_sky_ghi_w_per_m2=np.nan_to_num(clear["ghi"].to_numpy(np.float64)),
    )
    for array in vars(geometry).values():
        array.setflags(write=False)
    return geometry


def _check_pv_args(latitude: float, longitude: float, tilt_deg: float, azimuth_deg: float,
                   system_loss_fraction: float, inverter_efficiency: float,
                   dc_ac_ratio: float) -> None:
    checks = [
        (-90 <= latitude <= 90, f"latitude must be in [-90, 90] deg, got {latitude}"),
        (-180 <= longitude <= 180, f"longitude must be in [-180, 180] deg, got {longitude}"),
        (0 <= tilt_deg <= 90, f"tilt_deg must be in [0, 90], got {tilt_deg}"),
        (0 <= azimuth_deg <= 360, f"azimuth_deg must be in [0, 360], got {azimuth_deg}"),
        (0 <= system_loss_fraction < 1,
         f"system_loss_fraction must be in [0, 1), got {system_loss_fraction}"),
        (0 < inverter_efficiency <= 1,
         f"inverter_efficiency must be in (0, 1], got {inverter_efficiency}"),
        (0 < dc_ac_ratio < 10, f"dc_ac_ratio must be in (0, 10), got {dc_ac_ratio}"),
    ]
    for ok, message in checks:
        if not ok:  # NaN fails every comparison, so it lands here too
            raise ValueError(message)


def _air_temperature_c(mean_air_temp_c: float, air_temp_amplitude_c: float) -> np.ndarray:
    """Synthetic air temperature [C]: annual cosine (peak late July) + daily cosine.

    T = mean + amplitude cos(2 pi (d - 204) / 365) + 4 cos(2 pi (h + 0.5 - 15) / 24),
    h the clock hour (mid-hour), d the day index. Chengdu: mean 16 C, Jan ~6 C, Jul ~26 C.
    """
    day = _DAY_INDEX.astype(np.float64)
    hour = _HOUR_OF_DAY.astype(np.float64) + 0.5
    return (mean_air_temp_c
            + air_temp_amplitude_c * np.cos(2 * np.pi * (day - _HOTTEST_DAY) / DAYS_PER_YEAR)
            + _DIURNAL_HALF_RANGE_C * np.cos(2 * np.pi * (hour - _WARMEST_HOUR) / HOURS_PER_DAY))


def _as_hourly(name: str, values: np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (HOURS_PER_YEAR,):
        raise ValueError(f"{name} must have shape (8760,), got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or inf at hour {int(np.argmin(np.isfinite(array)))}")
    return array


def pv_output_from_irradiance(ghi_w_per_m2: np.ndarray, latitude: float, longitude: float,
                              year: int, *, timezone: str = "Asia/Shanghai",
                              tilt_deg: float = 20.0, azimuth_deg: float = 180.0,
                              temp_air_c: np.ndarray | None = None,
                              system_loss_fraction: float = 0.14,
                              inverter_efficiency: float = 0.96, dc_ac_ratio: float = 1.1,
                              gamma_pdc_per_c: float = -0.0035, mean_air_temp_c: float = 16.0,
                              air_temp_amplitude_c: float = 9.0) -> np.ndarray:
    """AC output per kWp DC from an hourly GHI series, one typical year.

    Parameters
    ----------
    ghi_w_per_m2 : numpy.ndarray
        Global horizontal irradiance, hour-beginning hourly means [W/m2], shape (8760,).
    latitude, longitude : float
        Site [deg], north and east positive.
    year : int
        Calendar year of the sun positions (Feb 29 dropped in leap years).
    timezone : str
        IANA zone of the local (standard) clock of the series.
    tilt_deg, azimuth_deg : float
        Module tilt from horizontal [deg] and azimuth [deg] (180 = south).
    temp_air_c : numpy.ndarray, optional
        Air temperature [C], shape (8760,). Default: a synthetic seasonal + daily cosine
        from `mean_air_temp_c` [C] and `air_temp_amplitude_c` [C] (see Notes).
    system_loss_fraction : float
        DC losses [-] (PVWatts default 0.14, domain-data C1, V).
    inverter_efficiency : float
        Nominal inverter efficiency [-].
    dc_ac_ratio : float
        DC nameplate / inverter AC rating [-]; output is clipped at ``1 / dc_ac_ratio``.
    gamma_pdc_per_c : float
        Power temperature coefficient [1/C].

    Returns
    -------
    numpy.ndarray
        AC power per kWp DC [kW/kWp], shape (8760,), >= 0, 0 when the sun is below the
        horizon at mid-hour.

    Notes
    -----
    Chain (as pvlib's ModelChain with PVWatts models): sun position at mid-hour;
    GHI -> DNI, DHI by Erbs; plane-of-array by Hay-Davies; beam incidence-angle loss by the
    physical (Fresnel) IAM, as PVWatts; cell temperature by SAPM (rooftop close mount,
    wind 1 m/s); DC by PVWatts (pdc0 = 1 kW); DC x (1 - losses); AC by the PVWatts
    inverter with AC rating ``1 / dc_ac_ratio`` kW, i.e. DC input limit
    ``1 / (dc_ac_ratio * inverter_efficiency)``.

    Synthetic air temperature: ``mean + amplitude cos(2 pi (d - 204)/365)
    + 4 cos(2 pi (h + 0.5 - 15)/24)`` [C] (d day index, h clock hour).

    References
    ----------
    A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641, 2014.
    """
    _check_pv_args(latitude, longitude, tilt_deg, azimuth_deg, system_loss_fraction,
                   inverter_efficiency, dc_ac_ratio)
    ghi = _as_hourly("ghi_w_per_m2", ghi_w_per_m2)
    if (ghi < 0).any():
        raise ValueError(f"ghi_w_per_m2 is negative at hour {int(np.argmax(ghi < 0))}")
    temp_air = (_air_temperature_c(mean_air_temp_c, air_temp_amplitude_c) if temp_air_c is None
                else _as_hourly("temp_air_c", temp_air_c))

    from pvlib import iam, inverter, irradiance, pvsystem, temperature

    geo = _solar_geometry(float(latitude), float(longitude), int(year), timezone)
    sun_up = geo.apparent_zenith_deg < 90.0
    ghi = np.where(sun_up, ghi, 0.0)  # sensor offsets at night must not make power
    split = irradiance.erbs(ghi, geo.zenith_deg, geo.day_of_year)
    poa = irradiance.get_total_irradiance(
        tilt_deg, azimuth_deg, geo.apparent_zenith_deg, geo.azimuth_deg,
        dni=split["dni"], ghi=ghi, dhi=split["dhi"], dni_extra=geo.dni_extra_w_per_m2,
        model="haydavies")
    poa_direct = np.nan_to_num(np.asarray(poa["poa_direct"], dtype=np.float64))
    poa_diffuse = np.nan_to_num(np.asarray(poa["poa_diffuse"], dtype=np.float64))
    aoi = irradiance.aoi(tilt_deg, azimuth_deg, geo.apparent_zenith_deg, geo.azimuth_deg)
    effective = poa_direct * np.nan_to_num(iam.physical(aoi)) + poa_diffuse
    mount = temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][_SAPM_MOUNT]
    temp_cell = temperature.sapm_cell(poa_direct + poa_diffuse, temp_air, _WIND_SPEED_M_PER_S,
                                      **mount)
    dc = pvsystem.pvwatts_dc(effective, temp_cell, pdc0=1.0, gamma_pdc=gamma_pdc_per_c)
    dc = np.maximum(np.asarray(dc, dtype=np.float64), 0.0) * (1.0 - system_loss_fraction)
    ac_rating = 1.0 / dc_ac_ratio
    ac = inverter.pvwatts(dc, pdc0=ac_rating / inverter_efficiency,
                          eta_inv_nom=inverter_efficiency)
    out = np.clip(np.asarray(ac, dtype=np.float64), 0.0, ac_rating)
    out[~sun_up] = 0.0
    return out


def _daily_clear_sky_index(mean: float, seed: int) -> np.ndarray:
    """365 daily clear-sky indices: Beta(mean, concentration) quantiles ordered by an AR(1)."""
    from scipy import special

    rng = np.random.default_rng(seed)
    phi = _DAILY_CSI_AUTOCORRELATION
    shocks = rng.standard_normal(DAYS_PER_YEAR)
    latent = np.empty(DAYS_PER_YEAR)
    latent[0] = shocks[0]
    innovation_scale = math.sqrt(1.0 - phi * phi)  # keeps the latent series N(0, 1)
    for d in range(1, DAYS_PER_YEAR):
        latent[d] = phi * latent[d - 1] + innovation_scale * shocks[d]
    # A typical year should have the typical distribution of days, not a random draw
    # from it (365 draws would move the annual yield by +-4 % between seeds). So the days
    # take exactly the 365 mid-quantiles of the Beta distribution, and the AR(1) only
    # decides their order (runs of cloudy and clear days).
    ranks = np.argsort(np.argsort(latent))
    a = mean * _DAILY_CSI_CONCENTRATION
    b = (1.0 - mean) * _DAILY_CSI_CONCENTRATION
    return np.asarray(special.betaincinv(a, b, (ranks + 0.5) / DAYS_PER_YEAR), dtype=np.float64)


def _hourly_clear_sky_index(mean: float, seed: int) -> np.ndarray:
    daily = _daily_clear_sky_index(mean, seed)[_DAY_INDEX]
    # A separate stream for the hourly noise, so the daily sequence of a seed does not
    # depend on how many hourly draws are made.
    rng = np.random.default_rng([seed, 1])
    spread = _HOURLY_CSI_SPREAD * np.sqrt(daily * (1.0 - daily))
    return np.clip(daily + spread * rng.standard_normal(HOURS_PER_YEAR), 0.0, _HOURLY_CSI_MAX)


def _scale_to_annual_yield(ac_kw_per_kwp: np.ndarray, target_kwh_per_kwp: float,
                           ac_rating: float) -> np.ndarray:
    """Scale so the sum is `target` exactly while keeping the inverter clip.

    Scaling down is proportional. Scaling up leaves hours already at the AC rating there and
    solves ``k * cap + s * sum(p[k:]) = target`` for the number k of clipped hours.
    """
    if not (math.isfinite(target_kwh_per_kwp) and target_kwh_per_kwp > 0):
        raise ValueError(f"annual_yield_kwh_per_kwp must be > 0, got {target_kwh_per_kwp}")
    total = ac_kw_per_kwp.sum()
    if not total > 0:
        raise ValueError("PV output is zero all year; cannot calibrate the annual yield")
    if target_kwh_per_kwp <= total:
        return np.asarray(ac_kw_per_kwp * (target_kwh_per_kwp / total), dtype=np.float64)
    positive = np.count_nonzero(ac_kw_per_kwp)
    if target_kwh_per_kwp > ac_rating * positive * (1 - 1e-12):
        raise ValueError(
            f"annual_yield_kwh_per_kwp {target_kwh_per_kwp:.0f} cannot be reached with "
            f"{positive} daylight hours at the AC limit {ac_rating:.3f} kW/kWp")
    p = np.sort(ac_kw_per_kwp)[::-1]
    rest = np.concatenate([np.cumsum(p[::-1])[::-1], [0.0]])  # rest[k] = sum(p[k:])
    for k in range(positive):
        scale = (target_kwh_per_kwp - k * ac_rating) / rest[k]
        if scale * p[k] <= ac_rating:
            return np.asarray(np.minimum(ac_kw_per_kwp * scale, ac_rating), dtype=np.float64)
    raise AssertionError("unreachable: target below the clip bound has a solution")


def _cache_path(key: dict[str, object]) -> Path | None:
    try:
        root = os.environ.get("CARBONPATH_CACHE_DIR") or str(Path.home() / ".cache" / "carbonpath")
    except RuntimeError:  # no home directory: run without cache
        return None
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    return Path(root) / f"pv-{digest}.npy"


def _package_version(name: str) -> str:
    """Installed version of a distribution, without importing it.

    Fast path: the single ``<name>-<version>.dist-info`` folder next to the package (~1 ms);
    importlib.metadata costs ~20 ms to import, a fifth of the cached-PV start-up.
    """
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is not None and spec.origin:
        found = list(Path(spec.origin).parent.parent.glob(f"{name}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(name) + 1 : -len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _cache_load(path: Path) -> np.ndarray | None:
    try:
        array: np.ndarray = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None  # missing or corrupt: recompute
    if (array.shape != (HOURS_PER_YEAR,) or array.dtype != np.float64
            or not np.isfinite(array).all() or (array < 0).any()):
        return None
    return array


def _cache_store(path: Path, array: np.ndarray) -> None:
    # Write to a temporary file and rename: parallel sweep workers never read half a file.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pv-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.save(handle, array, allow_pickle=False)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # read-only or full disk: the cache is an optimisation only


def pv_output_kw_per_kwp(latitude: float, longitude: float, year: int, *,
                         timezone: str = "Asia/Shanghai", tilt_deg: float = 20.0,
                         azimuth_deg: float = 180.0, mean_clear_sky_index: float = 0.6,
                         seed: int = 0, system_loss_fraction: float = 0.14,
                         inverter_efficiency: float = 0.96, dc_ac_ratio: float = 1.1,
                         gamma_pdc_per_c: float = -0.0035, mean_air_temp_c: float = 16.0,
                         air_temp_amplitude_c: float = 9.0,
                         annual_yield_kwh_per_kwp: float | None = None,
                         cache: bool = True) -> np.ndarray:
    """Synthetic typical-year AC output per kWp DC [kW/kWp].

    Parameters
    ----------
    latitude, longitude : float
        Site [deg], north and east positive.
    year : int
        Calendar year of the sun positions.
    timezone : str
        IANA zone of the local clock.
    tilt_deg, azimuth_deg : float
        Module tilt [deg] and azimuth [deg] (180 = south).
    mean_clear_sky_index : float
        Mean of the daily clear-sky index GHI / GHI_clear [-], in (0, 1).
    seed : int
        Seed of the cloudiness model; equal arguments give equal output.
    system_loss_fraction, inverter_efficiency, dc_ac_ratio, gamma_pdc_per_c,
    mean_air_temp_c, air_temp_amplitude_c
        As ``pv_output_from_irradiance``.
    annual_yield_kwh_per_kwp : float, optional
        If given, the series is scaled so that its sum equals this [kWh/kWp]; hours at the
        inverter limit stay there.
    cache : bool
        Reuse/store the result as ``.npy`` in ``$CARBONPATH_CACHE_DIR`` or
        ``~/.cache/carbonpath``, keyed by a hash of all arguments and the versions of
        pvlib and scipy. A corrupt or unwritable cache is ignored.

    Returns
    -------
    numpy.ndarray
        [kW/kWp], shape (8760,), >= 0, <= 1 / dc_ac_ratio, 0 at night.

    Notes
    -----
    Clear-sky GHI: Ineichen with pvlib's Linke turbidity climatology and altitude lookup
    (bundled files, no download), at mid-hour. Cloudiness: a latent Gaussian AR(1) over
    days (lag-1 correlation 0.5) is mapped through the normal CDF to a Beta distribution
    with mean `mean_clear_sky_index` and concentration a + b = 4 (SD 0.22 at mean 0.55);
    each hour adds noise of SD ``0.25 sqrt(k (1 - k))`` (0 on fully clear or overcast
    days), clipped to [0, 1.1]. GHI = index x clear-sky GHI, then the chain of
    ``pv_output_from_irradiance``.
    """
    if not 0 < mean_clear_sky_index < 1:
        raise ValueError(f"mean_clear_sky_index must be in (0, 1), got {mean_clear_sky_index}")
    _check_pv_args(latitude, longitude, tilt_deg, azimuth_deg, system_loss_fraction,
                   inverter_efficiency, dc_ac_ratio)
    _check_year(year)
    _standard_tz(timezone, year)  # fail on a bad zone before touching the cache
    key: dict[str, object] = {
        "model": _PV_MODEL_VERSION, "pvlib": _package_version("pvlib"),
        "scipy": _package_version("scipy"), "latitude": float(latitude),
        "longitude": float(longitude), "year": int(year), "timezone": timezone,
        "tilt_deg": float(tilt_deg), "azimuth_deg": float(azimuth_deg),
        "mean_clear_sky_index": float(mean_clear_sky_index), "seed": int(seed),
        "system_loss_fraction": float(system_loss_fraction),
        "inverter_efficiency": float(inverter_efficiency), "dc_ac_ratio": float(dc_ac_ratio),
        "gamma_pdc_per_c": float(gamma_pdc_per_c), "mean_air_temp_c": float(mean_air_temp_c),
        "air_temp_amplitude_c": float(air_temp_amplitude_c),
        "annual_yield_kwh_per_kwp": (None if annual_yield_kwh_per_kwp is None
                                     else float(annual_yield_kwh_per_kwp)),
    }
    path = _cache_path(key) if cache else None
    if path is not None and (hit := _cache_load(path)) is not None:
        return hit

    geo = _solar_geometry(float(latitude), float(longitude), int(year), timezone)
    ghi = geo.clear_sky_ghi_w_per_m2 * _hourly_clear_sky_index(mean_clear_sky_index, seed)
    out = pv_output_from_irradiance(
        ghi, latitude, longitude, year, timezone=timezone, tilt_deg=tilt_deg,
        azimuth_deg=azimuth_deg, system_loss_fraction=system_loss_fraction,
        inverter_efficiency=inverter_efficiency, dc_ac_ratio=dc_ac_ratio,
        gamma_pdc_per_c=gamma_pdc_per_c, mean_air_temp_c=mean_air_temp_c,
        air_temp_amplitude_c=air_temp_amplitude_c)
    if annual_yield_kwh_per_kwp is not None:
        out = _scale_to_annual_yield(out, float(annual_yield_kwh_per_kwp), 1.0 / dc_ac_ratio)
    if path is not None:
        _cache_store(path, out)
    return out


# --------------------------------------------------------------------------- CSV input


class HourlyCsvError(ValueError):
    """A bad hourly CSV file.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    message : str
        What is wrong, with the row number where there is one.
    hint : str
        How to fix it.
    """

    def __init__(self, path: str | Path, message: str, hint: str) -> None:
        # args carry all three fields so the exception pickles (sweep workers).
        super().__init__(Path(path), message, hint)
        self.path = Path(path)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.path}: {self.message}. Fix: {self.hint}"


def _unit_of(header: str, allowed_units: Sequence[str]) -> str | None:
    """Longest allowed unit that is the whole header or its ``_unit`` suffix."""
    name = header.strip().lower()
    matches = [u for u in allowed_units
               if name == u.lower() or name.endswith("_" + u.lower())]
    return max(matches, key=len) if matches else None


def _parse_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def read_hourly_csv(path: str | Path, *, allowed_units: Sequence[str],
                    what: str) -> tuple[np.ndarray, str]:
    """Read an 8760-row hourly CSV with a unit in its header.

    Parameters
    ----------
    path : str or pathlib.Path
        UTF-8 CSV (a byte-order mark is accepted), comma-separated. Either one column
        (the values) or two columns (timestamp or hour number, then the values), with a
        header row; trailing blank lines are ignored.
    allowed_units : sequence of str
        The value column's header must be a unit or end in ``_<unit>`` (case-insensitive),
        e.g. ``("kw",)`` accepts "load_kw".
    what : str
        Human label for messages, e.g. "load profile".

    Returns
    -------
    values : numpy.ndarray
        Shape (8760,), float64, all finite and >= 0, in the unit found.
    unit : str
        The entry of `allowed_units` that matched.

    Raises
    ------
    HourlyCsvError
        For every problem with the file; the message names the row (1 = header row, as a
        spreadsheet numbers them) and the fix.
    """
    import csv  # stdlib, but only this function needs it

    file = Path(path)
    units = ", ".join(f"'_{u}'" for u in allowed_units)
    # An example header in the caller's terms: "load profile" + ("kw",) -> "load_kw".
    stem = (what.split() or ["value"])[0].lower()
    example = f"{stem}_{allowed_units[0]}" if allowed_units else stem

    def fail(message: str, hint: str) -> HourlyCsvError:
        return HourlyCsvError(file, f"{what}: {message}", hint)

    if file.is_dir():
        raise fail("is a directory, not a file", "give the path of the CSV file itself")
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise fail("file not found", "check the path (relative paths are resolved from the "
                   "scenario file's folder)") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror})", "check the file's permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise fail(f"is not UTF-8 text (first bad byte in row {row})",
                   "save it as 'CSV UTF-8' (Excel: Save As > CSV UTF-8)") from None
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()  # trailing blank lines are harmless
    if not lines:
        raise fail("file is empty", f"write a header '{example}' and 8760 values, one per row")
    try:
        rows = list(csv.reader(lines))
    except csv.Error as exc:
        raise fail(f"is not a valid CSV ({exc})", "save it again as CSV UTF-8") from None

    header = [cell.strip() for cell in rows[0]]
    if len(header) == 1 and ";" in header[0]:
        raise fail("row 1 is separated by ';'", "save the file with ',' as separator")
    if len(header) not in (1, 2):
        raise fail(f"row 1 has {len(header)} columns, expected 1 or 2",
                   f"keep only the values (and optionally a timestamp column before them), "
                   f"with a header such as '{example}'")
    value_col = len(header) - 1
    if _parse_number(header[value_col]) is not None:
        raise fail("no header row (row 1 is a number)",
                   f"add a first row naming the column with its unit, e.g. '{example}'")
    unit = _unit_of(header[value_col], allowed_units)
    if unit is None:
        raise fail(f"header {header[value_col]!r} in row 1 does not end in a unit expected "
                   f"here ({units})",
                   f"rename the column, e.g. '{example}', after converting the values "
                   f"to that unit")

    values = np.empty(len(rows) - 1, dtype=np.float64)
    for i, cells in enumerate(rows[1:]):
        row = i + 2
        if len(cells) > len(header) or (cells and len(cells) < len(header)):
            raise fail(f"row {row} has {len(cells)} columns, the header has {len(header)}",
                       "give every row the same columns as the header")
        cell = cells[value_col].strip() if cells else ""
        if not cell:
            raise fail(f"empty value (gap) in row {row}",
                       "fill the gap (e.g. interpolate between the neighbouring hours)")
        number = _parse_number(cell)
        if number is None:
            raise fail(f"{cell[:30]!r} in row {row} is not a number",
                       "write plain numbers with '.' as decimal point, no units or "
                       "thousands separators")
        if not math.isfinite(number):
            raise fail(f"{cell!r} (NaN or infinite) in row {row}",
                       "replace it with a measured or interpolated value")
        if number < 0:
            raise fail(f"negative value {number:g} in row {row}",
                       f"{what} values must be >= 0; correct the sign or the reading")
        values[i] = number
    if len(values) != HOURS_PER_YEAR:
        leap = (" (8784 = a leap year)" if len(values) == 8784 else "")
        raise fail(f"found {len(values)} data rows{leap}, expected 8760",
                   "give one value per hour of a 365-day year; for a leap year drop the 24 "
                   "rows of Feb 29")
    return values, unit


# --------------------------------------------------------------------------- tariffs


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
        Price = flat price x multiplier [-].
    months : tuple of int
        Months 1..12 in which the period applies (default all).
    """

    name: str
    hours: tuple[int, ...]
    multiplier: float
    months: tuple[int, ...] = tuple(range(1, 13))

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


def tou_multiplier(periods: Sequence[TouPeriod], year: int) -> np.ndarray:
    """Hourly price multiplier of a TOU tariff.

    Parameters
    ----------
    periods : sequence of TouPeriod
        Applied in order; where periods overlap the later one wins (list a critical
        peak after the peak it overrides).
    year : int
        Calendar year (for months).

    Returns
    -------
    numpy.ndarray
        Shape (8760,) [-]; 1.0 in hours covered by no period.
    """
    month, _ = _calendar(year)
    out = np.ones(HOURS_PER_YEAR, dtype=np.float64)
    for period in periods:
        mask = np.isin(_HOUR_OF_DAY, period.hours) & np.isin(month, period.months)
        out[mask] = period.multiplier
    return out


@functools.lru_cache(maxsize=1)
def _load_presets() -> dict[str, tuple[TouPeriod, ...]]:
    # Next to this module (package data). Not importlib.resources: an editable install can
    # expose `planner` as a namespace package, which resources.files() rejects.
    text = (Path(__file__).parent / "data" / "tou_presets.toml").read_text(encoding="utf-8")
    presets: dict[str, tuple[TouPeriod, ...]] = {}
    for name, preset in tomllib.loads(text)["presets"].items():
        presets[name] = tuple(
            TouPeriod(name=p["name"], hours=tuple(p["hours"]), multiplier=float(p["multiplier"]),
                      months=tuple(p.get("months", range(1, 13))))
            for p in preset.get("periods", []))
    return presets


TOU_PRESETS: tuple[str, ...] = tuple(_load_presets())


def tou_preset(name: str) -> tuple[TouPeriod, ...]:
    """Periods of a shipped preset (``planner/data/tou_presets.toml``).

    Raises
    ------
    KeyError
        Unknown name; the message lists the valid ones.
    """
    presets = _load_presets()
    if name not in presets:
        raise KeyError(f"unknown TOU preset {name!r}; valid: {', '.join(presets)}")
    return presets[name]


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
