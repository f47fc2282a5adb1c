"""Tiny plants for the group tests: a few years, one day of hours, hand-derivable optima."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from models.group import GroupCoupling
from models.inputs import PlanInputs
from planner.inputs.build import build_inputs
from planner.scenario.read import parse_scenario
from tests.conftest import tiny_raw


def short(inp: PlanInputs, hours: int = 24) -> PlanInputs:
    """``inp`` with its hourly data cut to the first ``hours`` hours (a fast, exact oracle:
    the decomposition and the monolithic reference both read the same cut data)."""
    hd = inp.hourly
    cut = dataclasses.replace(
        hd, base_load_kw_h=hd.base_load_kw_h[:hours],
        shape_kw_per_mwh_sh=hd.shape_kw_per_mwh_sh[:, :hours],
        pv_kw_per_kwp_h=hd.pv_kw_per_kwp_h[:hours],
        import_price_cny_per_kwh_yh=hd.import_price_cny_per_kwh_yh[:, :hours],
        export_price_cny_per_kwh_yh=hd.export_price_cny_per_kwh_yh[:, :hours])
    return dataclasses.replace(inp, hourly=cut)


def inputs_of_raw(raw: dict[str, Any], hours: int = 24) -> PlanInputs:
    return short(build_inputs(parse_scenario(raw, "plant.toml")), hours)


def process_plant(capex_cny: float, *, co2_t: float = 1000.0, end_year: int = 2026,
                  earliest: int | None = None, lifetime: int = 1, carbon_price: float = 0.0,
                  credit_price: float | None = None, measure: bool = True) -> dict[str, Any]:
    """A plant whose only emissions are ``co2_t`` of process CO2 a year, and one measure
    that cuts all of it for ``capex_cny`` (built in its year; life ``lifetime``).

    Electricity: 10 MWh flat at 0.5 CNY/kWh with a zero grid factor (a constant cost the
    plan cannot change), no fuel. Own target: net zero in ``end_year`` with credits allowed.
    """
    raw = tiny_raw(demand={"electricity_mwh": 10.0, "profile": "flat", "fuels_gj": {}},
                   fuels={}, grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.0},
                   process={"co2_t": co2_t},
                   target={"net_zero_year": end_year, "max_credit_share": 1.0})
    raw["scenario"]["end_year"] = end_year
    if measure:
        m: dict[str, Any] = {"id": "cut", "pathway": "other", "capex_cny": capex_cny,
                             "lifetime_years": lifetime, "process_co2_cut_share": 1.0}
        if earliest is not None:
            m["earliest_year"] = earliest
        raw["measure"] = [m]
    if carbon_price:
        raw["carbon"] = {"price_cny_per_t": carbon_price, "covered": True}
    if credit_price is not None:
        raw["credit"] = [{"id": "ccer", "price_cny_per_t": credit_price}]
    return raw


def coupling(n_years: int, *, cap_t: list[float] | None = None,
             budget_cny: float | None = None, credit_pool_t: float | None = None
             ) -> GroupCoupling:
    """Group caps given year by year (``inf`` = none)."""
    inf = np.full(n_years, np.inf)
    net = None if cap_t is None else np.array(cap_t, dtype=float)
    return GroupCoupling(
        net_cap_t_y=net, credit_cap_t_y=None if net is None else inf.copy(),
        capex_budget_cny_y=inf.copy() if budget_cny is None else np.full(n_years, budget_cny),
        credit_pool_t_y=inf.copy() if credit_pool_t is None else np.full(n_years, credit_pool_t),
        removal_pool_t_y=inf.copy(), certificate_pool_mwh_y=inf.copy())
