"""The group file: which plants, the group's target, capex budget and shared pools.

A group file names plant scenario files (paths relative to the group file; each stays a
valid scenario on its own) and adds the group-level constraints of
:class:`models.group.GroupCoupling`. Reading it validates the group file and every plant
file, gathers every problem (a plant's problems name the plant file and its key), and
raises one :class:`~planner.base.errors.ScenarioError` (exit 2) before anything is solved.

Conventions reused from the plant schema: ``[target]`` is the plant file's ``[target]``
table applied to the group's base-year emissions (the sum of the plants'); ``[budget]``
is the plant file's ``[budget]``; series are numbers or tables of years.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field, ValidationError

from models.group import GroupCoupling
from models.inputs import PlanInputs
from planner.base.errors import Problem, ScenarioError
from planner.base.schema import Budget, Ident, Series, SolverSettings, Target, Text, _Strict
from planner.base.series import series_values
from planner.inputs.build import allowed_share, with_scope2_basis
from planner.scenario.read import MAX_SCENARIO_BYTES, ScenarioFile, _schema_problems, load_scenario

__all__ = ["GroupFile", "GroupPlant", "GroupSchema", "load_group"]


class GroupMeta(_Strict):
    """``[group]``: the group's name."""

    name: Text = "group"


class PlantEntry(_Strict):
    """``[[plant]]``: one plant scenario file of the group."""

    file: Text = Field(min_length=1)
    #: Short name of the plant in the group's outputs (default: the file's stem).
    name: Ident | None = None


class Pool(_Strict):
    """``[pool]``: purchases available to the whole group per year, shared by its plants."""

    credits_t_per_year: Series | None = None
    removals_t_per_year: Series | None = None
    certificates_mwh_per_year: Series | None = None


class GroupSchema(_Strict):
    """A group file."""

    group: GroupMeta = GroupMeta()
    plant: list[PlantEntry] = Field(min_length=1)
    target: Target | None = None
    budget: Budget = Budget()
    pool: Pool = Pool()
    solver: SolverSettings = SolverSettings()


@dataclass(frozen=True)
class GroupPlant:
    """One plant: its name, its validated scenario and its model inputs."""

    name: str
    scenario: ScenarioFile
    inputs: PlanInputs


@dataclass(frozen=True)
class GroupFile:
    """A validated group: plants, coupling, settings."""

    path: Path
    schema: GroupSchema
    plants: tuple[GroupPlant, ...]
    coupling: GroupCoupling
    years: np.ndarray
    #: The group's base-year emissions: the sum of the plants' [tCO2e].
    base_emissions_t: float

    @property
    def name(self) -> str:
        return self.schema.group.name

    @property
    def inputs(self) -> list[PlanInputs]:
        return [p.inputs for p in self.plants]

    def base_share(self) -> np.ndarray:
        """Each plant's share of the group's base-year emissions (for planning it alone)."""
        base = np.array([p.inputs.target.base_emissions_t for p in self.plants])
        total = base.sum()
        return base / total if total > 0 else np.full(len(base), 1.0 / len(base))


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ScenarioError(path, [Problem("", "file not found",
                                           "check the path of the group file")])
    data = path.read_bytes()
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(path, [Problem("", "is larger than 1 MiB",
                                           "a group file only lists plant files and a few keys")])
    try:
        return tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        raise ScenarioError(path, [Problem("", "is not UTF-8 text", "save the file as UTF-8")]
                            ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, [Problem("", f"is not valid TOML: {exc}",
                                           "fix the syntax at that line")]) from None


def load_group(path: str | Path) -> GroupFile:
    """Read and validate a group file and every plant file it names; build their inputs.

    Raises
    ------
    ScenarioError
        Every problem of the group file and of its plant files (exit 2); a plant's
        problems carry ``plant[i] (FILE): key`` as their path.
    """
    from planner.run.pipeline import inputs_of

    path = Path(path)
    raw = _read_toml(path)
    try:
        schema = GroupSchema.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(path, _schema_problems(exc, raw)) from None
    problems: list[Problem] = []
    plants: list[GroupPlant] = []
    names: dict[str, int] = {}
    for i, entry in enumerate(schema.plant):
        where = f"plant[{i + 1}]"
        file = Path(entry.file).expanduser()
        file = file if file.is_absolute() else path.parent / file
        name = entry.name or file.stem
        if name == "group":
            problems.append(Problem(f"{where}.name" if entry.name else f"{where}.file",
                                    "'group' is the name of the group's own output folder",
                                    "give the plant another `name = \"...\"`"))
            continue
        if name in names:
            problems.append(Problem(f"{where}.name" if entry.name else f"{where}.file",
                                    f"'{name}' is already the name of "
                                    f"plant[{names[name] + 1}]",
                                    "give each plant its own `name = \"...\"`"))
            continue
        names[name] = i
        try:
            sf, inp, _, _ = inputs_of(load_scenario(file))
        except ScenarioError as exc:
            problems.extend(Problem(f"{where} ({file})" + (f": {p.path}" if p.path else ""),
                                    p.message, p.fix) for p in exc.problems)
            continue
        # The group's target replaces each plant's own and the standards' rules are a plant
        # matter the group does not apply (docs/group.md, limitations).
        inp = dataclasses.replace(inp, rules=None)
        if schema.target is not None and schema.target.scope2_basis is not None:
            inp = with_scope2_basis(inp, schema.target.scope2_basis)
        plants.append(GroupPlant(name, sf, inp))
    if problems:
        raise ScenarioError(path, problems)
    first = plants[0]
    years = first.inputs.years
    for i, p in enumerate(plants[1:], start=2):
        if not np.array_equal(p.inputs.years, years):
            problems.append(Problem(
                f"plant[{i}] ({p.scenario.path})",
                f"runs {int(p.inputs.years[0])}-{int(p.inputs.years[-1])} while "
                f"plant[1] ({first.scenario.path}) runs {int(years[0])}-{int(years[-1])}; "
                "the plants of a group share one horizon",
                "give every plant file the same scenario.base_year and scenario.end_year"))
    if schema.target is not None:
        nz = schema.target.net_zero_year
        # A net-zero year after the horizon is allowed: the straight line to it still caps
        # every year of the horizon.
        if nz <= int(years[0]) and not problems:
            problems.append(Problem("target.net_zero_year",
                                    f"{nz} is not after the plants' base year {int(years[0])}",
                                    "choose a later year"))
    if problems:
        raise ScenarioError(path, problems)
    coupling, base_t = _coupling(schema, first.scenario, [p.inputs for p in plants], years)
    return GroupFile(path, schema, tuple(plants), coupling, years, base_t)


def _coupling(schema: GroupSchema, first: ScenarioFile, inputs: list[PlanInputs],
              years: np.ndarray) -> tuple[GroupCoupling, float]:
    n = len(years)
    base_t = float(sum(inp.target.base_emissions_t for inp in inputs))

    def series(v: float | dict[str, float] | None) -> np.ndarray:
        return np.full(n, np.inf) if v is None else series_values(v, years)

    net = credit = None
    if schema.target is not None:
        # The plant schema's trajectory, applied to the group's base-year emissions.
        s = first.scenario.model_copy(update={"target": schema.target})
        net = allowed_share(s, years) * base_t
        credit = np.full(n, schema.target.max_credit_share * base_t)
    return GroupCoupling(
        net_cap_t_y=net, credit_cap_t_y=credit,
        capex_budget_cny_y=series(schema.budget.capex_cny_per_year),
        credit_pool_t_y=series(schema.pool.credits_t_per_year),
        removal_pool_t_y=series(schema.pool.removals_t_per_year),
        certificate_pool_mwh_y=series(schema.pool.certificates_mwh_per_year)), base_t
