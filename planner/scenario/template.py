"""The commented scenario template written by ``plan init``."""

from __future__ import annotations

from importlib import resources

__all__ = ["template_text"]


def template_text() -> str:
    """Text of the template (it validates as written)."""
    return resources.files("planner").joinpath("templates/scenario.toml").read_text("utf-8")
