"""Green-power contracts, the national ETS and the EU CBAM against the reference model.

``models.reference`` writes these from the scenario's keys a second time (no shared
formulation code), so the same optimum on tiny cases means the planner's terms and the
reference's agree. Each case is 3 years with a flat load (cheap hourly LPs).
"""

from __future__ import annotations

import numpy as np
import pytest

from models.reference import ReferenceScopeError, solve_reference
from planner.scenario.read import parse_scenario
from tests.conftest import tiny_raw
from tests.helpers import solve_raw
from tests.models.reference_data import reference_data

REL = 1e-6


def _three_years(**sections) -> dict:
    raw = tiny_raw(target={"net_zero_year": 2027, "max_credit_share": 1.0}, **sections)
    raw["scenario"]["end_year"] = 2027
    return raw


def _both(raw: dict):
    plan = solve_raw(raw)
    sf = parse_scenario(raw, "ref.toml")
    return plan, solve_reference(sf.scenario, reference_data(sf), storage="cyclic")


def test_green_power_contracts_planner_equals_reference():
    """Certificates capped at half the import; an as-consumed contract cheaper than them
    (limited to 300 MWh/yr) and a take-or-pay one from 2026 (at most 15 % of the import);
    credits for the gas and the rest."""
    raw = _three_years(
        certificates={"price_cny_per_mwh": 30.0, "max_share": 0.5},
        credit=[{"id": "ccer", "price_cny_per_t": 80.0}],
        green_power=[
            {"id": "wind", "premium_cny_per_mwh": {"2025": 10.0, "2027": 14.0},
             "max_mwh_per_year": 300.0},
            {"id": "solar", "premium_cny_per_mwh": 35.0, "shape": "take_or_pay",
             "start_year": 2026, "max_share": 0.15}])
    plan, ref = _both(raw)
    assert plan.summary["npv_plan_cny"] == pytest.approx(ref.npv_cny, rel=REL)
    np.testing.assert_allclose(plan.accounts.green_cny_y, ref.terms_cny_y["green_power"],
                               rtol=1e-6, atol=1e-3)
    np.testing.assert_allclose(plan.roadmap["scope2_market_t"], ref.scope2_market_t_y,
                               rtol=1e-6, atol=1e-6)
    # Not trivial: both contracts are used and the take-or-pay share binds (2027 needs
    # all 1 000 MWh covered: 500 by certificates, 300 by wind, 150 = 0.15 x 1 000 by the
    # take-or-pay contract, the last 50 MWh x 0.5 t/MWh by credits).
    assert ref.terms_cny_y["green_power"][2] == pytest.approx(300 * 14.0 + 150 * 35.0,
                                                               rel=1e-6)


def test_ets_and_cbam_planner_equals_reference():
    """A steel-sector plant (its gas is covered) exporting cement-like goods (indirect
    emissions counted); a burner upgrade that cuts gas is worth allowances and CBAM."""
    raw = _three_years(
        credit=[{"id": "ccer", "price_cny_per_t": 150.0}],
        certificates={"price_cny_per_mwh": 20.0},
        production={"base_output": 280.5, "unit": "t"},
        ets={"sector": "steel", "allowance_price_cny_per_t": {"2025": 80.0, "2027": 120.0},
             "benchmark_t_per_unit": 1.8, "allocation_equals_emissions_until": 2025,
             "ccer_price_cny_per_t": 60.0},
        cbam={"good": "cement", "export_share": 0.4, "benchmark_t_per_unit": 0.9,
              "precursor_t_per_unit": 0.25, "factor": {"2026": 0.975, "2027": 0.95},
              "price_eur_per_t": 75.0, "cny_per_eur": 7.8, "deduction_cny_per_t": 30.0},
        measure=[{"id": "burner", "pathway": "efficiency", "capex_cny": 60000.0,
                  "lifetime_years": 10, "fuel_saving_share": {"natural_gas": 0.2}}])
    plan, ref = _both(raw)
    assert plan.summary["npv_plan_cny"] == pytest.approx(ref.npv_cny, rel=REL)
    mk = plan.accounts.markets
    np.testing.assert_allclose(mk.cost_cny_y, ref.terms_cny_y["markets"], rtol=1e-6, atol=1e-3)
    assert ref.terms_cny_y["markets"][1:].min() > 0  # allowances and CBAM are paid
    assert (plan.measures.set_index("measure").loc["burner", "build_years"]
            == ";".join(str(y) for y in ref.build["burner"]))


def test_reference_rejects_market_inputs_it_does_not_cover():
    raw = _three_years(production={"base_output": 100.0},
                       cbam={"good": "iron_steel", "export_share": 0.5,
                             "benchmark": "hot_rolled_flats_bf_bof", "cny_per_eur": 7.8})
    sf = parse_scenario(raw, "ref.toml")
    with pytest.raises(ReferenceScopeError, match=r"cbam\.benchmark_t_per_unit"):
        solve_reference(sf.scenario, reference_data(sf))
