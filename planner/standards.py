"""Zero-carbon standards a plan can be assessed against.

Issue 2 only names them (the scenario may say which one applies); the rule
profiles that the model enforces and the per-year verdicts come with issue 6.
"""

from __future__ import annotations

__all__ = ["known_standards"]

_NAMES = ("sbti-net-zero", "iso-14068-1", "pas-2060", "zero-carbon-factory",
          "near-zero-carbon-factory")


def known_standards() -> tuple[str, ...]:
    """Names accepted in ``scenario.standard``."""
    return _NAMES
