"""The commented scenario template written by ``plan init``."""

from __future__ import annotations

from importlib import resources

__all__ = ["template_text"]


def template_text(lang: str = "en") -> str:
    """Text of the template (it validates as written); ``zh``: the same keys and values,
    commented in Chinese (and a Chinese plant and measure names)."""
    name = "templates/scenario.zh.toml" if lang == "zh" else "templates/scenario.toml"
    return resources.files("planner").joinpath(name).read_text("utf-8")
