"""Money as a person reads it: millions of CNY in English, 万元 and 亿元 in Chinese.

Chinese readers count large sums in 万 (10^4) and 亿 (10^8), not in millions. The rule
(docs/reports.md, "Money in Chinese"):

* a single figure (key figures, the summary, the report's sentences) takes the largest
  unit that keeps it at 1 or more, with at least three significant digits:
  below 1 万元 whole 元 (``9,999 元``); 1-10 万元 two decimals (``4.50 万元``), 10-100 万元
  one (``45.3 万元``), 100-10 000 万元 none (``3,450 万元``); from 1 亿元 two decimals
  (``2.06 亿元``, ``1,234.57 亿元``). The unit is chosen after rounding, so 99 999 999 元
  is ``1.00 亿元``, never ``10,000 万元``;
* a table column of money is in one unit for all its rows, 万元 with no decimals (the
  same precision as millions with two decimals), so the rows compare digit by digit.

CSV and JSON files keep plain CNY (they are for programs). ``-0`` is written ``0``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ["column_money", "money_column_unit", "money_text"]

_WAN = 10_000


def _finite(x: Any) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


def money_text(cny: float | None, lang: str = "en") -> str:
    """One sum of money: ``12.35 M¥`` in English, 元/万元/亿元 in Chinese (rule above).

    None and non-finite values are ``—``.
    """
    if not _finite(cny):
        return "—"
    assert cny is not None
    if lang != "zh":
        return f"{cny / 1e6:z,.2f} M¥"
    # Decimal from the shortest repr: 99 950 元 is exactly 9.995 万 and rounds half up to
    # 10.0 万 (binary 9.99499... would give 9.99), as sums are rounded in accounts.
    mag = abs(Decimal(repr(float(cny))))
    sign = "-" if cny < 0 else ""
    yuan = mag.quantize(Decimal(1), ROUND_HALF_UP)
    if yuan < _WAN:
        return f"{sign if yuan else ''}{yuan:,.0f} 元"
    wan = mag.scaleb(-4)
    digits = 2 if wan < 10 else 1 if wan < 100 else 0
    # the unit follows the rounded figure: 9.996 万 -> 10.0 万 needs one decimal fewer
    while digits and _round(wan, digits) >= 10 ** (3 - digits):
        digits -= 1
    if _round(wan, digits) < _WAN:
        return f"{sign}{_round(wan, digits):,.{digits}f} 万元"
    return f"{sign}{_round(mag.scaleb(-8), 2):,.2f} 亿元"


def _round(x: Decimal, digits: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def money_column_unit(lang: str = "en") -> str:
    """The unit of a money column in a table: ``M¥`` or ``万元``."""
    return "万元" if lang == "zh" else "M¥"


def column_money(cny: float, lang: str = "en") -> str:
    """A cell of a money column: millions with two decimals, or 万元 with none."""
    if not _finite(cny):
        return "—"
    if lang == "zh":
        return f"{cny / _WAN:z,.0f}"  # a column: binary rounding is fine at this precision
    return f"{cny / 1e6:z,.2f}"
