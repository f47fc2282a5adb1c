"""Money as a CFO counts it: tax, credit, subsidy, loan and contracts against hand figures.

Tiny plant (tests/conftest.py): 5 years 2025-2029 at 5 %, gas 10 000 GJ at 80 CNY/GJ
(561 t), grid 1 000 MWh at 0.5 CNY/kWh (500 t), net zero in 2029 on a linear line
from 1 061 t; credits buy the rest. A gas saver saving 8 % of the gas saves
800 GJ x 80 = 64 000 CNY and 800 x 0.0561 = 44.88 t a year.

Every expected figure below is computed here from those numbers, not by the planner.
"""

from __future__ import annotations

import re

import numpy as np
import numpy_financial as npf
import pytest

from models.money import loan_schedule
from planner.analysis.finance import CASH_PART_COLUMNS, lever_finance
from planner.base.errors import ScenarioError
from planner.scenario.read import parse_scenario
from tests.helpers import discount, solve_raw

RATE = 0.05
GAS_T, GRID_T = 561.0, 500.0
BASE_T = GAS_T + GRID_T
ENERGY_CNY, FUEL_CNY = 500_000.0, 800_000.0
SAVE_GJ = 800.0
SAVE_CNY = SAVE_GJ * 80.0           # 64 000 CNY/yr
SAVE_T = SAVE_GJ * 0.0561           # 44.88 t/yr
DF = [discount(RATE, t) for t in range(6)]


def _allowed(t: int) -> float:
    return max(0.0, BASE_T * (1 - t / 4))


def _saver(**extra):
    return {"id": "saver", "pathway": "efficiency", "capex_cny": 300_000.0,
            "lifetime_years": 5, "fuel_saving_share": {"natural_gas": 0.08}, **extra}


def _hand_npv(build: int | None, credit_price: float, tax: float,
              capex_flows: dict[int, float]) -> float:
    """After-tax NPV of the tiny plant with the saver built in year ``build`` (None: not).

    ``capex_flows`` maps a flow index (0..4 the years, 5 the end) to the saver's
    after-tax capex flows; operating costs (energy, gas, credits) count ``(1 - tax)``.
    """
    npv = sum(DF[k] * f for k, f in capex_flows.items()) if build is not None else 0.0
    for t in range(5):
        saving = build is not None and t >= build
        gas_t = GAS_T - (SAVE_T if saving else 0.0)
        credits = max(0.0, gas_t + GRID_T - _allowed(t))
        opex = ENERGY_CNY + FUEL_CNY - (SAVE_CNY if saving else 0.0) + credit_price * credits
        npv += DF[t] * (1 - tax) * opex
    return npv


def _saver_built(plan) -> list[int]:
    row = plan.measures.set_index("measure").loc["saver"]
    return [int(y) for y in row["build_years"].split(";")] if row["build_years"] else []


# --------------------------------------------------------------------------- tax

def test_tax_shield_and_special_equipment_credit_decide_the_build(tiny):
    """Capex 300 000, life 5, machinery (tax life 10), tax 25 %, credits 1 CNY/t.

    Hand NPV of each choice (no build, or build in year v) with the formula of
    :func:`_hand_npv`: capex at v, less the 10 % credit at v when eligible, depreciation
    shield -0.25 x 30 000 in years v..2029, and at the end the economic salvage
    S = v / 5 (straight line over life 5) after tax on its gain over the tax basis
    left, B = (v + 5) / 10: -(S - 0.25 (S - B)) x 300 000. Differences to no build
    (CNY; negative = cheaper), computed by that formula:

    * pre-tax:                 +8 900, +11 603, +11 981, +10 102, +6 075 -> not built
    * after tax, no credit:   +18 198, +18 277, +16 426, +12 704, +7 200 -> not built
    * after tax, with credit: -11 802, -10 294, -10 785, -13 211, -17 481 -> 2029

    (2029 wins because the straight-line salvage returns 4/5 of the capex after one
    year of savings, the horizon-end convention of docs/method.md.)
    """
    tax = 0.25
    pre = solve_raw(tiny(measure=[_saver()],
                         credit=[{"id": "ccer", "price_cny_per_t": 1.0}]))
    assert _saver_built(pre) == []
    no_credit = solve_raw(tiny(measure=[_saver()], tax={"income_tax_rate": tax},
                               credit=[{"id": "ccer", "price_cny_per_t": 1.0}]))
    assert _saver_built(no_credit) == []
    assert no_credit.summary["npv_plan_cny"] == pytest.approx(
        _hand_npv(None, 1.0, tax, {}), rel=1e-9)

    plan = solve_raw(tiny(measure=[_saver(tax_credit=True)], tax={"income_tax_rate": tax},
                          credit=[{"id": "ccer", "price_cny_per_t": 1.0}]))

    def flows(v: int) -> dict[int, float]:
        c = 300_000.0
        out = {v: c - 0.10 * c}
        for y in range(v, 5):                       # tax life 10: all horizon years
            out[y] = out.get(y, 0.0) - tax * c / 10
        book = (v + 10 - 5) / 10
        salvage = (v + 5 - 5) / 5                   # economic life 5, straight line
        out[5] = -(salvage - tax * (salvage - book)) * c
        return out

    options = {None: _hand_npv(None, 1.0, tax, {})} | {
        v: _hand_npv(v, 1.0, tax, flows(v)) for v in range(5)}
    best = min(options, key=lambda k: options[k])
    assert best == 4
    assert _saver_built(plan) == [2029]
    assert plan.summary["npv_plan_cny"] == pytest.approx(options[4], rel=1e-9)


def test_one_off_expensing_deducts_a_small_investment_in_its_build_year(tiny):
    """A 200 000 saver, no credit, 5 MCNY expensing until 2027: built in 2025-2027 the
    whole capex is deducted in its build year (-50 000 then) and no tax basis is left
    at the end (B = 0); built in 2028-2029 it is depreciated over 10 years. The plan's
    choice and NPV are the least of the hand NPVs of the six choices: against no build,
    -68 325, -50 974, -35 536, -18 534, -8 372 CNY for 2025..2029 -> 2025."""
    tax = 0.25
    raw = tiny(measure=[_saver(capex_cny=200_000.0)],
               tax={"income_tax_rate": tax, "expensing_max_cny": 5e6},
               credit=[{"id": "ccer", "price_cny_per_t": 1.0}])
    plan = solve_raw(raw)
    c = 200_000.0
    options = {None: _hand_npv(None, 1.0, tax, {})}
    for v in range(5):
        expensed = 2025 + v <= 2027
        flows = {v: c - (tax * c if expensed else 0.0)}
        if not expensed:
            for y in range(v, 5):
                flows[y] = flows.get(y, 0.0) - tax * c / 10
        book = 0.0 if expensed else (v + 10 - 5) / 10
        salvage = v / 5
        flows[5] = -(salvage - tax * (salvage - book)) * c
        options[v] = _hand_npv(v, 1.0, tax, flows)
    best = min(options, key=lambda k: options[k])
    assert best == 0
    assert _saver_built(plan) == [2025]
    assert plan.summary["npv_plan_cny"] == pytest.approx(options[best], rel=1e-9)


# --------------------------------------------------------------------------- loan

def test_annuity_loan_matches_numpy_financial_pmt_ipmt():
    rate, tenor = 0.045, 8
    principal, interest = loan_schedule(rate, tenor, 0, "annuity")
    per = np.arange(1, tenor + 1)
    np.testing.assert_allclose(interest, -npf.ipmt(rate, per, tenor, 1.0), rtol=1e-12)
    np.testing.assert_allclose(principal, -npf.ppmt(rate, per, tenor, 1.0), rtol=1e-12)
    np.testing.assert_allclose(principal + interest, -npf.pmt(rate, tenor, 1.0), rtol=1e-12)
    assert principal.sum() == pytest.approx(1.0, rel=1e-12)


def test_equal_principal_loan_with_grace_by_hand():
    """4 years, 1 of grace, 6 %: interest 0.06 in year 1; then 1/3 principal a year with
    interest on the balance before it: 0.06, 0.04, 0.02."""
    principal, interest = loan_schedule(0.06, 4, 1, "equal-principal")
    np.testing.assert_allclose(principal, [0, 1 / 3, 1 / 3, 1 / 3], rtol=1e-12)
    np.testing.assert_allclose(interest, [0.06, 0.06, 0.04, 0.02], rtol=1e-12, atol=1e-15)


def test_a_loan_at_the_firms_rate_without_tax_costs_what_paying_cash_costs(tiny):
    """Borrowing at the discount rate changes nothing in NPV (the instalments' PV is the
    sum borrowed); the cash flows shift: the drawdown offsets 60 % of the capex."""
    raw = {"measure": [_saver(capex_cny=100_000.0)],
               "credit": [{"id": "ccer", "price_cny_per_t": 1.0}]}
    cash = solve_raw(tiny(**raw))
    loan = solve_raw(tiny(**raw, loan={"share": 0.6, "rate": RATE, "tenor_years": 3}))
    assert _saver_built(cash) == _saver_built(loan) == [2025]
    assert loan.summary["npv_plan_cny"] == pytest.approx(cash.summary["npv_plan_cny"],
                                                         rel=1e-9)
    parts = loan.accounts.cash_parts_cny_f
    assert parts["loan_drawdown"][0] == pytest.approx(-60_000.0)
    pay = 60_000.0 * RATE / (1 - 1.05 ** -3)
    np.testing.assert_allclose(parts["loan_principal"][1:4] + parts["loan_interest"][1:4],
                               [pay] * 3, rtol=1e-12)


def test_a_cheap_green_loan_with_tax_is_worth_its_hand_npv(tiny):
    """Capex 100 000 built 2025, 50 % borrowed at 3 % for 2 years (annuity), tax 25 %,
    tax life 10. The loan's NPV effect: +50 000 at t=0, then -(P_k + I_k - 0.25 I_k) at
    t=1,2 discounted at 5 %."""
    tax, c = 0.25, 100_000.0
    plan = solve_raw(tiny(measure=[_saver(capex_cny=c)], tax={"income_tax_rate": tax},
                          loan={"share": 0.5, "rate": 0.03, "tenor_years": 2},
                          credit=[{"id": "ccer", "price_cny_per_t": 1.0}]))
    assert _saver_built(plan) == [2025]
    a = 0.5 * c * 0.03 / (1 - 1.03 ** -2)
    i1 = 0.5 * c * 0.03
    i2 = (0.5 * c - (a - i1)) * 0.03
    flows = {0: c - 0.5 * c, 1: a - tax * i1, 2: a - tax * i2}
    for y in range(5):
        flows[y] = flows.get(y, 0.0) - tax * c / 10
    flows[5] = -(0.0 - tax * (0.0 - 0.5)) * c
    assert plan.summary["npv_plan_cny"] == pytest.approx(_hand_npv(0, 1.0, tax, flows),
                                                         rel=1e-9)
    # cash_parts.csv: the parts add up to the cash cost, whose discounted sum is the NPV,
    # and the plan's row of cashflow.csv is that cash cost.
    table = plan.cash_parts
    parts = table[CASH_PART_COLUMNS].sum(axis=1)
    np.testing.assert_allclose(parts, table["cash_cost_cny"], rtol=1e-12)
    assert table["discounted_cash_cost_cny"].sum() == pytest.approx(
        plan.summary["npv_plan_cny"], rel=1e-12)
    np.testing.assert_allclose(plan.cashflow["plan_cost_cny"], table["cash_cost_cny"],
                               rtol=1e-12)
    assert table["loan_interest_cny"].tolist()[1:3] == pytest.approx([i1, i2], rel=1e-12)
    # Equity view (the summary's main figures) against the project view (no loan): they
    # differ by the loan's own NPV, +50 000 - sum_k d_k (A - tau I_k).
    loan_npv = 0.5 * c - (a - tax * i1) / 1.05 - (a - tax * i2) / 1.05 ** 2
    assert plan.summary["npv_savings_cny"] - plan.summary["npv_savings_project_cny"] == \
        pytest.approx(loan_npv, rel=1e-9)


# --------------------------------------------------------------------------- contract

def test_energy_performance_contract_leaves_the_plant_its_share_of_the_savings(tiny):
    """The service company pays the 300 000 and takes 70 % of the 64 000 CNY contracted
    savings for the 5 years the saver works: the plant's NPV of the saver is exactly
    30 % of the savings' NPV, 0.3 x 64 000 x sum(1.05^-t, t=0..4) (credits are free
    here, so the saver's tonnes are worth nothing)."""
    plan = solve_raw(tiny(measure=[_saver(emc_share=0.7, emc_years=5,
                                          emc_savings_cny_per_year=SAVE_CNY)],
                          credit=[{"id": "ccer", "price_cny_per_t": 0.0}]))
    assert _saver_built(plan) == [2025]
    lever = lever_finance(plan.inputs, plan.solution.decisions).set_index("lever").loc["saver"]
    assert lever["capex_cny"] == 0.0
    assert lever["npv_cny"] == pytest.approx(0.3 * SAVE_CNY * sum(DF[:5]), rel=1e-9)


def test_subsidy_share_lowers_the_capex_flow_and_is_taxed(tiny):
    """A 20 % subsidy on a 100 000 saver built 2025 with tax 25 %: -20 000 then +5 000 of
    tax on it, in 2025."""
    plan = solve_raw(tiny(measure=[_saver(capex_cny=100_000.0, subsidy_share=0.2)],
                          tax={"income_tax_rate": 0.25},
                          credit=[{"id": "ccer", "price_cny_per_t": 1.0}]))
    assert _saver_built(plan) == [2025]
    parts = plan.accounts.cash_parts_cny_f
    assert parts["subsidy"][0] == pytest.approx(-20_000.0)
    assert parts["subsidy_tax"][0] == pytest.approx(5_000.0)


# --------------------------------------------------------------------------- keys

@pytest.mark.parametrize(("section", "key"), [
    ({"tax": {"income_tax_rate": 25.0}}, "tax.income_tax_rate"),
    ({"loan": {"share": 0.5, "rate": 0.04, "tenor_years": 3, "grace_years": 3}},
     "loan.grace_years"),
    ({"measure": [_saver(emc_share=0.5)]}, 'measure[1 "saver"].emc_share'),
    ({"measure": [_saver(tax_credit=True)]}, 'measure[1 "saver"].tax_credit'),
])
def test_contradictory_money_keys_are_named_with_a_fix(tiny, section, key):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(tiny(**section), "tiny.toml")
    assert key in str(err.value)


@pytest.mark.parametrize("stem", ["auto_parts_sichuan", "electronics_jiangsu", "food_zhejiang"])
def test_the_examples_tax_and_loan_comment_names_valid_keys_and_values(stem):
    """The comment at the end of each example lists [tax] and [loan] keys with values:
    added to the example, they validate (so the comment cannot drift from the schema)."""
    import tomllib

    from tests.conftest import REPO

    path = REPO / "scenarios" / f"{stem}.toml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("# Money after tax and financing"):]
    tables: dict[str, dict[str, float]] = {}
    table = ""
    for line in block.splitlines():
        m = re.match(r"#\s+(?:\[(\w+)\])?\s*(\w+) ([\d.]+) \(", line)
        if m:
            table = m.group(1) or table
            key, value = m.group(2), float(m.group(3))
            tables.setdefault(table, {})[key] = (int(value) if key.endswith(("year", "years"))
                                                 else value)
    assert set(tables) == {"tax", "loan"}
    sf = parse_scenario(tomllib.loads(text) | tables, path)
    assert sf.scenario.tax is not None and sf.scenario.tax.income_tax_rate == 0.25
    assert sf.scenario.loan is not None and sf.scenario.loan.rate == 0.035
    assert sf.scenario.tax.expensing_max_cny == 5e6 and sf.scenario.loan.tenor_years == 5


# --------------------------------------------------------------------------- carry-forward

def test_special_equipment_credit_carried_forward_when_profit_is_too_small():
    """A 300 000 credit earned in year 0 by a firm with 100 000 of taxable income a year
    (tax 25 000) for 4 years, then 1 000 000: it takes 25 000 a year for 4 years
    (100 000), the remaining 200 000 in year 4 (tax 250 000: 50 000 paid), then nothing."""
    from models.money import tax_ledger

    income = np.array([1e5, 1e5, 1e5, 1e5, 1e6, 1e6, 1e6])
    credit = np.array([3e5, 0, 0, 0, 0, 0, 0])
    led = tax_ledger(np.full(7, 0.25), income, credit)
    np.testing.assert_allclose(led.credit_used_cny_y, [25e3, 25e3, 25e3, 25e3, 2e5, 0, 0])
    np.testing.assert_allclose(led.tax_paid_cny_y, [0, 0, 0, 0, 5e4, 2.5e5, 2.5e5])
    np.testing.assert_allclose(led.credit_carried_cny_y, [275e3, 25e4, 225e3, 2e5, 0, 0, 0])
    assert not led.credit_expired_cny_y.any()


def test_credit_and_loss_expire_after_five_years():
    """Credit 300 000 of year 0, tax 25 000 a year: usable in years 0..5 (6 x 25 000 =
    150 000), 150 000 expires at the end of year 5. A loss of 700 000 in year 0 offsets
    100 000 of income in each of years 1..5; 200 000 expires at the end of year 5."""
    from models.money import tax_ledger

    led = tax_ledger(np.full(8, 0.25), np.full(8, 1e5), np.array([3e5] + [0.0] * 7))
    np.testing.assert_allclose(led.credit_used_cny_y, [25e3] * 6 + [0, 0])
    assert led.credit_expired_cny_y[5] == pytest.approx(15e4)
    np.testing.assert_allclose(led.tax_paid_cny_y, [0] * 6 + [25e3, 25e3])
    loss = tax_ledger(np.full(8, 0.25), np.array([-7e5] + [1e5] * 7), np.zeros(8))
    np.testing.assert_allclose(loss.loss_used_cny_y, [0] + [1e5] * 5 + [0, 0])
    assert loss.loss_expired_cny_y[5] == pytest.approx(2e5)
    np.testing.assert_allclose(loss.tax_paid_cny_y, [0] * 6 + [25e3, 25e3])


def test_tax_ledger_of_a_plan_whose_expensing_makes_a_loss(tiny):
    """The 200 000 saver built and expensed in 2025, tax 25 %, the firm's taxable profit
    100 000 a year. 2025: deductions 200 000 - 64 000 (gas saved; no credits needed in
    2025) = 136 000 -> taxable -36 000, a loss carried; the optimisation assumed a tax of
    -9 000. 2026: deductions -64 000 + 1 CNY/t x credits (1 061 - 44.88 - 0.75 x 1 061 =
    220.37 t) -> taxable 163 779.63, 36 000 of loss used: tax 31 944.91 paid against
    40 944.91 assumed. Carry-forward cost: +9 000 then -9 000: NPV 9 000 (1 - 1/1.05)."""
    plan = solve_raw(tiny(measure=[_saver(capex_cny=200_000.0)],
                          tax={"income_tax_rate": 0.25, "expensing_max_cny": 5e6,
                               "taxable_profit_cny": 1e5},
                          credit=[{"id": "ccer", "price_cny_per_t": 1.0}]))
    assert _saver_built(plan) == [2025]
    led = plan.tax_ledger.set_index("year")
    credits_2026 = GAS_T - SAVE_T + GRID_T - _allowed(1)
    assert led.loc[2025, "taxable_income_cny"] == pytest.approx(-36_000.0, rel=1e-9)
    assert led.loc[2026, "taxable_income_cny"] == pytest.approx(
        1e5 + SAVE_CNY - credits_2026, rel=1e-9)
    assert led.loc[2026, "loss_used_cny"] == pytest.approx(36_000.0, rel=1e-9)
    np.testing.assert_allclose(led["carry_forward_cost_cny"].to_numpy()[:2], [9000.0, -9000.0],
                               rtol=1e-9)
    assert not led["carry_forward_cost_cny"].to_numpy()[2:].any()
    assert plan.summary["tax_carry_forward_npv_cny"] == pytest.approx(9000 * (1 - 1 / 1.05),
                                                                      rel=1e-9)


# --------------------------------------------------------------------------- nominal and real

def test_nominal_real_round_trip_a_loan_at_the_nominal_rate_costs_what_cash_costs(tiny):
    """Inflation 2 %, real rate 5 %: a loan at the nominal rate 1.05 x 1.02 - 1 = 7.1 %
    has instalments whose real value at 5 % is the sum borrowed, so the plan's NPV is
    the cash plan's. The nominal cash costs divided by the price level 1.02^t are the
    real ones, and discounted at (1.05 x 1.02)^-t they give the same NPV."""
    raw = {"measure": [_saver(capex_cny=100_000.0)],
           "credit": [{"id": "ccer", "price_cny_per_t": 1.0}]}
    cash = solve_raw(tiny(**raw))
    inflation = tiny(**raw, loan={"share": 0.6, "rate": 1.05 * 1.02 - 1, "tenor_years": 3})
    inflation["scenario"]["inflation_rate"] = 0.02
    loan = solve_raw(inflation)
    assert _saver_built(loan) == _saver_built(cash) == [2025]
    assert loan.summary["npv_plan_cny"] == pytest.approx(cash.summary["npv_plan_cny"],
                                                         rel=1e-9)
    table = loan.cash_parts
    level = 1.02 ** np.arange(6.0)
    np.testing.assert_allclose(table["price_index"], level, rtol=1e-12)
    np.testing.assert_allclose(table["cash_cost_nominal_cny"] / level, table["cash_cost_cny"],
                               rtol=1e-12)
    nominal_npv = float((table["cash_cost_nominal_cny"] * (1.05 * 1.02) ** -np.arange(6.0)
                         ).sum())
    assert nominal_npv == pytest.approx(loan.summary["npv_plan_cny"], rel=1e-12)
    # The first instalment, fixed in 2025 CNY: 60 000 x annuity(7.1 %, 3) nominal, worth
    # 1/1.02 of that in base-year money.
    i_n = 1.05 * 1.02 - 1
    pay = 60_000.0 * i_n / (1 - (1 + i_n) ** -3)
    first = table["loan_principal_cny"][1] + table["loan_interest_cny"][1]
    assert first == pytest.approx(pay / 1.02, rel=1e-12)


def test_inflation_erodes_the_depreciation_shield(tiny):
    """Tax 25 %, machinery over 10 years, 100 000 built 2025, inflation 3 %: the shield of
    year t is 0.25 x 10 000 / 1.03^t in base-year money; at the end the basis left
    (1/2, nominal 2025 CNY) is worth 0.5 / 1.03^5 of the capex: end flow
    -(0 - 0.25 (0 - 0.5 / 1.03^5)) x 100 000."""
    raw = tiny(measure=[_saver(capex_cny=100_000.0)], tax={"income_tax_rate": 0.25},
               credit=[{"id": "ccer", "price_cny_per_t": 1.0}])
    raw["scenario"]["inflation_rate"] = 0.03
    plan = solve_raw(raw)
    assert _saver_built(plan) == [2025]
    table = plan.cash_parts
    np.testing.assert_allclose(table["depreciation_tax_shield_cny"][:5],
                               -2500.0 / 1.03 ** np.arange(5.0), rtol=1e-12)
    assert table["salvage_after_tax_cny"][5] == pytest.approx(
        -0.25 * 0.5 / 1.03 ** 5 * 100_000.0, rel=1e-12)


# --------------------------------------------------------------------------- baselines

def test_purchases_only_baseline_by_hand(tiny):
    """Compliance by purchases alone on the tiny plant: nothing built, credits at
    100 CNY/t cover what the linear line leaves, max(0, 1 061 - allowed_t); with tax
    25 % each year's costs count 0.75. Its NPV less the plan's is what the saver earns
    beyond buying compliance. With credits capped at 100 t a year purchases alone cannot
    comply: null."""
    tax = 0.25
    plan = solve_raw(tiny(measure=[_saver(capex_cny=100_000.0)], tax={"income_tax_rate": tax},
                          credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))
    hand = sum(DF[t] * (1 - tax) * (ENERGY_CNY + FUEL_CNY + 100.0 * (BASE_T - _allowed(t)))
               for t in range(5))
    assert plan.summary["npv_purchases_only_cny"] == pytest.approx(hand, rel=1e-8)
    assert plan.summary["npv_savings_vs_purchases_cny"] == pytest.approx(
        hand - plan.summary["npv_plan_cny"], rel=1e-8)
    assert plan.summary["npv_savings_vs_purchases_cny"] > 0
    capped = solve_raw(tiny(
        measure=[_saver(capex_cny=100_000.0, fuel_saving_share={"natural_gas": 1.0})],
        credit=[{"id": "ccer", "price_cny_per_t": 100.0, "max_t_per_year": 600.0}]))
    assert capped.summary["npv_purchases_only_cny"] is None
    assert capped.summary["npv_savings_vs_purchases_cny"] is None


def _irr_by_bisection(flows: list[float]) -> float:
    """The rate at which the NPV of ``flows`` (a loss, then gains) is zero, by bisection."""
    lo, hi = 0.0, 10.0
    for _ in range(200):
        mid = (lo + hi) / 2
        npv = sum(f / (1 + mid) ** k for k, f in enumerate(flows))
        lo, hi = (mid, hi) if npv > 0 else (lo, mid)
    return (lo + hi) / 2


def test_irr_and_payback_of_the_plan_against_purchases_alone_by_hand(tiny):
    """The saver (capex 264 000, life 5, pre-tax) against compliance by purchases alone,
    credits at 100 CNY/t covering 1 061 t x t/4 in year t.

    Built in 2025 (its NPV against no build, by hand at 5 %: -200 000 + 68 488 x 3.5460
    = +42 855 in 2025; +32 796 in 2026 with salvage 1/5; less later), it saves 64 000 CNY
    of gas each year and, from 2026 on, 44.88 t x 100 CNY of credits. Incremental flows
    (baseline - plan): 2025: -264 000 + 64 000 = -200 000; 2026-2029: 68 488; end: 0 (no
    salvage: life 5 from 2025). IRR: 200 000 = 68 488 x sum_k (1 + r)^-k, k = 1..4
    (bisection below, ~13.9 %). Cumulative discounted: -200 000, -134 773, -72 653,
    -13 491, +42 854: payback in 2029. NPV of the baseline: sum_t d_t (1 300 000 +
    100 x 1 061 t / 4)."""
    plan = solve_raw(tiny(measure=[_saver(capex_cny=264_000.0)],
                          credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))
    assert _saver_built(plan) == [2025]
    flows = [-200_000.0] + [SAVE_CNY + 100.0 * SAVE_T] * 4 + [0.0]
    s = plan.summary
    np.testing.assert_allclose(plan.cashflow["incremental_vs_purchases_cny"], flows,
                               rtol=1e-9, atol=1e-6)
    assert s["irr_vs_purchases"] == pytest.approx(_irr_by_bisection(flows), rel=1e-9)
    assert 0.13 < s["irr_vs_purchases"] < 0.14
    assert s["irr_vs_purchases_defined"] is True
    assert s["discounted_payback_year_vs_purchases"] == 2029
    hand_npv_purchases = sum(DF[t] * (ENERGY_CNY + FUEL_CNY + 100.0 * BASE_T * t / 4)
                             for t in range(5))
    assert s["npv_purchases_only_cny"] == pytest.approx(hand_npv_purchases, rel=1e-9)
    assert s["npv_savings_vs_purchases_cny"] == pytest.approx(
        sum(DF[k] * f for k, f in enumerate(flows)), rel=1e-9)
    assert s["npv_savings_vs_purchases_cny"] == pytest.approx(
        hand_npv_purchases - s["npv_plan_cny"], rel=1e-9)


def test_no_irr_against_purchases_when_the_plan_saves_from_its_first_year(tiny, tmp_path):
    """Capex 10 000: 2025's flow is -10 000 + 64 000 = +54 000 and every later one
    +68 488, so the flows never change sign: no IRR exists. It is reported as such (null,
    ``irr_vs_purchases_defined`` false, the key figure says why), payback in 2025."""
    from planner.base.i18n import label
    from planner.report.keyfigures import key_figures

    plan = solve_raw(tiny(measure=[_saver(capex_cny=10_000.0)],
                          credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))
    s = plan.summary
    assert plan.cashflow["incremental_vs_purchases_cny"][0] == pytest.approx(54_000.0)
    assert s["irr_vs_purchases"] is None
    assert s["irr_vs_purchases_defined"] is False
    assert s["discounted_payback_year_vs_purchases"] == 2025
    figures = {k.label: k.value for k in key_figures(plan)}
    assert figures[label("kpi.irr_vs_purchases")] == label("kpi.no_irr")
    # Every report writes it (terminal, workbook, HTML) without failing.
    from planner.report.files import write_plan
    from planner.report.terminal import summary_table

    assert summary_table(plan) is not None
    write_plan(plan, tmp_path / "out")
    assert (tmp_path / "out" / "plan.xlsx").exists()


# --------------------------------------------------------------------------- leases

def _lease_share(rate: float, years: int) -> float:
    """Payment per CNY of capex, at the start of each lease year, whose PV at ``rate`` is
    1: sum_{k<years} a (1 + rate)^-k = 1."""
    return 1.0 / sum((1 + rate) ** -k for k in range(years))


def _buy_or_lease_npvs(capex: float, rate: float, tax: float) -> dict[str, float]:
    """Hand NPV of every choice: nothing, the saver bought in year v, or leased from v.

    Bought (machinery, tax life 10): capex at v, depreciation shield -tax x capex / 10 in
    years v..4, at the end the salvage S = v / 5 after tax on its gain over the book value
    B = (v + 5) / 10: -(S - tax (S - B)) capex. Leased 5 years (the asset's life in the
    plan is the lease): payment capex x a in years v..4, deductible, x (1 - tax); no
    capex, depreciation or salvage; the payments of lease years after 2029 pay for
    service after the horizon and are not counted."""
    a = _lease_share(rate, 5)
    out = {"none": _hand_npv(None, 100.0, tax, {})}
    for v in range(5):
        S, B = v / 5, (v + 5) / 10
        flows = {v: capex}
        for t in range(v, 5):
            flows[t] = flows.get(t, 0.0) - tax * capex / 10
        flows[5] = -(S - tax * (S - B)) * capex
        out[f"buy{v}"] = _hand_npv(v, 100.0, tax, flows)
        out[f"lease{v}"] = _hand_npv(v, 100.0, tax,
                                     dict.fromkeys(range(v, 5), capex * a * (1 - tax)))
    return out


@pytest.mark.parametrize(("rate", "chosen"), [(0.06, "lease0"), (0.09, "buy0")])
def test_a_lease_is_chosen_when_its_payments_after_tax_cost_less_than_buying(tiny, rate,
                                                                            chosen):
    """Buy the saver (capex 200 000) or lease it for 5 years at the lessor's ``rate``
    (one group: at most one of the two works). Tax 25 %, credits 100 CNY/t.

    In 2025 (the best year for both, by the hand NPVs of :func:`_buy_or_lease_npvs`):
    capex after tax = 200 000 (1 - 0.025 sum_{t<5} d_t - 0.125 d_5) = 157 682; the
    lease's payments after tax = 200 000 a 0.75 sum_{t<5} d_t with a = 1 / sum_{k<5}
    1.06^-k = 0.22396 (6 %): 152 716 < 157 682, leased; at 9 % a = 0.23586: 160 834 >
    157 682, bought (the lease's deduction comes faster than the 10-year depreciation,
    so it wins above the firm's 5 %, up to ~7.8 %). The planner's NPV equals the hand
    optimum."""
    lease = _saver(id="saver_lease", capex_cny=200_000.0, group="saver",
                   lease={"years": 5, "rate": rate})
    plan = solve_raw(tiny(measure=[_saver(capex_cny=200_000.0, group="saver"), lease],
                          tax={"income_tax_rate": 0.25},
                          credit=[{"id": "ccer", "price_cny_per_t": 100.0}]))
    hand = _buy_or_lease_npvs(200_000.0, rate, 0.25)
    assert min(hand, key=hand.__getitem__) == chosen
    rows = plan.measures.set_index("measure")["build_years"]
    built = {"buy": rows["saver"], "lease": rows["saver_lease"]}
    assert built == ({"buy": "", "lease": "2025"} if chosen == "lease0"
                     else {"buy": "2025", "lease": ""})
    assert plan.summary["npv_plan_cny"] == pytest.approx(hand[chosen], rel=1e-9)
    parts = plan.cash_parts
    if chosen == "lease0":
        pay = 200_000.0 * _lease_share(rate, 5)
        np.testing.assert_allclose(parts["lease_payment_cny"][:5], pay, rtol=1e-12)
        np.testing.assert_allclose(parts["lease_tax_shield_cny"][:5], -0.25 * pay, rtol=1e-12)
        assert parts["capex_cny"].abs().sum() == 0.0
        assert parts["depreciation_tax_shield_cny"].abs().sum() == 0.0


def test_a_lease_longer_than_the_asset_lasts_is_refused(tiny):
    raw = tiny(measure=[_saver(lease={"years": 8, "rate": 0.05})])
    with pytest.raises(ScenarioError, match=r"lease\.years"):
        solve_raw(raw)
    raw = tiny(measure=[_saver(lease={"years": 5, "rate": 0.05}, subsidy_share=0.2)])
    with pytest.raises(ScenarioError, match="subsidy_share"):
        solve_raw(raw)


# --------------------------------------------------------------------------- nominal inputs

def test_nominal_prices_equal_the_real_plan_with_prices_deflated_by_hand(tiny):
    """Inflation 3 %, prices stated in money of each year (``price_basis = "nominal"``):
    grid 0.5 CNY/kWh, gas 80 CNY/GJ, the saver's capex 200 000, credits 100 CNY/t, all
    flat in nominal terms. In base-year prices year t's value is v / 1.03^t: the same
    scenario with those deflated tables, stated real, must give the same plan and NPV;
    and the inputs hold the deflated prices (gas in 2027: 80 / 1.03^2 = 75.407)."""
    sections = {"measure": [_saver(capex_cny=200_000.0)], "tax": {"income_tax_rate": 0.25},
                    "credit": [{"id": "ccer", "price_cny_per_t": 100.0}]}
    nominal = tiny(**sections)
    nominal["scenario"].update(inflation_rate=0.03, price_basis="nominal")

    def deflated(v: float) -> dict[str, float]:
        return {str(2025 + t): v / 1.03 ** t for t in range(5)}

    real = tiny(**sections)
    real["scenario"]["inflation_rate"] = 0.03
    real["grid"]["price_cny_per_kwh"] = deflated(0.5)
    real["fuels"]["natural_gas"]["price_cny_per_gj"] = deflated(80.0)
    real["measure"][0]["capex_cny"] = deflated(200_000.0)
    real["credit"][0]["price_cny_per_t"] = deflated(100.0)
    a, b = solve_raw(nominal), solve_raw(real)
    assert a.inputs.fuel_price_cny_per_gj_fy[0, 2] == pytest.approx(80.0 / 1.03 ** 2, rel=1e-14)
    np.testing.assert_allclose(a.inputs.measures.capex_cny_my[0],
                               [200_000.0 / 1.03 ** t for t in range(5)], rtol=1e-14)
    assert a.summary["npv_plan_cny"] == pytest.approx(b.summary["npv_plan_cny"], rel=1e-12)
    assert _saver_built(a) == _saver_built(b) and _saver_built(a)
    np.testing.assert_allclose(a.cash_parts["cash_cost_cny"], b.cash_parts["cash_cost_cny"],
                               rtol=1e-12)
    assert a.summary["money_price_basis"] == "nominal"
    assert b.summary["money_price_basis"] == "real"
    # Stated real (the default), the same flat numbers are base-year prices: another plan.
    same_numbers = tiny(**sections)
    same_numbers["scenario"]["inflation_rate"] = 0.03
    other = solve_raw(same_numbers)
    assert other.summary["npv_plan_cny"] > a.summary["npv_plan_cny"] * 1.01


# --------------------------------------------------------------------------- assets as they age

def test_a_fading_battery_is_replaced_in_the_year_its_fade_crosses_the_threshold(tiny):
    """Arbitrage pays (valley 0.15, peak 0.75 CNY/kWh, 150 CNY/kWh capex). Fade 10 %/yr,
    retired below 75 %: 1, 0.9, 0.81, then 0.729 -- a vintage works 3 years, so the 2025
    battery is gone after 2027 and a new one is built in 2028. The usable energy the
    hourly dispatch sees is each vintage faded by its age."""
    raw = tiny(grid={"price_cny_per_kwh": 0.5, "ef_t_per_mwh": 0.5, "periods": [
                   {"name": "valley", "hours": list(range(8)), "multiplier": 0.3},
                   {"name": "peak", "hours": list(range(8, 24)), "multiplier": 1.5}]},
               battery={"energy_capex_cny_per_kwh": 150.0, "lifetime_years": 4,
                        "max_kwh": 1000.0, "fade_per_year": 0.1, "replace_below_share": 0.75},
               credit=[{"id": "ccer", "price_cny_per_t": 100.0}])
    d = solve_raw(raw).solution.decisions
    new = d.battery_new_kwh_y
    assert new[0] > 0 and new[3] > 0          # built 2025, replaced 2028
    usable = [new[0], 0.9 * new[0] + new[1], 0.81 * new[0] + 0.9 * new[1] + new[2],
              0.81 * new[1] + 0.9 * new[2] + new[3], 0.81 * new[2] + 0.9 * new[3] + new[4]]
    np.testing.assert_allclose(d.battery_kwh_y, usable, rtol=1e-9, atol=1e-6)


def test_annuity_after_grace_by_hand():
    """4 years, 1 of grace, 5 %: interest 0.05 in year 1, then 3 equal payments
    A = 0.05 / (1 - 1.05^-3) = 0.367209 (numpy-financial's pmt over 3 periods)."""
    principal, interest = loan_schedule(0.05, 4, 1, "annuity")
    assert interest[0] == pytest.approx(0.05) and principal[0] == 0.0
    np.testing.assert_allclose(principal[1:] + interest[1:], [-npf.pmt(0.05, 3, 1.0)] * 3,
                               rtol=1e-12)
    assert principal.sum() == pytest.approx(1.0, rel=1e-12)
