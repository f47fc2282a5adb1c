"""The pathway table against a hand case, and its documented identity.

``planner.analysis.pathways``: the wedges of a year add up to BAU net minus the plan's net;
purchases are credited after the physical levers (certificates as residual factor x
certificates, then credits, then removals).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import tiny_raw
from tests.helpers import solve_raw


def test_pathway_wedges_by_hand_and_they_add_up_to_bau_minus_net():
    # 1 000 MWh at 0.5 CNY/kWh, 0.5 t/MWh, no fuel; net zero in 2026 (caps 500 t, 0 t).
    # BAU net = 500 t each year. An LED saving 20 % (50 000 CNY, 2 years) saves 100 000
    # CNY a year: built in 2025 -> import 800 MWh, 400 t.
    # 2025: 400 t <= 500 t: nothing bought.
    # 2026: 400 t to offset. Certificates (10 CNY/MWh = 20 CNY/t) up to 25 % of import =
    #       200 MWh = 100 t, then credits (80 CNY/t) 300 t; removals (3 000 CNY/t) none.
    # Wedges:            efficiency  certificates  credits  removals   sum = BAU - net
    #   2025                 100          0           0        0        100 = 500 - 400
    #   2026                 100        100         300        0        500 = 500 - 0
    raw = tiny_raw(
        demand={"electricity_mwh": 1000.0, "profile": "flat"}, fuels={},
        target={"net_zero_year": 2026, "max_credit_share": 1.0},
        certificates={"price_cny_per_mwh": 10.0, "max_share": 0.25},
        credit=[{"id": "ccer", "price_cny_per_t": 80.0}],
        removal=[{"id": "dac", "price_cny_per_t": 3000.0}],
        measure=[{"id": "led", "pathway": "efficiency", "capex_cny": 50_000.0,
                  "lifetime_years": 2, "electricity_saving_share": 0.2}])
    raw["scenario"]["end_year"] = 2026
    plan = solve_raw(raw)
    table = plan.pathways.pivot(index="year", columns="pathway", values="abated_t")
    expected = {"efficiency": [100.0, 100.0], "certificates": [0.0, 100.0],
                "credits": [0.0, 300.0], "removals": [0.0, 0.0], "renewables": [0.0, 0.0],
                "process-gas": [0.0, 0.0], "fuel-switch": [0.0, 0.0]}
    for pathway, values in expected.items():
        assert table[pathway].tolist() == pytest.approx(values, abs=1e-6), pathway
    # The identity, from the plan's own accounts: wedges add up to BAU net - plan net.
    np.testing.assert_allclose(table.sum(axis=1).to_numpy(),
                               plan.bau.net_t_y - plan.accounts.net_t_y, atol=1e-6)
    assert table.sum(axis=1).tolist() == pytest.approx([100.0, 500.0], abs=1e-6)
