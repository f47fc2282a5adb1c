"""The reference docs stay in sync with the code."""

from __future__ import annotations

import re
import tomllib
import typing

import pytest
from pydantic import BaseModel

from planner.base.schema import Scenario
from planner.profiles.build import LOAD_PATTERNS, SHAPE_KINDS, TOU_PRESETS
from planner.scenario.read import parse_scenario
from tests.conftest import REPO, tiny_raw
from tests.helpers import solve_raw

SCENARIO_MD = (REPO / "docs" / "scenario.md").read_text()
OUTPUTS_MD = (REPO / "docs" / "outputs.md").read_text()


def _inner_model(annotation: typing.Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _key_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every leaf key as `table.key`; tables keyed by id as `table.<id>.key`."""
    out = []
    for name, field in model.model_fields.items():
        path = prefix + name
        sub = _inner_model(field.annotation)
        if sub is None:
            out.append(path)
            continue
        args = (field.annotation, *typing.get_args(field.annotation))
        keyed = any(typing.get_origin(a) is dict for a in args)
        out.extend(_key_paths(sub, path + (".<id>." if keyed else ".")))
    return out


def test_every_scenario_key_is_documented():
    keys = _key_paths(Scenario)
    assert {"demand.electricity_mwh", "fuels.<id>.price_cny_per_gj",
            "measure.switch.profile", "grid.periods.months"} <= set(keys)
    missing = [k for k in keys if f"`{k}`" not in SCENARIO_MD and not _documented_in_group(k)]
    assert not missing, f"keys missing from docs/scenario.md: {missing}"


def _documented_in_group(key: str) -> bool:
    # Rows may document two keys at once ("`a.x`, `a.y`") or dict keys as `a.b.<fuel>`.
    head, _, last = key.rpartition(".")
    return bool(re.search(rf"`{re.escape(head)}\.{re.escape(last)}`", SCENARIO_MD)) or bool(
        re.search(rf"`{re.escape(key)}\.<\w+>`", SCENARIO_MD))


@pytest.mark.parametrize("name", [*LOAD_PATTERNS, *SHAPE_KINDS, *TOU_PRESETS])
def test_profile_names_are_documented(name):
    assert f"`{name}`" in SCENARIO_MD


def test_the_minimal_example_validates():
    block = re.search(r"```toml\n(.*?)```", SCENARIO_MD, flags=re.S).group(1)
    sf = parse_scenario(tomllib.loads(block), REPO / "docs" / "minimal.toml")
    assert sf.scenario.scenario.name == "Minimal plant"


def test_every_output_column_and_summary_key_is_documented():
    raw = tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    raw["scenario"]["standard"] = "iso-14068-1"
    plan = solve_raw(raw)
    assert not plan.rules.empty and not plan.verdicts.empty
    columns = set()
    for table in (plan.roadmap, plan.measures, plan.energy, plan.emissions, plan.costs,
                  plan.finance, plan.cashflow, plan.cash_parts, plan.macc, plan.pathways,
                  plan.rules, plan.verdicts):
        columns |= set(table.columns)
    columns |= set(plan.summary)
    missing = sorted(c for c in columns if f"`{c}`" not in OUTPUTS_MD)
    assert not missing, f"missing from docs/outputs.md: {missing}"


def test_every_carbon_market_column_and_summary_key_is_documented():
    """The columns that only a plant with [production], [ets] and [cbam] has (issue 16)."""
    raw = tiny_raw(
        credit=[{"id": "offset", "price_cny_per_t": 100.0}],
        production={"base_output": 1000.0},
        ets={"sector": "steel", "allowance_price_cny_per_t": 100.0,
             "benchmark_t_per_unit": 0.5, "ccer_price_cny_per_t": 60.0},
        cbam={"good": "iron_steel", "export_share": 0.5, "benchmark_t_per_unit": 0.2,
              "cny_per_eur": 8.0},
        measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 1000.0,
                  "lifetime_years": 10, "fuel_saving_share": {"natural_gas": 0.1}}])
    plan = solve_raw(raw)
    columns = set(plan.roadmap.columns) | set(plan.costs.columns) | set(plan.finance.columns)
    columns |= set(plan.summary)
    assert {"ets_cost_cny", "cbam_cost_cny", "cbam_saved_cny", "ets_cny"} <= columns
    missing = sorted(c for c in columns if f"`{c}`" not in OUTPUTS_MD)
    assert not missing, f"missing from docs/outputs.md: {missing}"


def test_every_green_power_column_and_summary_key_is_documented():
    """The columns that only a plant with [[green_power]] contracts has (issue 16, item 4)."""
    raw = tiny_raw(certificates={"price_cny_per_mwh": 30.0},
                   credit=[{"id": "ccer", "price_cny_per_t": 100.0}],
                   green_power=[{"id": "wind", "premium_cny_per_mwh": 10.0,
                                 "max_mwh_per_year": 300.0}])
    plan = solve_raw(raw)
    columns = set(plan.roadmap.columns) | set(plan.costs.columns) | set(plan.summary)
    columns |= {k for c in plan.summary["green_power_contracts"] for k in c}
    assert {"green_power_mwh", "green_power_cny", "green_power_contracts"} <= columns
    missing = sorted(c for c in columns if f"`{c}`" not in OUTPUTS_MD)
    assert not missing, f"missing from docs/outputs.md: {missing}"


# ----------------------------------------------------- the repo stands on its own (issue 13)

_TEXT_SUFFIXES = {".py", ".toml", ".csv", ".md", ".txt", ".json", ".yaml", ".yml", ".cfg"}
SOURCES_MD = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")


def _shipped_text_files() -> list:
    out = []
    for path in REPO.rglob("*"):
        rel = path.relative_to(REPO)
        if any(part.startswith(".") or part in {"__pycache__", "build", "dist"}
               or part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.is_file() and path.suffix in _TEXT_SUFFIXES and path.name != "test_docs.py":
            out.append(path)
    return out


def test_no_file_cites_a_source_sheet_outside_the_repo():
    """A user of the repo has no ../shared: sources are cited from docs/sources.md."""
    files = _shipped_text_files()
    assert any(p.name == "auto_parts_sichuan.toml" for p in files)
    bad = [str(p.relative_to(REPO)) for p in files
           if re.search(r"\.\./shared|domain-data", p.read_text(encoding="utf-8",
                                                                errors="replace"))]
    assert not bad, f"cite docs/sources.md instead of the outside sheet in: {bad}"


def _section_ids() -> set[str]:
    ids = set(re.findall(r"^#{2,3} ([A-R]\d*(?:\.\d+)?)\. ", SOURCES_MD, flags=re.M))
    ids |= set(re.findall(r"^\*\*([A-R]\d+\.\d+) ", SOURCES_MD, flags=re.M))  # K4.1 ...
    for letter in "FQ":  # numbered open items: F6, Q4 ...
        section = SOURCES_MD.split(f"\n## {letter}. ", 1)[1].split("\n## ", 1)[0]
        ids |= {letter + n for n in re.findall(r"^(\d+)\. ", section, flags=re.M)}
    return ids


def test_every_cited_section_of_sources_md_exists():
    ids = _section_ids()
    assert {"A10", "B2", "B3", "B5", "C3", "D1", "E", "H", "J1", "K4.5", "Q"} <= ids
    missing = {}
    for path in _shipped_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for ref in re.findall(r"docs/sources\.md,? (?:sections? )?([A-R]\d*(?:\.\d+)?)\b", text):
            if ref not in ids:
                missing.setdefault(str(path.relative_to(REPO)), []).append(ref)
    assert not missing, missing


def test_example_scenarios_cite_sections_that_exist():
    """Comments such as '# B2 (V)' or '# C3: ...' name sections of docs/sources.md."""
    ids = _section_ids()
    for path in [*(REPO / "scenarios").glob("*.toml"), REPO / "benchmarks" / "reference.toml"]:
        assert "docs/sources.md" in path.read_text(encoding="utf-8").split("\n[")[0], path
        for line in path.read_text(encoding="utf-8").splitlines():
            comment = line.partition("#")[2]
            for ref in re.findall(r"(?<![\w.-])([A-K]\d{1,2}(?:\.\d)?)(?=[:,;/) ]|$)", comment):
                assert ref in ids, (path.name, ref, line)
