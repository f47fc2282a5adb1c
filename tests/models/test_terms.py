"""One definition of the plan's arithmetic: the coefficients by hand, then model = accounts.

The tiny plant of ``tests/conftest.py`` (5 years, 2025-2029) with every lever that
has a cost or emission term: two measures (one rebuilt), PV, battery, certificates,
a credit, a removal, process SF6 and a carbon price on scope 1 and scope 2.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyomo.environ as pyo
import pytest

from models.master import build_master
from models.solution import Decisions
from models.terms import plan_state, terms_of
from planner.analysis.accounts import account_flows
from planner.inputs.build import build_inputs
from planner.inputs.standard_rules import with_rules
from planner.run.pipeline import standard_profile
from planner.scenario.read import parse_scenario
from tests.conftest import tiny_raw
from tests.fixed_plan import assert_terms_equal, model_and_account_terms, set_plan


def _raw() -> dict:
    return tiny_raw(
        process={"gases_kg": {"sf6": 10.0}},
        carbon={"price_cny_per_t": {"2025": 100.0, "2029": 200.0}, "covered": True,
                "scopes": ["scope1", "scope2"]},
        grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5, "residual_ef_t_per_mwh": 0.6},
        pv={"capex_cny_per_kw": {"2025": 3000.0, "2029": 2000.0},
            "fixed_om_cny_per_kw_year": 40.0, "lifetime_years": 3,
            "degradation_per_year": 0.02, "max_kw": 500.0, "annual_yield_kwh_per_kwp": 1000.0},
        battery={"energy_capex_cny_per_kwh": 800.0, "power_capex_cny_per_kw": 150.0,
                 "fixed_om_cny_per_kwh_year": 10.0, "lifetime_years": 4, "max_kwh": 1000.0},
        certificates={"price_cny_per_mwh": 5.0},
        credit=[{"id": "ccer", "price_cny_per_t": {"2025": 70.0, "2029": 90.0}}],
        removal=[{"id": "dac", "price_cny_per_t": 2000.0}],
        measure=[
            {"id": "eff", "pathway": "efficiency", "capex_cny": {"2025": 100000.0,
                                                                "2029": 80000.0},
             "fixed_opex_cny_per_year": 2000.0, "lifetime_years": 2,
             "electricity_saving_share": 0.1, "fuel_saving_share": {"natural_gas": 0.05}},
            {"id": "hp", "pathway": "fuel-switch", "capex_cny": 500000.0,
             "fixed_opex_cny_per_year": 7000.0, "lifetime_years": 10,
             "switch": [{"from_fuel": "natural_gas", "share": 0.5, "efficiency_to": 3.0}]},
            {"id": "sf6_free", "pathway": "process-gas", "capex_cny": 300000.0,
             "lifetime_years": 4, "gas_cut_share": {"sf6": 0.8}},
        ])


@pytest.fixture(scope="module")
def inp():
    return build_inputs(parse_scenario(_raw(), "tiny.toml"))


# --------------------------------------------------------------------------- by hand

def test_salvage_share_is_straight_line_life_left_after_the_horizon(inp):
    t = terms_of(inp)
    # eff (life 2) built in 2028 (v = 3): works 2028-2029, nothing left: 0.
    # Built in 2029 (v = 4): 1 of 2 years left after 2029: 1/2.
    assert t.measure_salvage_share_mv[0].tolist() == [0.0, 0.0, 0.0, 0.0, 0.5]
    # hp (life 10) built in 2025: 10 - 5 = 5 years left of 10.
    assert t.measure_salvage_share_mv[1, 0] == pytest.approx(0.5, rel=1e-15)
    # PV life 3: vintage 2027 (v = 2) ends 2029 -> 0; 2028 -> 1/3; 2029 -> 2/3.
    np.testing.assert_allclose(t.pv_salvage_share_v, [0, 0, 0, 1 / 3, 2 / 3], rtol=1e-15)
    # Battery life 4: vintage 2025 ends 2028 -> 0; 2026 -> 0; 2027 -> 1/4.
    np.testing.assert_allclose(t.battery_salvage_share_v, [0, 0, 1 / 4, 2 / 4, 3 / 4],
                               rtol=1e-15)


def test_lifetime_windows_and_pv_degradation(inp):
    t = terms_of(inp)
    # eff (life 2): a 2025 build works 2025 and 2026 only.
    assert t.measure_alive_myv[0, :, 0].tolist() == [True, True, False, False, False]
    # PV vintage 2026 (v = 1), life 3: 2026, 2027, 2028 at 1, 0.98, 0.98^2 = 0.9604; 2029 dead.
    np.testing.assert_allclose(t.pv_output_yv[:, 1], [0, 1.0, 0.98, 0.9604, 0.0], rtol=1e-15)
    assert t.pv_alive_yv[:, 1].tolist() == [False, True, True, True, False]


def test_carbon_price_per_scope_and_discount_factors(inp):
    t = terms_of(inp)
    # 100 CNY/t in 2025 rising linearly to 200 in 2029: 125 in 2026; both scopes covered.
    assert t.carbon_price_scope1_cny_per_t_y[1] == pytest.approx(125.0)
    np.testing.assert_array_equal(t.carbon_price_scope2_cny_per_t_y,
                                  t.carbon_price_scope1_cny_per_t_y)
    np.testing.assert_allclose(t.discount_factor_y, 1.05 ** -np.arange(5), rtol=1e-15)
    assert t.salvage_discount == pytest.approx(1.05 ** -5, rel=1e-15)


def test_scope2_carbon_price_is_zero_when_only_scope1_is_covered():
    raw = _raw()
    raw["carbon"]["scopes"] = ["scope1"]
    t = terms_of(build_inputs(parse_scenario(raw, "tiny.toml")))
    assert not t.carbon_price_scope2_cny_per_t_y.any()
    assert t.carbon_price_scope1_cny_per_t_y[0] == pytest.approx(100.0)


# --------------------------------------------------------------------------- model = accounts

def _fixed_plan(inp) -> tuple[Decisions, np.ndarray, np.ndarray]:
    """eff built 2025 and rebuilt 2027 and 2029, hp 2026, sf6_free 2028; PV 100 kW in 2025
    and 50 kW in 2028; battery 200 kWh / 100 kW in 2027; some of every purchase."""
    n = inp.n_years
    build = np.zeros((inp.measures.count, n), dtype=int)
    build[0, [0, 2, 4]] = 1
    build[1, 1] = 1
    build[2, 3] = 1
    alive = np.zeros_like(build)
    alive[0] = 1
    alive[1, 1:] = 1
    alive[2, 3:] = 1
    pv_new = np.array([100.0, 0.0, 0.0, 50.0, 0.0])
    bat_kwh = np.array([0.0, 0.0, 200.0, 0.0, 0.0])
    bat_kw = bat_kwh / 2.0
    z = np.zeros(n)  # capacity fields are not read by the accounts: derived from the builds
    d = Decisions(build, alive, pv_new, z, z, bat_kwh, bat_kw, z, z,
                  certificates_mwh_y=np.array([0.0, 100.0, 200.0, 300.0, 400.0]),
                  credits_t_cy=np.array([[50.0, 40.0, 30.0, 20.0, 10.0]]),
                  removals_t_ry=np.array([[0.0, 0.0, 1.0, 2.0, 3.0]]))
    import_mwh = np.array([950.0, 1100.0, 1080.0, 1050.0, 1000.0])
    energy_cny = import_mwh * 500.0 - np.array([0.0, 0.0, 1000.0, 2000.0, 1500.0])
    return d, import_mwh, energy_cny


@pytest.mark.parametrize("standard", [None, "zero-carbon-factory", "sbti-net-zero"])
def test_every_term_of_the_model_equals_the_accounts_for_a_fixed_plan(inp, standard):
    if standard is not None:  # the standard's boundary terms too (models.rules)
        sf = parse_scenario(_raw(), "tiny.toml")
        profile, _ = standard_profile(sf, standard)
        inp = with_rules(inp, profile)
    d, imp, cost = _fixed_plan(inp)
    m = build_master(inp)
    set_plan(m, d, imp, cost)
    terms = model_and_account_terms(m, inp, d, imp, cost)
    assert ("rule_gross_t" in terms) == (standard is not None)
    assert_terms_equal(terms, rel=1e-9)
    # The plan exercises each term (a zero on both sides would prove nothing).
    for name in ("capex_cny", "fixed_om_cny", "fuel_cny", "carbon_cny", "offsets_cny",
                 "salvage_cny", "scope1_t", "scope2_market_t", "pv_effective_kw",
                 "battery_kwh", "source_t"):
        assert np.abs(terms[name][1]).max() > 0, name


def test_fixed_plan_salvage_by_hand(inp):
    """Salvage of the fixed plan: eff 2029 build 80 000 x 1/2; hp 500 000 built 2026
    (v = 1): 6 of 10 years left; sf6_free 300 000 built 2028 (v = 3), life 4: 2 of 4
    left; PV 50 kW x 2000 CNY/kW built 2028... at the 2028 price (linear 3000 -> 2000:
    2250) x 1/3; battery 2027 (v = 2): (200 x 800 + 100 x 150) x 1/4."""
    d, imp, cost = _fixed_plan(inp)
    m = build_master(inp)
    set_plan(m, d, imp, cost)
    salvage = (80000 * 0.5 + 500000 * 0.6 + 300000 * 0.5 + 50 * 2250 / 3
               + (200 * 800 + 100 * 150) / 4)
    model, accounts = model_and_account_terms(m, inp, d, imp, cost)["salvage_cny"]
    assert model[0] == pytest.approx(salvage, rel=1e-12)
    assert accounts[0] == pytest.approx(salvage, rel=1e-12)


# --------------------------------------------------------------------------- carbon markets
# The tiny plant's gas (10 000 GJ x 0.0561 t/GJ = 561 t CO2) is its direct emission; with
# [production] base_output = 280.5 t it emits exactly 2.0 t CO2 per t of product.

def _market_raw(**extra) -> dict:
    raw = _raw()
    raw["carbon"]["scopes"] = ["scope2"]  # the ETS prices scope 1 (no double charge)
    raw["production"] = {"base_output": 280.5, "unit": "t"}
    raw["ets"] = {"sector": "steel", "allowance_price_cny_per_t": {"2025": 80.0, "2029": 120.0},
                  "benchmark_t_per_unit": 1.8, "allocation_equals_emissions_until": 2025,
                  "ccer_price_cny_per_t": 60.0}
    raw["cbam"] = {"good": "cement", "export_share": 0.4, "benchmark_t_per_unit": 0.9,
                   "precursor_t_per_unit": 0.25, "price_eur_per_t": 75.0, "cny_per_eur": 7.8,
                   "deduction_cny_per_t": 30.0}
    raw.update(extra)
    return raw


@pytest.fixture(scope="module")
def market_inp():
    return build_inputs(parse_scenario(_market_raw(), "tiny.toml"))


def test_free_allocation_is_benchmark_times_output_after_the_verified_years(market_inp):
    mt = terms_of(market_inp).markets
    # 2025: allocation = verified emissions (no price, no CCER); from 2026 1.8 t/t x 280.5 t.
    np.testing.assert_allclose(mt.ets_free_allocation_t_y, [0, 504.9, 504.9, 504.9, 504.9],
                               rtol=1e-15)
    np.testing.assert_allclose(mt.ets_price_cny_per_t_y, [0, 90, 100, 110, 120], rtol=1e-15)
    np.testing.assert_allclose(mt.ccer_price_cny_per_t_y, [0, 60, 60, 60, 60])
    assert mt.ccer_max_t_y[0] == 0 and np.isinf(mt.ccer_max_t_y[1:]).all()
    assert mt.ccer_max_share == pytest.approx(0.05)  # the shipped CCER limit (sources N)
    # Steel covers CO2: the gas factor (CO2 only in the tiny plant) and the SF6 source not.
    assert mt.ets_fuel_ef_t_per_gj_f[0] == pytest.approx(0.0561)
    assert mt.ets_source_covered_j.tolist() == [0.0]


def test_cbam_terms_cement_counts_indirect_and_deducts_the_price_paid(market_inp):
    mt = terms_of(market_inp).markets
    # Cement: direct + indirect at the location grid factor (0.5 t/MWh); SF6 is not a CBAM gas.
    np.testing.assert_allclose(mt.cbam_indirect_ef_t_per_mwh_y, 0.5)
    assert mt.cbam_source_counted_j.tolist() == [0.0]
    # 75 EUR/t x 7.8 CNY/EUR - 30 CNY/t paid in China = 555 CNY/t from 2026; none in 2025.
    np.testing.assert_allclose(mt.cbam_price_cny_per_t_y, [0, 555, 555, 555, 555])
    # Benchmark 0.9 x CBAM factor 0.975 (2026), 0.95 (2027), 0.90 (2028), 0.775 (2029).
    np.testing.assert_allclose(mt.cbam_free_t_per_unit_y[1:],
                               [0.9 * 0.975, 0.9 * 0.95, 0.9 * 0.90, 0.9 * 0.775], rtol=1e-12)


def _market_plan(inp):
    d, imp, cost = _fixed_plan(inp)
    return replace(d, ccer_t_y=np.array([0.0, 20.0, 25.0, 5.0, 0.0])), imp, cost


def test_ets_and_cbam_accounts_by_hand(market_inp):
    d, imp, cost = _market_plan(market_inp)
    acc = account_flows(terms_of(market_inp), d, imp, cost).markets
    fuel_gj = account_flows(terms_of(market_inp), d, imp, cost).fuel_gj_fy[0]
    covered = 0.0561 * fuel_gj
    np.testing.assert_allclose(acc.ets_covered_t_y, covered, rtol=1e-12)
    # 2025: allocation = covered, nothing bought or sold, no cost.
    assert acc.ets_free_allocation_t_y[0] == pytest.approx(covered[0])
    assert acc.ets_cost_cny_y[0] == 0 and acc.ets_bought_t_y[0] == 0 == acc.ets_sold_t_y[0]
    # 2026 (price 90): bought/sold = covered - 504.9 - 20 CCER; CCER at 60.
    pos = covered[1] - 504.9 - 20.0
    assert acc.ets_cost_cny_y[1] + acc.ccer_cost_cny_y[1] == pytest.approx(90 * pos + 60 * 20)
    assert acc.ets_bought_t_y[1] - acc.ets_sold_t_y[1] == pytest.approx(pos)
    # CBAM 2027: 0.4 x (covered + 0.5 x import + 0.25 x 280.5) - 0.4 x 280.5 x 0.9 x 0.95.
    emb = 0.4 * (covered[2] + 0.5 * imp[2] + 0.25 * 280.5)
    free = 0.4 * 280.5 * 0.9 * 0.95
    assert acc.cbam_embedded_t_y[2] == pytest.approx(emb, rel=1e-12)
    assert acc.cbam_cost_cny_y[2] == pytest.approx(555 * max(0.0, emb - free), rel=1e-12)
    assert acc.cbam_cost_cny_y[0] == 0.0


def test_every_market_term_of_the_model_equals_the_accounts_for_a_fixed_plan(market_inp):
    d, imp, cost = _market_plan(market_inp)
    m = build_master(market_inp)
    set_plan(m, d, imp, cost)
    terms = model_and_account_terms(m, market_inp, d, imp, cost)
    assert_terms_equal(terms, rel=1e-9)
    for name in ("ets_covered_t", "ccer_t", "ets_cost_cny", "cbam_embedded_t",
                 "cbam_chargeable_t", "market_cost_cny", "npv_cny"):
        assert np.abs(terms[name][1]).max() > 0, name


def test_cbam_default_values_carry_the_mark_up_and_ignore_the_plants_own_emissions():
    raw = _market_raw()
    raw["cbam"] = {"good": "iron_steel", "export_share": 1.0, "benchmark_t_per_unit": 1.37,
                   "embedded_basis": "default", "default_t_per_unit": 2.5,
                   "price_eur_per_t": 75.0, "cny_per_eur": 1.0}
    mt = terms_of(build_inputs(parse_scenario(raw, "tiny.toml"))).markets
    assert not mt.cbam_fuel_ef_t_per_gj_f.any() and not mt.cbam_indirect_ef_t_per_mwh_y.any()
    # Shipped mark-ups: +10 % 2026, +20 % 2027, +30 % from 2028 (sources M5).
    np.testing.assert_allclose(mt.cbam_fixed_t_per_unit_y[1:], [2.75, 3.0, 3.25, 3.25],
                               rtol=1e-12)


def test_cbam_cost_per_tonne_of_hot_rolled_coil_2026_2030_2034():
    """2.0 t CO2/t HRC on actual values, benchmark 1.370, 75 EUR/t, all exported:
    2026 (2.0 - 1.370 x 0.975) x 75 = 49.82 (~50), 2030 (2.0 - 1.370 x 0.515) x 75 = 97.08,
    2034 2.0 x 75 = 150 EUR/t (docs/sources.md M8)."""
    raw = _market_raw()
    raw["scenario"]["end_year"] = 2034
    raw["target"] = {"net_zero_year": 2034, "max_credit_share": 1.0}
    del raw["ets"]
    raw["cbam"] = {"good": "iron_steel", "export_share": 1.0,
                   "benchmark": "hot_rolled_flats_bf_bof", "price_eur_per_t": 75.0,
                   "cny_per_eur": 1.0}
    inp = build_inputs(parse_scenario(raw, "tiny.toml"))
    t = terms_of(inp)
    n = inp.n_years
    d = replace(_fixed_plan(inp)[0], build_my=np.zeros((3, n), dtype=int),
                pv_new_kw_y=np.zeros(n), battery_new_kwh_y=np.zeros(n),
                battery_new_kw_y=np.zeros(n), certificates_mwh_y=np.zeros(n),
                credits_t_cy=np.zeros((1, n)), removals_t_ry=np.zeros((1, n)))
    acc = account_flows(t, d, np.full(n, 1000.0), np.zeros(n)).markets
    per_t = acc.cbam_cost_cny_y / 280.5
    years = list(inp.years)
    assert acc.cbam_embedded_t_y[0] / 280.5 == pytest.approx(2.0, rel=1e-12)
    assert per_t[years.index(2026)] == pytest.approx((2.0 - 1.370 * 0.975) * 75, rel=1e-12)
    assert per_t[years.index(2030)] == pytest.approx((2.0 - 1.370 * 0.515) * 75, rel=1e-12)
    assert per_t[years.index(2034)] == pytest.approx(150.0, rel=1e-12)
    assert per_t[years.index(2025)] == 0.0  # before CBAM obligations


# --------------------------------------------------------------------------- money (issue 15)

def test_without_tax_or_loan_a_builds_weight_is_discounted_capex_less_discounted_salvage(inp):
    """The objective's coefficient of a build, as the master had it before issue 15."""
    t = terms_of(inp)
    df, sd = t.discount_factor_y, t.salvage_discount
    np.testing.assert_allclose(t.measure_cost_weight_mv, t.measure_capex_cny_mv * df
                               - t.measure_capex_cny_mv * t.measure_salvage_share_mv * sd,
                               rtol=1e-14)
    np.testing.assert_allclose(t.pv_cost_weight_v, t.pv_capex_cny_per_kw_v * (
        df - t.pv_salvage_share_v * sd), rtol=1e-14)
    np.testing.assert_allclose(t.battery_energy_cost_weight_v,
                               t.battery_energy_capex_cny_per_kwh_v * (
                                   df - t.battery_salvage_share_v * sd), rtol=1e-14)
    np.testing.assert_array_equal(t.cost_weight_y, df)


def _money_raw() -> dict:
    raw = _raw()
    raw["tax"] = {"income_tax_rate": {"2025": 0.25, "2027": 0.15}, "expensing_max_cny": 90000.0}
    raw["loan"] = {"share": 0.5, "rate": 0.04, "tenor_years": 2}
    eff, hp, sf6 = raw["measure"]
    eff.update(tax_asset_class="electronics", tax_credit=True)
    hp.update(emc_share=0.6, emc_years=7, emc_savings_cny_per_year=80000.0)
    sf6.update(subsidy_share=0.2, subsidy_cny=10000.0, tax_asset_class="building")
    raw["pv"]["subsidy_share"] = 0.1
    raw["pv"]["subsidy_years"] = 3
    raw["pv"]["incentive_cny_per_kwh"] = 0.1
    raw["battery"]["tax_credit"] = True
    return raw


@pytest.fixture(scope="module")
def money_inp():
    return build_inputs(parse_scenario(_money_raw(), "tiny.toml"))


def test_measure_profile_with_tax_credit_and_loan_by_hand(money_inp):
    """eff built 2025 (v = 0): capex 100 000 (> the 90 000 expensing limit), electronics
    (3 years), credit 10 %, half borrowed at 4 % over 2 years (annuity), tax 25 % in
    2025, 15 % from 2027, 20 % in 2026 (a series is linear between its years). Life 2:
    no salvage, and
    the tax basis is gone by 2027 (B = 0)."""
    t = terms_of(money_inp)
    c, tax = 100000.0, [0.25, 0.20, 0.15, 0.15, 0.15]
    a = 0.5 * c * 0.04 / (1 - 1.04 ** -2)
    i1 = 0.5 * c * 0.04
    i2 = (0.5 * c - (a - i1)) * 0.04
    flows = np.zeros(6)
    flows[0] = c - 0.5 * c - 0.10 * c
    flows[1] += a - tax[1] * i1
    flows[2] += a - tax[2] * i2
    for y in range(3):
        flows[y] -= tax[y] * c / 3
    total = sum(p[0, 0] for p in t.measure_flow_parts_mvf.values())
    np.testing.assert_allclose(total, flows, rtol=1e-12, atol=1e-9)
    df = 1.05 ** -np.arange(6.0)
    assert t.measure_cost_weight_mv[0, 0] == pytest.approx(flows @ df, rel=1e-12)
    # 2029 build of eff costs 80 000 <= 90 000 but 2029 is after expensing_until_year 2027:
    # electronics over 3 years, 1 year inside the horizon, 2/3 of the basis at the end.
    end = t.measure_flow_parts_mvf["salvage_after_tax"][0, 4, 5]
    assert end == pytest.approx(-(0.5 - 0.15 * (0.5 - 2 / 3)) * 80000.0, rel=1e-12)


def test_contract_and_subsidy_profiles_by_hand(money_inp):
    """hp under contract built 2026 (v = 1): no capex; 0.6 x 80 000 = 48 000 a year in
    2026-2032, net of tax (20 % in 2026, then 15 %); 2030-2032 counted at the end (t = 5),
    discounted 0, 1, 2 years from it; its 10-year life leaves 6/10 of 500 000 after 2029, taxed
    at 15 % (no basis). sf6_free (a building, 20 years) built 2025 with 20 % + 10 000 CNY
    subsidy, taxed at 25 %."""
    t = terms_of(money_inp)
    assert t.measure_capex_cny_mv[1].tolist() == [0.0] * 5
    parts = {k: v[1, 1] for k, v in t.measure_flow_parts_mvf.items()}
    pay = 48000.0
    expected = np.zeros(6)
    expected[1] = pay * 0.80
    expected[2:5] = pay * 0.85
    expected[5] = pay * 0.85 * sum(1.05 ** -k for k in range(3)) - 0.6 * 500000 * 0.85
    np.testing.assert_allclose(sum(parts.values()), expected, rtol=1e-12)
    assert "capex" not in parts or not parts["capex"].any()
    sub = t.measure_flow_parts_mvf["subsidy"][2, 0]
    sub_tax = t.measure_flow_parts_mvf["subsidy_tax"][2, 0]
    assert sub[0] == pytest.approx(-(0.2 * 300000 + 10000))
    assert sub_tax[0] == pytest.approx(0.25 * (0.2 * 300000 + 10000))
    # A building is not expensed (300 000 > 90 000 anyway) and depreciates over 20 years.
    dep = t.measure_flow_parts_mvf["depreciation_tax_shield"][2, 0]
    np.testing.assert_allclose(dep[:5], [-t_ * 300000 / 20 for t_ in
                                         (0.25, 0.20, 0.15, 0.15, 0.15)], rtol=1e-12)


def test_operating_costs_weigh_after_tax(money_inp):
    t = terms_of(money_inp)
    np.testing.assert_allclose(t.cost_weight_y, 1.05 ** -np.arange(5.0)
                               * (1 - np.array([0.25, 0.20, 0.15, 0.15, 0.15])), rtol=1e-14)


def test_with_tax_loan_subsidy_and_contract_the_model_equals_the_accounts(money_inp):
    """The fixed plan with money switched on: every term, the objective and the
    investment part of it, model against accounts."""
    d, imp, cost = _fixed_plan(money_inp)
    m = build_master(money_inp)
    set_plan(m, d, imp, cost)
    terms = model_and_account_terms(m, money_inp, d, imp, cost)
    assert_terms_equal(terms, rel=1e-9)
    acc = account_flows(terms_of(money_inp), d, imp, cost)
    invest = sum(v for k, v in acc.cash_parts_cny_f.items()
                 if k not in ("operating_cost", "operating_tax_shield"))
    dff = terms_of(money_inp).flow_discount_f
    assert pyo.value(m.investment_npv) * 1e6 == pytest.approx(float(invest @ dff), rel=1e-9)
    # Money moved: after tax the NPV differs from the pre-tax one of the same plan.
    plain = account_flows(terms_of(build_inputs(parse_scenario(_raw(), "tiny.toml"))), d,
                          imp, cost)
    assert abs(float(plain.cash_cost_cny_f @ dff) - float(acc.cash_cost_cny_f @ dff)) > 1e5


def test_subsidy_paid_over_years_by_hand(money_inp):
    """PV 10 % subsidy over 3 years; a kW of the 2028 vintage (v = 3) costs 2 250 CNY (the
    capex series is linear 3 000 -> 2 000): -75 in 2028 and 2029, the third -75 in 2030,
    which is the end slot's own time (t = 5, discounted like the salvage), so it counts
    there as it is; each taxed at 15 %."""
    t = terms_of(money_inp)
    sub = t.pv_flow_parts_vf["subsidy"][3]
    tax = t.pv_flow_parts_vf["subsidy_tax"][3]
    part = 0.1 * 2250.0 / 3
    np.testing.assert_allclose(sub, [0, 0, 0, -part, -part, -part], rtol=1e-12)
    np.testing.assert_allclose(tax, -0.15 * sub, rtol=1e-12)


def test_pv_generation_incentive_by_hand(money_inp):
    """0.1 CNY/kWh on what a kW of the 2026 vintage generates: 1 000 kWh/kWp (the tiny
    plant's calibrated yield) x 1, 0.98, 0.9604 in 2026-2028 (life 3, 2 %/yr
    degradation), taxed at 20 % in 2026 and 15 % after."""
    t = terms_of(money_inp)
    paid = t.pv_flow_parts_vf["generation_incentive"][1]
    np.testing.assert_allclose(paid, [0, -100.0, -98.0, -96.04, 0, 0], rtol=1e-9)
    np.testing.assert_allclose(t.pv_flow_parts_vf["generation_incentive_tax"][1],
                               [0, 20.0, 14.7, 14.406, 0, 0], rtol=1e-9)


# --------------------------------------------------------------------------- leases

def _lease_inp():
    """The money plant with PV (3 years at 7 %), the battery (4 years at 6 %) and eff
    (2 years at 5 %) leased, and 3 % inflation."""
    raw = _money_raw()
    raw["scenario"]["inflation_rate"] = 0.03
    raw["pv"].update(lease={"years": 3, "rate": 0.07}, subsidy_share=0.0)
    raw["battery"].update(lease={"years": 4, "rate": 0.06}, tax_credit=False)
    raw["measure"][0].update(lease={"years": 2, "rate": 0.05}, tax_credit=False)
    return build_inputs(parse_scenario(raw, "tiny.toml"))


def test_lease_profiles_by_hand():
    """A kW of the 2028 PV vintage (capex 2 250) leased 3 years at 7 %: the payment
    2 250 x a, a = 1 / (1 + 1.07^-1 + 1.07^-2), due in 2028, 2029 and 2030; fixed in
    2028's nominal CNY, so worth 1 and 1 / 1.03 in real terms; 2030's pays for service
    after the horizon and is not counted; each deducted at 15 %. No capex, depreciation
    or salvage; the incentive per kWh stays. eff (100 000 in 2025) leased 2 years at 5 %:
    100 000 / (1 + 1.05^-1) in 2025 and 2026 (/ 1.03), tax 25 % and 20 %."""
    inp = _lease_inp()
    t = terms_of(inp)
    pay = 2250.0 / (1 + 1.07 ** -1 + 1.07 ** -2)
    parts = {k: v[3] for k, v in t.pv_flow_parts_vf.items()}
    np.testing.assert_allclose(parts["lease_payment"], [0, 0, 0, pay, pay / 1.03, 0],
                               rtol=1e-12)
    np.testing.assert_allclose(parts["lease_tax_shield"], -0.15 * parts["lease_payment"],
                               rtol=1e-12)
    for gone in ("capex", "depreciation_tax_shield", "salvage_after_tax", "loan_drawdown"):
        assert gone not in parts or not parts[gone].any(), gone
    assert "generation_incentive" in parts
    assert not t.pv_capex_cny_per_kw_v.any() and not t.battery_energy_capex_cny_per_kwh_v.any()
    eff = {k: v[0, 0] for k, v in t.measure_flow_parts_mvf.items()}
    pay = 100000.0 / (1 + 1.05 ** -1)
    np.testing.assert_allclose(eff["lease_payment"], [pay, pay / 1.03, 0, 0, 0, 0], rtol=1e-12)
    np.testing.assert_allclose(eff["lease_tax_shield"][:2], [-0.25 * pay, -0.2 * pay / 1.03],
                               rtol=1e-12)
    assert t.measure_capex_cny_mv[0].tolist() == [0.0] * 5
    # A leased asset's life in the plan is the lease: PV of 2025 works 2025-2027.
    assert t.pv_alive_yv[:, 0].tolist() == [True, True, True, False, False]


def test_with_leases_the_model_equals_the_accounts():
    """The fixed plan with PV, the battery and eff leased: every term, the objective and
    its investment part, model against accounts."""
    inp = _lease_inp()
    d, imp, cost = _fixed_plan(inp)
    m = build_master(inp)
    set_plan(m, d, imp, cost)
    terms = model_and_account_terms(m, inp, d, imp, cost)
    assert_terms_equal(terms, rel=1e-9)
    acc = account_flows(terms_of(inp), d, imp, cost)
    assert np.abs(acc.cash_parts_cny_f["lease_payment"]).max() > 0
    invest = sum(v for k, v in acc.cash_parts_cny_f.items()
                 if k not in ("operating_cost", "operating_tax_shield"))
    dff = terms_of(inp).flow_discount_f
    assert pyo.value(m.investment_npv) * 1e6 == pytest.approx(float(invest @ dff), rel=1e-9)


# --------------------------------------------------------------------------- battery fade

def test_battery_life_ends_when_fade_crosses_the_replacement_share():
    from models.terms import battery_life_years

    # 0.97^7 = 0.808 >= 0.8 > 0.97^8 = 0.784: ages 0..7 work, replaced after 8 years.
    assert battery_life_years(12, 0.03, 0.8) == 8
    assert battery_life_years(12, 0.0, 0.8) == 12      # no fade: the lifetime
    assert battery_life_years(5, 0.03, 0.8) == 5       # the lifetime comes first
    assert battery_life_years(12, 0.03, 0.0) == 12     # no threshold: the lifetime


def test_faded_battery_in_the_terms_the_hourly_state_and_the_model():
    """Battery life 4, fade 10 %/yr, replaced below 75 %: 1, 0.9, 0.81 then 0.729 < 0.75,
    so each vintage works 3 years (salvage over 3 years) with usable energy 1, 0.9, 0.81
    of its kWh; O&M stays on the nameplate kWh. The hourly state gets the faded energy."""
    raw = _raw()
    raw["battery"].update(fade_per_year=0.1, replace_below_share=0.75)
    inp = build_inputs(parse_scenario(raw, "tiny.toml"))
    t = terms_of(inp)
    np.testing.assert_allclose(t.battery_energy_yv[:, 0], [1.0, 0.9, 0.81, 0.0, 0.0],
                               rtol=1e-15)
    np.testing.assert_allclose(t.battery_salvage_share_v, [0, 0, 0, 1 / 3, 2 / 3], rtol=1e-15)
    d, imp, cost = _fixed_plan(inp)          # 200 kWh / 100 kW built 2027 (v = 2)
    state = plan_state(t, d.build_my, d.pv_new_kw_y, d.battery_new_kwh_y, d.battery_new_kw_y)
    np.testing.assert_allclose(state.battery_kwh_cy[0], [0, 0, 200.0, 180.0, 162.0],
                               rtol=1e-12)
    m = build_master(inp)
    set_plan(m, d, imp, cost)
    assert_terms_equal(model_and_account_terms(m, inp, d, imp, cost), rel=1e-9)
    # O&M is paid on the nameplate kWh (200 in 2029), not on the faded 162.
    assert pyo.value(m.battery_nameplate[4]) * 1e3 == pytest.approx(200.0)
    no_battery = replace(d, battery_new_kwh_y=np.zeros(5), battery_new_kw_y=np.zeros(5))
    om_with = account_flows(t, d, imp, cost).fixed_om_cny_y
    om_without = account_flows(t, no_battery, imp, cost).fixed_om_cny_y
    np.testing.assert_allclose(om_with - om_without, [0, 0, 2000.0, 2000.0, 2000.0])
