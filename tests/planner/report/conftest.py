"""One solved example plan written to a folder, shared by the report tests."""

from __future__ import annotations

import pytest

from planner.pipeline import plan_scenario
from planner.report.files import write_plan
from tests.conftest import REPO


@pytest.fixture(scope="package")
def example_plan():
    return plan_scenario(REPO / "scenarios" / "electronics_jiangsu.toml")


@pytest.fixture(scope="package")
def written(example_plan, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "out"
    write_plan(example_plan, out)
    return out
