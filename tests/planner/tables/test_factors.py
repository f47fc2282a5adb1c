"""Tests of planner.tables.factors against hand values from docs/sources.md (B1-B3, J1, J3)."""

from __future__ import annotations

import csv
import math
import pickle
from importlib import resources

import pytest

from planner.base.errors import CarbonpathError
from planner.tables import factors
from planner.tables.factors import (
    FUEL_EF_TABLES,
    GWP_SETS,
    Fuel,
    UnknownFactorError,
    canonical_gas,
    canonical_region,
    fuel,
    fuel_ch4_n2o_source,
    fuel_ch4_n2o_t_per_gj,
    fuel_ef_source,
    fuel_ef_t_per_gj,
    grid_factor_series,
    grid_factor_sources,
    gwp100,
    gwp_source,
    known_fuels,
    known_gases,
    known_regions,
)

DATA_FILES = ("gwp.csv", "refrigerant_blends.csv", "fuels.csv", "grid_factors.csv")

# Component GWP100 from docs/sources.md B3 (AR4, AR5, AR6), typed in by hand.
B3 = {
    "hfc32": (675, 677, 771),
    "hfc125": (3500, 3170, 3740),
    "hfc143a": (4470, 4800, 5810),
    "hfc134a": (1430, 1300, 1530),
}


def _b3(gas: str, gwp_set: str) -> float:
    return B3[gas][GWP_SETS.index(gwp_set)]


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _rows(name: str) -> list[dict[str, str]]:
    ref = resources.files("planner").joinpath("data").joinpath(name)
    with ref.open("r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- GWP


@pytest.mark.parametrize(
    ("gas", "ar4", "ar5", "ar6"),
    [
        ("co2", 1, 1, 1),
        ("ch4", 25, 28, 27.9),
        ("n2o", 298, 265, 273),
        ("sf6", 22800, 23500, 25200),
        ("nf3", 17200, 16100, 17400),
        ("cf4", 7390, 6630, 7380),
        ("hfc134a", 1430, 1300, 1530),
        ("hfc32", 675, 677, 771),
        ("hfc125", 3500, 3170, 3740),
        ("hfc143a", 4470, 4800, 5810),
        ("hfc23", 14800, 12400, 14600),
    ],
)
def test_gwp100_single_gases(gas: str, ar4: float, ar5: float, ar6: float) -> None:
    assert gwp100(gas, "AR4") == ar4
    assert gwp100(gas, "AR5") == ar5
    assert gwp100(gas, "AR6") == ar6


def test_gwp_default_set_is_ar6() -> None:
    assert gwp100("sf6") == 25200


def test_ch4_fossil_only_in_ar6() -> None:
    assert gwp100("ch4_fossil", "AR6") == 29.8
    for s in ("AR4", "AR5"):
        with pytest.raises(ValueError, match="AR6"):
            gwp100("ch4_fossil", s)


def test_ar6_methane_by_origin() -> None:
    """AR6 WG1 Table 7.15: fossil 29.8, non-fossil 27.0; 27.9 (Table 7.SM.7) is neither."""
    assert gwp100("non-fossil methane", "AR6") == 27.0
    assert gwp100("biogenic methane", "AR6") == 27.0
    assert gwp100("fossil methane", "AR6") == 29.8
    assert gwp100("methane", "AR6") == 27.9
    assert gwp100("ch4_non_fossil", "AR6") != gwp100("ch4", "AR6")
    for s in ("AR4", "AR5"):
        with pytest.raises(ValueError, match="AR6"):
            gwp100("ch4_non_fossil", s)
    assert "not the non-fossil" in factors._gas_table().gases["ch4"].note


def test_unknown_gwp_set() -> None:
    with pytest.raises(ValueError, match="AR4, AR5, AR6"):
        gwp100("co2", "SAR")
    assert gwp100("hfc32", "ar5") == 677  # case-insensitive


def test_r410a_from_components() -> None:
    for s, published in (("AR4", 2088), ("AR5", 1924), ("AR6", 2256)):
        expected = 0.5 * _b3("hfc32", s) + 0.5 * _b3("hfc125", s)
        assert gwp100("r410a", s) == pytest.approx(expected, abs=1e-9)
        assert _round_half_up(gwp100("r410a", s)) == published
    assert gwp100("R-410A", "AR5") == pytest.approx(1923.5)  # 0.5*677 + 0.5*3170
    assert gwp100("R-410A", "AR6") == pytest.approx(2255.5)  # 0.5*771 + 0.5*3740


def test_r404a_from_components() -> None:
    for s, published in (("AR4", 3922), ("AR5", 3943), ("AR6", 4728)):
        expected = (0.44 * _b3("hfc125", s) + 0.52 * _b3("hfc143a", s)
                    + 0.04 * _b3("hfc134a", s))
        assert gwp100("r404a", s) == pytest.approx(expected, abs=1e-9)
        assert _round_half_up(gwp100("r404a", s)) == published
    assert gwp100("R-404A", "AR6") == pytest.approx(4728.0)


def test_ar4_blend_trap() -> None:
    """Public code labels the AR4 values 2088/3922/1430 as AR5/AR6 (docs/sources.md J3)."""
    assert gwp100("r410a", "AR6") != pytest.approx(2088, abs=1)
    assert gwp100("r410a", "AR6") != pytest.approx(1924, abs=1)
    assert gwp100("r410a", "AR5") != pytest.approx(2088, abs=1)
    assert gwp100("r404a", "AR5") != pytest.approx(3922, abs=1)
    assert gwp100("r404a", "AR6") != pytest.approx(3922, abs=1)
    assert gwp100("hfc134a", "AR5") != 1430
    assert gwp100("hfc134a", "AR6") != 1430


def test_blends_are_not_stored_as_numbers() -> None:
    rows = _rows("refrigerant_blends.csv")
    assert {r["blend"] for r in rows} == {"r410a", "r404a"}
    assert "gwp" not in " ".join(rows[0]).lower()
    assert not {"r410a", "r404a"} & {r["gas"] for r in _rows("gwp.csv")}
    for blend in ("r410a", "r404a"):
        total = math.fsum(float(r["mass_fraction"]) for r in rows if r["blend"] == blend)
        assert total == pytest.approx(1.0)


def test_natural_refrigerants() -> None:
    assert canonical_gas("R-744") == "co2"
    assert gwp100("r744", "AR6") == 1
    assert canonical_gas("R-717") == "nh3"
    assert canonical_gas("ammonia") == "nh3"
    for s in GWP_SETS:
        assert gwp100("r717", s) == 0


def test_scenario_e_refrigerant_leak() -> None:
    """Domain-data E: 200 kg R-410A/yr -> 385 t (AR5) / 451 t (AR6)."""
    assert round(0.2 * gwp100("r410a", "AR5")) == 385
    assert round(0.2 * gwp100("r410a", "AR6")) == 451


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("HFC-134a", "hfc134a"),
        ("R-134a", "hfc134a"),
        ("r134a", "hfc134a"),
        ("hfc134a", "hfc134a"),
        ("R134A", "hfc134a"),
        ("SF6", "sf6"),
        ("R-32", "hfc32"),
        ("HFC-32", "hfc32"),
        ("PFC-14", "cf4"),
        ("R-125", "hfc125"),
        ("R-143a", "hfc143a"),
        ("HFC-23", "hfc23"),
        ("R-410A", "r410a"),
        ("R404A", "r404a"),
        ("CH4 fossil", "ch4_fossil"),
        ("fossil methane", "ch4_fossil"),
        ("methane", "ch4"),
        ("CH4", "ch4"),
        # AR6 Table 7.15: non-fossil 27.0. 27.9 (ch4) is not the non-fossil value.
        ("non-fossil methane", "ch4_non_fossil"),
        ("CH4 non-fossil", "ch4_non_fossil"),
        ("biogenic methane", "ch4_non_fossil"),
        ("六氟化硫", "sf6"),
        ("N2O", "n2o"),
        ("NF3", "nf3"),
    ],
)
def test_gas_aliases(alias: str, canonical: str) -> None:
    assert canonical_gas(alias) == canonical


def test_known_gases() -> None:
    gases = known_gases()
    for g in ("co2", "ch4", "ch4_fossil", "ch4_non_fossil", "n2o", "sf6", "nf3", "cf4", "hfc23",
              "hfc32", "hfc125", "hfc134a", "hfc143a", "r410a", "r404a", "nh3"):
        assert g in gases
    assert len(set(gases)) == len(gases)
    for g in gases:
        assert canonical_gas(g) == g
        assert gwp100(g, "AR6") >= 0


def test_unknown_gas_suggestion() -> None:
    with pytest.raises(UnknownFactorError) as info:
        gwp100("hfc-134", "AR6")
    err = info.value
    assert err.what == "gas"
    assert err.name == "hfc-134"
    assert err.suggestions[0] == "hfc134a"
    assert "hfc134a" in err.valid
    assert str(err).startswith("unknown gas 'hfc-134': did you mean 'hfc134a'")
    assert "Valid: " in str(err)
    assert isinstance(err, KeyError)
    assert isinstance(err, CarbonpathError)


def test_unknown_gas_without_match() -> None:
    with pytest.raises(UnknownFactorError) as info:
        canonical_gas("zzzzzzzz")
    assert info.value.suggestions == []
    assert "did you mean" not in str(info.value)


def test_error_pickles() -> None:
    with pytest.raises(UnknownFactorError) as info:
        canonical_region("sichaun")
    back = pickle.loads(pickle.dumps(info.value))
    assert str(back) == str(info.value)
    assert back.suggestions == info.value.suggestions


def test_gwp_source() -> None:
    line = gwp_source("HFC-134a", "AR6")
    assert "1530" in line
    assert "openclimatedata/globalwarmingpotentials" in line
    assert "[V]" in line
    blend = gwp_source("r410a", "AR6")
    assert "2255.5" in blend
    assert "50 % HFC-32 (771)" in blend
    assert "50 % HFC-125 (3740)" in blend
    assert "2088" not in blend.split("blend composition")[0]
    blend4 = gwp_source("R-404A", "AR5")
    assert "44 % HFC-125 (3170)" in blend4
    assert "52 % HFC-143a (4800)" in blend4
    assert "4 % HFC-134a (1300)" in blend4
    assert "[S]" in gwp_source("ch4_fossil", "AR6")


# --------------------------------------------------------------------------- fuels


def test_fuels_ipcc_2006() -> None:
    expected = {"natural_gas": 0.0561, "diesel": 0.0741, "lpg": 0.0631, "coal": 0.0946,
                "anthracite": 0.0983, "fuel_oil": 0.0774, "gasoline": 0.0693}
    for fid, ef in expected.items():
        assert fuel_ef_t_per_gj(fid) == ef
        assert fuel_ef_t_per_gj(fid, "ipcc-2006") == ef
        assert fuel(fid).mark == "V"
    assert FUEL_EF_TABLES == ("ipcc-2006", "china-default")


def test_natural_gas_china_default() -> None:
    f = fuel("natural_gas")
    assert isinstance(f, Fuel)
    assert f.ef_china_t_per_gj == pytest.approx(0.0153 * 0.99 * 44 / 12, abs=1e-6)
    assert fuel_ef_t_per_gj("natural_gas", "china-default") == pytest.approx(0.055539, abs=1e-6)
    assert f.unit == "Nm3"
    assert f.ncv_gj_per_unit == pytest.approx(0.038931)
    kg_per_nm3 = f.ef_china_t_per_gj * f.ncv_gj_per_unit * 1000
    assert kg_per_nm3 == pytest.approx(2.162, abs=1e-3)
    assert f.china_mark == "S"
    # Domain-data E: 1.5 M Nm3/yr -> 3 243 tCO2.
    assert round(1.5e6 * f.ncv_gj_per_unit * f.ef_china_t_per_gj) == 3243


@pytest.mark.parametrize(
    ("fid", "carbon", "ox", "unit", "ncv", "t_per_unit"),
    [
        ("diesel", 0.0202, 0.98, "t", 43.33, 3.145),
        ("lpg", 0.0172, 0.99, "t", 47.31, 2.95),
        ("coal", 0.02618, 0.93, "t", 23.204, 2.07),
        ("anthracite", 0.02749, 0.94, "t", 24.515, 2.32),
        ("fuel_oil", 0.0211, 0.98, "t", 40.19, 3.05),
    ],
)
def test_china_defaults_per_unit(fid: str, carbon: float, ox: float, unit: str, ncv: float,
                                 t_per_unit: float) -> None:
    """B2: NCV x carbon content x oxidation x 44/12, and the per-unit values it quotes."""
    f = fuel(fid)
    assert f.ef_china_t_per_gj == pytest.approx(carbon * ox * 44 / 12, abs=1e-9)
    assert f.unit == unit
    assert f.ncv_gj_per_unit == ncv
    digits = len(str(t_per_unit).split(".")[1])
    assert round(f.ef_china_t_per_gj * ncv, digits) == t_per_unit
    assert f.china_mark == "S"


def test_fuel_notes_flag_ncv_conflicts() -> None:
    assert "conflict" in fuel("lpg").note.lower()
    assert "guideline" in fuel("coal").note.lower()


def test_gasoline_has_no_china_value() -> None:
    assert fuel("gasoline").ef_china_t_per_gj is None
    with pytest.raises(ValueError, match="china-default"):
        fuel_ef_t_per_gj("gasoline", "china-default")


def test_biomass_and_purchased_heat() -> None:
    b = fuel("biomass")
    assert b.ef_t_per_gj == 0.0
    assert fuel_ef_t_per_gj("biomass", "china-default") == 0.0
    assert b.mark == "C"
    assert "convention" in b.source.lower()
    h = fuel("purchased_heat")
    assert fuel_ef_t_per_gj("purchased_heat") == 0.11
    assert fuel_ef_t_per_gj("purchased_heat", "china-default") == 0.11
    assert h.mark == "S"


def test_fuel_aliases_and_errors() -> None:
    assert fuel("Natural gas").id == "natural_gas"
    assert fuel("天然气").id == "natural_gas"
    assert fuel("natural-gas").id == "natural_gas"
    with pytest.raises(UnknownFactorError) as info:
        fuel("natual_gas")
    assert info.value.what == "fuel"
    assert info.value.suggestions[0] == "natural_gas"
    with pytest.raises(ValueError, match="ipcc-2006"):
        fuel_ef_t_per_gj("diesel", "ipcc-2019")


def test_fuel_ef_source() -> None:
    src, mark = fuel_ef_source("diesel")
    assert "IPCC 2006" in src
    assert mark == "V"
    src, mark = fuel_ef_source("diesel", "china-default")
    assert "China" in src
    assert mark == "S"


def test_known_fuels() -> None:
    assert known_fuels() == ("natural_gas", "diesel", "lpg", "coal", "anthracite", "fuel_oil",
                             "gasoline", "biomass", "purchased_heat")


# --------------------------------------------------------------------------- grid


def test_grid_hand_values() -> None:
    assert grid_factor_series("sichuan")[2022] == 0.1404
    assert grid_factor_series("四川")[2021] == 0.1255
    assert grid_factor_series("national")[2023] == 0.5306
    assert grid_factor_series("national", "excl_market_nonfossil")[2023] == 0.6096
    assert grid_factor_series("national", "fossil_only")[2023] == 0.8273
    assert grid_factor_series("southwest")[2023] == 0.2472


def test_national_series() -> None:
    assert grid_factor_series("national") == {2021: 0.5568, 2022: 0.5366, 2023: 0.5306}
    assert grid_factor_series("national", "excl_market_nonfossil") == {2022: 0.5856,
                                                                       2023: 0.6096}
    assert grid_factor_series("national", "fossil_only") == {2021: 0.8426, 2022: 0.8325,
                                                             2023: 0.8273}
    src = grid_factor_sources("national", "fossil_only")
    assert src[2021][1] == "S"
    assert src[2022][1] == "S"
    assert src[2023][1] == "V"


def test_national_changes_quoted_in_domain_data() -> None:
    avg = grid_factor_series("national")
    assert avg[2021] - avg[2022] == pytest.approx(0.0202, abs=1e-9)  # J1
    assert 100 * (avg[2023] / avg[2022] - 1) == pytest.approx(-1.1, abs=0.05)  # B1
    excl = grid_factor_series("national", "excl_market_nonfossil")
    assert 100 * (excl[2023] / excl[2022] - 1) == pytest.approx(4.1, abs=0.05)  # B1
    fossil = grid_factor_series("national", "fossil_only")
    assert 100 * (fossil[2022] / fossil[2021] - 1) == pytest.approx(-1.2, abs=0.05)  # J1


def test_mee_2023_regional_changes() -> None:
    """MEE's 2023 year-on-year changes (B1 order 华北 东北 华东 华中 西北 南方 西南)."""
    quoted = {"华北": -6.1, "东北": -8.0, "华东": -2.1, "华中": -2.3, "西北": -5.4,
              "南方": +4.5, "西南": +9.0}
    for name, pct in quoted.items():
        s = grid_factor_series(name)
        assert 100 * (s[2023] / s[2022] - 1) == pytest.approx(pct, abs=0.1), name


def test_regions_and_provinces_have_series() -> None:
    regions = ("north", "northeast", "east", "central", "northwest", "south", "southwest")
    provinces = ("beijing", "tianjin", "hebei", "shanxi", "neimenggu", "liaoning", "jilin",
                 "heilongjiang", "shanghai", "jiangsu", "zhejiang", "anhui", "fujian", "jiangxi",
                 "shandong", "henan", "hubei", "hunan", "guangdong", "guangxi", "hainan",
                 "chongqing", "sichuan", "guizhou", "yunnan", "shaanxi", "gansu", "qinghai",
                 "ningxia", "xinjiang")
    assert known_regions() == ("national", *regions, *provinces)
    for r in regions:
        assert sorted(grid_factor_series(r)) == [2021, 2022, 2023]
    for p in provinces:
        assert sorted(grid_factor_series(p)) == [2021, 2022]
        for value in grid_factor_series(p).values():
            assert 0.1 < value < 0.8


def test_provincial_marks() -> None:
    confirmed = {"hebei", "shanxi", "tianjin", "neimenggu", "anhui", "fujian", "guangxi",
                 "qinghai", "sichuan", "yunnan"}  # J1
    for p in known_regions()[8:]:
        src = grid_factor_sources(p)
        assert src[2021][1] == "S"
        assert src[2022][1] == ("V" if p in confirmed else "S")


def test_j1_provincial_values() -> None:
    j1 = {"河北": 0.7252, "山西": 0.7096, "天津": 0.7041, "内蒙古": 0.6849, "安徽": 0.6782,
          "福建": 0.4092, "广西": 0.4044, "青海": 0.1567, "四川": 0.1404, "云南": 0.1073}
    for name, v in j1.items():
        assert grid_factor_series(name)[2022] == v


def test_every_row_has_source_and_mark() -> None:
    allowed = {"grid_factors.csv": {"V", "S", "U"}}
    for name in DATA_FILES:
        rows = _rows(name)
        assert rows, name
        for row in rows:
            assert row["source"].strip(), (name, row)
            assert row["mark"] in allowed.get(name, {"V", "S", "U", "C"}), (name, row)


def test_no_unverified_numbers_shipped() -> None:
    for name in DATA_FILES:
        assert all(row["mark"] != "U" for row in _rows(name)), name


def test_region_aliases_and_errors() -> None:
    assert canonical_region("四川") == "sichuan"
    assert canonical_region("四川省") == "sichuan"
    assert canonical_region("Sichuan Province") == "sichuan"
    assert canonical_region("Inner Mongolia") == "neimenggu"
    assert canonical_region("华东") == "east"
    assert canonical_region("华东电网") == "east"
    assert canonical_region("NATIONAL") == "national"
    assert canonical_region("全国") == "national"
    assert canonical_region("shaanxi") == "shaanxi"
    assert canonical_region("陕西") == "shaanxi"
    assert canonical_region("山西") == "shanxi"
    with pytest.raises(UnknownFactorError) as info:
        canonical_region("sichaun")
    err = info.value
    assert err.what == "region"
    assert err.suggestions[0] == "sichuan"
    assert str(err).startswith("unknown region 'sichaun': did you mean 'sichuan'")
    with pytest.raises(UnknownFactorError):
        grid_factor_series("atlantis")


def test_grid_kind_errors() -> None:
    with pytest.raises(UnknownFactorError) as info:
        grid_factor_series("national", "fossil")
    assert info.value.what == "grid factor kind"
    assert info.value.suggestions[0] == "fossil_only"
    assert grid_factor_series("national", "fossil-only")[2023] == 0.8273
    with pytest.raises(ValueError, match="average"):
        grid_factor_series("sichuan", "fossil_only")


def test_grid_series_is_a_copy() -> None:
    s = grid_factor_series("sichuan")
    s[2022] = 99.0
    assert grid_factor_series("sichuan")[2022] == 0.1404
    assert list(grid_factor_series("national")) == [2021, 2022, 2023]


def test_gwp_sets_constant() -> None:
    assert GWP_SETS == ("AR4", "AR5", "AR6")
    assert set(factors.MARKS) == {"V", "S", "U", "C"}


# ------------------------------------------------------- combustion CH4 and N2O (B5)

# IPCC 2006 Vol. 2 Ch. 2 Table 2.3, manufacturing industries and construction, kg/TJ,
# typed in by hand from docs/sources.md B5.
TABLE_2_3 = {"natural_gas": (1, 0.1), "diesel": (3, 0.6), "lpg": (1, 0.1), "coal": (10, 1.5),
             "anthracite": (10, 1.5), "fuel_oil": (3, 0.6), "gasoline": (3, 0.6),
             "biomass": (30, 4)}


@pytest.mark.parametrize("fuel_id", sorted(TABLE_2_3))
def test_table_2_3_defaults(fuel_id: str) -> None:
    f = fuel(fuel_id)
    assert (f.ch4_kg_per_tj, f.n2o_kg_per_tj) == TABLE_2_3[fuel_id]
    assert f.ch4_n2o_mark == "S" and "Table 2.3" in f.ch4_n2o_source


def test_ch4_n2o_in_co2e_by_hand() -> None:
    # kg/TJ x GWP x 1e-6 = t CO2e/GJ. AR6: fossil CH4 29.8, non-fossil 27.0, N2O 273.
    assert fuel_ch4_n2o_t_per_gj("natural_gas", "AR6") == pytest.approx((29.8e-6, 27.3e-6))
    assert fuel_ch4_n2o_t_per_gj("coal", "AR6") == pytest.approx((298e-6, 409.5e-6))
    assert fuel_ch4_n2o_t_per_gj("biomass", "AR6") == pytest.approx((810e-6, 1092e-6))
    # AR5 / AR4: one CH4 value (28 / 25), N2O 265 / 298.
    assert fuel_ch4_n2o_t_per_gj("coal", "AR5") == pytest.approx((280e-6, 397.5e-6))
    assert fuel_ch4_n2o_t_per_gj("diesel", "AR4") == pytest.approx((75e-6, 178.8e-6))
    assert fuel_ch4_n2o_t_per_gj("purchased_heat", "AR6") == (0.0, 0.0)
    # The sizes: 0.1 % of gas CO2, 0.75 % of coal CO2 (AR6).
    assert sum(fuel_ch4_n2o_t_per_gj("natural_gas")) / 0.0561 == pytest.approx(0.001018, rel=1e-3)
    assert sum(fuel_ch4_n2o_t_per_gj("coal")) / 0.0946 == pytest.approx(0.007479, rel=1e-3)


def test_ch4_n2o_source_names_table_and_gwps() -> None:
    text = fuel_ch4_n2o_source("natural_gas", "AR6")
    assert "CH4 1 kg/TJ" in text and "N2O 0.1 kg/TJ" in text
    assert "29.8" in text and "273" in text and "Table 2.3" in text
    assert "27 " in fuel_ch4_n2o_source("biomass", "AR6")  # non-fossil methane 27.0
