"""Hourly profiles of one typical year: load shapes, PV output, tariffs, CSV input.

Every hourly array returned here is a float64 ``np.ndarray`` of shape ``(8760,)`` in
hour-beginning local (standard) time: element 0 is Jan 1 00:00-01:00, element 8759 is
Dec 31 23:00-24:00. A leap year is represented by its 365 days without Feb 29, so the
hour of day of element ``h`` is always ``h % 24`` and its day is ``h // 24``.

Shapes (``shift_load_shape``, ``end_use_shape``) are normalised to sum to 1.0 over the
year, so ``annual_mwh * 1000 * shape`` is an hourly load in kW (1 h steps: kWh = kW).

Boundaries: this module reads files and builds arrays; it knows nothing of the model.
``pvlib`` (about 0.5-1 s to import) and ``scipy`` are imported only inside the functions
that compute PV, and ``pandas`` only inside ``typical_year_index``, so that a run whose PV
profile is cached starts fast. Numbers and their confidence marks (V/S/U) are listed in
``docs/profiles.md``.
"""

from __future__ import annotations

from planner.base.hours import HOURS_PER_YEAR, typical_year_index

# One job per module (planner/base/hours.py, load_shapes.py, pv_output.py, hourly_csv.py,
# tariffs.py); this module keeps the public names in one place for callers.
from planner.profiles.hourly_csv import HourlyCsvError, read_hourly_csv
from planner.profiles.load_shapes import LOAD_PATTERNS, SHAPE_KINDS, end_use_shape, shift_load_shape
from planner.profiles.pv_output import pv_output_from_irradiance, pv_output_kw_per_kwp
from planner.tables.tariffs import (
    TOU_PRESETS,
    TouPeriod,
    TouPreset,
    cheapest_block_start,
    grid_prices,
    import_price_cny_per_kwh,
    tou_multiplier,
    tou_multiplier_by_year,
    tou_preset,
    tou_preset_info,
)

__all__ = [
    "HOURS_PER_YEAR",
    "LOAD_PATTERNS",
    "SHAPE_KINDS",
    "TOU_PRESETS",
    "HourlyCsvError",
    "TouPeriod",
    "TouPreset",
    "cheapest_block_start",
    "end_use_shape",
    "grid_prices",
    "import_price_cny_per_kwh",
    "pv_output_from_irradiance",
    "pv_output_kw_per_kwp",
    "read_hourly_csv",
    "shift_load_shape",
    "tou_multiplier",
    "tou_multiplier_by_year",
    "tou_preset",
    "tou_preset_info",
    "typical_year_index",
]
