"""Accounting per scope against hand calculations with published factors.

Factors (``docs/sources.md`` B1-B3, as cited in planner/data):
natural gas 56 100 kg/TJ and other bituminous coal 94 600 kg/TJ (IPCC 2006 GL
Vol. 2 Ch. 2); SF6 GWP100 23 500 (AR5) / 25 200 (AR6) and HFC-134a 1 300 (AR5) /
1 530 (AR6) (IPCC WG1); Sichuan grid 2022 0.1404 tCO2/MWh (MEE/NBS 2022 release),
held flat after its last data year.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import solve_raw


def _plant(tiny, gwp_set: str = "AR6", **extra):
    raw = tiny(demand={"electricity_mwh": 1000.0, "profile": "flat",
                       "fuels_gj": {"natural_gas": 10000.0, "coal": 1000.0}},
               process={"gases_kg": {"sf6": 10.0, "hfc134a": 100.0}},
               fuels={"natural_gas": {"price_cny_per_gj": 80.0},
                      "coal": {"price_cny_per_gj": 40.0}},
               grid={"price_cny_per_kwh": 0.5, "region": "sichuan"},
               credit=[{"id": "ccer", "price_cny_per_t": 50.0}], **extra)
    raw["scenario"]["gwp_set"] = gwp_set
    return raw


def _rows(plan, year: int = 2025):
    e = plan.emissions
    return e[e["year"] == year].set_index("source")


@pytest.mark.parametrize(("gwp_set", "sf6", "hfc"), [("AR6", 25200, 1530), ("AR5", 23500, 1300)])
def test_scope1_fuels_and_gases(tiny, gwp_set, sf6, hfc):
    plan = solve_raw(_plant(tiny, gwp_set))
    rows = _rows(plan)
    assert rows.loc["fuel:natural_gas", "emissions_t"] == pytest.approx(10000 * 0.0561)
    assert rows.loc["fuel:coal", "emissions_t"] == pytest.approx(1000 * 0.0946)
    assert rows.loc["process:sf6", "emissions_t"] == pytest.approx(10 * sf6 / 1000)
    assert rows.loc["process:hfc134a", "emissions_t"] == pytest.approx(100 * hfc / 1000)
    assert rows.loc["process:sf6", "activity"] == pytest.approx(10.0)
    assert rows.loc["process:sf6", "factor"] == pytest.approx(sf6)
    assert "IPCC" in rows.loc["fuel:coal", "factor_source"]
    scope1 = 561.0 + 94.6 + 10 * sf6 / 1000 + 100 * hfc / 1000
    assert plan.roadmap["scope1_t"].iloc[0] == pytest.approx(scope1)
    s1 = plan.emissions[(plan.emissions.scope == "scope1")].groupby("year")["emissions_t"].sum()
    np.testing.assert_allclose(s1.to_numpy(), plan.roadmap["scope1_t"].to_numpy(), rtol=1e-12)


def test_scope2_location_uses_the_shipped_provincial_factor(tiny):
    plan = solve_raw(_plant(tiny))
    row = _rows(plan).loc["grid_import"]
    assert row["activity"] == pytest.approx(1000.0)
    assert row["factor"] == pytest.approx(0.1404)
    assert row["emissions_t"] == pytest.approx(140.4)
    assert "sichuan" in row["factor_source"] and "2022 [V]" in row["factor_source"]


def test_scope2_location_factor_can_be_overridden(tiny):
    raw = _plant(tiny)
    raw["grid"] = {"price_cny_per_kwh": 0.5, "ef_t_per_mwh": {"2025": 0.6, "2029": 0.4}}
    plan = solve_raw(raw)
    s2 = plan.roadmap["scope2_location_t"].to_numpy()
    np.testing.assert_allclose(s2, [600.0, 550.0, 500.0, 450.0, 400.0], rtol=1e-12)


def test_scope2_market_subtracts_certificates_at_the_residual_factor(tiny):
    raw = _plant(tiny, certificates={"price_cny_per_mwh": 1.0, "max_share": 0.4},
                 removal=[{"id": "dac", "price_cny_per_t": 500.0}])  # beyond the credit cap
    raw["grid"]["residual_ef_t_per_mwh"] = 0.6
    plan = solve_raw(raw)
    # The base-year cap is the base year's own market-based net (561 + 94.6 + 252 + 153
    # + 0.6 x 1 000 = 1 660.6 t): nothing to buy in 2025. From 2026 the cap falls (0.75 x
    # 1 660.6 = 1 245.45 t, ...) and certificates at 1 CNY/MWh (1.7 CNY/t) beat credits:
    # the plan buys the maximum, 0.4 x 1 000 MWh; market scope 2 = 0.6 x 600 = 360 t.
    np.testing.assert_allclose(plan.roadmap["certificates_mwh"], [0, 400, 400, 400, 400],
                               rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(plan.roadmap["scope2_market_t"], [600, 360, 360, 360, 360],
                               rtol=1e-9)
    np.testing.assert_allclose(plan.roadmap["scope2_location_t"], 140.4, rtol=1e-9)
    assert plan.summary["base_year_emissions_t"] == pytest.approx(1660.6, rel=1e-12)
    row = _rows(plan, 2026).loc["grid_import_less_certificates"]
    assert row["activity"] == pytest.approx(600.0) and row["factor"] == pytest.approx(0.6)


# ------------------------------------------------------- combustion CH4 and N2O (issue 13)

def _with_ch4_n2o(raw: dict) -> dict:
    raw["scenario"]["combustion_ch4_n2o"] = True
    return raw


@pytest.mark.parametrize(("gwp_set", "ch4", "n2o"), [("AR6", 29.8, 273.0), ("AR5", 28.0, 265.0)])
def test_combustion_ch4_and_n2o_have_rows_of_their_own(tiny, gwp_set, ch4, n2o):
    """IPCC 2006 Vol. 2 Table 2.3 (docs/sources.md B5): natural gas CH4 1 and N2O 0.1,
    bituminous coal CH4 10 and N2O 1.5 kg per TJ; AR6 fossil methane 29.8 (AR5: 28).

    Gas 10 000 GJ = 10 TJ: CH4 10 x 1 x GWP / 1 000 t, N2O 10 x 0.1 x 273 / 1 000 = 0.273 t
    (AR6); coal 1 000 GJ = 1 TJ: CH4 1 x 10 x GWP / 1 000, N2O 1 x 1.5 x 273 / 1 000 = 0.4095 t.
    """
    plan = solve_raw(_with_ch4_n2o(_plant(tiny, gwp_set)))
    rows = _rows(plan)
    expected = {"fuel:natural_gas": 561.0, "fuel:natural_gas:ch4": 10 * 1 * ch4 / 1e3,
                "fuel:natural_gas:n2o": 10 * 0.1 * n2o / 1e3, "fuel:coal": 94.6,
                "fuel:coal:ch4": 1 * 10 * ch4 / 1e3, "fuel:coal:n2o": 1 * 1.5 * n2o / 1e3}
    for source, tonnes in expected.items():
        assert rows.loc[source, "emissions_t"] == pytest.approx(tonnes, rel=1e-12), source
    gas_ch4 = rows.loc["fuel:natural_gas:ch4"]
    assert gas_ch4["activity"] == pytest.approx(10000.0)
    assert gas_ch4["factor"] == pytest.approx(1 * ch4 * 1e-6)  # kg/TJ x GWP -> t CO2e/GJ
    assert gas_ch4["factor_unit"] == "t CO2e/GJ"
    assert "Table 2.3" in gas_ch4["factor_source"] and f"{ch4:g}" in gas_ch4["factor_source"]
    sf6, hfc = (25200, 1530) if gwp_set == "AR6" else (23500, 1300)
    scope1 = sum(expected.values()) + 10 * sf6 / 1000 + 100 * hfc / 1000
    assert plan.roadmap["scope1_t"].iloc[0] == pytest.approx(scope1, rel=1e-12)
    s1 = plan.emissions[plan.emissions.scope == "scope1"].groupby("year")["emissions_t"].sum()
    np.testing.assert_allclose(s1.to_numpy(), plan.roadmap["scope1_t"].to_numpy(), rtol=1e-12)
    # No residual-mix factor given: market = location = Sichuan 0.1404 x 1 000 MWh.
    assert plan.summary["base_year_emissions_t"] == pytest.approx(scope1 + 140.4, rel=1e-12)


def test_without_ch4_n2o_only_co2_rows(tiny):
    plan = solve_raw(_plant(tiny))  # the tiny plant counts CO2 only
    assert not plan.emissions["source"].str.endswith((":ch4", ":n2o")).any()


# ------------------------------------------------------- one emissions basis (issue 13)

# National 2023 factors (docs/sources.md B1, V): average 0.5306 t/MWh, excluding
# market-traded non-fossil power 0.6096 t/MWh (the residual-mix proxy, J2).
LOCATION_EF, RESIDUAL_EF = 0.5306, 0.6096


def _unchanged_plant(tiny):
    return tiny(grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": LOCATION_EF,
                      "residual_ef_t_per_mwh": RESIDUAL_EF},
                certificates={"price_cny_per_mwh": 5.0, "max_share": 1.0},
                credit=[{"id": "ccer", "price_cny_per_t": 50.0}])


def test_a_plant_that_changes_nothing_meets_its_own_base_year_cap(tiny):
    """Market basis for the target as for the net: gas 561 t + 1 000 MWh x 0.6096 =
    1 170.6 t, the base-year cap (share 1 in the base year) and the base year's net with
    nothing bought. On the old location basis the cap was 561 + 530.6 = 1 091.6 t: the
    plant missed it by 79.0 t and had to buy 79.0 / 0.6096 = 129.6 MWh of certificates."""
    plan = solve_raw(_unchanged_plant(tiny))
    s = plan.summary
    assert s["scope2_basis"] == "market"
    assert s["base_year_emissions_t"] == pytest.approx(561.0 + 609.6, rel=1e-12)
    assert s["base_year_emissions_location_t"] == pytest.approx(561.0 + 530.6, rel=1e-12)
    first = plan.roadmap.iloc[0]
    assert first["allowed_t"] == pytest.approx(1170.6, rel=1e-12)
    assert first["certificates_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert first["credits_t"] == pytest.approx(0.0, abs=1e-6)
    assert first["net_t"] == pytest.approx(1170.6, rel=1e-9)
    # Dual reporting: both scope-2 figures are in the emissions table.
    rows = _rows(plan)
    assert rows.loc["grid_import", "emissions_t"] == pytest.approx(530.6, rel=1e-9)
    assert rows.loc["grid_import_less_certificates", "emissions_t"] == pytest.approx(609.6,
                                                                                    rel=1e-9)


def test_the_standards_rules_use_the_same_base_year_figure(tiny):
    """A market-based, all-gas scope 1+2 profile: its base year is the target's, 1 170.6 t."""
    from planner.inputs.build import build_inputs
    from planner.inputs.standard_rules import rule_data
    from planner.scenario.read import parse_scenario
    from planner.tables.standards import load_profile

    inp = build_inputs(parse_scenario(_unchanged_plant(tiny), "x.toml"))
    for name in ("sbti-net-zero", "iso-14068-1", "zero-carbon-factory"):
        profile, _ = load_profile(name)
        assert rule_data(profile, inp).base_boundary_t == pytest.approx(1170.6, rel=1e-12)
    assert inp.target.base_emissions_t == pytest.approx(1170.6, rel=1e-12)


def test_a_location_based_target_caps_the_location_based_net(tiny):
    """``target.scope2_basis = "location"`` (issue 13, item 4): base year 561 + 1 000 MWh x
    0.5306 = 1 091.6 t; the net the path caps is scope 1 + location-based scope 2, which
    certificates do not lower. Linear path 2025-2029 (shares 1, 0.75, 0.5, 0.25, 0): the
    credits bought are 1 091.6 x (0, 0.25, 0.5, 0.75, 1) = 0, 272.9, 545.8, 818.7,
    1 091.6 t and no certificate, although on the market basis certificates (5 CNY/MWh /
    0.6096 t/MWh = 8.2 CNY/t) are cheaper than credits (50 CNY/t) and are bought."""
    raw = _unchanged_plant(tiny)
    market = solve_raw(raw)
    assert market.roadmap["certificates_mwh"].sum() > 100.0  # certificates do the work there
    raw["target"]["scope2_basis"] = "location"
    plan = solve_raw(raw)
    s = plan.summary
    assert s["scope2_basis"] == "location"
    assert s["base_year_emissions_t"] == pytest.approx(1091.6, rel=1e-12)
    assert s["base_year_emissions_location_t"] == pytest.approx(1091.6, rel=1e-12)
    r = plan.roadmap
    np.testing.assert_allclose(r["allowed_t"], [1091.6, 818.7, 545.8, 272.9, 0.0],
                               rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(r["credits_t"], [0.0, 272.9, 545.8, 818.7, 1091.6],
                               rtol=1e-7, atol=1e-5)
    np.testing.assert_allclose(r["certificates_mwh"], 0.0, atol=1e-6)
    np.testing.assert_allclose(r["net_t"], [1091.6, 818.7, 545.8, 272.9, 0.0],
                               rtol=1e-7, atol=1e-5)
    # Dual reporting stays: both scope-2 figures of every year are in the emissions table.
    rows = _rows(plan)
    assert rows.loc["grid_import", "emissions_t"] == pytest.approx(530.6, rel=1e-9)
    assert rows.loc["grid_import_less_certificates", "emissions_t"] == pytest.approx(609.6,
                                                                                    rel=1e-9)
    # The NPV of the plan: credits at 50 CNY/t discounted at 5 % on top of the market-basis
    # plan's energy and gas, which are the same (nothing is built in either).
    credits_cny = sum(50.0 * c / 1.05 ** t for t, c in enumerate([0, 272.9, 545.8, 818.7,
                                                                   1091.6]))
    certs = market.roadmap["certificates_mwh"].to_numpy()
    market_offsets_cny = sum((5.0 * certs[t] + 50.0 * market.roadmap["credits_t"].iloc[t])
                             / 1.05 ** t for t in range(5))
    assert s["npv_plan_cny"] - market.summary["npv_plan_cny"] == pytest.approx(
        credits_cny - market_offsets_cny, rel=1e-6)


def test_a_standard_naming_the_location_basis_puts_the_target_on_it(tiny, tmp_path):
    """No shipped standard names location-based scope 2 (all four say "market"); a profile
    that does moves the target there, unless the scenario sets its own basis."""
    from planner.tables.standards import load_profile

    for name in ("sbti-net-zero", "iso-14068-1", "zero-carbon-factory",
                 "near-zero-carbon-factory"):
        assert load_profile(name)[0].boundary.scope2_method == "market"
    path = tmp_path / "loc.toml"
    path.write_text('name = "loc"\ntitle = "Location-based"\n[boundary]\n'
                    'scope2_method = "location"\n[instruments]\n', encoding="utf-8")
    raw = _unchanged_plant(tiny)
    plan = solve_raw(raw, standard=str(path))
    assert plan.summary["scope2_basis"] == "location"
    assert plan.summary["base_year_emissions_t"] == pytest.approx(1091.6, rel=1e-12)
    np.testing.assert_allclose(plan.roadmap["certificates_mwh"], 0.0, atol=1e-6)
    raw["target"]["scope2_basis"] = "market"  # the scenario's own choice wins
    plan = solve_raw(raw, standard=str(path))
    assert plan.summary["scope2_basis"] == "market"
    assert plan.summary["base_year_emissions_t"] == pytest.approx(1170.6, rel=1e-12)
