"""The two-part tariff's basic charge in the exact dispatch, on hand-computed toys.

Toy plant (2 days = 48 hours, one billing month): load 100 kW in every hour except
hour 10, which draws 200 kW; flat import price 0.5 CNY/kWh, no export; a lossless
battery (both efficiencies 1) of 50 kWh / 50 kW. Without the battery the energy costs
0.5 x (47 x 100 + 200) = 2 450 CNY and the month's peak is 200 kW. The battery can
take at most 50 kW off hour 10 (its power), and recharging those 50 kWh in any other
hour lifts that hour to at most 150 kW: the peak becomes 150 kW and, lossless at a flat
price, the energy cost stays 2 450 CNY.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.dispatch import solve_chains
from models.hourly import PlanState, evaluate
from models.inputs import HourlyData

RATE = 40.0  # CNY per kW-month
H = 48
LOAD = np.full(H, 100.0)
LOAD[10] = 200.0
PRICE = 0.5
ENERGY_CNY = PRICE * (47 * 100 + 200)  # 2 450


def _chain(battery_kwh: float, battery_kw: float, slope: float = RATE,
           threshold_kw: float = 0.0, load: np.ndarray = LOAD):
    return solve_chains(load[None, :], np.full((1, H), PRICE), np.zeros((1, H)),
                        np.array([np.inf]), np.array([battery_kwh]), np.array([battery_kw]),
                        1.0, 1.0, primal=True, month_of_hour=np.zeros(H, dtype=int),
                        demand_slope_cny_per_kw=slope, demand_threshold_kw=threshold_kw)


def test_battery_shaving_the_peak_saves_exactly_rate_times_kw():
    without = _chain(0.0, 0.0)
    with_b = _chain(50.0, 50.0)
    assert without.cost[0] == pytest.approx(ENERGY_CNY + RATE * 200.0, rel=1e-9)  # 10 450
    assert with_b.cost[0] == pytest.approx(ENERGY_CNY + RATE * 150.0, rel=1e-9)   # 8 450
    assert without.cost[0] - with_b.cost[0] == pytest.approx(RATE * 50.0, rel=1e-9)
    assert with_b.month_peak_kw[0, 0] == pytest.approx(150.0, rel=1e-9)
    # The dispatch reported is the one paid for: no hour above the billed peak.
    g = LOAD + with_b.charge_kw[0] - with_b.discharge_kw[0]
    assert g.max() == pytest.approx(150.0, rel=1e-9)
    assert with_b.totals[0, 3] == pytest.approx(ENERGY_CNY, rel=1e-9)


def test_without_a_demand_charge_the_kernel_gives_the_energy_cost_only():
    res = _chain(50.0, 50.0, slope=0.0)
    assert res.cost[0] == pytest.approx(ENERGY_CNY, rel=1e-12)
    assert res.month_peak_kw[0, 0] >= 150.0 - 1e-9  # nothing keeps the peak down


def test_the_marginal_value_of_battery_power_is_the_demand_rate():
    """One more kW of battery power takes one more kW off hour 10: -40 CNY per kW."""
    res = _chain(100.0, 50.0)  # energy not binding, power binding
    assert res.rho_power[0] == pytest.approx(-RATE, rel=1e-7)
    assert res.rho_energy[0] == pytest.approx(0.0, abs=1e-7)


def test_the_lp_duals_are_a_subgradient_of_the_value():
    """cost(n') >= cost(n) + mu . (n' - n) for other net loads (convexity, exactness)."""
    rng = np.random.default_rng(3)
    base = _chain(50.0, 50.0)
    for _ in range(5):
        other = LOAD + rng.normal(0.0, 20.0, H)
        val = _chain(50.0, 50.0, load=other).cost[0]
        assert val >= base.cost[0] + base.mu[0] @ (other - LOAD) - 1e-6


def _hourly(**two_part) -> HourlyData:
    return HourlyData(
        base_load_kw_h=LOAD, shape_kw_per_mwh_sh=np.zeros((0, H)), shape_names=(),
        pv_kw_per_kwp_h=np.zeros(H), import_price_cny_per_kwh_yh=np.full((1, H), PRICE),
        export_price_cny_per_kwh_yh=np.zeros((1, H)), export_cap_kw=np.inf, day_start_hour=0,
        month_of_hour_h=np.zeros(H, dtype=int), **two_part)


def _state(battery_kw: float) -> PlanState:
    return PlanState(np.ones((1, 1)), np.zeros((1, 0, 1)), np.zeros((1, 1)),
                     np.full((1, 1), battery_kw), np.full((1, 1), battery_kw))


def test_contract_demand_and_the_105_percent_rule_by_hand():
    """Contract 120 kW: the month pays 40 x 120 = 4 800 CNY whatever the peak up to
    1.05 x 120 = 126 kW; above it each kW costs 2 x 40 = 80 CNY.

    Without the battery the peak is 200 kW: 4 800 + 80 x (200 - 126) = 10 720 CNY.
    With 50 kW it is 150 kW: 4 800 + 80 x 24 = 6 720 CNY; the battery saves 4 000 CNY,
    twice the 2 000 of the plain demand charge, because it shaves surcharged kW.
    """
    hd = _hourly(demand_charge_cny_per_kw_month_y=np.array([RATE]), contract_demand_kw=120.0,
                 contract_excess_threshold_kw=126.0, contract_excess_multiplier=2.0)
    v0 = evaluate(hd, _state(0.0), 1.0, 1.0).value_cny_cy[0, 0]
    v1 = evaluate(hd, _state(50.0), 1.0, 1.0).value_cny_cy[0, 0]
    assert v0 == pytest.approx(ENERGY_CNY + 10720.0, rel=1e-9)
    assert v1 == pytest.approx(ENERGY_CNY + 6720.0, rel=1e-9)
    # A peak within the 5 % band pays the contract only: a 125 kW peak costs 4 800 CNY.
    low = LOAD.copy()
    low[10] = 125.0
    hd_low = HourlyData(**{**hd.__dict__, "base_load_kw_h": low})
    v_low = evaluate(hd_low, _state(0.0), 1.0, 1.0).value_cny_cy[0, 0]
    assert v_low == pytest.approx(PRICE * (47 * 100 + 125) + 4800.0, rel=1e-9)


def test_capacity_basis_is_rate_times_kva_times_12_whatever_the_dispatch():
    """22.6 CNY/kVA-month on 1 000 kVA: 271 200 CNY a year, battery or not."""
    hd = _hourly(capacity_charge_cny_y=np.array([12 * 22.6 * 1000.0]))
    for kw in (0.0, 50.0):
        ev = evaluate(hd, _state(kw), 1.0, 1.0, balance=True)
        assert ev.value_cny_cy[0, 0] == pytest.approx(ENERGY_CNY + 271200.0, rel=1e-12)
        assert ev.balance.import_cost_cny_cy[0, 0] == pytest.approx(ENERGY_CNY, rel=1e-12)


def test_balance_reports_the_monthly_peaks_of_the_dispatch_paid_for():
    hd = _hourly(demand_charge_cny_per_kw_month_y=np.array([RATE]))
    ev = evaluate(hd, _state(50.0), 1.0, 1.0, balance=True)
    bal = ev.balance
    assert bal.peak_import_kw_cym.shape == (1, 1, 1)
    assert bal.peak_import_kw_cym[0, 0, 0] == pytest.approx(150.0, rel=1e-9)
    energy = bal.import_cost_cny_cy[0, 0] - bal.export_revenue_cny_cy[0, 0]
    assert ev.value_cny_cy[0, 0] == pytest.approx(energy + RATE * 150.0, rel=1e-9)


def test_calendar_months_of_a_typical_year():
    hd = HourlyData(base_load_kw_h=np.ones(8760), shape_kw_per_mwh_sh=np.zeros((0, 8760)),
                    shape_names=(), pv_kw_per_kwp_h=np.zeros(8760),
                    import_price_cny_per_kwh_yh=np.ones((1, 8760)),
                    export_price_cny_per_kwh_yh=np.zeros((1, 8760)), export_cap_kw=np.inf,
                    day_start_hour=0)
    m = hd.months
    assert hd.n_months == 12
    assert (m[:744] == 0).all() and m[744] == 1          # 31 days of January
    assert (m == 1).sum() == 28 * 24 and m[-1] == 11     # a non-leap February
