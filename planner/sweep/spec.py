"""What a sweep varies: ``--vary KEY=LO:HI[:OPTION...]`` parsed against a scenario.

Syntax (also ``docs/sweeps.md``)::

    KEY=LO:HI                      uniform factor between LO and HI (multiplicative)
    KEY=LO:HI:triangular           triangular, peak at 1.0 (factors) or the midpoint (abs)
    KEY=LO:HI:triangular@PEAK      triangular with its peak at PEAK
    KEY=MEAN:SD:normal             normal with mean and standard deviation, truncated at 0
                                   for keys that cannot be negative
    ...:abs                        LO, HI (or MEAN, SD, PEAK) are values, not factors

``KEY`` is a dotted path into the scenario's TOML document: ``carbon.price_cny_per_t``,
``fuels.coal.price_cny_per_gj``, ``demand.fuels_gj.coal``. Arrays of tables are indexed
by id or from 1 in file order, or all at once: ``measure[heat_pump].capex_cny``,
``measure[3].capex_cny``, ``measure[*].capex_cny``. The last part may be shortened to
a prefix that names one numeric key of its table (``carbon.price``, ``pv.capex``).

A series by year (``{2025 = 95, 2030 = 150}``) is multiplied as a whole by one factor,
so its shape over time is kept (the years move together: fully correlated). Giving
absolute values for a series is refused: there is no single value to set.

Every mistake is reported as a :class:`~planner.base.errors.ScenarioError` listing each
problem with the fix (exit code 2 on the command line).
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from planner.base.errors import Problem, ScenarioError
from planner.base.schema import Scenario

__all__ = ["DISTRIBUTIONS", "Target", "VarySpec", "parse_specs", "parse_vary"]

Distribution = Literal["uniform", "triangular", "normal"]
Mode = Literal["mul", "abs"]
DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "normal")
_ALIASES = {"tri": "triangular", "triang": "triangular", "gauss": "normal", "uni": "uniform"}
#: Keys whose values may be negative; every other numeric input is >= 0.
_SIGNED_KEYS = frozenset({"growth_per_year", "latitude", "longitude"})


@dataclass(frozen=True)
class Target:
    """One numeric place in the TOML document that a spec changes.

    Attributes
    ----------
    path : tuple of str and int
        Keys and 0-based list positions from the document's root.
    label : str
        The same path as a user writes it (arrays by id when they have one).
    base : float or dict
        The value in the scenario file: a number, or a series ``{year: value}``.
    integer : bool
        The schema wants a whole number here (drawn values are rounded).
    """

    path: tuple[str | int, ...]
    label: str
    base: float | dict[str, float]
    integer: bool = False

    @property
    def is_series(self) -> bool:
        return isinstance(self.base, dict)


@dataclass(frozen=True)
class VarySpec:
    """One varied input and its distribution.

    For ``uniform`` and ``triangular``, ``low`` and ``high`` bound the draws; for
    ``normal`` they are the mean and the standard deviation. In ``mul`` mode the
    numbers are factors on the scenario's value; in ``abs`` mode they are values.
    """

    text: str
    name: str
    targets: tuple[Target, ...]
    low: float
    high: float
    distribution: Distribution = "uniform"
    mode: Mode = "mul"
    peak: float | None = None
    nonneg: bool = True

    @property
    def integer(self) -> bool:
        return any(t.integer for t in self.targets)

    @property
    def base_level(self) -> float:
        """The level that leaves the scenario unchanged (1.0 for factors)."""
        if self.mode == "mul":
            return 1.0
        return float(self.targets[0].base)  # type: ignore[arg-type]

    @property
    def column(self) -> str:
        """Column name of this input in the sample table (``..._factor`` for factors)."""
        return self.name + ("_factor" if self.mode == "mul" else "")


# --------------------------------------------------------------------------- key paths

def _split_key(key: str) -> list[tuple[str, str | None]]:
    """``measure[heat_pump].capex_cny`` -> [("measure", "heat_pump"), ("capex_cny", None)]."""
    parts: list[tuple[str, str | None]] = []
    buf, depth = "", 0
    for ch in key + ".":
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            token = buf.strip()
            if "[" in token:
                name, _, rest = token.partition("[")
                if not rest.endswith("]"):
                    raise ValueError(f"unbalanced brackets in '{token}'")
                parts.append((name.strip(), rest[:-1].strip()))
            else:
                parts.append((token, None))
            buf = ""
        else:
            buf += ch
    if depth != 0 or any(not n for n, _ in parts):
        raise ValueError("empty part or unbalanced brackets")
    return parts


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_series(v: object) -> bool:
    return isinstance(v, dict) and bool(v) and all(_is_number(x) for x in v.values()) and all(
        str(k).strip().isdigit() for k in v)


def _numeric(v: object) -> bool:
    return _is_number(v) or _is_series(v)


def _field_annotation(path: tuple[str | int, ...]) -> Any:
    """The schema annotation of the value at ``path`` (None if unknown)."""
    model: Any = Scenario
    ann: Any = None
    for part in path:
        if isinstance(part, int):
            continue
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(part)
            if field is None:
                return None
            ann = field.annotation
            model = _inner_model(ann)
        else:
            # Inside a dict of values (e.g. demand.fuels_gj.<fuel>) or of tables.
            model = None
    return ann


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _wants_int(annotation: Any) -> bool:
    """Whether a schema annotation asks for a whole number (``int``, ``Year``, ``int | None``)."""
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _wants_int(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(args) == 1 and _wants_int(args[0])
    return False


def _numeric_keys(node: dict[str, Any]) -> list[str]:
    return sorted(k for k, v in node.items() if _numeric(v))


def resolve_key(raw: dict[str, Any], key: str) -> list[Target]:
    """The numeric places that ``key`` names in the document ``raw``.

    Raises
    ------
    ValueError
        With a message saying what was not found and what is there instead.
    """
    try:
        parts = _split_key(key)
    except ValueError as exc:
        raise ValueError(f"'{key}' is not a key path ({exc}); write e.g. "
                         "carbon.price_cny_per_t or measure[heat_pump].capex_cny") from None
    # Each branch: (node, path, label)
    branches: list[tuple[Any, tuple[str | int, ...], str]] = [(raw, (), "")]
    for i, (name, sel) in enumerate(parts):
        last = i == len(parts) - 1
        nxt: list[tuple[Any, tuple[str | int, ...], str]] = []
        for node, path, label in branches:
            where = label or "the top level"
            if not isinstance(node, dict):
                raise ValueError(f"'{label}' is a value, not a table: nothing named '{name}' "
                                 "under it")
            if name in node:
                real = name
            else:
                wanted = (lambda v: _numeric(v)) if last and sel is None else (
                    lambda v: isinstance(v, dict | list))
                cands = sorted(k for k in node if k.startswith(name) and wanted(node[k]))
                if len(cands) != 1:
                    valid = _numeric_keys(node) if last and sel is None else sorted(
                        k for k, v in node.items() if isinstance(v, dict | list))
                    if cands:
                        raise ValueError(f"'{name}' under {where} is ambiguous: it could be "
                                         f"{', '.join(cands)}; write the full key")
                    raise ValueError(f"no key '{name}' under {where} in the scenario file"
                                     + (f"; keys there: {', '.join(valid)}" if valid else ""))
                real = cands[0]
            child = node[real]
            lab = f"{label}.{real}" if label else real
            p = (*path, real)
            if isinstance(child, list):
                if sel is None:
                    raise ValueError(f"'{lab}' is a list of {len(child)} tables: pick one as "
                                     f"{lab}[ID] or {lab}[N] (from 1), or all as {lab}[*]")
                ids = [c.get("id") if isinstance(c, dict) else None for c in child]
                if sel == "*":
                    picks = list(range(len(child)))
                elif sel.isdigit():
                    n = int(sel)
                    if not 1 <= n <= len(child):
                        raise ValueError(f"'{lab}' has {len(child)} tables; [{sel}] is out of "
                                         f"range (count from 1)")
                    picks = [n - 1]
                elif sel in ids:
                    picks = [ids.index(sel)]
                else:
                    known = ", ".join(str(x) for x in ids if x)
                    raise ValueError(f"no table with id '{sel}' in '{lab}'"
                                     + (f"; ids: {known}" if known else ""))
                for k in picks:
                    tag = "*" if sel == "*" else (ids[k] if ids[k] else str(k + 1))
                    nxt.append((child[k], (*p, k), f"{lab}[{tag}]"))
            else:
                if sel is not None:
                    raise ValueError(f"'{lab}' is not a list of tables; drop [{sel}]")
                nxt.append((child, p, lab))
        branches = nxt
    out = []
    for node, path, label in branches:
        if not _numeric(node):
            what = "a table" if isinstance(node, dict) else repr(node)
            hint = ""
            if isinstance(node, dict):
                keys = _numeric_keys(node)
                hint = f"; numeric keys in it: {', '.join(keys)}" if keys else ""
            raise ValueError(f"'{label}' is {what}, not a number or a series by year{hint}")
        out.append(Target(path, label, node, _wants_int(_field_annotation(path))))
    return out


# --------------------------------------------------------------------------- --vary text

def _num(text: str, what: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise ValueError(f"{what} '{text}' is not a number") from None
    if not math.isfinite(x):
        raise ValueError(f"{what} must be finite, found {text}")
    return x


def parse_vary(text: str, raw: dict[str, Any]) -> VarySpec:
    """Parse one ``KEY=LO:HI[:OPTION...]`` against the scenario document ``raw``.

    Raises
    ------
    ValueError
        With one sentence saying what is wrong (the caller adds the fix).
    """
    key, eq, rest = text.partition("=")
    key = key.strip()
    if not eq or not key:
        raise ValueError("expected KEY=LO:HI, e.g. carbon.price=0.5:2.0")
    fields = [f.strip() for f in rest.split(":")]
    if len(fields) < 2 or not fields[0] or not fields[1]:
        raise ValueError(f"expected two numbers LO:HI after '=', found '{rest}'")
    a = _num(fields[0], "low" if "normal" not in rest else "mean")
    b = _num(fields[1], "high" if "normal" not in rest else "standard deviation")
    dist: str = "uniform"
    mode: str = "mul"
    peak: float | None = None
    for opt in fields[2:]:
        word, at, value = opt.partition("@")
        word = _ALIASES.get(word.lower(), word.lower())
        if word in DISTRIBUTIONS:
            dist = word
            if at:
                if word != "triangular":
                    raise ValueError(f"only triangular takes @PEAK, found '{opt}'")
                peak = _num(value, "peak")
        elif word in ("abs", "mul"):
            mode = word
        else:
            raise ValueError(f"unknown option '{opt}'; use uniform, triangular[@PEAK], normal, "
                             "mul or abs")
    targets = resolve_key(raw, key)
    name = targets[0].label if len(targets) == 1 else _star_label(targets)
    signed = any(str(t.path[-1]) in _SIGNED_KEYS for t in targets)
    if mode == "abs" and any(t.is_series for t in targets):
        raise ValueError(f"'{name}' is a series by year: it can only be scaled as a whole; "
                         "drop :abs and give factors (e.g. 0.8:1.2)")
    if dist == "normal":
        if b <= 0:
            raise ValueError(f"the standard deviation must be > 0, found {b:g}")
        if (mode == "mul" or not signed) and a < 0:
            raise ValueError(f"the mean must be >= 0 for '{name}', found {a:g}")
    else:
        if not a < b:
            raise ValueError(f"low {a:g} must be below high {b:g}")
        if (mode == "mul" or not signed) and a < 0:
            raise ValueError(("a factor" if mode == "mul" else "a value") + f" below 0 ({a:g}) "
                             f"is not allowed for '{name}'")
        if dist == "triangular":
            if peak is None:
                peak = 1.0 if mode == "mul" else (a + b) / 2
            if not a <= peak <= b:
                raise ValueError(f"the triangular peak {peak:g} lies outside {a:g}..{b:g}; "
                                 "give it as triangular@PEAK")
    return VarySpec(text=text, name=name, targets=tuple(targets), low=a, high=b,
                    distribution=dist, mode=mode, peak=peak,  # type: ignore[arg-type]
                    nonneg=not signed)


def _star_label(targets: list[Target]) -> str:
    first = targets[0].label
    head, _, tail = first.partition("[")
    return f"{head}[*]{tail.partition(']')[2]}"


def parse_specs(texts: list[str] | tuple[str, ...], raw: dict[str, Any],
                file: str | Path = "--vary") -> list[VarySpec]:
    """Parse every ``--vary`` text; report all problems together.

    Raises
    ------
    ScenarioError
        One problem per bad spec (and for a key varied twice, or no spec at all).
    """
    problems: list[Problem] = []
    specs: list[VarySpec] = []
    if not texts:
        problems.append(Problem("--vary", "nothing to vary",
                                "give --vary KEY=LO:HI (e.g. carbon.price=0.5:2.0) or a "
                                "[sweep] vary list in the scenario"))
    for text in texts:
        try:
            specs.append(parse_vary(text, raw))
        except ValueError as exc:
            problems.append(Problem(f"--vary {text}", str(exc),
                                    "see `plan sweep --help` or docs/sweeps.md for the syntax"))
    seen: dict[tuple, str] = {}
    for s in specs:
        for t in s.targets:
            if t.path in seen:
                problems.append(Problem(f"--vary {s.text}", f"'{t.label}' is already varied by "
                                        f"--vary {seen[t.path]}", "vary each key once"))
            seen[t.path] = s.text
    if problems:
        raise ScenarioError(file, problems)
    return specs
