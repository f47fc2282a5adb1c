"""Chinese for the sentences built in English: errors, diagnoses, assumptions, warnings.

Every literal sentence the code builds for a user (a :class:`Problem`'s message and fix, a
user error, a diagnosis line, a binding limit, a fix, an assumption note) must match a
template of planner/base/i18n_text.py; the whole bad-input corpus rendered in Chinese must
hold no English word outside key paths, file names and quoted values.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from planner.base.errors import CarbonpathError, Problem, ScenarioError
from planner.base.i18n_text import SENTENCES, has_translation, translate, translate_lines
from planner.solve.diagnose import Diagnosis, Fix
from tests.conftest import REPO

BAD = REPO / "tests" / "data" / "bad"

#: Calls whose string arguments (by position) are sentences a user reads.
_USER_ERRORS = {"CarbonpathError", "ScenarioError", "SolverError", "InfeasiblePlanError",
                "SchedulerError", "CompareError", "OutputLocationError", "UnreadableFileError",
                "SweepSpecError", "HourlyCsvError"}


def _sample(node: ast.AST) -> str | None:
    """The text of a string expression with each formatted value as ``Q`` (a conditional
    value as its first branch), or None for an expression that is not text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = ""
        for v in node.values:
            if isinstance(v, ast.Constant):
                out += str(v.value)
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.IfExp):
                out += _sample(v.value.body) or ""
            else:
                out += "Q"
        return out
    if isinstance(node, ast.IfExp):
        return _sample(node.body)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "Q") + (right if right is not None else "Q")
    return None


def _user_sentences() -> list[tuple[str, str]]:
    """(where, sample text) of every literal sentence built for a user."""
    found = []
    for path in sorted([REPO / "cli.py", *(REPO / "planner").rglob("*.py")]):
        rel = str(path.relative_to(REPO))
        if rel == "planner/run/bench.py":
            continue  # `plan bench` and `plan tune`: tools for developers, English only
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = getattr(f, "id", None) or getattr(f, "attr", None)
            owner = getattr(getattr(f, "value", None), "id", None)
            args: list[ast.expr] = []
            if name == "Problem":
                args = node.args[1:3]
            elif name in _USER_ERRORS or (name == "ValueError" and rel.endswith("schema.py")):
                args = node.args[:2]
            elif name == "_fail" and rel.endswith("outdir.py"):
                args = node.args[1:3]
            elif name == "fail" and rel.endswith("hourly_csv.py"):
                args = node.args[:2]
            elif name == "Fix" or (name == "add" and rel.endswith("diagnose.py")):
                args = node.args[1:2]
            elif (name == "say" and rel.endswith("sweep/runner.py")) or (
                    name == "append" and owner in ("notes", "lines") and "report" not in rel):
                args = node.args[:1]
            for a in args:
                text = _sample(a)
                if text is not None and text.strip() not in ("", "Q", "Q: Q"):
                    found.append((f"{rel}:{node.lineno}", text.strip()))
    return found


def test_the_scan_finds_the_sentences():
    found = _user_sentences()
    assert len(found) > 200
    texts = {t for _, t in found}
    assert "unknown fuel 'Q'" in texts and "Limits that bind:" in texts


#: Samples that are not sentences of ours: pydantic's own message with its value
#: (translated by the "input should be ..." templates, checked on the corpus below).
_NOT_OURS = {"Q, found Q"}


def _translatable(text: str) -> bool:
    """A template matches ``text``, or its part after ``- KEY: `` (a diagnosis bullet)."""
    if has_translation(text):
        return True
    _, sep, rest = text.removeprefix("- ").partition(": ")
    return text.startswith("- ") and bool(sep) and has_translation(rest)


def test_every_user_sentence_in_the_code_has_a_chinese_template():
    missing = [(w, t) for w, t in _user_sentences()
               if t not in _NOT_OURS and not _translatable(t)]
    assert not missing, ("sentences without an entry in planner/base/i18n_text.py "
                         f"SENTENCES: {missing}")


def test_templates_have_the_same_fields_and_some_fixed_text():
    import string

    def fields(t: str) -> list[str]:
        return sorted({f for _, f, _, _ in string.Formatter().parse(t) if f})

    for en, zh in SENTENCES.items():
        assert fields(en) == fields(zh), en
        assert re.sub(r"\{\w+\}", "", en).strip(), en  # a bare field would match anything
        assert en != zh, en


#: ASCII words a Chinese sentence may hold: units, standards, formats and programs.
ASCII_OK = {"CNY", "kWh", "kWp", "MWh", "Wh", "GJ", "Nm3", "MW", "kW", "kVA", "CO2e", "CO2",
            "tCO2", "TOML", "UTF", "CSV", "NaN", "GWP", "CBAM", "CCER", "MEE", "NFC",
            "Unicode", "HiGHS", "FIFO", "Excel", "TWh", "Gt", "EJ", "TW", "km2", "m2", "kt",
            "SIGTERM", "EU", "plan", "init", "FILE", "inf", "nan", "true", "false", "or",
            "carbonpath", "PAS", "ISO", "BSI", "CECA", "GHG",
            "and", "toml", "CH4", "N2O", "MCNY",
            "switch", "basis", "demand", "capacity"}  # key names and values without "_"


def _english_words(text: str) -> list[str]:
    """English words of a Chinese text, names left out: quoted text, `code`, key paths
    (with . _ [ ] or digits), file paths, options and the TOML parser's own message."""
    text = re.sub(r"不是有效的 TOML：[^。]*", "", text)  # tomllib's message is English
    text = re.sub(r"^\s*- [^\s：]+?: ", "", text, flags=re.MULTILINE)  # "- KEY: " of a problem
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", "", text)
    text = re.sub(r"[A-Za-z_.]+ = ", "", text)  # a key being set: `basis = "demand"`
    text = re.sub(r"以下之一：[^。]*", "", text)  # a list of valid names
    words = []
    for token in re.split(r"[\s，。：；（）、,;:()=<>]+", text):
        token = token.rstrip(".?!")
        if not token or re.search(r"[_./\\\[\]0-9-]", token):
            continue
        words += [w for w in re.findall(r"[A-Za-z]{3,}", token) if w not in ASCII_OK]
    return words


def test_the_english_check_finds_english():
    assert _english_words("grid.price_cny_per_kwh：未知的键。修改建议：是否应为 'x'？") == []
    assert _english_words("x.y：unknown key. Fix: remove it") == [
        "unknown", "key", "Fix", "remove"]


def _corpus() -> list[Path]:
    return sorted(BAD.rglob("*.toml"))


def _problems_of(path: Path) -> CarbonpathError | None:
    from planner.run.pipeline import prepare

    try:
        prepare(path)
    except CarbonpathError as exc:
        return exc
    return None


def test_the_bad_input_corpus_in_chinese_has_no_english_sentence():
    checked = 0
    for path in _corpus():
        exc = _problems_of(path)
        if exc is None:
            continue  # the strict corpus: warnings only (tests/planner/test_i18n.py)
        zh = exc.render("zh")
        assert zh.splitlines()[0].endswith("个问题") or isinstance(exc, ScenarioError) is False
        english = _english_words(zh.replace(str(path), ""))
        assert not english, f"{path.name}: {english} in\n{zh}"
        checked += 1
    assert checked >= 95


def test_a_chinese_error_names_the_key_and_the_fix():
    exc = _problems_of(BAD / "09_misspelt_key_did_you_mean.toml")
    assert isinstance(exc, ScenarioError)
    assert exc.render("zh").splitlines()[1] == (
        "  - scenario.discount_rat: 未知的键。修改建议：是否应为 'discount_rate'？")
    # English unchanged
    assert "scenario.discount_rat: unknown key. Fix: did you mean 'discount_rate'?" in str(exc)
    exc = _problems_of(BAD / "105_two_part_contract_below_40_percent.toml")
    assert exc is not None
    assert exc.render("zh").splitlines()[1] == (
        "  - grid.two_part.contract_demand_kw: 300 kW 低于变压器容量的 40 %（1000 kVA 对应 "
        "400 kW）；电网按 40 % 计收此类合同。修改建议：请设置 contract_demand_kw >= 400。")


def test_a_csv_error_keeps_the_file_and_translates_both_parts():
    exc = _problems_of(BAD / "61_csv_nan.toml")
    assert exc is not None
    line = exc.render("zh").splitlines()[1]
    assert line == (f"  - {BAD}/csv/nan.csv：负荷曲线：第 4002 行的 'nan'（NaN 或无穷大）。"
                    "修改建议：请替换为实测值或插值。")


def test_fields_are_translated_only_where_they_are_phrases():
    # `scenario` is a key here, not the word "scenario"
    assert translate("add `scenario = ...`") == "请添加 `scenario = ...`"
    assert translate("expected a whole number, found 2025.5") == "应为整数，实际为 2025.5"
    assert translate("give every credit its own id (ids are compared after Unicode NFC "
                     "normalisation)") == ("请给每个碳信用一个独立的编号"
                                           "（编号按 Unicode NFC 规范化后比较）")
    # no template: the English text, unchanged (and in English always unchanged)
    assert translate("something new happened") == "something new happened"
    assert translate("unknown fuel 'x'", "en") == "unknown fuel 'x'"
    assert translate("unknown fuel 'x'") == "未知燃料 'x'"


def test_a_problem_without_a_template_stays_english_so_the_check_sees_it():
    p = Problem("a.b", "brand new message", "do something")
    assert p.render("zh") == "a.b: brand new message。修改建议：do something。"
    assert _english_words(p.render("zh")) == ["brand", "new", "message", "something"]


def test_a_diagnosis_in_chinese():
    d = Diagnosis(years=np.array([2025, 2026, 2027]),
                  shortfall_t_y=np.array([0.0, 120.0, 300.0]), first_failing_year=2026,
                  target_year=2027,
                  binding=["credit 'ccer' availability: all 300 t/yr bought in 2026-2027",
                           "PV roof limit: 5,000 kW installed"],
                  fixes=[Fix("credit[ccer].max_t_per_year", "raise to 600 t a year (now 300)"),
                         Fix("[[credit]] or [[removal]]",
                             "offer offsets: at least 300 t in 2027, 420 t over the horizon")],
                  earliest_net_zero_year=None, least_final_net_t=300.0)
    en = d.render()
    assert en.splitlines()[1] == "  First year that fails: 2026, short by 120 t CO2e"
    zh = d.render("zh").splitlines()
    assert zh == [
        "在给定的减排手段下，没有任何规划能满足目标。",
        "  首个未达标年份：2026，差 120 t CO2e",
        "  2 年未达标：合计差 420 t；最大 300 t",
        "  起约束作用的限制：",
        "    - 碳信用 'ccer' 的可购量：2026-2027 年已购满每年 300 t",
        "    - 光伏屋顶上限：已安装 5,000 kW",
        "  规划期内无法实现净零：2027 年最少仍有 300 t",
        "  以下任何一项改动都可使目标可达：",
        "    - credit[ccer].max_t_per_year：提高到 600 t/年（目前为 300）",
        "    - [[credit]] or [[removal]]：提供抵消量：2027 年至少 300 t，规划期内共 420 t",
    ]


def test_an_infeasible_error_message_translates_line_by_line():
    text = ("s.toml: no plan meets the target with the levers given.\n"
            "  Limits that bind:\n    - no credits are offered ([[credit]] tables)")
    assert translate_lines(text) == ("s.toml：在给定的减排手段下，没有任何规划能满足目标。\n"
                                     "  起约束作用的限制：\n"
                                     "    - 没有可购买的碳信用（[[credit]] 表）")


def test_assumption_notes_of_the_examples_in_chinese():
    """Every note the examples' inputs carry (no solve: inputs only) has a template."""
    from planner.run.pipeline import prepare

    notes = set()
    for path in sorted((REPO / "scenarios").glob("*.toml"))[:3]:
        _, inp = prepare(path)
        notes.update(inp.notes)
    assert notes
    for note in notes:
        assert _english_words(translate(note)) == [], note


def test_plan_validate_and_run_print_chinese_errors(tmp_path):
    from cli import main

    text = (BAD / "09_misspelt_key_did_you_mean.toml").read_text(encoding="utf-8")
    path = tmp_path / "typo.toml"
    path.write_text(text, encoding="utf-8")
    for args in (["validate", str(path), "--lang", "zh"], [str(path), "--lang", "zh"]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2, res.output
        out = res.output
        assert f"错误：{path}：情景文件中有 1 个问题" in out
        assert "scenario.discount_rat: 未知的键。修改建议：是否应为 'discount_rate'？" in out
        assert "Traceback" not in out


def test_a_warning_that_travelled_as_english_text_comes_back_in_chinese():
    """plan compare prints the workers' warnings from summary.json (English strings)."""
    from planner.run.pipeline import prepare

    sf, _ = prepare(BAD / "strict" / "grid_price_660_cny_per_kwh.toml")
    (w,) = [p for p in sf.warnings if p.path == "grid.price_cny_per_kwh"]
    back = translate(w.render())
    assert back.split("：", 1)[1] == w.render("zh").split(": ", 1)[1]
    assert "660 像是 元/MWh；应填写 0.66" in back


def test_a_year_before_a_colon_is_not_taken_for_a_key():
    note = ("grid factor from the MEE table for 'zhejiang' (2021: 0.5422, 2022: 0.5153 "
            "tCO2/MWh), held at the 2022 value afterwards")
    assert translate(note) == ("电网排放因子取自生态环境部 'zhejiang' 的数值（2021: 0.5422, 2022: "
                               "0.5153 tCO2/MWh），其后各年保持 2022 年的值")


def test_an_error_that_travelled_as_text_comes_back_in_chinese():
    """plan compare re-raises a worker's error as text: `SCENARIO: FILE: n problems ...`."""
    exc = _problems_of(BAD / "71_three_errors_together.toml")
    assert exc is not None
    lines = translate_lines(f"a.toml: {exc}").splitlines()
    assert lines[0] == f"a.toml：{BAD}/71_three_errors_together.toml：情景文件中有 3 个问题"
    assert lines[2] == ('  - measure[1 "led"].capex_cny：数值必须 >= 0，实际为 -1。'
                        "修改建议：请更正该数值。")
    assert not _english_words("\n".join(lines).replace(str(BAD), ""))


def test_every_shipped_standard_has_a_chinese_title_and_notes():
    from planner.tables.standards import known_standards, resolve_standard

    names = known_standards()
    assert len(names) >= 4
    for name in names:
        profile, _ = resolve_standard(name)
        assert profile.title_zh and profile.title_zh != profile.title, name
        for text in (profile.note, profile.alias_note):
            if text:
                assert has_translation(text), f"{name}: no Chinese for {text!r}"
                assert _english_words(translate(text)) == [], name
    # an alias is announced in Chinese too
    _, alias = resolve_standard("pas-2060")
    assert translate(alias).startswith("PAS 2060 已于 2025 年 11 月 30 日废止")
