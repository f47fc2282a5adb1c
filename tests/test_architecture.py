"""The one-way flow of docs/architecture.md, checked on the source: no import runs back up.

Every module of ``models/``, ``planner/`` and ``cli.py`` has a stage; a module may import
only modules of its own or an earlier stage, and imports (lazy ones inside functions
included) form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

#: Stages in flow order, one package of ``planner/`` each (docs/architecture.md). Within a
#: stage a module may import its siblings; the first prefix that matches names the stage.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("model", ("models",)),
    ("base", ("planner.base",)),
    ("tables", ("planner.tables",)),
    ("profiles", ("planner.profiles",)),
    ("scenario", ("planner.scenario",)),
    ("inputs", ("planner.inputs",)),
    ("solve", ("planner.solve",)),
    ("analysis", ("planner.analysis",)),
    ("plan", ("planner.plan",)),
    ("run", ("planner.run",)),
    ("sweep", ("planner.sweep",)),
    ("group", ("planner.group",)),
    ("report", ("planner.report",)),
    ("cli", ("cli",)),
]


def _stage(module: str) -> int:
    if module == "planner":  # the package's docstring only
        return 1
    for rank, (_, prefixes) in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} has no stage in tests/test_architecture.py: add it")


def _modules() -> dict[str, Path]:
    out = {"cli": REPO / "cli.py"}
    for pkg in ("models", "planner"):
        for f in (REPO / pkg).rglob("*.py"):
            parts = f.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = f
    return out


def _imports(path: Path, known: set[str]) -> set[str]:
    """Project modules imported anywhere in ``path`` (lazy imports included, type-only not)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from planner import factors` imports planner.tables.factors, not the package's body.
            subs = [f"{node.module}.{a.name}" for a in node.names]
            names = [n for n in subs if n in known] or [node.module]
        found.update(n for n in names if n in known)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = _modules()
GRAPH = {m: _imports(p, set(MODULES)) - {m} for m, p in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_back_up(module):
    late = sorted(d for d in GRAPH[module]
                  if _stage(d) > _stage(module) and not module.startswith(d + "."))
    assert not late, f"{module} ({STAGES[_stage(module)][0]}) imports later stages: {late}"


def test_models_know_nothing_of_the_planner():
    leaks = {m: sorted(d for d in deps if d.startswith("planner") or d == "cli")
             for m, deps in GRAPH.items() if m.startswith("models")}
    assert not any(leaks.values()), leaks


def test_no_import_cycle():
    # Package __init__ files re-export their children; the edge parent -> child is not a cycle.
    graph = {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycle = [*stack[stack.index(d):], d]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_pyomo_private_attributes_only_in_the_bridge():
    users = sorted(str(p.relative_to(REPO)) for p in [*MODULES.values()]
                   if "._solver_model" in p.read_text(encoding="utf-8")
                   or "._pyomo_var_to_solver_var_map" in p.read_text(encoding="utf-8"))
    assert users == ["planner/solve/highs_bridge.py"], users


def test_the_report_only_formats():
    """No report module computes with the model: the hourly re-dispatch of a typical
    week, like every number, is made before the report (planner.plan.week)."""
    reach = {m: sorted(d for d in deps if d.startswith("models"))
             for m, deps in GRAPH.items() if m.startswith("planner.report")}
    assert not any(reach.values()), reach
