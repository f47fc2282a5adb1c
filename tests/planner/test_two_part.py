"""The two-part tariff through the whole planner: inputs, accounts, NPV, reports.

The plant is ``tiny_raw``: a flat load of 1 000 MWh a year, i.e. 1e6 / 8760 =
114.155 kW in every hour, no PV and no battery, so every month's peak import is that
load and every figure below follows by hand. A CCER credit (100 CNY/t) lets it reach
net zero; the tariff does not change which credits are bought (it adds a charge no
decision moves), so two plans differ by exactly the discounted basic charges.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from openpyxl import load_workbook

from planner.report.files import write_plan
from planner.report.terminal import print_plan
from tests.conftest import tiny_raw
from tests.helpers import discount, solve_raw

LOAD_KW = 1e6 / 8760  # 114.155 kW, every hour
DEMAND = 36.1         # CNY/kW-month, Guangdong 1-10 kV (mark S)
CAPACITY = 22.6       # CNY/kVA-month, same table
YEARS = 5
RATE = 0.05


def _raw(**two_part) -> dict:
    raw = tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    if two_part:
        raw["grid"]["two_part"] = two_part
    return raw


def _pv_of(yearly_cny: float) -> float:
    return sum(yearly_cny * discount(RATE, t) for t in range(YEARS))


@pytest.fixture(scope="module")
def without():
    return solve_raw(_raw())


@pytest.fixture(scope="module")
def demand():
    return solve_raw(_raw(demand_cny_per_kw_month=DEMAND))


def test_demand_basis_bills_each_months_peak_at_the_rate(without, demand):
    yearly = 12 * DEMAND * LOAD_KW  # 49 452.05 CNY
    np.testing.assert_allclose(demand.costs["basic_charge_cny"], yearly, rtol=1e-9)
    for m in range(1, 13):
        np.testing.assert_allclose(demand.energy[f"peak_import_kw_m{m:02d}"], LOAD_KW, rtol=1e-9)
    np.testing.assert_allclose(demand.energy["basic_charge_cny"], yearly, rtol=1e-9)
    # The NPV pays it, discounted like every cost; nothing else changes.
    assert demand.summary["npv_plan_cny"] - without.summary["npv_plan_cny"] == pytest.approx(
        _pv_of(yearly), rel=1e-7)
    assert demand.summary["basic_charge_basis"] == "demand"
    assert demand.summary["basic_charge_total_cny"] == pytest.approx(YEARS * yearly, rel=1e-9)
    # The cost table still adds up.
    c = demand.costs
    parts = [k for k in c.columns if k.endswith("_cny") and k not in (
        "total_cny", "discounted_total_cny")]
    np.testing.assert_allclose(c[parts].sum(axis=1), c["total_cny"], rtol=1e-12)
    assert without.summary["basic_charge_basis"] is None
    assert (without.costs["basic_charge_cny"] == 0).all()


def test_capacity_basis_is_rate_times_kva_times_12_whatever_the_plan(without):
    plan = solve_raw(_raw(basis="capacity", capacity_cny_per_kva_month=CAPACITY,
                          transformer_kva=500.0))
    yearly = 12 * CAPACITY * 500.0  # 135 600 CNY
    np.testing.assert_allclose(plan.costs["basic_charge_cny"], yearly, rtol=1e-12)
    assert plan.summary["npv_plan_cny"] - without.summary["npv_plan_cny"] == pytest.approx(
        _pv_of(yearly), rel=1e-7)


def test_contract_demand_with_the_105_percent_rule():
    """Contract 100 kW: 100 x 36.1 a month, plus 2 x 36.1 per kW above 105 kW."""
    plan = solve_raw(_raw(demand_cny_per_kw_month=DEMAND, contract_demand_kw=100.0))
    monthly = DEMAND * 100.0 + 2.0 * DEMAND * (LOAD_KW - 105.0)  # 3 610 + 661.01
    np.testing.assert_allclose(plan.costs["basic_charge_cny"], 12 * monthly, rtol=1e-9)
    # A contract above the peak (and its 5 % band) bills the contract only.
    high = solve_raw(_raw(demand_cny_per_kw_month=DEMAND, contract_demand_kw=120.0))
    np.testing.assert_allclose(high.costs["basic_charge_cny"], 12 * DEMAND * 120.0, rtol=1e-9)


@pytest.mark.parametrize(("kva", "best"), [(500.0, "demand"), (150.0, "capacity")])
def test_cheaper_picks_the_basis_of_lower_npv(without, kva, best):
    """Demand: 49 452 CNY a year. Capacity: 12 x 22.6 x kVA = 135 600 (500 kVA) or
    40 680 (150 kVA) a year: the first plant is cheaper on demand, the second on capacity."""
    plan = solve_raw(_raw(basis="cheaper", demand_cny_per_kw_month=DEMAND,
                          capacity_cny_per_kva_month=CAPACITY, transformer_kva=kva))
    demand_y = 12 * DEMAND * LOAD_KW
    capacity_y = 12 * CAPACITY * kva
    s = plan.summary
    assert s["basic_charge_basis"] == best
    assert s["basic_charge_basis_choice"] == "cheaper"
    assert s["npv_plan_cny"] - without.summary["npv_plan_cny"] == pytest.approx(
        _pv_of(min(demand_y, capacity_y)), rel=1e-7)
    assert s["basic_charge_npv_other_basis_cny"] - s["npv_plan_cny"] == pytest.approx(
        _pv_of(abs(demand_y - capacity_y)), rel=1e-6)
    assert any("basis is cheaper" in a for a in s["assumptions"])


def test_reports_show_the_monthly_peaks_and_the_charge(demand, tmp_path, capsys):
    out = write_plan(demand, tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["basic_charge_basis"] == "demand"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "id='two-part'" in html and "Peak import Jul [kW]" in html
    wb = load_workbook(out / "plan.xlsx", read_only=True)
    heads = [c.value for c in next(wb["Energy"].iter_rows(max_row=1))]
    assert "Basic charge (demand/capacity) [CNY]" in heads and "Peak import Dec [kW]" in heads
    from rich.console import Console

    console = Console(width=200, record=True)
    print_plan(demand, console)
    text = console.export_text()
    assert "Two-part tariff: monthly peaks and basic charge" in text
    assert "0.05" in text  # 49 452 CNY a year, in M¥
