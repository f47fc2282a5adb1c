"""The scenario file's schema: typed, frozen, no unknown keys.

One pydantic model per TOML table. Every quantity carries its unit in its key
(``_cny``, ``_kw``, ``_kwh``, ``_mwh``, ``_gj``, ``_t``, ``_kg``, ``_years``,
``_share`` for a fraction 0..1). Values that change over time are *series*: a
number, or a table of years (see :mod:`planner.base.series`). ``docs/scenario.md``
documents every key (a test checks that every field here appears there).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator

from planner.base.series import parse_year_key

__all__ = [
    "PATHWAYS",
    "PV",
    "Battery",
    "Budget",
    "Carbon",
    "Cbam",
    "Certificates",
    "Credit",
    "Demand",
    "Ets",
    "FuelSpec",
    "GreenPower",
    "Grid",
    "Loan",
    "Measure",
    "Meta",
    "Process",
    "Production",
    "Removal",
    "Scenario",
    "Site",
    "SolverSettings",
    "Sweep",
    "Switch",
    "Target",
    "Tax",
    "TouPeriodIn",
    "TwoPart",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


#: Magnitudes below this are read as 0 (docs/scenario.md, "Numbers").
TINY = 1e-12


def _finite(v: float) -> float:
    if isinstance(v, bool):
        raise ValueError("expected a number, found true/false")
    if not math.isfinite(v):
        raise ValueError(f"expected a finite number, found {v}")
    if abs(v) < TINY:
        # Far below the precision of any plan total (1e-16 x ~1e7 CNY), and such magnitudes
        # (a carbon price of 1e-298 CNY/t) have crashed HiGHS inside its scaling.
        return 0.0
    return float(v)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _series(v: object) -> float | dict[str, float]:
    """A number >= 0, or a non-empty table of year -> number >= 0.

    Every series in a scenario is a price, a cost, a factor or a limit, so none
    may be negative.
    """
    if isinstance(v, dict):
        if not v:
            raise ValueError("expected a number or a table of years, found an empty table")
        out: dict[str, float] = {}
        for k, x in v.items():
            try:
                year = parse_year_key(k)
            except ValueError:
                raise ValueError(f"key '{k}' is not a year (write e.g. 2030 = 1.0)") from None
            if not 1990 <= year <= 2200:
                raise ValueError(f"year {year} is outside 1990-2200 (a typo?)")
            if not _is_number(x):
                raise ValueError(f"value for {k} must be a number, found {x!r}")
            out[str(year)] = _nonneg(_finite(float(x)), f"value for {k}")
        return out
    if not _is_number(v):
        raise ValueError(
            f"expected a number or a table of years like {{2025 = 1.0, 2030 = 0.8}}, found {v!r}")
    return _nonneg(_finite(float(v)), "value")


def _nonneg(x: float, what: str) -> float:
    if x < 0:
        raise ValueError(f"{what} must be >= 0, found {x:g}")
    return x


#: Bidirectional embedding, override and isolate controls: they make text display in
#: another order than it is stored ("Trojan Source"), so an id could read as another.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _clean_text(v: str) -> str:
    """Free text (names, descriptions): no control or bidi-override characters."""
    for ch in v:
        if ch in _BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"):
            raise ValueError(f"contains the invisible control character U+{ord(ch):04X}; "
                             "retype the text without it")
    return v


def _clean_id(v: str) -> str:
    """An id: NFC-normalised (so that look-alike spellings are one id), no control,
    format (zero-width, bidi) or line-break characters."""
    v = unicodedata.normalize("NFC", v)
    for ch in v:
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            raise ValueError(f"contains the invisible character U+{ord(ch):04X}; "
                             "retype the id without it")
    return v


Text = Annotated[str, AfterValidator(_clean_text)]
Ident = Annotated[str, Field(min_length=1), AfterValidator(_clean_id)]
Num = Annotated[float, AfterValidator(_finite)]
NonNeg = Annotated[float, AfterValidator(_finite), Field(ge=0)]
Share = Annotated[float, AfterValidator(_finite), Field(ge=0, le=1)]
Positive = Annotated[float, AfterValidator(_finite), Field(gt=0)]
Year = Annotated[int, Field(ge=1990, le=2200)]
Series = Annotated[float | dict[str, float], PlainValidator(_series)]

#: The levers' families: energy efficiency first, then the five pathways of the
#: zero-carbon factory guidance (seed article): high-GWP gas replacement, on-site
#: renewables, low-carbon fuels and electrification, carbon removal, credits.
PATHWAYS = ("efficiency", "process-gas", "renewables", "fuel-switch", "removal", "other")


class Meta(_Strict):
    """``[scenario]``: name, horizon and money conventions."""

    name: Text
    description: Text = ""
    currency: Literal["CNY"] = "CNY"
    base_year: Year
    end_year: Year
    discount_rate: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=1)] = 0.06
    inflation_rate: Series = 0.0
    #: Money series of the file in base-year prices ("real") or in money of each year
    #: ("nominal", converted to real with ``inflation_rate``; docs/method.md, Money).
    price_basis: Literal["real", "nominal"] = "real"
    standard: str | None = None
    gwp_set: Literal["AR4", "AR5", "AR6"] = "AR6"
    fuel_ef_table: Literal["ipcc-2006", "china-default"] = "ipcc-2006"
    combustion_ch4_n2o: bool = True


class Site(_Strict):
    """``[site]``: location and roof."""

    latitude: Annotated[float, AfterValidator(_finite), Field(ge=-90, le=90)]
    longitude: Annotated[float, AfterValidator(_finite), Field(ge=-180, le=180)]
    timezone: str = "Asia/Shanghai"
    province: str | None = None
    roof_area_m2: NonNeg | None = None
    roof_m2_per_kw: Positive = 10.0


class Demand(_Strict):
    """``[demand]``: base-year demand of the plant."""

    electricity_mwh: Positive | None = None
    profile: str = "two_shift"
    profile_csv: str | None = None
    hvac_swing: Annotated[float, AfterValidator(_finite), Field(ge=0, le=2)] = 0.0
    growth_per_year: Annotated[float, AfterValidator(_finite), Field(gt=-0.5, lt=0.5)] = 0.0
    fuels_gj: dict[str, NonNeg] = Field(default_factory=dict)


class Process(_Strict):
    """``[process]``: fugitive and process emissions in the base year."""

    gases_kg: dict[str, NonNeg] = Field(default_factory=dict)
    co2_t: NonNeg = 0.0


class TouPeriodIn(_Strict):
    """``[[grid.periods]]``: one time-of-use period."""

    name: Text
    hours: list[Annotated[int, Field(ge=0, le=23)]]
    multiplier: NonNeg
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=lambda: list(range(1, 13)))
    from_year: Year | None = None
    from_month: Annotated[int, Field(ge=1, le=12)] = 1
    until_year: Year | None = None
    until_month: Annotated[int, Field(ge=1, le=12)] = 12


TariffComponent = Literal["energy", "transmission", "system_operation", "funds"]

#: How the two-part tariff's basic charge is billed: on the monthly maximum demand
#: (per kW), on the transformer capacity (per kVA), or whichever makes the plan cheaper.
BasicChargeBasis = Literal["demand", "capacity", "cheaper"]


class TwoPart(_Strict):
    """``[grid.two_part]``: the basic charge of a two-part tariff (两部制电价)."""

    basis: BasicChargeBasis = "demand"
    demand_cny_per_kw_month: Series | None = None
    capacity_cny_per_kva_month: Series | None = None
    transformer_kva: Positive | None = None
    contract_demand_kw: Positive | None = None
    contract_excess_threshold_share: Annotated[float, AfterValidator(_finite),
                                               Field(ge=1, le=2)] = 1.05
    contract_excess_multiplier: Annotated[float, AfterValidator(_finite),
                                          Field(ge=1, le=10)] = 2.0


class Grid(_Strict):
    """``[grid]``: tariff, export and emission factor."""

    price_cny_per_kwh: Series
    # Flat per-kWh bill components (they do not float with the time of use unless
    # listed in floating_components). Per-kW / per-kVA charges belong next to them.
    transmission_cny_per_kwh: Series = 0.0
    system_operation_cny_per_kwh: Series = 0.0
    funds_cny_per_kwh: Series = 0.0
    floating_components: list[TariffComponent] | None = None
    tou_preset: str | None = None
    periods: list[TouPeriodIn] = Field(default_factory=list)
    export_price_cny_per_kwh: Series = 0.0
    export_limit_kw: NonNeg | None = None
    ef_t_per_mwh: Series | None = None
    region: str | None = None
    residual_ef_t_per_mwh: Series | None = None
    two_part: TwoPart | None = None


class FuelSpec(_Strict):
    """``[fuels.<id>]``: price of a fuel and, optionally, its emission factor."""

    price_cny_per_gj: Series
    ef_t_per_gj: NonNeg | None = None


class Carbon(_Strict):
    """``[carbon]``: carbon price and whether the plant pays it."""

    price_cny_per_t: Series = 0.0
    covered: bool = False
    scopes: list[Literal["scope1", "scope2"]] = Field(default_factory=lambda: ["scope1"])


class Target(_Strict):
    """``[target]``: the trajectory to net zero."""

    net_zero_year: Year
    trajectory: Literal["linear", "table"] = "linear"
    allowed_share: dict[str, Share] | None = None
    max_credit_share: Share = 0.1
    #: Scope-2 basis of the target (base-year emissions, the yearly net it caps, the credit
    #: cap): unset = the standard's ``boundary.scope2_method`` (market without a standard).
    scope2_basis: Literal["market", "location"] | None = None


#: Tax depreciation classes of the Enterprise Income Tax Law implementation rules, art. 60
#: (minimum lives in planner.inputs.build.TAX_LIFE_YEARS).
TaxAssetClass = Literal["building", "machinery", "tools", "vehicle", "electronics"]


class Tax(_Strict):
    """``[tax]``: corporate income tax, depreciation and the special-equipment credit."""

    income_tax_rate: Series
    special_equipment_credit_share: Share = 0.10
    expensing_max_cny: NonNeg = 0.0
    expensing_until_year: Year = 2027
    subsidy_taxable: bool = True
    taxable_profit_cny: Series | None = None


class Loan(_Strict):
    """``[loan]``: a share of every capex financed by a loan."""

    share: Share
    rate: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=1)]
    tenor_years: Annotated[int, Field(ge=1, le=50)]
    grace_years: Annotated[int, Field(ge=0, le=49)] = 0
    repayment: Literal["annuity", "equal-principal"] = "annuity"


class Lease(_Strict):
    """``lease = { years = .., rate = .. }`` on a measure, ``[pv]`` or ``[battery]``: an
    operating lease instead of buying (docs/method.md, Money)."""

    years: Annotated[int, Field(ge=1, le=50)]
    #: The lessor's rate: the yearly payment, due at the start of each lease year, is the
    #: capex x rate / (1 - (1 + rate)^-years) / (1 + rate) (capex / years at 0) [-].
    rate: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=1)]


class Switch(_Strict):
    """``[[measure.switch]]``: a share of one fuel's use replaced by another carrier."""

    from_fuel: str
    share: Share
    efficiency_from: Annotated[float, AfterValidator(_finite), Field(gt=0, le=1.5)] = 0.9
    to: str = "electricity"
    efficiency_to: Annotated[float, AfterValidator(_finite), Field(gt=0, le=10)] = 1.0
    profile: str = "flat"


class Measure(_Strict):
    """``[[measure]]``: one candidate discrete measure (built whole, or not)."""

    id: Ident
    name: Text = ""
    pathway: Literal["efficiency", "process-gas", "renewables", "fuel-switch", "removal",
                     "other"]
    capex_cny: Series
    fixed_opex_cny_per_year: NonNeg = 0.0
    lifetime_years: Annotated[int, Field(ge=1, le=100)]
    earliest_year: Year | None = None
    latest_year: Year | None = None
    group: Annotated[str, AfterValidator(_clean_id)] | None = None
    electricity_saving_share: Share = 0.0
    fuel_saving_share: dict[str, Share] = Field(default_factory=dict)
    switch: list[Switch] = Field(default_factory=list)
    gas_cut_share: dict[str, Share] = Field(default_factory=dict)
    process_co2_cut_share: Share = 0.0
    source: Text = ""
    tax_asset_class: TaxAssetClass = "machinery"
    tax_credit: bool = False
    subsidy_share: Share = 0.0
    subsidy_years: Annotated[int, Field(ge=1, le=50)] = 1
    subsidy_cny: NonNeg = 0.0
    emc_share: Share = 0.0
    emc_years: Annotated[int, Field(ge=0, le=100)] = 0
    emc_savings_cny_per_year: NonNeg = 0.0
    lease: Lease | None = None


class PV(_Strict):
    """``[pv]``: rooftop PV as a continuous lever, built in yearly vintages."""

    capex_cny_per_kw: Series
    fixed_om_cny_per_kw_year: NonNeg = 0.0
    lifetime_years: Annotated[int, Field(ge=1, le=60)] = 25
    degradation_per_year: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=0.2)] = 0.005
    max_kw: NonNeg | None = None
    earliest_year: Year | None = None
    tilt_deg: Annotated[float, AfterValidator(_finite), Field(ge=0, le=90)] = 20.0
    azimuth_deg: Annotated[float, AfterValidator(_finite), Field(ge=0, le=360)] = 180.0
    mean_clear_sky_index: Annotated[float, AfterValidator(_finite), Field(gt=0, le=1)] = 0.6
    annual_yield_kwh_per_kwp: Positive | None = None
    system_loss_fraction: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=1)] = 0.14
    seed: int = 0
    profile_csv: str | None = None
    incentive_cny_per_kwh: Series = 0.0
    tax_asset_class: TaxAssetClass = "machinery"
    tax_credit: bool = False
    subsidy_share: Share = 0.0
    subsidy_years: Annotated[int, Field(ge=1, le=50)] = 1
    lease: Lease | None = None


class Battery(_Strict):
    """``[battery]``: stationary battery, energy and power sized separately."""

    energy_capex_cny_per_kwh: Series
    power_capex_cny_per_kw: Series = 0.0
    fixed_om_cny_per_kwh_year: NonNeg = 0.0
    round_trip_efficiency: Annotated[float, AfterValidator(_finite), Field(gt=0, le=1)] = 0.88
    lifetime_years: Annotated[int, Field(ge=1, le=40)] = 12
    fade_per_year: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=0.5)] = 0.0
    replace_below_share: Share = 0.0
    max_kwh: NonNeg | None = None
    min_duration_h: Positive = 1.0
    max_duration_h: Positive = 4.0
    earliest_year: Year | None = None
    tax_asset_class: TaxAssetClass = "machinery"
    tax_credit: bool = False
    subsidy_share: Share = 0.0
    subsidy_years: Annotated[int, Field(ge=1, le=50)] = 1
    lease: Lease | None = None


class Certificates(_Strict):
    """``[certificates]``: green electricity certificates (GEC, 1 per MWh)."""

    price_cny_per_mwh: Series
    max_share: Share = 1.0
    max_mwh_per_year: Series | None = None
    earliest_year: Year | None = None


class GreenPower(_Strict):
    """``[[green_power]]``: a green-power purchase contract (绿电交易, PPA) with bundled GECs.

    The energy is delivered through the grid and settled like the rest of the grid
    energy (its tariff is in the grid bill); the contract adds its green premium per
    MWh. Contracted MWh lower market-based scope 2 like certificates, never the
    location-based figure.
    """

    id: Ident
    name: Text = ""
    premium_cny_per_mwh: Series
    shape: Literal["as_consumed", "take_or_pay"] = "as_consumed"
    max_mwh_per_year: Series | None = None
    min_mwh_per_year: NonNeg = 0.0
    max_share: Share = 1.0
    start_year: Year | None = None
    term_years: Annotated[int, Field(ge=1, le=100)] | None = None
    source: Text = ""


class Credit(_Strict):
    """``[[credit]]``: a carbon credit that may offset residual emissions."""

    id: Ident
    name: Text = ""
    kind: Literal["avoidance", "removal"] = "avoidance"
    price_cny_per_t: Series
    max_t_per_year: Series | None = None
    earliest_year: Year | None = None
    source: Text = ""


class Removal(_Strict):
    """``[[removal]]``: purchased or contracted carbon removal (e.g. DAC)."""

    id: Ident
    name: Text = ""
    price_cny_per_t: Series
    max_t_per_year: Series | None = None
    permanent: bool = True
    earliest_year: Year | None = None
    source: Text = ""


class Budget(_Strict):
    """``[budget]``: capital spending cap per year."""

    capex_cny_per_year: Series | None = None


class SolverSettings(_Strict):
    """``[solver]``: HiGHS settings and the decomposition's tolerance."""

    mip_rel_gap: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=1)] = 1e-4
    time_limit_s: Positive = 300.0
    threads: Annotated[int, Field(ge=0, le=256)] = 0
    # Off by default: the master is small and re-solved many times; measured faster on every
    # benchmark case (benchmarks/README.md).
    presolve: Literal["choose", "on", "off"] = "off"
    mip_allow_restart: bool = True
    mip_heuristic_effort: Annotated[float, AfterValidator(_finite), Field(ge=0, le=1)] = 0.05
    simplex_strategy: Annotated[int, Field(ge=0, le=4)] = 1
    random_seed: Annotated[int, Field(ge=0)] = 0
    oa_rel_tolerance: Annotated[float, AfterValidator(_finite), Field(gt=0, lt=0.1)] = 1e-6
    max_iterations: Annotated[int, Field(ge=1, le=10000)] = 200
    #: A deterministic work limit: at most this many branch-and-bound nodes in each MILP
    #: solve (HiGHS ``mip_max_nodes``). Unlike ``time_limit_s`` it stops a run at the same
    #: point on every machine and under any load, so the outputs are reproducible.
    node_limit: Annotated[int, Field(ge=1, le=10**9)] | None = None
    #: Budget of the diagnosis of an infeasible target [s] (at most what is left of
    #: ``time_limit_s``); its first answers come first (docs/errors.md).
    diagnosis_time_limit_s: Positive = 20.0


class Sweep(_Strict):
    """``[sweep]``: this scenario's default sweep (``plan sweep``; ignored by ``plan``).

    ``vary`` holds ``--vary`` texts (syntax in ``docs/sweeps.md``); command-line
    flags override every key.
    """

    vary: list[str] = Field(default_factory=list)
    samples: Annotated[int, Field(ge=1, le=1_000_000)] = 100
    grid: Annotated[int, Field(ge=1, le=1000)] | None = None
    seed: Annotated[int, Field(ge=0)] = 0
    first_years: Annotated[int, Field(ge=1, le=80)] = 5


# --------------------------------------------------------------------------- carbon markets
# Production output, the national ETS and the EU CBAM (issue 16). Kept apart so that other
# tables can be added around them without touching these.

class Production(_Strict):
    """``[production]``: what the plant makes; output scales with ``demand.growth_per_year``."""

    base_output: Positive
    unit: Annotated[str, Field(min_length=1, max_length=20), AfterValidator(_clean_text)] = "t"
    product: Text = ""


class Ets(_Strict):
    """``[ets]``: the plant is covered by China's national ETS (compliance per year)."""

    sector: Literal["steel", "cement", "aluminium", "other"]
    gases: list[Ident] | None = None
    allowance_price_cny_per_t: Series
    benchmark_t_per_unit: Series
    allocation_equals_emissions_until: Year | None = None
    ccer_price_cny_per_t: Series | None = None
    ccer_max_share: Share | None = None
    ccer_max_t_per_year: Series | None = None


class Cbam(_Strict):
    """``[cbam]``: part of the output is exported to the EU and meets the CBAM."""

    good: Literal["iron_steel", "aluminium", "cement", "fertiliser", "hydrogen"]
    export_share: Series
    benchmark: Ident | None = None
    benchmark_t_per_unit: Series | None = None
    precursor_t_per_unit: Series = 0.0
    embedded_basis: Literal["actual", "default"] = "actual"
    default_t_per_unit: Series | None = None
    default_markup: Series | None = None
    factor: Series | None = None
    price_eur_per_t: Series | None = None
    cny_per_eur: Series
    deduction_cny_per_t: Series = 0.0


class Scenario(_Strict):
    """A whole scenario file."""

    scenario: Meta
    site: Site
    demand: Demand
    process: Process = Field(default_factory=Process)
    grid: Grid
    fuels: dict[str, FuelSpec] = Field(default_factory=dict)
    carbon: Carbon = Field(default_factory=Carbon)
    target: Target
    measure: list[Measure] = Field(default_factory=list)
    pv: PV | None = None
    battery: Battery | None = None
    certificates: Certificates | None = None
    green_power: list[GreenPower] = Field(default_factory=list)
    credit: list[Credit] = Field(default_factory=list)
    removal: list[Removal] = Field(default_factory=list)
    budget: Budget = Field(default_factory=Budget)
    tax: Tax | None = None
    loan: Loan | None = None
    solver: SolverSettings = Field(default_factory=SolverSettings)
    #: ``[exclusive]``: group name -> measure ids of which at most one works in any
    #: year (the same as giving each of them ``group = NAME``).
    exclusive: dict[Annotated[str, AfterValidator(_clean_id)],
                    list[Annotated[str, AfterValidator(_clean_id)]]] = Field(default_factory=dict)
    sweep: Sweep | None = None
    production: Production | None = None
    ets: Ets | None = None
    cbam: Cbam | None = None
