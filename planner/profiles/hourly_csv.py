"""Reading 8 760-row hourly CSV files, with messages that name the row and the fix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass
from planner.base.hours import HOURS_PER_YEAR
from planner.base.safe_read import UnreadableFileError, read_bounded

#: Largest hourly CSV read: 8 760 rows of a timestamp and a value take about 300 kB.
MAX_CSV_BYTES = 16 << 20

# --------------------------------------------------------------------------- CSV input


class HourlyCsvError(ValueError):
    """A bad hourly CSV file.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    message : str
        What is wrong, with the row number where there is one.
    hint : str
        How to fix it.
    """

    def __init__(self, path: str | Path, message: str, hint: str) -> None:
        # args carry all three fields so the exception pickles (sweep workers).
        super().__init__(Path(path), message, hint)
        self.path = Path(path)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.path}: {self.message}. Fix: {self.hint}"


def _unit_of(header: str, allowed_units: Sequence[str]) -> str | None:
    """Longest allowed unit that is the whole header or its ``_unit`` suffix."""
    name = header.strip().lower()
    matches = [u for u in allowed_units
               if name == u.lower() or name.endswith("_" + u.lower())]
    return max(matches, key=len) if matches else None


def _decimal_comma(cells: list[str], n_header: int) -> bool:
    """One cell too many, and the last two read as the halves of '12,5'."""
    if len(cells) != n_header + 1:
        return False
    whole, frac = cells[-2].strip(), cells[-1].strip()
    return (whole.lstrip("-").isdigit() and frac.isdigit()) if whole and frac else False


def _parse_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def read_hourly_csv(path: str | Path, *, allowed_units: Sequence[str],
                    what: str) -> tuple[np.ndarray, str]:
    """Read an 8760-row hourly CSV with a unit in its header.

    Parameters
    ----------
    path : str or pathlib.Path
        UTF-8 CSV (a byte-order mark is accepted), comma-separated. Either one column
        (the values) or two columns (timestamp or hour number, then the values), with a
        header row; trailing blank lines are ignored.
    allowed_units : sequence of str
        The value column's header must be a unit or end in ``_<unit>`` (case-insensitive),
        e.g. ``("kw",)`` accepts "load_kw".
    what : str
        Human label for messages, e.g. "load profile".

    Returns
    -------
    values : numpy.ndarray
        Shape (8760,), float64, all finite and >= 0, in the unit found.
    unit : str
        The entry of `allowed_units` that matched.

    Raises
    ------
    HourlyCsvError
        For every problem with the file; the message names the row (1 = header row, as a
        spreadsheet numbers them) and the fix.
    """
    import csv  # stdlib, but only this function needs it

    file = Path(path)
    units = ", ".join(f"'_{u}'" for u in allowed_units)
    # An example header in the caller's terms: "load profile" + ("kw",) -> "load_kw".
    stem = (what.split() or ["value"])[0].lower()
    example = f"{stem}_{allowed_units[0]}" if allowed_units else stem

    def fail(message: str, hint: str) -> HourlyCsvError:
        return HourlyCsvError(file, f"{what}: {message}", hint)

    if file.is_dir():
        raise fail("is a directory, not a file", "give the path of the CSV file itself")
    try:
        raw = read_bounded(file, MAX_CSV_BYTES, what)
    except UnreadableFileError as exc:
        raise fail(exc.message, exc.fix) from None
    except FileNotFoundError:
        raise fail("file not found", "check the path (relative paths are resolved from the "
                   "scenario file's folder)") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror})", "check the file's permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise fail(f"is not UTF-8 text (first bad byte in row {row})",
                   "save it as 'CSV UTF-8' (Excel: Save As > CSV UTF-8)") from None
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()  # trailing blank lines are harmless
    if not lines:
        raise fail("file is empty", f"write a header '{example}' and 8760 values, one per row")
    try:
        rows = list(csv.reader(lines))
    except csv.Error as exc:
        raise fail(f"is not a valid CSV ({exc})", "save it again as CSV UTF-8") from None

    header = [cell.strip() for cell in rows[0]]
    if len(header) == 1 and ";" in header[0]:
        raise fail("row 1 is separated by ';'", "save the file with ',' as separator")
    if len(header) not in (1, 2):
        raise fail(f"row 1 has {len(header)} columns, expected 1 or 2",
                   f"keep only the values (and optionally a timestamp column before them), "
                   f"with a header such as '{example}'")
    value_col = len(header) - 1
    if _parse_number(header[value_col]) is not None:
        raise fail("no header row (row 1 is a number)",
                   f"add a first row naming the column with its unit, e.g. '{example}'")
    unit = _unit_of(header[value_col], allowed_units)
    if unit is None:
        raise fail(f"header {header[value_col]!r} in row 1 does not end in a unit expected "
                   f"here ({units})",
                   f"rename the column, e.g. '{example}', after converting the values "
                   f"to that unit")

    values = np.empty(len(rows) - 1, dtype=np.float64)
    for i, cells in enumerate(rows[1:]):
        row = i + 2
        if len(cells) > len(header) or (cells and len(cells) < len(header)):
            if _decimal_comma(cells, len(header)):
                text = ",".join(c.strip() for c in cells[len(header) - 1:])
                raise fail(f"row {row} has {len(cells)} columns, the header has {len(header)}: "
                           f"'{text}' looks like a number with a decimal comma",
                           f"write '{text.replace(',', '.')}' with '.' as decimal point (or "
                           "quote the values), e.g. set the spreadsheet's locale to English "
                           "before saving as CSV")
            raise fail(f"row {row} has {len(cells)} columns, the header has {len(header)}",
                       "give every row the same columns as the header")
        cell = cells[value_col].strip() if cells else ""
        if not cell:
            raise fail(f"empty value (gap) in row {row}",
                       "fill the gap (e.g. interpolate between the neighbouring hours)")
        number = _parse_number(cell)
        if number is None:
            raise fail(f"{cell[:30]!r} in row {row} is not a number",
                       "write plain numbers with '.' as decimal point, no units or "
                       "thousands separators")
        if not math.isfinite(number):
            raise fail(f"{cell!r} (NaN or infinite) in row {row}",
                       "replace it with a measured or interpolated value")
        if number < 0:
            raise fail(f"negative value {number:g} in row {row}",
                       f"{what} values must be >= 0; correct the sign or the reading")
        values[i] = number
    if len(values) != HOURS_PER_YEAR:
        leap = (" (8784 = a leap year)" if len(values) == 8784 else "")
        raise fail(f"found {len(values)} data rows{leap}, expected 8760",
                   "give one value per hour of a 365-day year; for a leap year drop the 24 "
                   "rows of Feb 29")
    return values, unit
