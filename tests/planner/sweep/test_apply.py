"""A sample applied to the scenario document."""

from __future__ import annotations

import math

import pytest

from planner.base.errors import ScenarioError
from planner.sweep.apply import apply_sample, sample_inputs
from planner.sweep.spec import parse_specs
from tests.planner.sweep.conftest import sweep_raw


def test_a_series_is_scaled_as_a_whole_and_the_original_is_untouched():
    raw = sweep_raw()
    sp = parse_specs(["carbon.price=0.5:2"], raw)
    doc = apply_sample(raw, sp, [1.5])
    assert doc["carbon"]["price_cny_per_t"] == {"2025": 150.0, "2029": 300.0}
    assert raw["carbon"]["price_cny_per_t"] == {"2025": 100.0, "2029": 200.0}


def test_measure_by_id_absolute_value_and_nan_keeps_the_base():
    raw = sweep_raw()
    sp = parse_specs(["measure[hp].capex_cny=1e5:2e6:abs", "pv.capex=0.5:1.5"], raw)
    doc = apply_sample(raw, sp, [123456.0, math.nan])
    assert doc["measure"][1]["capex_cny"] == 123456.0
    assert doc["measure"][0]["capex_cny"] == 300000.0
    assert doc["pv"] == raw["pv"]


def test_all_measures_scaled_together():
    raw = sweep_raw()
    sp = parse_specs(["measure[*].capex=0.5:2"], raw)
    doc = apply_sample(raw, sp, [2.0])
    assert [m["capex_cny"] for m in doc["measure"]] == [600000.0, 1800000.0]


def test_the_mutated_scenario_reaches_the_model_inputs():
    raw = sweep_raw()
    sp = parse_specs(["carbon.price=0.5:2", "credit[ccer].max_t_per_year=0.1:1"], raw)
    _, inp = sample_inputs(raw, "small.toml", sp, [2.0, 0.5])
    assert inp.carbon_price_cny_per_t_y[[0, -1]] == pytest.approx([200.0, 400.0])
    assert inp.offsets.credit_max_t_cy[0, 0] == pytest.approx(1000.0)


def test_an_invalid_sample_raises_the_scenario_error():
    raw = sweep_raw()
    sp = parse_specs(["measure[eff].electricity_saving_share=0.5:10"], raw)
    with pytest.raises(ScenarioError, match="electricity_saving_share"):
        sample_inputs(raw, "small.toml", sp, [8.0])
