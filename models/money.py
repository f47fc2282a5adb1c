"""Cash-flow profiles of one unit of investment: tax, incentives, loan, contracts.

Pure functions of numbers and arrays; :func:`models.terms.terms_of` composes them into
the coefficients both the MILP and the accounts read.

A *profile* has ``n + 1`` entries over the horizon's ``n`` years and, last, the *end*
slot (discounted by ``(1 + r) ** -n``, like the salvage value). Costs are positive,
money received negative, so that the NPV of a plan's costs is the discount factors
times the summed profiles. A flow that falls after the horizon (a loan instalment, a
contract payment) is counted in the end slot, discounted from its own year to the
end: ``(1 + r) ** -(y - n)``. Tax rates of years after the horizon are the last one's.

Conventions (``docs/method.md``, Money):

* Income tax applies to the firm as a whole, which is assumed profitable enough that
  every deduction and credit lowers its tax in the year it arises (no carry-forward).
* Tax depreciation is straight line over the tax life, from the build year, with no
  residual value; what is not yet depreciated at the end of the horizon is the asset's
  tax book value there. At the end the asset is worth its economic salvage value ``S``
  and the firm would owe tax on ``S - book``: it keeps ``S - tax (S - book)``.
* Loan interest is deductible; principal is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "PROFILE_PARTS",
    "TaxLedger",
    "add_subsidy",
    "capex_profile_parts",
    "contract_profile_parts",
    "lease_payment_share",
    "lease_profile_parts",
    "loan_schedule",
    "price_index",
    "tax_ledger",
]

#: Parts of an investment's cash-flow profile, in the order of the cash-flow table.
PROFILE_PARTS = ("capex", "loan_drawdown", "loan_principal", "loan_interest",
                 "interest_tax_shield", "subsidy", "subsidy_tax", "tax_credit",
                 "depreciation_tax_shield", "contract_payment", "contract_tax_shield",
                 "lease_payment", "lease_tax_shield",
                 "generation_incentive", "generation_incentive_tax", "salvage_after_tax")


def loan_schedule(rate: float, tenor_years: int, grace_years: int, repayment: str
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Principal and interest paid per CNY borrowed, years 1 .. tenor after drawdown.

    Parameters
    ----------
    rate : float
        Yearly interest rate [-].
    tenor_years : int
        Years of repayment, the grace years included (>= 1).
    grace_years : int
        Interest-only years at the start (< tenor).
    repayment : {"annuity", "equal-principal"}
        Equal total payments after the grace, or equal principal payments.

    Returns
    -------
    principal_k, interest_k : (tenor,) arrays [CNY per CNY borrowed]

    Notes
    -----
    Annuity over ``N = tenor - grace`` years: ``A = i / (1 - (1 + i) ** -N)`` (``1 / N``
    at ``i = 0``); interest ``= i x balance``; principal ``= A - interest``. Equal
    principal: ``1 / N`` a year, interest on the balance before the payment.
    """
    n_pay = tenor_years - grace_years
    if n_pay < 1:
        raise ValueError("loan tenor must exceed the grace years")
    principal = np.zeros(tenor_years)
    interest = np.zeros(tenor_years)
    balance = 1.0
    annuity = rate / (1.0 - (1.0 + rate) ** -n_pay) if rate > 0 else 1.0 / n_pay
    for k in range(tenor_years):
        interest[k] = rate * balance
        if k >= grace_years:
            principal[k] = (annuity - interest[k] if repayment == "annuity"
                            else 1.0 / n_pay)
        balance -= principal[k]
    return principal, interest


def _tax_at(tax_rate_y: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Tax rate of each year (after the horizon: the last year's)."""
    return tax_rate_y[np.minimum(years, len(tax_rate_y) - 1)]


def price_index(inflation_rate_y: np.ndarray | None, years: np.ndarray, n: int) -> np.ndarray:
    """Price level of each year relative to the base year, ``prod_{k < y} (1 + i_k)``;
    after the horizon the last year's rate goes on (None: no inflation, all 1)."""
    years = np.asarray(years, dtype=int)
    if inflation_rate_y is None or not np.any(inflation_rate_y):
        return np.ones(years.shape)
    level = np.concatenate([[1.0], np.cumprod(1.0 + np.asarray(inflation_rate_y, float))])
    last = 1.0 + float(inflation_rate_y[n - 1])
    return np.where(years <= n, level[np.minimum(years, n)],
                    level[n] * last ** np.maximum(years - n, 0).astype(float))


def _put(profile_xf: np.ndarray, rows: np.ndarray, years: np.ndarray, amount_x: np.ndarray,
         rate: float) -> None:
    """Add ``amount_x`` of each row's year to its profile (after the horizon: the end slot,
    discounted from that year to the end)."""
    # Each row appears once in ``rows``, so plain fancy-index addition is exact.
    n = profile_xf.shape[1] - 1
    inside = years < n
    profile_xf[rows[inside], years[inside]] += amount_x[inside]
    late = ~inside
    if late.any():
        profile_xf[rows[late], n] += amount_x[late] * (1.0 + rate) ** -(years[late] - n
                                                                          ).astype(float)


def _empty(n_rows: int, n: int) -> dict[str, np.ndarray]:
    return {name: np.zeros((n_rows, n + 1)) for name in PROFILE_PARTS}


def capex_profile_parts(v_x: np.ndarray, tax_rate_y: np.ndarray, discount_rate: float, *,
                        salvage_share_x: np.ndarray, tax_life_years_x: np.ndarray,
                        credit_share_x: np.ndarray, subsidy_share_x: np.ndarray,
                        subsidy_taxable: bool, loan_share: float,
                        loan_principal_k: np.ndarray, loan_interest_k: np.ndarray,
                        subsidy_years_x: np.ndarray | None = None,
                        inflation_rate_y: np.ndarray | None = None
                        ) -> dict[str, np.ndarray]:
    """Cash-flow profiles of 1 CNY of capex, one row per investment, part by part [CNY].

    Parameters
    ----------
    v_x : (X,) int
        Build year index of each investment (0 .. n-1).
    tax_rate_y : (n,)
        Income tax rate per year of the horizon [-].
    discount_rate : float
        The firm's rate, for flows after the horizon [1/yr].
    salvage_share_x : (X,)
        Economic value left at the end of the horizon, share of capex [-].
    tax_life_years_x : (X,) int
        Straight-line tax depreciation life (1: deducted whole in the build year).
    credit_share_x : (X,)
        Share of the capex credited against income tax in the build year [-].
    subsidy_share_x : (X,)
        Share of the capex received as a subsidy in the build year [-].
    subsidy_taxable : bool
    loan_share : float
        Share of the capex borrowed in the build year [-].
    loan_principal_k, loan_interest_k : (tenor,)
        :func:`loan_schedule` per CNY borrowed, paid in years ``v + 1 ..``.
    subsidy_years_x : (X,) int, optional
        The subsidy is paid in equal parts over this many years from the build year
        (default 1: all in the build year).
    inflation_rate_y : (n,), optional
        Inflation. Money is real (base-year prices); flows fixed in nominal CNY when the
        asset is built (loan instalments, tax depreciation and the tax book value, a
        subsidy's instalments) are worth ``P_v / P_y`` of their nominal amount in year
        ``y`` (:func:`price_index`). None: no inflation.

    Returns
    -------
    dict of part name -> (X, n + 1) profiles, the parts of :data:`PROFILE_PARTS` (the
    contract parts are zero). Their sum is the cost of 1 CNY of capex.

    Notes
    -----
    capex 1 at v; drawdown -phi at v; principal phi P_k and interest phi I_k at v+k, the
    interest shield -tau phi I_k; subsidy -s at v and tax tau_v s on it; credit -c at v;
    depreciation shield -tau_y / L in years v .. v+L-1 inside the horizon; at the end
    -(S - tau (S - B)) with book value B = max(0, v + L - n) / L.
    """
    n = len(tax_rate_y)
    v = np.asarray(v_x, dtype=int)
    life = np.asarray(tax_life_years_x, dtype=int)
    salvage = np.asarray(salvage_share_x, dtype=float)
    rows = np.arange(len(v))
    parts = _empty(len(v), n)
    parts["capex"][rows, v] = 1.0
    level_v = price_index(inflation_rate_y, v, n)

    def real(y: np.ndarray) -> np.ndarray:
        """Real value in year ``y`` of 1 nominal CNY fixed in the build year."""
        return level_v / price_index(inflation_rate_y, y, n)

    if loan_share > 0:
        parts["loan_drawdown"][rows, v] = -loan_share
        for k, (p, i) in enumerate(zip(loan_principal_k, loan_interest_k, strict=True)):
            y = v + 1 + k
            _put(parts["loan_principal"], rows, y, loan_share * p * real(y), discount_rate)
            _put(parts["loan_interest"], rows, y, loan_share * i * real(y), discount_rate)
            _put(parts["interest_tax_shield"], rows, y,
                 -_tax_at(tax_rate_y, y) * loan_share * i * real(y), discount_rate)
    add_subsidy(parts, v, np.asarray(subsidy_share_x, dtype=float),
                np.ones(len(v), dtype=int) if subsidy_years_x is None else subsidy_years_x,
                tax_rate_y, discount_rate, subsidy_taxable, inflation_rate_y)
    parts["tax_credit"][rows, v] = -np.asarray(credit_share_x, dtype=float)
    if tax_rate_y.any():
        y = np.arange(n)[None, :]
        depreciating = (y >= v[:, None]) & (y < (v + life)[:, None])
        deflate = level_v[:, None] / price_index(inflation_rate_y, np.arange(n), n)[None, :]
        parts["depreciation_tax_shield"][:, :n] = -np.where(
            depreciating, tax_rate_y[None, :] / life[:, None] * deflate, 0.0)
    book = np.maximum(0, v + life - n) / life * real(np.full(len(v), n))
    tax_end = float(tax_rate_y[n - 1])
    parts["salvage_after_tax"][:, n] = -(salvage - tax_end * (salvage - book)) + 0.0
    return parts


def add_subsidy(parts: dict[str, np.ndarray], v_x: np.ndarray, amount_x: np.ndarray,
                years_x: np.ndarray, tax_rate_y: np.ndarray, discount_rate: float,
                taxable: bool, inflation_rate_y: np.ndarray | None = None) -> None:
    """Add a subsidy of ``amount_x`` per row, paid in equal parts over ``years_x`` years
    from the build year ``v_x`` (``-amount / years`` a year, and the tax on it); the
    instalments are fixed in nominal CNY of the build year (see :func:`price_index`)."""
    years = np.asarray(years_x, dtype=int)
    rows = np.arange(len(v_x))
    n = parts["subsidy"].shape[1] - 1
    for k in range(int(years.max(initial=0))):
        on = (k < years) & (amount_x != 0)
        if not on.any():
            continue
        y = v_x[on] + k
        part = (amount_x[on] / years[on] * price_index(inflation_rate_y, v_x[on], n)
                / price_index(inflation_rate_y, y, n))
        _put(parts["subsidy"], rows[on], y, -part, discount_rate)
        if taxable:
            _put(parts["subsidy_tax"], rows[on], y, _tax_at(tax_rate_y, y) * part,
                 discount_rate)


def contract_profile_parts(v_x: np.ndarray, tax_rate_y: np.ndarray, discount_rate: float, *,
                           payment_cny_per_year_x: np.ndarray, contract_years_x: np.ndarray,
                           salvage_cny_x: np.ndarray) -> dict[str, np.ndarray]:
    """Cash-flow profiles of measures bought through an energy-performance contract [CNY].

    The service company pays the capex; the plant pays it ``payment_cny_per_year``
    (share x contracted savings) in years ``v .. v + contract_years - 1`` (deductible),
    and owns the asset after the contract at no tax basis: its salvage value at the end
    of the horizon counts after tax, ``salvage (1 - tau)``. One row per build.

    Returns
    -------
    dict of part name -> (X, n + 1) profiles, the parts of :data:`PROFILE_PARTS`.
    """
    n = len(tax_rate_y)
    v = np.asarray(v_x, dtype=int)
    years = np.asarray(contract_years_x, dtype=int)
    pay = np.asarray(payment_cny_per_year_x, dtype=float)
    rows = np.arange(len(v))
    parts = _empty(len(v), n)
    for k in range(int(years.max(initial=0))):
        on = k < years
        y = v[on] + k
        _put(parts["contract_payment"], rows[on], y, pay[on], discount_rate)
        _put(parts["contract_tax_shield"], rows[on], y, -_tax_at(tax_rate_y, y) * pay[on],
             discount_rate)
    parts["salvage_after_tax"][:, n] = -np.asarray(salvage_cny_x, dtype=float) * (
        1.0 - float(tax_rate_y[n - 1])) + 0.0
    return parts


def lease_payment_share(rate: float, years: int) -> float:
    """Yearly lease payment per CNY of the asset's capex, paid at the start of each of
    ``years`` lease years, such that its present value at the lessor's ``rate`` is the
    capex: ``rate / (1 - (1 + rate) ** -years) / (1 + rate)`` (``1 / years`` at 0) [-]."""
    if rate <= 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** -years) / (1.0 + rate)


def lease_profile_parts(v_x: np.ndarray, tax_rate_y: np.ndarray, *,
                        payment_cny_per_year_x: np.ndarray, lease_years_x: np.ndarray,
                        inflation_rate_y: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Cash-flow profiles of assets held under an operating lease [CNY], one row per build.

    The lessor owns the asset: the plant has no capex, depreciation, credit or salvage.
    It pays ``payment_cny_per_year`` (fixed in nominal CNY of the build year, so worth
    ``P_v / P_y`` of it in real terms; :func:`price_index`) in years ``v .. v + years - 1``,
    deductible in the year paid (EIT implementation rules art. 47: an operating lease's
    rent is deducted evenly over the lease; docs/sources.md C7). Payments of lease years
    after the horizon pay for service after it and are not counted, as an owned asset's
    service after the horizon is credited as its salvage value.

    Returns
    -------
    dict of part name -> (X, n + 1) profiles, the parts of :data:`PROFILE_PARTS`.
    """
    n = len(tax_rate_y)
    v = np.asarray(v_x, dtype=int)
    years = np.asarray(lease_years_x, dtype=int)
    pay = np.asarray(payment_cny_per_year_x, dtype=float)
    parts = _empty(len(v), n)
    y = np.arange(n)[None, :]
    on = (y >= v[:, None]) & (y < (v + years)[:, None])
    real = (price_index(inflation_rate_y, v, n)[:, None]
            / price_index(inflation_rate_y, np.arange(n), n)[None, :])
    paid = np.where(on, pay[:, None] * real, 0.0)
    parts["lease_payment"][:, :n] = paid
    parts["lease_tax_shield"][:, :n] = -tax_rate_y[None, :] * paid
    return parts


@dataclass(frozen=True)
class TaxLedger:
    """Income tax year by year with losses and credits carried forward [CNY, (Y,) arrays]."""

    taxable_income_cny_y: np.ndarray
    loss_used_cny_y: np.ndarray
    loss_carried_cny_y: np.ndarray
    loss_expired_cny_y: np.ndarray
    tax_before_credit_cny_y: np.ndarray
    credit_earned_cny_y: np.ndarray
    credit_used_cny_y: np.ndarray
    credit_carried_cny_y: np.ndarray
    credit_expired_cny_y: np.ndarray
    tax_paid_cny_y: np.ndarray


def _use_oldest(pool: list[list[float]], need: float) -> float:
    """Take up to ``need`` from ``pool`` ([year, amount] items, oldest first)."""
    used = 0.0
    for item in pool:
        take = min(item[1], need - used)
        item[1] -= take
        used += take
        if used >= need:
            break
    pool[:] = [item for item in pool if item[1] > 0]
    return used


def _expire(pool: list[list[float]], year: int, carry_years: int) -> float:
    """Drop what may not be used after ``year`` (made more than ``carry_years`` before)."""
    gone = sum(a for y0, a in pool if year - y0 >= carry_years)
    pool[:] = [item for item in pool if year - item[0] < carry_years]
    return gone


def tax_ledger(tax_rate_y: np.ndarray, taxable_income_cny_y: np.ndarray,
               credit_earned_cny_y: np.ndarray, loss_carry_years: int = 5,
               credit_carry_years: int = 5) -> TaxLedger:
    """Income tax paid each year when losses and credits can only be carried forward.

    Parameters
    ----------
    tax_rate_y : (Y,)
        Income tax rate [-].
    taxable_income_cny_y : (Y,)
        Taxable income of the firm before loss relief (negative: a loss) [CNY].
    credit_earned_cny_y : (Y,)
        Tax credits earned (the special-equipment credit) [CNY].
    loss_carry_years, credit_carry_years : int
        A loss of year ``y`` offsets income of years ``y+1 .. y+n``; a credit of year
        ``y`` lowers the tax of years ``y .. y+n`` (EIT Law art. 18; implementation
        rules art. 100: 5 and 5; docs/sources.md C7). Oldest first.

    Returns
    -------
    TaxLedger

    Notes
    -----
    tax before credit = rate x max(0, income - losses used); credit used = min(tax before
    credit, credits available); tax paid = tax before credit - credit used.
    """
    n = len(tax_rate_y)
    out = {k: np.zeros(n) for k in ("loss_used", "loss_carried", "loss_expired", "tax_before",
                                    "credit_used", "credit_carried", "credit_expired", "paid")}
    losses: list[list[float]] = []
    credits: list[list[float]] = []
    for y in range(n):
        income = float(taxable_income_cny_y[y])
        if income < 0:
            base = 0.0
            losses.append([y, -income])
        else:
            out["loss_used"][y] = _use_oldest(losses, income)
            base = income - out["loss_used"][y]
        tax = float(tax_rate_y[y]) * base
        credits.append([y, float(credit_earned_cny_y[y])])
        out["credit_used"][y] = _use_oldest(credits, tax)
        out["tax_before"][y] = tax
        out["paid"][y] = tax - out["credit_used"][y]
        # A loss of this year is usable from next year for loss_carry_years years; a
        # credit of this year in this year and the credit_carry_years after.
        out["loss_expired"][y] = _expire(losses, y + 1, loss_carry_years + 1)
        out["credit_expired"][y] = _expire(credits, y + 1, credit_carry_years + 1)
        out["loss_carried"][y] = sum(a for _, a in losses)
        out["credit_carried"][y] = sum(a for _, a in credits)
    return TaxLedger(np.asarray(taxable_income_cny_y, dtype=float), out["loss_used"],
                     out["loss_carried"], out["loss_expired"], out["tax_before"],
                     np.asarray(credit_earned_cny_y, dtype=float), out["credit_used"],
                     out["credit_carried"], out["credit_expired"], out["paid"])
