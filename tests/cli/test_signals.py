"""SIGTERM (timeout, systemd, Kubernetes, CI) is handled like Ctrl-C: clean up, say so, exit 143.

Each test runs the real command line in a child process. The child patches one slow
step to announce itself on stdout and wait, so that the signal arrives at a known
moment (while the output folder is half written; while the sweep's workers run)
instead of after a guessed sleep.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import tomli_w

from tests.conftest import REPO

EXIT_SIGTERM = 128 + signal.SIGTERM  # 143, the shell's convention for death by SIGTERM


def _child(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _terminate_when_ready(proc: subprocess.Popen) -> tuple[str, str]:
    """Wait for the child's READY line, send SIGTERM, return (READY payload, stderr)."""
    line = proc.stdout.readline()
    if not line.startswith("READY"):
        proc.kill()
        _, err = proc.communicate(timeout=60)
        pytest.fail(f"the child did not get ready: {line!r} {err}")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    return line[len("READY"):].strip(), err


def _scenario(tiny, folder: Path) -> Path:
    """The tiny plant with credits: feasible, solved in a second."""
    path = folder / "s.toml"
    path.write_bytes(tomli_w.dumps(tiny(credit=[{"id": "c", "price_cny_per_t": 50.0}])).encode())
    return path


def _alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie, dead but not yet reaped by init, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def test_sigterm_while_writing_the_output_folder_leaves_nothing(tiny, tmp_path):
    """SIGTERM when half the files are written: exit 143, a message, no folder, no temporary."""
    scen = _scenario(tiny, tmp_path)
    out = tmp_path / "out"
    proc = _child("""
        import sys, time
        import planner.report.workbook as wb
        def slow_workbook(plan, path, lang):
            path.write_bytes(b"")  # a 0-byte plan.xlsx, as a kill mid-write leaves it
            print("READY", flush=True)
            time.sleep(60)
        wb.write_plan_workbook = slow_workbook
        from cli import main
        main(sys.argv[1:])
    """, str(scen), "--out", str(out), "--quiet")
    _, err = _terminate_when_ready(proc)
    assert proc.returncode == EXIT_SIGTERM, err
    assert "terminated (SIGTERM); nothing written" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


@pytest.mark.parametrize("scheduler", ["synchronous", "local"])
def test_sigterm_stops_a_sweep_and_its_workers(tiny, tmp_path, scheduler):
    """SIGTERM during `plan sweep`: exit 143, a message, no worker process left, no leak."""
    scen = _scenario(tiny, tmp_path)
    out = tmp_path / "out"
    proc = _child("""
        import json, os, sys, time
        from contextlib import contextmanager
        import psutil
        import planner.sweep.runner as runner

        original_dask = runner._dask_client
        original_solve = runner.solve_job

        def ready():
            kids = [p.pid for p in psutil.Process().children(recursive=True)]
            print("READY", json.dumps(kids), flush=True)
            time.sleep(60)

        @contextmanager
        def dask_client(*args, **kwargs):
            with original_dask(*args, **kwargs) as client:
                ready()  # the cluster and its workers are up
                yield client

        def solve_job(*args, **kwargs):
            ready()  # the first sample is being solved
            return original_solve(*args, **kwargs)

        runner._dask_client = dask_client
        runner.solve_job = solve_job
        from cli import main
        main(sys.argv[1:])
    """, "sweep", str(scen), "--vary", "credit[c].price_cny_per_t=40:60:abs", "--samples", "4",
        "--scheduler", scheduler, "--workers", "1", "--out", str(out), "--quiet")
    payload, err = _terminate_when_ready(proc)
    assert proc.returncode == EXIT_SIGTERM, err
    assert "terminated (SIGTERM); nothing written" in err
    assert "Traceback" not in err
    assert "leaked" not in err  # multiprocessing's resource tracker: semaphores left behind
    workers = json.loads(payload)
    if scheduler == "local":
        assert workers, "the local cluster should have started worker processes"
    # The resource tracker and the workers notice their parent's exit within moments.
    deadline = time.monotonic() + 15.0
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in workers if _alive(pid)] == []
    assert not out.exists()
    assert os.path.isdir(tmp_path)
