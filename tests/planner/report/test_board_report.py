"""The report as a board document: an executive summary written from the results, the
year-by-year action plan by measure name, the assumptions, and print rules for A4."""

from __future__ import annotations

import html as html_mod
import re

import numpy as np

from planner.report.html import report_html
from planner.report.keyfigures import format_value


def _section(text: str, sid: str) -> str:
    m = re.search(rf"<section id='{sid}'.*?</section>", text, re.S)
    assert m, f"no section {sid}"
    return html_mod.unescape(re.sub(r"<[^>]+>", " ", m.group(0)))


def test_sections_in_board_order(example_plan):
    text = report_html(example_plan, "en")
    order = [text.index(k) for k in ("id='summary'", "id='action-plan'", "Key figures",
                                     "id='standard'", "chart-emissions", "id='assumptions'")]
    assert order == sorted(order)


def test_executive_summary_states_the_results(example_plan):
    s = example_plan.summary
    summary = " ".join(_section(report_html(example_plan, "en"), "summary").split())
    money = lambda x: format_value(x, "CNY", "en")  # noqa: E731
    # what to approve now: the first year's capex; what it costs and saves; when net zero
    first = example_plan.roadmap.iloc[0]
    assert f"Approve now, for {int(first['year'])}:" in summary
    assert f"{money(first['capex_cny'])} of capex" in summary
    assert f"NPV of {money(s['npv_plan_cny'])}" in summary
    assert f"saves {money(s['npv_savings_cny'])}" in summary
    # the savings are BAU minus plan, as the sentence says
    assert abs(s["npv_bau_cny"] - s["npv_plan_cny"] - s["npv_savings_cny"]) < 1.0
    assert f"Net zero is reached in {s['net_zero_year_reached']}" in summary
    assert f"the claim can be made from {s['claim_year']}" in summary


def test_action_plan_lists_every_build_year_by_name_with_its_capex(example_plan):
    plan = example_plan
    raw = re.search(r"<section id='action-plan'.*?</section>", report_html(plan, "en"),
                    re.S).group(0)
    rows = [[html_mod.unescape(c) for c in re.findall(r"<td>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", raw)]
    table = {int(cells[0]): cells[1:] for cells in rows if cells}
    names = dict(zip(plan.measures["measure"], plan.measures["name"], strict=True))
    r = plan.roadmap
    built = r[(r["measures_built"] != "") | (r["pv_added_kw"] > 0.5)
              | (r["battery_added_kwh"] > 0.5) | (r["capex_cny"] > 0.5)]
    assert len(built) >= 2 and sorted(table) == sorted(int(y) for y in built["year"])
    bau = np.asarray(plan.bau.net_t_y, dtype=float)
    for i, row in built.iterrows():
        what, capex, abated = table[int(row["year"])]
        items = what.split("; ")
        for m in filter(None, row["measures_built"].split(";")):
            assert names[m] in items and (m == names[m] or m not in items)
        assert capex == f"{row['capex_cny'] / 1e6:,.2f}"
        # abated that year = BAU net minus the plan's net
        assert abated == f"{bau[i] - row['net_t']:,.0f}"
    # the capex of the listed years is all the plan's capex
    assert abs(built["capex_cny"].sum() - plan.summary["capex_total_cny"]) < 1.0


def test_assumptions_are_in_the_report(example_plan):
    notes = example_plan.summary["assumptions"]
    section = _section(report_html(example_plan, "en"), "assumptions")
    for n in notes:
        assert " ".join(n.split()) in " ".join(section.split())


def test_print_rules_keep_charts_and_tables_whole_on_a4(example_plan):
    text = report_html(example_plan, "en")
    css = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    assert "@page{size:A4" in css
    rule = re.search(r"@media print\{(.*)\}", css, re.S).group(1)
    avoid = re.search(r"([^{}]*)\{break-inside:avoid;page-break-inside:avoid\}", rule)
    kept_whole = {s.strip() for s in avoid.group(1).split(",")}
    assert {"section", "table", ".plotly-graph-div"} <= kept_whole


def test_chinese_summary_and_action_plan(example_plan):
    text = report_html(example_plan, "zh")
    summary = _section(text, "summary")
    assert "执行摘要" in summary and "现在批准" in summary and "实现净零" in summary
    assert "Approve" not in summary and "Net zero" not in summary
    assert "逐年行动计划" in _section(text, "action-plan")


def test_report_prints_to_a4_in_both_languages(example_plan, tmp_path):
    """Chromium's print to PDF from a wide window: A4 pages, charts redrawn to the page
    width before printing, Chinese drawn with a CJK font (CI installs one)."""
    import shutil
    import subprocess
    from pathlib import Path

    import pytest

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Chromium not found at /usr/bin/chromium (.ci/run installs it)")
    for lang in ("en", "zh"):
        page = tmp_path / f"report_{lang}.html"
        page.write_text(report_html(example_plan, lang), encoding="utf-8")
        pdf = tmp_path / f"report_{lang}.pdf"
        subprocess.run([str(chromium), "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
                        "--no-pdf-header-footer", "--window-size=1400,1000",
                        f"--print-to-pdf={pdf}", page.as_uri()],
                       capture_output=True, timeout=180, check=False)
        data = pdf.read_bytes()
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
        assert len(boxes) >= 3, lang  # summary and plan, charts, levers: several pages
        for w, h in boxes:  # A4 = 595 x 842 pt
            assert abs(float(w) - 595.0) < 1.0 and abs(float(h) - 842.0) < 1.0
        if lang == "zh" and shutil.which("pdffonts"):
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                                   check=False).stdout
            assert re.search(r"WenQuanYi|CJK|Hei|Han|PingFang|YaHei", fonts), fonts
