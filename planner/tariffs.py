"""Time-of-use tariffs: periods, presets shipped as data, hourly multipliers."""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass
from planner.hours import HOUR_OF_DAY, HOURS_PER_DAY, HOURS_PER_YEAR, calendar_of

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
    month, _ = calendar_of(year)
    out = np.ones(HOURS_PER_YEAR, dtype=np.float64)
    for period in periods:
        mask = np.isin(HOUR_OF_DAY, period.hours) & np.isin(month, period.months)
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
