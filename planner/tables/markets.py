"""The carbon-market data shipped with carbonpath: ETS gases and CCER limit, CBAM schedules.

Reads ``planner/data/carbon_markets.toml`` (sources and marks in ``docs/sources.md``
sections M and N). Only data: the scenario's ``[ets]`` and ``[cbam]`` keys are turned
into arrays by ``planner.inputs.build``, the costs are defined in ``models.terms``.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CBAM_GOODS", "ETS_SECTORS", "CbamGood", "MarketDefaults", "market_defaults"]

#: Sectors of the national ETS with their own covered gases (``[ets] sector``).
ETS_SECTORS = ("steel", "cement", "aluminium", "other")
#: CBAM goods (``[cbam] good``).
CBAM_GOODS = ("iron_steel", "aluminium", "cement", "fertiliser", "hydrogen")


@dataclass(frozen=True)
class CbamGood:
    """A CBAM good's rules: gases counted, and whether indirect emissions are priced."""

    gases: tuple[str, ...]
    indirect: bool


@dataclass(frozen=True)
class MarketDefaults:
    """The shipped defaults (``planner/data/carbon_markets.toml``) with their marks.

    Attributes
    ----------
    ccer_max_share : float
        CCER at most this share of the allowances surrendered [-] (S).
    ets_gases : dict
        Sector -> canonical ids of the covered gases (S).
    cbam_start_year : int
        First year of CBAM obligations.
    cbam_factor, cbam_default_markup, cbam_default_markup_fertiliser : dict
        Series ``{year: value}``: CBAM factor (share of the benchmark still free) and
        the mark-up on default values [-] (S).
    cbam_price_eur_per_t : float
        Certificate price held flat [EUR/t] (Q1 2026 S, later years U).
    goods : dict
        Good -> :class:`CbamGood`.
    benchmarks : dict
        Name -> (value [t CO2e/t], mark, source).
    marks : dict
        Key -> "mark: source" of each default, for the reports' assumption notes.
    """

    ccer_max_share: float
    ets_gases: dict[str, tuple[str, ...]]
    cbam_start_year: int
    cbam_factor: dict[str, float]
    cbam_default_markup: dict[str, float]
    cbam_default_markup_fertiliser: dict[str, float]
    cbam_price_eur_per_t: float
    goods: dict[str, CbamGood]
    benchmarks: dict[str, tuple[float, str, str]]
    marks: dict[str, str]


@functools.lru_cache(maxsize=1)
def market_defaults() -> MarketDefaults:
    """The shipped ETS and CBAM defaults (read once)."""
    # Next to this module, as planner.tables.tariffs reads its presets (editable installs).
    text = (Path(__file__).parents[1] / "data" / "carbon_markets.toml").read_text(encoding="utf-8")
    raw: dict[str, Any] = tomllib.loads(text)
    ets, cbam = raw["ets"], raw["cbam"]
    marks = {
        "ets.ccer_max_share": f"{ets['ccer_max_share_mark']}: {ets['ccer_max_share_source']}",
        "ets.gases": f"{ets['gases_mark']}: {ets['gases_source']}",
        "cbam.factor": f"{cbam['factor_mark']}: {cbam['factor_source']}",
        "cbam.default_markup": f"{cbam['default_markup_mark']}: {cbam['default_markup_source']}",
        "cbam.price_eur_per_t": f"{cbam['price_mark']}: {cbam['price_source']}",
    }
    return MarketDefaults(
        ccer_max_share=float(ets["ccer_max_share"]),
        ets_gases={k: tuple(v) for k, v in ets["gases"].items()},
        cbam_start_year=int(cbam["start_year"]),
        cbam_factor={str(k): float(v) for k, v in cbam["factor"].items()},
        cbam_default_markup={str(k): float(v) for k, v in cbam["default_markup"].items()},
        cbam_default_markup_fertiliser={str(k): float(v) for k, v in
                                        cbam["default_markup_fertiliser"].items()},
        cbam_price_eur_per_t=float(cbam["price_eur_per_t"]),
        goods={k: CbamGood(tuple(v["gases"]), bool(v["indirect"]))
               for k, v in cbam["goods"].items()},
        benchmarks={k: (float(v["value"]), str(v["mark"]), str(v["source"]))
                    for k, v in cbam["benchmarks"].items()},
        marks=marks,
    )
