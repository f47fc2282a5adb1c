"""A small scenario for sweeps: 5 years, one efficiency measure, PV, credits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.conftest import tiny_raw


def sweep_raw() -> dict[str, Any]:
    """tiny_raw plus a measure, PV with a series capex, a carbon price series and a credit.

    Net zero in 2029 needs ~1 000 t of offsets a year at most: the credit's 2 000 t/yr
    cover it, 500 t/yr do not (the sample is then infeasible).
    """
    return tiny_raw(
        carbon={"price_cny_per_t": {"2025": 100.0, "2029": 200.0}, "covered": True},
        credit=[{"id": "ccer", "price_cny_per_t": 80.0, "max_t_per_year": 2000.0}],
        measure=[{"id": "eff", "pathway": "efficiency", "capex_cny": 300000.0,
                  "lifetime_years": 10, "electricity_saving_share": 0.2},
                 {"id": "hp", "pathway": "fuel-switch", "capex_cny": 900000.0,
                  "lifetime_years": 15,
                  "switch": [{"from_fuel": "natural_gas", "share": 0.5, "to": "electricity",
                              "efficiency_to": 3.0, "profile": "process_heat"}]}],
        pv={"capex_cny_per_kw": {"2025": 3000.0, "2029": 2500.0},
            "annual_yield_kwh_per_kwp": 1100.0, "max_kw": 300.0},
    )


@pytest.fixture
def sweep_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_bytes(tomli_w.dumps(sweep_raw()).encode())
    return path
