"""The OpenMP wait policy is set before the kernel's runtime loads, unless the user set it.

Spinning OpenMP workers slow the parallel kernel several times on a machine whose cores
other processes keep busy (benchmarks/README.md, 2026-12-01 second session); so importing
``models`` puts ``OMP_WAIT_POLICY=passive`` into the environment when it is absent. Each
case runs in a fresh interpreter: the variable only matters before numba first loads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = "import os, models; print(os.environ.get('OMP_WAIT_POLICY'))"


def _policy_after_import(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if env_value is not None:
        env["OMP_WAIT_POLICY"] = env_value
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def test_passive_is_set_when_the_user_set_nothing():
    assert _policy_after_import(None) == "passive"


def test_a_policy_the_user_set_is_kept():
    assert _policy_after_import("active") == "active"
