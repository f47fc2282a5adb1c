"""Two-plant groups whose joint optimum follows by hand (issue 17's four cases), and the
property that planning jointly never costs more than planning each plant alone.

Plants (tests/group_helpers.py): 1 000 t of process CO2 a year and one measure cutting
all of it for its capex; electricity with a zero grid factor, so the only emissions and
the only choices are the measure and credits. Discount rate 5 %: a cost of year y is
worth (1.05)^-y; every comparison below is between costs of the same year.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from models.group import in_process_map
from planner.base.schema import SolverSettings
from planner.group.solve import solve_alone, solve_group
from tests.group_helpers import coupling, inputs_of_raw, process_plant

SETTINGS = SolverSettings(mip_rel_gap=1e-9, oa_rel_tolerance=1e-9)


def _joint(inputs, c):
    res = solve_group(inputs, c, SETTINGS, in_process_map(inputs),
                      deadline=time.perf_counter() + 60)
    assert res.converged and res.outcome.proven_optimal
    return res


def _built(res, p: int) -> list[int]:
    """Years (indices) in which plant p builds its measure."""
    b = res.model._blocks[p]
    return sorted(y for (k, y), v in b.build.items() if round(v.value) == 1)


def _credits_t(res, p: int, y: int) -> float:
    b = res.model._blocks[p]
    return sum(b.credits[c, y].value for c in b.credit) * 1e3


def test_the_cheaper_plant_over_abates_so_the_other_need_not():
    # Group cap in 2026: half of 2 000 t = 1 000 t. A's measure costs 50 000 CNY
    # (50 CNY/t), B's 200 000 (200 CNY/t). Jointly: A cuts its 1 000 t, B keeps its 1 000 t
    # (net 1 000 = cap). Alone, each meets half of its own 1 000 t, so both build.
    # Value of planning jointly: B's 200 000 CNY in 2026 = 200 000 / 1.05 today.
    a = inputs_of_raw(process_plant(50_000.0, earliest=2026))
    b = inputs_of_raw(process_plant(200_000.0, earliest=2026))
    c = coupling(2, cap_t=[np.inf, 1000.0])
    res = _joint([a, b], c)
    assert _built(res, 0) == [1]
    assert _built(res, 1) == []
    alone = [solve_alone(inp, (c.share(0.5), SETTINGS)) for inp in (a, b)]
    assert alone[0] is not None and alone[1] is not None
    saved = alone[0] + alone[1] - res.outcome.objective * 1e6
    assert saved == pytest.approx(200_000 / 1.05, rel=1e-6)


def test_a_shared_budget_delays_the_dearer_plants_measure():
    # 2025-2027; group cap: 2026 1 000 t, 2027 0 t; carbon price 20 CNY/t on scope 1.
    # Measures (life 10 years, earliest 2026): A 60 000 CNY, B 90 000 CNY. Building in
    # 2026 rather than 2027 costs C x (1/1.05 - 1/1.05^2 + 0.1/1.05^3) = 0.131736 C more
    # (a year's discounting, less salvage: 8/10 instead of 9/10 of C left at the end) and
    # saves 1 000 t x 20 CNY / 1.05 = 19 048 CNY of carbon price. Both are worth building
    # in 2026 (A: 7 904 < 19 048; B: 11 856 < 19 048). With a group budget of
    # 100 000 CNY a year only one fits in 2026: delaying B forgoes 19 048 - 11 856 =
    # 7 192, delaying A 11 144; so B waits for 2027.
    def plant(capex):
        return inputs_of_raw(process_plant(capex, end_year=2027, earliest=2026, lifetime=10,
                                           carbon_price=20.0))
    a, b = plant(60_000.0), plant(90_000.0)
    free = _joint([a, b], coupling(3, cap_t=[np.inf, 1000.0, 0.0]))
    assert _built(free, 0) == [1] and _built(free, 1) == [1]
    tight = _joint([a, b], coupling(3, cap_t=[np.inf, 1000.0, 0.0], budget_cny=100_000.0))
    assert _built(tight, 0) == [1]
    assert _built(tight, 1) == [2]
    # The budget's cost: B's delay, 7 192 CNY in 2026 terms, discounted to today.
    delay = 1000 * 20 / 1.05 - 90_000 * (1 / 1.05 - 1 / 1.05**2 + 0.1 / 1.05**3)
    assert (tight.outcome.objective - free.outcome.objective) * 1e6 == pytest.approx(
        delay, rel=1e-6)


def test_a_group_credit_pool_goes_where_it_is_worth_most():
    # 2025-2026, group cap 0 in 2026. Credits at 101 CNY/t for A, 100 for B (at equal
    # prices which plant's account buys them is a tie under a group cap); a pool of 1 000 t.
    # A's measure costs 50 CNY/t: A builds (cheaper than credits). B's costs 300 CNY/t:
    # B buys the whole pool instead. Cost in 2026: 50 000 + 100 000 CNY.
    a = inputs_of_raw(process_plant(50_000.0, earliest=2026, credit_price=101.0))
    b = inputs_of_raw(process_plant(300_000.0, earliest=2026, credit_price=100.0))
    res = _joint([a, b], coupling(2, cap_t=[np.inf, 0.0], credit_pool_t=1000.0))
    assert _built(res, 0) == [1] and _built(res, 1) == []
    assert _credits_t(res, 0, 1) == pytest.approx(0.0, abs=1e-6)
    assert _credits_t(res, 1, 1) == pytest.approx(1000.0, rel=1e-9)
    # Objective less the constant electricity bill of both plants = the two purchases.
    elec = 2 * 10.0 * 24 / 8760 * 1e3 * 0.5 * (1 + 1 / 1.05)  # 24 h of 10 MWh/yr flat
    assert res.outcome.objective * 1e6 - elec == pytest.approx(150_000 / 1.05, rel=1e-6)


def test_a_group_target_met_while_one_plant_alone_could_not():
    # A has no measure at all; B can cut its 1 000 t. Group cap 2026: 1 000 t (half of
    # 2 000). Jointly B cuts and A keeps its 1 000 t. Alone, A must stay within 500 t:
    # impossible.
    a = inputs_of_raw(process_plant(0.0, measure=False))
    b = inputs_of_raw(process_plant(80_000.0, earliest=2026))
    c = coupling(2, cap_t=[np.inf, 1000.0])
    res = _joint([a, b], c)
    assert _built(res, 1) == [1]
    assert solve_alone(a, (c.share(0.5), SETTINGS)) is None
    assert solve_alone(b, (c.share(0.5), SETTINGS)) is not None


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_planning_jointly_never_costs_more_than_each_plant_alone(seed):
    # Random plants; each alone gets its share of the cap, budget and pool (base-year
    # emissions): the plants' plans alone, put together, are a joint plan, so the joint
    # optimum is at most their sum.
    rng = np.random.default_rng(seed)
    raws = [process_plant(float(rng.uniform(2e4, 1.5e5)), co2_t=float(rng.uniform(500, 1500)),
                          end_year=2027, earliest=2026, lifetime=10,
                          credit_price=float(rng.uniform(50, 400))) for _ in range(3)]
    inputs = [inputs_of_raw(r) for r in raws]
    base = np.array([i.target.base_emissions_t for i in inputs])
    c = coupling(3, cap_t=[np.inf, 0.6 * base.sum(), 0.2 * base.sum()],
                 budget_cny=float(rng.uniform(1.1e6, 2e6)),
                 credit_pool_t=float(0.3 * base.sum()))
    alone = [solve_alone(inp, (c.share(float(w)), SETTINGS))
             for inp, w in zip(inputs, base / base.sum(), strict=True)]
    # Each measure (<= 150 000 CNY) fits within each plant's budget share (>= 1/7 of
    # 1.1 MCNY), and the pool's share covers the rest: every plant can meet its share.
    assert all(x is not None for x in alone)
    res = _joint(inputs, c)  # the plans alone together are feasible jointly: never raises
    assert res.outcome.objective * 1e6 <= sum(alone) * (1 + 1e-9) + 1e-6

