"""Finance figures against hand calculations and numpy-financial (tiny plant: tests/conftest.py)."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest

from planner.analysis.finance import discounted_payback_index, irr, lever_finance
from tests.helpers import discount, solve_raw

RATE = 0.05
GRID_T = 1000 * 0.5              # tiny plant: 1 000 MWh at 0.5 t/MWh
ENERGY_CNY = 1000 * 1000 * 0.5   # 1 000 MWh at 0.5 CNY/kWh


# --------------------------------------------------------------------------- pure functions

def test_irr_of_two_equal_returns_matches_the_quadratic_root():
    # -100 + 60 x + 60 x^2 = 0 with x = 1 / (1 + r).
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / (2 * 60)
    assert irr(np.array([-100.0, 60.0, 60.0])) == pytest.approx(1 / x - 1, rel=1e-10)
    assert irr(np.array([-100.0, 60.0, 60.0])) == pytest.approx(npf.irr([-100, 60, 60]))


def test_irr_is_none_without_a_sign_change():
    assert irr(np.array([10.0, 5.0, 1.0])) is None
    assert irr(np.array([-10.0, -5.0, 0.0])) is None
    assert irr(np.zeros(4)) is None


def test_discounted_payback_by_hand():
    dfs = np.array([1.0, 1 / 1.1, 1 / 1.21, 1 / 1.331])
    # Discounted: -100, 45.45, 41.32, 37.57: cumulative turns positive in the fourth entry.
    assert discounted_payback_index(dfs, np.array([-100.0, 50.0, 50.0, 50.0])) == 3
    assert discounted_payback_index(dfs, np.array([-100.0, 10.0, 10.0, 10.0])) is None
    assert discounted_payback_index(dfs, np.array([5.0, -1.0, 0.0, 0.0])) == 0
    # Break-even exactly counts as paid back.
    assert discounted_payback_index(np.ones(2), np.array([-1.0, 1.0])) == 1


# --------------------------------------------------------------------------- a tiny plan

@pytest.fixture(scope="module")
def eff_plan():
    from tests.conftest import tiny_raw

    raw = tiny_raw(measure=[{"id": "eff", "name": "Efficiency", "pathway": "efficiency",
                             "capex_cny": 100000.0, "lifetime_years": 10,
                             "electricity_saving_share": 0.1}],
                   credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    return solve_raw(raw)


def test_measure_flows_with_and_without_by_hand(eff_plan):
    """The efficiency measure, credits held at the plan's level: 10 % of 1 000 MWh saved."""
    row = eff_plan.finance.set_index("lever").loc["eff"]
    # Capex 100 000 in 2025; saves 100 MWh x 500 CNY/MWh = 50 000 CNY a year; 5 of its
    # 10 years remain after 2029: salvage 50 000 at the end of the horizon.
    npv = -100000.0 + sum(50000.0 * discount(RATE, t) for t in range(5)) \
        + 50000.0 * discount(RATE, 5)
    tonnes = 0.1 * GRID_T  # 50 t a year
    tonnes_disc = sum(tonnes * discount(RATE, t) for t in range(5))
    assert row["capex_cny"] == pytest.approx(100000.0)
    assert row["npv_cny"] == pytest.approx(npv, rel=1e-9)
    assert row["abated_t"] == pytest.approx(5 * tonnes, rel=1e-9)
    assert row["abated_discounted_t"] == pytest.approx(tonnes_disc, rel=1e-9)
    assert row["lcoa_cny_per_t"] == pytest.approx(-npv / tonnes_disc, rel=1e-9)
    assert row["build_years"] == "2025" and row["first_build_year"] == 2025
    # numpy-financial on the same flows (first flow at t = 0, salvage at t = 5).
    flows = [-100000.0 + 50000.0, 50000.0, 50000.0, 50000.0, 50000.0, 50000.0]
    assert npf.npv(RATE, flows) == pytest.approx(npv, rel=1e-12)


def test_plan_flows_against_bau_by_hand(eff_plan):
    s = eff_plan.summary
    cf = eff_plan.cashflow
    # Credits of the plan: gas 561 t + grid 450 t above the linear cap from 1 061 t to 0.
    credits = [max(0.0, 561 + 450 - 1061 * (1 - t / 4)) for t in range(5)]
    flows = [0.1 * ENERGY_CNY - 100.0 * c for c in credits]
    flows[0] -= 100000.0
    flows.append(50000.0)  # salvage
    np.testing.assert_allclose(cf["incremental_cny"], flows, rtol=1e-9, atol=1e-6)
    assert list(cf["year"]) == ["2025", "2026", "2027", "2028", "2029", "salvage"]
    # NPV of the incremental flows is BAU minus plan, and numpy-financial agrees.
    assert s["npv_savings_cny"] == pytest.approx(-s["npv_difference_cny"], rel=1e-12)
    assert npf.npv(RATE, flows) == pytest.approx(s["npv_savings_cny"], rel=1e-9)
    assert cf["cumulative_discounted_cny"].iloc[-1] == pytest.approx(s["npv_savings_cny"])
    # Levelised abatement cost: discounted cost over discounted tonnes.
    abated = eff_plan.bau.net_t_y - eff_plan.accounts.net_t_y
    t_disc = sum(abated[t] * discount(RATE, t) for t in range(5))
    assert s["emissions_abated_discounted_t"] == pytest.approx(t_disc, rel=1e-12)
    assert s["levelised_abatement_cost_cny_per_t"] == pytest.approx(
        s["npv_difference_cny"] / t_disc, rel=1e-12)


# --------------------------------------------------------------------------- an example plan

@pytest.fixture
def example(example_plan_of):
    return example_plan_of("electronics_jiangsu")


def test_example_identities_and_numpy_financial_cross_checks(example):
    s, cf, inp = example.summary, example.cashflow, example.inputs
    flows = cf["incremental_cny"].to_numpy()
    # Discount factors are (1 + r)^-t for t = 0..n (salvage at t = n): numpy-financial's npv.
    assert npf.npv(inp.discount_rate, flows) == pytest.approx(s["npv_savings_cny"], rel=1e-10)
    assert s["npv_plan_cny"] - s["npv_bau_cny"] == pytest.approx(-s["npv_savings_cny"],
                                                                 rel=1e-12)
    rate = s["irr"]
    assert rate is not None and rate > inp.discount_rate  # the plan saves money at r
    assert npf.npv(rate, flows) == pytest.approx(0.0, abs=1e-6 * np.abs(flows).sum())
    assert rate == pytest.approx(npf.irr(flows), rel=1e-12)
    # Payback: the first year whose cumulative discounted flow is >= 0, and not a year before.
    k = int(np.argmax(cf["cumulative_discounted_cny"].to_numpy() >= 0))
    assert s["discounted_payback_year"] == int(cf["year"][k])
    assert (cf["cumulative_discounted_cny"][:k] < 0).all()


def test_example_levers_cover_measures_pv_and_battery(example):
    fin = example.finance
    chosen = set(example.measures.loc[example.measures["chosen"], "measure"])
    assert set(fin.loc[fin["kind"] == "measure", "lever"]) == chosen
    assert {"pv", "battery"} <= set(fin["lever"])
    measure_capex = example.measures.set_index("measure")["capex_cny"]
    for r in fin[fin["kind"] == "measure"].itertuples():
        assert r.capex_cny == pytest.approx(measure_capex[r.lever])
    # The levers' capex adds up to the plan's.
    assert fin["capex_cny"].sum() == pytest.approx(example.summary["capex_total_cny"], rel=1e-9)


def test_lever_finance_of_a_plan_without_levers_is_empty(eff_plan):
    from planner.analysis.accounts import bau_decisions

    assert lever_finance(eff_plan.inputs, bau_decisions(eff_plan.inputs)).empty
