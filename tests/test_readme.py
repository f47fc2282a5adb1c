"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _commands(text: str) -> list[str]:
    return re.findall(r"^(python3 -m venv \.venv && .+)$", text, flags=re.M)


def test_ci_runs_the_readme_test_command_verbatim():
    readme = _commands((REPO / "README.md").read_text())
    ci = _commands((REPO / ".ci" / "run").read_text())
    assert len(readme) == 2, "README must give exactly two set-up commands"
    assert ci == [readme[1]], "the CI script must run the README's test command"
    assert "pytest" in readme[1] and "plan scenarios/" in readme[0]
