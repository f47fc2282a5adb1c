"""Reported money and energy of tiny plans, against values derived by hand.

Each case has one thing that a one-line slip would change: the carbon price on
location-based scope 2 next to certificates and a residual factor, the export cap
with curtailment in the reported balance, and the sign of the salvage value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tiny_raw
from tests.helpers import solve_raw

HOURS = np.arange(8760) % 24
D1, D2, D3 = 1.05 ** -1, 1.05 ** -2, 1.05 ** -3   # discount factors at 5 %


def _electric_only(mwh: float, years: int, **sections) -> dict:
    raw = tiny_raw(demand={"electricity_mwh": mwh, "profile": "flat"}, fuels={}, **sections)
    raw["scenario"]["end_year"] = 2025 + years - 1
    raw["target"]["net_zero_year"] = 2025 + years - 1
    return raw


def _scope2_case() -> dict:
    # 1 000 MWh flat at 0.5 CNY/kWh; location factor 0.5, residual factor 0.6 t/MWh; carbon
    # price 100 CNY/t on scope 2 (location-based, as the ETS counts it). Certificates
    # 10 CNY/MWh up to half the import, credits 50 CNY/t; net zero in 2026.
    # An LED saving 10 % (100 MWh/yr) costs 1e6 CNY for 2 years: it saves
    # 100 MWh x (500 + 100 x 0.5) = 55 000 CNY/yr plus ~2 000 of offsets: not built.
    return _electric_only(
        1000.0, 2,
        grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5, "residual_ef_t_per_mwh": 0.6},
        carbon={"price_cny_per_t": 100.0, "covered": True, "scopes": ["scope2"]},
        certificates={"price_cny_per_mwh": 10.0, "max_share": 0.5},
        credit=[{"id": "ccer", "price_cny_per_t": 50.0}],
        measure=[{"id": "led", "pathway": "efficiency", "capex_cny": 1e6, "lifetime_years": 2,
                  "electricity_saving_share": 0.1}])


def test_carbon_price_on_scope2_is_location_based_with_certificates_and_residual_factor():
    # Base-year emissions are counted like the net they cap (one basis, market-based):
    # 0.6 x 1000 = 600 t = the 2025 cap. Net counts market scope 2:
    # 0.6 x (1000 - certificates) - credits. A certificate avoids 0.6 t for 10 CNY
    # (16.7 CNY/t), cheaper than a credit (50 CNY/t), so certificates come first:
    #   2025: 0.6 (1000 - c) <= 600 -> c = 0, no credit (a plant that changes nothing meets
    #         its own base-year cap)
    #   2026: net <= 0: c = 500 MWh (the 50 % cap), credits = 0.6 x 500 = 300 t
    # Carbon cost = 100 x 0.5 x 1000 = 50 000 CNY each year (certificates do not lower
    # location-based scope 2; market-based would give 60 000 and 30 000).
    #   2025: 500 000 + 50 000                       = 550 000
    #   2026: 500 000 + 50 000 + 5 000 + 300 x 50 = 570 000 ; NPV = 550 000 + 570 000 / 1.05
    plan = solve_raw(_scope2_case())
    c = plan.costs
    assert plan.summary["measures_chosen"] == []
    assert c["carbon_cny"].tolist() == pytest.approx([50_000.0, 50_000.0], rel=1e-9)
    assert plan.roadmap["certificates_mwh"].tolist() == pytest.approx([0.0, 500.0], abs=1e-6)
    assert plan.roadmap["credits_t"].tolist() == pytest.approx([0.0, 300.0], abs=1e-6)
    assert plan.roadmap["scope2_location_t"].tolist() == pytest.approx([500.0, 500.0])
    assert plan.roadmap["scope2_market_t"].tolist() == pytest.approx([600.0, 300.0], rel=1e-6)
    npv = 500_000 + 50_000 + D1 * (500_000 + 50_000 + 5_000 + 15_000)
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-9)
    assert plan.summary["optimality_gap"] < 1e-6


def test_export_cap_and_curtailment_in_the_reported_balance(tmp_path: Path):
    # Load 120 kW flat (1 051.2 MWh). PV per kWp: 0.5 in hours 10-13, 0.1 in hours 8, 9, 14,
    # 15. PV costs 1 CNY/kW, roof 1 000 kW: every kW saves 0.4 kWh x 365 x 0.5 CNY a year in
    # the shoulder hours, so the roof is filled in 2025. Export 0.4 CNY/kWh up to 300 kW.
    # Per day: peak hours 500 kW PV - 120 load = 380 surplus -> 300 exported, 80 curtailed;
    # shoulder hours 100 kW PV -> import 20 kW; other 16 hours import 120 kW.
    #   export   = 300 x 4 x 365 = 438.0 MWh;  curtailed = 80 x 4 x 365 = 116.8 MWh
    #   import   = (16 x 120 + 4 x 20) x 365 = 730.0 MWh;  PV = 2 400 x 365 = 876.0 MWh
    #   energy cost = 730 000 x 0.5 - 438 000 x 0.4 = 189 800 CNY/yr
    csv = tmp_path / "pv.csv"
    pv = np.where((HOURS >= 10) & (HOURS < 14), 0.5,
                  np.where(np.isin(HOURS, [8, 9, 14, 15]), 0.1, 0.0))
    csv.write_text("pv_kw_per_kwp\n" + "\n".join(f"{v:.6f}" for v in pv) + "\n")
    raw = _electric_only(
        120 * 8.76, 2,
        grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5, "export_price_cny_per_kwh": 0.4,
              "export_limit_kw": 300.0},
        pv={"capex_cny_per_kw": 1.0, "max_kw": 1000.0, "degradation_per_year": 0.0,
            "profile_csv": "pv.csv"},
        credit=[{"id": "ccer", "price_cny_per_t": 50.0}])
    plan = solve_raw(raw, tmp_path / "export.toml")
    e = plan.energy
    assert plan.roadmap["pv_capacity_kw"].tolist() == pytest.approx([1000.0, 1000.0])
    assert e["pv_mwh"].tolist() == pytest.approx([876.0, 876.0], rel=1e-9)
    assert e["export_mwh"].tolist() == pytest.approx([438.0, 438.0], rel=1e-9)
    assert e["curtailed_mwh"].tolist() == pytest.approx([116.8, 116.8], rel=1e-9)
    assert e["import_mwh"].tolist() == pytest.approx([730.0, 730.0], rel=1e-9)
    assert e["energy_cost_cny"].tolist() == pytest.approx([189_800.0, 189_800.0], rel=1e-9)
    hours = plan.solution.balance.hourly
    if hours is not None:  # the hourly arrays the reports draw from respect the cap too
        assert hours["export_kw"].max() == pytest.approx(300.0)


def test_salvage_is_subtracted_from_the_npv():
    # 1 000 MWh at 0.5 CNY/kWh, 0.5 t/MWh, 3 years, net zero in 2027 (caps 500, 250, 0 t),
    # credits 50 CNY/t. An LED saving 10 % costs 300 000 CNY and lasts 10 years.
    # Built in 2025 its salvage is 300 000 x (0 + 10 - 3) / 10 = 210 000 CNY, worth
    # 210 000 / 1.05^3 today, so it costs 300 000 - 181 405 = 118 595 for savings of
    # 50 000 CNY/yr (142 970 discounted) plus 50 t/yr of credits: built in 2025. (Without
    # salvage, or with salvage as a cost, it would not be built.)
    # With it: import 900 MWh, net 450 t -> credits 0, 200, 450 t.
    #   NPV = 300 000 + 450 000 + (450 000 + 10 000) / 1.05 + (450 000 + 22 500) / 1.05^2
    #         - 210 000 / 1.05^3
    raw = _electric_only(
        1000.0, 3, grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5},
        credit=[{"id": "ccer", "price_cny_per_t": 50.0}],
        measure=[{"id": "led", "pathway": "efficiency", "capex_cny": 300_000.0,
                  "lifetime_years": 10, "electricity_saving_share": 0.1}])
    plan = solve_raw(raw)
    assert plan.measures.set_index("measure").loc["led", "build_years"] == "2025"
    assert plan.accounts.salvage_cny == pytest.approx(210_000.0, rel=1e-12)
    assert plan.roadmap["credits_t"].tolist() == pytest.approx([0.0, 200.0, 450.0], abs=1e-6)
    npv = 300_000 + 450_000 + D1 * 460_000 + D2 * 472_500 - D3 * 210_000
    assert plan.summary["npv_plan_cny"] == pytest.approx(npv, rel=1e-9)
    assert plan.summary["optimality_gap"] < 1e-6
