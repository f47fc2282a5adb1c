"""Solve a raw scenario dict end to end (test helper)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.inputs import build_inputs
from planner.results import Plan, build_plan
from planner.scenario import parse_scenario
from planner.solve import solve_inputs


def solve_raw(raw: dict[str, Any], path: str | Path = "tiny.toml") -> Plan:
    sf = parse_scenario(raw, path)
    inp = build_inputs(sf)
    sol = solve_inputs(inp, sf.scenario.solver)
    return build_plan(sf.scenario.scenario.name, inp, sol)


def discount(rate: float, t: int) -> float:
    return (1.0 + rate) ** -t
