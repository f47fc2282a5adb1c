"""The whole problem in one MILP, every hour of every year: the reference for exactness.

Same investment model as :mod:`models.master`, but each year's grid cost and
import come from explicit hourly variables instead of cuts::

    import - export - curtailed - charge + discharge = net load     (every hour) [MW]
    soc_h = soc_{h-1} + eta_c charge_h - discharge_h / eta_d          (cyclic: hour 0
                                                                        follows hour 8759)
    0 <= soc <= battery_energy[y],  charge, discharge <= battery_power[y],
    export <= export cap,
    energy_cost[y] = sum_h (p_h import_h - s_h export_h),  grid_import[y] = sum_h import_h.

It has about 6 x 8760 variables a year, so it is only practical for a few years;
tests and benchmarks use it to check that the decomposition finds the same optimum.
"""

from __future__ import annotations

import numpy as np
import pyomo.core as pyo

from models import units as u
from models.inputs import PlanInputs
from models.master import build_master

__all__ = ["build_monolithic"]

def build_monolithic(inp: PlanInputs) -> pyo.ConcreteModel:
    """Build the full-resolution MILP (no cuts needed).

    Parameters
    ----------
    inp : PlanInputs

    Returns
    -------
    pyomo.environ.ConcreteModel
    """
    m = build_master(inp)
    add_hourly_balance(m, inp)
    return m


def add_hourly_balance(m: pyo.ConcreteModel, inp: PlanInputs) -> None:
    """Hourly energy balance and battery state of every year (index: year x hour) [MW, MWh]."""
    hd = inp.hourly
    n_h = hd.base_load_kw_h.shape[0]
    base = hd.base_load_kw_h / u.POWER_KW                       # MW at load_scale 1
    shapes = hd.shape_kw_per_mwh_sh * u.ELEC_MWH / u.POWER_KW  # MW per GWh/yr
    pv = hd.pv_kw_per_kwp_h                                     # MW per MW
    imp_p = hd.import_price_cny_per_kwh_yh
    exp_p = hd.export_price_cny_per_kwh_yh
    b = inp.battery
    m.hour = pyo.Set(initialize=range(n_h), ordered=True)
    m.h_import = pyo.Var(m.year, m.hour, domain=pyo.NonNegativeReals)
    cap = hd.export_cap_kw / u.POWER_KW
    m.h_export = pyo.Var(m.year, m.hour, domain=pyo.NonNegativeReals,
                         bounds=(0, cap if np.isfinite(cap) else None))
    m.h_curtail = pyo.Var(m.year, m.hour, domain=pyo.NonNegativeReals)
    m.h_charge = pyo.Var(m.year, m.hour, domain=pyo.NonNegativeReals)
    m.h_discharge = pyo.Var(m.year, m.hour, domain=pyo.NonNegativeReals)
    m.h_soc = pyo.Var(m.year, m.hour, domain=pyo.NonNegativeReals)

    def balance(mm, y, h):
        load = mm.load_scale[y] * base[h] + sum(mm.added[s, y] * shapes[s, h] for s in mm.shape)
        return (mm.h_import[y, h] - mm.h_export[y, h] - mm.h_curtail[y, h] - mm.h_charge[y, h]
                + mm.h_discharge[y, h] == load - mm.pv_effective[y] * pv[h])

    m.h_balance = pyo.Constraint(m.year, m.hour, rule=balance)

    def soc(mm, y, h):
        # The state of charge runs through the whole year and is cyclic: the energy before
        # the first hour is the energy after the last (same convention as the kernel).
        prev = mm.h_soc[y, (h - 1) % n_h]
        return mm.h_soc[y, h] == prev + b.eta_charge * mm.h_charge[y, h] - (
            mm.h_discharge[y, h] / b.eta_discharge)

    m.h_soc_def = pyo.Constraint(m.year, m.hour, rule=soc)
    m.h_soc_max = pyo.Constraint(m.year, m.hour, rule=lambda mm, y, h: (
        mm.h_soc[y, h] <= mm.battery_energy[y]))
    m.h_charge_max = pyo.Constraint(m.year, m.hour, rule=lambda mm, y, h: (
        mm.h_charge[y, h] <= mm.battery_power[y]))
    m.h_discharge_max = pyo.Constraint(m.year, m.hour, rule=lambda mm, y, h: (
        mm.h_discharge[y, h] <= mm.battery_power[y]))
    # MW x 1 h = MWh; CNY/kWh x MWh x 1e3 / 1e6 = MCNY; MWh / 1e3 = GWh.
    m.h_energy_cost = pyo.Constraint(m.year, rule=lambda mm, y: mm.energy_cost[y] == sum(
        (imp_p[y, h] * mm.h_import[y, h] - exp_p[y, h] * mm.h_export[y, h]) for h in mm.hour)
        * u.STORAGE_KWH / u.MONEY_CNY)
    m.h_grid_import = pyo.Constraint(m.year, rule=lambda mm, y: mm.grid_import[y] == sum(
        mm.h_import[y, h] for h in mm.hour) / u.ELEC_MWH)
