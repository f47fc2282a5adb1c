"""compare.xlsx and sweep.xlsx formatted like plan.xlsx: human labels with units,
numeric cells with number formats (money #,##0, percentages as fractions with 0.0%,
years 0), read back with openpyxl. Hand-built tables: nothing is solved."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from planner.report.workbook import write_compare_workbook, write_sweep_workbook

A, B = "Plant A", "Plant B"


@pytest.fixture
def compare_table():
    rows = [("npv_plan_cny", 123_456_789.4, 98_765_432.1),
            ("irr", 0.1234, None),
            ("discounted_payback_year", 2031, 2033),
            ("levelised_abatement_cost_cny_per_t", -515.25, 120.5),
            ("credits_share_of_abatement", 0.053, 0.0),
            ("net_zero_year_reached", 2045, 2050),
            ("standard", "zero-carbon-factory", "zero-carbon-factory"),
            ("net_t_2030", 1234.56, 2345.67),
            ("build_years:led", "2025;2037", "2025")]
    df = pd.DataFrame(rows, columns=["figure", A, B])
    df[f"differs:{B}"] = [True, True, True, True, True, True, False, True, True]
    return df


def _sheet(path):
    wb = openpyxl.load_workbook(path)
    return wb[wb.sheetnames[0]]


def test_compare_workbook_has_labels_numbers_and_formats(compare_table, tmp_path):
    path = tmp_path / "compare.xlsx"
    write_compare_workbook(compare_table, path, "en")
    ws = _sheet(path)
    assert [c.value for c in ws[1]] == ["Figure", A, B, f"Differs from the first: {B}"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    npv = rows["NPV of the plan's costs [CNY]"]
    assert npv[1].value == pytest.approx(123_456_789.4) and npv[1].number_format == "#,##0"
    irr = rows["IRR against BAU"]  # shown as a percentage: no unit in the label
    assert irr[1].value == pytest.approx(0.1234) and irr[1].number_format == "0.0%"
    assert irr[2].value is None
    payback = rows["Discounted payback"]
    assert payback[1].value == 2031 and payback[1].number_format == "0"
    assert rows["Levelised abatement cost [CNY/t]"][1].number_format == "#,##0.0"
    assert rows["Credits share of abatement"][1].number_format == "0.0%"
    assert rows["Net emissions 2030 [t CO2e]"][2].value == pytest.approx(2345.67)
    assert rows["Net emissions 2030 [t CO2e]"][2].number_format == "#,##0.0"
    assert rows["led — Build years"][1].value == "2025, 2037"
    assert rows["Standard"][3].value is False and npv[3].value is True
    assert ws.freeze_panes == "A2"


def test_compare_workbook_in_chinese(compare_table, tmp_path):
    path = tmp_path / "compare.xlsx"
    write_compare_workbook(compare_table, path, "zh")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["情景比较"]
    ws = wb["情景比较"]
    assert ws["A1"].value == "指标" and ws["D1"].value == f"与第一个情景不同: {B}"
    assert ws["A2"].value == "规划总成本净现值 [CNY]" and ws["B2"].number_format == "#,##0"


@pytest.fixture
def sweep_tables():
    return {
        "samples.csv": pd.DataFrame({
            "sample_id": [1, 2], "status": ["ok", "infeasible"], "reason": ["", "no plan"],
            "carbon.price_cny_per_t_factor": [0.75, 1.5], "npv_cny": [2.5e6, math.nan],
            "capex_total_cny": [1.2e6, math.nan], "net_zero_year": [2045, math.nan],
            "credits_total_t": [10.5, math.nan], "measures": ["led@2025", ""],
            "regret_cny": [0.0, math.nan], "solve_s": [1.23, 0.5]}),
        "summary.csv": pd.DataFrame({
            "metric": ["npv_cny", "net_zero_year"], "count": [1, 1], "mean": [2.5e6, 2045.0],
            "sd": [math.nan, math.nan], "p5": [2.5e6, 2045.0], "p50": [2.5e6, 2045.0],
            "p95": [2.5e6, 2045.0], "min": [2.5e6, 2045.0], "max": [2.5e6, 2045.0]}),
        "tornado.csv": pd.DataFrame({
            "key": ["carbon.price"], "level_low": [0.5], "level_high": [2.0],
            "npv_low_cny": [2.0e6], "npv_high_cny": [3.0e6], "npv_base_cny": [2.5e6],
            "delta_low_cny": [-0.5e6], "delta_high_cny": [0.5e6], "swing_cny": [1.0e6],
            "status": ["ok"]}),
        "measure_frequency.csv": pd.DataFrame({
            "measure": ["led"], "samples_chosen": [1], "share_chosen": [0.5],
            "first_year_min": pd.array([2025], dtype="Int64")}),
        "what_to_do_now.csv": pd.DataFrame({
            "year": [2025], "decision": ["pv"], "item": ["pv_kw"], "share_of_samples": [0.75],
            "median_amount": [1500.0], "in_base_plan": [True]}),
    }


def test_sweep_workbook_has_labels_numbers_and_formats(sweep_tables, tmp_path):
    path = tmp_path / "sweep.xlsx"
    write_sweep_workbook(sweep_tables, path, "en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Samples", "Summary", "Tornado", "Measure frequency",
                             "What to do now"]
    s = wb["Samples"]
    head = [c.value for c in s[1]]
    assert head[:4] == ["Sample", "Status", "Reason", "carbon.price_cny_per_t_factor"]
    assert "NPV of the plan's costs [CNY]" in head and "Total capex [CNY]" in head
    col = {h: i for i, h in enumerate(head)}
    row = s[2]
    assert row[col["NPV of the plan's costs [CNY]"]].value == 2.5e6
    assert row[col["NPV of the plan's costs [CNY]"]].number_format == "#,##0"
    assert row[col["carbon.price_cny_per_t_factor"]].number_format == "0.000"
    year = row[col["Net-zero year"]]
    assert year.value == 2045 and year.number_format == "0"
    assert row[col["Credits bought [t CO2e]"]].number_format == "#,##0.0"
    assert s.freeze_panes == "A2"
    # the summary's statistics take their metric's format, the metric its label
    m = wb["Summary"]
    assert [c.value for c in m[1]][:3] == ["Metric", "Samples", "Mean"]
    assert m["A2"].value == "NPV of the plan's costs [CNY]" and m["C2"].number_format == "#,##0"
    assert m["A3"].value == "Net-zero year" and m["C3"].value == 2045
    assert m["C3"].number_format == "0.0"
    t = wb["Tornado"]
    assert t["A1"].value == "Input" and t["I1"].value == "Swing [CNY]"
    assert t["I2"].value == 1.0e6 and t["I2"].number_format == "#,##0"
    assert len(t._charts) == 1
    f = wb["Measure frequency"]
    assert f["C1"].value == "Share of samples choosing it"
    assert f["C2"].value == 0.5 and f["C2"].number_format == "0.0%"
    assert f["D2"].value == 2025 and f["D2"].number_format == "0"
    n = wb["What to do now"]
    assert n["D2"].value == 0.75 and n["D2"].number_format == "0.0%"
    assert n["F2"].value is True


def test_sweep_workbook_in_chinese(sweep_tables, tmp_path):
    path = tmp_path / "sweep.xlsx"
    write_sweep_workbook(sweep_tables, path, "zh")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["样本", "统计摘要", "龙卷风图", "措施选用频率", "现在该做什么"]
    assert wb["统计摘要"]["A2"].value == "规划总成本净现值 [CNY]"
    assert wb["龙卷风图"]["A1"].value == "输入"
