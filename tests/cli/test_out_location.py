"""Where `plan`, `plan compare`, `plan sweep` and `plan bench` may write, through the CLI.

The location is checked before any solve: the solvers are replaced here by functions that
fail the test if called (refusals) or return one tiny plan solved once (writes).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import tomli_w
from click.testing import CliRunner

from cli import main
from planner.report.files import PLAN_FILES
from planner.report.outdir import MARKER, OutputDir
from tests.conftest import REPO, tiny_raw
from tests.helpers import solve_raw

ZH_NAME = "示例工厂"  # a Chinese scenario name, shown as mojibake by Excel without a BOM


@pytest.fixture(scope="module")
def tiny_plan():
    raw = tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    raw["scenario"]["name"] = ZH_NAME
    return solve_raw(raw)


@pytest.fixture
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("scn") / "tiny.toml"
    path.write_text(tomli_w.dumps(tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])))
    return path


@pytest.fixture
def solved(monkeypatch, tiny_plan):
    """`plan` returns the tiny plan at once."""
    monkeypatch.setattr("planner.run.pipeline.plan_scenario", lambda *a, **k: tiny_plan)


@pytest.fixture
def no_solve(monkeypatch):
    """Any solve fails the test: a refusal must come first."""
    def fail(*a, **k):
        raise AssertionError("solved although the output folder is refused")
    for target in ("planner.run.pipeline.plan_scenario", "planner.run.compare.solve_many",
                   "planner.sweep.runner.run_sweep", "planner.run.bench.run_grid"):
        monkeypatch.setattr(target, fail)


def _plan(*args: str):
    return CliRunner().invoke(main, [*args, "--quiet"])


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_folder_with_a_foreign_file_is_refused_before_solving(scenario, tmp_path, no_solve):
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("notes\n")
    res = _plan(str(scenario), "--out", str(out))
    assert res.exit_code == 2, res.output
    assert "not written by carbonpath" in res.output and "--force" in res.output
    assert "Traceback" not in res.output
    assert _files(out) == {"notes.txt": b"notes\n"}


@pytest.mark.parametrize("command", ["compare", "sweep", "bench"])
def test_every_writing_command_refuses_a_foreign_folder_first(command, scenario, tmp_path,
                                                              no_solve):
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("notes\n")
    args = {"compare": ["compare", str(scenario), str(scenario)],
            "sweep": ["sweep", str(scenario), "--vary", "carbon.price=0.5:2.0",
                      "--scheduler", "synchronous"],
            "bench": ["bench", "--case", str(scenario)]}[command]
    res = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert "not written by carbonpath" in res.output
    assert _files(out) == {"notes.txt": b"notes\n"}


def test_an_empty_folder_then_a_rerun_into_it(scenario, tmp_path, solved):
    out = tmp_path / "r"
    out.mkdir()
    assert _plan(str(scenario), "--out", str(out)).exit_code == 0
    first = _files(out)
    # rules/verdicts need a standard, the tax ledger tax.taxable_profit_cny, report.pdf --pdf
    assert set(first) == {MARKER, *(PLAN_FILES - {"rules.csv", "verdicts.csv", "tax_ledger.csv",
                                                  "report.pdf"})}
    (out / "my_notes.txt").write_text("kept\n")
    res = _plan(str(scenario), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert _files(out) == {**first, "my_notes.txt": b"kept\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary or old folder


def test_force_writes_beside_foreign_files_and_replaces_only_its_names(scenario, tmp_path,
                                                                       solved):
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("notes\n")
    (out / "roadmap.csv").write_text("someone else's\n")
    res = _plan(str(scenario), "--out", str(out), "--force")
    assert res.exit_code == 0, res.output
    assert (out / "notes.txt").read_text() == "notes\n"
    assert (out / "roadmap.csv").read_text().startswith("year,")
    manifest = json.loads((out / MARKER).read_text())["files"]
    assert "notes.txt" not in manifest and "roadmap.csv" in manifest


def test_dot_and_tilde(scenario, tmp_path, solved, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _plan(str(scenario), "--out", "~/plans/a").exit_code == 0
    assert (tmp_path / "plans" / "a" / "summary.json").is_file()
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert _plan(str(scenario), "--out", ".").exit_code == 0
    assert (here / "summary.json").is_file()
    assert _plan(str(scenario), "--out", ".").exit_code == 0  # its own folder now
    monkeypatch.chdir(tmp_path)  # not carbonpath's: refused clearly, nothing left
    res = _plan(str(scenario), "--out", ".")
    assert res.exit_code == 2 and "not written by carbonpath" in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here", "plans"]


def test_a_dangling_symlink_is_refused(scenario, tmp_path, no_solve):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "gone")
    res = _plan(str(scenario), "--out", str(link))
    assert res.exit_code == 2
    assert "does not exist" in res.output and "Traceback" not in res.output


def test_a_symlinked_out_folder_is_kept_as_a_link(scenario, tmp_path, solved):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real, target_is_directory=True)
    for _ in range(2):
        assert _plan(str(scenario), "--out", str(link)).exit_code == 0
    assert link.is_symlink() and (real / "roadmap.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "real"]


def test_a_folder_locked_by_another_run_is_refused(scenario, tmp_path, no_solve):
    out = tmp_path / "out"
    with OutputDir(out, PLAN_FILES):  # as another run would hold it (a real process in
        res = _plan(str(scenario), "--out", str(out))  # tests/planner/report/test_outdir.py)
    assert res.exit_code == 2
    assert "another plan is writing here" in res.output


def test_two_real_runs_into_one_folder_never_fail_with_an_internal_error(scenario, tmp_path):
    """The issue's race: both start together; one may be refused (exit 2), none is exit 1."""
    out = tmp_path / "out"
    cmd = [sys.executable, str(REPO / "cli.py"), str(scenario), "--out", str(out), "--quiet"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
    codes = sorted(rc for rc, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    if codes == [0, 2]:
        assert "another plan is writing here" in next(err for rc, err in results if rc == 2)
    assert (out / "summary.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_csv_has_a_byte_order_mark_for_excel_with_lang_zh(scenario, tmp_path, solved):
    for args, bom in (([], False), (["--lang", "zh"], True),
                      (["--lang", "zh", "--csv-encoding", "utf-8"], False),
                      (["--csv-encoding", "utf-8-sig"], True)):
        out = tmp_path / f"o{len(list(tmp_path.iterdir()))}"
        assert _plan(str(scenario), "--out", str(out), *args).exit_code == 0
        for name in ("roadmap.csv", "measures.csv"):
            assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf") is bom, (args, name)
        # either way the text is the same UTF-8 table
        assert pd.read_csv(out / "roadmap.csv").columns[0] == "year"
    zh = json.loads((tmp_path / "o1" / "summary.json").read_text(encoding="utf-8"))
    assert zh["scenario"] == ZH_NAME


def test_bench_writes_to_carbonpath_bench_in_the_current_folder(scenario, tmp_path,
                                                                monkeypatch):
    """Not into the repository's tracked benchmarks/results/bench.csv (issue 13 item 2)."""
    tracked = REPO / "benchmarks" / "results" / "bench.csv"
    before = hashlib.sha256(tracked.read_bytes()).hexdigest()
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["bench", "--case", str(scenario), "--quick"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "carbonpath-bench" / "bench.csv").read_text().startswith("case,setting")
    assert hashlib.sha256(tracked.read_bytes()).hexdigest() == before


def test_bench_refuses_the_tracked_results_folder(scenario, tmp_path, monkeypatch, no_solve):
    results = tmp_path / "benchmarks" / "results"
    results.mkdir(parents=True)
    (results / "bench.csv").write_text("tracked figures\n")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["bench", "--case", str(scenario), "--out",
                                    "benchmarks/results"])
    assert res.exit_code == 2
    assert (results / "bench.csv").read_text() == "tracked figures\n"


def test_a_toml_with_a_byte_order_mark_is_accepted(scenario, tmp_path):
    bom = tmp_path / "notepad.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + scenario.read_bytes())
    res = CliRunner().invoke(main, ["validate", str(bom)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("ok: ")


def test_the_lock_file_lives_outside_the_output_folder(tmp_path):
    from planner.report.outdir import lock_path
    out = tmp_path / "out"
    with OutputDir(out, PLAN_FILES):
        held = lock_path(out.resolve())
        assert held.is_file() and out.resolve() not in held.parents
        assert held.read_text() == str(os.getpid())
    assert not held.exists()
