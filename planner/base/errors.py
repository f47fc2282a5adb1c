"""Errors a user can act on.

Every error that reaches the command line is a :class:`CarbonpathError`; the CLI
prints ``str(error)`` and exits with ``error.exit_code``, without a traceback
(``--debug`` shows it). Scenario problems are collected and reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from planner.base.i18n import Msg, msg
from planner.base.i18n_text import translate, translate_lines

__all__ = ["CarbonpathError", "InfeasiblePlanError", "Problem", "ScenarioError", "SchedulerError",
           "SolverError", "UsageError"]


class CarbonpathError(Exception):
    """Base class of the errors shown to users as one clear message."""

    exit_code: int = 1

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``str(error)`` in English)."""
        return translate_lines(str(self), lang)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario file.

    Attributes
    ----------
    path : str
        Key path in the file, e.g. ``measure[3].capex_cny`` (empty for the whole file).
    message : str
        What is wrong, including what was found.
    fix : str
        What to change.
    text, fix_text : planner.base.i18n.Msg, optional
        ``message`` and ``fix`` as catalogue entries, for the other languages (the
        English strings above are rendered from them when given).
    """

    path: str
    message: str
    fix: str = ""
    text: Msg | None = None
    fix_text: Msg | None = None

    def render(self, lang: str = "en") -> str:
        """``path: message. Fix: fix.`` in ``lang``; the key path is kept as written.

        Without catalogue entries (``text``), the English message and fix are translated
        through :func:`planner.base.i18n_text.translate` (English where it has no entry).
        """
        where = f"{self.path}: " if self.path else ""
        if lang != "en":
            end = "。"
            if self.text is None:
                fix = translate(self.fix, lang) if self.fix else ""
                fix = f"{msg('cli.fix').render(lang)}{_sentence(fix, end)}" if fix else ""
                return f"{where}{_sentence(translate(self.message, lang), end)}{fix}"
            fix = self.fix_text.render(lang) if self.fix_text is not None else ""
            fix = f"{msg('cli.fix').render(lang)}{_sentence(fix, end)}" if fix else ""
            return f"{where}{_sentence(self.text.render(lang), end)}{fix}"
        fix = f" Fix: {_sentence(self.fix)}" if self.fix else ""
        return f"{where}{_sentence(self.message)}{fix}"

    @classmethod
    def of(cls, path: str, text: Msg, fix_text: Msg | None = None) -> Problem:
        """A problem whose message and fix come from the catalogue (planner/base/i18n.py)."""
        return cls(path, text.render("en"), fix_text.render("en") if fix_text else "",
                   text, fix_text)


def _sentence(text: str, end: str = ".") -> str:
    text = text.rstrip(". 。")
    return text if text.endswith(("?", "!", "？", "！")) else text + end


@dataclass
class ScenarioError(CarbonpathError):
    """A scenario file that cannot be used; lists every problem found."""

    file: Path | str
    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 2

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.render()

    def render(self, lang: str = "en") -> str:
        """The file, the number of problems and each problem (key path kept) in ``lang``."""
        n = len(self.problems)
        head = translate(f"{self.file}: {n} problem{'s' if n != 1 else ''} in the scenario", lang)
        return head + "\n" + "\n".join(f"  - {p.render(lang)}" for p in self.problems)


class SolverError(CarbonpathError):
    """The solver failed without a usable plan (numerical trouble, no solution in time)."""

    exit_code = 4


class InfeasiblePlanError(CarbonpathError):
    """No plan meets the target with the levers given; carries a diagnosis."""

    exit_code = 3

    def __init__(self, message: str, diagnosis: object | None = None) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis


class UsageError(CarbonpathError):
    """An option this machine cannot honour (e.g. ``--pdf`` without a browser)."""

    exit_code = 2


class SchedulerError(CarbonpathError):
    """The dask scheduler given to ``plan sweep --scheduler`` cannot be reached."""

    exit_code = 2
