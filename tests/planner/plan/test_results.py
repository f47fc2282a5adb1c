"""Accounting identities of a full example plan, year by year."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def plan(example_plan_of):
    return example_plan_of("auto_parts_sichuan")


@pytest.mark.parametrize(("stem", "year"), [("electronics_jiangsu", 2045),
                                            ("auto_parts_sichuan", 2050)])
def test_examples_reach_net_zero_in_their_target_year(example_plan_of, stem, year):
    """Their files' target.net_zero_year; not earlier, as every tonne cut costs money."""
    assert example_plan_of(stem).summary["net_zero_year_reached"] == year


def test_scope1_is_fuels_plus_process_sources(plan):
    em = plan.emissions
    s1 = em[em.scope == "scope1"].groupby("year")["emissions_t"].sum().to_numpy()
    np.testing.assert_allclose(s1, plan.roadmap["scope1_t"], rtol=1e-12)
    fuel = em[em.source == "fuel:natural_gas"]
    # Each fuel row is its activity times the IPCC factor: traceable to the input.
    np.testing.assert_allclose(fuel["emissions_t"], fuel["activity"] * 0.0561, rtol=1e-12)


def test_scope2_is_import_times_grid_factor(plan):
    r, e = plan.roadmap, plan.energy
    np.testing.assert_allclose(r["scope2_location_t"], e["import_mwh"] * 0.1404, rtol=1e-12)
    market = 0.1404 * (e["import_mwh"] - np.minimum(r["certificates_mwh"], e["import_mwh"]))
    np.testing.assert_allclose(r["scope2_market_t"], market, rtol=1e-9, atol=1e-9)


def test_net_is_scope1_plus_scope2_market_minus_offsets_and_within_the_cap(plan):
    r = plan.roadmap
    net = r["scope1_t"] + r["scope2_market_t"] - r["credits_t"] - r["removals_t"]
    np.testing.assert_allclose(r["net_t"], net, rtol=1e-12, atol=1e-9)
    # Met to the solver's row tolerance (1e-7 GWh of import = 0.1 kWh) times the grid factor.
    assert (r["net_t"] <= r["allowed_t"] + 1e-6).all()
    assert (r.loc[r.year >= 2050, "net_t"] <= 1e-6).all()
    # Credits within the 10 % cap of base-year emissions.
    assert (r["credits_t"] <= 0.10 * plan.summary["base_year_emissions_t"] + 1e-6).all()


def test_costs_add_up_and_npv_is_the_discounted_sum_less_salvage(plan):
    c = plan.costs
    parts = c[[col for col in c.columns if col.endswith("_cny") and col not in
               ("total_cny", "discounted_total_cny")]].sum(axis=1)
    np.testing.assert_allclose(c["total_cny"], parts, rtol=1e-12)
    df = 1.06 ** -(c["year"] - 2025)
    np.testing.assert_allclose(c["discount_factor"], df, rtol=1e-12)
    npv = (c["total_cny"] * df).sum() - plan.accounts.salvage_cny * 1.06 ** -36
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-12)


def test_npv_from_exact_accounts_matches_the_milp_objective(plan):
    """Two implementations: numpy accounts of the exact dispatch vs Pyomo's objective."""
    rep = plan.solution.report
    npv = plan.summary["npv_plan_cny"]
    # The MILP with outer-approximation cuts is a relaxation: its bound cannot exceed the
    # exact cost of a feasible plan; and the plan is within the stated tolerance of it.
    assert npv >= rep.bound_mcny * 1e6 - 1e-3
    assert npv == pytest.approx(rep.objective_mcny * 1e6, rel=1e-5)
    assert plan.summary["optimality_gap"] < 2e-4


def test_energy_balance_closes_every_year(plan):
    e = plan.energy
    supplied = e["pv_mwh"] + e["import_mwh"] + e["battery_discharge_mwh"]
    used = e["load_mwh"] + e["export_mwh"] + e["curtailed_mwh"] + e["battery_charge_mwh"]
    np.testing.assert_allclose(supplied, used, rtol=1e-10)
    np.testing.assert_allclose(e["energy_cost_cny"], e["import_cost_cny"] - e["export_revenue_cny"],
                               rtol=1e-12)
