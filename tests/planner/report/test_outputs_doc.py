"""docs/outputs.md says what the files hold: each file's columns exactly, and the
true/false columns are written `true` / `false` (issue 13 item 8)."""

from __future__ import annotations

import csv
import json
import re

import pytest

from planner.report.files import TABLES, write_plan
from tests.conftest import REPO, tiny_raw
from tests.helpers import solve_raw

OUTPUTS_MD = (REPO / "docs" / "outputs.md").read_text(encoding="utf-8")


def _documented() -> dict[str, dict[str, str]]:
    """``{file: {column: unit}}`` from each ``## file`` section's table."""
    out: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"^## (\S+\.(?:csv|json))\b.*?\n(.*?)(?=^## |\Z)", OUTPUTS_MD,
                         flags=re.M | re.S):
        cols: dict[str, str] = {}
        for line in m.group(2).splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2 or cells[0] in ("column", "key") or set(cells[0]) <= {"-"}:
                continue
            for name in re.findall(r"`([^`]+)`", cells[0]):
                cols[name] = cells[1]
        out[m.group(1)] = cols
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    # Every optional output present: a standard (rules.csv, verdicts.csv), the carbon
    # markets (their roadmap, costs, finance and summary columns; issue 16) and green power.
    raw = tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}],
                   measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 100000.0,
                             "lifetime_years": 10, "electricity_saving_share": 0.1}],
                   production={"base_output": 1000.0},
                   ets={"sector": "steel", "allowance_price_cny_per_t": 100.0,
                        "benchmark_t_per_unit": 0.5, "ccer_price_cny_per_t": 60.0},
                   cbam={"good": "cement", "export_share": 0.5, "benchmark_t_per_unit": 0.2,
                         "cny_per_eur": 8.0},
                   # and a green-power contract (its roadmap, costs and summary keys)
                   certificates={"price_cny_per_mwh": 30.0},
                   green_power=[{"id": "wind", "premium_cny_per_mwh": 10.0,
                                 "max_mwh_per_year": 300.0}])
    raw["scenario"]["standard"] = "iso-14068-1"
    # With the firm's taxable profit, so that tax_ledger.csv and its summary key are written.
    raw["tax"] = {"income_tax_rate": 0.25, "taxable_profit_cny": 1e6}
    out = tmp_path_factory.mktemp("doc") / "out"
    write_plan(solve_raw(raw), out)
    return out


def test_every_table_file_has_a_section():
    assert set(TABLES) | {"summary.json"} == set(_documented())


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_files_columns_are_exactly_the_documented_ones(written, name):
    with open(written / name, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert sorted(header) == sorted(_documented()[name]), name


def test_summary_keys_are_exactly_the_documented_ones(written):
    keys = set(json.loads((written / "summary.json").read_text(encoding="utf-8")))
    assert keys == set(_documented()["summary.json"])


def test_true_false_columns_hold_true_or_false(written):
    checked = 0
    for name, cols in _documented().items():
        flags = [c for c, unit in cols.items() if unit == "true/false"]
        if name == "summary.json":
            summary = json.loads((written / name).read_text(encoding="utf-8"))
            assert all(isinstance(summary[c], bool) for c in flags)
            continue
        with open(written / name, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for c in flags:
            values = {r[c] for r in rows}
            assert values and values <= {"true", "false"}, (name, c, values)
            checked += 1
    assert checked >= 5  # measures.chosen, rules.met/in_force, verdicts.met/claim_possible
