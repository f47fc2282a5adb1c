"""Green-power purchase contracts (绿电交易 / PPA): terms, model = accounts, optima by hand.

The plant: the tiny plant of ``tests/conftest.py`` without gas, so its only emissions
are 1 000 MWh/yr of grid electricity at 0.5 t/MWh (500 t/yr) and every figure below
is a few multiplications. The targets are tables of allowed shares, so the MWh that
must be covered each year are known: allowed share a -> (1 - a) x 1 000 MWh.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.master import build_master
from models.solution import Decisions
from models.terms import green_counted_mwh_y, green_paid_mwh_gy, terms_of
from planner.analysis.accounts import account_flows
from planner.inputs.build import build_inputs
from planner.inputs.standard_rules import with_rules
from planner.run.pipeline import standard_profile
from planner.scenario.read import parse_scenario
from tests.conftest import tiny_raw
from tests.fixed_plan import assert_terms_equal, model_and_account_terms, set_plan
from tests.helpers import discount, solve_raw


def _raw(allowed: list[float], *, certificates: dict | None = None,
         green: list[dict] | None = None, growth: float = 0.0) -> dict:
    raw = tiny_raw(
        demand={"electricity_mwh": 1000.0, "profile": "flat", "growth_per_year": growth},
        target={"net_zero_year": 2029, "max_credit_share": 1.0, "trajectory": "table",
                "allowed_share": {str(2025 + i): a for i, a in enumerate(allowed)}})
    raw["fuels"] = {}
    if certificates is not None:
        raw["certificates"] = certificates
    if green is not None:
        raw["green_power"] = green
    return raw


# --------------------------------------------------------------------------- terms

def test_contract_arrays_term_years_and_premium_outside_the_term_is_zero():
    raw = _raw([1, 1, 1, 1, 0], green=[
        {"id": "wind", "premium_cny_per_mwh": {"2025": 10.0, "2029": 30.0},
         "start_year": 2026, "term_years": 2},
        {"id": "solar", "premium_cny_per_mwh": 8.0, "shape": "take_or_pay",
         "min_mwh_per_year": 100.0, "max_mwh_per_year": 500.0, "start_year": 2027}])
    inp = build_inputs(parse_scenario(raw, "tiny.toml"))
    g, gt = inp.green, terms_of(inp).green
    assert g.ids == ("wind", "solar") and g.take_or_pay_g.tolist() == [False, True]
    assert gt.active_gy.tolist() == [[False, True, True, False, False],
                                     [False, False, True, True, True]]
    # Linear 10 -> 30 over 2025-2029 (15, 20 in the term); 8 from 2027; 0 outside.
    np.testing.assert_allclose(gt.premium_cny_per_mwh_gy, [[0, 15, 20, 0, 0], [0, 0, 8, 8, 8]])
    assert g.max_mwh_gy[1].tolist() == [0, 0, 500, 500, 500] and np.isinf(g.max_mwh_gy[0, 1])
    # Take-or-pay pays its volume in every term year; as consumed, what it delivered.
    paid = green_paid_mwh_gy(gt, np.array([[0, 40, 50, 0, 0], [0, 0, 90, 80, 70.0]]),
                             np.array([0.0, 300.0]))
    np.testing.assert_allclose(paid, [[0, 40, 50, 0, 0], [0, 0, 300, 300, 300]])


def test_counted_green_comes_after_certificates_and_stops_at_the_import():
    np.testing.assert_allclose(
        green_counted_mwh_y(np.array([300.0, 800.0, 50.0]), np.array([100.0, 400.0, 0.0]),
                            np.array([1000.0, 1000.0, 20.0])), [300.0, 600.0, 20.0])


# --------------------------------------------------------------------------- model = accounts

def _fixed(inp) -> tuple[Decisions, np.ndarray, np.ndarray]:
    n = inp.n_years
    z = np.zeros(n)
    d = Decisions(np.zeros((0, n), dtype=int), np.zeros((0, n), dtype=int), z, z, z, z, z, z, z,
                  certificates_mwh_y=np.array([0.0, 100.0, 200.0, 300.0, 400.0]),
                  credits_t_cy=np.zeros((0, n)), removals_t_ry=np.zeros((0, n)),
                  green_mwh_gy=np.array([[0.0, 200.0, 300.0, 0.0, 0.0],
                                         [0.0, 0.0, 250.0, 300.0, 300.0]]),
                  green_volume_mwh_g=np.array([0.0, 300.0]))
    imp = np.full(n, 1000.0)
    return d, imp, imp * 500.0


@pytest.mark.parametrize("standard", [None, "zero-carbon-factory"])
def test_every_green_term_of_the_model_equals_the_accounts_for_a_fixed_plan(standard):
    raw = _raw([1, 1, 1, 1, 0], certificates={"price_cny_per_mwh": 5.0}, green=[
        {"id": "wind", "premium_cny_per_mwh": 12.0, "start_year": 2026, "term_years": 2},
        {"id": "solar", "premium_cny_per_mwh": 8.0, "shape": "take_or_pay",
         "start_year": 2027}])
    inp = build_inputs(parse_scenario(raw, "tiny.toml"))
    if standard is not None:
        profile, _ = standard_profile(parse_scenario(raw, "tiny.toml"), standard)
        inp = with_rules(inp, profile)
    d, imp, cost = _fixed(inp)
    m = build_master(inp)
    set_plan(m, d, imp, cost)
    terms = model_and_account_terms(m, inp, d, imp, cost)
    assert_terms_equal(terms, rel=1e-9)
    acc = account_flows(terms_of(inp), d, imp, cost)
    # By hand: 2027 wind 300 x 12 + solar 300 x 8 = 6 000 CNY; 2029 solar 300 x 8.
    np.testing.assert_allclose(acc.green_cny_y, [0, 2400, 6000, 2400, 2400])
    # Market-based scope 2 = 0.5 x (1 000 - certificates - green); location-based untouched.
    np.testing.assert_allclose(acc.scope2_market_t_y, 0.5 * np.array(
        [1000, 1000 - 100 - 200, 1000 - 200 - 550, 1000 - 300 - 300, 1000 - 400 - 300]))
    np.testing.assert_allclose(acc.scope2_location_t_y, 500.0)
    if standard is not None:
        assert "rule_gross_t" in terms


# --------------------------------------------------------------------------- optima by hand

def test_a_contract_cheaper_than_certificates_is_used_to_its_limit_then_certificates():
    """Covered MWh: 0, 0, 400, 400, 1 000. Green (10 CNY/MWh, <= 600 MWh/yr) before
    certificates (30): green 400, 400, 600 and certificates 400 in 2029 only."""
    plan = solve_raw(_raw([1, 1, 0.6, 0.6, 0], certificates={"price_cny_per_mwh": 30.0},
                          green=[{"id": "wind", "premium_cny_per_mwh": 10.0,
                                  "max_mwh_per_year": 600.0}]))
    acc, d = plan.accounts, plan.solution.decisions
    np.testing.assert_allclose(d.green_mwh_gy[0], [0, 0, 400, 400, 600], atol=1e-6)
    np.testing.assert_allclose(acc.certificates_mwh_y, [0, 0, 0, 0, 400], atol=1e-6)
    np.testing.assert_allclose(acc.green_cny_y, [0, 0, 4000, 4000, 6000], atol=1e-4)
    npv = sum(discount(0.05, t) * (500_000.0 + [0, 0, 4000, 4000, 18000][t]) for t in range(5))
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-9)
    np.testing.assert_allclose(acc.net_t_y, [500, 500, 300, 300, 0], atol=1e-6)


def test_a_premium_above_the_certificate_price_buys_no_green_power():
    plan = solve_raw(_raw([1, 1, 0.6, 0.6, 0], certificates={"price_cny_per_mwh": 5.0},
                          green=[{"id": "wind", "premium_cny_per_mwh": 10.0}]))
    np.testing.assert_allclose(plan.solution.decisions.green_mwh_gy, 0.0, atol=1e-9)
    np.testing.assert_allclose(plan.accounts.certificates_mwh_y, [0, 0, 400, 400, 1000],
                               atol=1e-6)


def test_green_power_makes_electricity_100_percent_renewable_where_certificates_are_capped():
    """The zero-carbon-factory profile asks for 100 % renewable electricity in the claim
    year; certificates may cover only half the import. A dearer contract (20 > 5 CNY/MWh)
    covers the other 500 MWh: certificates 500, green 500 in 2029."""
    raw = _raw([1, 1, 1, 1, 0], certificates={"price_cny_per_mwh": 5.0, "max_share": 0.5},
               green=[{"id": "wind", "premium_cny_per_mwh": 20.0}])
    plan = solve_raw(raw, standard="zero-carbon-factory")
    acc = plan.accounts
    np.testing.assert_allclose(acc.certificates_mwh_y, [0, 0, 0, 0, 500], atol=1e-6)
    np.testing.assert_allclose(acc.green_counted_mwh_y, [0, 0, 0, 0, 500], atol=1e-6)
    share = plan.rules.loc[plan.rules["kind"] == "renewable_electricity_min_share"]
    last = share.loc[share["year"] == 2029]
    assert last["value"].iloc[0] == pytest.approx(1.0, abs=1e-9)
    assert bool(last["met"].iloc[0])


def test_take_or_pay_volume_above_consumption_is_paid_in_full_and_counted_to_the_import():
    """Consumption falls 10 %/yr: 1 000, 900, 810, 729, 656.1 MWh. A take-or-pay contract
    from 2027 of at least 800 MWh/yr at 5 CNY/MWh (certificates at 30): it covers all of
    2028 and 2029 though only 729 and 656.1 MWh count; it pays 800 x 5 = 4 000 CNY a year."""
    plan = solve_raw(_raw([1, 1, 1, 1, 0], certificates={"price_cny_per_mwh": 30.0},
                          growth=-0.1,
                          green=[{"id": "ppa", "premium_cny_per_mwh": 5.0,
                                  "shape": "take_or_pay", "min_mwh_per_year": 800.0,
                                  "start_year": 2027}]))
    acc, d = plan.accounts, plan.solution.decisions
    imp = 1000.0 * 0.9 ** np.arange(5)
    np.testing.assert_allclose(acc.import_mwh_y, imp, rtol=1e-9)
    # The volume is the least one (more would only cost); 2029 needs 656.1 < 800.
    assert d.green_volume_mwh_g[0] == pytest.approx(800.0, rel=1e-9)
    np.testing.assert_allclose(acc.green_paid_mwh_gy[0], [0, 0, 800, 800, 800], rtol=1e-9)
    np.testing.assert_allclose(acc.green_cny_y, [0, 0, 4000, 4000, 4000], rtol=1e-9)
    np.testing.assert_allclose(acc.green_counted_mwh_y[3:], imp[3:], rtol=1e-9)
    np.testing.assert_allclose(acc.certificates_mwh_y, 0.0, atol=1e-6)
    np.testing.assert_allclose(acc.scope2_market_t_y[3:], 0.0, atol=1e-6)
    # 2027: 810 imported, at most 800 counted (the master may count less: not required).
    assert acc.green_counted_mwh_y[2] <= 800.0 + 1e-6


def test_on_the_location_basis_green_power_does_not_lower_the_net():
    """Location-based target: certificates and contracts do not count, so a plant with
    only purchases open meets its cap with credits; the contract is not bought."""
    raw = _raw([1, 1, 1, 0.5, 0], green=[{"id": "wind", "premium_cny_per_mwh": 1.0}])
    raw["target"]["scope2_basis"] = "location"
    raw["credit"] = [{"id": "ccer", "price_cny_per_t": 50.0}]
    plan = solve_raw(raw)
    np.testing.assert_allclose(plan.solution.decisions.green_mwh_gy, 0.0, atol=1e-9)
    np.testing.assert_allclose(plan.accounts.net_t_y[3:], [250.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(plan.accounts.credits_t_y[3:], [250.0, 500.0], atol=1e-6)


def test_a_standard_that_does_not_accept_green_power_leaves_it_out_of_its_boundary():
    """boundary_gross_t with and without instruments.green_power: 0.5 x (1 000 - 200 - 300)
    when both count, 0.5 x (1 000 - 200) when the contracts do not."""
    from dataclasses import replace

    from models.rules import boundary_gross_t

    raw = _raw([1, 1, 1, 1, 0], green=[{"id": "wind", "premium_cny_per_mwh": 1.0}])
    sf = parse_scenario(raw, "tiny.toml")
    profile, _ = standard_profile(sf, "zero-carbon-factory")
    r = with_rules(build_inputs(sf), profile).rules
    args = (np.zeros((0, 1)), np.zeros((0, 1)), np.array([1000.0]), np.array([200.0]),
            np.array([0.5]), np.array([0.5]), np.array([300.0]))
    assert boundary_gross_t(r, *args)[0] == pytest.approx(250.0)
    assert boundary_gross_t(replace(r, green_power_count=False), *args)[0] == \
        pytest.approx(400.0)


def test_green_power_cannot_claim_more_than_the_import_to_offset_scope_1():
    """With gas (561 t of scope 1) and a very cheap contract (1 CNY/MWh against credits at
    100 CNY/t), green power covers the 1 000 MWh imported and no more: the 561 t of scope
    1 are offset by credits, not by 1 122 MWh more of green power (a negative scope 2)."""
    raw = _raw([1, 1, 1, 1, 0], green=[{"id": "wind", "premium_cny_per_mwh": 1.0}])
    raw["fuels"] = {"natural_gas": {"price_cny_per_gj": 80.0}}
    raw["demand"]["fuels_gj"] = {"natural_gas": 10000.0}
    raw["credit"] = [{"id": "ccer", "price_cny_per_t": 100.0}]
    plan = solve_raw(raw)
    acc = plan.accounts
    assert acc.green_counted_mwh_y[4] == pytest.approx(1000.0, rel=1e-9)
    assert plan.solution.decisions.green_mwh_gy[0, 4] == pytest.approx(1000.0, rel=1e-9)
    assert acc.scope2_market_t_y[4] == pytest.approx(0.0, abs=1e-6)
    assert acc.credits_t_y[4] == pytest.approx(561.0, rel=1e-9)


def test_a_diagnosis_names_a_contract_at_its_maximum():
    """100 % renewable electricity in 2029 with only a 100 MWh/yr contract: infeasible,
    and the diagnosis names the contract among the limits that bind."""
    from planner.base.errors import InfeasiblePlanError

    raw = _raw([1, 1, 1, 1, 0], green=[{"id": "wind_ppa", "premium_cny_per_mwh": 20.0,
                                        "max_mwh_per_year": 100.0, "start_year": 2027}])
    raw["credit"] = [{"id": "ccer", "price_cny_per_t": 50.0}]
    with pytest.raises(InfeasiblePlanError) as info:
        solve_raw(raw, standard="zero-carbon-factory")
    assert "green-power contract 'wind_ppa' at its maximum in 2029" in str(info.value)


@pytest.mark.parametrize(("contracts", "key", "text"), [
    ([{"id": "w", "premium_cny_per_mwh": 5.0}, {"id": "w", "premium_cny_per_mwh": 6.0}],
     'green_power[1 "w"].id', "used twice"),
    ([{"id": "w", "premium_cny_per_mwh": 5.0, "max_mwh_per_year": {"2025": 10, "2029": -5}}],
     'green_power[1 "w"].max_mwh_per_year', "must be >= 0, found -5"),
    # A negative premium would let a take-or-pay volume grow without end: rejected.
    ([{"id": "w", "premium_cny_per_mwh": -2.0, "shape": "take_or_pay"}],
     'green_power[1 "w"].premium_cny_per_mwh', "must be >= 0, found -2"),
])
def test_bad_contracts_are_named_with_their_key(contracts, key, text):
    from planner.base.errors import ScenarioError

    with pytest.raises(ScenarioError) as info:
        parse_scenario(_raw([1, 1, 1, 1, 0], green=contracts), "t.toml")
    problems = info.value.problems
    assert any(p.path == key and text in p.message for p in problems), problems
