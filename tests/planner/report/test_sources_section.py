"""The report's sources section: every shipped number the plan used, with its mark and
source. On the shared example plan (no new solve)."""

from __future__ import annotations

import html as html_mod
import re

from planner.report.html import report_html, source_rows


def test_every_shipped_factor_and_rule_is_listed_with_its_mark(example_plan):
    plan = example_plan
    rows = source_rows(plan)
    e = plan.emissions[plan.emissions["year"] == plan.emissions["year"].min()]
    shipped = e[~e["factor_source"].str.startswith("scenario ")
                & e["factor_source"].str.contains(r"\[[VSUC]\]")]
    listed = {what for what, *_ in rows}
    # every factor from a shipped table, by its scope and source; none the scenario gave
    assert {f"{r.scope}: {r.source}" for r in shipped.itertuples()} <= listed
    assert len(shipped) >= 2  # natural gas and the grid at least
    given = e[e["factor_source"].str.startswith("scenario ")]
    assert not ({f"{r.scope}: {r.source}" for r in given.itertuples()} & listed)
    for what, value, marks, source in rows:
        assert marks and set(marks.split(", ")) <= {"V", "S", "U", "C"}, what
        assert source and value
    # the grid factor's mark is the table's ([S] for the MEE/NBS factors shipped)
    grid = next(r for r in rows if r[0] == "scope2_location: grid_import")
    assert grid[2] == "S" and "MEE/NBS" in grid[3]
    # the standard's rules with their thresholds and marks
    if plan.rules is not None and len(plan.rules):
        assert set(plan.rules["rule"]) <= listed


def test_the_sources_section_closes_the_report_in_both_languages(example_plan):
    for lang, title, word in (("en", "Sources of the shipped numbers used", "(secondary)"),
                              ("zh", "所用内置数据的来源", "(二手资料)")):
        text = report_html(example_plan, lang)
        m = re.search(r"<section id='sources'>.*?</section>", text, re.S)
        assert m, lang
        section = html_mod.unescape(m.group(0))
        assert title in section and f"S {word}" in section
        assert text.index("id='assumptions'") < text.index("id='sources'")


def test_a_rules_source_is_a_reference_not_an_emission_source(example_plan, tmp_path):
    """The issue's finding: the rule table's "Source" column read 排放源 (emission source)."""
    import openpyxl

    from planner.report.workbook import write_plan_workbook

    plan = example_plan
    assert plan.rules is not None and len(plan.rules)
    m = re.search(r"<section id='standard'>.*?</section>", report_html(plan, "zh"), re.S)
    assert "<th>来源</th>" in m.group(0) and "排放源" not in m.group(0)
    path = tmp_path / "plan.xlsx"
    write_plan_workbook(plan, path, "zh")
    wb = openpyxl.load_workbook(path, read_only=True)
    rules = [c.value for c in next(wb["标准规则核查"].iter_rows(max_row=1))]
    emissions = [c.value for c in next(wb["排放"].iter_rows(max_row=1))]
    assert "来源" in rules and "排放源" not in rules
    assert "排放源" in emissions  # there it is one
