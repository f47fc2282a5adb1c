"""Exact hourly energy balance of plans, all years (and candidates) at once.

For a candidate ``c`` and year ``y`` the hourly net load is::

    n[c, y, h] = load_scale[c, y] * base_load[h] + sum_s added[c, s, y] * shape[s, h]
                 - pv_kw[c, y] * pv_per_kwp[h]

and the year's grid cost is the exact battery LP over the year's 8760 hours as one
chain whose state of charge is cyclic (:func:`models.dispatch.solve_chains`): energy is
carried across days and weeks, and the year ends with the energy it started with.
Arrays are shaped (candidates, years, hours), one chain per (candidate, year); nothing
loops over years in Python.

The evaluated *value* may include an import weight ``w`` [CNY/kWh] added to the
import price: the optimal cost of ``cost + w * import``. With ``w = 0`` it is
the grid bill; with large ``w`` it approaches ``w`` times the least possible
import. Both are convex in the plan, which is what the outer approximation needs.

Two-part tariff: where a year has a demand charge the value also pays, for each
month, ``slope x max(0, peak import - threshold)`` plus the year's fixed basic charge
(:meth:`models.inputs.HourlyData.basic_charge_coefficients`). The monthly peak couples
the hours of a month, so such years are dispatched as an LP by HiGHS (still exact,
still convex in the plan); years without a demand charge stay in the compiled kernel.
An import-only evaluation ignores the basic charge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.dispatch import demand_excess_kw, solve_chains
from models.inputs import HourlyData

__all__ = ["EnergyBalance", "EnergyValue", "PlanState", "balance_of", "evaluate"]


@dataclass(frozen=True)
class PlanState:
    """The decisions that shape the hourly balance, per candidate and year.

    Attributes
    ----------
    load_scale_cy : (C, Y)
        Load as a multiple of the base-year load (growth x (1 - savings)).
    added_mwh_csy : (C, S, Y)
        Electricity added by electrification, per hourly shape [MWh/yr].
    pv_kw_cy : (C, Y)
        PV capacity alive, weighted by degradation [kW].
    battery_kwh_cy, battery_kw_cy : (C, Y)
        Battery energy [kWh] and power [kW] alive.
    """

    load_scale_cy: np.ndarray
    added_mwh_csy: np.ndarray
    pv_kw_cy: np.ndarray
    battery_kwh_cy: np.ndarray
    battery_kw_cy: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.load_scale_cy.shape

    def take(self, c_idx: np.ndarray, y_idx: np.ndarray) -> PlanState:
        """Sub-state of pairs (c_idx[k], y_idx[k]) as candidates of one year each."""
        return PlanState(self.load_scale_cy[c_idx, y_idx][:, None],
                         self.added_mwh_csy[c_idx, :, y_idx][:, :, None],
                         self.pv_kw_cy[c_idx, y_idx][:, None],
                         self.battery_kwh_cy[c_idx, y_idx][:, None],
                         self.battery_kw_cy[c_idx, y_idx][:, None])


@dataclass(frozen=True)
class EnergyBalance:
    """Yearly totals of a dispatch [MWh/yr], monthly peak imports [kW], and optionally
    the hours [kW]. Money fields are the energy part of the bill only; the two-part
    tariff's basic charge is accounted from the monthly peaks
    (:func:`models.terms.basic_charge_cny_y`)."""

    import_mwh_cy: np.ndarray
    export_mwh_cy: np.ndarray
    curtailed_mwh_cy: np.ndarray
    load_mwh_cy: np.ndarray
    pv_mwh_cy: np.ndarray
    charge_mwh_cy: np.ndarray
    discharge_mwh_cy: np.ndarray
    import_cost_cny_cy: np.ndarray
    export_revenue_cny_cy: np.ndarray
    peak_import_kw_cy: np.ndarray
    hourly: dict[str, np.ndarray] | None = None
    #: Peak import of each month [kW], shape (C, Y, M).
    peak_import_kw_cym: np.ndarray | None = None


@dataclass(frozen=True)
class EnergyValue:
    """Optimal value of the weighted grid cost and its subgradient.

    ``value_cny_cy`` is ``min(cost + w import)`` [CNY]; the ``grad_*`` arrays are
    its subgradient with respect to the fields of :class:`PlanState` (CNY per unit
    of that field).
    """

    value_cny_cy: np.ndarray
    grad_load_scale_cy: np.ndarray
    grad_added_csy: np.ndarray
    grad_pv_kw_cy: np.ndarray
    grad_battery_kwh_cy: np.ndarray
    grad_battery_kw_cy: np.ndarray
    balance: EnergyBalance | None = None


def net_load_kw(hourly: HourlyData, state: PlanState) -> np.ndarray:
    """Hourly net load [kW], shape (C, Y, H)."""
    n = state.load_scale_cy[:, :, None] * hourly.base_load_kw_h[None, None, :]
    if hourly.shape_kw_per_mwh_sh.shape[0]:
        n = n + np.einsum("csy,sh->cyh", state.added_mwh_csy, hourly.shape_kw_per_mwh_sh)
    n -= state.pv_kw_cy[:, :, None] * hourly.pv_kw_per_kwp_h[None, None, :]
    return n


#: Calls of :func:`evaluate` that reached the kernel, and (candidate, year) chains it solved.
#: Read and reset by callers that report them (e.g. the decomposition).
EVALUATIONS = [0, 0]

_PRICE_IDS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _price_row_ids(hourly: HourlyData) -> np.ndarray:
    """One id per year; years with identical import and export price rows share it."""
    imp = hourly.import_price_cny_per_kwh_yh
    exp = hourly.export_price_cny_per_kwh_yh
    hit = _PRICE_IDS.get(id(hourly))
    if hit is not None and hit[0] is imp and hit[1] is exp:
        return hit[2]
    ids = np.empty(imp.shape[0], dtype=np.int64)
    reps: list[int] = []
    slope, _, fixed = hourly.basic_charge_coefficients(imp.shape[0])
    for y in range(imp.shape[0]):
        for r in reps:
            if (np.array_equal(imp[y], imp[r]) and np.array_equal(exp[y], exp[r])
                    and slope[y] == slope[r] and fixed[y] == fixed[r]):
                ids[y] = ids[r]
                break
        else:
            ids[y] = len(reps)
            reps.append(y)
    if len(_PRICE_IDS) > 16:
        _PRICE_IDS.clear()
    _PRICE_IDS[id(hourly)] = (imp, exp, ids)
    return ids


def _distinct_instances(hourly: HourlyData, state: PlanState, yi: np.ndarray, w_cy: np.ndarray,
                        import_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Flat index of the first of each distinct instance, and each instance's distinct row."""
    n_c, n_y = state.shape
    pid = np.zeros((n_c, n_y)) if import_only else _price_row_ids(hourly)[yi].astype(float)
    keys = np.column_stack([
        pid.ravel(), (np.zeros((n_c, n_y)) if import_only else w_cy).ravel(),
        state.load_scale_cy.ravel(),
        state.added_mwh_csy.transpose(0, 2, 1).reshape(n_c * n_y, -1),
        state.pv_kw_cy.ravel(), state.battery_kwh_cy.ravel(), state.battery_kw_cy.ravel()])
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _scatter(sub: EnergyValue, inverse: np.ndarray, shape: tuple[int, int]) -> EnergyValue:
    """Copy the results of distinct instances (K, 1) back to every instance (C, Y)."""
    def cy(a: np.ndarray) -> np.ndarray:
        return a[:, 0][inverse].reshape(shape)

    bal = sub.balance
    if bal is not None:
        hours = None
        if bal.hourly is not None:
            hours = {k: v[:, 0][inverse].reshape(*shape, -1) for k, v in bal.hourly.items()}
        peaks = None
        if bal.peak_import_kw_cym is not None:
            peaks = bal.peak_import_kw_cym[:, 0][inverse].reshape(*shape, -1)
        bal = EnergyBalance(*(cy(getattr(bal, f)) for f in (
            "import_mwh_cy", "export_mwh_cy", "curtailed_mwh_cy", "load_mwh_cy", "pv_mwh_cy",
            "charge_mwh_cy", "discharge_mwh_cy", "import_cost_cny_cy", "export_revenue_cny_cy",
            "peak_import_kw_cy")), hourly=hours, peak_import_kw_cym=peaks)
    added = sub.grad_added_csy[:, :, 0][inverse]  # (C*Y, S)
    return EnergyValue(
        value_cny_cy=cy(sub.value_cny_cy),
        grad_load_scale_cy=cy(sub.grad_load_scale_cy),
        grad_added_csy=added.reshape(shape[0], shape[1], -1).transpose(0, 2, 1),
        grad_pv_kw_cy=cy(sub.grad_pv_kw_cy),
        grad_battery_kwh_cy=cy(sub.grad_battery_kwh_cy),
        grad_battery_kw_cy=cy(sub.grad_battery_kw_cy),
        balance=bal,
    )


def evaluate(
    hourly: HourlyData,
    state: PlanState,
    eta_charge: float,
    eta_discharge: float,
    *,
    import_weight_cny_per_kwh: np.ndarray | float = 0.0,
    import_only: bool = False,
    year_index: np.ndarray | None = None,
    balance: bool = False,
    keep_hours: bool = False,
) -> EnergyValue:
    """Exact yearly grid value of plans and its subgradient.

    Parameters
    ----------
    hourly : HourlyData
    state : PlanState
        Shape (C, Y'): C candidates for Y' years.
    eta_charge, eta_discharge : float
        Battery one-way efficiencies.
    import_weight_cny_per_kwh : float or ndarray (C, Y')
        Added to every hour's import price.
    import_only : bool
        Value is the least yearly import [kWh] instead of money (import price 1,
        export price 0); its subgradient bounds imports from below.
    year_index : ndarray of int, shape (Y',) or (C, Y'), optional
        Which years of ``hourly`` the Y' columns are (default: all, in order);
        2-D to give each candidate its own years.
    balance : bool
        Also return the dispatch's yearly energy balance.
    keep_hours : bool
        With ``balance``, also keep hourly arrays (C, Y', H) in ``balance.hourly``.

    Returns
    -------
    EnergyValue
    """
    if import_only and balance:
        raise ValueError("an import-only evaluation has no energy balance to report")
    n_c, n_y = state.shape
    yi = np.arange(n_y) if year_index is None else np.asarray(year_index)
    yi = np.broadcast_to(yi, (n_c, n_y))
    n_h = hourly.base_load_kw_h.shape[0]
    w_cy = np.broadcast_to(np.asarray(import_weight_cny_per_kwh, dtype=float), (n_c, n_y))
    # Identical (candidate, year) instances (same plan values, prices and weight, e.g. the
    # years of a plan that no longer changes) are dispatched once and copied.
    first, inverse = _distinct_instances(hourly, state, yi, w_cy, import_only)
    if first.size < n_c * n_y:
        c_i, y_i = np.divmod(first, n_y)
        sub = evaluate(hourly, state.take(c_i, y_i), eta_charge, eta_discharge,
                       import_weight_cny_per_kwh=w_cy[c_i, y_i][:, None],
                       import_only=import_only, year_index=yi[c_i, y_i][:, None],
                       balance=balance, keep_hours=keep_hours)
        return _scatter(sub, inverse, (n_c, n_y))
    EVALUATIONS[0] += 1
    EVALUATIONS[1] += n_c * n_y
    net = net_load_kw(hourly, state)
    if import_only:
        imp = np.ones((n_c, n_y, n_h))
        exp = np.zeros((n_c, n_y, n_h))
    else:
        imp = hourly.import_price_cny_per_kwh_yh[yi] + w_cy[:, :, None]
        exp = hourly.export_price_cny_per_kwh_yh[yi]
    cap = np.full(n_c * n_y, hourly.export_cap_kw)
    # Two-part tariff: the monthly peak's charge is paid inside the dispatch LP, the
    # fixed part (capacity charge, contract demand) added to the value.
    slope_y, thr, fixed_y = hourly.basic_charge_coefficients(
        hourly.import_price_cny_per_kwh_yh.shape[0])
    slope = np.zeros((n_c, n_y)) if import_only else slope_y[yi]
    res = solve_chains(net.reshape(-1, n_h), imp.reshape(-1, n_h), exp.reshape(-1, n_h), cap,
                       state.battery_kwh_cy.reshape(-1), state.battery_kw_cy.reshape(-1),
                       eta_charge, eta_discharge, primal=balance,
                       month_of_hour=hourly.months, demand_slope_cny_per_kw=slope.reshape(-1),
                       demand_threshold_kw=thr)
    value = res.cost.reshape(n_c, n_y)
    if not import_only:
        value = value + fixed_y[yi]
    mu = res.mu.reshape(n_c, n_y, n_h)
    out_balance = None
    if balance and keep_hours:
        out_balance = balance_of(hourly, state, res.charge_kw.reshape(n_c, n_y, n_h),
                                 res.discharge_kw.reshape(n_c, n_y, n_h),
                                 year_index=yi, keep_hours=True)
    elif balance:
        out_balance = _balance_from_totals(hourly, state, res, w_cy)
    return EnergyValue(
        value_cny_cy=value,
        grad_load_scale_cy=mu @ hourly.base_load_kw_h,
        grad_added_csy=np.einsum("cyh,sh->csy", mu, hourly.shape_kw_per_mwh_sh),
        grad_pv_kw_cy=-(mu @ hourly.pv_kw_per_kwp_h),
        grad_battery_kwh_cy=res.rho_energy.reshape(n_c, n_y),
        grad_battery_kw_cy=res.rho_power.reshape(n_c, n_y),
        balance=out_balance,
    )


def _balance_from_totals(hourly: HourlyData, state: PlanState, res,
                        w_cy: np.ndarray) -> EnergyBalance:
    """Yearly totals from the kernel's per-chain sums (no hourly arrays needed)."""
    n_c, n_y = state.shape
    t = res.totals.reshape(n_c, n_y, 6)
    imp_kwh = t[..., 0]
    # The kernel priced imports at p + w: take the weight back out.
    imp_cost = t[..., 3] - w_cy * imp_kwh
    load_mwh = (state.load_scale_cy * hourly.base_load_kw_h.sum()
                + np.einsum("csy,s->cy", state.added_mwh_csy,
                            hourly.shape_kw_per_mwh_sh.sum(axis=1))) * 1e-3
    mwh = 1e-3
    return EnergyBalance(
        import_mwh_cy=imp_kwh * mwh,
        export_mwh_cy=t[..., 1] * mwh,
        curtailed_mwh_cy=t[..., 2] * mwh,
        load_mwh_cy=load_mwh,
        pv_mwh_cy=state.pv_kw_cy * hourly.pv_kw_per_kwp_h.sum() * mwh,
        charge_mwh_cy=res.charge_kw.reshape(n_c, n_y, -1).sum(axis=2) * mwh,
        discharge_mwh_cy=res.discharge_kw.reshape(n_c, n_y, -1).sum(axis=2) * mwh,
        import_cost_cny_cy=imp_cost,
        export_revenue_cny_cy=t[..., 4],
        peak_import_kw_cy=t[..., 5],
        peak_import_kw_cym=res.month_peak_kw.reshape(n_c, n_y, -1),
    )


def balance_of(hourly: HourlyData, state: PlanState, charge_kw_cyh: np.ndarray,
               discharge_kw_cyh: np.ndarray, *, year_index: np.ndarray | None = None,
               keep_hours: bool = False) -> EnergyBalance:
    """Energy totals and true grid cost of a given battery schedule.

    Parameters
    ----------
    hourly : HourlyData
    state : PlanState, shape (C, Y')
    charge_kw_cyh, discharge_kw_cyh : (C, Y', H)
        Battery charge and discharge in calendar hours [kW].
    year_index : ndarray (Y',) or (C, Y'), optional
    keep_hours : bool
        Keep the hourly arrays (calendar order) in ``hourly``.

    Notes
    -----
    Grid flow ``g = net + charge - discharge``; import ``max(g, 0)``; surplus is exported
    up to the cap and the rest curtailed; costed at the true (unweighted) prices.
    """
    n_c, n_y = state.shape
    yi = np.arange(n_y) if year_index is None else np.asarray(year_index)
    yi = np.broadcast_to(yi, (n_c, n_y))
    net = net_load_kw(hourly, state)
    imp_p = hourly.import_price_cny_per_kwh_yh[yi]
    exp_p = hourly.export_price_cny_per_kwh_yh[yi]
    g = net + charge_kw_cyh - discharge_kw_cyh
    imp_kw = np.maximum(g, 0.0)
    surplus = np.maximum(-g, 0.0)
    exp_kw = np.minimum(surplus, hourly.export_cap_kw)
    curt_kw = surplus - exp_kw
    pv_kw = state.pv_kw_cy[:, :, None] * hourly.pv_kw_per_kwp_h[None, None, :]
    load_kw = net + pv_kw
    hours = None
    if keep_hours:
        hours = {"load_kw": load_kw, "pv_kw": pv_kw, "import_kw": imp_kw, "export_kw": exp_kw,
                 "curtailed_kw": curt_kw, "charge_kw": charge_kw_cyh,
                 "discharge_kw": discharge_kw_cyh}
    mwh = 1e-3  # MWh per kWh; every hour is 1 h
    return EnergyBalance(
        import_mwh_cy=imp_kw.sum(axis=2) * mwh,
        export_mwh_cy=exp_kw.sum(axis=2) * mwh,
        curtailed_mwh_cy=curt_kw.sum(axis=2) * mwh,
        load_mwh_cy=load_kw.sum(axis=2) * mwh,
        pv_mwh_cy=pv_kw.sum(axis=2) * mwh,
        charge_mwh_cy=charge_kw_cyh.sum(axis=2) * mwh,
        discharge_mwh_cy=discharge_kw_cyh.sum(axis=2) * mwh,
        import_cost_cny_cy=(imp_p * imp_kw).sum(axis=2),
        export_revenue_cny_cy=(exp_p * exp_kw).sum(axis=2),
        peak_import_kw_cy=imp_kw.max(axis=2),
        hourly=hours,
        peak_import_kw_cym=monthly_peaks_kw(imp_kw, hourly.months, hourly.n_months),
    )


def monthly_peaks_kw(import_kw: np.ndarray, month: np.ndarray, n_months: int) -> np.ndarray:
    """Peak of ``import_kw`` (..., H) in each month: shape (..., M) [kW]."""
    return demand_excess_kw(import_kw, month, n_months, 0.0)
