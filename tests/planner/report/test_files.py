"""``--out`` is written atomically, and the same input gives byte-identical files."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.report.files import atomic_output_dir
from tests.conftest import REPO

FOOD = REPO / "scenarios" / "food_zhejiang.toml"


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}"))


def test_a_failure_mid_write_leaves_no_folder_and_no_temporary(tmp_path):
    out = tmp_path / "out"

    def write(tmp: Path) -> None:
        (tmp / "roadmap.csv").write_text("half\n")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_output_dir(out, write)
    assert not out.exists()
    assert _siblings(out) == []


def test_an_interrupt_mid_write_keeps_the_previous_results(tmp_path):
    out = tmp_path / "out"
    atomic_output_dir(out, lambda tmp: (tmp / "summary.json").write_text("old\n"))

    def write(tmp: Path) -> None:
        (tmp / "summary.json").write_text("new\n")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_output_dir(out, write)
    assert (out / "summary.json").read_text() == "old\n"
    assert _siblings(out) == []


def test_rerunning_replaces_the_folder_cleanly(tmp_path):
    out = tmp_path / "out"
    atomic_output_dir(out, lambda tmp: (tmp / "stale.csv").write_text("from an older run\n"))
    atomic_output_dir(out, lambda tmp: (tmp / "roadmap.csv").write_text("year\n"))
    assert sorted(p.name for p in out.iterdir()) == [".carbonpath", "roadmap.csv"]
    assert _siblings(out) == []


@pytest.mark.parametrize(("sig", "code", "note", "existing"), [
    (signal.SIGINT, 130, "interrupted; nothing written", False),
    (signal.SIGTERM, 143, "terminated (SIGTERM); nothing written", True),
])
def test_a_killed_run_leaves_no_half_written_folder(tmp_path, sig, code, note, existing):
    """SIGINT or SIGTERM a real `plan` while it solves: --out is as it was, no temporary."""
    from planner.report.outdir import lock_path

    out = tmp_path / "out"
    if existing:  # an earlier run's folder, with the user's notes in it
        atomic_output_dir(out, lambda tmp: (tmp / "roadmap.csv").write_text("old\n"))
        (out / "notes.txt").write_text("mine\n")
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*")
              if p.is_file()}
    proc = subprocess.Popen([sys.executable, str(REPO / "cli.py"), str(FOOD), "--out", str(out),
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(6.0)  # imports done (about 1-3 s), solving (several s)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == code, err
    assert note in err and "Traceback" not in err
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*")
             if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out"] if existing else [])
    assert not lock_path(out.resolve()).exists()


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".json")}


def test_same_input_gives_byte_identical_csv_and_json(food_run, food_run_json):
    """Two separate solves of the same file (the second prints JSON): the same bytes."""
    digests = []
    for result, out in (food_run, food_run_json):
        assert result.exit_code == 0, result.output
        digests.append(_digest(out))
    assert digests[0] == digests[1]
    assert {"roadmap.csv", "summary.json", "emissions.csv"} <= set(digests[0])


def test_summary_json_has_no_timestamps_or_timings(food_run):
    _, out = food_run
    text = (out / "summary.json").read_text()
    assert "time" not in text.replace("timezone", "")
    assert os.path.getsize(out / "summary.json") > 100


def test_negative_zero_is_written_as_zero_in_csv_and_json(tmp_path):
    import json
    from types import SimpleNamespace

    import pandas as pd

    from planner.report.files import summary_json, write_csv

    # -0.0 arises from round-off cleaning (e.g. 0.0 * -1 for an offset's emission row).
    df = pd.DataFrame({"year": [2025, 2026], "credits_t": [-0.0, 2.5],
                       "note": ["a", -0.0], "net_t": [-1e-7, -0.0]})
    path = tmp_path / "t.csv"
    write_csv(df, path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "year,credits_t,note,net_t", "2025,0,a,-1e-07", "2026,2.5,0.0,0"]
    text = summary_json(SimpleNamespace(summary={"credits_total_t": -0.0, "by": [-0.0, -2.0]}))
    assert "-0" not in text
    assert json.loads(text) == {"by": [0.0, -2.0], "credits_total_t": 0.0}
    # The caller's table is left as it was.
    assert str(df["credits_t"][0]) == "-0.0"
