"""Yearly energy balance: the kernel's chain sums equal the numpy re-costing of the schedule;
energy carried across days, hand-derived."""

from __future__ import annotations

import numpy as np
import pytest

from models.hourly import PlanState, evaluate
from models.inputs import HourlyData
from planner.inputs.build import build_inputs
from planner.scenario.read import parse_scenario
from tests.models.test_exactness import _instance


@pytest.fixture(scope="module")
def inp():
    return build_inputs(parse_scenario(_instance(), "x.toml"))


@pytest.mark.parametrize("weight", [0.0, 0.056, 0.4])
def test_day_sums_equal_hourly_recosting(inp, weight):
    n_y = inp.n_years
    st = PlanState(np.full((1, n_y), 0.97), np.full((1, 1, n_y), 300.0),
                   np.array([[900.0, 880.0, 850.0]]), np.full((1, n_y), 2500.0),
                   np.full((1, n_y), 700.0))
    b = inp.battery
    fast = evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge,
                    import_weight_cny_per_kwh=weight, balance=True).balance
    slow = evaluate(inp.hourly, st, b.eta_charge, b.eta_discharge,
                    import_weight_cny_per_kwh=weight, balance=True, keep_hours=True).balance
    for field in ("import_mwh_cy", "export_mwh_cy", "curtailed_mwh_cy", "load_mwh_cy",
                  "pv_mwh_cy", "charge_mwh_cy", "discharge_mwh_cy", "import_cost_cny_cy",
                  "export_revenue_cny_cy", "peak_import_kw_cy"):
        np.testing.assert_allclose(getattr(fast, field), getattr(slow, field), rtol=1e-10,
                                   err_msg=field)
    # Supply = use, and the hourly arrays sum to the totals.
    np.testing.assert_allclose(fast.pv_mwh_cy + fast.import_mwh_cy + fast.discharge_mwh_cy,
                               fast.load_mwh_cy + fast.export_mwh_cy + fast.curtailed_mwh_cy
                               + fast.charge_mwh_cy, rtol=1e-10)
    assert slow.hourly["import_kw"].sum(axis=2)[0] * 1e-3 == pytest.approx(
        fast.import_mwh_cy[0], rel=1e-12)


def test_import_only_has_no_balance(inp):
    st = PlanState(np.ones((1, 3)), np.zeros((1, 1, 3)), np.zeros((1, 3)), np.zeros((1, 3)),
                   np.zeros((1, 3)))
    with pytest.raises(ValueError, match="import-only"):
        evaluate(inp.hourly, st, 1.0, 1.0, import_only=True, balance=True)


def _weekend_shutdown_year() -> HourlyData:
    """365 days, days 5 and 6 of every week idle; 100 kW on weekdays; 0.05 kW/kWp of PV
    from 8 to 16 h every day; flat 0.5 CNY/kWh; no export allowed."""
    hours = np.arange(8760)
    day = hours // 24
    load = np.where(day % 7 < 5, 100.0, 0.0)
    pv = np.where((hours % 24 >= 8) & (hours % 24 < 16), 0.05, 0.0)
    return HourlyData(base_load_kw_h=load, shape_kw_per_mwh_sh=np.zeros((0, 8760)),
                      shape_names=(), pv_kw_per_kwp_h=pv,
                      import_price_cny_per_kwh_yh=np.full((1, 8760), 0.5),
                      export_price_cny_per_kwh_yh=np.zeros((1, 8760)), export_cap_kw=0.0,
                      day_start_hour=0)


def test_weekend_pv_is_carried_to_monday_all_year():
    """Hand-derived year of a plant shut at weekends, 1 000 kWp of PV (50 kW, 8-16 h).

    365 days = 52 weeks + 1 day: 261 weekdays, 104 weekend days (52 weekends, each
    followed by a weekday, the last one by day 364). Weekdays use all their PV:
    import 2 400 - 400 = 2 000 kWh each, 522 000 kWh a year without battery. Each
    weekend curtails 800 kWh unless stored. Battery eta_c 0.9, eta_d 1.0, 100 kW:
    * 1 000 kWh: all 800 kWh charged, 720 kWh delivered on Monday (0-7 h at 100 kW):
      import 522 000 - 52 x 720 = 484 560 kWh, cost 0.5 x 484 560 = 242 280 CNY;
      curtailed 0, charged 41.6 MWh, discharged 37.44 MWh.
    * 500 kWh: 500 kWh delivered per weekend: import 496 000 kWh, cost 248 000 CNY,
      and one more kWh of capacity saves 0.5 CNY on each of 52 Mondays: d cost / d E = -26.
    A battery emptied every night would save nothing here (no weekday surplus, flat price).
    """
    hd = _weekend_shutdown_year()
    st = PlanState(np.ones((2, 1)), np.zeros((2, 0, 1)), np.full((2, 1), 1000.0),
                   np.array([[1000.0], [500.0]]), np.full((2, 1), 100.0))
    ev = evaluate(hd, st, 0.9, 1.0, balance=True)
    np.testing.assert_allclose(ev.value_cny_cy[:, 0], [242280.0, 248000.0], rtol=1e-12)
    assert ev.grad_battery_kwh_cy[1, 0] == pytest.approx(-26.0, rel=1e-9)
    bal = ev.balance
    np.testing.assert_allclose(bal.import_mwh_cy[:, 0], [484.56, 496.0], rtol=1e-12)
    assert bal.curtailed_mwh_cy[0, 0] == pytest.approx(0.0, abs=1e-9)
    assert bal.charge_mwh_cy[0, 0] == pytest.approx(41.6, rel=1e-12)
    assert bal.discharge_mwh_cy[0, 0] == pytest.approx(37.44, rel=1e-12)
    # The import weight prices imports only: same dispatch, value + w x import.
    ev_w = evaluate(hd, st, 0.9, 1.0, import_weight_cny_per_kwh=0.2)
    np.testing.assert_allclose(ev_w.value_cny_cy[:, 0], [0.7 * 484560.0, 0.7 * 496000.0],
                               rtol=1e-12)


def test_identical_years_are_dispatched_once():
    """Three years with the same prices and plan, two candidates of which one differs in
    one year: 2 distinct chains of 6; results equal those of a full evaluation."""
    import models.hourly as hourly_mod

    one = _weekend_shutdown_year()
    hd = HourlyData(**{**one.__dict__,
                       "import_price_cny_per_kwh_yh": np.repeat(
                           one.import_price_cny_per_kwh_yh, 3, axis=0),
                       "export_price_cny_per_kwh_yh": np.repeat(
                           one.export_price_cny_per_kwh_yh, 3, axis=0)})
    kwh = np.array([[500.0, 500.0, 500.0], [500.0, 500.0, 1000.0]])
    st = PlanState(np.ones((2, 3)), np.zeros((2, 0, 3)), np.full((2, 3), 1000.0), kwh,
                   np.full((2, 3), 100.0))
    before = list(hourly_mod.EVALUATIONS)
    ev = evaluate(hd, st, 0.9, 1.0, balance=True, keep_hours=True)
    assert hourly_mod.EVALUATIONS[1] - before[1] == 2
    np.testing.assert_allclose(ev.value_cny_cy, [[248000.0] * 3, [248000.0] * 2 + [242280.0]],
                               rtol=1e-12)
    np.testing.assert_allclose(ev.grad_battery_kwh_cy[0], -26.0, rtol=1e-9)
    assert ev.balance.hourly["charge_kw"].shape == (2, 3, 8760)
    np.testing.assert_allclose(ev.balance.import_mwh_cy[1], [496.0, 496.0, 484.56], rtol=1e-12)
