"""Optima of tiny plans against hand calculations (tiny scenario: see tests/conftest.py).

Hand model of the tiny plant (no PV, no battery, flat tariff): a year's cost is
energy + fuel + credits (+ capex in build years); NPV discounts year t by
1.05**-t and subtracts straight-line salvage discounted by 1.05**-5.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import discount, solve_raw

RATE = 0.05
GAS_T = 10000 * 0.0561          # 561 t: IPCC 2006 natural gas factor
GRID_T = 1000 * 0.5             # 500 t
BASE_T = GAS_T + GRID_T          # 1 061 t
ENERGY_CNY = 1000 * 1000 * 0.5   # 1 000 MWh at 0.5 CNY/kWh
FUEL_CNY = 10000 * 80.0


def linear_allowed(base_t: float, t: int, span: int = 4) -> float:
    return max(0.0, base_t * (1 - t / span))


def build_years(plan, measure: str) -> list[int]:
    row = plan.measures.set_index("measure").loc[measure]
    return [int(y) for y in row["build_years"].split(";")] if row["build_years"] else []


def test_cheap_efficiency_beats_credits_and_npv_matches_hand_calculation(tiny):
    raw = tiny(measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 100000.0,
                         "lifetime_years": 10, "electricity_saving_share": 0.1}],
               credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    plan = solve_raw(raw)
    assert build_years(plan, "eff") == [2025]
    npv = 100000.0 - 100000.0 * 5 / 10 * discount(RATE, 5)
    for t in range(5):
        credits = max(0.0, GAS_T + 0.9 * GRID_T - linear_allowed(BASE_T, t))
        npv += discount(RATE, t) * (0.9 * ENERGY_CNY + FUEL_CNY + 100.0 * credits)
        assert plan.roadmap["credits_t"][t] == pytest.approx(credits, abs=1e-6)
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-9)
    assert plan.summary["proven_optimal"]


def test_negative_npv_measure_is_built_when_the_cap_first_binds_not_earlier(tiny):
    sf6_t = 10 * 25200 / 1000    # 10 kg SF6, AR6 GWP 25 200
    base = BASE_T + sf6_t
    raw = tiny(process={"gases_kg": {"sf6": 10.0}},
               target={"net_zero_year": 2029, "trajectory": "table", "max_credit_share": 1.0,
                       "allowed_share": {"2026": 1.0, "2027": 0.85, "2028": 0.85}},
               measure=[{"id": "sf6_free", "pathway": "process-gas", "capex_cny": 1e6,
                         "lifetime_years": 20, "gas_cut_share": {"sf6": 1.0}}],
               credit=[{"id": "ccer", "price_cny_per_t": 100.0, "earliest_year": 2029}])
    plan = solve_raw(raw)
    assert build_years(plan, "sf6_free") == [2027]
    assert plan.roadmap["allowed_t"][2] == pytest.approx(0.85 * base)
    npv = 1e6 * discount(RATE, 2) - 1e6 * 17 / 20 * discount(RATE, 5)
    for t in range(5):
        credits = BASE_T if t == 4 else 0.0
        npv += discount(RATE, t) * (ENERGY_CNY + FUEL_CNY + 100.0 * credits)
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-9)


def _two_savers(tiny, budget=None):
    measures = [
        {"id": "a_elec", "pathway": "efficiency", "capex_cny": 100000.0, "lifetime_years": 10,
         "electricity_saving_share": 0.1},        # saves 50 000 CNY/yr
        {"id": "b_gas", "pathway": "efficiency", "capex_cny": 100000.0, "lifetime_years": 10,
         "fuel_saving_share": {"natural_gas": 0.08}},  # saves 64 000 CNY/yr
    ]
    extra = {"budget": {"capex_cny_per_year": budget}} if budget else {}
    return tiny(measure=measures, credit=[{"id": "ccer", "price_cny_per_t": 1.0}], **extra)


def test_capex_budget_pushes_the_second_build_one_year_later(tiny):
    free = solve_raw(_two_savers(tiny))
    assert build_years(free, "a_elec") == [2025]
    assert build_years(free, "b_gas") == [2025]
    capped = solve_raw(_two_savers(tiny, budget=150000.0))
    # Only one fits a year; the larger saving (gas, 64 000 CNY/yr) goes first.
    assert build_years(capped, "b_gas") == [2025]
    assert build_years(capped, "a_elec") == [2026]
    assert (capped.roadmap["capex_cny"] <= 150000.0 + 1e-6).all()
    # Delaying the 50 000 CNY/yr saving by a year costs about its discounted value.
    delay = capped.summary["npv_plan_cny"] - free.summary["npv_plan_cny"]
    salvage_diff = 100000.0 * (6 / 10 * discount(RATE, 5) - 5 / 10 * discount(RATE, 5))
    capex_diff = 100000.0 * (discount(RATE, 1) - 1.0)
    expected = 0.1 * ENERGY_CNY + capex_diff - salvage_diff
    credits_2025 = max(0.0, GAS_T * 0.92 + GRID_T - linear_allowed(BASE_T, 0))
    assert credits_2025 == 0.0
    assert delay == pytest.approx(expected, rel=1e-7)


def test_exclusive_group_keeps_the_cheaper_option(tiny):
    opts = [{"id": name, "pathway": "efficiency", "capex_cny": capex, "lifetime_years": 10,
             "fuel_saving_share": {"natural_gas": 0.3}, "group": grp}
            for name, capex, grp in (("dear", 200000.0, "heat"), ("cheap", 150000.0, "heat"))]
    credit = [{"id": "ccer", "price_cny_per_t": 100.0}]
    both = solve_raw(tiny(measure=[{**o, "group": None} for o in opts], credit=credit))
    assert build_years(both, "dear") == [2025] and build_years(both, "cheap") == [2025]
    one = solve_raw(tiny(measure=opts, credit=credit))
    assert build_years(one, "cheap") == [2025]
    assert build_years(one, "dear") == []


def test_measure_is_rebuilt_when_its_lifetime_ends_and_salvage_is_straight_line(tiny):
    raw = tiny(measure=[{"id": "short", "pathway": "efficiency", "capex_cny": 10000.0,
                         "lifetime_years": 2, "electricity_saving_share": 0.1}],
               credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    plan = solve_raw(raw)
    assert build_years(plan, "short") == [2025, 2027, 2029]
    # Built in 2029 with a 2-year life: one of two years remains after the horizon.
    assert plan.accounts.salvage_cny == pytest.approx(10000.0 * 0.5)
    npv = sum(10000.0 * discount(RATE, t) for t in (0, 2, 4)) - 5000.0 * discount(RATE, 5)
    for t in range(5):
        credits = max(0.0, GAS_T + 0.9 * GRID_T - linear_allowed(BASE_T, t))
        npv += discount(RATE, t) * (0.9 * ENERGY_CNY + FUEL_CNY + 100.0 * credits)
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-9)


def test_business_as_usual_is_the_plan_with_no_levers(tiny):
    plan = solve_raw(tiny(credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))
    bau = sum(discount(RATE, t) * (ENERGY_CNY + FUEL_CNY) for t in range(5))
    assert plan.summary["npv_bau_cny"] == pytest.approx(bau, rel=1e-12)
    credits = np.array([max(0.0, BASE_T - linear_allowed(BASE_T, t)) for t in range(5)])
    np.testing.assert_allclose(plan.roadmap["credits_t"], credits, atol=1e-6)
    assert plan.summary["npv_difference_cny"] == pytest.approx(
        sum(discount(RATE, t) * 100.0 * credits[t] for t in range(5)), rel=1e-9)


def test_with_every_price_zero_nothing_unneeded_is_bought(tiny):
    """All prices 0: every plan costs 0, so the tie-break must pick the one that buys least.

    Hand optimum: no measure, so emissions stay at 1 061 t a year; the linear trajectory
    allows 1 061 x (1 - t/4) t, so the credits needed are exactly 1 061 x t/4 t (0, 265.25,
    530.5, 795.75, 1 061) and no certificate and no removal is needed (credits are capped
    at 100 % of the base year, enough; with two credits at price 0 the split between them
    is a tie, their sum is not). Before the tie-break the solver was free to buy up
    to the cap every year (issue 18: 85,869 t more than needed on a larger case).
    """
    raw = tiny(fuels={"natural_gas": {"price_cny_per_gj": 0.0}},
               grid={"price_cny_per_kwh": 0.0, "ef_t_per_mwh": 0.5},
               certificates={"price_cny_per_mwh": 0.0},
               credit=[{"id": "ccer", "price_cny_per_t": 0.0},
                       {"id": "vcs", "price_cny_per_t": 0.0}])
    plan = solve_raw(raw)
    for t in range(5):
        assert plan.roadmap["credits_t"][t] == pytest.approx(BASE_T * t / 4, abs=1e-6)
    assert plan.summary["certificates_total_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert plan.summary["credits_total_t"] == pytest.approx(BASE_T * 10 / 4, abs=1e-5)
    # Nothing costs anything, and the tie-break is not a cost: the NPV is 0.
    assert plan.summary["npv_plan_cny"] == pytest.approx(0.0, abs=1e-6)
