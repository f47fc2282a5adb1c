"""The peer benchmark's instance generator writes a scenario carbonpath accepts, with the
data and the annualisation the PyPSA side is given. PyPSA itself is never imported here.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.peer.instance import (
    CASES,
    capacity_cost_cny_per_year,
    horizon_annuity_factor,
    write_instance,
)
from planner.run.pipeline import prepare


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("peer") / "C2"
    write_instance(CASES["C2"], folder)
    return folder


def _column(path: Path, key: str) -> np.ndarray:
    with path.open(encoding="utf-8") as fh:
        return np.array([float(row[key]) for row in csv.DictReader(fh)])


def test_scenario_loads_with_the_planners_own_loader(instance: Path) -> None:
    _, inp = prepare(instance / "scenario.toml")
    assert inp.n_years == 2
    assert inp.pv.max_kw == 4000.0
    assert inp.battery.eta_charge == pytest.approx(0.9 ** 0.5)
    # 1 GWh/yr load read from load.csv unchanged.
    assert inp.hourly.base_load_kw_h.sum() == pytest.approx(1e6, rel=1e-12)
    # PV yield 1 050 kWh/kWp.
    assert inp.hourly.pv_kw_per_kwp_h.sum() == pytest.approx(1050.0, rel=1e-9)


def test_pypsa_gets_the_tariff_of_the_issue(instance: Path) -> None:
    imp = _column(instance / "pypsa_hourly.csv", "import_cny_per_kwh")
    exp = _column(instance / "pypsa_hourly.csv", "export_cny_per_kwh")
    # 2025-01-01: 03:00 valley, 09:00 flat, 10:00 and 20:00 peak, 22:00 flat.
    assert imp[[3, 9, 10, 20, 22]] == pytest.approx([0.32, 0.68, 1.05, 1.05, 0.68], abs=1e-12)
    # Export 0.35, capped at the valley's import price 0.32.
    assert exp[[3, 9, 10]] == pytest.approx([0.32, 0.35, 0.35], abs=1e-12)
    assert set(np.round(imp, 12)) == {0.32, 0.68, 1.05}


def test_cap_is_95_percent_of_full_pv_without_battery(instance: Path) -> None:
    load = _column(instance / "load.csv", "load_kw")
    pv = _column(instance / "pv.csv", "pv_kw_per_kwp")
    imported_mwh = sum(max(lo - 4000.0 * p, 0.0) for lo, p in zip(load, pv, strict=True)) / 1e3
    params = json.loads((instance / "pypsa_params.json").read_text(encoding="utf-8"))
    assert params["co2_cap_t_per_year"] == pytest.approx(0.95 * 0.5366 * imported_mwh, rel=1e-12)
    _, inp = prepare(instance / "scenario.toml")
    # The free removal is the cap: at most that many tonnes, at no cost.
    assert inp.offsets.removal_max_t_ry[0] == pytest.approx([params["co2_cap_t_per_year"]] * 2)
    assert inp.offsets.removal_price_cny_per_t_ry.max() == 0.0


def test_capacity_cost_by_hand() -> None:
    # PV, 2 years, r = 7 %, life 25: salvage share 1.07^-2 x 23/25 = 0.80356363;
    # 3000 x (1 - 0.80356363) = 589.3091; A_2 = 1 + 1/1.07 = 1.93457944;
    # 589.3091 / 1.93457944 + 40 = 344.6187.
    assert horizon_annuity_factor(2) == pytest.approx(1.93457944, rel=1e-8)
    assert capacity_cost_cny_per_year(3000.0, 25, 2, 40.0) == pytest.approx(344.6187, rel=1e-6)


@pytest.mark.parametrize(("years", "life"), [(2, 25), (10, 20), (10, 10)])
def test_capacity_cost_times_annuity_is_the_npv(years: int, life: int) -> None:
    # NPV of 1 kW built in year 0 as cash flows: capex now, O&M each year, salvage at Y.
    r, capex, om = 0.07, 1000.0, 25.0
    npv = capex + sum(om / (1 + r) ** y for y in range(years)) \
        - capex * (life - years) / life / (1 + r) ** years
    annual = capacity_cost_cny_per_year(capex, life, years, om, rate=r)
    assert annual * horizon_annuity_factor(years, r) == pytest.approx(npv, rel=1e-12)


def test_no_pypsa_import() -> None:
    assert "pypsa" not in sys.modules
