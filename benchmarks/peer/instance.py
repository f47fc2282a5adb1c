"""Generate the peer-benchmark instances: one carbonpath scenario and one PyPSA input per case.

The plant is the one of issue 12: a two-shift plant in Chengdu with PV, a battery, a
time-of-use tariff, export and a yearly CO2 cap. For each case this module writes

* ``load.csv`` and ``pv.csv`` (8 760 rows) and ``scenario.toml``, which names them, for
  ``plan scenario.toml --out DIR``;
* ``pypsa_hourly.csv`` and ``pypsa_params.json`` for ``pypsa_run.py``. The hourly arrays in
  it (load, PV per kWp, import and export price) are read back from carbonpath's own loader
  (``planner.run.pipeline.prepare``), so both tools see the same numbers, including
  carbonpath's cap of the export price at the hour's import price.

Annualisation (why the two objectives are the same function)
-----------------------------------------------------------
carbonpath minimises an NPV over ``Y`` years: capex in the build year, O&M and energy
each year discounted by ``d_y = (1 + r)^-y`` (y = 0 .. Y-1), minus the straight-line
salvage ``capex (L - Y) / L`` of a year-0 asset discounted by ``d_Y = (1 + r)^-Y``.
Every year here is identical (no growth, no PV degradation, constant prices), so with
capacities built in year 0 the NPV is ``A_Y x`` (one year's cost with the capacity cost
``c_eff = capex (1 - d_Y (L - Y) / L) / A_Y + O&M``), ``A_Y = sum_y d_y``. PyPSA is given
exactly ``c_eff`` as ``capital_cost`` and one year of snapshots; its objective times
``A_Y`` is carbonpath's NPV, and the two problems have the same minimisers. (The usual
annuity ``capex r / (1 - (1 + r)^-L)`` is a different objective: it would move the optimum.)
A later vintage never costs less per year of use than a year-0 one here (e.g. PV capex, 10
years: 277 CNY/kW/yr built in year 0, 281 in year 1), so carbonpath builds in year 0 and
the one-year PyPSA problem is the whole horizon's problem; the benchmark checks the
build years in carbonpath's roadmap.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "CASES",
    "PeerCase",
    "capacity_cost_cny_per_year",
    "horizon_annuity_factor",
    "write_instance",
]

LATITUDE_DEG = 30.67  # Chengdu
LONGITUDE_DEG = 104.06
BASE_YEAR = 2025
PV_YIELD_KWH_PER_KWP = 1050.0
PV_CAPEX_CNY_PER_KW = 3000.0
PV_OM_CNY_PER_KW_YEAR = 40.0
PV_LIFE_YEARS = 25
BATTERY_ENERGY_CAPEX_CNY_PER_KWH = 1000.0
BATTERY_POWER_CAPEX_CNY_PER_KW = 300.0
BATTERY_ROUND_TRIP = 0.9
BATTERY_LIFE_YEARS = 20
#: Duration bounds of the battery (energy / power). carbonpath always states them; wide
#: enough not to bind at the issue's optimum (4.1 h), and mirrored in PyPSA.
BATTERY_MIN_DURATION_H = 0.5
BATTERY_MAX_DURATION_H = 12.0
#: Battery size limit as hours of mean load (carbonpath's default is 24 h; stated explicitly).
BATTERY_MAX_HOURS_OF_MEAN_LOAD = 24.0
FLAT_PRICE_CNY_PER_KWH = 0.68
VALLEY_PRICE_CNY_PER_KWH = 0.32  # 00-08 h
PEAK_PRICE_CNY_PER_KWH = 1.05  # 10-12 h and 18-22 h
VALLEY_HOURS = tuple(range(8))
PEAK_HOURS = (10, 11, 18, 19, 20, 21)
#: The issue's export price is 0.35 CNY/kWh, 0.30 in valley hours. A scenario states one
#: export price a year, which carbonpath caps at each hour's import price, so the valley
#: export is 0.32 here in both tools.
EXPORT_PRICE_CNY_PER_KWH = 0.35
GRID_EF_T_PER_MWH = 0.5366
DISCOUNT_RATE = 0.07


@dataclass(frozen=True)
class PeerCase:
    """One benchmark instance.

    Attributes
    ----------
    name : str
        Case id (``A2``, ``B10``, ...).
    electricity_mwh : float
        Annual load [MWh/yr].
    pv_max_kw : float
        PV limit [kWp].
    cap_share : float
        Yearly CO2 cap as a share of the emissions with full PV and no battery.
    years : int
        Horizon of the carbonpath scenario (2 is the shortest it accepts).
    """

    name: str
    electricity_mwh: float
    pv_max_kw: float
    cap_share: float
    years: int
    description: str


CASES: dict[str, PeerCase] = {c.name: c for c in (
    PeerCase("A2", 10_000.0, 4_000.0, 0.95, 2, "10 GWh, cap binding (95 %), 2 years"),
    PeerCase("A10", 10_000.0, 4_000.0, 0.95, 10, "10 GWh, cap binding (95 %), 10 years"),
    PeerCase("B2", 10_000.0, 4_000.0, 1.00, 2, "10 GWh, cap 5 % looser (100 %), 2 years"),
    # Only the load is 10x smaller: scaling PV and battery limits too would give A2 / 10.
    PeerCase("C2", 1_000.0, 4_000.0, 0.95, 2, "1 GWh, PV up to 4,000 kW, cap binding, 2 years"),
    PeerCase("D2", 10_000.0, 4_000.0, 1.10, 2, "10 GWh, cap not binding (110 %), 2 years"),
)}


def horizon_annuity_factor(years: int, rate: float = DISCOUNT_RATE) -> float:
    """``A_Y = sum_{y=0}^{Y-1} (1 + r)^-y``: carbonpath's discounting of a constant yearly cost."""
    return float(sum((1.0 + rate) ** -y for y in range(years)))


def capacity_cost_cny_per_year(capex_cny: float, life_years: int, years: int,
                               om_cny_per_year: float = 0.0,
                               rate: float = DISCOUNT_RATE) -> float:
    """Yearly cost of a unit built in year 0 such that PyPSA's objective x A_Y = carbonpath's NPV.

    ``capex (1 - (1 + r)^-Y max(0, L - Y) / L) / A_Y + O&M``: capex less the discounted
    straight-line salvage, spread over the horizon as carbonpath discounts it.
    """
    if life_years < years:
        raise ValueError("an asset that must be rebuilt within the horizon has no single "
                         "yearly cost equivalent")
    salvage_share = (1.0 + rate) ** -years * (life_years - years) / life_years
    return capex_cny * (1.0 - salvage_share) / horizon_annuity_factor(years, rate) \
        + om_cny_per_year


def _write_column(path: Path, header: str, values: np.ndarray) -> None:
    # repr-exact floats: both tools parse the same text into the same doubles.
    lines = [header, *(repr(float(v)) for v in values)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _hourly_inputs(case: PeerCase) -> tuple[np.ndarray, np.ndarray]:
    from planner.profiles.build import pv_output_kw_per_kwp, shift_load_shape

    load_kw = shift_load_shape("two_shift", BASE_YEAR) * case.electricity_mwh * 1e3
    pv_kw_per_kwp = pv_output_kw_per_kwp(LATITUDE_DEG, LONGITUDE_DEG, BASE_YEAR,
                                         annual_yield_kwh_per_kwp=PV_YIELD_KWH_PER_KWP)
    return load_kw, pv_kw_per_kwp


def cap_t_per_year(case: PeerCase, load_kw: np.ndarray, pv_kw_per_kwp: np.ndarray) -> float:
    """``cap_share`` x the yearly emissions with full PV and no battery [t/yr].

    Import is the load PV does not cover hour by hour (the surplus is exported, which earns
    but does not lower the location-based scope 2).
    """
    import_kwh = float(np.maximum(load_kw - case.pv_max_kw * pv_kw_per_kwp, 0.0).sum())
    return case.cap_share * GRID_EF_T_PER_MWH * import_kwh / 1e3


def _scenario_toml(case: PeerCase, cap_t: float, battery_max_kwh: float) -> str:
    end_year = BASE_YEAR + case.years - 1
    return f'''# Generated by benchmarks/peer/instance.py (case {case.name}): do not edit.
# {case.description}. See benchmarks/README.md, "Peer benchmark: PyPSA".
[scenario]
name = "Peer benchmark {case.name}"
description = "{case.description}"
base_year = {BASE_YEAR}
end_year = {end_year}
discount_rate = {DISCOUNT_RATE!r}

[site]
latitude = {LATITUDE_DEG!r}
longitude = {LONGITUDE_DEG!r}

[demand]
profile_csv = "load.csv"

[grid]
price_cny_per_kwh = {FLAT_PRICE_CNY_PER_KWH!r}
export_price_cny_per_kwh = {EXPORT_PRICE_CNY_PER_KWH!r}
ef_t_per_mwh = {GRID_EF_T_PER_MWH!r}

[[grid.periods]]
name = "valley"
hours = {list(VALLEY_HOURS)}
multiplier = {VALLEY_PRICE_CNY_PER_KWH / FLAT_PRICE_CNY_PER_KWH!r}

[[grid.periods]]
name = "peak"
hours = {list(PEAK_HOURS)}
multiplier = {PEAK_PRICE_CNY_PER_KWH / FLAT_PRICE_CNY_PER_KWH!r}

# A yearly cap of {cap_t:.3f} t: net emissions must be zero from the base year, and a
# free removal covers at most the cap. Gross emissions <= cap, at no cost.
[target]
net_zero_year = {BASE_YEAR}

[[removal]]
id = "cap"
name = "Yearly CO2 cap (benchmark device)"
price_cny_per_t = 0.0
max_t_per_year = {cap_t!r}

[pv]
capex_cny_per_kw = {PV_CAPEX_CNY_PER_KW!r}
fixed_om_cny_per_kw_year = {PV_OM_CNY_PER_KW_YEAR!r}
lifetime_years = {PV_LIFE_YEARS}
degradation_per_year = 0.0
max_kw = {case.pv_max_kw!r}
profile_csv = "pv.csv"

[battery]
energy_capex_cny_per_kwh = {BATTERY_ENERGY_CAPEX_CNY_PER_KWH!r}
power_capex_cny_per_kw = {BATTERY_POWER_CAPEX_CNY_PER_KW!r}
round_trip_efficiency = {BATTERY_ROUND_TRIP!r}
lifetime_years = {BATTERY_LIFE_YEARS}
max_kwh = {battery_max_kwh!r}
min_duration_h = {BATTERY_MIN_DURATION_H!r}
max_duration_h = {BATTERY_MAX_DURATION_H!r}
'''


def write_instance(case: PeerCase, folder: str | Path) -> dict[str, object]:
    """Write ``case`` into ``folder`` (created) for both tools; return the PyPSA parameters.

    Returns
    -------
    dict
        The content of ``pypsa_params.json``.
    """
    from planner.run.pipeline import prepare

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    load_kw, pv_kw_per_kwp = _hourly_inputs(case)
    _write_column(folder / "load.csv", "load_kw", load_kw)
    _write_column(folder / "pv.csv", "pv_kw_per_kwp", pv_kw_per_kwp)
    load_kw = np.array([float(line) for line in
                        (folder / "load.csv").read_text().split()[1:]])
    pv_kw_per_kwp = np.array([float(line) for line in
                              (folder / "pv.csv").read_text().split()[1:]])
    cap_t = cap_t_per_year(case, load_kw, pv_kw_per_kwp)
    battery_max_kwh = BATTERY_MAX_HOURS_OF_MEAN_LOAD * case.electricity_mwh * 1e3 / 8760.0
    scenario = folder / "scenario.toml"
    scenario.write_text(_scenario_toml(case, cap_t, battery_max_kwh), encoding="utf-8")

    # The arrays carbonpath's optimisation reads, handed to PyPSA unchanged.
    _, inp = prepare(scenario)
    h = inp.hourly
    b = inp.battery
    hourly = np.column_stack([h.base_load_kw_h, h.pv_kw_per_kwp_h,
                              h.import_price_cny_per_kwh_yh[0],
                              h.export_price_cny_per_kwh_yh[0]])
    header = "load_kw,pv_kw_per_kwp,import_cny_per_kwh,export_cny_per_kwh"
    rows = [",".join(repr(float(v)) for v in row) for row in hourly]
    (folder / "pypsa_hourly.csv").write_text("\n".join([header, *rows]) + "\n",
                                             encoding="utf-8")
    years = case.years
    params: dict[str, object] = {
        "case": asdict(case),
        "years": years,
        "annuity_factor": horizon_annuity_factor(years),
        "pv_capital_cost_cny_per_kw_year": capacity_cost_cny_per_year(
            PV_CAPEX_CNY_PER_KW, PV_LIFE_YEARS, years, PV_OM_CNY_PER_KW_YEAR),
        "battery_energy_cost_cny_per_kwh_year": capacity_cost_cny_per_year(
            BATTERY_ENERGY_CAPEX_CNY_PER_KWH, BATTERY_LIFE_YEARS, years),
        "battery_power_cost_cny_per_kw_year": capacity_cost_cny_per_year(
            BATTERY_POWER_CAPEX_CNY_PER_KW, BATTERY_LIFE_YEARS, years),
        "pv_max_kw": float(inp.pv.max_kw),
        "battery_max_kwh": float(b.max_kwh),
        "battery_min_duration_h": float(b.min_duration_h),
        "battery_max_duration_h": float(b.max_duration_h),
        "eta_charge": float(b.eta_charge),
        "eta_discharge": float(b.eta_discharge),
        "export_cap_kw": None if math.isinf(h.export_cap_kw) else float(h.export_cap_kw),
        "grid_ef_t_per_kwh": float(inp.grid.ef_location_t_per_mwh_y[0]) / 1e3,
        "co2_cap_t_per_year": cap_t,
        # The hour carbonpath's dispatch day starts at (battery empty), for the "daily" variant.
        "day_start_hour": int(getattr(h, "day_start_hour", 0)),
    }
    (folder / "pypsa_params.json").write_text(json.dumps(params, indent=1), encoding="utf-8")
    return params
