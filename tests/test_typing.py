"""Type hints are checked: mypy on models/ and planner/, untyped defs disallowed.

The configuration (and the modules exempt for now, with the reason) is pyproject.toml's
[tool.mypy]. mypy comes with the [test] extra; without it the test is skipped. The cache
is the repository's .mypy_cache (ignored by git): a fresh clone checks everything once
(about 20 s of CPU), a rerun only what changed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed: pip install -e '.[test]'")
def test_mypy_finds_no_type_errors_in_models_and_planner():
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                          text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
