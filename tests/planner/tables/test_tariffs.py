"""planner.tables.tariffs: bills as they are (issue 12, item 3).

Only the floating components of a bill are multiplied by the time-of-use ratio; the
others are added flat. Expected prices below are computed by hand from the source numbers
(quoted in each comment), never read back from the code. An hour is picked by its month
and hour of day in the typical year (Feb 29 dropped), so every day of that month agrees.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

import planner.tables.tariffs as tariffs
from planner.base.hours import typical_year_index
from planner.base.schema import Grid
from planner.inputs.build import build_inputs
from planner.scenario.read import parse_scenario
from planner.tables.tariffs import (
    COMPONENTS,
    TOU_PRESETS,
    TouPeriod,
    grid_prices,
    import_price_cny_per_kwh,
    tou_multiplier,
    tou_multiplier_by_year,
    tou_preset,
    tou_preset_info,
)
from tests.conftest import tiny_raw


def at(values_h: np.ndarray, month: int, hour: int, year: int = 2025) -> float:
    """The single value of an hourly array at `hour` on every day of `month`."""
    idx = typical_year_index(year)
    cell = set(values_h[(idx.month == month) & (idx.hour == hour)].round(12).tolist())
    assert len(cell) == 1, f"month {month} hour {hour} takes several values {cell}"
    return cell.pop()


def grid(**keys: object) -> Grid:
    return Grid.model_validate({"ef_t_per_mwh": 0.5, **keys})


# --------------------------------------------------------------------------- Jiangsu

# A Jiangsu two-part user's bill, 1-10 kV (test inputs; the T&D figure is the 4th-period
# Jiangsu 1-10 kV price 0.1298, docs/sources.md K3): energy 0.40 floats; T&D 0.1298,
# system operation 0.03 and funds 0.04 are flat, 0.1998 in all.
JIANGSU = {"price_cny_per_kwh": 0.40, "transmission_cny_per_kwh": 0.1298,
           "system_operation_cny_per_kwh": 0.03, "funds_cny_per_kwh": 0.04,
           "tou_preset": "jiangsu-2025"}


def test_jiangsu_critical_peak_in_july_floats_only_the_energy() -> None:
    p = grid_prices(grid(**JIANGSU), [2025]).import_cny_per_kwh_yh[0]
    # 426号: peak +80 % (two-part) -> 1.8; critical = peak x 1.2 = 2.16, Jul 14-15.
    # 0.40 x 2.16 + 0.1998 = 0.864 + 0.1998 = 1.0638
    assert at(p, 7, 14) == pytest.approx(1.0638, abs=1e-12)
    # 19:30-21:30 critical: 19:00-20:00 is half peak, half critical: 0.40 x 1.98 + 0.1998
    assert at(p, 7, 19) == pytest.approx(0.9918, abs=1e-12)
    assert at(p, 7, 20) == pytest.approx(1.0638, abs=1e-12)
    # Peak 14-22 in June has no critical hour: 0.40 x 1.8 + 0.1998 = 0.9198
    assert at(p, 6, 14) == pytest.approx(0.9198, abs=1e-12)
    # Valley -65 %: 0.40 x 0.35 + 0.1998 = 0.3398 (summer 00-06 and 11-13)
    assert at(p, 7, 3) == pytest.approx(0.3398, abs=1e-12)
    assert at(p, 7, 12) == pytest.approx(0.3398, abs=1e-12)
    # Spring: valley 10-14, peak 15-22; 14:00 is valley, 15:00 peak, 08:00 flat (0.5998)
    assert at(p, 4, 13) == pytest.approx(0.3398, abs=1e-12)
    assert at(p, 4, 15) == pytest.approx(0.9198, abs=1e-12)
    assert at(p, 4, 8) == pytest.approx(0.5998, abs=1e-12)
    # Winter critical Dec-Jan 18-20; February has none.
    assert at(p, 12, 18) == pytest.approx(1.0638, abs=1e-12)
    assert at(p, 2, 18) == pytest.approx(0.9198, abs=1e-12)


def test_flat_components_shrink_the_spread_the_old_model_overstated() -> None:
    # The same total flat-hour price 0.5998 floating in full (the former model) gives the
    # policy ratio 1.8 / 0.35 = 5.14; with only the energy floating the bill's peak/valley
    # ratio is 0.9198 / 0.3398 = 2.707.
    whole = grid_prices(grid(price_cny_per_kwh=0.5998, tou_preset="jiangsu-2025"), [2025])
    parts = grid_prices(grid(**JIANGSU), [2025])
    w, p = whole.import_cny_per_kwh_yh[0], parts.import_cny_per_kwh_yh[0]
    assert at(w, 6, 14) / at(w, 6, 3) == pytest.approx(1.8 / 0.35, rel=1e-12)
    assert at(p, 6, 14) / at(p, 6, 3) == pytest.approx(0.9198 / 0.3398, rel=1e-12)
    assert at(w, 6, 8) == at(p, 6, 8) == pytest.approx(0.5998, abs=1e-12)  # flat hours agree


# --------------------------------------------------------------------------- Hubei

def test_hubei_reproduces_the_published_jan_2026_price_table() -> None:
    # State Grid Hubei agent-purchase table, Jan 2026, two-part 1-10 kV (docs/sources.md K4.6,
    # S): base = purchase 0.384470 + line loss 0.013643 = 0.398113 floats; T&D 0.1263,
    # system operation 0.082273, funds 0.0452 (= 0.253773) do not.
    g = grid(price_cny_per_kwh=0.398113, transmission_cny_per_kwh=0.1263,
             system_operation_cny_per_kwh=0.082273, funds_cny_per_kwh=0.0452,
             tou_preset="hubei-2024")
    p = grid_prices(g, [2026]).import_cny_per_kwh_yh[0]
    # Table: critical 1.049999, flat 0.651886, valley 0.432924 (2 x, 1 x, 0.45 x base + flat)
    assert at(p, 1, 18) == pytest.approx(1.049999, abs=1e-6)   # Jan critical 18-20
    assert at(p, 7, 20) == pytest.approx(1.049999, abs=1e-6)   # Jul critical 20-22
    assert at(p, 1, 8) == pytest.approx(0.651886, abs=1e-6)
    assert at(p, 1, 13) == pytest.approx(0.432924, abs=1e-6)   # midday valley 12-14
    # Peak 1.5 x 0.398113 + 0.253773 = 0.8509425; the table prints 0.848961 (ratio 1.495).
    assert at(p, 7, 18) == pytest.approx(0.8509425, abs=1e-9)  # Jul peak 16-20
    assert at(p, 1, 18) != at(p, 7, 18)


# --------------------------------------------------------------------------- Guangdong

def test_guangdong_floats_transmission_but_not_funds() -> None:
    # 331号: base = agent-purchase user price excl. funds. Inputs: energy 0.45, T&D 0.0979
    # (Guangdong 1-10 kV, K3), system operation 0.03 float (0.5779); funds 0.04 flat.
    g = grid(price_cny_per_kwh=0.45, transmission_cny_per_kwh=0.0979,
             system_operation_cny_per_kwh=0.03, funds_cny_per_kwh=0.04,
             tou_preset="guangdong-2021")
    p = grid_prices(g, [2025]).import_cny_per_kwh_yh[0]
    assert at(p, 8, 11) == pytest.approx(0.5779 * 1.7 * 1.25 + 0.04, abs=1e-12)  # 1.2680375
    assert at(p, 10, 11) == pytest.approx(0.5779 * 1.7 + 0.04, abs=1e-12)        # no critical
    assert at(p, 8, 3) == pytest.approx(0.5779 * 0.38 + 0.04, abs=1e-12)
    assert at(p, 8, 12) == pytest.approx(0.5779 + 0.04, abs=1e-12)
    # The user may override which components float (here: energy only).
    g2 = grid(price_cny_per_kwh=0.45, transmission_cny_per_kwh=0.0979,
              floating_components=["energy"], tou_preset="guangdong-2021")
    p2 = grid_prices(g2, [2025]).import_cny_per_kwh_yh[0]
    assert at(p2, 10, 11) == pytest.approx(0.45 * 1.7 + 0.0979, abs=1e-12)


# --------------------------------------------------------------------------- schedule change

def test_zhejiang_changes_schedule_in_july_2026() -> None:
    m = tou_multiplier_by_year(tou_preset("zhejiang-2026"), [2025, 2026, 2027])
    y2025, y2026, y2027 = m
    # 21号 (until 2026-06), summer/winter months: critical 09-11 & 15-17, peak 08-09 & 17-23.
    assert at(y2025, 7, 9) == 2.05
    assert at(y2026, 1, 19) == 1.85          # Jan 2026: old rule, evening peak
    assert at(y2026, 6, 13) == 1.85          # Jun 2026: old spring rule, 13-17 peak
    assert at(y2026, 6, 7) == 0.4            # old valley 00-08
    assert at(y2026, 6, 19) == 1.0           # old flat 17-24
    # 112号 from 2026-07: valley 11-14, critical 18-22 in Jan/Jul/Aug/Dec, flat 07-11.
    assert at(y2026, 7, 9) == 1.0
    assert at(y2026, 7, 13) == 0.4
    assert at(y2026, 7, 19) == 2.05
    assert at(y2026, 7, 7) == 1.0
    assert at(y2027, 1, 19) == 2.05          # Jan 2027: new rule
    assert at(y2027, 6, 13) == 0.4
    # The whole 2025 and 2027 years equal the single-rule presets.
    assert np.array_equal(y2025, tou_multiplier(tou_preset("zhejiang-2024"), 2025))
    assert np.array_equal(y2027, tou_multiplier(tou_preset("zhejiang-2025"), 2027))


def test_zhejiang_prices_float_every_component() -> None:
    # [zj-j1]: Zhejiang's flat price includes T&D and funds, so all of it floats:
    # (0.5 + 0.125 + 0.03) x 0.4 = 0.262 at 13:00 in July 2026 (new valley 11-14),
    # and x 1.85 = 1.21175 at 13:00 in June 2026 (old peak 13-17).
    g = grid(price_cny_per_kwh=0.5, transmission_cny_per_kwh=0.125, funds_cny_per_kwh=0.03,
             tou_preset="zhejiang-2026")
    p = grid_prices(g, [2026]).import_cny_per_kwh_yh[0]
    assert at(p, 7, 13) == pytest.approx(0.262, abs=1e-12)
    assert at(p, 6, 13) == pytest.approx(1.21175, abs=1e-12)


def test_user_periods_change_from_a_given_year_and_series_by_year() -> None:
    # Own schedule: a 1.5 peak at 18-20 until 2026-12, a 2.0 peak at 10-12 from 2027-01.
    # Energy series 0.40 (2025) -> 0.50 (2027), interpolated: 0.45 in 2026. T&D 0.10 flat.
    g = grid(price_cny_per_kwh={"2025": 0.40, "2027": 0.50}, transmission_cny_per_kwh=0.10,
             periods=[{"name": "old", "hours": [18, 19], "multiplier": 1.5,
                       "until_year": 2026},
                      {"name": "new", "hours": [10, 11], "multiplier": 2.0,
                       "from_year": 2027, "from_month": 1}])
    p = grid_prices(g, [2025, 2026, 2027]).import_cny_per_kwh_yh
    assert at(p[0], 3, 18) == pytest.approx(0.40 * 1.5 + 0.10, abs=1e-12)   # 0.70
    assert at(p[1], 12, 18) == pytest.approx(0.45 * 1.5 + 0.10, abs=1e-12)  # 0.775
    assert at(p[2], 1, 18) == pytest.approx(0.50 + 0.10, abs=1e-12)          # 0.60, flat
    assert at(p[2], 1, 10) == pytest.approx(0.50 * 2.0 + 0.10, abs=1e-12)   # 1.10
    assert at(p[1], 1, 10) == pytest.approx(0.45 + 0.10, abs=1e-12)          # 0.55


def test_schedule_change_reaches_the_engine_inputs() -> None:
    raw = tiny_raw(grid={"price_cny_per_kwh": 0.5, "transmission_cny_per_kwh": 0.1,
                         "tou_preset": "zhejiang-2026", "floating_components": ["energy"],
                         "export_price_cny_per_kwh": 0.35, "ef_t_per_mwh": 0.5})
    hd = build_inputs(parse_scenario(raw, "zj.toml")).hourly
    imp, exp = hd.import_price_cny_per_kwh_yh, hd.export_price_cny_per_kwh_yh
    assert imp.shape == exp.shape == (5, 8760)          # 2025-2029, one row a year
    assert at(imp[1], 6, 13, 2026) == pytest.approx(0.5 * 1.85 + 0.1, abs=1e-12)  # 1.025
    assert at(imp[1], 7, 13, 2026) == pytest.approx(0.5 * 0.4 + 0.1, abs=1e-12)   # 0.30
    # Export 0.35 is capped at the hour's import price: 0.30 in the valley (new 11-14 in
    # July 2026), 0.35 where import costs more (old peak 13-17 in June 2026).
    assert at(exp[1], 7, 13, 2026) == pytest.approx(0.30, abs=1e-12)
    assert at(exp[1], 6, 13, 2026) == pytest.approx(0.35, abs=1e-12)
    assert (exp <= imp).all()


def test_without_components_the_whole_price_floats_as_before() -> None:
    # Backward compatible: no component keys -> price x multiplier (0.62 x 1.92 Jul 15-17).
    p = grid_prices(grid(price_cny_per_kwh=0.62, tou_preset="sichuan-2023"), [2025])
    assert at(p.import_cny_per_kwh_yh[0], 7, 15) == pytest.approx(0.62 * 1.92, abs=1e-12)
    assert p.floating == ("energy",)
    assert p.notes == ()  # an S preset, no export: nothing to state


def test_a_preset_with_assumed_numbers_is_stated_in_the_run() -> None:
    # zhejiang-2026 assumes the 2024 ratios (U); the run says so.
    notes = grid_prices(grid(price_cny_per_kwh=0.6, tou_preset="zhejiang-2026"), [2026]).notes
    assert any("'zhejiang-2026'" in n and "(unverified, U)" in n for n in notes)


# --------------------------------------------------------------------------- presets

def test_sichuan_2025_shandong_guangdong_hours() -> None:
    s = tou_multiplier(tou_preset("sichuan-2025"), 2025)
    # 185号: Jul-Sep peak 11-18 & 20-23, flat 7-11, 18-20, 23-1, valley 1-7; critical
    # Jul-Aug 13-14 & 21-23 at 1.6 x 1.2 = 1.92.
    assert [at(s, 7, h) for h in (0, 1, 7, 12, 13, 18, 21, 23)] == [
        1.0, 0.4, 1.0, 1.6, 1.92, 1.0, 1.92, 1.0]
    assert at(s, 9, 13) == 1.6 and at(s, 3, 22) == 0.4 and at(s, 3, 8) == 1.0
    march = sorted(s.reshape(365, 24)[59].tolist())      # 1 March: 10 valley, 7 flat, 7 peak
    assert march == [0.4] * 10 + [1.0] * 7 + [1.6] * 7
    sd = tou_multiplier(tou_preset("shandong-2025"), 2025)
    # 914号 Jan: valley 2-6 & 10-15 with deep 11-14; peak 7-9 & 16-21 with critical 16-19.
    jan = sorted(sd.reshape(365, 24)[0].tolist())
    assert jan == [0.1] * 3 + [0.3] * 6 + [1.0] * 8 + [1.7] * 4 + [2.0] * 3
    assert at(sd, 7, 12) == 1.0 and at(sd, 6, 11) == 0.3 and at(sd, 9, 17) == 2.0
    assert at(sd, 9, 19) == 1.7 and at(sd, 6, 22) == 1.7 and at(sd, 6, 21) == 2.0
    gd = tou_multiplier(tou_preset("guangdong-2021"), 2025)
    assert at(gd, 12, 13) == 1.0 and at(gd, 12, 14) == 1.7 and at(gd, 9, 16) == 2.125


@pytest.mark.parametrize("name", TOU_PRESETS)
def test_every_preset_loads_with_source_mark_and_valid_floating(name: str) -> None:
    preset = tou_preset_info(name)
    assert preset.mark in {"V", "S", "U"} and preset.source and preset.description
    assert preset.floating and set(preset.floating) <= set(COMPONENTS)
    assert "energy" in preset.floating
    m = tou_multiplier_by_year(preset.periods, [2024, 2026, 2030])
    assert m.shape == (3, 8760) and np.isfinite(m).all() and (m > 0).all()


def test_presets_file_marks_every_period_and_the_required_provinces_exist() -> None:
    data = tomllib.loads((Path(tariffs.__file__).parents[1] / "data" / "tou_presets.toml")
                         .read_text(encoding="utf-8"))["presets"]
    assert {"jiangsu-2025", "zhejiang-2026", "shandong-2025", "sichuan-2025",
            "guangdong-2021", "hubei-2024"} <= set(data)
    for name, preset in data.items():
        assert preset.get("floating_mark", "V" if name == "flat" else None) in {"V", "S", "U"}
        for period in preset["periods"]:
            assert period["mark"] in {"V", "S", "U"} and period["source"], (name, period)
            # the preset's mark is the weakest: no period is weaker than its preset
            assert "VSU".index(period["mark"]) <= "VSU".index(preset["mark"]), (name, period)
    # An assumed number is labelled: zhejiang-2024's ratios were not read.
    assert data["zhejiang-2024"]["multiplier_mark"] == "U"


def test_period_window_validation() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        TouPeriod("x", (1,), 1.2, from_year=2027, until_year=2026)
    with pytest.raises(ValueError, match="month"):
        TouPeriod("x", (1,), 1.2, from_year=2027, from_month=13)
    p = TouPeriod("x", (1,), 1.2, from_year=2026, from_month=7, until_year=2026,
                  until_month=8)
    assert [m for m in range(1, 13) if p.in_force(2026, m)] == [7, 8]
    assert not p.in_force(2025, 7) and not p.in_force(2027, 7)
    with pytest.raises(ValueError, match="unknown tariff components"):
        import_price_cny_per_kwh(np.ones((1, 8760)), {"energy": np.ones(1)}, ("fuel",))
