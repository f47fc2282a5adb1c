"""planner.profiles.build: shapes, PV, CSV input, TOU tariffs.

Expected values are computed by hand from docs/sources.md D1/C3 numbers and the calendar,
not by calling the code under test a second way.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from planner.profiles import build as pr
from planner.profiles.build import (
    HOURS_PER_YEAR,
    LOAD_PATTERNS,
    SHAPE_KINDS,
    TOU_PRESETS,
    HourlyCsvError,
    TouPeriod,
    cheapest_block_start,
    end_use_shape,
    pv_output_from_irradiance,
    pv_output_kw_per_kwp,
    read_hourly_csv,
    shift_load_shape,
    tou_multiplier,
    tou_preset,
    typical_year_index,
)

CHENGDU = (30.67, 104.06)

# D1 two-shift weekday fractions of peak, written out hour by hour.
TWO_SHIFT_D1 = [0.30] * 6 + [0.35, 0.55] + [1.00] * 4 + [0.85] + [1.00] * 3 + [0.90] \
    + [0.95] * 5 + [0.90, 0.60]


def at(day: int, hour: int) -> int:
    return 24 * day + hour


# 2025: Jan 1 is a Wednesday; Jan 4 Sat (day 3), Jan 5 Sun (day 4), Jan 6 Mon (day 5).
WED, SAT, SUN, MON = 0, 3, 4, 5

# --------------------------------------------------------------------------- calendar


def test_typical_year_index_plain_year() -> None:
    idx = typical_year_index(2025)
    assert len(idx) == HOURS_PER_YEAR
    assert str(idx.tz) == "Asia/Shanghai"
    assert idx[0].isoformat() == "2025-01-01T00:00:00+08:00"
    assert idx[-1].isoformat() == "2025-12-31T23:00:00+08:00"
    assert idx[0].day_name() == "Wednesday"


def test_typical_year_index_leap_year_drops_feb_29() -> None:
    idx = typical_year_index(2024)
    assert len(idx) == HOURS_PER_YEAR
    assert not ((idx.month == 2) & (idx.day == 29)).any()
    assert idx[at(59, 0)].isoformat() == "2024-03-01T00:00:00+08:00"
    assert idx[-1].isoformat() == "2024-12-31T23:00:00+08:00"


def test_typical_year_index_dst_zone_uses_standard_time() -> None:
    idx = typical_year_index(2025, "Europe/Berlin")
    assert len(idx) == HOURS_PER_YEAR
    assert idx.is_unique
    assert {ts.utcoffset().total_seconds() for ts in idx} == {3600.0}
    assert (idx.hour == np.tile(np.arange(24), 365)).all()


def test_unknown_timezone() -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        typical_year_index(2025, "Mars/Olympus")


# --------------------------------------------------------------------------- load shapes


@pytest.mark.parametrize("pattern", LOAD_PATTERNS)
@pytest.mark.parametrize("year", [2024, 2025])
def test_shift_shapes_sum_to_one(pattern: str, year: int) -> None:
    shape = shift_load_shape(pattern, year, hvac_swing=0.15)
    assert shape.shape == (HOURS_PER_YEAR,)
    assert shape.dtype == np.float64
    assert abs(shape.sum() - 1.0) < 1e-12
    assert (shape > 0).all()


def test_two_shift_matches_d1_exactly() -> None:
    shape = shift_load_shape("two_shift", 2025)
    # 2025: 261 weekdays, 52 Saturdays, 52 Sundays; D1 weekday sum of fractions = 17.7.
    assert sum(TWO_SHIFT_D1) == pytest.approx(17.7, abs=1e-12)
    total = 17.7 * (261 + 52 * 0.6 + 52 * 0.35)
    for hour, fraction in enumerate(TWO_SHIFT_D1):
        assert shape[at(MON, hour)] == pytest.approx(fraction / total, rel=1e-12)
    assert shape[at(MON, 9)] / shape[at(MON, 3)] == pytest.approx(1.00 / 0.30, rel=1e-12)
    assert shape[at(SUN, 9)] / shape[at(MON, 9)] == pytest.approx(0.35, rel=1e-12)
    assert shape[at(SAT, 9)] / shape[at(MON, 9)] == pytest.approx(0.60, rel=1e-12)
    assert shape[at(WED, 9)] == shape[at(MON, 9)]  # Jan 1 2025 is a weekday


def test_three_shift_weekend_and_one_shift_defaults() -> None:
    three = shift_load_shape("three_shift", 2025)
    assert three[at(SAT, 3)] / three[at(MON, 3)] == pytest.approx(0.85, rel=1e-12)
    assert three[at(MON, 12)] / three[at(MON, 9)] == pytest.approx(0.92, rel=1e-12)
    one = shift_load_shape("one_shift", 2025)
    assert one[at(MON, 3)] / one[at(MON, 10)] == pytest.approx(0.30, rel=1e-12)
    assert one[at(MON, 12)] < one[at(MON, 11)]  # lunch dip
    assert one[at(SAT, 10)] / one[at(MON, 10)] == pytest.approx(0.35, rel=1e-12)
    assert one[at(SUN, 10)] / one[at(MON, 10)] == pytest.approx(0.30, rel=1e-12)
    flat = shift_load_shape("flat", 2025)
    np.testing.assert_allclose(flat, 1 / HOURS_PER_YEAR, rtol=1e-12)


def test_weekend_factor_override() -> None:
    shape = shift_load_shape("two_shift", 2025, saturday_factor=1.0, sunday_factor=0.0)
    assert shape[at(SAT, 9)] == shape[at(MON, 9)]
    assert shape[at(SUN, 9)] == 0.0


def test_leap_year_weekdays_follow_calendar() -> None:
    # 2024-03-01 (day index 59 once Feb 29 is dropped) is a Friday, Mar 2 a Saturday.
    shape = shift_load_shape("two_shift", 2024)
    assert shape[at(60, 9)] / shape[at(59, 9)] == pytest.approx(0.6, rel=1e-12)
    assert shape[at(61, 9)] / shape[at(59, 9)] == pytest.approx(0.35, rel=1e-12)


def test_hvac_swing_peaks_late_july_half_in_january_zero_in_spring() -> None:
    shape = shift_load_shape("two_shift", 2025, hvac_swing=0.15)
    # Thu Jul 24 (day 204), Wed Jan 15 (day 14), Wed Apr 16 (day 105): all weekdays.
    assert shape[at(204, 9)] / shape[at(105, 9)] == pytest.approx(1.15, rel=1e-12)
    assert shape[at(14, 9)] / shape[at(105, 9)] == pytest.approx(1.075, rel=1e-12)
    # Smooth: neighbouring weekdays differ by well under 1 %.
    daily_peak = shape.reshape(365, 24)[:, 9]
    weekdays = np.array([d for d in range(365) if (d + 2) % 7 < 5])  # Jan 1 = Wed
    steps = np.abs(np.diff(daily_peak[weekdays])) / daily_peak[weekdays][:-1]
    assert steps[np.diff(weekdays) == 1].max() < 0.01


def test_shift_load_shape_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="two_shift"):
        shift_load_shape("four_shift", 2025)
    with pytest.raises(ValueError, match="hvac_swing"):
        shift_load_shape("two_shift", 2025, hvac_swing=-0.1)
    with pytest.raises(ValueError, match="sunday_factor"):
        shift_load_shape("two_shift", 2025, sunday_factor=float("nan"))


@pytest.mark.parametrize("kind", SHAPE_KINDS)
def test_end_use_shapes_sum_to_one(kind: str) -> None:
    shape = end_use_shape(kind, 2024)
    assert shape.shape == (HOURS_PER_YEAR,)
    assert abs(shape.sum() - 1.0) < 1e-12
    assert (shape >= 0).all()


def test_end_use_night_charging() -> None:
    grid = end_use_shape("night_charging", 2025).reshape(365, 24)
    night = [22, 23, 0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(grid[:, night], 1 / (8 * 365), rtol=1e-12)
    assert (np.delete(grid, night, axis=1) == 0).all()


def test_end_use_heating_and_cooling_seasons() -> None:
    heat = end_use_shape("space_heating", 2025).reshape(365, 24)
    cool = end_use_shape("cooling", 2025).reshape(365, 24)
    for grid in (heat, cool):
        assert (grid[:, :7] == 0).all()
        assert (grid[:, 19:] == 0).all()
    july, january = slice(181, 212), slice(0, 31)
    assert (heat[july] == 0).all()
    assert (cool[january] == 0).all()
    assert heat.sum(axis=1).argmax() == 14  # Jan 15
    assert cool.sum(axis=1).argmax() == 204  # Jul 24


def test_end_use_process_heat() -> None:
    grid = end_use_shape("process_heat", 2025).reshape(365, 24)
    assert (grid[:, :8] == 0).all()
    assert grid[MON, 8] == grid[MON, 23] > 0
    assert grid[SUN, 10] / grid[MON, 10] == pytest.approx(0.35, rel=1e-12)
    assert grid[MON + 7 * 28, 10] == grid[MON, 10]  # no seasonality (a July Monday)


def test_end_use_unknown_kind() -> None:
    with pytest.raises(ValueError, match="night_charging"):
        end_use_shape("sauna", 2025)


# --------------------------------------------------------------------------- PV


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CARBONPATH_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_pv_zero_at_night_and_positive_at_noon(no_cache: Path) -> None:
    pv = pv_output_kw_per_kwp(*CHENGDU, 2025, cache=False)
    assert pv.shape == (HOURS_PER_YEAR,)
    assert pv.dtype == np.float64
    assert (pv >= 0).all()
    grid = pv.reshape(365, 24)
    assert (grid[:, 0:5] == 0).all()  # local 00:00-05:00 all year
    assert (grid[:, 21:] == 0).all()  # after 21:00 Beijing time, even at midsummer
    sunniest = grid.sum(axis=1).argmax()
    assert grid[sunniest, 12] > 0.5


def test_pv_solar_noon_about_13_beijing_time() -> None:
    # 104 E is 16 deg west of the 120 E zone meridian: noon ~64 min late (+-16 min of the
    # equation of time), i.e. between the mid-points of hours 12 and 13.
    pv = pv_output_kw_per_kwp(*CHENGDU, 2025, cache=False)
    mean_by_hour = pv.reshape(365, 24).mean(axis=0)
    assert int(mean_by_hour.argmax()) in (12, 13)
    # Symmetry about ~13:04: 10:30 and 15:30 mid-points are about equally far from noon.
    assert mean_by_hour[10] == pytest.approx(mean_by_hour[15], rel=0.15)


def test_pv_deterministic_and_seeded() -> None:
    a = pv_output_kw_per_kwp(*CHENGDU, 2025, seed=3, cache=False)
    b = pv_output_kw_per_kwp(*CHENGDU, 2025, seed=3, cache=False)
    c = pv_output_kw_per_kwp(*CHENGDU, 2025, seed=4, cache=False)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # Same distribution of days, other order: annual yields agree within 3 %.
    assert c.sum() == pytest.approx(a.sum(), rel=0.03)


def test_pv_annual_yield_chengdu_plausible() -> None:
    """Band derivation.

    Ineichen clear-sky GHI at Chengdu with pvlib's Linke climatology (TL 2.0-2.9, 502 m)
    is ~2 370 kWh/m2/yr, so index 0.55 means GHI ~1 300 kWh/m2. A 20 deg south roof gains
    0-3 % over GHI under mostly diffuse light; PVWatts performance ratio with 14 % losses,
    96 % inverter, IAM and warm-roof temperature losses is 0.75-0.83 => 980-1 090 kWh/kWp.
    Band [950, 1 100]. That is the level of real plants in sunnier Guangzhou/Liuzhou
    (903-915, C1 V), i.e. index 0.55 is too sunny for the Sichuan basin (lowest irradiation
    in China; 26 % relative sunshine). Index 0.45 (GHI ~1 070 kWh/m2) must fall in the
    Sichuan estimate of 750-900 kWh/kWp (C1, U).
    """
    y55 = pv_output_kw_per_kwp(*CHENGDU, 2025, mean_clear_sky_index=0.55, cache=False).sum()
    y45 = pv_output_kw_per_kwp(*CHENGDU, 2025, mean_clear_sky_index=0.45, cache=False).sum()
    assert 950 <= y55 <= 1100
    assert 750 <= y45 <= 900
    # Yield is close to proportional to the index (linear chain except temperature/clip).
    assert y55 / y45 == pytest.approx(0.55 / 0.45, rel=0.03)


def test_pv_calibration_exact_and_clip_respected() -> None:
    down = pv_output_kw_per_kwp(*CHENGDU, 2025, annual_yield_kwh_per_kwp=850.0, cache=False)
    assert down.sum() == pytest.approx(850.0, rel=1e-12)
    up = pv_output_kw_per_kwp(*CHENGDU, 2025, annual_yield_kwh_per_kwp=1500.0, cache=False)
    assert up.sum() == pytest.approx(1500.0, rel=1e-12)
    assert up.max() <= 1 / 1.1 + 1e-15
    assert (up[down == 0] == 0).all()  # calibration never creates output at night
    with pytest.raises(ValueError, match="cannot be reached"):
        pv_output_kw_per_kwp(*CHENGDU, 2025, annual_yield_kwh_per_kwp=5000.0, cache=False)


@pytest.mark.parametrize("dc_ac_ratio", [1.0, 1.1, 1.4])
def test_pv_never_above_ac_rating_and_clips_there(dc_ac_ratio: float) -> None:
    pv = pv_output_kw_per_kwp(*CHENGDU, 2025, dc_ac_ratio=dc_ac_ratio, cache=False)
    assert pv.max() <= 1 / dc_ac_ratio + 1e-15
    # 1 100 W/m2 GHI on every daylight hour drives the array past the inverter limit.
    strong = pv_output_from_irradiance(np.full(HOURS_PER_YEAR, 1100.0), *CHENGDU, 2025,
                                       dc_ac_ratio=1.4, mean_air_temp_c=0.0,
                                       air_temp_amplitude_c=0.0)
    assert strong.max() == pytest.approx(1 / 1.4, rel=1e-12)


def test_pv_from_irradiance_temperature_and_validation() -> None:
    ghi = np.zeros(HOURS_PER_YEAR)
    ghi[at(np.arange(365), 12)] = 800.0
    cool = pv_output_from_irradiance(ghi, *CHENGDU, 2025, temp_air_c=np.full(HOURS_PER_YEAR, 0.0))
    hot = pv_output_from_irradiance(ghi, *CHENGDU, 2025, temp_air_c=np.full(HOURS_PER_YEAR, 40.0))
    assert (hot <= cool).all()
    # SAPM: 40 K hotter air => 40 K hotter cells. PVWatts DC ~ 1 + gamma (Tc - 25), with
    # Tc ~ 25-45 C for the cool case: ratio = 1 - 0.14 / (1 - 0.0035 (Tc - 25)) = 0.85-0.86;
    # the inverter curve moves it by well under 2 %.
    assert hot.sum() / cool.sum() == pytest.approx(0.855, rel=0.02)
    assert (cool[np.delete(np.arange(HOURS_PER_YEAR), at(np.arange(365), 12))] == 0).all()
    with pytest.raises(ValueError, match=r"shape \(8760,\)"):
        pv_output_from_irradiance(np.zeros(8784), *CHENGDU, 2025)
    with pytest.raises(ValueError, match="negative"):
        pv_output_from_irradiance(-ghi, *CHENGDU, 2025)
    with pytest.raises(ValueError, match="mean_clear_sky_index"):
        pv_output_kw_per_kwp(*CHENGDU, 2025, mean_clear_sky_index=1.2, cache=False)


def test_pv_cache_hit_returns_identical_array(no_cache: Path) -> None:
    first = pv_output_kw_per_kwp(*CHENGDU, 2025, seed=7)
    files = list(no_cache.glob("pv-*.npy"))
    assert len(files) == 1
    second = pv_output_kw_per_kwp(*CHENGDU, 2025, seed=7)
    np.testing.assert_array_equal(first, second)
    # Prove the second result comes from the file: plant a different valid array.
    np.save(files[0], first * 0.5)
    np.testing.assert_array_equal(pv_output_kw_per_kwp(*CHENGDU, 2025, seed=7), first * 0.5)
    # Other arguments => other key.
    pv_output_kw_per_kwp(*CHENGDU, 2025, seed=8)
    assert len(list(no_cache.glob("pv-*.npy"))) == 2


def test_pv_corrupt_or_unwritable_cache_is_ignored(no_cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    expected = pv_output_kw_per_kwp(*CHENGDU, 2025, seed=9, cache=False)
    pv_output_kw_per_kwp(*CHENGDU, 2025, seed=9)
    (path,) = no_cache.glob("pv-*.npy")
    for garbage in (b"not a numpy file", path.read_bytes()[:200]):
        path.write_bytes(garbage)
        np.testing.assert_array_equal(pv_output_kw_per_kwp(*CHENGDU, 2025, seed=9), expected)
    blocker = no_cache / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("CARBONPATH_CACHE_DIR", str(blocker / "sub"))  # mkdir must fail
    np.testing.assert_array_equal(pv_output_kw_per_kwp(*CHENGDU, 2025, seed=9), expected)


def test_pv_cache_hit_does_not_import_pvlib(no_cache: Path) -> None:
    pv_output_kw_per_kwp(*CHENGDU, 2025, seed=11)  # populate
    code = ("import sys\nfrom planner.profiles.build import pv_output_kw_per_kwp\n"
            "pv = pv_output_kw_per_kwp(30.67, 104.06, 2025, seed=11)\n"
            "print(pv.sum(), 'pvlib' in sys.modules, 'scipy' in sys.modules)")
    env = {**os.environ, "CARBONPATH_CACHE_DIR": str(no_cache)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    assert out[1:] == ["False", "False"]


# --------------------------------------------------------------------------- CSV


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def values_text(header: str, values: list[str]) -> str:
    return header + "\n" + "\n".join(values) + "\n"


GOOD = [f"{100 + (h % 24) * 0.5:.1f}" for h in range(HOURS_PER_YEAR)]


def test_read_csv_one_column_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, "load.csv", values_text("load_kw", GOOD) + "\n\n")
    values, unit = read_hourly_csv(path, allowed_units=("kw",), what="load profile")
    assert unit == "kw"
    assert values.dtype == np.float64
    np.testing.assert_array_equal(values, [float(v) for v in GOOD])


def test_read_csv_two_columns_bom_and_case(tmp_path: Path) -> None:
    idx = typical_year_index(2025)
    rows = [f"{ts:%Y-%m-%d %H:%M},{h * 0.001:.3f}" for h, ts in enumerate(idx)]
    text = "\ufefftime,PV_kW_per_kWp\n" + "\n".join(rows) + "\n"
    path = write(tmp_path, "pv.csv", text)
    values, unit = read_hourly_csv(path, allowed_units=("kw_per_kwp",), what="PV profile")
    assert unit == "kw_per_kwp"
    assert values[1234] == pytest.approx(1.234, abs=1e-12)


def test_read_csv_picks_the_longest_matching_unit(tmp_path: Path) -> None:
    path = write(tmp_path, "ghi.csv", values_text("ghi_w_per_m2", GOOD))
    _, unit = read_hourly_csv(path, allowed_units=("m2", "w_per_m2"), what="irradiance")
    assert unit == "w_per_m2"


def with_row(index: int, value: str) -> list[str]:
    rows = list(GOOD)
    rows[index] = value
    return rows


BAD_CASES = {
    "directory": (None, ["is a directory", "path of the CSV file"]),
    "missing": ("<missing>", ["file not found", "check the path"]),
    "not_utf8": ("负荷_kw\n1\n".encode("gbk"), ["not UTF-8", "row 1", "CSV UTF-8"]),
    "empty": ("", ["empty", "8760 values"]),
    "blank_only": ("\n\n  \n", ["empty"]),
    "no_header": ("\n".join(GOOD) + "\n", ["no header", "load_kw"]),
    "wrong_unit": (values_text("load_mw", GOOD), ["'load_mw'", "'_kw'", "rename"]),
    "semicolons": (values_text("time;load_kw", GOOD), ["';'", "','"]),
    "three_columns": (values_text("a,b,load_kw", GOOD), ["3 columns", "expected 1 or 2"]),
    "too_few_rows": (values_text("load_kw", GOOD[:-1]), ["found 8759", "8760", "Feb 29"]),
    "leap_year": (values_text("load_kw", GOOD + GOOD[:24]),
                  ["found 8784", "leap year", "8760", "Feb 29"]),
    "gap_one_column": (values_text("load_kw", with_row(99, "")), ["gap", "row 101", "fill"]),
    "gap_two_columns": ("t,load_kw\n" + "\n".join(f"{h}," if h == 5 else f"{h},{v}"
                                                   for h, v in enumerate(GOOD)) + "\n",
                        ["gap", "row 7"]),
    "ragged_row": ("t,load_kw\n" + "\n".join(f"{h},{v},9" if h == 40 else f"{h},{v}"
                                             for h, v in enumerate(GOOD)) + "\n",
                   ["row 42", "3 columns"]),
    "text": (values_text("load_kw", with_row(10, "12 kW")), ["'12 kW'", "not a number",
                                                             "row 12", "plain numbers"]),
    "decimal_comma": (values_text("load_kw", with_row(0, '"1,5"')), ["not a number", "row 2",
                                                                     "'.'"]),
    "nan": (values_text("load_kw", with_row(500, "NaN")), ["NaN", "row 502", "replace"]),
    "inf": (values_text("load_kw", with_row(8759, "inf")), ["infinite", "row 8761"]),
    "negative": (values_text("load_kw", with_row(3, "-2.5")), ["negative", "-2.5", "row 5",
                                                               ">= 0"]),
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_read_csv_bad_files(tmp_path: Path, case: str) -> None:
    content, expected = BAD_CASES[case]
    if content is None:
        path = tmp_path / "folder.csv"
        path.mkdir()
    elif content == "<missing>":
        path = tmp_path / "nowhere.csv"
    else:
        path = write(tmp_path, f"{case}.csv", content)
    with pytest.raises(HourlyCsvError) as info:
        read_hourly_csv(path, allowed_units=("kw",), what="load profile")
    exc = info.value
    text = str(exc)
    assert exc.path == path
    assert text.startswith(f"{path}: load profile: ")
    assert ". Fix: " in text
    assert exc.hint
    assert exc.hint in text
    for fragment in expected:
        assert fragment in text, (fragment, text)


def test_hourly_csv_error_pickles() -> None:
    exc = HourlyCsvError(Path("a.csv"), "bad row 3", "fix it")
    again = pickle.loads(pickle.dumps(exc))
    assert str(again) == str(exc) == "a.csv: bad row 3. Fix: fix it"
    assert isinstance(again, ValueError)


# --------------------------------------------------------------------------- TOU


def month_hour(multiplier: np.ndarray, month: int, hour: int, year: int = 2025) -> set[float]:
    idx = typical_year_index(year)
    mask = (idx.month == month) & (idx.hour == hour)
    return set(multiplier[mask].tolist())


def test_sichuan_2023_preset() -> None:
    m = tou_multiplier(tou_preset("sichuan-2023"), 2025)
    assert m.shape == (HOURS_PER_YEAR,)
    assert month_hour(m, 3, 10) == {1.6}
    assert month_hour(m, 3, 3) == {0.4}
    assert month_hour(m, 3, 23) == {0.4}
    assert month_hour(m, 3, 8) == {1.0}
    assert month_hour(m, 7, 16) == {1.92}
    assert month_hour(m, 3, 16) == {1.6}
    assert month_hour(m, 12, 19) == {1.92}
    assert month_hour(m, 6, 19) == {1.6}
    # 8 h peak, 8 h flat, 8 h valley outside critical months (C3).
    march = m.reshape(365, 24)[59]
    assert sorted(march.tolist()) == [0.4] * 8 + [1.0] * 8 + [1.6] * 8
    assert cheapest_block_start(m) == 23


def test_zhejiang_2025_preset() -> None:
    m = tou_multiplier(tou_preset("zhejiang-2025"), 2025)
    assert month_hour(m, 4, 12) == {0.4}
    assert month_hour(m, 4, 20) == {1.85}
    assert month_hour(m, 4, 8) == {1.0}
    assert month_hour(m, 7, 19) == {2.05}
    assert month_hour(m, 7, 22) == {1.85}
    assert month_hour(m, 7, 23) == {1.0}
    assert cheapest_block_start(m) == 0  # 00-07 (7 h) beats 11-14 (3 h)


def test_flat_preset_and_cheapest_block() -> None:
    assert tou_preset("flat") == ()
    m = tou_multiplier(tou_preset("flat"), 2024)
    assert (m == 1.0).all()
    assert cheapest_block_start(m) == 0


def test_later_period_wins_and_unknown_preset() -> None:
    periods = [TouPeriod("peak", (10, 11), 1.5), TouPeriod("critical", (11,), 2.0, (6,))]
    m = tou_multiplier(periods, 2025)
    assert month_hour(m, 6, 11) == {2.0}
    assert month_hour(m, 5, 11) == {1.5}
    assert month_hour(m, 6, 10) == {1.5}
    reversed_m = tou_multiplier(periods[::-1], 2025)
    assert month_hour(reversed_m, 6, 11) == {1.5}
    with pytest.raises(KeyError, match="sichuan-2023"):
        tou_preset("atlantis")
    with pytest.raises(ValueError, match="hours"):
        TouPeriod("bad", (24,), 1.0)


def test_cheapest_block_cyclic_and_ties() -> None:
    day = np.ones(24)
    day[[22, 23, 0, 1]] = 0.5
    day[[12]] = 0.5
    assert cheapest_block_start(np.tile(day, 365)) == 22
    day = np.ones(24)
    day[[3, 4, 15, 16]] = 0.3
    assert cheapest_block_start(np.tile(day, 2)) == 3  # tie: earliest
    with pytest.raises(ValueError, match="multiple of 24"):
        cheapest_block_start(np.ones(25))


def test_presets_file_carries_source_and_mark() -> None:
    data = tomllib.loads((Path(pr.__file__).parents[1] / "data" / "tou_presets.toml")
                         .read_text(encoding="utf-8"))["presets"]
    assert set(data) == set(TOU_PRESETS) >= {"flat", "sichuan-2023", "zhejiang-2025"}
    for preset in data.values():
        assert preset["mark"] in {"V", "S", "U"}
        assert preset["source"]
        for period in preset["periods"]:
            assert period["mark"] in {"V", "S", "U"}
            assert period["source"]
    # The final notice (浙发改价格〔2026〕112号) confirmed the draft hours (docs/sources.md K4.2).
    assert data["zhejiang-2025"]["draft"] is False
