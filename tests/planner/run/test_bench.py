"""Benchmark harness and `plan tune`: a smoke run on the tiny scenario (CI-sized)."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w
from click.testing import CliRunner

from cli import main
from planner.base.errors import CarbonpathError
from planner.base.schema import SolverSettings
from planner.run.bench import parse_grid, run_grid, solver_block, tune
from tests.conftest import tiny_raw


@pytest.fixture
def tiny_file(tmp_path):
    raw = tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}],
                   measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 1e5,
                             "lifetime_years": 10, "electricity_saving_share": 0.1}])
    path = tmp_path / "tiny.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


def test_grid_is_full_factorial_and_typed():
    grid = parse_grid(["mip_rel_gap=1e-4,1e-3", "presolve=on,off", "threads=1"])
    assert len(grid) == 4
    assert {"mip_rel_gap": 1e-3, "presolve": "off", "threads": 1} in grid
    assert isinstance(grid[0]["threads"], int)


@pytest.mark.parametrize("spec", ["mip_gap=1e-4", "presolve=maybe", "threads=many", "nonsense"])
def test_bad_grid_is_a_clear_error(spec):
    with pytest.raises(CarbonpathError, match="--grid"):
        parse_grid([spec])


def test_run_grid_and_tune_pick_a_setting_that_meets_the_gap(tiny_file):
    table = run_grid([tiny_file], parse_grid(["presolve=on,off"]), repeats=1)
    assert len(table) == 2 and (table["status"] == "optimal").all()
    # Both settings find the same optimum.
    assert table["objective_cny"].max() - table["objective_cny"].min() < 1e-6 * abs(
        table["objective_cny"].iloc[0])
    best, ranking = tune(table, 1e-4)
    assert best in set(table["setting"])
    assert ranking.iloc[0]["setting"] == best
    with pytest.raises(CarbonpathError):
        tune(table.assign(gap=1.0), 1e-4)


def test_solver_block_is_pasteable_toml():
    block = solver_block("mip_rel_gap=0.001,presolve=off")
    parsed = tomllib.loads(block)["solver"]
    settings = SolverSettings.model_validate(parsed)
    assert settings.mip_rel_gap == 1e-3 and settings.presolve == "off"


def test_plan_tune_prints_a_solver_block(tiny_file):
    res = CliRunner().invoke(main, ["tune", str(tiny_file), "--grid", "presolve=on,off",
                                    "--repeats", "1"])
    assert res.exit_code == 0, res.output
    block = res.stdout[res.stdout.index("[solver]"):]
    SolverSettings.model_validate(tomllib.loads(block)["solver"])


def test_plan_bench_quick_writes_csv(tiny_file, tmp_path):
    out = tmp_path / "results"
    res = CliRunner().invoke(main, ["bench", "--case", str(tiny_file), "--quick", "--out",
                                    str(out)])
    assert res.exit_code == 0, res.output
    text = (out / "bench.csv").read_text()
    assert text.startswith("case,setting,repeats,wall_s")
