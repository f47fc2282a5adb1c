"""The data a plan is optimised from: plain arrays, natural units, no files.

``planner.inputs.build`` builds a :class:`PlanInputs` from a scenario; everything in
``models`` reads only this. Axis names: ``y`` years of the horizon, ``h`` hours
of the typical year (8760), ``m`` measures, ``f`` fuels, ``j`` process sources,
``s`` hourly shapes of added electricity, ``c`` credits, ``r`` removals.
Money is real (constant-price) currency.

Units at this boundary are natural ones named in each field (kW, kWh, MWh, GJ,
t, CNY); :mod:`models.units` converts to the scaled units inside the MILP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "BatteryData",
    "CbamData",
    "EtsData",
    "FinanceData",
    "GreenPowerData",
    "GridData",
    "HourlyData",
    "MarketData",
    "MeasureData",
    "OffsetData",
    "PlanInputs",
    "PvData",
    "RuleData",
    "TargetData",
]


@dataclass(frozen=True)
class HourlyData:
    """Hourly shapes of the typical year and prices of each year.

    Attributes
    ----------
    base_load_kw_h : (H,)
        Electric load of the base year before any measure [kW].
    shape_kw_per_mwh_sh : (S, H)
        Hourly power of 1 MWh/yr of added electricity, per shape [kW per MWh/yr].
    pv_kw_per_kwp_h : (H,)
        AC output of 1 kWp of new PV [kW/kWp].
    import_price_cny_per_kwh_yh, export_price_cny_per_kwh_yh : (Y, H)
        Grid prices [CNY/kWh]; ``0 <= export <= import`` in every hour.
    export_cap_kw : float
        Export limit [kW] (``inf`` if none).
    day_start_hour : int
        First hour of the cheapest tariff block. No longer used by the dispatch, whose
        state of charge is cyclic over the year (kept for reports and cut fingerprints).
    month_of_hour_h : (H,) int or None
        Month index (0-based) of each hour; ``None``: the months of a non-leap year for
        8760 hours, else one month.
    demand_charge_cny_per_kw_month_y : (Y,) or None
        Two-part tariff, demand basis: charge per kW of each month's maximum demand
        [CNY/kW-month]; ``None`` (or zeros): no demand charge.
    contract_demand_kw : float
        Contract demand [kW] (0: none, the actual monthly maximum is billed). With a
        contract, a month bills ``rate x (contract + multiplier x max(0, peak - threshold))``.
    contract_excess_threshold_kw : float
        Demand above which the excess is billed at ``multiplier`` x the rate [kW].
    contract_excess_multiplier : float
        Multiple of the rate charged on demand above the threshold.
    capacity_charge_cny_y : (Y,) or None
        Two-part tariff, capacity basis: the year's fixed charge on transformer capacity
        [CNY/yr] (rate x kVA x 12).
    """

    base_load_kw_h: np.ndarray
    shape_kw_per_mwh_sh: np.ndarray
    shape_names: tuple[str, ...]
    pv_kw_per_kwp_h: np.ndarray
    import_price_cny_per_kwh_yh: np.ndarray
    export_price_cny_per_kwh_yh: np.ndarray
    export_cap_kw: float
    day_start_hour: int
    month_of_hour_h: np.ndarray | None = None
    demand_charge_cny_per_kw_month_y: np.ndarray | None = None
    contract_demand_kw: float = 0.0
    contract_excess_threshold_kw: float = 0.0
    contract_excess_multiplier: float = 1.0
    capacity_charge_cny_y: np.ndarray | None = None

    @property
    def months(self) -> np.ndarray:
        """Month index (0-based) of each hour, shape (H,)."""
        if self.month_of_hour_h is not None:
            return self.month_of_hour_h
        n_h = self.base_load_kw_h.shape[0]
        if n_h == 8760:
            return _MONTHS_8760
        return np.zeros(n_h, dtype=np.int64)

    @property
    def n_months(self) -> int:
        return int(self.months.max()) + 1

    @property
    def has_demand_charge(self) -> bool:
        d = self.demand_charge_cny_per_kw_month_y
        return d is not None and bool((d > 0).any())

    def basic_charge_coefficients(self, n_years: int
                                  ) -> tuple[np.ndarray, float, np.ndarray]:
        """The two-part tariff's basic charge of a year as ``fixed + slope x excess``.

        Returns
        -------
        slope_y : (Y,)
            Charge per kW of each month's billed excess demand [CNY/kW]:
            rate x multiplier (rate without a contract).
        threshold_kw : float
            Demand billed at no extra charge in a month [kW] (0 without a contract).
        fixed_y : (Y,)
            Charge of the year that no dispatch changes [CNY]: rate x contract per
            month (12 in a year), plus the capacity charge.

        Notes
        -----
        The basic charge of year ``y`` with monthly peak imports ``peak_m`` is
        ``fixed_y + slope_y x sum_m max(0, peak_m - threshold)`` (one definition: the
        dispatch LP pays it, ``models.terms.basic_charge_cny_y`` accounts for it).
        """
        rate = (np.zeros(n_years) if self.demand_charge_cny_per_kw_month_y is None
                else np.asarray(self.demand_charge_cny_per_kw_month_y, dtype=float))
        cap = (np.zeros(n_years) if self.capacity_charge_cny_y is None
               else np.asarray(self.capacity_charge_cny_y, dtype=float))
        if self.contract_demand_kw > 0.0:
            slope = rate * self.contract_excess_multiplier
            thr = float(self.contract_excess_threshold_kw)
        else:
            slope = rate.copy()
            thr = 0.0
        fixed = self.n_months * rate * self.contract_demand_kw + cap
        return slope, thr, fixed


#: Month (0-based) of each hour of a non-leap year.
_MONTHS_8760 = np.repeat(np.arange(12, dtype=np.int64),
                         24 * np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]))


@dataclass(frozen=True)
class MeasureData:
    """Discrete measures; effects are per unit of base-year demand (scaled by growth).

    Attributes
    ----------
    capex_cny_my : (M, Y)
        Investment if built in each year [CNY].
    fixed_om_cny_per_year_m : (M,)
        Fixed O&M while alive [CNY/yr].
    lifetime_years_m : (M,) int
    earliest_idx_m, latest_idx_m : (M,) int
        First and last year index in which it may be built.
    elec_saving_share_m : (M,)
        Share of the base electric load saved (same hourly shape as the load).
    fuel_delta_gj_mf : (M, F)
        Change of yearly fuel use in base-year terms [GJ/yr] (negative = saved).
    elec_added_mwh_ms : (M, S)
        Electricity added per shape in base-year terms [MWh/yr].
    source_cut_share_mj : (M, J)
        Share of each process source removed.
    group_of_m : tuple of str or None
        Mutually exclusive group.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    pathways: tuple[str, ...]
    capex_cny_my: np.ndarray
    fixed_om_cny_per_year_m: np.ndarray
    lifetime_years_m: np.ndarray
    earliest_idx_m: np.ndarray
    latest_idx_m: np.ndarray
    elec_saving_share_m: np.ndarray
    fuel_delta_gj_mf: np.ndarray
    elec_added_mwh_ms: np.ndarray
    source_cut_share_mj: np.ndarray
    group_of_m: tuple[str | None, ...]

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class PvData:
    """Rooftop PV built in yearly vintages (``enabled`` False: no PV lever)."""

    enabled: bool
    capex_cny_per_kw_y: np.ndarray
    fixed_om_cny_per_kw_year: float
    lifetime_years: int
    degradation_per_year: float
    max_kw: float
    earliest_idx: int


@dataclass(frozen=True)
class BatteryData:
    """Stationary battery, energy and power built in yearly vintages."""

    enabled: bool
    energy_capex_cny_per_kwh_y: np.ndarray
    power_capex_cny_per_kw_y: np.ndarray
    fixed_om_cny_per_kwh_year: float
    eta_charge: float
    eta_discharge: float
    lifetime_years: int
    max_kwh: float
    min_duration_h: float
    max_duration_h: float
    earliest_idx: int
    #: Usable energy lost per year of age [-] (0: no fade).
    fade_per_year: float = 0.0
    #: A vintage is retired (and may be replaced) once its usable energy would fall
    #: below this share of new (0: only at the end of its lifetime).
    replace_below_share: float = 0.0


@dataclass(frozen=True)
class FinanceData:
    """Tax, incentives, loan and energy-performance contracts (``docs/method.md``, Money).

    ``None`` on :class:`PlanInputs` means none of them: real, pre-tax, unfinanced money.

    Attributes
    ----------
    tax_rate_y : (Y,)
        Corporate income tax rate [-]; years after the horizon keep the last rate.
    measure_tax_life_years_m : (M,) int
        Tax depreciation life of each measure [yr] (straight line, from the build year).
    pv_tax_life_years, battery_tax_life_years : int
    expensing_max_cny : float
        A measure whose capex is at most this much is deducted whole in its build year
        where ``expensing_year_y`` and ``measure_expensable_m`` allow it (0: never) [CNY].
    expensing_year_y : (Y,) bool
    measure_expensable_m : (M,) bool
        Equipment, not a building (the one-off deduction excludes buildings).
    credit_share : float
        Special-equipment credit: share of the investment credited against income tax [-].
    measure_credit_m : (M,) bool; pv_credit, battery_credit : bool
        The asset is eligible for the credit.
    measure_subsidy_share_m : (M,); pv_subsidy_share, battery_subsidy_share : float
        Subsidy as a share of capex, received in the build year [-].
    measure_subsidy_cny_m : (M,)
        Fixed subsidy per build, received in the build year [CNY].
    measure_subsidy_years_m : (M,) int; pv_subsidy_years, battery_subsidy_years : int
        Subsidies are paid in equal parts over this many years from the build year.
    subsidy_taxable : bool
        Subsidies are taxable income in the year received.
    loan_share, loan_rate : float
        Share of every capex financed by a loan, and its yearly rate [-].
    loan_tenor_years, loan_grace_years : int
        Years of repayment (grace years included) and interest-only years at the start.
    loan_repayment : str
        ``"annuity"`` (equal payments after the grace) or ``"equal-principal"``.
    emc_share_m : (M,)
        Energy-performance contract: share of the contracted savings the plant pays the
        service company each contract year (0: the plant buys the measure itself) [-].
    emc_years_m : (M,) int
        Contract years, from the build year.
    emc_savings_cny_per_year_m : (M,)
        Contracted yearly savings the shares apply to [CNY/yr].
    inflation_rate_y : (Y,) or None
        Inflation (``scenario.inflation_rate``); money stays real, flows fixed in nominal
        CNY lose value (``models.money.price_index``). None: none.
    pv_incentive_cny_per_kwh_y : (Y,) or None
        Incentive per kWh PV generates (feed-in or self-consumption), taxable [CNY/kWh].
    taxable_profit_cny_y : (Y,) or None
        The firm's taxable profit without the plan, for the carry-forward ledger of the
        reports (``models.money.tax_ledger``); None: not given [CNY].
    measure_lease_years_m : (M,) int; pv_lease_years, battery_lease_years : int
        Operating lease term [yr] (0: bought); the asset's life in the plan is the term.
    measure_lease_rate_m : (M,); pv_lease_rate, battery_lease_rate : float
        The lessor's rate, which sets the yearly payment per CNY of capex
        (``models.money.lease_payment_share``) [-].
    """

    tax_rate_y: np.ndarray
    measure_tax_life_years_m: np.ndarray
    pv_tax_life_years: int
    battery_tax_life_years: int
    expensing_max_cny: float
    expensing_year_y: np.ndarray
    measure_expensable_m: np.ndarray
    credit_share: float
    measure_credit_m: np.ndarray
    pv_credit: bool
    battery_credit: bool
    measure_subsidy_share_m: np.ndarray
    measure_subsidy_cny_m: np.ndarray
    pv_subsidy_share: float
    battery_subsidy_share: float
    subsidy_taxable: bool
    loan_share: float
    loan_rate: float
    loan_tenor_years: int
    loan_grace_years: int
    loan_repayment: str
    emc_share_m: np.ndarray
    emc_years_m: np.ndarray
    emc_savings_cny_per_year_m: np.ndarray
    measure_subsidy_years_m: np.ndarray
    pv_subsidy_years: int = 1
    battery_subsidy_years: int = 1
    taxable_profit_cny_y: np.ndarray | None = None
    measure_lease_years_m: np.ndarray | None = None
    measure_lease_rate_m: np.ndarray | None = None
    pv_lease_years: int = 0
    pv_lease_rate: float = 0.0
    battery_lease_years: int = 0
    battery_lease_rate: float = 0.0
    inflation_rate_y: np.ndarray | None = None
    pv_incentive_cny_per_kwh_y: np.ndarray | None = None


@dataclass(frozen=True)
class GridData:
    """Grid emission factors by year [tCO2/MWh]."""

    ef_location_t_per_mwh_y: np.ndarray
    ef_residual_t_per_mwh_y: np.ndarray


@dataclass(frozen=True)
class OffsetData:
    """Certificates, credits and removals available each year.

    ``*_max_*`` arrays use ``inf`` for no limit.
    """

    cert_enabled: bool
    cert_price_cny_per_mwh_y: np.ndarray
    cert_max_share: float
    cert_max_mwh_y: np.ndarray
    credit_ids: tuple[str, ...]
    credit_kinds: tuple[str, ...]
    credit_price_cny_per_t_cy: np.ndarray
    credit_max_t_cy: np.ndarray
    removal_ids: tuple[str, ...]
    removal_permanent: tuple[bool, ...]
    removal_price_cny_per_t_ry: np.ndarray
    removal_max_t_ry: np.ndarray


@dataclass(frozen=True)
class GreenPowerData:
    """Green-power purchase contracts (绿电交易 / PPA): per contract ``g`` and year ``y``.

    Attributes
    ----------
    ids : tuple of str
    take_or_pay_g : (G,) bool
        True: one volume for the whole term, paid in every term year whether or not it
        is used; False (as consumed): the volume of each year is chosen and paid.
    active_gy : (G, Y) bool
        The contract runs in year ``y`` (start year .. start + term - 1).
    premium_cny_per_mwh_gy : (G, Y)
        Green premium over the grid tariff [CNY/MWh].
    max_mwh_gy : (G, Y)
        Availability [MWh/yr] (``inf``: no limit; 0 outside the term).
    min_mwh_g : (G,)
        Least take-or-pay volume [MWh/yr] (0 for as-consumed contracts).
    max_share_g : (G,)
        Largest share of a year's grid import the contract may cover.
    """

    ids: tuple[str, ...]
    take_or_pay_g: np.ndarray
    active_gy: np.ndarray
    premium_cny_per_mwh_gy: np.ndarray
    max_mwh_gy: np.ndarray
    min_mwh_g: np.ndarray
    max_share_g: np.ndarray


@dataclass(frozen=True)
class TargetData:
    """The cap on net emissions each year and the offset rules.

    Attributes
    ----------
    allowed_net_t_y : (Y,)
        Cap on net emissions [tCO2e] (``inf`` where none).
    credit_cap_t_y : (Y,)
        Cap on credits counted in a year [tCO2e].
    """

    allowed_net_t_y: np.ndarray
    credit_cap_t_y: np.ndarray
    net_zero_idx: int
    base_emissions_t: float
    #: Scope-2 basis of ``base_emissions_t`` and of the net the cap applies to:
    #: ``"market"`` (residual factor x (import - certificates)) or ``"location"``.
    scope2_basis: str = "market"
    #: Base-year emissions with scope 2 location-based, for dual reporting [tCO2e].
    base_emissions_location_t: float = float("nan")
    #: Base-year emissions with scope 2 market-based [tCO2e] (= ``base_emissions_t`` on
    #: the market basis).
    base_emissions_market_t: float = float("nan")


@dataclass(frozen=True)
class RuleData:
    """A standard's rules as arrays the master enforces (``models.rules``).

    Attributes
    ----------
    source_counted_j : (J,) bool
        Process/fugitive sources inside the gas boundary (all gases, or CO2 only).
    fuels_counted : bool
        Fuel combustion counted (scope 1 inside the boundary).
    scope2_counted : bool
        Scope 2 inside the boundary.
    scope2_market : bool
        Scope 2 market-based (residual factor) if True, else location-based.
    certificates_count : bool
        Green certificates lower scope 2 (market-based) and count as renewable.
    credit_counted_c, removal_counted_r : bool arrays
        Offsets that may neutralise the residual.
    base_boundary_t : float
        Base-year emissions inside the boundary, business as usual [t].
    net_max_t_y, offset_max_t_y, gross_max_t_y : (Y,)
        Caps on counted net emissions, counted offsets and gross emissions [t]
        (``inf`` where no rule applies).
    re_min_share_y : (Y,)
        Least renewable share of electricity use (0 where no rule applies).
    non_increasing_y : (Y,) bool
        Gross emissions of year ``y`` may not exceed those of ``y - 1``.
    """

    source_counted_j: np.ndarray
    fuels_counted: bool
    scope2_counted: bool
    scope2_market: bool
    certificates_count: bool
    credit_counted_c: np.ndarray
    removal_counted_r: np.ndarray
    base_boundary_t: float
    net_max_t_y: np.ndarray
    offset_max_t_y: np.ndarray
    gross_max_t_y: np.ndarray
    re_min_share_y: np.ndarray
    non_increasing_y: np.ndarray
    #: Share of each fuel's CO2e factor inside the gas boundary (a CO2-only boundary
    #: leaves out the CH4 and N2O of combustion); None = all of it.
    fuel_counted_share_f: np.ndarray | None = None
    #: Green-power contracts (bundled GECs) lower scope 2 (market-based) and count as
    #: renewable electricity.
    green_power_count: bool = True


@dataclass(frozen=True)
class PlanInputs:
    """Everything the optimisation needs, for years ``years[0] .. years[-1]``.

    Attributes
    ----------
    growth_y : (Y,)
        Production level relative to the base year (scales every demand).
    base_fuel_gj_f : (F,)
        Base-year fuel use [GJ/yr].
    fuel_ef_t_per_gj_f : (F,)
        Scope-1 emission factor [tCO2e/GJ]: CO2 plus the CH4 and N2O of combustion
        in CO2e (``fuel_ef_gas_t_per_gj_fk`` holds the three parts).
    fuel_price_cny_per_gj_fy : (F, Y)
    source_base_t_j : (J,)
        Base-year process/fugitive emissions per source [tCO2e/yr].
    carbon_price_cny_per_t_y : (Y,)
    carbon_scope1, carbon_scope2 : bool
        Whether the carbon price applies to scope 1 and to scope 2 (location).
    capex_budget_cny_y : (Y,)
        Capex cap per year (``inf`` where none).
    discount_factor_y : (Y,)
        ``(1 + r) ** -(year - base_year)``: costs of a year are discounted to the base year.
    salvage_discount : float
        Discount factor applied to salvage value (end of the last year).
    """

    years: np.ndarray
    growth_y: np.ndarray
    discount_rate: float
    discount_factor_y: np.ndarray
    salvage_discount: float
    hourly: HourlyData
    measures: MeasureData
    pv: PvData
    battery: BatteryData
    grid: GridData
    offsets: OffsetData
    target: TargetData
    fuel_ids: tuple[str, ...]
    base_fuel_gj_f: np.ndarray
    fuel_ef_t_per_gj_f: np.ndarray
    fuel_price_cny_per_gj_fy: np.ndarray
    source_ids: tuple[str, ...]
    source_base_t_j: np.ndarray
    carbon_price_cny_per_t_y: np.ndarray
    carbon_scope1: bool
    carbon_scope2: bool
    capex_budget_cny_y: np.ndarray
    notes: tuple[str, ...] = field(default_factory=tuple)
    rules: RuleData | None = None
    #: Where each emission factor came from, for the reports: ``fuel:<id>``,
    #: ``process:<id>`` and ``grid`` -> text (not read by the model).
    provenance: dict[str, str] = field(default_factory=dict)
    #: Process/fugitive gas quantities behind each source [kg/yr] (0 for process CO2).
    source_base_kg_j: np.ndarray | None = None
    #: Parts of each fuel's factor [tCO2e/GJ], columns CO2, CH4, N2O (sum over the
    #: columns = ``fuel_ef_t_per_gj_f``); None = all CO2. For the reports' rows and
    #: for boundaries that count CO2 only.
    fuel_ef_gas_t_per_gj_fk: np.ndarray | None = None
    #: Production output, national ETS and EU CBAM (None: no ``[production]``).
    markets: MarketData | None = None
    #: Green-power purchase contracts (None: no ``[[green_power]]``).
    green: GreenPowerData | None = None
    #: Tax, incentives, loan and energy-performance contracts; None = none of them.
    finance: FinanceData | None = None
    #: How the scenario stated its prices: "real" (base-year prices) or "nominal" (money
    #: of each year, already converted to real here); for the reports only.
    price_basis: str = "real"

    @property
    def n_years(self) -> int:
        return len(self.years)


# --------------------------------------------------------------------------- carbon markets

@dataclass(frozen=True)
class EtsData:
    """China's national ETS for a covered plant, per year.

    Attributes
    ----------
    fuel_gas_share_f : (F,)
        Share of each fuel's CO2e factor from covered gases (the CO2 of combustion for
        a CO2-only sector) [-].
    source_covered_j : (J,) bool
        Process/fugitive sources of a covered gas.
    allowance_price_cny_per_t_y : (Y,)
        Price at which allowances are bought and surplus sold [CNY/t].
    benchmark_t_per_unit_y : (Y,)
        Free allocation per unit of output [t CO2e/unit].
    benchmark_allocation_y : (Y,) bool
        True: allocation = benchmark x output; False: allocation = verified emissions
        (the 2024-2026 rule), so nothing is bought or sold.
    ccer_price_cny_per_t_y : (Y,)
        CCER price [CNY/t].
    ccer_max_share : float
        CCER at most this share of the allowances surrendered [-].
    ccer_max_t_y : (Y,)
        CCER available per year [t] (``inf`` if unlimited, 0 without a CCER price).
    """

    fuel_gas_share_f: np.ndarray
    source_covered_j: np.ndarray
    allowance_price_cny_per_t_y: np.ndarray
    benchmark_t_per_unit_y: np.ndarray
    benchmark_allocation_y: np.ndarray
    ccer_price_cny_per_t_y: np.ndarray
    ccer_max_share: float
    ccer_max_t_y: np.ndarray


@dataclass(frozen=True)
class CbamData:
    """The EU CBAM on the exported share of output, per year.

    Attributes
    ----------
    export_share_y : (Y,)
        Share of output exported to the EU [-].
    fuel_gas_share_f : (F,)
        Share of each fuel's CO2e factor from the good's CBAM gases [-].
    source_counted_j : (J,) bool
        Process sources of a CBAM gas.
    indirect : bool
        Electricity (location-based grid factor) counted (cement, fertilisers).
    actual_values : bool
        True: embedded emissions from the plant's own (verified) emissions; False:
        default values, which the plant's levers do not change.
    precursor_t_per_unit_y : (Y,)
        Embedded emissions of precursors per unit of output [t CO2e/unit].
    default_t_per_unit_y, default_markup_y : (Y,)
        Default value [t CO2e/unit] and its mark-up [-] (used when not ``actual_values``).
    benchmark_t_per_unit_y : (Y,)
        EU benchmark [t CO2e/unit].
    factor_y : (Y,)
        CBAM factor: share of the benchmark still free [-].
    active_y : (Y,) bool
        Years with CBAM obligations (from 2026).
    price_eur_per_t_y, cny_per_eur_y : (Y,)
        Certificate price [EUR/t] and exchange rate [CNY/EUR].
    deduction_cny_per_t_y : (Y,)
        Carbon price effectively paid in China, deducted [CNY/t].
    """

    export_share_y: np.ndarray
    fuel_gas_share_f: np.ndarray
    source_counted_j: np.ndarray
    indirect: bool
    actual_values: bool
    precursor_t_per_unit_y: np.ndarray
    default_t_per_unit_y: np.ndarray
    default_markup_y: np.ndarray
    benchmark_t_per_unit_y: np.ndarray
    factor_y: np.ndarray
    active_y: np.ndarray
    price_eur_per_t_y: np.ndarray
    cny_per_eur_y: np.ndarray
    deduction_cny_per_t_y: np.ndarray


@dataclass(frozen=True)
class MarketData:
    """Production output and the carbon markets it meets.

    Attributes
    ----------
    output_y : (Y,)
        Output per year [unit/yr]: base output x demand growth.
    unit : str
        Unit of output (``t`` of product, or ``unit``).
    ets, cbam
        None where the plant is not covered / does not export to the EU.
    """

    output_y: np.ndarray
    unit: str
    ets: EtsData | None = None
    cbam: CbamData | None = None
