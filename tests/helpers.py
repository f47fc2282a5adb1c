"""Solve a raw scenario dict end to end (test helper)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.inputs import build_inputs
from planner.results import Plan, build_plan
from planner.scenario import parse_scenario
from planner.solve import solve_inputs


def solve_raw(raw: dict[str, Any], path: str | Path = "tiny.toml",
              standard: str | None = None) -> Plan:
    """Solve a scenario dict like ``plan_scenario`` does a file (standard's rules included)."""
    from planner.pipeline import standard_profile
    from planner.standard_rules import with_rules

    sf = parse_scenario(raw, path)
    profile, note = standard_profile(sf, standard)
    inp = with_rules(build_inputs(sf), profile)
    sol = solve_inputs(inp, sf.scenario.solver)
    return build_plan(sf.scenario.scenario.name, inp, sol, profile=profile, profile_note=note)


def discount(rate: float, t: int) -> float:
    return (1.0 + rate) ** -t
