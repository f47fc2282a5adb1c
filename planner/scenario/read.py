"""Read a scenario file: TOML -> validated, immutable :class:`Scenario`.

All problems in a file are collected and raised together as one
:class:`~planner.base.errors.ScenarioError`, each with its key path (arrays of tables
counted from 1 in file order, e.g. ``measure[3].capex_cny``), what was found and
the fix. Nothing here solves or writes anything.
"""

from __future__ import annotations

import difflib
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from planner.base.errors import Problem, ScenarioError
from planner.base.safe_read import UnreadableFileError, read_bounded
from planner.base.schema import Scenario

__all__ = ["MAX_NESTING", "MAX_SCENARIO_BYTES", "ScenarioFile", "load_scenario", "parse_scenario",
           "semantic_problems"]

#: Largest scenario file read (1 MiB; the examples are about 10 kB, a plant with 400
#: measures about 200 kB). Larger files are refused before they are read.
MAX_SCENARIO_BYTES = 1 << 20
#: Deepest nesting of tables and arrays accepted; a scenario needs 5 (the document,
#: [[grid.periods]] list and table, their hours). About 490 levels exhaust the TOML
#: reader's recursion.
MAX_NESTING = 16


@dataclass(frozen=True)
class ScenarioFile:
    """A validated scenario and where it came from (relative CSV paths resolve here)."""

    path: Path
    scenario: Scenario
    #: Plausibility warnings (:mod:`planner.scenario.plausibility`), filled in by the pipeline.
    warnings: tuple[Problem, ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        """Path of a file named in the scenario, relative to the scenario file."""
        p = Path(relative).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)


def load_scenario(path: str | Path) -> ScenarioFile:
    """Read, parse and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    ScenarioFile

    Raises
    ------
    ScenarioError
        For a missing or unreadable file, bad TOML, or any schema or consistency
        problem; every problem found is listed.
    """
    path = Path(path)
    if not path.exists():
        raise ScenarioError(path, [Problem("", "file not found",
                                           "check the path, or create one with `plan init FILE`")])
    if path.is_dir():
        raise ScenarioError(path, [Problem("", "is a directory, not a scenario file",
                                           "give the path of a .toml file")])
    try:
        raw_bytes = read_bounded(path, MAX_SCENARIO_BYTES, "scenario")
    except UnreadableFileError as exc:
        raise ScenarioError(path, [Problem("", exc.message, exc.fix)]) from None
    except OSError as exc:
        raise ScenarioError(path, [Problem("", f"cannot be read ({exc.strerror})",
                                           "check the file's permissions")]) from None
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise ScenarioError(path, [Problem("", f"is not UTF-8 text (bad byte at line {line})",
                                           "save the file as UTF-8")]) from None
    # Windows Notepad saves UTF-8 with a byte-order mark; tomllib rejects it, so drop it.
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ScenarioError(path, [Problem("", "is empty",
                                           "start from a template: `plan init FILE`")])
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = Problem("", f"is not valid TOML: {exc}",
                          "fix the syntax at that line (quotes around text, `key = value`, "
                          "one [table] header per table)")
        raise ScenarioError(path, [problem]) from None
    except RecursionError:
        raise ScenarioError(path, [_too_deep(None)]) from None
    depth = _depth(raw)
    if depth > MAX_NESTING:
        raise ScenarioError(path, [_too_deep(depth)])
    return parse_scenario(raw, path)


def _depth(node: Any) -> int:
    """Nesting depth of a parsed TOML document (iterative: no recursion limit)."""
    deepest, stack = 0, [(node, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
        else:
            continue
        deepest = max(deepest, level + 1)
    return deepest


def _too_deep(depth: int | None) -> Problem:
    found = f"{depth} levels" if depth else "hundreds of levels"
    return Problem("", f"tables or arrays are nested {found} deep; a scenario needs at most "
                   f"5 and {MAX_NESTING} are accepted",
                   "remove the extra brackets (e.g. [[[[1]]]] -> 1)")


def parse_scenario(raw: dict[str, Any], path: str | Path = "<scenario>") -> ScenarioFile:
    """Validate an already-parsed TOML document; see :func:`load_scenario`."""
    path = Path(path)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(path, _schema_problems(exc, raw)) from None
    sf = ScenarioFile(path, scenario)
    problems = semantic_problems(sf)
    if problems:
        raise ScenarioError(path, problems)
    return sf


# --------------------------------------------------------------------------- schema errors

def _format_loc(loc: tuple[Any, ...], raw: Any) -> str:
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            label = ""
            if isinstance(node, list) and 0 <= part < len(node) and isinstance(node[part], dict):
                ident = node[part].get("id")
                if isinstance(ident, str):
                    label = f' "{ident}"'
            out += f"[{part + 1}{label}]"
        else:
            out += ("." if out else "") + str(part)
        node = _child(node, part)
    return out


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that owns the last key of ``loc``."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    for arg in typing.get_args(annotation) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"text '{value}'"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _schema_problems(exc: ValidationError, raw: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = _format_loc(loc, raw)
        kind = err["type"]
        found = err.get("input")
        if kind == "extra_forbidden":
            model = _model_at(loc)
            valid = sorted(model.model_fields) if model else []
            close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
            hint = (f"did you mean '{close[0]}'?" if close
                    else "remove it" + (f"; valid keys here: {', '.join(valid)}" if valid else ""))
            problems.append(Problem(key, "unknown key", hint))
        elif kind == "missing":
            problems.append(Problem(key, "required key is missing", f"add `{loc[-1]} = ...`"))
        elif kind in ("float_type", "int_type", "bool_type", "string_type", "list_type",
                      "dict_type", "model_type", "int_from_float"):
            expected = {"float_type": "a number", "int_type": "a whole number",
                        "int_from_float": "a whole number", "bool_type": "true or false",
                        "string_type": "text in quotes", "list_type": "a list [...]",
                        "dict_type": "a table", "model_type": "a table"}[kind]
            problems.append(Problem(key, f"expected {expected}, found {_describe(found)}",
                                    f"write {expected}"))
        elif kind == "literal_error":
            allowed = err.get("ctx", {}).get("expected", "")
            close = []
            if isinstance(found, str):
                opts = [o.strip(" '\"") for o in allowed.replace(" or ", ",").split(",")]
                close = difflib.get_close_matches(found, opts, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"use one of {allowed}"
            problems.append(Problem(key, f"{_describe(found)} is not allowed", hint))
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            problems.append(Problem(key, f"{err['msg'].lower()}, found {_describe(found)}",
                                    "change the value"))
        elif kind in ("too_short", "string_too_short"):
            problems.append(Problem(key, "must not be empty", "give a value"))
        else:
            msg = err["msg"]
            msg = msg.removeprefix("Value error, ")
            problems.append(Problem(key, msg, "correct the value"))
    return problems


# --------------------------------------------------------------------------- semantics

def semantic_problems(sf: ScenarioFile) -> list[Problem]:
    """Consistency checks across keys, run after the schema is satisfied."""
    from planner.scenario import checks
    return checks.all_problems(sf)
