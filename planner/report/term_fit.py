"""Fit a rich table to the terminal's width without losing a column or a figure.

rich shrinks a table that is wider than the console by cutting cells to "…" and, when
that is not enough, by collapsing whole columns to nothing: at 80 columns (and in a
pipe, where rich assumes 80) the roadmap lost its "Year" and "Built" columns. Here a
table is instead split into parts that each fit, the first column (the year, the lever,
the figure) repeated in every part; long headers are wrapped at their spaces and every
cell folds rather than being cut, so a figure is never shortened.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["fit_table", "print_fitted"]

#: Widest a wrapping text column (measure names, labels) is planned at: wider text wraps.
WRAP_WIDTH = 28
#: Widest a header is kept on one line when its figures are narrower.
HEADER_WIDTH = 12


def _plain(cell: Any) -> str:
    """The text a cell shows (rich markup removed)."""
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        return Text.from_markup(cell).plain
    return str(cell)


def _lines_width(text: str) -> int:
    return max((Text(line).cell_len for line in text.split("\n")), default=0)


def _longest_word(text: str) -> int:
    return max((Text(w).cell_len for w in text.split()), default=0)


def _plan_width(column: Any) -> tuple[int, str]:
    """(width the column is planned at, its header wrapped to that width)."""
    cells = [_plain(c) for c in column._cells]
    header = _plain(column.header)
    # a header may take a few cells more than its figures rather than many lines
    head = max(_longest_word(header), min(_lines_width(header), HEADER_WIDTH))
    if column.no_wrap:
        width = max([_lines_width(c) for c in cells] + [head, 1])
    else:
        widest = max([_lines_width(c) for c in cells] + [1])
        word = max([_longest_word(c) for c in cells] + [head])
        width = max(min(widest, WRAP_WIDTH), min(word, WRAP_WIDTH))
    width = max(width, 1)
    return width, _wrap(header, width)


def _wrap(text: str, width: int) -> str:
    """``text`` wrapped at spaces to ``width`` cells (a Chinese character takes two)."""
    lines: list[str] = []
    for word in text.split():
        if lines and Text(f"{lines[-1]} {word}").cell_len <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines) or text


def _extra_width(table: Table, n_columns: int) -> int:
    """Width a table of ``n_columns`` adds to its cells: borders and padding."""
    pad = table.padding[1] + table.padding[3]
    edges = (2 if table.box and table.show_edge else 0) + (n_columns - 1 if table.box else 0)
    return edges + pad * n_columns


def _groups(widths: list[int], table: Table, max_width: int) -> list[list[int]]:
    """Indices of the columns after the first, in order, packed into parts that fit."""
    groups: list[list[int]] = []
    current: list[int] = []
    for i in range(1, len(widths)):
        trial = [*current, i]
        used = widths[0] + sum(widths[j] for j in trial) + _extra_width(table, len(trial) + 1)
        if current and used > max_width:
            groups.append(current)
            current = [i]
        else:
            current = trial
    groups.append(current)
    return groups


def fit_table(table: Table, max_width: int) -> list[Table]:
    """``table`` as one or more tables of at most ``max_width`` cells each.

    Parameters
    ----------
    table : rich.table.Table
        A table built by a report module (its columns and cells are read, not changed).
    max_width : int
        Width of the console in cells.

    Returns
    -------
    list of rich.table.Table
        One table when it fits; else parts each holding the first column and as many of
        the following columns as fit, titled "(1/2)", "(2/2)"... Every column of the
        input is in exactly one part (the first in all), every cell is kept whole:
        headers wrap at spaces and an over-long cell folds onto the next line.
    """
    columns = table.columns
    if len(columns) <= 1:
        return [table]
    natural = [max([_lines_width(_plain(c)) for c in col._cells]
                   + [_lines_width(_plain(col.header)), 1]) for col in columns]
    if sum(natural) + _extra_width(table, len(columns)) <= max_width:
        # fits as it is: headers stay on one line
        planned = [(w, _plain(c.header)) for w, c in zip(natural, columns, strict=True)]
        groups = [list(range(1, len(columns)))]
    else:
        planned = [_plan_width(c) for c in columns]
        groups = _groups([w for w, _ in planned], table, max_width)
    rows = table.rows
    parts: list[Table] = []
    for k, group in enumerate(groups):
        title = table.title
        if len(groups) > 1 and title is not None:
            title = f"{_plain(title)} ({k + 1}/{len(groups)})"
        part = Table(title=title, caption=table.caption if k == len(groups) - 1 else None,
                     header_style=table.header_style, show_header=table.show_header,
                     show_lines=table.show_lines, box=table.box, show_edge=table.show_edge,
                     padding=table.padding, title_style=table.title_style,
                     caption_style=table.caption_style, title_justify=table.title_justify,
                     caption_justify=table.caption_justify)
        used = sum(planned[j][0] for j in [0, *group]) + _extra_width(table, len(group) + 1)
        too_wide = used > max_width  # one column wider than the console: it folds
        for j in [0, *group]:
            c = columns[j]
            # the header as plain text: "[t CO2e]" is a unit, not rich markup
            part.add_column(Text(planned[j][1]) if table.show_header else "", justify=c.justify,
                            style=c.style, header_style=c.header_style,
                            no_wrap=c.no_wrap and not too_wide, overflow="fold",
                            vertical=c.vertical,
                            min_width=min(planned[j][0], max_width // 3) if j == 0 else None)
        for r, row in enumerate(rows):
            part.add_row(*(columns[j]._cells[r] for j in [0, *group]), style=row.style,
                         end_section=row.end_section)
        parts.append(part)
    return parts


def print_fitted(console: Console, table: Table) -> None:
    """Print ``table`` on ``console``, split into parts when wider than the console."""
    for part in fit_table(table, console.width):
        console.print(part)
