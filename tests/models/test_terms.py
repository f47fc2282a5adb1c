"""One definition of the plan's arithmetic: the coefficients by hand, then model = accounts.

The tiny plant of ``tests/conftest.py`` (5 years, 2025-2029) with every lever that
has a cost or emission term: two measures (one rebuilt), PV, battery, certificates,
a credit, a removal, process SF6 and a carbon price on scope 1 and scope 2.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from models.master import build_master
from models.solution import Decisions
from models.terms import terms_of
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
