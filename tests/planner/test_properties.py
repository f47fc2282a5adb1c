"""Properties every optimal plan must have, on random small plants (hypothesis).

Each property follows from optimality alone, so it holds for any data:

* carbon price up -> covered emissions never up (exchange argument: with optima
  x1 at p1 and x2 at p2 > p1, (p2 - p1)(E2 - E1) <= 0; discount rate 0 so the
  price weighs every year's tonnes alike);
* one more candidate measure -> optimal cost never up (the old plan is still allowed);
* a tighter target -> optimal cost never down (the new plan was allowed before);
* every money figure x k -> objective x k, the same decisions;
* the plan, re-checked by the exact 8760-hour evaluation, keeps its own constraints.

Examples are derandomised so that CI runs the same cases every time.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import tiny_raw
from tests.helpers import solve_raw

PROPERTY = settings(max_examples=10, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
TOL_CNY = 1e-3  # solves to 1e-9 relative; NPVs are ~1e7 CNY


@st.composite
def plants(draw) -> dict:
    """A 5-year tiny plant with 1-3 random measures, credits and a random target."""
    measures = []
    for k in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["elec", "gas", "sf6"]))
        m = {"id": f"m{k}", "pathway": "efficiency", "lifetime_years": draw(st.integers(3, 15)),
             "capex_cny": draw(st.floats(1e4, 3e6)),
             "fixed_opex_cny_per_year": draw(st.floats(0, 2e4))}
        if kind == "elec":
            m["electricity_saving_share"] = draw(st.floats(0.02, 0.5))
        elif kind == "gas":
            m["fuel_saving_share"] = {"natural_gas": draw(st.floats(0.02, 0.9))}
        else:
            m.update(pathway="process-gas", gas_cut_share={"sf6": draw(st.floats(0.3, 1.0))})
        if draw(st.booleans()):
            m["group"] = "g"
        measures.append(m)
    if sum(1 for m in measures if m.get("group")) == 1:
        next(m for m in measures if m.get("group")).pop("group")
    _shares_within_one(measures)
    raw = tiny_raw(
        measure=measures,
        process={"gases_kg": {"sf6": draw(st.floats(1.0, 20.0))}},
        credit=[{"id": "ccer", "price_cny_per_t": draw(st.floats(20.0, 400.0))}],
        target={"net_zero_year": 2029, "max_credit_share": 1.0},  # always feasible
        carbon={"price_cny_per_t": draw(st.floats(0.0, 300.0)), "covered": True,
                "scopes": ["scope1", "scope2"]},
    )
    raw["scenario"]["discount_rate"] = 0.0
    return raw


def _shares_within_one(measures: list[dict]) -> None:
    """Scale the saving shares on each flow to add up to at most 0.95 (electricity: 0.5,
    leaving room for the measure the tests add): shares above 1 on one flow are a
    scenario error (planner.scenario.plausibility.share_problems)."""
    for key, name, cap in (("electricity_saving_share", None, 0.5),
                           ("fuel_saving_share", "natural_gas", 0.95),
                           ("gas_cut_share", "sf6", 0.95)):
        owners = [m[key] if name is None else m[key][name] for m in measures if key in m]
        total = sum(owners)
        if total <= cap:
            continue
        for m in measures:
            if key in m and name is None:
                m[key] *= cap / total
            elif key in m:
                m[key][name] *= cap / total


def _covered_t(plan) -> float:
    r = plan.roadmap
    return float((r["scope1_t"] + r["scope2_location_t"]).sum())


@PROPERTY
@given(plants(), st.floats(1.5, 10.0))
def test_higher_carbon_price_never_raises_covered_emissions(raw, factor):
    low = solve_raw(raw)
    raw["carbon"]["price_cny_per_t"] = raw["carbon"]["price_cny_per_t"] * factor + 50.0
    high = solve_raw(raw)
    assert _covered_t(high) <= _covered_t(low) + 1e-6 * _covered_t(low)


@PROPERTY
@given(plants(), st.floats(1e4, 3e6), st.floats(0.02, 0.5))
def test_adding_a_measure_never_raises_the_optimal_cost(raw, capex, share):
    before = solve_raw(raw).summary["npv_plan_cny"]
    raw["measure"].append({"id": "extra", "pathway": "efficiency", "capex_cny": capex,
                           "lifetime_years": 10, "electricity_saving_share": share})
    after = solve_raw(raw).summary["npv_plan_cny"]
    assert after <= before + TOL_CNY + 1e-9 * abs(before)


@PROPERTY
@given(plants(), st.floats(0.1, 0.9))
def test_tightening_the_target_never_lowers_the_optimal_cost(raw, keep):
    loose = solve_raw(raw).summary["npv_plan_cny"]
    raw["target"]["max_credit_share"] *= keep  # fewer credits allowed in every year
    from planner.base.errors import InfeasiblePlanError

    try:
        tight = solve_raw(raw).summary["npv_plan_cny"]
    except InfeasiblePlanError:
        return  # infinitely costly: the property holds
    assert tight >= loose - TOL_CNY - 1e-9 * abs(loose)


def _scale_money(raw: dict, k: float) -> dict:
    raw["grid"]["price_cny_per_kwh"] *= k
    raw["fuels"]["natural_gas"]["price_cny_per_gj"] *= k
    raw["carbon"]["price_cny_per_t"] *= k
    raw["credit"][0]["price_cny_per_t"] *= k
    for m in raw["measure"]:
        m["capex_cny"] *= k
        m["fixed_opex_cny_per_year"] *= k
    return raw


@PROPERTY
@given(plants(), st.floats(0.2, 5.0))
def test_scaling_every_money_figure_scales_the_objective_and_keeps_decisions(raw, k):
    base = solve_raw(raw)
    scaled = solve_raw(_scale_money(raw, k))
    assert scaled.summary["npv_plan_cny"] == pytest.approx(k * base.summary["npv_plan_cny"],
                                                           rel=1e-7)
    assert list(scaled.measures["build_years"]) == list(base.measures["build_years"])
    np.testing.assert_allclose(scaled.roadmap["credits_t"], base.roadmap["credits_t"],
                               atol=1e-4)


@PROPERTY
@given(plants(), st.floats(0.0, 1e6))
def test_the_plan_keeps_its_own_constraints_under_exact_evaluation(raw, budget):
    if budget > 5e5:
        raw["budget"] = {"capex_cny_per_year": budget}
    from planner.base.errors import InfeasiblePlanError

    try:
        plan = solve_raw(raw)
    except InfeasiblePlanError:
        return
    r = plan.roadmap
    inp = plan.inputs
    tol = 1e-6 * inp.target.base_emissions_t
    # roadmap figures come from account(): decisions + the exact 8760-hour balance
    assert (r["net_t"] <= r["allowed_t"] + tol).all()
    assert (r["credits_t"] <= inp.target.credit_cap_t_y + tol).all()
    if "budget" in raw:
        assert (r["capex_cny"] <= budget * (1 + 1e-9) + 1e-6).all()
    alive = plan.solution.decisions.alive_my
    grouped = [k for k, m in enumerate(raw["measure"]) if m.get("group")]
    assert (alive[grouped].sum(axis=0) <= 1 + 1e-9).all()
    assert (alive <= 1 + 1e-9).all()
    # identities: net = scope1 + scope2 (market) - credits - removals; cost = capex + opex
    np.testing.assert_allclose(r["net_t"], r["scope1_t"] + r["scope2_market_t"]
                               - r["credits_t"] - r["removals_t"], atol=1e-6)
    np.testing.assert_allclose(r["total_cost_cny"], r["capex_cny"] + r["opex_cny"], rtol=1e-12)



#: The plant hypothesis drew when HiGHS crashed (segfault) in the diagnosis: a carbon
#: price of 1.65e-298 CNY/t and a fixed O&M of 5e-324 CNY/yr; the target is unreachable.
CRASHED = {'scenario': {'name': 'tiny',
              'base_year': 2025,
              'end_year': 2029,
              'discount_rate': 0.0,
              'gwp_set': 'AR6',
              'combustion_ch4_n2o': False},
 'site': {'latitude': 30.0, 'longitude': 104.0},
 'demand': {'electricity_mwh': 1000.0,
            'profile': 'flat',
            'fuels_gj': {'natural_gas': 10000.0}},
 'fuels': {'natural_gas': {'price_cny_per_gj': 80.0}},
 'grid': {'price_cny_per_kwh': 0.5, 'ef_t_per_mwh': 0.5},
 'target': {'net_zero_year': 2029, 'max_credit_share': 0.4243582098607387},
 'solver': {'mip_rel_gap': 1e-09, 'oa_rel_tolerance': 1e-09},
 'measure': [{'id': 'm0',
              'pathway': 'efficiency',
              'lifetime_years': 8,
              'capex_cny': 2354108.0350013496,
              'fixed_opex_cny_per_year': 5e-324,
              'fuel_saving_share': {'natural_gas': 0.2651790376465097}},
             {'id': 'm1',
              'pathway': 'process-gas',
              'lifetime_years': 7,
              'capex_cny': 377860.7030802618,
              'fixed_opex_cny_per_year': 7731.323850026472,
              'gas_cut_share': {'sf6': 0.4793986207778238}},
             {'id': 'm2',
              'pathway': 'efficiency',
              'lifetime_years': 14,
              'capex_cny': 10000.0,
              'fixed_opex_cny_per_year': 16180.257493442612,
              'fuel_saving_share': {'natural_gas': 0.6848209623534903}}],
 'process': {'gases_kg': {'sf6': 15.393593527893199}},
 'credit': [{'id': 'ccer', 'price_cny_per_t': 190.29995815608243}],
 'carbon': {'price_cny_per_t': 1.653487876917884e-298,
            'covered': True,
            'scopes': ['scope1', 'scope2']}}


def test_a_tiny_price_is_read_as_zero_and_plans_like_zero():
    """Magnitudes below 1e-12 are read as 0: the crashed plant is diagnosed exactly as
    the same plant with those values written as 0."""
    import copy

    from planner.base.errors import InfeasiblePlanError
    from planner.base.schema import Scenario

    sc = Scenario.model_validate(copy.deepcopy(CRASHED))
    assert sc.carbon.price_cny_per_t == 0.0
    assert sc.measure[0].fixed_opex_cny_per_year == 0.0
    zero = copy.deepcopy(CRASHED)
    zero["carbon"]["price_cny_per_t"] = 0.0
    zero["measure"][0]["fixed_opex_cny_per_year"] = 0.0
    messages = []
    for raw in (copy.deepcopy(CRASHED), zero):
        with pytest.raises(InfeasiblePlanError) as err:
            solve_raw(raw)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert "short by" in messages[0]
