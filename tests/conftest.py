"""Shared fixtures: tiny scenarios whose optimum can be computed by hand, and the examples
solved once per test session."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from click.testing import Result

    from planner.plan.results import Plan

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))

#: Tests marked ``integration`` (slow, end to end: real processes, a browser, the monolithic
#: reference, full examples). CI runs them (the README's command runs everything collected);
#: a quick local loop can leave them out with ``-m "not integration"``. One table, not
#: decorators, so that the files stay free for other edits; an entry that matches no test
#: of a collected file is an error (a renamed test must not silently lose its mark).
INTEGRATION: dict[tuple[str, str], str] = {
    ("tests/models/test_exactness.py", ""): "the monolithic 8760-hour MILP (minutes)",
    ("tests/models/test_scaling.py", "test_final_master_is_well_scaled"):
        "solves every example and the reference; reads HiGHS's log",
    ("tests/planner/sweep/test_runner.py", "test_sweep_on_a_local_dask_cluster"):
        "a dask cluster of worker processes",
    ("tests/planner/sweep/test_runner.py", "test_local_scheduler_works_while_port_8787"):
        "a dask cluster of worker processes",
    ("tests/planner/group/test_dask.py", ""): "a dask cluster of worker processes",
    ("tests/planner/report/test_files.py", "test_a_killed_run_leaves_no_half_written"):
        "signals a real `plan` process mid-solve",
    ("tests/planner/report/test_html.py", "test_report_draws_every_chart"):
        "headless Chromium",
    ("tests/planner/report/test_board_report.py", "test_report_prints_to_a4"):
        "headless Chromium prints the report to PDF",
    ("tests/cli/test_pdf.py", "test_a_real_chromium_prints"): "headless Chromium (plan --pdf)",
    ("tests/cli/test_pipe.py", ""): "real `plan` processes whose reader leaves early",
    ("tests/cli/test_compare.py", "test_compare_example_and_a_variant"):
        "solves an example twice in parallel processes",
    ("tests/cli/test_cli.py", "test_installed_plan_command_runs_as_a_subprocess"):
        "a real `plan` process",
    ("tests/cli/test_bad_input.py", "test_as_a_real_process"):
        "real `plan` processes",
    ("tests/test_typing.py", ""): "runs mypy on models/ and planner/",
    ("tests/models/test_reference.py", ""): "the independent full-hourly reference MILP (minutes)",
    ("tests/planner/test_objective_terms.py", ""): "solves every example with its master kept",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    files = {str(Path(item.path).relative_to(REPO)) for item in items}
    used: set[tuple[str, str]] = set()
    for item in items:
        rel = str(Path(item.path).relative_to(REPO))
        for key in INTEGRATION:
            path, prefix = key
            if rel == path and item.name.startswith(prefix):
                item.add_marker(pytest.mark.integration)
                used.add(key)
    # Checked only when whole files were collected (not for ``file.py::test`` selections).
    whole_files = not any("::" in str(arg) for arg in config.args)
    stale = [k for k in INTEGRATION if k[0] in files and k not in used]
    if stale and whole_files:
        raise pytest.UsageError(f"tests/conftest.py INTEGRATION names tests that do not exist: "
                                f"{stale}; update the table")


def tiny_raw(**sections: Any) -> dict[str, Any]:
    """A 5-year plant with a flat 1 000 MWh load and 10 000 GJ of gas.

    Base-year emissions: gas 10 000 GJ x 0.0561 t/GJ = 561 t; grid 1 000 MWh x 0.5 t/MWh
    = 500 t; total 1 061 t. Prices: electricity 0.5 CNY/kWh flat, gas 80 CNY/GJ.
    CO2 only (``combustion_ch4_n2o = false``) so that hand figures stay round; the
    tests of combustion CH4 and N2O switch it on.
    Keyword arguments replace or add whole top-level tables.
    """
    raw: dict[str, Any] = {
        "scenario": {"name": "tiny", "base_year": 2025, "end_year": 2029,
                     "discount_rate": 0.05, "gwp_set": "AR6", "combustion_ch4_n2o": False},
        "site": {"latitude": 30.0, "longitude": 104.0},
        "demand": {"electricity_mwh": 1000.0, "profile": "flat",
                   "fuels_gj": {"natural_gas": 10000.0}},
        "fuels": {"natural_gas": {"price_cny_per_gj": 80.0}},
        "grid": {"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5},
        "target": {"net_zero_year": 2029, "max_credit_share": 1.0},
        # A diagnosis budget far above what a 5-year plant needs: the tests' verdicts must
        # not depend on the machine's load (the default is 20 s).
        "solver": {"mip_rel_gap": 1e-9, "oa_rel_tolerance": 1e-9,
                   "diagnosis_time_limit_s": 300.0},
    }
    for key, value in sections.items():
        raw[key] = copy.deepcopy(value)
    return raw


@pytest.fixture
def tiny() -> Any:
    return tiny_raw


@pytest.fixture(autouse=True, scope="session")
def _private_pv_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the PV profile cache of a test run out of the user's ~/.cache."""
    import os

    os.environ["CARBONPATH_CACHE_DIR"] = str(tmp_path_factory.mktemp("pv-cache"))


# --------------------------------------------------------------------------- solved examples

@pytest.fixture(scope="session")
def example_plan_of() -> Callable[[str], Plan]:
    """``example_plan_of("electronics_jiangsu")``: that example solved once per session.

    Tests read the plan; none may change it (it is shared).
    """
    from planner.run.pipeline import plan_scenario

    cache: dict[str, Plan] = {}

    def get(stem: str) -> Plan:
        if stem not in cache:
            cache[stem] = plan_scenario(REPO / "scenarios" / f"{stem}.toml")
        return cache[stem]

    return get


FOOD = REPO / "scenarios" / "food_zhejiang.toml"


@pytest.fixture(scope="session")
def food_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``plan food_zhejiang.toml --out DIR`` through click's runner, once per session."""
    from click.testing import CliRunner

    from cli import main

    out = tmp_path_factory.mktemp("food-run") / "out"
    return CliRunner().invoke(main, [str(FOOD), "--out", str(out)]), out


@pytest.fixture(scope="session")
def food_run_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``plan run food_zhejiang.toml --json --out DIR``: a second, independent solve."""
    from click.testing import CliRunner

    from cli import main

    out = tmp_path_factory.mktemp("food-run-json") / "out"
    return CliRunner().invoke(main, ["run", str(FOOD), "--json", "--out", str(out)]), out
