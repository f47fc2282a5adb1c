"""The typical year: 8 760 hour-beginning steps of 365 days, calendar and time zone."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from datetime import timezone as fixed_timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


HOURS_PER_YEAR: int = 8760
HOURS_PER_DAY = 24
DAYS_PER_YEAR = 365

# --------------------------------------------------------------------------- calendar


def check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise TypeError(f"year must be an int, got {type(year).__name__}")
    if not 1 <= year <= 9999:
        raise ValueError(f"year must be in 1..9999, got {year}")


@functools.lru_cache(maxsize=64)
def calendar_of(year: int) -> tuple[np.ndarray, np.ndarray]:
    """Month (1..12) and weekday (0 = Monday) of each of the 8760 hours of `year`.

    numpy only (no pandas) because the CLI calls this on its fast path. Cached and
    returned read-only: several profiles of one scenario share the same calendar.
    """
    check_year(year)
    start = np.datetime64(f"{year:04d}-01-01", "D")
    days = start + np.arange(366 if is_leap(year) else DAYS_PER_YEAR)
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


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


HOUR_OF_DAY = np.tile(np.arange(HOURS_PER_DAY, dtype=np.int8), DAYS_PER_YEAR)
HOUR_OF_DAY.setflags(write=False)
DAY_INDEX = np.repeat(np.arange(DAYS_PER_YEAR, dtype=np.int16), HOURS_PER_DAY)
DAY_INDEX.setflags(write=False)


def standard_tz(timezone: str, year: int) -> ZoneInfo | fixed_timezone:
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

    tz = standard_tz(timezone, year)
    month, _ = calendar_of(year)  # validates year
    start = np.datetime64(f"{year:04d}-01-01T00", "h")
    hours = start + np.arange(8784 if is_leap(year) else HOURS_PER_YEAR)
    if is_leap(year):
        hours = np.delete(hours, np.s_[59 * 24 : 60 * 24])  # Feb 29 = day index 59
    assert len(hours) == len(month)
    return pd.DatetimeIndex(hours.astype("datetime64[ns]")).tz_localize(tz)
