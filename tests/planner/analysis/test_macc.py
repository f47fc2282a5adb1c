"""The MACC: bars sorted by levelised cost with cumulative widths, offsets as price lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.analysis.macc import macc_table, price_lines
from tests.conftest import tiny_raw
from tests.helpers import discount, solve_raw

RATE = 0.05


@pytest.fixture(scope="module")
def plan():
    raw = tiny_raw(
        measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 100000.0,
                  "lifetime_years": 10, "electricity_saving_share": 0.1},
                 {"id": "gas", "pathway": "efficiency", "capex_cny": 100000.0,
                  "lifetime_years": 10, "fuel_saving_share": {"natural_gas": 0.08}}],
        credit=[{"id": "ccer", "price_cny_per_t": {"2025": 100.0, "2029": 140.0}}],
        certificates={"price_cny_per_mwh": 50.0})
    return solve_raw(raw)


def test_bars_are_sorted_by_cost_and_tile_the_tonnes_axis(plan):
    bars = plan.macc[plan.macc["abated_t"].notna()]
    assert list(bars["id"]) == list(plan.finance.sort_values("lcoa_cny_per_t")["lever"])
    assert (np.diff(bars["cost_cny_per_t"]) >= 0).all()
    np.testing.assert_allclose(bars["x_end_t"] - bars["x_start_t"], bars["abated_t"])
    np.testing.assert_allclose(bars["x_start_t"].iloc[1:], bars["x_end_t"].iloc[:-1])
    assert bars["x_start_t"].iloc[0] == 0.0
    # Both measures save money: negative cost, left of zero.
    assert (bars["cost_cny_per_t"] < 0).all()


def test_price_lines_are_levelised_like_the_bars(plan):
    lines = price_lines(plan.inputs).set_index("id")
    d = np.array([discount(RATE, t) for t in range(5)])
    credit = np.array([100.0, 110.0, 120.0, 130.0, 140.0])  # interpolated linearly
    assert lines.loc["ccer", "cost_cny_per_t"] == pytest.approx((d @ credit) / d.sum())
    # 50 CNY/MWh over the residual factor (no certificates in the grid factor here: 0.5).
    ef = plan.inputs.grid.ef_residual_t_per_mwh_y
    assert lines.loc["certificates", "cost_cny_per_t"] == pytest.approx(
        (d @ np.full(5, 50.0)) / (d @ ef))
    assert set(lines["kind"]) == {"credit", "certificate"}


def test_levers_that_abate_nothing_are_left_off_the_curve(plan):
    fin = pd.DataFrame([
        {"lever": "a", "name": "A", "kind": "measure", "lcoa_cny_per_t": 10.0, "abated_t": 5.0},
        {"lever": "b", "name": "B", "kind": "battery", "lcoa_cny_per_t": None,
         "abated_t": -3.0},
        {"lever": "c", "name": "C", "kind": "measure", "lcoa_cny_per_t": -20.0,
         "abated_t": 2.0}])
    m = macc_table(plan.inputs, fin)
    bars = m[m["abated_t"].notna()]
    assert list(bars["id"]) == ["c", "a"]
    assert list(bars["x_end_t"]) == [2.0, 7.0]


def test_a_green_power_contract_is_a_price_line_over_its_term():
    """Premium 8 CNY/MWh over 2027-2028 (of 2025-2029), residual factor 0.5 t/MWh:
    8 / 0.5 = 16 CNY/t whatever the discounting (a constant over the term)."""
    from planner.inputs.build import build_inputs
    from planner.scenario.read import parse_scenario

    raw = tiny_raw(green_power=[{"id": "wind", "premium_cny_per_mwh": {"2025": 2.0,
                                                                       "2027": 8.0},
                                 "start_year": 2027, "term_years": 2}])
    lines = price_lines(build_inputs(parse_scenario(raw, "tiny.toml"))).set_index("id")
    assert lines.loc["wind", "kind"] == "green_power"
    assert lines.loc["wind", "cost_cny_per_t"] == pytest.approx(16.0, rel=1e-12)
