"""The group file: validation with file, key path and fix (exit 2, nothing written), the
coupling read from it, and `plan group` end to end on two tiny plants."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from click.testing import CliRunner

from cli import main
from planner.base.errors import ScenarioError
from planner.group.spec import load_group
from tests.group_helpers import process_plant


def _write(path: Path, raw: dict) -> Path:
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


def _group(tmp_path: Path, extra: str = "", plants: tuple[str, ...] = ("a.toml", "b.toml")
           ) -> Path:
    lines = ['[group]\nname = "two plants"\n']
    lines += [f'[[plant]]\nfile = "{p}"\n' for p in plants]
    lines.append(extra)
    path = tmp_path / "group.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def two_plants(tmp_path: Path) -> Path:
    _write(tmp_path / "a.toml", process_plant(50_000.0, earliest=2026))
    _write(tmp_path / "b.toml", process_plant(200_000.0, earliest=2026))
    return tmp_path


def test_the_coupling_is_read_from_the_group_file(two_plants):
    path = _group(two_plants, '[target]\nnet_zero_year = 2027\nmax_credit_share = 0.2\n'
                              '[budget]\ncapex_cny_per_year = {2025 = 1e5, 2026 = 3e5}\n'
                              '[pool]\ncredits_t_per_year = 400\n')
    g = load_group(path)
    assert [p.name for p in g.plants] == ["a", "b"]
    assert g.base_emissions_t == pytest.approx(2000.0)
    # Linear from 2025 to net zero in 2027: 2026 is half-way.
    np.testing.assert_allclose(g.coupling.net_cap_t_y, [2000.0, 1000.0])
    np.testing.assert_allclose(g.coupling.credit_cap_t_y, [400.0, 400.0])
    np.testing.assert_allclose(g.coupling.capex_budget_cny_y, [1e5, 3e5])
    np.testing.assert_allclose(g.coupling.credit_pool_t_y, [400.0, 400.0])
    assert np.isinf(g.coupling.removal_pool_t_y).all()


def _fails(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_group(path)
    assert Path(err.value.file) == path
    return [p.render() for p in err.value.problems]


def test_a_plant_files_problem_names_the_plant_file_and_its_key(two_plants):
    raw = process_plant(50_000.0)
    raw["scenario"]["discount_rate"] = "high"
    _write(two_plants / "b.toml", raw)
    (msg,) = _fails(_group(two_plants))
    assert msg.startswith(f"plant[2] ({two_plants / 'b.toml'}): scenario.discount_rate")
    assert "Fix:" in msg


def test_missing_plant_file_unknown_key_and_duplicate_names(two_plants):
    msgs = _fails(_group(two_plants, '[pool]\ncredit_t = 5\n'))
    assert msgs == ["pool.credit_t: unknown key. Fix: remove it."]
    msgs = _fails(_group(two_plants, plants=("a.toml", "c.toml", "a.toml")))
    assert msgs[0].startswith(f"plant[2] ({two_plants / 'c.toml'}): file not found")
    assert msgs[1].startswith("plant[3].file: 'a' is already the name of plant[1]")


def test_plants_must_share_the_horizon(two_plants):
    _write(two_plants / "b.toml", process_plant(1.0, end_year=2027))
    (msg,) = _fails(_group(two_plants))
    assert "runs 2025-2027 while plant[1]" in msg
    assert "share one horizon" in msg


def test_bad_group_file_exits_2_without_traceback_and_writes_nothing(two_plants):
    out = two_plants / "out"
    res = CliRunner().invoke(main, ["group", str(_group(two_plants, "[target]\n")),
                                    "--out", str(out), "--workers", "1"])
    assert res.exit_code == 2
    assert "target.net_zero_year: required key is missing" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_plan_group_writes_the_group_and_plant_folders(two_plants):
    # The hand case of test_cases.py: A (50 CNY/t) cuts, B (200 CNY/t) need not.
    path = _group(two_plants, "[target]\nnet_zero_year = 2027\n")
    out = two_plants / "out"
    res = CliRunner().invoke(main, ["group", str(path), "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["a", "b", "group"]
    assert (out / "a" / "roadmap.csv").is_file() and (out / "b" / "summary.json").is_file()
    summary = json.loads((out / "group" / "group_summary.json").read_text())
    assert summary["npv_saved_by_planning_jointly_cny"] == pytest.approx(200_000 / 1.05,
                                                                         rel=1e-6)
    import pandas as pd

    road = pd.read_csv(out / "group" / "group_roadmap.csv")
    assert road["plants_acting"].fillna("").tolist() == ["", "a"]
    assert road["net_t"].tolist() == pytest.approx([2000.0, 1000.0], abs=1e-6)
    value = pd.read_csv(out / "group" / "group_value.csv")
    assert value["plant"].tolist() == ["a", "b", "group"]
    # The joint NPVs add up to the group's, and match each plant's own summary.
    a_sum = json.loads((out / "a" / "summary.json").read_text())
    assert value["npv_joint_cny"][0] == pytest.approx(a_sum["npv_plan_cny"], rel=1e-9)
    assert value["npv_joint_cny"][2] == pytest.approx(value["npv_joint_cny"][:2].sum())
    # Every column and summary key written is documented (docs/outputs.md).
    from tests.conftest import REPO

    outputs_md = (REPO / "docs" / "outputs.md").read_text(encoding="utf-8")
    names = set(road.columns) | set(value.columns) | set(summary)
    names |= set(pd.read_csv(out / "group" / "group_allocation.csv").columns)
    assert sorted(n for n in names if f"`{n}`" not in outputs_md) == []


def test_the_group_tables_print_in_chinese(two_plants):
    from rich.console import Console

    from planner.group.solve import solve_group_file
    from planner.report.group_files import print_group

    run = solve_group_file(load_group(_group(two_plants, "[target]\nnet_zero_year = 2027\n")),
                           scheduler="synchronous")
    console = Console(record=True, width=200)
    print_group(run, console, "zh")
    text = console.export_text()
    assert "集团路线图" in text and "统筹节省净现值" in text and "行动的工厂" in text
    # The saving row: B's measure, avoided (200 000 CNY in 2026 = 0.19 M today).
    assert "0.19 M" in text
