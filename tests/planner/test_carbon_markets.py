"""Optima of tiny plants in the national ETS and under the EU CBAM, against hand calculations.

The tiny plant (tests/conftest.py): 1 000 MWh at 0.5 CNY/kWh (500 000 CNY/yr, 500 t at
0.5 t/MWh) and 10 000 GJ of gas at 80 CNY/GJ (800 000 CNY/yr, 561 t CO2); 2025-2029,
discount rate 5 %, net zero in 2029 with a linear cap from 1 061 t met by credits.
With ``[production] base_output = 1000`` it makes 1 000 t of product a year, so its
covered (CO2 of combustion) emissions are 0.561 t/t.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import discount, solve_raw
from tests.planner.test_optimum import BASE_T, ENERGY_CNY, FUEL_CNY, RATE, build_years

GAS_T = 561.0
YEARS = range(5)


def _credits_t(t: int) -> float:
    """Credits the linear cap needs without any lever: 1 061 t x t / 4."""
    return BASE_T * t / 4


def _raw(tiny, ets=None, cbam=None, credit_price=100.0, **extra):
    sections = {"production": {"base_output": 1000.0, "unit": "t", "product": "bar"},
                "credit": [{"id": "offset", "price_cny_per_t": credit_price}]}
    if ets is not None:
        sections["ets"] = {"sector": "steel", "allowance_price_cny_per_t": 100.0} | ets
    if cbam is not None:
        sections["cbam"] = {"good": "iron_steel", "price_eur_per_t": 75.0,
                            "cny_per_eur": 8.0} | cbam
    return tiny(**sections, **extra)


def _npv_no_lever(ets_cny_y) -> float:
    return sum(discount(RATE, t) * (ENERGY_CNY + FUEL_CNY + 100.0 * _credits_t(t) + ets_cny_y[t])
               for t in YEARS)


def test_surplus_allowances_are_sold_at_the_allowance_price(tiny):
    # Free allocation 0.6 t/t x 1 000 t = 600 t > 561 t covered: 39 t sold at 100 CNY/t.
    plan = solve_raw(_raw(tiny, ets={"benchmark_t_per_unit": 0.6}))
    r = plan.roadmap
    np.testing.assert_allclose(r["ets_free_allocation_t"], 600.0)
    np.testing.assert_allclose(r["ets_sold_t"], 39.0, rtol=1e-12)
    np.testing.assert_allclose(r["ets_bought_t"], 0.0, atol=1e-9)
    np.testing.assert_allclose(r["ets_cost_cny"], -3900.0, rtol=1e-12)
    np.testing.assert_allclose(r["intensity_t_per_unit"], BASE_T / 1000.0, rtol=1e-12)
    assert plan.summary["npv_plan_cny"] == pytest.approx(_npv_no_lever([-3900.0] * 5), rel=1e-9)
    # The sale does not count against the plant's own target: credits as without the ETS.
    np.testing.assert_allclose(r["credits_t"], [_credits_t(t) for t in YEARS], atol=1e-6)


def test_a_deficit_is_bought_and_the_verified_years_cost_nothing(tiny):
    # 0.5 t/t x 1 000 t = 500 t free: 61 t bought at 100 CNY/t, except in 2025-2026 where
    # allocation equals verified emissions (the 2024-2026 rule).
    plan = solve_raw(_raw(tiny, ets={"benchmark_t_per_unit": 0.5,
                                     "allocation_equals_emissions_until": 2026}))
    r = plan.roadmap
    np.testing.assert_allclose(r["ets_bought_t"], [0, 0, 61, 61, 61], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(r["ets_free_allocation_t"], [561, 561, 500, 500, 500],
                               rtol=1e-12)
    ets = [0.0, 0.0, 6100.0, 6100.0, 6100.0]
    np.testing.assert_allclose(r["ets_cost_cny"], ets, rtol=1e-12, atol=1e-9)
    assert plan.summary["npv_plan_cny"] == pytest.approx(_npv_no_lever(ets), rel=1e-9)


def test_ccer_is_used_up_to_five_percent_of_the_allowances_surrendered(tiny):
    # CCER at 60 < 100 CNY/t: all 5 % x 561 = 28.05 t, the rest of the 61 t deficit bought.
    plan = solve_raw(_raw(tiny, ets={"benchmark_t_per_unit": 0.5, "ccer_price_cny_per_t": 60.0}))
    r = plan.roadmap
    np.testing.assert_allclose(r["ccer_t"], 0.05 * GAS_T, rtol=1e-9)
    np.testing.assert_allclose(r["ets_bought_t"], 61.0 - 28.05, rtol=1e-9)
    ets = 100.0 * (61.0 - 28.05) + 60.0 * 28.05
    np.testing.assert_allclose(r["ets_cost_cny"], ets, rtol=1e-9)
    assert plan.summary["npv_plan_cny"] == pytest.approx(_npv_no_lever([ets] * 5), rel=1e-9)
    assert plan.summary["ccer_total_t"] == pytest.approx(5 * 28.05, rel=1e-9)


def test_ccer_also_stops_at_its_availability_and_in_a_surplus_frees_allowances_to_sell(tiny):
    # Availability 10 t/yr binds before 5 %; with a surplus (600 t free) the CCER frees
    # allowances that are sold: 39 + 10 t sold, 10 t of CCER bought at 60.
    plan = solve_raw(_raw(tiny, ets={"benchmark_t_per_unit": 0.6, "ccer_price_cny_per_t": 60.0,
                                     "ccer_max_t_per_year": 10.0}))
    r = plan.roadmap
    np.testing.assert_allclose(r["ccer_t"], 10.0, rtol=1e-9)
    np.testing.assert_allclose(r["ets_sold_t"], 49.0, rtol=1e-9)
    np.testing.assert_allclose(r["ets_cost_cny"], -4900.0 + 600.0, rtol=1e-9)


def _gas_saver(capex_cny: float) -> dict:
    """Saves 10 % of the gas: 1 000 GJ (80 000 CNY/yr) and 56.1 t CO2 a year."""
    return {"id": "gas_eff", "pathway": "efficiency", "capex_cny": capex_cny,
            "lifetime_years": 10, "fuel_saving_share": {"natural_gas": 0.1}}


def test_the_allowance_price_makes_a_fuel_saving_worth_building(tiny):
    """Capex 800 000, life 10, built 2025: net of salvage 800 000 (1 - 0.5 x 1.05^-5).

    Without the ETS it saves 80 000 CNY/yr of gas (NPV 363 679 < 486 592: not built);
    at 1 000 CNY/t it also saves 56.1 t x 1 000 a year of allowances (618 706: built).
    Credits are free here so that only fuel and allowances value the lever.
    """
    measure = [_gas_saver(800000.0)]
    without = solve_raw(_raw(tiny, credit_price=0.0, measure=measure))
    assert build_years(without, "gas_eff") == []
    plan = solve_raw(_raw(tiny, ets={"benchmark_t_per_unit": 0.5,
                                     "allowance_price_cny_per_t": 1000.0},
                          credit_price=0.0, measure=measure))
    assert build_years(plan, "gas_eff") == [2025]
    covered = 0.9 * GAS_T
    np.testing.assert_allclose(plan.roadmap["ets_bought_t"], covered - 500.0, rtol=1e-9)
    npv = 800000.0 * (1 - 0.5 * discount(RATE, 5)) + sum(
        discount(RATE, t) * (ENERGY_CNY + 0.9 * FUEL_CNY + 1000.0 * (covered - 500.0))
        for t in YEARS)
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-9)
    lever = plan.finance.set_index("lever").loc["gas_eff"]
    assert lever["ets_saved_cny"] == pytest.approx(5 * 56.1 * 1000.0, rel=1e-9)


def test_a_lever_moves_the_cbam_cost_by_its_tonnes_times_the_certificate_price(tiny):
    """Half the output exported, benchmark 0.2 t/t (below 0.561: all above it charged),
    75 EUR/t x 8 CNY/EUR = 600 CNY/t from 2026. The gas saver cuts 56.1 t, 28.05 t of it
    embedded in exports: 28.05 x 600 = 16 830 CNY a year in 2026-2029."""
    plan = solve_raw(_raw(tiny, cbam={"export_share": 0.5, "benchmark_t_per_unit": 0.2},
                          credit_price=0.0, measure=[_gas_saver(1000.0)]))
    assert build_years(plan, "gas_eff") == [2025]
    r = plan.roadmap
    embedded = 0.5 * 0.9 * GAS_T
    free = 0.5 * 1000.0 * 0.2 * np.array([0.975, 0.975, 0.95, 0.90, 0.775])
    cost = np.where(np.arange(5) >= 1, 600.0 * (embedded - free), 0.0)
    np.testing.assert_allclose(r["cbam_cost_cny"], cost, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(r["cbam_cost_cny_per_unit_exported"], cost / 500.0, rtol=1e-9)
    np.testing.assert_allclose(r["cbam_intensity_t_per_unit"], 0.9 * 0.561, rtol=1e-9)
    lever = plan.finance.set_index("lever").loc["gas_eff"]
    assert lever["cbam_saved_cny"] == pytest.approx(4 * 28.05 * 600.0, rel=1e-9)


def test_on_default_values_the_plants_levers_do_not_change_the_cbam_cost(tiny):
    # Default 2.0 t/t with the shipped mark-up +10 % (2026), +20 % (2027), +30 % (2028-).
    plan = solve_raw(_raw(tiny, cbam={"export_share": 0.5, "benchmark_t_per_unit": 1.37,
                                      "embedded_basis": "default", "default_t_per_unit": 2.0},
                          credit_price=0.0, measure=[_gas_saver(1000.0)]))
    mark_up = np.array([0.10, 0.10, 0.20, 0.30, 0.30])
    factor = np.array([0.975, 0.975, 0.95, 0.90, 0.775])
    cost = 600.0 * 500.0 * (2.0 * (1 + mark_up) - 1.37 * factor)
    cost[0] = 0.0
    np.testing.assert_allclose(plan.roadmap["cbam_cost_cny"], cost, rtol=1e-9)
    assert plan.finance.set_index("lever").loc["gas_eff", "cbam_saved_cny"] == 0.0


def test_below_the_free_part_nothing_is_charged_and_the_lever_saves_only_down_to_it(tiny):
    """Benchmark 0.55 t/t, half exported: free part 275 t x CBAM factor (268.125 t in 2026,
    261.25, 247.5, 213.125 in 2029). With the gas saver the exports embed 252.45 t: below
    the free part in 2026-2027 (charged 0, not negative), 4.95 and 39.325 t in 2028-2029.
    Without it 280.5 t: 12.375, 19.25, 33.0, 67.375 t. Saving 87.725 t x 600 CNY/t."""
    plan = solve_raw(_raw(tiny, cbam={"export_share": 0.5, "benchmark_t_per_unit": 0.55},
                          credit_price=0.0, measure=[_gas_saver(1000.0)]))
    assert build_years(plan, "gas_eff") == [2025]
    np.testing.assert_allclose(plan.roadmap["cbam_chargeable_t"], [0, 0, 0, 4.95, 39.325],
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(plan.roadmap["cbam_cost_cny"],
                               600.0 * np.array([0, 0, 0, 4.95, 39.325]), rtol=1e-9, atol=1e-6)
    lever = plan.finance.set_index("lever").loc["gas_eff"]
    assert lever["cbam_saved_cny"] == pytest.approx(87.725 * 600.0, rel=1e-9)


def test_the_shipped_defaults_used_are_listed_with_their_marks(tiny):
    """Defaults the planner fills in appear under the roadmap; the held CBAM price as U."""
    from planner.inputs.build import build_inputs
    from planner.scenario.read import parse_scenario

    raw = _raw(tiny, ets={"benchmark_t_per_unit": 0.5, "ccer_price_cny_per_t": 60.0},
               cbam={"export_share": 0.5, "benchmark": "hot_rolled_flats_bf_bof"})
    del raw["cbam"]["price_eur_per_t"]
    notes = build_inputs(parse_scenario(raw, "tiny.toml")).notes
    text = "\n".join(notes)
    assert "ETS covered gases of sector 'steel': co2 (S" in text
    assert "CCER at most 5% of allowances surrendered (S" in text
    assert "'hot_rolled_flats_bf_bof' = 1.37 t CO2e/t (S" in text
    assert "cbam.price_eur_per_t from the shipped schedule (U" in text


def test_the_html_report_shows_output_intensity_ets_and_cbam_per_year(tiny):
    from planner.report.html import report_html

    plan = solve_raw(_raw(tiny, ets={"benchmark_t_per_unit": 0.6},
                          cbam={"export_share": 0.5, "benchmark_t_per_unit": 0.2}))
    page = report_html(plan)
    section = page.split("<section id='markets'>", 1)[1].split("</section>", 1)[0]
    assert "CBAM cost per unit exported [CNY/t]" in section
    assert "<td>1.061</td>" in section          # t CO2e per t, every year
    assert "<td>39</td>" in section             # allowances sold
    plain = solve_raw(tiny(credit=[{"id": "offset", "price_cny_per_t": 100.0}]))
    assert "<section id='markets'>" not in report_html(plain)
