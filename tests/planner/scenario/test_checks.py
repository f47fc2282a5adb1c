"""Plausibility warnings, absurd magnitudes, size and nesting limits, ids and names.

Each check fires on the case reported in the issues and stays silent on the shipped
examples. Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from planner.base.errors import ScenarioError
from planner.inputs.build import build_inputs
from planner.run.pipeline import prepare
from planner.scenario.plausibility import (
    MAX_MEASURES,
    MAX_OFFSETS,
    derived_problems,
    plausibility_warnings,
    share_problems,
)
from planner.scenario.read import MAX_SCENARIO_BYTES, load_scenario, parse_scenario
from tests.conftest import REPO, SCENARIOS, tiny_raw

STRICT = REPO / "tests" / "data" / "bad" / "strict"
STRICT_EXPECTED: dict[str, str] = json.loads((STRICT / "expected.json").read_text("utf-8"))


def _messages(problems) -> str:
    return "\n".join(p.render() for p in problems)


def _raises(raw, path="tiny.toml") -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw, path)
    return str(info.value)


def _measure(mid: str, **effects) -> dict:
    return {"id": mid, "pathway": "efficiency", "capex_cny": 1e5, "lifetime_years": 10,
            **effects}


# --------------------------------------------------------------------------- the examples

BENCHMARKS = [REPO / "benchmarks" / "reference.toml", REPO / "benchmarks" / "scaled60.toml"]


@pytest.mark.parametrize("example", [*SCENARIOS, *BENCHMARKS], ids=lambda p: p.stem)
def test_no_warning_and_no_error_on_the_shipped_examples(example):
    sf, _ = prepare(example, strict=True)
    assert sf.warnings == ()


@pytest.mark.parametrize("standard", ["sbti-net-zero", "iso-14068-1", "zero-carbon-factory",
                                      "near-zero-carbon-factory"])
def test_the_standards_rules_pass_the_derived_check(standard):
    # the rules' "no limit" entries are inf; they must not be taken as overflow
    sf, _ = prepare(SCENARIOS[0], standard, strict=True)
    assert sf.warnings == ()


def test_the_tiny_test_plant_has_no_warning():
    sf = parse_scenario(tiny_raw())
    assert plausibility_warnings(sf.scenario, build_inputs(sf)) == []


# --------------------------------------------------------------------------- warnings

def test_660_cny_per_kwh_warns_and_names_cny_per_mwh():
    raw = tiny_raw(grid={"price_cny_per_kwh": 660.0, "ef_t_per_mwh": 0.5})
    sf = parse_scenario(raw)
    text = _messages(plausibility_warnings(sf.scenario))
    assert "grid.price_cny_per_kwh: implausible value 660 CNY/kWh: 0.3-3 CNY/kWh is usual" in text
    assert "660 looks like CNY/MWh; write 0.66" in text


def test_a_warning_never_changes_the_value():
    raw = tiny_raw(grid={"price_cny_per_kwh": 660.0, "ef_t_per_mwh": 0.5})
    _, inp = prepare_raw(raw)
    assert np.all(inp.hourly.import_price_cny_per_kwh_yh == 660.0)


def prepare_raw(raw, tmp=None):
    sf = parse_scenario(raw)
    inp = build_inputs(sf)
    return sf, inp


def test_gas_typed_in_nm3_warns_with_the_gj_figure():
    # 10 000 GJ of gas typed as 10 000 / 0.0389 = 257 069 Nm3: 257 069 GJ / 1 000 MWh
    # = 257 GJ per MWh of electricity (usual <= 50); 257 069 / 25.7 = 10 003 GJ.
    raw = tiny_raw()
    raw["demand"]["fuels_gj"]["natural_gas"] = 257069.0
    sf, inp = prepare_raw(raw)
    text = _messages(plausibility_warnings(sf.scenario, inp))
    assert "implausible value 257.1 GJ of fuel per MWh of electricity" in text
    assert "demand.fuels_gj.natural_gas = 10003" in text


def test_gas_price_per_nm3_and_coal_price_per_tonne_warn():
    raw = tiny_raw(fuels={"natural_gas": {"price_cny_per_gj": 3.5},
                          "coal": {"price_cny_per_gj": 1050.0}})
    text = _messages(plausibility_warnings(parse_scenario(raw).scenario))
    assert "3.5 looks like a price per Nm3" in text
    assert "fuels.coal.price_cny_per_gj: implausible value 1050 CNY/GJ" in text
    assert "per tonne" in text


def test_grid_factor_in_kg_and_pv_capex_per_watt_warn():
    raw = tiny_raw(grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": {"2025": 530.6}},
                   pv={"capex_cny_per_kw": 3.0, "max_kw": 100.0})
    text = _messages(plausibility_warnings(parse_scenario(raw).scenario))
    assert "grid.ef_t_per_mwh.2025: implausible value 530.6 t/MWh" in text
    assert "write 0.5306" in text
    assert "pv.capex_cny_per_kw: implausible value 3 CNY/kW" in text
    assert "write 3000" in text


def test_pv_yield_per_day_warns_from_the_derived_profile():
    raw = tiny_raw(pv={"capex_cny_per_kw": 3000.0, "max_kw": 100.0,
                       "annual_yield_kwh_per_kwp": 3.2})
    sf, inp = prepare_raw(raw)
    # the profile is scaled to the yield: 3.2 kWh per kWp in the whole year
    assert float(inp.hourly.pv_kw_per_kwp_h.sum()) == pytest.approx(3.2)
    text = _messages(plausibility_warnings(sf.scenario, inp))
    assert "looks like kWh/kWp per day" in text


@pytest.mark.parametrize("name", sorted(STRICT_EXPECTED))
def test_strict_turns_each_warning_into_exit_2(name):
    path = STRICT / name
    lax = CliRunner().invoke(main, ["validate", str(path)])
    assert lax.exit_code == 0, lax.output
    assert f"warning: {path}: " in lax.output
    assert STRICT_EXPECTED[name] in lax.output
    strict = CliRunner().invoke(main, ["validate", "--strict", str(path)])
    assert strict.exit_code == 2, strict.output
    assert STRICT_EXPECTED[name] in strict.output
    assert "(an error with --strict)" in strict.output
    assert "Traceback" not in strict.output


_TINY_660 = """
[scenario]
name = "tiny"
base_year = 2025
end_year = 2029
[site]
latitude = 30.0
longitude = 104.0
[demand]
electricity_mwh = 1000.0
profile = "flat"
fuels_gj = { natural_gas = 10000.0 }
[fuels.natural_gas]
price_cny_per_gj = 80.0
[grid]
price_cny_per_kwh = 660
ef_t_per_mwh = 0.5
[target]
net_zero_year = 2029
max_credit_share = 1.0
[[credit]]
id = "ccer"
price_cny_per_t = 80
"""


def test_strict_plan_stops_before_solving_and_a_lax_plan_stores_the_warning(tmp_path):
    path = tmp_path / "tiny_660.toml"
    path.write_text(_TINY_660, encoding="utf-8")
    out = tmp_path / "out"
    strict = CliRunner().invoke(main, [str(path), "--strict", "--out", str(out)])
    assert strict.exit_code == 2 and not out.exists()
    lax = CliRunner().invoke(main, [str(path), "--out", str(out)])
    assert lax.exit_code == 0, lax.output
    # printed before the roadmap
    assert lax.output.index("warning:") < lax.output.index("2025")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert len(summary["warnings"]) == 1 and "660" in summary["warnings"][0]


def test_strict_is_offered_by_compare_and_sweep():
    for cmd in ("compare", "sweep", "validate", "run"):
        result = CliRunner().invoke(main, [cmd, "--help"])
        assert "--strict" in result.output, cmd


def test_compare_strict_refuses_before_solving(tmp_path):
    bad = STRICT / "gas_price_per_nm3.toml"
    result = CliRunner().invoke(main, ["compare", "--strict", str(SCENARIOS[0]), str(bad)])
    assert result.exit_code == 2
    assert STRICT_EXPECTED["gas_price_per_nm3.toml"] in result.output


# --------------------------------------------------------------------------- shares

def test_fuel_saving_shares_of_1_43_are_an_error():
    raw = tiny_raw(measure=[_measure("a", fuel_saving_share={"natural_gas": 0.5}),
                            _measure("b", fuel_saving_share={"natural_gas": 0.5}),
                            _measure("c", fuel_saving_share={"natural_gas": 0.43})])
    msg = _raises(raw)
    assert ("measure.fuel_saving_share.natural_gas: the fuel natural_gas saving shares of "
            "measures 'a', 'b', 'c' add up to 1.43 > 1, and they can all work in 2025") in msg


def test_shares_in_one_exclusive_group_or_in_separate_years_are_fine():
    grouped = tiny_raw(measure=[_measure("a", fuel_saving_share={"natural_gas": 0.5}),
                                _measure("b", fuel_saving_share={"natural_gas": 0.5}),
                                _measure("c", fuel_saving_share={"natural_gas": 0.43})],
                       exclusive={"gas": ["b", "c"]})
    sf = parse_scenario(grouped)  # 0.5 + max(0.5, 0.43) = 1.0: allowed
    assert share_problems(sf.scenario) == []
    # a lives 2025-2026 (built by 2025, 2 years), b from 2027: never together
    apart = tiny_raw(measure=[
        {**_measure("a", fuel_saving_share={"natural_gas": 0.7}), "latest_year": 2025,
         "lifetime_years": 2},
        {**_measure("b", fuel_saving_share={"natural_gas": 0.7}), "earliest_year": 2027}])
    assert share_problems(parse_scenario(apart).scenario) == []
    # one more year of life and they overlap in 2027: 1.4
    overlap = copy.deepcopy(apart)
    overlap["measure"][0]["lifetime_years"] = 3
    msg = _raises(overlap)
    assert "add up to 1.4 > 1, and they can all work in 2027" in msg


def test_electricity_and_gas_cut_shares_are_checked_too():
    raw = tiny_raw(process={"gases_kg": {"sf6": 5.0}},
                   measure=[_measure("a", electricity_saving_share=0.6),
                            _measure("b", electricity_saving_share=0.6),
                            _measure("c", gas_cut_share={"sf6": 0.8}),
                            _measure("d", gas_cut_share={"SF6": 0.8})])
    msg = _raises(raw)
    assert "electricity saving shares of measures 'a', 'b' add up to 1.2" in msg
    assert "gas sf6 saving shares of measures 'c', 'd' add up to 1.6" in msg


def test_a_share_of_one_is_an_alternative_and_not_added_in():
    # leak repair 0.5 next to replacement 1.0: the model never runs both (sf6 >= 0)
    whole = tiny_raw(process={"gases_kg": {"sf6": 5.0}},
                     measure=[_measure("leaks", gas_cut_share={"sf6": 0.5}),
                              _measure("replace", gas_cut_share={"sf6": 1.0})])
    assert share_problems(parse_scenario(whole).scenario) == []
    partial = copy.deepcopy(whole)
    partial["measure"][1]["gas_cut_share"]["sf6"] = 0.6
    assert "add up to 1.1 > 1" in _raises(partial)


# --------------------------------------------------------------------------- absurd

@pytest.mark.parametrize(("section", "key", "value", "where"), [
    ("grid", "ef_t_per_mwh", 1e308, "grid.ef_t_per_mwh"),
    ("grid", "ef_t_per_mwh", 1e20, "grid.ef_t_per_mwh"),
    ("grid", "price_cny_per_kwh", 1e308, "grid.price_cny_per_kwh"),
    ("demand", "electricity_mwh", 1e308, "demand.electricity_mwh"),
])
def test_absurd_magnitudes_are_refused_before_any_solve(section, key, value, where):
    raw = tiny_raw()
    raw[section][key] = value
    msg = _raises(raw)
    assert f"{where}: {value:g} is beyond any real plant" in msg


def test_1e306_kg_of_sf6_and_1e15_gj_of_gas_are_refused():
    raw = tiny_raw(process={"gases_kg": {"sf6": 1e306}})
    raw["demand"]["fuels_gj"]["natural_gas"] = 1e15
    msg = _raises(raw)
    assert "process.gases_kg.sf6: 1e+306 is beyond any real plant" in msg
    assert "demand.fuels_gj.natural_gas: 1e+15 is beyond any real plant" in msg


def test_every_derived_quantity_must_be_finite():
    sf = parse_scenario(tiny_raw())
    inp = build_inputs(sf)
    assert derived_problems(inp) == []  # limits hold inf ("no limit") and pass
    ef = np.full_like(inp.grid.ef_location_t_per_mwh_y, np.inf)
    broken = dataclasses.replace(inp, grid=dataclasses.replace(inp.grid,
                                                               ef_location_t_per_mwh_y=ef))
    text = _messages(derived_problems(broken))
    assert "(derived) grid.ef_location_t_per_mwh_y: is not finite" in text
    assert "grid.ef_t_per_mwh or grid.region" in text
    huge = dataclasses.replace(inp, target=dataclasses.replace(inp.target,
                                                               base_emissions_t=3e17))
    assert "base_emissions_t: is 3e+17, beyond any real plant" in _messages(
        derived_problems(huge))


# --------------------------------------------------------------------------- limits

def test_horizon_of_81_years_is_refused_and_80_pass():
    raw = tiny_raw()
    raw["scenario"]["end_year"] = 2105  # 2025..2105 inclusive = 81 years
    raw["target"]["net_zero_year"] = 2100
    assert "horizon 2025-2105 has 81 years, more than 80" in _raises(raw)
    raw["scenario"]["end_year"] = 2104  # 80 years
    parse_scenario(raw)


def test_counts_of_measures_and_offsets_are_bounded():
    many = [_measure(f"m{i}", electricity_saving_share=0.001) for i in range(MAX_MEASURES + 1)]
    msg = _raises(tiny_raw(measure=many))
    assert f"measure: {MAX_MEASURES + 1} measures; at most {MAX_MEASURES} are accepted" in msg
    assert "1 problem in" in msg  # the other checks are skipped
    parse_scenario(tiny_raw(measure=many[:MAX_MEASURES]))
    credits = [{"id": f"c{i}", "price_cny_per_t": 50.0} for i in range(MAX_OFFSETS + 1)]
    assert f"{MAX_OFFSETS + 1} credits and removals" in _raises(tiny_raw(credit=credits))


def test_oversized_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "big.toml"
    text = (REPO / "scenarios" / "food_zhejiang.toml").read_text("utf-8")
    path.write_text(text + "#" * (MAX_SCENARIO_BYTES - len(text.encode()) + 1) + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "is larger than 1 MiB, the limit for a scenario file" in str(info.value)


def test_dev_zero_is_refused():
    with pytest.raises(ScenarioError) as info:
        load_scenario("/dev/zero")
    assert "/dev/zero: 1 problem in the scenario\n  - is a device, not a regular file" in str(
        info.value)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    # a separate process with a timeout: a regression would block on open(), not fail
    proc = subprocess.run([sys.executable, str(REPO / "cli.py"), "validate", str(fifo)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "is a FIFO (named pipe), not a regular file" in proc.stderr


def test_a_fifo_as_hourly_csv_is_refused(tmp_path):
    fifo = tmp_path / "load.csv"
    os.mkfifo(fifo)
    raw = tiny_raw()
    raw["demand"]["profile_csv"] = str(fifo)
    sf = parse_scenario(raw, tmp_path / "s.toml")
    from planner.profiles.build import HourlyCsvError

    with pytest.raises(HourlyCsvError, match="is a FIFO"):
        build_inputs(sf)


def test_deep_nesting_is_an_input_error_and_validate_goes_on_to_the_next_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("x = " + "[" * 1000 + "]" * 1000 + "\n")
    result = CliRunner().invoke(main, ["validate", str(bad), str(SCENARIOS[0])])
    assert result.exit_code == 2
    assert f"error: {bad}: 1 problem in the scenario" in result.output
    assert "nested hundreds of levels deep" in result.output
    assert f"ok: {SCENARIOS[0]}" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- ids and names

def test_ids_equal_after_nfc_are_duplicates():
    composed = unicodedata.normalize("NFC", "caf\u00e9")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    raw = tiny_raw(measure=[_measure(composed, electricity_saving_share=0.1),
                            _measure(decomposed, electricity_saving_share=0.1)])
    assert f"id '{composed}' is used by 2 measures" in _raises(raw)
    credits = tiny_raw(credit=[{"id": composed, "price_cny_per_t": 50.0},
                               {"id": decomposed, "price_cny_per_t": 60.0}])
    assert "is used twice" in _raises(credits)
    # an exclusive group written in the other form still finds the measures
    ok = tiny_raw(measure=[_measure(composed, electricity_saving_share=0.1),
                           _measure("b", electricity_saving_share=0.1)],
                  exclusive={"g": [decomposed, "b"]})
    assert parse_scenario(ok).scenario.exclusive["g"][0] == composed


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\x07", "\x1b"])
def test_control_and_bidi_characters_are_refused_in_ids_and_names(char):
    in_name = tiny_raw(measure=[{**_measure("led", electricity_saving_share=0.1),
                                 "name": f"LED{char}lighting"}])
    assert f"U+{ord(char):04X}" in _raises(in_name)
    in_id = tiny_raw(credit=[{"id": f"cc{char}er", "price_cny_per_t": 50.0}])
    assert f'credit[1 "cc{char}er"].id' in _raises(in_id)
    in_scenario_name = tiny_raw()
    in_scenario_name["scenario"]["name"] = f"plant{char}"
    assert "scenario.name: contains the invisible" in _raises(in_scenario_name)


def test_a_zero_width_space_is_refused_in_an_id_but_newlines_pass_in_descriptions():
    assert "U+200B" in _raises(tiny_raw(measure=[_measure("le\u200bd",
                                                          electricity_saving_share=0.1)]))
    raw = tiny_raw()
    raw["scenario"]["description"] = "line one\nline two\twith a tab"
    parse_scenario(raw)


# --------------------------------------------------------------------------- CSV

def test_decimal_comma_in_a_one_column_csv_gets_the_hint(tmp_path):
    csv = tmp_path / "load.csv"
    csv.write_text("load_kw\n" + "114,2\n" * 8760)
    raw = tiny_raw()
    raw["demand"]["profile_csv"] = str(csv)
    from planner.profiles.build import HourlyCsvError

    with pytest.raises(HourlyCsvError) as info:
        build_inputs(parse_scenario(raw, tmp_path / "s.toml"))
    text = str(info.value)
    assert "row 2 has 2 columns, the header has 1: '114,2' looks like a number with a " \
           "decimal comma" in text
    assert "write '114.2'" in text


def test_a_real_extra_column_gets_no_decimal_comma_hint(tmp_path):
    csv = tmp_path / "load.csv"
    csv.write_text("load_kw\n" + "114,abc\n" * 8760)
    raw = tiny_raw()
    raw["demand"]["profile_csv"] = str(csv)
    from planner.profiles.build import HourlyCsvError

    with pytest.raises(HourlyCsvError) as info:
        build_inputs(parse_scenario(raw, tmp_path / "s.toml"))
    assert "decimal comma" not in str(info.value)


# --------------------------------------------------------------------------- -0

def test_negative_zero_prints_as_zero():
    from planner.report.keyfigures import format_value
    from planner.report.terminal import _m, _t

    assert _t(-0.0) == "0" and _t(-0.4) == "0" and _t(-0.6) == "-1"
    assert _m(-1.0) == "0.00"  # -1 CNY is -0.000001 MCNY
    assert format_value(-0.2, "t") == "0 t"
    assert format_value(-1.0, "CNY") == "0.00 M¥"
