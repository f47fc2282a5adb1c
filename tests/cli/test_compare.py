"""`plan compare`, `--json` and `--lang zh` through click's runner."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
import tomli_w
from click.testing import CliRunner

from cli import main
from tests.conftest import REPO, tiny_raw


@pytest.fixture
def tiny_files(tmp_path):
    """Two tiny plants: the second has a cheap efficiency measure the first lacks."""
    credit = [{"id": "ccer", "price_cny_per_t": 100.0}]
    a = tiny_raw(credit=credit)
    b = tiny_raw(credit=credit, measure=[{"id": "eff", "pathway": "efficiency",
                                          "capex_cny": 100000.0, "lifetime_years": 10,
                                          "electricity_saving_share": 0.1}])
    b["scenario"]["name"] = "tiny with eff"
    paths = []
    for name, raw in (("a.toml", a), ("b.toml", b)):
        path = tmp_path / name
        path.write_text(tomli_w.dumps(raw))
        paths.append(str(path))
    return paths


def test_compare_json_parses_and_marks_differences(tiny_files):
    res = CliRunner().invoke(main, ["compare", *tiny_files, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["scenarios"] == ["tiny", "tiny with eff"]
    npv = data["figures"]["npv_plan_cny"]
    assert npv["tiny"] > npv["tiny with eff"]  # the measure saves money
    assert data["differs"]["npv_plan_cny"] == ["tiny with eff"]
    assert data["figures"]["build_years:eff"] == {"tiny": "", "tiny with eff": "2025"}
    assert data["differs"]["net_zero_year_reached"] == []  # both reach it in 2029


def test_run_json_has_the_finance_figures(tiny_files):
    res = CliRunner().invoke(main, ["run", tiny_files[1], "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert {"irr", "discounted_payback_year", "levelised_abatement_cost_cny_per_t",
            "npv_savings_cny", "npv_plan_cny"} <= set(data)


def test_run_lang_zh_prints_chinese_labels(tiny_files, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", tiny_files[1], "--lang", "zh", "--out", str(out)],
                             terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "路线图" in res.output and "规划总成本净现值" in res.output
    assert "结果已写入" in res.output
    assert "路线图" in openpyxl.load_workbook(out / "plan.xlsx").sheetnames
    assert "关键指标" in (out / "report.html").read_text(encoding="utf-8")


def test_compare_example_and_a_variant_in_parallel_writes_csv_and_workbook(tmp_path):
    """The electronics plant against itself with net zero five years later (fast to solve)."""
    base = REPO / "scenarios" / "electronics_jiangsu.toml"
    later = tmp_path / "electronics_2050.toml"
    text = base.read_text(encoding="utf-8")
    later.write_text(text.replace("net_zero_year = 2045", "net_zero_year = 2050").replace(
        'name = "Electronics plant, Suzhou (Jiangsu)"', 'name = "Electronics, net zero 2050"'),
        encoding="utf-8")
    out = tmp_path / "cmp"
    res = CliRunner().invoke(main, ["compare", str(base), str(later), "--out", str(out),
                                    "--lang", "zh"], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "情景比较" in res.output and "实现净零年份" in res.output
    table = pd.read_csv(out / "compare.csv").set_index("figure")
    names = ["Electronics plant, Suzhou (Jiangsu)", "Electronics, net zero 2050"]
    assert list(table.columns[:2]) == names
    assert table.loc["net_zero_year_reached", names[0]] == "2045"
    assert table.loc["net_zero_year_reached", names[1]] == "2050"
    assert {"net_t_2030", "net_t_2035", "net_t_2040", "build_years:led"} <= set(table.index)
    assert str(table.loc["net_zero_year_reached", f"differs:{names[1]}"]) == "True"
    # A later target cannot cost more: the earlier plan is feasible for it.
    assert float(table.loc["npv_plan_cny", names[1]]) <= float(
        table.loc["npv_plan_cny", names[0]]) * (1 + 1e-6)
    wb = openpyxl.load_workbook(out / "compare.xlsx")
    assert wb.sheetnames == ["情景比较"]
    assert wb["情景比较"].freeze_panes == "A2"


def test_compare_needs_two_scenarios(tiny_files):
    res = CliRunner().invoke(main, ["compare", tiny_files[0]])
    assert res.exit_code == 2
