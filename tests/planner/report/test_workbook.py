"""The Excel workbook: sheets, units in headers, number formats, frozen header rows."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from planner.report.workbook import write_plan_workbook


def test_workbook_has_a_sheet_per_table_with_frozen_headers_and_units(written, example_plan):
    wb = openpyxl.load_workbook(written / "plan.xlsx")
    names = wb.sheetnames
    assert len(names) >= 5
    assert {"Summary", "Roadmap", "Measures", "Energy", "Emissions", "Finance", "MACC",
            "Costs"} <= set(names)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
    road = wb["Roadmap"]
    headers = [c.value for c in road[1]]
    assert "Net emissions [t CO2e]" in headers and "Capex [CNY]" in headers
    col = headers.index("Capex [CNY]") + 1
    assert road.cell(row=2, column=col).number_format == "#,##0"
    assert road.cell(row=2, column=col).value == pytest.approx(
        example_plan.roadmap["capex_cny"].iloc[0])
    energy_headers = [c.value for c in wb["Energy"][1]]
    assert "Grid import [MWh]" in energy_headers


def test_workbook_values_read_back_equal_the_tables(written, example_plan):
    fin = pd.read_excel(written / "plan.xlsx", sheet_name="Finance")
    assert list(fin["Lever"]) == list(example_plan.finance["lever"])
    pd.testing.assert_series_equal(fin["NPV of its savings [CNY]"],
                                   example_plan.finance["npv_cny"], check_names=False)
    macc = pd.read_excel(written / "plan.xlsx", sheet_name="MACC")
    assert len(macc) == len(example_plan.macc)


def test_chinese_workbook_and_fixed_bytes(example_plan, tmp_path):
    write_plan_workbook(example_plan, tmp_path / "a.xlsx", "zh")
    write_plan_workbook(example_plan, tmp_path / "b.xlsx", "zh")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert "路线图" in wb.sheetnames
    assert "净排放 [t CO2e]" in [c.value for c in wb["路线图"][1]]
