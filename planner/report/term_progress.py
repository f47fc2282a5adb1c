"""What ``plan`` is doing, on a terminal: the stage and, while solving, each iteration.

One status line (a rich spinner) that names the stage (reading, hourly inputs with the PV
profile, solving with the iteration, lower bound, cuts and largest cut violation,
accounts, writing). Nothing is drawn when the output is not a terminal (a pipe, cron,
CI) or with ``--quiet``/``--json``: the tables that follow are then the whole output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

from planner.base.i18n import msg
from planner.report.money import money_text

__all__ = ["PlanProgress", "plan_progress"]


class PlanProgress:
    """Callbacks for :func:`planner.run.pipeline.plan_scenario` (``stage`` and ``progress``).

    ``update`` receives each new status text; :attr:`lines` keeps them (for tests).
    """

    def __init__(self, update: Callable[[str], None], lang: str = "en") -> None:
        self._update = update
        self._lang = lang
        self._n = 0
        self._t0 = time.perf_counter()
        self.lines: list[str] = []

    def _show(self, text: str) -> None:
        self.lines.append(text)
        self._update(text)

    def stage(self, name: str) -> None:
        """A new step: ``reading``, ``inputs``, ``solving``, ``diagnosing``, ``accounts``,
        ``writing``."""
        self._show(msg(f"progress.{name}").render(self._lang))

    def iteration(self, rec: Any) -> None:
        """One pass of the solve loop (a ``models.decomposition.IterationRecord``)."""
        self._n += 1
        phase = "LP" if rec.phase == "lp" else "MILP"
        self._show(msg("progress.iteration", phase=phase, n=self._n,
                       bound=money_text(rec.master_objective * 1e6, self._lang),  # MCNY
                       cuts=rec.cuts_added,
                       violation=rec.max_violation_cny,
                       elapsed=time.perf_counter() - self._t0).render(self._lang))


@contextmanager
def plan_progress(console: Console, lang: str = "en", enabled: bool = True
                  ) -> Iterator[PlanProgress]:
    """A :class:`PlanProgress` drawing on ``console`` while the block runs.

    Drawn only when ``enabled`` and the console is a terminal; otherwise the callbacks
    do nothing visible.
    """
    if not (enabled and console.is_terminal):
        yield PlanProgress(lambda _text: None, lang)
        return
    with console.status(msg("progress.reading").render(lang), spinner="dots") as status:
        yield PlanProgress(lambda text: status.update(text), lang)
