"""The only place that reaches inside Pyomo's persistent HiGHS interface.

Pyomo's ``appsi`` HiGHS wrapper gives no public way to add many rows at once, to
offer a partial MIP start or to read HiGHS's own model status; the decomposition
needs all three. The two private attributes used for them are read here and
nowhere else, so a Pyomo upgrade that renames them breaks one module, and the
versions they were tested with are pinned in ``pyproject.toml`` (Pyomo 6.8-6.10,
highspy 1.7-1.x; checked with Pyomo 6.10.1 and highspy 1.16.0).
"""

from __future__ import annotations

from typing import Any

__all__ = ["column_of", "highs_of"]


def highs_of(opt: Any) -> Any:
    """The ``highspy.Highs`` object behind a Pyomo persistent HiGHS solver."""
    try:
        return opt._solver_model
    except AttributeError as exc:  # pragma: no cover - only on an untested Pyomo
        raise RuntimeError(_UNSUPPORTED) from exc


def column_of(opt: Any) -> dict[int, int]:
    """``id(pyomo variable) -> HiGHS column index`` of a persistent HiGHS solver."""
    try:
        return opt._pyomo_var_to_solver_var_map
    except AttributeError as exc:  # pragma: no cover - only on an untested Pyomo
        raise RuntimeError(_UNSUPPORTED) from exc


_UNSUPPORTED = ("this Pyomo version's HiGHS interface is not the one carbonpath was tested "
                "with (Pyomo 6.8-6.10); install one of those: pip install 'pyomo>=6.8,<6.11'")
