"""`plan sweep` on the command line."""

from __future__ import annotations

import json

import pandas as pd
import tomli_w
from click.testing import CliRunner

from cli import main
from planner.report.sweep_files import SWEEP_FILES
from tests.planner.sweep.conftest import sweep_raw


def test_plan_sweep_writes_a_row_per_sample(sweep_file, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["sweep", str(sweep_file), "--vary", "carbon.price=0.5:2.0",
                                    "--vary", "pv.capex=0.7:1.2:triangular", "--samples", "5",
                                    "--seed", "1", "--scheduler", "synchronous",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Across successful samples" in res.output
    assert "What to do now" in res.output
    assert sorted(p.name for p in out.iterdir()) == sorted([".carbonpath", *SWEEP_FILES])
    samples = pd.read_csv(out / "samples.csv")
    assert list(samples["sample_id"]) == [1, 2, 3, 4, 5]
    assert {"carbon.price_cny_per_t_factor", "pv.capex_cny_per_kw_factor", "npv_cny",
            "measures", "regret_cny"} <= set(samples.columns)
    assert (samples["status"] == "ok").all()
    summary = json.loads((out / "sweep.json").read_text())
    assert summary["samples"] == 5
    assert summary["seed"] == 1
    html = (out / "sweep.html").read_text()
    assert "<script" in html
    assert "cdn." not in html.split("<body>")[0]


def test_sweep_section_of_the_scenario_is_used(tmp_path):
    raw = sweep_raw()
    raw["sweep"] = {"vary": ["measure[eff].capex_cny=0.5:1.5"], "samples": 3, "seed": 2}
    path = tmp_path / "with_sweep.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    res = CliRunner().invoke(main, ["sweep", str(path), "--scheduler", "synchronous", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["samples"] == 3
    assert data["vary"][0]["key"] == "measure[eff].capex_cny"
    # plain `plan` ignores the section
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 0


def test_bad_vary_is_an_input_error_with_exit_2(sweep_file, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["sweep", str(sweep_file), "--vary", "carbon.prize=0.5:2",
                                    "--scheduler", "synchronous", "--out", str(out)])
    assert res.exit_code == 2
    assert "no key 'prize' under carbon" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_all_samples_failing_gives_a_clear_message(sweep_file):
    res = CliRunner().invoke(main, ["sweep", str(sweep_file), "--vary",
                                    "credit[ccer].max_t_per_year=0.01:0.1", "--samples", "2",
                                    "--scheduler", "synchronous", "--quiet"])
    assert res.exit_code == 4
    assert "all 2 samples failed (infeasible)" in res.output


def test_unreachable_scheduler_is_a_clear_error(sweep_file, monkeypatch):
    monkeypatch.setattr("planner.sweep.runner.CONNECT_TIMEOUT", "1s")
    res = CliRunner().invoke(main, ["sweep", str(sweep_file), "--vary", "carbon.price=0.5:2",
                                    "--samples", "1", "--scheduler", "tcp://127.0.0.1:1"])
    assert res.exit_code == 2
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:1" in res.output
