"""Battery efficiency and PV degradation, end to end, against values derived by hand.

Each case is small enough that the optimal plan and its energy flows follow by hand
(derivations in the comments); the planner solves it and its reported flows must match.
These would have caught ``eta = rte`` on each leg of the battery (instead of
``sqrt(rte)``) and a PV degradation exponent off by one year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tiny_raw
from tests.helpers import solve_raw

HOURS = np.arange(8760) % 24


def _flat_site(load_kw: float, years: int, **sections) -> dict:
    """A plant with a flat electric load only (no fuel), net zero in the last year.

    Emissions above the target are removed at 100 CNY/t without limit (a credit's share
    is capped at base-year emissions, which a battery's losses could exceed).
    """
    raw = tiny_raw(demand={"electricity_mwh": load_kw * 8.76, "profile": "flat"}, fuels={},
                   removal=[{"id": "dac", "price_cny_per_t": 100.0}], **sections)
    raw["scenario"]["end_year"] = 2025 + years - 1
    raw["target"]["net_zero_year"] = 2025 + years - 1
    return raw


def test_one_daily_cycle_returns_the_round_trip_efficiency():
    # Load 100 kW flat. Tariff 1.0 CNY/kWh, 0.3 in the valley 00:00-08:00 (so the dispatch
    # day starts at 00:00). Battery: 100 kWh max, 1 CNY/kWh, no power cost, rte 0.81 ->
    # 0.9 on each leg. Each day it is worth filling: 1 kWh bought at 0.3 returns 0.81 kWh
    # worth 0.81 at 1.0. So 100 kWh are built in 2025 and every day it takes
    # 100 / 0.9 = 111.11 kWh in the valley and gives 100 x 0.9 = 90 kWh at peak.
    #   charge    = 365 x 111.111 kWh = 40.5556 MWh/yr
    #   discharge = 365 x  90     kWh = 32.85   MWh/yr   (ratio 0.81)
    #   energy cost = 365 x (100 x (8 x 0.3 + 16 x 1.0) + 111.111 x 0.3 - 90 x 1.0)
    #               = 365 x (1840 + 33.333 - 90) = 650 906.67 CNY/yr
    # With eta = rte = 0.81 per leg: 45.06 MWh in, 29.57 MWh out, 655 400 CNY/yr.
    raw = _flat_site(100.0, 2,
                     grid={"price_cny_per_kwh": 1.0, "ef_t_per_mwh": 0.5,
                           "periods": [{"name": "valley", "hours": list(range(8)),
                                        "multiplier": 0.3}]},
                     battery={"energy_capex_cny_per_kwh": 1.0, "power_capex_cny_per_kw": 0.0,
                              "round_trip_efficiency": 0.81, "max_kwh": 100.0,
                              "lifetime_years": 10})
    plan = solve_raw(raw)
    e = plan.energy
    assert plan.roadmap["battery_capacity_kwh"].tolist() == pytest.approx([100.0, 100.0])
    assert e["battery_charge_mwh"].tolist() == pytest.approx([365 * 100 / 0.9 / 1e3] * 2,
                                                              rel=1e-6)
    assert e["battery_discharge_mwh"].tolist() == pytest.approx([365 * 90 / 1e3] * 2, rel=1e-6)
    assert e["energy_cost_cny"].tolist() == pytest.approx(
        [365 * (1840 + 100 / 0.9 * 0.3 - 90)] * 2, rel=1e-6)


def _write_pv_csv(path: Path, kw_per_kwp: np.ndarray) -> None:
    path.write_text("pv_kw_per_kwp\n" + "\n".join(f"{v:.6f}" for v in kw_per_kwp) + "\n")


def test_pv_output_degrades_by_vintage_age(tmp_path: Path):
    # PV gives 0.1 kW/kWp in hours 10-13 every day: 0.4 kWh/kWp a day, 146 kWh/kWp a year,
    # always below the 100 kW load (so all of it is used). Roof 500 kW, capex 10 CNY/kW,
    # life 2 years, degradation 10 %/yr. A kW saves 146 kWh x 0.5 CNY = 73 CNY a year, so
    # the roof is filled in 2025, and again in 2027 when the first vintage retires:
    #   2025: 500 kW new         -> 500 x 146 kWh           = 73.0 MWh
    #   2026: same vintage, 1 yr -> 500 x 146 x 0.9         = 65.7 MWh
    #   2027: 500 kW new         -> 73.0 MWh;  2028: 65.7 MWh
    # (an exponent off by one year would give 65.7, 59.13, 65.7, 59.13).
    csv = tmp_path / "pv.csv"
    _write_pv_csv(csv, np.where((HOURS >= 10) & (HOURS < 14), 0.1, 0.0))
    raw = _flat_site(100.0, 4,
                     grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5},
                     pv={"capex_cny_per_kw": 10.0, "max_kw": 500.0, "lifetime_years": 2,
                         "degradation_per_year": 0.1, "profile_csv": "pv.csv"})
    plan = solve_raw(raw, tmp_path / "pv_case.toml")
    assert plan.roadmap["pv_added_kw"].tolist() == pytest.approx([500.0, 0.0, 500.0, 0.0])
    assert plan.energy["pv_mwh"].tolist() == pytest.approx([73.0, 65.7, 73.0, 65.7], rel=1e-9)
    # All of it is self-consumed: import = 876 MWh load - PV.
    assert plan.energy["import_mwh"].tolist() == pytest.approx(
        [876.0 - 73.0, 876.0 - 65.7, 876.0 - 73.0, 876.0 - 65.7], rel=1e-9)
