"""`plan FILE --out DIR --pdf`: report.pdf through headless Chromium, refused before the solve
when it cannot be written, nothing written when printing fails."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner

from cli import main
from tests.conftest import tiny_raw
from tests.helpers import solve_raw

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def tiny_plan():
    return solve_raw(tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(tomli_w.dumps(tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])))
    return path


@pytest.fixture
def solved(monkeypatch, tiny_plan):
    monkeypatch.setattr("planner.run.pipeline.plan_scenario", lambda *a, **k: tiny_plan)


@pytest.fixture
def no_solve(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("solved although --pdf cannot be honoured")
    monkeypatch.setattr("planner.run.pipeline.plan_scenario", fail)


def _plan(*args: str):
    return CliRunner().invoke(main, [*args, "--quiet"])


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_pdf_needs_out(scenario, no_solve):
    res = _plan(str(scenario), "--pdf")
    assert res.exit_code == 2 and "--pdf" in res.output and "--out DIR" in res.output


def test_no_browser_is_refused_before_the_solve(scenario, tmp_path, no_solve, monkeypatch):
    monkeypatch.delenv("CARBONPATH_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no chromium, no chrome
    out = tmp_path / "out"
    res = _plan(str(scenario), "--out", str(out), "--pdf")
    assert res.exit_code == 2, res.output
    assert "needs a Chromium or Chrome browser" in res.output
    assert "apt install chromium" in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_a_named_browser_that_is_not_executable_is_refused(scenario, tmp_path, no_solve,
                                                            monkeypatch):
    fake = tmp_path / "chrome.txt"
    fake.write_text("not a program")
    monkeypatch.setenv("CARBONPATH_CHROMIUM", str(fake))
    res = _plan(str(scenario), "--out", str(tmp_path / "out"), "--pdf")
    assert res.exit_code == 2 and f"CARBONPATH_CHROMIUM={fake}" in res.output


def test_a_browser_that_fails_leaves_nothing_written(scenario, tmp_path, solved, monkeypatch):
    """Chromium found but printing fails (exit 1, no PDF): exit 2 with its last message,
    and the --out folder keeps what it had (here: it is not created)."""
    fake = _script(tmp_path / "chromium", 'echo "crashed: no display" >&2; exit 1')
    monkeypatch.setenv("CARBONPATH_CHROMIUM", str(fake))
    out = tmp_path / "out"
    res = _plan(str(scenario), "--out", str(out), "--pdf")
    assert res.exit_code == 2, res.output
    assert "wrote no PDF (exit 1: crashed: no display)" in res.output
    assert not out.exists() or not any(out.iterdir())


def test_the_browser_gets_the_report_and_a_pdf_is_kept(scenario, tmp_path, solved,
                                                       monkeypatch):
    """A stand-in browser that copies a minimal PDF to --print-to-pdf: report.pdf is kept
    beside report.html, and it was asked to print report.html of the same run."""
    log = tmp_path / "args.txt"
    fake = _script(tmp_path / "chromium",
                   f'echo "$@" > {log}\n'
                   'for a in "$@"; do case "$a" in --print-to-pdf=*) '
                   'printf "%%PDF-1.4 stand-in" > "${a#--print-to-pdf=}";; esac; done')
    monkeypatch.setenv("CARBONPATH_CHROMIUM", str(fake))
    out = tmp_path / "out"
    res = _plan(str(scenario), "--out", str(out), "--pdf")
    assert res.exit_code == 0, res.output
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.4 stand-in"
    args = log.read_text()
    assert "--headless" in args and "report.html" in args and "--no-pdf-header-footer" in args


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not at /usr/bin/chromium "
                    "(.ci/run installs it)")
def test_a_real_chromium_prints_the_report_to_a4(scenario, tmp_path, solved, monkeypatch):
    monkeypatch.setenv("CARBONPATH_CHROMIUM", str(CHROMIUM))
    out = tmp_path / "out"
    res = _plan(str(scenario), "--out", str(out), "--pdf")
    assert res.exit_code == 0, res.output
    data = (out / "report.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes and all(abs(float(w) - 595) < 1 and abs(float(h) - 842) < 1 for w, h in boxes)


def test_the_refusals_read_in_chinese(scenario, tmp_path, no_solve, monkeypatch):
    monkeypatch.delenv("CARBONPATH_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    res = _plan(str(scenario), "--out", str(tmp_path / "out"), "--pdf", "--lang", "zh")
    assert res.exit_code == 2
    assert "需要 Chromium 或 Chrome 浏览器" in res.output and "apt install chromium" in res.output
