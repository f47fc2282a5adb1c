"""Zero-carbon standards as data: rule profiles shipped as TOML, or the user's own file.

A profile says what is counted (boundary: scopes, scope-2 method, gases), which
instruments may neutralise the residual (avoidance credits, removal credits,
removals, non-permanent removals, green certificates, green-power contracts) and a
list of rules of a few generic kinds. The model enforces the rules (:mod:`models.rules`) and
:mod:`planner.analysis.verdicts` checks them year by year; neither branches on a
standard's name. Each rule carries its confidence mark (V/S/U) and source.

Rule kinds (``B`` = base-year emissions inside the boundary, ``G[y]`` = gross
emissions inside the boundary, ``O[y]`` = offsets that count):

``net_max_share``                   ``G[y] - O[y] <= value x B``
``offset_max_share``                ``O[y] <= value x B``
``reduction_min_share``             ``G[y] <= (1 - value) x B``
``renewable_electricity_min_share`` ``1 - (import - certificates - green power) / load >= value``
``annual_reduction_min_rate``       ``G[y] <= (1 - value x (y - base)) x B`` for ``years`` years
``gross_non_increasing``            ``G[y] <= G[y - 1]`` after the first claim year

``applies = "claim"``: from the scenario's net-zero year on (the year the claim is
made); ``"window"``: the first ``years`` years after the base year.
"""

from __future__ import annotations

import difflib
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.base.errors import Problem, ScenarioError

__all__ = ["Profile", "Rule", "known_standards", "load_profile", "resolve_standard"]

RuleKind = Literal["net_max_share", "offset_max_share", "reduction_min_share",
                   "renewable_electricity_min_share", "annual_reduction_min_rate",
                   "gross_non_increasing"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


_BOTH_SCOPES: list[Literal["scope1", "scope2"]] = ["scope1", "scope2"]


class Boundary(_Strict):
    """What is counted."""

    scopes: list[Literal["scope1", "scope2"]] = Field(default_factory=lambda: _BOTH_SCOPES.copy())
    scope2_method: Literal["market", "location"] = "market"
    gases: Literal["all", "co2"] = "all"


class Instruments(_Strict):
    """Which purchases may neutralise the residual."""

    avoidance_credits: bool = True
    removal_credits: bool = True
    removals: bool = True
    non_permanent_removals: bool = True
    certificates: bool = True
    #: Green-power purchase contracts (绿电交易) and their bundled GECs.
    green_power: bool = True


class Rule(_Strict):
    """One rule of a profile."""

    id: str = Field(min_length=1)
    kind: RuleKind
    value: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    years: Annotated[int, Field(ge=1, le=100)] = 10
    applies: Literal["claim", "window"] = "claim"
    mark: Literal["V", "S", "U"]
    source: str = ""


class Profile(_Strict):
    """A standard's rule profile."""

    name: str = Field(min_length=1)
    title: str
    title_zh: str = ""
    version: str = ""
    note: str = ""
    aliases: list[str] = Field(default_factory=list)
    alias_note: str = ""
    boundary: Boundary = Field(default_factory=Boundary)
    instruments: Instruments = Field(default_factory=Instruments)
    rule: list[Rule] = Field(default_factory=list)

    @property
    def unverified(self) -> list[Rule]:
        """Rules whose threshold could not be verified from the standard's text."""
        return [r for r in self.rule if r.mark != "V"]


def _shipped() -> dict[str, str]:
    """Shipped profile name -> TOML text."""
    folder = resources.files("planner") / "data" / "standards"
    return {p.name.removesuffix(".toml"): p.read_text(encoding="utf-8")
            for p in folder.iterdir() if p.name.endswith(".toml")}


@lru_cache(maxsize=1)
def _shipped_profiles() -> dict[str, Profile]:
    out = {}
    for name, text in sorted(_shipped().items()):
        out[name] = Profile.model_validate(tomllib.loads(text))
    return out


def known_standards() -> tuple[str, ...]:
    """Names accepted in ``scenario.standard`` and ``--standard`` (aliases included)."""
    names = []
    for name, p in _shipped_profiles().items():
        names += [name, *p.aliases]
    return tuple(names)


def resolve_standard(name: str) -> tuple[Profile, str]:
    """The shipped profile for ``name`` (or an alias) and a note if it was an alias.

    Raises
    ------
    KeyError
        For an unknown name.
    """
    for key, p in _shipped_profiles().items():
        if name == key:
            return p, ""
        if name in p.aliases:
            return p, p.alias_note or f"'{name}' is assessed as '{key}'"
    raise KeyError(name)


def load_profile(spec: str, base_dir: Path | None = None, key: str = "scenario.standard"
                 ) -> tuple[Profile, str]:
    """A profile by shipped name or alias, or from a TOML file path.

    Parameters
    ----------
    spec : str
        A shipped name (``known_standards()``) or a path to a profile file
        (relative paths resolve against ``base_dir``, then the working folder).
    base_dir : Path, optional
    key : str
        Where the name came from, for messages.

    Returns
    -------
    (Profile, note)
        ``note`` explains an alias, else empty.

    Raises
    ------
    ScenarioError
        Unknown name, unreadable or invalid profile file.
    """
    try:
        return resolve_standard(spec)
    except KeyError:
        pass
    if not spec.endswith(".toml"):
        close = difflib.get_close_matches(spec, known_standards(), n=1, cutoff=0.6)
        fix = f"did you mean '{close[0]}'?" if close else \
            "use one of " + ", ".join(known_standards()) + ", or the path of a profile .toml"
        raise ScenarioError(key, [Problem(key, f"unknown standard '{spec}'", fix)])
    path = Path(spec).expanduser()
    if not path.is_absolute() and base_dir is not None and (base_dir / path).exists():
        path = base_dir / path
    if not path.is_file():
        raise ScenarioError(path, [Problem(key, f"profile file not found: {path}",
                                           "give the path of a profile .toml (docs/standards.md)")])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(path, [Problem("", f"is not a valid TOML profile: {exc}",
                                           "fix the syntax (docs/standards.md)")]) from None
    try:
        return Profile.model_validate(raw), ""
    except ValidationError as exc:
        problems = [Problem(".".join(str(p + 1) if isinstance(p, int) else str(p)
                                     for p in e["loc"]),
                            e["msg"], "see docs/standards.md for the profile keys")
                    for e in exc.errors()]
        raise ScenarioError(path, problems) from None
