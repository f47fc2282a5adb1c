"""Rule profiles: loading, aliases, bad files; each rule enforced by the model at its edge.

Tiny plant (tests/conftest.py): gas 561 t + grid 500 t (1 000 MWh x 0.5 t/MWh) =
1 061 t a year, net zero in 2029 on a linear path. Each case below is built so
that the profile's rule, and nothing else, decides the plan, and the expected
figure follows by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.base.errors import InfeasiblePlanError, ScenarioError
from planner.tables.standards import known_standards, load_profile
from tests.helpers import solve_raw

BASE_T = 1061.0
GRID_EF = 0.5
# Certificates dearer per tonne (40 CNY/MWh / 0.5 t/MWh = 80 CNY/t) than credits
# (50 CNY/t): without a rule the plan buys none.
CERTS = {"price_cny_per_mwh": 40.0, "max_share": 1.0}
CCER = {"id": "ccer", "price_cny_per_t": 50.0}
# Replaces all gas by biomass (zero factor) at 5 CNY/GJ more: 50 000 CNY/yr for 561 t,
# dearer than credits (28 050 CNY/yr), so no plan builds it unless a rule demands it.
NO_GAS = {"id": "no_gas", "pathway": "fuel-switch", "capex_cny": 3e5, "lifetime_years": 10,
          "switch": [{"from_fuel": "natural_gas", "share": 1.0, "efficiency_from": 1.0,
                      "to": "biomass", "efficiency_to": 1.0}]}


def _with_biomass(raw: dict) -> dict:
    raw["fuels"]["biomass"] = {"price_cny_per_gj": 85.0}
    return raw


def _profile(tmp_path: Path, rules: str, instruments: str = "", boundary: str = "") -> str:
    path = tmp_path / "profile.toml"
    path.write_text(f'name = "test"\ntitle = "Test profile"\n[boundary]\n{boundary}\n'
                    f"[instruments]\n{instruments}\n{rules}", encoding="utf-8")
    return str(path)


def _rule(kind: str, value: float = 0.0, applies: str = "claim", years: int = 10) -> str:
    return (f'[[rule]]\nid = "r_{kind}"\nkind = "{kind}"\nvalue = {value}\n'
            f'applies = "{applies}"\nyears = {years}\nmark = "V"\n')


# --------------------------------------------------------------------------- loading

def test_the_four_profiles_and_the_alias_ship_and_load():
    assert {"sbti-net-zero", "iso-14068-1", "zero-carbon-factory", "near-zero-carbon-factory",
            "pas-2060"} <= set(known_standards())
    p, note = load_profile("pas-2060")
    assert p.name == "iso-14068-1" and "withdrawn" in note
    sbti, _ = load_profile("sbti-net-zero")
    assert not sbti.instruments.avoidance_credits and not sbti.instruments.non_permanent_removals
    assert {r.kind: r.value for r in sbti.rule}["reduction_min_share"] == 0.90
    near, _ = load_profile("near-zero-carbon-factory")
    assert {r.mark for r in near.rule} == {"U"}  # every threshold is an assumption


def test_unknown_name_and_bad_profile_file_are_input_errors(tmp_path):
    with pytest.raises(ScenarioError, match="did you mean 'sbti-net-zero'"):
        load_profile("sbti-netzero", key="--standard")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ntitle = "x"\n[[rule]]\nid = "a"\nkind = "net_max_shares"\n'
                   'mark = "V"\n')
    with pytest.raises(ScenarioError) as info:
        load_profile(str(bad))
    assert "rule.1.kind" in str(info.value)
    with pytest.raises(ScenarioError, match="profile file not found"):
        load_profile(str(tmp_path / "missing.toml"))


def test_cli_standard_override_and_bad_name(tiny, tmp_path):
    import tomli_w
    from click.testing import CliRunner

    from cli import main

    path = tmp_path / "s.toml"
    path.write_bytes(tomli_w.dumps(tiny(credit=[CCER])).encode())
    res = CliRunner().invoke(main, [str(path), "--standard", "pas-2060", "--out",
                                    str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "withdrawn" in res.output and "2029 iso-14068-1: met" in res.output
    assert (tmp_path / "o" / "verdicts.csv").exists()
    res = CliRunner().invoke(main, [str(path), "--standard", "iso-14086-1"])
    assert res.exit_code == 2 and "did you mean 'iso-14068-1'" in res.output


# --------------------------------------------------------------------------- enforcement

def test_avoidance_credits_do_not_count_removals_do(tiny, tmp_path):
    std = _profile(tmp_path, _rule("net_max_share", 0.0),
                   "avoidance_credits = false\nremovals = true")
    raw = tiny(credit=[CCER], removal=[{"id": "dac", "price_cny_per_t": 500.0}])
    free = solve_raw(raw)
    assert free.roadmap["removals_t"].sum() == pytest.approx(0.0, abs=1e-6)
    plan = solve_raw(raw, standard=std)
    r = plan.roadmap
    assert r["removals_t"].iloc[-1] == pytest.approx(BASE_T, rel=1e-9)   # 2029: all removed
    assert r["credits_t"].iloc[-1] == pytest.approx(0.0, abs=1e-6)
    assert r["credits_t"].iloc[3] == pytest.approx(BASE_T - 265.25, rel=1e-9)  # 2028: path
    assert plan.summary["claim_year"] == 2029


def test_non_permanent_removals_do_not_count_when_the_profile_says_so(tiny, tmp_path):
    std = _profile(tmp_path, _rule("net_max_share", 0.0),
                   "avoidance_credits = false\nnon_permanent_removals = false")
    raw = tiny(removal=[{"id": "trees", "price_cny_per_t": 30.0, "permanent": False},
                        {"id": "dac", "price_cny_per_t": 500.0}])
    r = solve_raw(raw, standard=std).roadmap
    plan_2029 = solve_raw(raw, standard=std).emissions
    dac = plan_2029[(plan_2029.source == "removal:dac") & (plan_2029.year == 2029)]
    assert -dac["emissions_t"].iloc[0] == pytest.approx(BASE_T, rel=1e-9)
    assert r["removals_t"].iloc[-1] == pytest.approx(BASE_T, rel=1e-9)


@pytest.mark.parametrize(("share", "feasible"), [(0.472, True), (0.470, False)])
def test_offset_cap_edge(tiny, tmp_path, share, feasible):
    """A gas measure leaves 500 t: offsets must cover them; the cap is share x 1 061 t."""
    raw = _with_biomass(tiny(credit=[CCER], measure=[NO_GAS]))
    assert solve_raw(raw).measures["build_years"].iloc[0] == ""  # credits are cheaper
    std = _profile(tmp_path, _rule("net_max_share", 0.0) + _rule("offset_max_share", share))
    if not feasible:   # 0.470 x 1 061 = 498.7 t < 500 t
        with pytest.raises(InfeasiblePlanError):
            solve_raw(raw, standard=std)
        return
    plan = solve_raw(raw, standard=std)   # 0.472 x 1 061 = 500.8 t >= 500 t
    assert plan.measures["build_years"].iloc[0] == "2029"
    assert plan.roadmap["credits_t"].iloc[-1] == pytest.approx(500.0, rel=1e-9)
    rows = plan.rules[(plan.rules.year == 2029) & (plan.rules.rule == "r_offset_max_share")]
    assert rows["value"].iloc[0] == pytest.approx(500.0 / BASE_T, rel=1e-9)
    assert bool(rows["met"].iloc[0])


@pytest.mark.parametrize(("share", "feasible"), [(0.528, True), (0.530, False)])
def test_reduction_edge(tiny, tmp_path, share, feasible):
    """Gross must fall to (1 - share) x 1 061 t; the measure brings it to 500 t."""
    raw = _with_biomass(tiny(credit=[CCER], measure=[NO_GAS]))
    std = _profile(tmp_path, _rule("reduction_min_share", share))
    if not feasible:   # 0.47 x 1 061 = 498.67 t < 500 t: nothing else reduces gross
        with pytest.raises(InfeasiblePlanError):
            solve_raw(raw, standard=std)
        return
    plan = solve_raw(raw, standard=std)
    assert plan.measures["build_years"].iloc[0] == "2029"
    v = plan.rules[(plan.rules.year == 2029)]["value"].iloc[0]
    assert v == pytest.approx(1 - 500.0 / BASE_T, rel=1e-9)


def test_renewable_share_buys_exactly_the_certificates_needed(tiny, tmp_path):
    std = _profile(tmp_path, _rule("renewable_electricity_min_share", 0.6))
    raw = tiny(credit=[CCER], certificates=CERTS)
    assert solve_raw(raw).roadmap["certificates_mwh"].sum() == pytest.approx(0.0, abs=1e-6)
    plan = solve_raw(raw, standard=std)
    certs = plan.roadmap["certificates_mwh"].to_numpy()
    np.testing.assert_allclose(certs, [0, 0, 0, 0, 600.0], atol=1e-6)  # 0.6 x 1 000 MWh
    re = plan.rules[plan.rules.year == 2029]["value"].iloc[0]
    assert re == pytest.approx(0.6, rel=1e-9)


def test_near_term_rate_in_its_window(tiny, tmp_path):
    """10 %/yr for 2 years: gross <= 0.9 B in 2026, 0.8 B in 2027, by certificates."""
    std = _profile(tmp_path, _rule("annual_reduction_min_rate", 0.1, applies="window", years=2))
    raw = tiny(credit=[CCER], certificates=CERTS)
    plan = solve_raw(raw, standard=std)
    certs = plan.roadmap["certificates_mwh"].to_numpy()
    np.testing.assert_allclose(certs, [0, 0.1 * BASE_T / GRID_EF, 0.2 * BASE_T / GRID_EF, 0, 0],
                               rtol=1e-9, atol=1e-6)
    inforce = plan.rules.groupby("year")["in_force"].first().to_numpy()
    assert list(inforce) == [False, True, True, False, False]


def test_gross_non_increasing_after_the_claim_year(tiny, tmp_path):
    """5 %/yr growth from 2025; claim from 2027: gross of 2028 and 2029 held at 2027's."""
    std = _profile(tmp_path, _rule("gross_non_increasing"))
    # Removals, not credits: the credit cap (1 x base) would itself hold gross at base.
    raw = tiny(removal=[{"id": "dac", "price_cny_per_t": 50.0}], certificates=CERTS,
               target={"net_zero_year": 2027, "max_credit_share": 1.0})
    raw["demand"]["growth_per_year"] = 0.05
    plan = solve_raw(raw, standard=std)
    certs = plan.roadmap["certificates_mwh"].to_numpy()
    g = 1.05 ** np.arange(5)
    expect = [0, 0, 0, BASE_T * (g[3] - g[2]) / GRID_EF, BASE_T * (g[4] - g[2]) / GRID_EF]
    np.testing.assert_allclose(certs, expect, rtol=1e-9, atol=1e-6)


def test_co2_only_boundary_leaves_fluorinated_gases_out(tiny, tmp_path):
    """SF6 (10 kg x 25 200 = 252 t) is outside a CO2-only boundary."""
    std = _profile(tmp_path, _rule("net_max_share", 0.0), boundary='gases = "co2"')
    raw = tiny(credit=[CCER], process={"gases_kg": {"sf6": 10.0}},
               target={"net_zero_year": 2029, "max_credit_share": 1.0})
    plan = solve_raw(raw, standard=std)
    assert plan.summary["standard_base_year_boundary_t"] == pytest.approx(BASE_T, rel=1e-12)
    all_gases = solve_raw(raw, standard=_profile(tmp_path, _rule("net_max_share", 0.0)))
    assert all_gases.summary["standard_base_year_boundary_t"] == pytest.approx(BASE_T + 252.0,
                                                                               rel=1e-12)


def test_co2_only_boundary_leaves_the_ch4_and_n2o_of_combustion_out(tiny, tmp_path):
    """Gas 10 TJ burns CH4 10 x 1 x 29.8 / 1 000 = 0.298 t and N2O 10 x 0.1 x 273 / 1 000 =
    0.273 t CO2e (IPCC 2006 Table 2.3, AR6; docs/sources.md B5): inside an all-gas
    boundary, outside a CO2-only one, which counts the 561 t of CO2 alone."""
    raw = tiny(credit=[CCER], target={"net_zero_year": 2029, "max_credit_share": 1.0})
    raw["scenario"]["combustion_ch4_n2o"] = True
    co2_only = solve_raw(raw, standard=_profile(tmp_path, _rule("net_max_share", 0.0),
                                                boundary='gases = "co2"'))
    assert co2_only.summary["standard_base_year_boundary_t"] == pytest.approx(BASE_T,
                                                                              rel=1e-12)
    all_gases = solve_raw(raw, standard=_profile(tmp_path, _rule("net_max_share", 0.0)))
    assert all_gases.summary["standard_base_year_boundary_t"] == pytest.approx(
        BASE_T + 0.298 + 0.273, rel=1e-12)
    assert all_gases.summary["base_year_emissions_t"] == pytest.approx(BASE_T + 0.571,
                                                                       rel=1e-12)


def test_location_based_boundary_ignores_certificates(tiny, tmp_path):
    """Location-based scope 2: certificates cannot lower it, so the gas measure must."""
    raw = _with_biomass(tiny(credit=[CCER], measure=[NO_GAS],
                             certificates={"price_cny_per_mwh": 1.0, "max_share": 1.0}))
    market = _profile(tmp_path, _rule("reduction_min_share", 0.4))  # gross <= 636.6 t
    assert solve_raw(raw, standard=market).measures["build_years"].iloc[0] == ""  # certs do
    loc = _profile(tmp_path, _rule("reduction_min_share", 0.4),
                   boundary='scope2_method = "location"')
    assert solve_raw(raw, standard=loc).measures["build_years"].iloc[0] == "2029"


def test_every_shipped_profile_gives_a_verdict_on_the_tiny_plant(tiny):
    raw = _with_biomass(tiny(credit=[CCER], removal=[{"id": "dac", "price_cny_per_t": 500.0}],
                             certificates={"price_cny_per_mwh": 5.0, "max_share": 1.0},
                             measure=[NO_GAS]))
    for name in ("sbti-net-zero", "iso-14068-1", "zero-carbon-factory",
                 "near-zero-carbon-factory"):
        plan = solve_raw(raw, standard=name)
        s = plan.summary
        assert s["standard"] == name
        assert s["claim_year"] is not None and s["claim_year"] <= 2029
        assert bool(plan.verdicts.set_index("year").loc[2029, "met"])
        assert any(line.startswith("2029 ") for line in s["verdicts"])


def test_a_standard_no_plan_can_meet_is_diagnosed(tiny, tmp_path, ):
    """100 % renewable electricity with no certificates and no PV cannot be met."""
    import tomli_w

    from planner.run.pipeline import plan_scenario

    std = _profile(tmp_path, _rule("renewable_electricity_min_share", 1.0))
    path = tmp_path / "s.toml"
    path.write_bytes(tomli_w.dumps(tiny(credit=[CCER])).encode())
    with pytest.raises(InfeasiblePlanError) as info:
        plan_scenario(path, standard=std)
    assert info.value.diagnosis.rule_causes == ["renewable electricity share"]
    assert "The standard's rules cannot be met" in str(info.value)
