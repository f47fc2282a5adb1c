"""Solve one peer-benchmark instance with PyPSA (linopy + HiGHS), as its own process.

``python benchmarks/peer/pypsa_run.py INSTANCE_DIR RESULT_JSON [--daily]``

Reads ``pypsa_hourly.csv`` and ``pypsa_params.json`` written by ``instance.py`` and
imports nothing from carbonpath, so the parent can time import, build and solve of
PyPSA alone. The network (one AC bus, kW and CNY):

* load: the hourly load;
* grid import: a generator with the hourly import price and the grid factor as its
  carrier's ``co2_emissions`` [t/kWh];
* export: a generator with ``p_min_pu = -1, p_max_pu = 0`` and the hourly export price
  as marginal cost (negative output earns it), ``p_nom`` = the export limit;
* PV: an extendable generator, ``p_max_pu`` = output per kWp, ``p_nom_max`` = the limit;
* battery: a Store (energy, cyclic over the year) on its own bus with a charger and a
  discharger Link, efficiency sqrt(round trip) each. The charger's ``p_nom`` is the
  battery's power P (grid side, as in carbonpath, where both charge and discharge are
  at most P on the grid side); the discharger's is tied to ``P / eta`` (PyPSA-Eur's
  battery constraint), so it delivers at most P. Power cost sits on the charger;
  ``min_duration P <= E <= max_duration P`` as in carbonpath;
* the CO2 cap: a ``primary_energy`` GlobalConstraint.

``--daily`` reproduces carbonpath's battery before issue 12: empty at the start of each
dispatch day, end state free (a free sink on the battery bus absorbs what is left).
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import pypsa  # noqa: E402

T_IMPORTED = time.perf_counter()

#: Upper bound on grid import [kW]: carbonpath has none; far above load + battery power.
UNLIMITED_KW = 1e6


def _other_dim(var: object, snapshot_dim: str = "snapshot") -> str:
    # PyPSA renamed the component dimension between versions ("Link-ext", "name", ...).
    dims = [d for d in var.dims if d != snapshot_dim]  # type: ignore[attr-defined]
    return dims[0]


def build_network(hourly: pd.DataFrame, p: dict, daily: bool) -> pypsa.Network:
    """The PyPSA network of one instance (see the module docstring)."""
    n = pypsa.Network()
    n.set_snapshots(pd.RangeIndex(len(hourly), name="snapshot"))
    n.add("Carrier", "grid", co2_emissions=p["grid_ef_t_per_kwh"])
    for carrier in ("export", "pv", "battery", "sink"):
        n.add("Carrier", carrier)
    n.add("Bus", "ac")
    n.add("Bus", "battery", carrier="battery")
    n.add("Load", "load", bus="ac", p_set=hourly["load_kw"].to_numpy())
    n.add("Generator", "import", bus="ac", carrier="grid", p_nom=UNLIMITED_KW,
          marginal_cost=hourly["import_cny_per_kwh"].to_numpy())
    export_cap = p["export_cap_kw"]
    n.add("Generator", "export", bus="ac", carrier="export",
          p_nom=UNLIMITED_KW if export_cap is None else export_cap,
          p_min_pu=-1.0, p_max_pu=0.0,
          marginal_cost=hourly["export_cny_per_kwh"].to_numpy())
    n.add("Generator", "pv", bus="ac", carrier="pv", p_nom_extendable=True,
          p_nom_max=p["pv_max_kw"], p_max_pu=hourly["pv_kw_per_kwp"].to_numpy(),
          capital_cost=p["pv_capital_cost_cny_per_kw_year"])
    n.add("Store", "battery", bus="battery", carrier="battery", e_nom_extendable=True,
          e_nom_max=p["battery_max_kwh"], e_cyclic=not daily,
          capital_cost=p["battery_energy_cost_cny_per_kwh_year"])
    n.add("Link", "charger", bus0="ac", bus1="battery", carrier="battery",
          efficiency=p["eta_charge"], p_nom_extendable=True,
          capital_cost=p["battery_power_cost_cny_per_kw_year"])
    n.add("Link", "discharger", bus0="battery", bus1="ac", carrier="battery",
          efficiency=p["eta_discharge"], p_nom_extendable=True)
    if daily:
        n.add("Generator", "sink", bus="battery", carrier="sink", p_nom=UNLIMITED_KW,
              p_min_pu=-1.0, p_max_pu=0.0, marginal_cost=0.0)
    n.add("GlobalConstraint", "co2_cap", type="primary_energy",
          carrier_attribute="co2_emissions", sense="<=",
          constant=p["co2_cap_t_per_year"])
    return n


def battery_constraints(p: dict, daily: bool):
    """``extra_functionality``: power tie, duration bounds, and the daily reset if asked."""

    def extra(n: pypsa.Network, snapshots: pd.Index) -> None:
        m = n.model
        p_nom = m.variables["Link-p_nom"]
        link = _other_dim(p_nom)
        charger = p_nom.sel({link: "charger"})
        discharger = p_nom.sel({link: "discharger"})
        m.add_constraints(charger - p["eta_discharge"] * discharger == 0,
                          name="battery_power_tie")
        e_nom = m.variables["Store-e_nom"].sel({_other_dim(m.variables["Store-e_nom"]):
                                                "battery"})
        m.add_constraints(e_nom - p["battery_min_duration_h"] * charger >= 0,
                          name="battery_min_duration")
        m.add_constraints(e_nom - p["battery_max_duration_h"] * charger <= 0,
                          name="battery_max_duration")
        if daily:
            e = m.variables["Store-e"]
            e = e.sel({_other_dim(e): "battery"})
            start = int(p["day_start_hour"]) % 24
            day_ends = [h for h in range(len(snapshots)) if (h + 1) % 24 == start]
            m.add_constraints(e.isel(snapshot=day_ends) == 0, name="battery_daily_reset")

    return extra


def main(argv: list[str]) -> int:
    folder, out = Path(argv[0]), Path(argv[1])
    daily = "--daily" in argv[2:]
    hourly = pd.read_csv(folder / "pypsa_hourly.csv")
    p = json.loads((folder / "pypsa_params.json").read_text(encoding="utf-8"))
    if daily:
        p["day_start_hour"] = p.get("day_start_hour", 0)
    t0 = time.perf_counter()
    n = build_network(hourly, p, daily)
    t1 = time.perf_counter()
    status, condition = n.optimize(solver_name="highs",
                                   extra_functionality=battery_constraints(p, daily))
    t2 = time.perf_counter()
    result: dict[str, object] = {"status": status, "condition": condition,
                                 "pypsa_version": pypsa.__version__,
                                 "import_s": T_IMPORTED - T_START, "build_s": t1 - t0,
                                 "solve_s": t2 - t1}
    if status == "ok":
        objective = float(n.objective) + float(getattr(n, "objective_constant", 0.0) or 0.0)
        grid_kwh = float(n.generators_t.p["import"].sum())
        result.update({
            "objective_cny_per_year": objective,
            "npv_cny": objective * p["annuity_factor"],
            "pv_kw": float(n.generators.p_nom_opt["pv"]),
            "battery_kwh": float(n.stores.e_nom_opt["battery"]),
            "battery_kw": float(n.links.p_nom_opt["charger"]),
            "co2_t_per_year": grid_kwh * p["grid_ef_t_per_kwh"],
            "co2_cap_t_per_year": p["co2_cap_t_per_year"],
            "co2_shadow_price_cny_per_t": abs(float(n.global_constraints.mu["co2_cap"])),
            "export_kwh": float(-n.generators_t.p["export"].sum()),
            "variables": int(n.model.nvars), "constraints": int(n.model.ncons),
        })
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if status == "ok" else 4


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
