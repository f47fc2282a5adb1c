"""The command line: through click's test runner, and once as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import REPO

EXAMPLE = REPO / "scenarios" / "food_zhejiang.toml"


@pytest.fixture
def solved(food_run):
    """``plan food_zhejiang.toml --out DIR``, solved once per session (tests/conftest.py)."""
    return food_run


def test_plan_prints_the_roadmap_and_writes_tables(solved):
    res, out = solved
    assert res.exit_code == 0, res.output
    assert "Roadmap" in res.output and "NPV of the plan" in res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [".carbonpath", "cash_parts.csv", "cashflow.csv", "costs.csv",
                     "emissions.csv", "energy.csv", "finance.csv", "macc.csv", "measures.csv",
                     "pathways.csv", "plan.xlsx",
                     "report.html", "roadmap.csv", "rules.csv", "summary.json", "verdicts.csv"]
    road = pd.read_csv(out / "roadmap.csv")
    assert list(road["year"]) == list(range(2025, 2061))
    assert {"scope1_t", "scope2_market_t", "net_t", "capex_cny"} <= set(road.columns)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["net_zero_year_reached"] <= 2050
    assert summary["proven_optimal"] is True
    # The roadmap's net column is the accounting identity of its scope columns
    # (to the 12 significant digits written).
    ident = road["scope1_t"] + road["scope2_market_t"] - road["credits_t"] - road["removals_t"]
    assert (ident - road["net_t"]).abs().max() < 1e-9 * road["scope1_t"].abs().max()


def test_json_flag_prints_only_json(food_run_json):
    res, _ = food_run_json
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["scenario"].startswith("Food plant")


def test_validate_accepts_every_example():
    files = sorted(str(p) for p in (REPO / "scenarios").glob("*.toml"))
    assert len(files) >= 3
    res = CliRunner().invoke(main, ["validate", *files])
    assert res.exit_code == 0, res.output
    assert res.output.count("ok: ") == len(files)


def test_init_writes_a_template_that_validates(tmp_path):
    path = tmp_path / "mine.toml"
    runner = CliRunner()
    res = runner.invoke(main, ["init", str(path)])
    assert res.exit_code == 0 and path.exists()
    res = runner.invoke(main, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    again = runner.invoke(main, ["init", str(path)])
    assert again.exit_code == 2 and "--force" in again.output


def test_bad_scenario_gives_one_clear_message_and_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    text = EXAMPLE.read_text().replace("electricity_mwh = 10000", "electricity_mwh = \"ten\"")
    text = text.replace("net_zero_year = 2050", "net_zero_yaer = 2050")
    bad.write_text(text)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, [str(bad), "--out", str(out)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "demand.electricity_mwh" in res.output
    assert "did you mean 'net_zero_year'" in res.output
    assert not out.exists()


def test_missing_file_is_an_input_error(tmp_path):
    res = CliRunner().invoke(main, [str(tmp_path / "nope.toml")])
    assert res.exit_code == 2 and "file not found" in res.output


def test_installed_plan_command_runs_as_a_subprocess(tmp_path):
    exe = shutil.which("plan", path=str(Path(sys.executable).parent))
    assert exe, "the console script `plan` is not installed next to this Python"
    proc = subprocess.run([exe, "validate", str(EXAMPLE)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: ")
