"""`plan FILE --out DIR | head`: the reader leaves after a few lines; the run goes on, the
--out folder is written and the exit code is the plan's (0), with no error message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import tomli_w

from tests.conftest import tiny_raw


def _plan_exe() -> str:
    exe = shutil.which("plan", path=str(Path(sys.executable).parent))
    assert exe, "the console script `plan` is not installed next to this Python"
    return exe


def test_a_reader_that_leaves_early_does_not_stop_the_files(tmp_path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(tomli_w.dumps(tiny_raw(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])))
    for extra in ([], ["--json"]):
        out = tmp_path / f"out{len(extra)}"
        proc = subprocess.Popen([_plan_exe(), str(scenario), "--out", str(out), *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**os.environ, "COLUMNS": "80"})
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()  # like `head -1`
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.wait(timeout=600) == 0, err
        assert "error" not in err.lower() and "Traceback" not in err
        assert (out / "summary.json").is_file() and (out / "report.html").is_file()
