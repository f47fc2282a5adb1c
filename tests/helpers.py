"""Solve a raw scenario dict end to end (test helper)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.plan.results import Plan
from planner.scenario.read import parse_scenario


def solve_raw(raw: dict[str, Any], path: str | Path = "tiny.toml",
              standard: str | None = None) -> Plan:
    """Solve a scenario dict through the planner's one pipeline entry (as ``plan`` does a file)."""
    from planner.run.pipeline import plan_of

    return plan_of(parse_scenario(raw, path), standard=standard)


def discount(rate: float, t: int) -> float:
    return (1.0 + rate) ** -t
