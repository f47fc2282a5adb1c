"""One sample -> a scenario document -> validated scenario -> model inputs.

A sample is a vector of levels, one per varied input; ``nan`` leaves an input at
the scenario's value (the base case, and the other inputs of a tornado run). The
mutated document goes through the same validation as a scenario file, so a sample
that makes the scenario invalid (e.g. a share above 1) fails with the same clear
message, recorded as that sample's reason.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np

from models.inputs import PlanInputs
from planner.scenario.read import ScenarioFile, parse_scenario
from planner.sweep.spec import Target, VarySpec

__all__ = ["apply_sample", "sample_inputs", "set_target"]


def _scaled(target: Target, spec: VarySpec, level: float) -> Any:
    """New value of one target at ``level`` (factor or value)."""
    base = target.base
    if spec.mode == "abs":
        value: Any = level
    elif isinstance(base, dict):
        # A series by year is scaled as a whole: one factor for every year.
        value = {k: float(v) * level for k, v in base.items()}
    else:
        value = float(base) * level
    if target.integer and not isinstance(value, dict):
        value = round(value)
    return value


def set_target(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    """Set the value at ``path`` in a TOML document (in place)."""
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def apply_sample(raw: dict[str, Any], specs: list[VarySpec],
                 levels: np.ndarray | list[float]) -> dict[str, Any]:
    """A copy of the scenario document with one sample's levels applied.

    Parameters
    ----------
    raw : dict
        The scenario's TOML document (not modified).
    specs : list of VarySpec
    levels : array of float, shape (K,)
        One level per spec; ``nan`` keeps the scenario's value.

    Returns
    -------
    dict
        The mutated document (without its ``[sweep]`` section).
    """
    doc = copy.deepcopy(raw)
    doc.pop("sweep", None)
    for spec, level in zip(specs, levels, strict=True):
        if level is None or math.isnan(float(level)):
            continue
        for t in spec.targets:
            set_target(doc, t.path, _scaled(t, spec, float(level)))
    return doc


def sample_inputs(raw: dict[str, Any], path: str | Path, specs: list[VarySpec],
                  levels: np.ndarray | list[float]) -> tuple[ScenarioFile, PlanInputs]:
    """Validate a sample's scenario and build its model inputs.

    Raises
    ------
    ScenarioError
        The sample's scenario is invalid (every problem listed).
    """
    from planner.run.pipeline import inputs_of

    # The same entry as `plan`: the scenario's standard binds every sample, derived
    # quantities are checked, warnings are kept (a sweep never stops on one).
    sf, inp, _, _ = inputs_of(parse_scenario(apply_sample(raw, specs, levels), path))
    return sf, inp
