"""The data the reference model reads, built from a scenario file (test helper).

Only *data* is reused from the planner here: the load and end-use shapes, the PV
output per kWp, the TOU multiplier and its cheapest block, and the factor tables
(fuel emission factors, GWP). Nothing of the planner's formulation
(``planner.inputs.build``, ``models.inputs``, ``models.master``...) is used.
"""

from __future__ import annotations

import numpy as np

from models.reference import ReferenceData
from planner.profiles import build as profiles
from planner.scenario.read import ScenarioFile
from planner.tables import factors


def reference_data(sf: ScenarioFile) -> ReferenceData:
    """Hourly shapes and factors of a scenario, for :func:`models.reference.solve_reference`."""
    s = sf.scenario
    year = s.scenario.base_year
    d = s.demand
    if d.profile_csv is not None:
        values, _ = profiles.read_hourly_csv(sf.resolve(d.profile_csv), allowed_units=("kw",),
                                             what="load profile")
        load = (values / values.sum() * d.electricity_mwh * 1e3 if d.electricity_mwh
                is not None else values)
    else:
        load = profiles.shift_load_shape(d.profile, year, hvac_swing=d.hvac_swing) \
            * d.electricity_mwh * 1e3
    pv = np.zeros(len(load))
    if s.pv is not None:
        p = s.pv
        if p.profile_csv is not None:
            pv, _ = profiles.read_hourly_csv(sf.resolve(p.profile_csv),
                                                    allowed_units=("kw_per_kwp",),
                                                    what="PV profile")
        else:
            pv = profiles.pv_output_kw_per_kwp(
                s.site.latitude, s.site.longitude, year, timezone=s.site.timezone,
                tilt_deg=p.tilt_deg, azimuth_deg=p.azimuth_deg,
                mean_clear_sky_index=p.mean_clear_sky_index, seed=p.seed,
                system_loss_fraction=p.system_loss_fraction,
                annual_yield_kwh_per_kwp=p.annual_yield_kwh_per_kwp)
    g = s.grid
    periods = (profiles.tou_preset(g.tou_preset) if g.tou_preset is not None else tuple(
        profiles.TouPeriod(x.name, tuple(x.hours), x.multiplier, tuple(x.months))
        for x in g.periods))
    mult = profiles.tou_multiplier(periods, year) if periods else np.ones(len(load))
    names = {sw.profile for m in s.measure for sw in m.switch if sw.to == "electricity"}
    fuels = set(d.fuels_gj) | {sw.to for m in s.measure for sw in m.switch
                               if sw.to != "electricity"}
    return ReferenceData(
        base_load_kw_h=np.asarray(load, dtype=float),
        pv_kw_per_kwp_h=np.asarray(pv, dtype=float),
        tou_multiplier_h=mult,
        # Shapes sum to 1 over the year: 1 MWh/yr -> 1000 x shape kW.
        end_use_kw_per_mwh={n: profiles.end_use_shape(n, year) * 1e3 for n in names},
        day_start_hour=profiles.cheapest_block_start(mult),
        # CO2 plus, where the scenario counts them, the combustion CH4 and N2O in CO2e
        # (IPCC 2006 Table 2.3 defaults, docs/sources.md B5): table values, not formulation.
        fuel_ef_t_per_gj={f: factors.fuel_ef_t_per_gj(f, s.scenario.fuel_ef_table)
                          + (sum(factors.fuel_ch4_n2o_t_per_gj(f, s.scenario.gwp_set))
                             if s.scenario.combustion_ch4_n2o else 0.0)
                          for f in fuels if f in factors.known_fuels()},
        gwp100={gas: factors.gwp100(gas, s.scenario.gwp_set) for gas in s.process.gases_kg},
    )
