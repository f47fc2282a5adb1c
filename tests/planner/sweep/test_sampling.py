"""Sample matrices: reproducible for a seed, within bounds, with the right moments."""

from __future__ import annotations

import numpy as np
import pytest

from planner.sweep.sampling import Z95, grid_matrix, low_high, sample_matrix
from planner.sweep.spec import parse_vary
from tests.planner.sweep.conftest import sweep_raw

RAW = sweep_raw()


def specs(*texts):
    return [parse_vary(t, RAW) for t in texts]


def test_same_seed_same_matrix_other_seed_other_matrix():
    sp = specs("carbon.price=0.5:2", "pv.capex=0.7:1.2:triangular")
    a, b = sample_matrix(sp, 50, seed=1), sample_matrix(sp, 50, seed=1)
    assert a.shape == (50, 2)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, sample_matrix(sp, 50, seed=2))


def test_adding_a_key_keeps_the_draws_of_the_first():
    one = sample_matrix(specs("carbon.price=0.5:2"), 20, seed=5)
    two = sample_matrix(specs("carbon.price=0.5:2", "pv.capex=0.7:1.2"), 20, seed=5)
    assert np.array_equal(one[:, 0], two[:, 0])


def test_uniform_bounds_and_mean():
    x = sample_matrix(specs("carbon.price=0.5:2"), 20000, seed=0)[:, 0]
    assert x.min() >= 0.5
    assert x.max() <= 2.0
    # mean (a + b) / 2 = 1.25, sd (b - a) / sqrt(12) = 0.433; 5 standard errors
    assert abs(x.mean() - 1.25) < 5 * 0.433 / np.sqrt(x.size)


def test_triangular_mean_is_a_plus_c_plus_b_over_3():
    x = sample_matrix(specs("pv.capex=0.7:1.2:triangular"), 20000, seed=0)[:, 0]
    assert x.min() >= 0.7
    assert x.max() <= 1.2
    mean = (0.7 + 1.0 + 1.2) / 3
    sd = np.sqrt((0.7**2 + 1.0**2 + 1.2**2 - 0.7 * 1.0 - 0.7 * 1.2 - 1.0 * 1.2) / 18)
    assert abs(x.mean() - mean) < 5 * sd / np.sqrt(x.size)


def test_normal_is_truncated_at_zero_for_non_negative_keys():
    x = sample_matrix(specs("credit[ccer].price=0.2:0.3:normal"), 20000, seed=0)[:, 0]
    assert x.min() >= 0.0
    y = sample_matrix(specs("credit[ccer].price=5:0.5:normal"), 20000, seed=0)[:, 0]
    assert abs(y.mean() - 5) < 5 * 0.5 / np.sqrt(y.size)
    assert abs(y.std(ddof=1) - 0.5) < 0.02


def test_whole_number_keys_are_rounded():
    x = sample_matrix(specs("target.net_zero_year=2027:2029:abs"), 200, seed=0)[:, 0]
    assert set(np.unique(x)) <= {2027.0, 2028.0, 2029.0}


def test_grid_is_full_factorial_last_key_fastest():
    g = grid_matrix(specs("carbon.price=0.5:1.5", "pv.capex=0.8:1.2"), 3)
    assert g.shape == (9, 2)
    assert list(g[:3, 0]) == [0.5, 0.5, 0.5]
    assert list(g[:3, 1]) == pytest.approx([0.8, 1.0, 1.2])


def test_low_high_of_normal_are_its_5th_and_95th_percentiles():
    (s,) = specs("credit[ccer].price=1:0.2:normal")
    lo, hi = low_high(s)
    assert lo == pytest.approx(1 - Z95 * 0.2)
    assert hi == pytest.approx(1 + Z95 * 0.2)
