"""--lang on every command that prints, its default (CARBONPATH_LANG, the locale), and
`plan init --lang zh` (a template commented in Chinese with the same data)."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
from click.testing import CliRunner
from rich.console import Console

from cli import main
from planner.base.i18n import default_lang
from tests.conftest import REPO

BAD_KEY = REPO / "tests" / "data" / "bad" / "09_misspelt_key_did_you_mean.toml"


@pytest.mark.parametrize("command", ["run", "compare", "validate", "init", "sweep"])
def test_every_command_that_prints_has_lang(command):
    res = CliRunner().invoke(main, [command, "--help"])
    assert res.exit_code == 0
    assert "--lang [en|zh]" in res.output and "CARBONPATH_LANG" in res.output


@pytest.mark.parametrize(("environ", "lang"), [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    # LC_ALL overrides LC_MESSAGES overrides LANG, as in gettext
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN", "LANG": "en_GB"}, "zh"),
    # CARBONPATH_LANG overrides the locale
    ({"CARBONPATH_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"CARBONPATH_LANG": "ZH", "LANG": "en_GB"}, "zh"),
])
def test_default_language(environ, lang):
    assert default_lang(environ) == lang


def test_an_unknown_carbonpath_lang_is_an_error_not_english():
    with pytest.raises(ValueError, match="CARBONPATH_LANG='fr'"):
        default_lang({"CARBONPATH_LANG": "fr"})
    res = CliRunner().invoke(main, ["validate", str(BAD_KEY)], env={"CARBONPATH_LANG": "fr"})
    assert res.exit_code == 2 and "CARBONPATH_LANG" in res.output


def test_the_environment_chooses_chinese_and_the_option_wins():
    env = {"CARBONPATH_LANG": "zh", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}
    res = CliRunner().invoke(main, ["validate", str(BAD_KEY)], env=env)
    assert res.exit_code == 2
    assert "未知的键。修改建议：是否应为 'discount_rate'？" in res.output
    res = CliRunner().invoke(main, ["validate", str(BAD_KEY), "--lang", "en"], env=env)
    assert "unknown key. Fix: did you mean 'discount_rate'?" in res.output


def _without_names(doc: dict) -> dict:
    doc = dict(doc)
    doc["scenario"] = {k: v for k, v in doc["scenario"].items() if k != "name"}
    doc["measure"] = [{k: v for k, v in m.items() if k != "name"} for m in doc["measure"]]
    return doc


def test_init_in_chinese_writes_the_same_data_commented_in_chinese(tmp_path):
    en, zh = tmp_path / "en.toml", tmp_path / "zh.toml"
    r_en = CliRunner().invoke(main, ["init", str(en), "--lang", "en"])
    r_zh = CliRunner().invoke(main, ["init", str(zh), "--lang", "zh"])
    assert r_en.exit_code == 0 and r_zh.exit_code == 0
    assert r_zh.output.startswith(f"已写入 {zh}")
    a, b = (tomllib.loads(p.read_text("utf-8")) for p in (en, zh))
    assert _without_names(a) == _without_names(b)  # the same keys and values
    assert b["scenario"]["name"] == "我的工厂"
    lines_en, lines_zh = en.read_text("utf-8").splitlines(), zh.read_text("utf-8").splitlines()
    # line for line: a comment where the English template has one
    assert [("#" in ln) for ln in lines_en] == [("#" in ln) for ln in lines_zh]
    comments = [ln.split("#", 1)[1] for ln in lines_zh if "#" in ln]
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in c) for c in comments) >= 25
    # it validates as written (in Chinese too)
    res = CliRunner().invoke(main, ["validate", str(zh), "--lang", "zh"])
    assert res.exit_code == 0 and res.output.startswith(f"通过：{zh} — “我的工厂”")
    # refusing to overwrite, in Chinese
    res = CliRunner().invoke(main, ["init", str(zh), "--lang", "zh"])
    assert res.exit_code == 2 and "已存在；使用 --force 覆盖" in res.output


def test_sweep_tables_in_chinese():
    from planner.report.sweep_terminal import now_table, summary_table, tornado_table

    summary = pd.DataFrame({"metric": ["npv_cny"], "count": [3], "mean": [2.5e6], "sd": [1e5],
                            "p5": [2.4e6], "p50": [2.5e6], "p95": [2.6e6]})
    now = pd.DataFrame({"year": [2025], "decision": ["build"], "item": ["led"],
                        "share_of_samples": [0.8], "median_amount": [0.0],
                        "in_base_plan": [True]})
    tornado = pd.DataFrame({"key": ["carbon.price"], "level_low": [0.5], "level_high": [2.0],
                            "npv_low_cny": [2.0e6], "npv_high_cny": [3.0e6],
                            "swing_cny": [1.0e6]})
    console = Console(record=True, width=120)
    for t in (summary_table(summary, "zh"), now_table(now, "zh"), tornado_table(tornado,
                                                                                lang="zh")):
        console.print(t)
    text = console.export_text()
    assert "规划总成本净现值 [万元]" in text and "250" in text  # 2.5e6 CNY = 250 万元
    assert "建设 led" in text and "80%" in text and "是" in text
    assert "龙卷风图：净现值敏感性（前 1 项）" in text and "100" in text  # 1e6 CNY = 100 万元
