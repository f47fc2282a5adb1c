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

import numpy as np

__all__ = [
    "PROFILE_PARTS",
    "capex_profile_parts",
    "contract_profile_parts",
    "loan_schedule",
]

#: Parts of an investment's cash-flow profile, in the order of the cash-flow table.
PROFILE_PARTS = ("capex", "loan_drawdown", "loan_principal", "loan_interest",
                 "interest_tax_shield", "subsidy", "subsidy_tax", "tax_credit",
                 "depreciation_tax_shield", "contract_payment", "contract_tax_shield",
                 "salvage_after_tax")


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


def _put(profile: np.ndarray, year: int, amount: float, rate: float) -> None:
    """Add ``amount`` of year ``year`` to ``profile`` (after the horizon: the end slot)."""
    n = len(profile) - 1
    if year < n:
        profile[year] += amount
    else:
        profile[n] += amount * (1.0 + rate) ** -(year - n)


def _tax(tax_rate_y: np.ndarray, year: int) -> float:
    return float(tax_rate_y[min(year, len(tax_rate_y) - 1)])


def capex_profile_parts(v: int, tax_rate_y: np.ndarray, discount_rate: float, *,
                        salvage_share: float, tax_life_years: int, credit_share: float,
                        subsidy_share: float, subsidy_taxable: bool, loan_share: float,
                        loan_principal_k: np.ndarray, loan_interest_k: np.ndarray
                        ) -> dict[str, np.ndarray]:
    """Cash-flow profile of 1 CNY of capex spent in year ``v``, part by part [CNY].

    Parameters
    ----------
    v : int
        Build year index (0 .. n-1).
    tax_rate_y : (n,)
        Income tax rate per year of the horizon [-].
    discount_rate : float
        The firm's rate, for flows after the horizon [1/yr].
    salvage_share : float
        Economic value left at the end of the horizon, share of capex [-].
    tax_life_years : int
        Straight-line tax depreciation life (1: deducted whole in year ``v``).
    credit_share : float
        Share of the capex credited against income tax in year ``v`` [-].
    subsidy_share : float
        Share of the capex received as a subsidy in year ``v`` [-].
    subsidy_taxable : bool
    loan_share : float
        Share of the capex borrowed in year ``v`` [-].
    loan_principal_k, loan_interest_k : (tenor,)
        :func:`loan_schedule` per CNY borrowed, paid in years ``v + 1 ..``.

    Returns
    -------
    dict of part name -> (n + 1,) profile; the parts of :data:`PROFILE_PARTS` (the
    contract parts are zero). Their sum is the cost of 1 CNY of capex.

    Notes
    -----
    capex 1 at v; drawdown -phi at v; principal phi P_k and interest phi I_k at v+k, the
    interest shield -tau phi I_k; subsidy -s at v and tax tau_v s on it; credit -c at v;
    depreciation shield -tau_y / L in years v .. v+L-1 inside the horizon; at the end
    -(S - tau (S - B)) with book value B = max(0, v + L - n) / L.
    """
    n = len(tax_rate_y)
    parts = {name: np.zeros(n + 1) for name in PROFILE_PARTS}
    parts["capex"][v] = 1.0
    if loan_share > 0:
        parts["loan_drawdown"][v] = -loan_share
        for k, (p, i) in enumerate(zip(loan_principal_k, loan_interest_k, strict=True)):
            y = v + 1 + k
            _put(parts["loan_principal"], y, loan_share * p, discount_rate)
            _put(parts["loan_interest"], y, loan_share * i, discount_rate)
            _put(parts["interest_tax_shield"], y, -_tax(tax_rate_y, y) * loan_share * i,
                 discount_rate)
    if subsidy_share > 0:
        parts["subsidy"][v] = -subsidy_share
        if subsidy_taxable:
            parts["subsidy_tax"][v] = _tax(tax_rate_y, v) * subsidy_share
    if credit_share > 0:
        parts["tax_credit"][v] = -credit_share
    book = max(0, v + tax_life_years - n) / tax_life_years
    if tax_rate_y.any():
        for y in range(v, min(v + tax_life_years, n)):
            parts["depreciation_tax_shield"][y] = -tax_rate_y[y] / tax_life_years
    tax_end = _tax(tax_rate_y, n - 1)
    if salvage_share > 0 or tax_end * book > 0:
        parts["salvage_after_tax"][n] = -(salvage_share - tax_end * (salvage_share - book))
    return parts


def contract_profile_parts(v: int, tax_rate_y: np.ndarray, discount_rate: float, *,
                           payment_cny_per_year: float, contract_years: int,
                           salvage_cny: float) -> dict[str, np.ndarray]:
    """Cash-flow profile of one measure bought through an energy-performance contract [CNY].

    The service company pays the capex; the plant pays it ``payment_cny_per_year``
    (share x contracted savings) in years ``v .. v + contract_years - 1`` (deductible),
    and owns the asset after the contract at no tax basis: its salvage value at the end
    of the horizon counts after tax, ``salvage (1 - tau)``.

    Returns
    -------
    dict of part name -> (n + 1,) profile, the parts of :data:`PROFILE_PARTS`.
    """
    n = len(tax_rate_y)
    parts = {name: np.zeros(n + 1) for name in PROFILE_PARTS}
    for y in range(v, v + contract_years):
        _put(parts["contract_payment"], y, payment_cny_per_year, discount_rate)
        _put(parts["contract_tax_shield"], y, -_tax(tax_rate_y, y) * payment_cny_per_year,
             discount_rate)
    if salvage_cny > 0:
        parts["salvage_after_tax"][n] = -salvage_cny * (1.0 - _tax(tax_rate_y, n - 1))
    return parts
