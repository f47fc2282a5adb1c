"""Yearly energy balance: the kernel's day sums equal the numpy re-costing of the schedule."""

from __future__ import annotations

import numpy as np
import pytest

from models.hourly import PlanState, evaluate
from planner.inputs import build_inputs
from planner.scenario import parse_scenario
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
