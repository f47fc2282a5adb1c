"""Accounting per scope against hand calculations with published factors.

Factors (``../shared/domain-data.md`` B1-B3, as cited in planner/data):
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
    # Certificates at 1 CNY/MWh (1.7 CNY/t) beat credits: the plan buys the maximum,
    # 0.4 x 1 000 MWh, in every year; market scope 2 = 0.6 x (1 000 - 400) = 360 t.
    np.testing.assert_allclose(plan.roadmap["certificates_mwh"], 400.0, rtol=1e-9)
    np.testing.assert_allclose(plan.roadmap["scope2_market_t"], 360.0, rtol=1e-9)
    np.testing.assert_allclose(plan.roadmap["scope2_location_t"], 140.4, rtol=1e-9)
    row = _rows(plan).loc["grid_import_less_certificates"]
    assert row["activity"] == pytest.approx(600.0) and row["factor"] == pytest.approx(0.6)
