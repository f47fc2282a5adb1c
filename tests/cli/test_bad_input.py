"""Bad input never gives a traceback, always names file, key and fix, and writes nothing.

``tests/data/bad`` holds malformed scenarios; ``expected.json`` maps each file to
text its message must contain. The mutation tests break the shipped examples
one number or one key at a time.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from planner.base.errors import ScenarioError
from planner.scenario.read import load_scenario
from tests.conftest import REPO, SCENARIOS

BAD = REPO / "tests" / "data" / "bad"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_every_file_has_an_expectation():
    files = sorted(p.name for p in BAD.glob("*.toml"))
    assert len(files) >= 40
    assert files == sorted(EXPECTED)


def _assert_clean_failure(result, out_dir: Path, expect: str) -> None:
    text = result.output
    assert result.exit_code == 2, text
    assert expect in text, text
    assert "Traceback" not in text
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not out_dir.exists()
    assert not [p for p in out_dir.parent.iterdir() if p.name.startswith(f".{out_dir.name}")]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_scenario_gives_its_message_exit_2_and_writes_nothing(name, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(BAD / name), "--out", str(out)])
    _assert_clean_failure(result, out, EXPECTED[name])
    assert str(BAD / name) in result.output  # the message names the file


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_the_same_problem(name):
    result = CliRunner().invoke(main, ["validate", str(BAD / name)])
    assert result.exit_code == 2
    assert EXPECTED[name] in result.output


def test_every_problem_of_a_file_is_reported_together():
    result = CliRunner().invoke(main, ["validate", str(BAD / "71_three_errors_together.toml")])
    assert "3 problems" in result.output
    assert result.output.count("\n  - ") == 3
    assert all(" Fix: " in line for line in result.output.splitlines() if line.startswith("  - "))


def test_missing_file_and_directory_are_clear_input_errors(tmp_path):
    out = tmp_path / "out"
    for target, expect in ((tmp_path / "nope.toml", "file not found"),
                           (tmp_path, "is a directory")):
        result = CliRunner().invoke(main, [str(target), "--out", str(out)])
        _assert_clean_failure(result, out, expect)


def test_a_previous_result_folder_survives_a_bad_run(tmp_path):
    from planner.report.outdir import atomic_output_dir

    out = tmp_path / "out"
    atomic_output_dir(out, lambda tmp: (tmp / "roadmap.csv").write_text("kept\n"))
    result = CliRunner().invoke(main, [str(BAD / "21_nan_price.toml"), "--out", str(out)])
    assert result.exit_code == 2
    assert "21_nan_price.toml" in result.output  # refused for the scenario, not the folder
    assert (out / "roadmap.csv").read_text() == "kept\n"


def test_as_a_real_process_there_is_no_traceback_either(tmp_path):
    for name in ("06_not_utf8.toml", "21_nan_price.toml", "62_csv_text.toml"):
        proc = subprocess.run([sys.executable, str(REPO / "cli.py"), str(BAD / name),
                               "--out", str(tmp_path / "o")],
                              capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr + proc.stdout
        assert EXPECTED[name] in proc.stderr
        assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- mutations

_NUMBER = re.compile(r"(=\s*)(-?\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?)(?=\s*[,}\n#])")
_KEY = re.compile(r"^(\s*)([a-z][a-z0-9_]*)(\s*=)", re.MULTILINE)


def _mutations(text: str) -> list[tuple[str, str]]:
    """(label, mutated text): every number -> text / nan / inf; every key misspelt."""
    out = []
    for m in _NUMBER.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        for repl in ('"abc"', "nan", "inf"):
            out.append((f"line {line}: {m.group(2)} -> {repl}",
                        text[:m.start(2)] + repl + text[m.end(2):]))
    for m in _KEY.finditer(text):
        key = m.group(2)
        bad = key[: len(key) // 2] + "x" + key[len(key) // 2:]
        line = text.count("\n", 0, m.start()) + 1
        out.append((f"line {line}: key {key} -> {bad}",
                     text[:m.start(2)] + bad + text[m.end(2):]))
    return out


@pytest.mark.parametrize("example", SCENARIOS, ids=lambda p: p.stem)
def test_every_mutation_of_an_example_is_a_scenario_error_naming_the_key(example, tmp_path):
    text = example.read_text(encoding="utf-8")
    mutations = _mutations(text)
    assert len(mutations) > 100
    for label, mutated in mutations:
        path = tmp_path / example.name
        path.write_text(mutated, encoding="utf-8")
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        msg = str(info.value)
        assert str(path) in msg, label
        problems = info.value.problems
        assert problems and all(p.path and p.fix for p in problems), (label, msg)
        if " key " in label:  # the misspelt name is quoted back to the user
            assert label.rsplit(" -> ", 1)[1] in msg, (label, msg)


def test_mutated_examples_through_the_command_line_write_nothing(tmp_path):
    runner = CliRunner()
    for example in SCENARIOS:
        mutations = _mutations(example.read_text(encoding="utf-8"))
        for label, mutated in mutations[::37]:
            path = tmp_path / "s.toml"
            path.write_text(mutated, encoding="utf-8")
            out = tmp_path / "out"
            result = runner.invoke(main, [str(path), "--out", str(out)])
            assert result.exit_code == 2, (label, result.output)
            assert "Traceback" not in result.output
            assert not out.exists()
