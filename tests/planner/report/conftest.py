"""One solved example plan written to a folder, shared by the report tests."""

from __future__ import annotations

import pytest

from planner.report.files import write_plan


@pytest.fixture(scope="package")
def example_plan(example_plan_of):
    """The electronics example, solved once per session (tests/conftest.py)."""
    return example_plan_of("electronics_jiangsu")


@pytest.fixture(scope="package")
def written(example_plan, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "out"
    write_plan(example_plan, out)
    return out
