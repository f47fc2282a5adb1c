"""Values by year: a constant, or a few years interpolated linearly.

A series in a scenario file is either a number (the same every year) or a table
``{2025 = 90, 2030 = 150}``. Between given years values are interpolated
linearly; before the first and after the last given year the nearest given value
is held. Years are TOML keys, so they arrive as strings.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["SeriesInput", "parse_year_key", "series_values"]

SeriesInput = float | int | Mapping[str, float]


def parse_year_key(key: str | int) -> int:
    """Year of a series key; raises ValueError for anything but an integer year."""
    if isinstance(key, int):
        return key
    text = str(key).strip()
    if not text.isdigit():
        raise ValueError(f"'{key}' is not a year")
    return int(text)


def series_values(series: SeriesInput, years: np.ndarray) -> np.ndarray:
    """Value of a series in each of ``years``.

    Parameters
    ----------
    series : float or mapping of year -> float
        Constant, or values at a few years.
    years : ndarray of int, shape (Y,)
        Years to evaluate, increasing.

    Returns
    -------
    ndarray, shape (Y,)
        Linear interpolation between given years, held flat outside them.

    Examples
    --------
    >>> series_values({"2025": 100, "2035": 200}, np.array([2024, 2025, 2030, 2040]))
    array([100., 100., 150., 200.])
    """
    years = np.asarray(years, dtype=float)
    if isinstance(series, Mapping):
        pts = sorted((parse_year_key(k), float(v)) for k, v in series.items())
        xs = np.array([p[0] for p in pts], dtype=float)
        ys = np.array([p[1] for p in pts], dtype=float)
        return np.interp(years, xs, ys)
    return np.full(years.shape, float(series))
