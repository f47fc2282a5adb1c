"""Sample matrices: seeded Monte Carlo draws, full-factorial grids, tornado levels.

Each varied input draws from its own random stream spawned from the seed
(``numpy.random.SeedSequence(seed).spawn``), so a seed gives the same matrix on
any machine, and adding a key does not change the draws of the keys before it.
"""

from __future__ import annotations

import itertools

import numpy as np

from planner.sweep.spec import VarySpec

__all__ = ["Z95", "draw", "grid_levels", "grid_matrix", "low_high", "sample_matrix"]

#: The 95th percentile of the standard normal: tornado and grid levels of a normal
#: input are its 5th and 95th percentiles (mean -/+ Z95 sd).
Z95 = 1.6448536269514722


def draw(spec: VarySpec, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of one input's level (factor or value).

    Normal draws of a non-negative input are truncated at 0 by redrawing the
    negative ones (a truncated normal, not a clipped one: no mass piles up at 0).
    Whole-number inputs are rounded.
    """
    if spec.distribution == "uniform":
        x = rng.uniform(spec.low, spec.high, n)
    elif spec.distribution == "triangular":
        peak = spec.peak if spec.peak is not None else 0.5 * (spec.low + spec.high)
        x = rng.triangular(spec.low, peak, spec.high, n)
    else:
        x = rng.normal(spec.low, spec.high, n)
        if spec.nonneg:
            for _ in range(1000):
                bad = x < 0
                if not bad.any():
                    break
                x[bad] = rng.normal(spec.low, spec.high, int(bad.sum()))
            x = np.maximum(x, 0.0)
    return np.round(x) if spec.integer and spec.mode == "abs" else x


def sample_matrix(specs: list[VarySpec], n: int, seed: int) -> np.ndarray:
    """Monte Carlo sample levels, shape (n, K): row = sample, column = input.

    Parameters
    ----------
    specs : list of VarySpec
    n : int
        Number of samples.
    seed : int
        Seed of ``numpy.random.SeedSequence``; the same seed gives the same matrix.
    """
    streams = np.random.SeedSequence(seed).spawn(len(specs))
    cols = [draw(s, n, np.random.default_rng(ss)) for s, ss in zip(specs, streams, strict=True)]
    return np.column_stack(cols) if cols else np.zeros((n, 0))


def low_high(spec: VarySpec) -> tuple[float, float]:
    """The low and high level of an input (tornado bars, grid ends).

    ``low``/``high`` for uniform and triangular inputs; the 5th and 95th
    percentiles (mean -/+ 1.645 sd, at least 0 where negative is not allowed) for
    normal ones.
    """
    if spec.distribution == "normal":
        lo, hi = spec.low - Z95 * spec.high, spec.low + Z95 * spec.high
        if spec.nonneg:
            lo = max(lo, 0.0)
    else:
        lo, hi = spec.low, spec.high
    if spec.integer and spec.mode == "abs":
        lo, hi = float(round(lo)), float(round(hi))
    return lo, hi


def grid_levels(spec: VarySpec, levels: int) -> np.ndarray:
    """``levels`` evenly spaced levels from low to high (see :func:`low_high`)."""
    lo, hi = low_high(spec)
    x = np.linspace(lo, hi, levels) if levels > 1 else np.array([0.5 * (lo + hi)])
    return np.round(x) if spec.integer and spec.mode == "abs" else x


def grid_matrix(specs: list[VarySpec], levels: int) -> np.ndarray:
    """Full-factorial grid, shape (levels ** K, K); the last input varies fastest."""
    axes = [grid_levels(s, levels) for s in specs]
    rows = list(itertools.product(*axes))
    return np.array(rows, dtype=float).reshape(len(rows), len(specs))
