"""Chinese coverage: every label and sentence has a Chinese text, every catalogue key used
in the code exists, and no English sentence reaches a ``--lang zh`` warning."""

from __future__ import annotations

import ast
import re
import string

import pytest
from click.testing import CliRunner

from planner.base.i18n import COLUMNS, LABELS, MESSAGES, Msg, msg
from tests.conftest import REPO

STRICT = sorted((REPO / "tests" / "data" / "bad" / "strict").glob("*.toml"))

#: Entries whose Chinese text is rightly the English one (a unit symbol).
SAME_IN_BOTH = {"per.nm3"}

#: ASCII words allowed in a Chinese sentence: units, key names, command-line options.
ASCII_OK = {"CNY", "kWh", "kWp", "MWh", "Wh", "GJ", "Nm3", "MW", "kW", "strict", "demand",
            "fuels_gj", "natural_gas", "CO2e"}


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("table", [LABELS, MESSAGES], ids=["labels", "messages"])
def test_every_entry_has_a_chinese_text_with_the_same_fields(table):
    for key, (en, zh) in table.items():
        assert en.strip() and zh.strip(), key
        assert _fields(en) == _fields(zh), key
        if key not in SAME_IN_BOTH:
            assert en != zh, f"{key}: the Chinese text is the English one"


def test_every_column_has_a_chinese_label():
    for key, (en, zh, _unit) in COLUMNS.items():
        assert en.strip() and zh.strip() and en != zh, key


def _catalogue_keys_used() -> list[tuple[str, str]]:
    """(file, key) of every ``msg("key", ...)`` and ``label("key", ...)`` in the code."""
    found = []
    files = [REPO / "cli.py", *(REPO / "planner").rglob("*.py")]
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("msg", "label")
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.append((str(f.relative_to(REPO)), node.args[0].value))
    return found


def test_every_key_used_in_the_code_is_in_the_catalogue():
    used = _catalogue_keys_used()
    assert len(used) > 40  # the scan finds the calls (plausibility, cli, report modules)
    missing = [(f, k) for f, k in used if k not in MESSAGES and k not in LABELS]
    assert not missing, f"keys without an entry in planner/base/i18n.py: {missing}"


def test_an_unknown_key_fails_where_the_message_is_made():
    with pytest.raises(KeyError, match=r"not in planner/base/i18n\.py"):
        msg("warn.no_such_warning")


def test_nested_fields_are_rendered_in_the_same_language():
    m = msg("warn.implausible", value=257.1, unit=msg("unit.fuel_per_electricity"), lo=0.0,
            hi=50.0, source=msg("src.fuel_ratio"))
    assert m.render("en") == ("implausible value 257.1 GJ of fuel per MWh of electricity: "
                              "0-50 GJ of fuel per MWh of electricity is usual (food plant on "
                              "coal steam about 11, cement about 33)")
    assert m.render("zh") == ("数值 257.1 GJ 燃料/MWh 电力 不合常理：通常为 0-50 GJ 燃料/MWh 电力"
                              "（燃煤蒸汽的食品厂约 11，水泥厂约 33）")
    assert isinstance(m, Msg)


def _english_words(text: str) -> list[str]:
    """ASCII words of 3+ letters that are not a unit, a key or an option."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]{2,}", text) if w not in ASCII_OK]


def test_the_check_finds_an_english_sentence():
    assert _english_words("数值 3 CNY/kW 不合常理") == []
    assert _english_words("数值 3 CNY/kW looks like CNY/W") == ["looks", "like"]


@pytest.mark.parametrize("path", STRICT, ids=lambda p: p.stem)
def test_validate_in_chinese_prints_no_english_sentence(path):
    from cli import main

    res = CliRunner().invoke(main, ["validate", str(path), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert lines[0].startswith("通过：") and any(ln.startswith("警告：") for ln in lines)
    for line in lines:
        # the file's path and each key path are names, not sentences
        body = line.replace(str(path), "")
        body = re.sub(r"(?<=：)[a-z_.0-9]+(?=: )", "", body)
        body = body.replace("bad-input corpus plant", "")  # the scenario's own name
        assert _english_words(body) == [], line
    # the same file in English still names the likely mistake in English
    en = CliRunner().invoke(main, ["validate", str(path)])
    assert "warning: " in en.output and "Fix: " in en.output


def test_warning_fields_are_the_same_numbers_in_both_languages():
    from planner.run.pipeline import prepare

    sf, _ = prepare(REPO / "tests" / "data" / "bad" / "strict" / "grid_ef_in_kg.toml")
    (w,) = [p for p in sf.warnings if p.path.startswith("grid.ef_t_per_mwh")]
    # 530.6 kg/MWh is 0.5306 t/MWh: the fix names the value to write in both languages
    assert "write 0.5306" in w.render("en") and "应填写 0.5306" in w.render("zh")
    assert w.render("en") == w.render()  # English is the default


def test_run_has_lang_and_validate_has_lang():
    from cli import main

    for cmd in ("run", "validate"):
        res = CliRunner().invoke(main, [cmd, "--help"])
        assert "--lang" in res.output, cmd



def test_every_solver_status_has_a_chinese_text():
    from planner.solve.run import SolveStatus

    for s in SolveStatus:
        en, zh = MESSAGES[f"status.{s.value}"]
        assert en == s.value and zh and zh != en


def test_every_pathway_and_progress_stage_has_a_label():
    # keys built at run time (f-strings) that the static scan above cannot see
    from planner.analysis.pathways import FIVE_PATHWAYS

    for five in FIVE_PATHWAYS.values():
        assert f"five.{five}" in LABELS, five
    for stage in ("reading", "inputs", "solving", "diagnosing", "accounts", "writing"):
        assert f"progress.{stage}" in MESSAGES, stage
