"""Shared fixtures: tiny scenarios whose optimum can be computed by hand."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


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
        "solver": {"mip_rel_gap": 1e-9, "oa_rel_tolerance": 1e-9},
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
