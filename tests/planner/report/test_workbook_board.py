"""plan.xlsx a CFO builds on: a Summary of formatted numbers, numeric Cash flow years and
native charts drawn from the sheets' cells (read back with openpyxl)."""

from __future__ import annotations

import openpyxl
import pytest

from planner.report.workbook import write_plan_workbook


@pytest.fixture(scope="module")
def book(example_plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "plan.xlsx"
    write_plan_workbook(example_plan, path)
    return openpyxl.load_workbook(path)


def test_summary_holds_numbers_with_formats(book, example_plan):
    s = example_plan.summary
    ws = book["Summary"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    irr = rows["IRR against BAU"]
    # 30.4 % is stored as 0.304 and shown as a percentage, not 30.4 with a "%" unit
    assert irr[1].value == pytest.approx(s["irr"]) and irr[1].number_format == "0.0%"
    npv = rows["NPV of the plan's costs"]
    assert npv[1].value == pytest.approx(s["npv_plan_cny"]) and npv[1].number_format == "#,##0"
    assert npv[2].value == "CNY"
    payback = rows["Discounted payback"]
    assert payback[1].value == s["discounted_payback_year"] and payback[1].number_format == "0"


def test_cash_flow_years_are_numbers(book, example_plan):
    ws = book["Cash flow"]
    head = [c.value for c in ws[1]]
    y = head.index("Year")
    years = [r[y].value for r in ws.iter_rows(min_row=2)]
    expected = [int(v) for v in example_plan.cashflow["year"] if str(v).isdigit()]
    assert [v for v in years if v is not None] == expected
    assert all(isinstance(v, int | float) for v in years if v is not None)
    # the salvage row keeps its label, in its own column
    assert [r[head.index("Item")].value for r in ws.iter_rows(min_row=2)][-1] == "salvage"


def test_native_charts_read_from_the_sheets(book):
    ws = book["Charts"]
    charts = ws._charts
    assert len(charts) == 4
    refs = []
    for ch in charts:
        for series in ch.series:
            refs.append(series.val.numRef.f)
    # every series points at a sheet of the workbook, none at a pasted copy of numbers
    assert all(r.split("!")[0].strip("'") in book.sheetnames for r in refs)
    assert any(r.startswith("Roadmap!") for r in refs)
    assert any(r.startswith("Costs!") for r in refs)
    assert any(r.startswith("'Cash flow'!") for r in refs)
    assert any(r.startswith("Finance!") for r in refs)
