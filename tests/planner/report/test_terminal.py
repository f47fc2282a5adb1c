"""The terminal never loses a column: tables split into parts at 60, 80, 120, 200 cells
and in a pipe, every header and every figure printed whole."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from planner.report.term_fit import fit_table, print_fitted
from planner.report.terminal import levers_table, print_plan, roadmap_table

WIDTHS = (60, 80, 120, 200)

# Long measure names and figures that are all different, so that each one found in the
# output can only come from its own cell.
ROADMAP = pd.DataFrame({
    "year": [2025, 2026, 2027],
    "measures_built": ["compressed_air_leak_repair;boiler_economiser", "", "heat_pump"],
    "pv_added_kw": [1234.0, 0.0, 0.0],
    "battery_added_kwh": [0.0, 5678.0, 0.0],
    "scope1_t": [11902.0, 11803.0, 1610.0],
    "scope2_location_t": [4380.0, 4381.0, 4382.0],
    "certificates_mwh": [0.0, 0.0, 2717.0],
    "scope2_market_t": [4379.0, 4377.0, 3.0],
    "credits_t": [0.0, 148.0, 0.0],
    "removals_t": [0.0, 0.0, 77.0],
    "net_t": [16281.0, 16032.0, 1536.0],
    "allowed_t": [17055.0, float("inf"), 15691.0],
    "capex_cny": [14_830_000.0, 0.0, 800_000.0],
    "opex_cny": [8_690_000.0, 8_700_000.0, 8_310_000.0],
})
MEASURES = pd.DataFrame({"measure": ["compressed_air_leak_repair", "boiler_economiser",
                                     "heat_pump"],
                         "name": ["Compressed-air leak repair", "Boiler economiser", ""]})
EN_HEADERS = ["Year", "Built", "PV +kW", "Batt +kWh", "Scope 1 t", "Scope 2 location t",
              "Certificates MWh", "Scope 2 market t", "Credits t", "Removals t", "Net t",
              "Allowed t", "Capex M¥", "Opex incl. energy M¥"]
# every figure of ROADMAP as the roadmap prints it (by hand: t and kW rounded with a
# thousands separator, money in millions with 2 decimals, inf as a dash)
FIGURES = ["1,234", "5,678", "11,902", "11,803", "1,610", "4,380", "4,381", "4,382", "2,717",
           "4,379", "4,377", "148", "77", "16,281", "16,032", "1,536", "17,055", "15,691",
           "14.83", "0.80", "8.69", "8.70", "8.31", "—"]


def _render(renderable_print, width: int | None) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, legacy_windows=False)
    renderable_print(console)
    return buf.getvalue()


def _parts(out: str) -> list[list[str]]:
    """Each printed table as its lines, top border to bottom border."""
    parts: list[list[str]] = []
    inside = False
    for line in out.splitlines():
        if line.startswith(("┏", "┌")):
            parts.append([])
            inside = True
        if inside:
            parts[-1].append(line)
        if line.startswith("└"):
            inside = False
    return parts


def _header_text(part: list[str]) -> list[str]:
    """The words of a part's header cells, column by column (wrapped headers rejoined)."""
    if not any(line.startswith("┡") for line in part):
        return []  # a table without a header row
    rows = []
    for line in part[1:]:
        if line.startswith("┡"):
            break
        rows.append([c.strip() for c in line.strip("┃").split("┃")])
    return [" ".join(w for w in col if w) for col in zip(*rows, strict=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_roadmap_keeps_every_column_and_figure(width):
    plan = SimpleNamespace(roadmap=ROADMAP, name="Test plant", measures=MEASURES)
    out = _render(lambda c: print_fitted(c, roadmap_table(plan)), width)
    assert "…" not in out
    assert max(Text(line).cell_len for line in out.splitlines()) <= width
    parts = _parts(out)
    headers = [h for p in parts for h in _header_text(p)[1:]]
    # the first column is repeated in every part, every other one is in exactly one
    assert all(_header_text(p)[0] == "Year" for p in parts)
    assert ["Year", *headers] == EN_HEADERS
    for fig in FIGURES:
        assert fig in out, fig
    for year in ("2025", "2026", "2027"):
        assert len(re.findall(rf"\b{year}\b", out)) == len(parts)
    # measures by name (the id where there is none); names wrap but every word is there
    for word in ("Compressed-air", "leak", "repair;", "Boiler", "economiser", "heat_pump"):
        assert word in out
    assert "compressed_air_leak_repair" not in out


def test_wide_terminal_shows_one_table_and_narrow_ones_split():
    plan = SimpleNamespace(roadmap=ROADMAP, name="Test plant", measures=MEASURES)
    assert len(fit_table(roadmap_table(plan), 200)) == 1
    assert len(fit_table(roadmap_table(plan), 80)) >= 2
    assert len(fit_table(roadmap_table(plan), 60)) > len(fit_table(roadmap_table(plan), 80))


def test_units_in_brackets_are_printed_not_taken_for_markup():
    finance = pd.DataFrame({"lever": ["led"], "build_years": ["2025"], "capex_cny": [1.2e6],
                            "npv_cny": [2.71e6], "abated_t": [4333.0],
                            "lcoa_cny_per_t": [-1455.0]})
    out = _render(lambda c: print_fitted(c, levers_table(SimpleNamespace(finance=finance))),
                  200)
    # "[t CO2e]" was swallowed by rich as a style tag before
    assert "Abated [t CO2e]" in out and "[CNY/t]" in out and "-1,455" in out


def test_a_pipe_gets_the_80_cell_layout(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    plan = SimpleNamespace(roadmap=ROADMAP, name="Test plant", measures=MEASURES)
    out = _render(lambda c: print_fitted(c, roadmap_table(plan)), None)  # not a terminal
    assert max(Text(line).cell_len for line in out.splitlines()) <= 80
    headers = [h for p in _parts(out) for h in _header_text(p)[1:]]
    assert len(headers) == len(EN_HEADERS) - 1


def test_a_column_wider_than_the_console_folds_instead_of_being_cut():
    t = Table(title="x")
    t.add_column("key")
    t.add_column("long", no_wrap=True)
    t.add_row("a", "9" * 50)
    out = _render(lambda c: print_fitted(c, t), 30)
    assert out.count("9") == 50 and "…" not in out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80])
def test_solved_example_prints_every_year_and_lever(example_plan_of, lang, width):
    plan = example_plan_of("food_zhejiang")
    out = _render(lambda c: print_plan(plan, c, lang), width)
    assert "…" not in out
    assert max(Text(line).cell_len for line in out.splitlines()) <= width
    road = plan.roadmap
    parts = _parts(out)
    # the roadmap's parts are the first tables printed; each lists every year
    n_road = sum(1 for p in parts if _header_text(p)[:1] in (["Year"], ["年份"]))
    assert n_road >= 2
    for y in road["year"]:
        assert len(re.findall(rf"│ {y} │", out)) >= n_road
    for v in road["net_t"]:
        assert f"{v:,.0f}" in out
    for name in plan.finance["name"]:
        for word in name.split():
            assert word in out


def test_summary_words_a_cfo_cannot_misread(example_plan_of):
    plan = example_plan_of("food_zhejiang")
    s = plan.summary
    out = " ".join(_render(lambda c: print_plan(plan, c, "en"), 100).split())  # unwrapped
    assert "NPV of the plan's costs" in out and "NPV of business-as-usual costs" in out
    assert "Plan minus BAU" not in out  # it repeated the savings with the sign flipped
    # one abatement cost, defined next to it
    assert out.count("abatement cost") == out.count("Levelised abatement cost")
    assert "Levelised abatement cost = (NPV of the plan's costs - NPV of" in out
    # the credits share with its numerator and denominator, which divide to it
    share = s["credits_total_t"] / s["emissions_abated_t"]
    assert f"{100 * share:.1f} % ({s['credits_total_t']:,.0f} t of " \
           f"{s['emissions_abated_t']:,.0f} t)" in out
    # pathway shares name their total: the pathways' tonnes add up to it
    total = sum(s["pathway_abated_t"].values())
    assert abs(total - s["emissions_abated_t"]) < 1.0
    assert f"share of {total:,.0f} t abated" in out
    assert "Energy efficiency" in out and "0-energy-efficiency" not in out


def test_verdicts_are_the_same_sentences_in_english_and_translated_in_chinese(example_plan_of):
    from planner.report.keyfigures import verdict_sentences

    plan = example_plan_of("food_zhejiang")
    s = plan.summary
    en = verdict_sentences(plan, "en")
    assert [line for line, _ in en] == s["verdicts"] and en
    zh = verdict_sentences(plan, "zh")
    assert [met for _, met in zh] == [met for _, met in en]
    for (line, met), english in zip(zh, s["verdicts"], strict=True):
        assert line.split()[0] == english.split()[0]  # the same year
        assert ("满足" in line) and (met == ("未满足" not in line))
        words = re.findall(r"[A-Za-z][A-Za-z-]{2,}", line.replace(s["standard"], ""))
        assert words == [], line  # no English sentence left (the standard's id aside)


def test_green_power_table_prints_every_year_and_figure():
    """With [[green_power]] the terminal shows certificates, green MWh counted and paid,
    and the premium in whole yuan (figures by hand, thousands separated)."""
    from planner.report.terminal import green_power_table

    road = ROADMAP.assign(green_power_mwh=[0.0, 1500.0, 2283.0],
                          green_power_paid_mwh=[0.0, 1600.0, 2400.0],
                          green_power_cny=[0.0, 9600.0, 14400.0])
    out = _render(lambda c: print_fitted(c, green_power_table(SimpleNamespace(roadmap=road))),
                  120)
    for text in ("Green-power contracts", "2,717", "1,500", "2,283", "1,600", "2,400",
                 "9,600", "14,400", "Premium ¥"):
        assert text in out, text
