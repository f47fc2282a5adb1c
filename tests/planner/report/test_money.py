"""Money in 万元/亿元 for Chinese readers, millions for English ones (planner/report/money.py).

Expected texts are worked out by hand from the rule in docs/reports.md: below 1 万 whole
元; 1-10 万 two decimals, 10-100 万 one, 100-10 000 万 none; from 1 亿 two decimals; the
unit follows the rounded figure."""

from __future__ import annotations

import math

import pytest

from planner.report.keyfigures import format_value
from planner.report.money import column_money, money_column_unit, money_text


@pytest.mark.parametrize(("cny", "zh"), [
    (0.0, "0 元"),
    (-0.0, "0 元"),
    (-0.4, "0 元"),                 # rounds to zero: no "-0"
    (1.0, "1 元"),
    (9_999.0, "9,999 元"),
    (9_999.4, "9,999 元"),
    (9_999.5, "1.00 万元"),         # 10 000 元 after rounding is 1 万
    (10_000.0, "1.00 万元"),
    (45_000.0, "4.50 万元"),
    (99_949.0, "9.99 万元"),
    (99_950.0, "10.0 万元"),        # 9.995 万 -> 10.0: one decimal, three digits
    (453_000.0, "45.3 万元"),
    (999_499.0, "99.9 万元"),
    (999_500.0, "100 万元"),
    (1_234_567.0, "123 万元"),
    (34_500_000.0, "3,450 万元"),   # the brief's example
    (99_994_999.0, "9,999 万元"),
    (99_995_000.0, "1.00 亿元"),    # 10 000 万 after rounding is 1 亿, never "10,000 万元"
    (100_000_000.0, "1.00 亿元"),
    (206_000_000.0, "2.06 亿元"),   # the brief's example
    (205_499_999.0, "2.05 亿元"),
    (123_456_789_012.0, "1,234.57 亿元"),
    (-34_500_000.0, "-3,450 万元"),
    (-206_000_000.0, "-2.06 亿元"),
    (-45_000.0, "-4.50 万元"),
    (-9_999.0, "-9,999 元"),
])
def test_chinese_money(cny, zh):
    assert money_text(cny, "zh") == zh


@pytest.mark.parametrize(("cny", "en"), [
    (0.0, "0.00 M¥"), (-1.0, "0.00 M¥"), (34_500_000.0, "34.50 M¥"),
    (206_000_000.0, "206.00 M¥"), (-1_234_567.0, "-1.23 M¥")])
def test_english_money_stays_in_millions(cny, en):
    assert money_text(cny, "en") == en


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, -math.inf])
def test_undefined_money_is_a_dash(bad):
    assert money_text(bad, "zh") == money_text(bad, "en") == column_money(bad, "zh") == "—"


def test_a_money_column_has_one_unit_for_all_rows():
    assert money_column_unit("zh") == "万元" and money_column_unit("en") == "M¥"
    # 万元 with no decimals: the precision of millions with two
    assert [column_money(x, "zh") for x in (0.0, 4_999.0, 5_001.0, 2_300_000.0,
                                             -34_500_000.0, 206_000_000.0)] == [
        "0", "0", "1", "230", "-3,450", "20,600"]
    assert [column_money(x, "en") for x in (2_300_000.0, -34_500_000.0)] == ["2.30", "-34.50"]


def test_key_figures_use_the_rule():
    assert format_value(206_000_000.0, "CNY", "zh") == "2.06 亿元"
    assert format_value(34_500_000.0, "CNY (2031)", "zh") == "3,450 万元 (2031)"
    assert format_value(34_500_000.0, "CNY (2031)", "en") == "34.50 M¥ (2031)"
    assert format_value(-515.4, "CNY/t", "zh") == "-515 元/t"
    assert format_value(-515.4, "CNY/t", "en") == "-515 ¥/t"
