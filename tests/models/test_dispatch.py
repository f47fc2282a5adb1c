"""The exact cyclic dispatch kernel against an independent LP and against hand values.

Every chain is cyclic: the state of charge after the last hour is the one before the
first (a year ends with the energy it started with), so energy is carried across days.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.dispatch import solve_chains
from tests.models.lp_reference import lp_chain_cost

DAY = 24
ETA_C, ETA_D = 0.95, 0.93
INF = np.array([np.inf])


def _random_chains(n_chains: int, seed: int, days: int = 7):
    """TOU prices with a critical-peak hour, PV that varies from day to day (cloudy and
    sunny days, so carrying energy across days pays), loads with lulls."""
    rng = np.random.default_rng(seed)
    h = DAY * days
    hours = np.arange(h) % DAY
    levels = np.array([0.3, 0.6, 1.0, 1.2])
    lvl = np.where(((hours >= 10) & (hours < 12)) | ((hours >= 15) & (hours < 21)), 2,
                   np.where(hours < 7, 0, 1))
    lvl[hours == 19] = 3
    p = np.tile(levels[lvl], (n_chains, 1)) * rng.uniform(0.8, 1.2, (n_chains, 1))
    s = np.minimum(0.35 * rng.uniform(0.3, 1.0, (n_chains, 1)) * np.ones((1, h)), p)
    load = rng.uniform(50, 150, (n_chains, h)) * np.repeat(
        rng.choice([0.1, 1.0], (n_chains, days), p=[0.3, 0.7]), DAY, axis=1)
    sun = np.repeat(rng.uniform(0, 2, (n_chains, days)), DAY, axis=1)
    pv = np.maximum(0, np.sin((hours - 6) / 12 * np.pi))[None, :] * sun * rng.uniform(
        0, 300, (n_chains, 1))
    n = load - pv
    xcap = np.where(rng.random(n_chains) < 0.3, rng.uniform(0, 100, n_chains), np.inf)
    e = rng.choice([0.0, 50.0, 200.0, 1000.0, 5000.0], n_chains)
    pw = e * rng.choice([0.05, 0.25, 0.5, 1.0], n_chains)
    return n, p, s, xcap, e, pw


def test_cost_equals_highs_lp_on_random_cyclic_chains():
    n, p, s, xcap, e, pw = _random_chains(60, seed=1)
    res = solve_chains(n, p, s, xcap, e, pw, ETA_C, ETA_D)
    for i in range(len(e)):
        ref = lp_chain_cost(n[i], p[i], s[i], xcap[i], e[i], pw[i], ETA_C, ETA_D)
        assert res.cost[i] == pytest.approx(ref, rel=1e-9, abs=1e-7)


def test_cost_equals_highs_lp_on_whole_years():
    """8760-hour chains: a large battery carries energy across many days."""
    n, p, s, xcap, e, pw = _random_chains(2, seed=11, days=365)
    e = np.array([20000.0, 3000.0])
    pw = np.array([400.0, 1500.0])
    res = solve_chains(n, p, s, xcap, e, pw, ETA_C, ETA_D)
    for i in range(2):
        ref = lp_chain_cost(n[i], p[i], s[i], xcap[i], e[i], pw[i], ETA_C, ETA_D)
        assert res.cost[i] == pytest.approx(ref, rel=1e-9)


def test_recovered_dispatch_is_cyclic_feasible_and_optimal():
    n, p, s, xcap, e, pw = _random_chains(200, seed=2)
    res = solve_chains(n, p, s, xcap, e, pw, ETA_C, ETA_D, primal=True)
    c, d = res.charge_kw, res.discharge_kw
    assert (c >= -1e-9).all() and (d >= -1e-9).all()
    assert (c <= pw[:, None] + 1e-7).all() and (d <= pw[:, None] + 1e-7).all()
    assert (np.minimum(c, d) <= 1e-9).all(), "never charge and discharge in one hour"
    # State of charge relative to the start: it must come back (cyclic) and its swing
    # must fit the battery (then some start level keeps it within [0, E]).
    soc = np.cumsum(ETA_C * c - d / ETA_D, axis=1)
    np.testing.assert_allclose(soc[:, -1], 0.0, atol=1e-6)
    swing = np.maximum(soc.max(axis=1), 0.0) - np.minimum(soc.min(axis=1), 0.0)
    assert (swing <= e + 1e-6).all()
    g = n + c - d
    imp = np.maximum(g, 0.0)
    exp = np.minimum(np.maximum(-g, 0.0), xcap[:, None])
    cost = (p * imp - s * exp).sum(axis=1)
    np.testing.assert_allclose(cost, res.cost, rtol=1e-9, atol=1e-6)
    t = res.totals
    np.testing.assert_allclose(t[:, 0], imp.sum(axis=1), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(t[:, 5], imp.max(axis=1), rtol=1e-12, atol=1e-9)


def test_subgradients_give_valid_cuts():
    """cost(n', P', E') >= cost + mu.(n'-n) + rho_P (P'-P) + rho_E (E'-E) for any n', P', E'."""
    n, p, s, xcap, e, pw = _random_chains(100, seed=3)
    base = solve_chains(n, p, s, xcap, e, pw, ETA_C, ETA_D)
    rng = np.random.default_rng(4)
    for trial in range(6):
        dn = rng.normal(0, 40, n.shape) * (trial % 2) + rng.normal(0, 30, (len(e), 1))
        e2 = np.maximum(0, e + rng.normal(0, 300, len(e)))
        p2 = np.maximum(0, pw + rng.normal(0, 150, len(e)))
        new = solve_chains(n + dn, p, s, xcap, e2, p2, ETA_C, ETA_D)
        cut = (base.cost + (base.mu * dn).sum(axis=1) + base.rho_power * (p2 - pw)
               + base.rho_energy * (e2 - e))
        assert (new.cost >= cut - 1e-6 * (1 + np.abs(new.cost))).all()


def test_zero_battery_cut_sees_the_value_of_a_battery():
    """At zero size the cut must still say that a battery lowers the cost of a TOU day."""
    n = np.full((1, DAY), 100.0)
    p = np.where(np.arange(DAY) < 8, 0.3, 1.0)[None, :]
    s = np.zeros((1, DAY))
    base = solve_chains(n, p, s, INF, np.array([0.0]), np.array([0.0]), 1.0, 1.0)
    assert base.cost[0] == pytest.approx(100 * (8 * 0.3 + 16 * 1.0))
    # 100 kWh / 100 kW lossless battery shifts 100 kWh from 1.0 to 0.3: saves 70.
    cut = base.cost[0] + base.rho_power[0] * 100 + base.rho_energy[0] * 100
    assert cut <= base.cost[0] - 70 + 1e-9  # valid and informative: true saving is 70
    assert base.rho_power[0] + base.rho_energy[0] < 0


def test_hand_computed_pv_shifting():
    """Two hours: 10 kWh PV surplus then 10 kWh deficit; lossless battery moves it."""
    n = np.array([[-10.0, 10.0]])
    p = np.array([[1.0, 1.0]])
    s = np.array([[0.4, 0.4]])
    none = solve_chains(n, p, s, INF, np.array([0.0]), np.array([0.0]), 1.0, 1.0)
    assert none.cost[0] == pytest.approx(-4.0 + 10.0)
    full = solve_chains(n, p, s, INF, np.array([100.0]), np.array([100.0]), 1.0, 1.0,
                        primal=True)
    assert full.cost[0] == pytest.approx(0.0)
    np.testing.assert_allclose(full.charge_kw, [[10.0, 0.0]])
    np.testing.assert_allclose(full.discharge_kw, [[0.0, 10.0]])
    # With 90 % round trip the stored 10 kWh delivers 9 kWh: cost = 1 kWh imported.
    lossy = solve_chains(n, p, s, INF, np.array([100.0]), np.array([100.0]), 0.9, 1.0)
    assert lossy.cost[0] == pytest.approx(1.0)


def test_single_cycle_with_round_trip_efficiency():
    """One charge at 0.3, one discharge at 1.0 CNY/kWh; eta_c 0.95 x eta_d 0.9 = rte 0.855.

    Load 100 kW in both hours, battery 100 kWh / 100 kW. Charging is capped by power:
    100 kW from the grid stores 95 kWh, which delivers 95 x 0.9 = 85.5 kWh (85.5 kW
    <= 100 kW). Cost = 0.3 x (100 + 100) + 1.0 x (100 - 85.5) = 60 + 14.5 = 74.5
    (130 without the battery). The cycle closes: the battery ends as empty as it began.
    """
    res = solve_chains(np.array([[100.0, 100.0]]), np.array([[0.3, 1.0]]),
                       np.zeros((1, 2)), INF, np.array([100.0]), np.array([100.0]),
                       0.95, 0.9, primal=True)
    assert res.cost[0] == pytest.approx(74.5, rel=1e-12)
    np.testing.assert_allclose(res.charge_kw, [[100.0, 0.0]], atol=1e-9)
    np.testing.assert_allclose(res.discharge_kw, [[0.0, 85.5]], atol=1e-9)
    # A rte of 0.855 no longer pays when the spread is below it: 0.9 / 1.0 > 0.855.
    flat = solve_chains(np.array([[100.0, 100.0]]), np.array([[0.9, 1.0]]),
                        np.zeros((1, 2)), INF, np.array([100.0]), np.array([100.0]),
                        0.95, 0.9)
    assert flat.cost[0] == pytest.approx(190.0, rel=1e-12)


def _pv_sunday_load_monday(sunday_last: bool):
    """A week (Mon..Sun or Sat..Fri): PV 100 kW for 4 h on Sunday, load 50 kW for 8 h on Monday."""
    h = 7 * DAY
    n = np.zeros(h)
    sun, mon = (6, 0) if sunday_last else (1, 2)
    n[sun * DAY + 10: sun * DAY + 14] = -100.0
    n[mon * DAY + 8: mon * DAY + 16] = 50.0
    return n[None, :], np.full((1, h), 1.0), np.full((1, h), 0.3)


@pytest.mark.parametrize("sunday_last", [False, True])
def test_pv_only_on_sunday_load_only_on_monday(sunday_last):
    """Energy carried across Sunday midnight; with Sunday the chain's last day, it crosses
    the wrap of the cycle.

    Import 1.0, export 0.3 CNY/kWh, eta_c = eta_d = 0.9 (rte 0.81). Storing 1 kWh of
    surplus forgoes 0.3 and saves 0.81 of import: store all. Without battery:
    -0.3 x 400 + 1.0 x 400 = 280.
    * E = 1000 kWh, P = 200 kW: all 400 kWh stored (360 kWh in the cells), 324 kWh
      delivered; cost = 1.0 x (400 - 324) = 76.
    * E = 180 kWh: 200 kWh charged (180 stored), 200 exported, 162 delivered;
      cost = -0.3 x 200 + 1.0 x (400 - 162) = 178. One more kWh of E forgoes
      0.3 / 0.9 of export and delivers 0.9 kWh: d cost / d E = -(0.9 - 0.3 / 0.9) = -0.5667.
    A battery that starts each day empty could not do any of this (cost 280).
    """
    n, p, s = _pv_sunday_load_monday(sunday_last)
    eta = 0.9
    none = solve_chains(n, p, s, INF, np.array([0.0]), np.array([0.0]), eta, eta)
    assert none.cost[0] == pytest.approx(280.0, rel=1e-12)
    big = solve_chains(n, p, s, INF, np.array([1000.0]), np.array([200.0]), eta, eta,
                       primal=True)
    assert big.cost[0] == pytest.approx(76.0, rel=1e-12)
    assert big.charge_kw.sum() == pytest.approx(400.0)
    assert big.discharge_kw.sum() == pytest.approx(324.0)
    small = solve_chains(n, p, s, INF, np.array([180.0]), np.array([200.0]), eta, eta)
    assert small.cost[0] == pytest.approx(178.0, rel=1e-12)
    assert small.rho_energy[0] == pytest.approx(-(0.9 - 0.3 / 0.9), rel=1e-9)
    assert lp_chain_cost(n[0], p[0], s[0], np.inf, 180.0, 200.0, eta, eta) == pytest.approx(
        178.0, rel=1e-9)


def test_weekend_shutdown_plant_carries_weekend_pv_to_monday():
    """Load 100 kW on weekdays, none at weekends; PV 50 kW 8-16 h every day; no export.

    Weekdays self-consume their PV (400 kWh < 2 400 kWh of load). The weekend's 800 kWh
    of surplus would be curtailed; the battery (eta_c 0.9, eta_d 1.0, 1 000 kWh, 100 kW)
    stores 720 kWh of it and delivers 720 kWh on Monday. Flat price 0.5 CNY/kWh, so the
    grid never charges it. Cost of the week: 0.5 x (5 x 2 000 - 720) = 4 640
    (5 000 without battery). With E = 500 kWh: 0.5 x (10 000 - 500) = 4 750.
    """
    hours = np.arange(7 * DAY)
    weekday = hours // DAY < 5
    n = (np.where(weekday, 100.0, 0.0) - np.where((hours % DAY >= 8) & (hours % DAY < 16),
                                                   50.0, 0.0))[None, :]
    p = np.full_like(n, 0.5)
    s = np.zeros_like(n)
    cap = np.array([0.0])
    res = solve_chains(np.repeat(n, 3, axis=0), np.repeat(p, 3, axis=0),
                       np.repeat(s, 3, axis=0), np.repeat(cap, 3),
                       np.array([0.0, 1000.0, 500.0]), np.array([0.0, 100.0, 100.0]), 0.9, 1.0,
                       primal=True)
    np.testing.assert_allclose(res.cost, [5000.0, 4640.0, 4750.0], rtol=1e-12)
    # Curtailed: 800 kWh without battery, 0 with the large one, 800 - 500 / 0.9 with 500 kWh.
    np.testing.assert_allclose(res.totals[:, 2], [800.0, 0.0, 800.0 - 500.0 / 0.9], atol=1e-6)


def test_export_cap_curtails_surplus():
    n = np.array([[-50.0]])
    res = solve_chains(n, np.array([[1.0]]), np.array([[0.4]]), np.array([20.0]),
                       np.array([0.0]), np.array([0.0]), 1.0, 1.0)
    assert res.cost[0] == pytest.approx(-0.4 * 20.0)


def test_recovery_is_optimal_next_to_a_kink_where_two_slope_levels_meet():
    """(valley + w) / eta_c equals export x eta_d at w* = 0.35 x 0.88 - 0.252 = 0.056.

    Just below w* the two levels differ by ~1e-9: the recovered dispatch must still be
    optimal (its cost equals the dual value) for any w near the kink.
    """
    rng = np.random.default_rng(7)
    days = 4
    hours = np.arange(days * DAY) % DAY
    valley = (hours < 8)
    peak = ((hours >= 11) & (hours < 13)) | ((hours >= 16) & (hours < 22))
    p0 = np.where(valley, 0.252, np.where(peak, 1.008, 0.63))
    s = np.where(valley, 0.252, 0.35)[None, :] * np.ones((40, 1))
    pv = np.maximum(0, np.sin((hours - 6) / 12 * np.pi)) * 300
    n = rng.uniform(40, 260, (40, days * DAY)) - pv[None, :] * rng.uniform(0.5, 1.5, (40, 1))
    eta = np.sqrt(0.88)
    w_star = 0.35 * 0.88 - 0.252
    for dw in (-1.2e-9, -1e-10, 0.0, 1e-12, 3e-9):
        p = (p0 + w_star + dw)[None, :] * np.ones((40, 1))
        res = solve_chains(n, p, s, np.full(40, np.inf), np.full(40, 2800.0), np.full(40, 700.0),
                           eta, eta, primal=True)
        g = n + res.charge_kw - res.discharge_kw
        cost = (p * np.maximum(g, 0) - s * np.maximum(-g, 0)).sum(axis=1)
        np.testing.assert_allclose(cost, res.cost, rtol=1e-7)


def test_many_price_levels_fall_back_to_an_exact_lp(monkeypatch):
    """Prices that differ in every hour exceed the slope-level budget: same optimum and
    valid cuts, via HiGHS."""
    import models.dispatch as dispatch

    calls = []
    real = dispatch._lp_chain
    monkeypatch.setattr(dispatch, "_lp_chain", lambda *a: calls.append(1) or real(*a))
    rng = np.random.default_rng(5)
    h = 7 * DAY  # 336 distinct prices > MAX_DISTINCT_PRICES
    n = rng.uniform(-50, 150, (2, h))
    p = rng.uniform(0.2, 1.5, (2, h))
    p[1] = np.round(p[1], 1)  # few levels: the kernel's own path
    s = 0.3 * p
    e, pw = np.full(2, 300.0), np.full(2, 100.0)
    res = solve_chains(n, p, s, np.full(2, np.inf), e, pw, ETA_C, ETA_D, primal=True)
    assert len(calls) == 1
    for i in range(2):
        ref = lp_chain_cost(n[i], p[i], s[i], np.inf, 300.0, 100.0, ETA_C, ETA_D)
        assert res.cost[i] == pytest.approx(ref, rel=1e-8)
    g = n + res.charge_kw - res.discharge_kw
    cost = (p * np.maximum(g, 0) - s * np.maximum(-g, 0)).sum(axis=1)
    np.testing.assert_allclose(cost, res.cost, rtol=1e-8)
    # The fallback's duals are cuts too (same check as for the kernel's).
    for trial in range(4):
        dn = rng.normal(0, 40, n.shape)
        e2 = np.maximum(0, e + rng.normal(0, 200, 2))
        p2 = np.maximum(0, pw + rng.normal(0, 80, 2))
        new = solve_chains(n + dn, p, s, np.full(2, np.inf), e2, p2, ETA_C, ETA_D)
        cut = (res.cost + (res.mu * dn).sum(axis=1) + res.rho_power * (p2 - pw)
               + res.rho_energy * (e2 - e))
        assert (new.cost >= cut - 1e-6 * (1 + np.abs(new.cost))).all(), trial
