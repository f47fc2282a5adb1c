"""Every TOML example in the docs and the README works as the text around it says.

Convention (tests/README.md, "Examples in the docs"): the line right above each
```toml block is an HTML comment (invisible on GitHub) saying what the block is:

* ``<!-- example: run -->``: a complete scenario; it is planned and must reach net zero
  with a proven optimum (what ``plan FILE`` does, exit 0);
* ``<!-- example: fragment -->``: some tables of a scenario; they are laid over the
  first ``run`` example of docs/scenario.md (each table given replaces that table) and
  the result must pass every check of ``plan validate``;
* ``<!-- example: standard -->``: a standard profile file (``--standard FILE``); it must load;
* ``<!-- example: group -->``: a group file (docs/group.md) placed in ``scenarios/groups/``;
  it must pass every check of ``plan group`` (its plant files included) without a solve.

A ```toml block without a marker fails the test, so a new example cannot be left untested.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from planner.run.pipeline import inputs_of
from planner.scenario.read import parse_scenario
from planner.tables.standards import load_profile
from tests.conftest import REPO

DOCS = [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]
_BLOCK = re.compile(r"^```toml\n(.*?)^```", flags=re.S | re.M)
_MARK = re.compile(r"<!-- example: (run|fragment|standard|group) -->\n\Z")


def _examples() -> list[tuple[str, str, str]]:
    """(where, kind or '', TOML text) of every ```toml block, in file order."""
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in _BLOCK.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            mark = _MARK.search(text, 0, m.start())
            out.append((f"{doc.relative_to(REPO)}:{line}", mark.group(1) if mark else "",
                        m.group(1)))
    return out


EXAMPLES = _examples()


def _base_scenario() -> dict:
    runs = [toml for where, kind, toml in EXAMPLES
            if kind == "run" and where.startswith("docs/scenario.md")]
    return tomllib.loads(runs[0])


def test_every_toml_example_is_marked_and_the_convention_holds():
    kinds = [kind for _, kind, _ in EXAMPLES]
    unmarked = [where for where, kind, _ in EXAMPLES if not kind]
    assert not unmarked, (f"```toml blocks without a '<!-- example: run|fragment|standard -->' "
                          f"line above them: {unmarked}")
    # The docs hold at least the minimal scenario, fragments and a profile.
    assert {"run", "fragment", "standard"} <= set(kinds)


def _deep_merge(base: dict, extra: dict) -> dict:
    """``base`` with ``extra``'s tables merged key by key (a fragment such as
    ``[grid.two_part]`` adds to the minimal scenario's ``[grid]``, not replaces it)."""
    out = dict(base)
    for k, v in extra.items():
        both = isinstance(v, dict) and isinstance(out.get(k), dict)
        out[k] = _deep_merge(out[k], v) if both else v
    return out


@pytest.mark.parametrize(("where", "toml_text"),
                         [(w, t) for w, k, t in EXAMPLES if k == "fragment"])
def test_fragment_examples_validate_over_the_minimal_scenario(where, toml_text):
    raw = _deep_merge(_base_scenario(), tomllib.loads(toml_text))
    sf = parse_scenario(raw, REPO / where.split(":")[0])
    inputs_of(sf)  # every check of `plan validate` (profiles, tariffs, magnitudes)


@pytest.mark.parametrize(("where", "toml_text"),
                         [(w, t) for w, k, t in EXAMPLES if k == "standard"])
def test_standard_profile_examples_load(where, toml_text, tmp_path: Path):
    path = tmp_path / "profile.toml"
    path.write_text(toml_text, encoding="utf-8")
    profile, _ = load_profile(str(path))
    assert profile.rule, f"{where}: a profile without rules"


@pytest.mark.parametrize(("where", "toml_text"), [(w, t) for w, k, t in EXAMPLES if k == "run"])
def test_run_examples_plan_to_net_zero(where, toml_text):
    from planner.run.pipeline import plan_of

    raw = tomllib.loads(toml_text)
    plan = plan_of(parse_scenario(raw, REPO / where.split(":")[0]))
    assert plan.summary["solver_status"] == "optimal", where
    assert plan.summary["net_zero_year_reached"] <= raw["target"]["net_zero_year"], where


@pytest.mark.parametrize(("where", "toml_text"),
                         [(w, t) for w, k, t in EXAMPLES if k == "group"])
def test_group_examples_validate(where, toml_text, tmp_path: Path):
    import shutil

    from planner.group.spec import load_group

    # The group file as if in scenarios/groups/, beside copies of the example plants.
    (tmp_path / "groups").mkdir()
    for plant in (REPO / "scenarios").glob("*.toml"):
        shutil.copy(plant, tmp_path / plant.name)
    path = tmp_path / "groups" / "group.toml"
    path.write_text(toml_text, encoding="utf-8")
    assert load_group(path).plants, where
