"""--vary parsing against a scenario document: keys, aliases, arrays, distributions, errors."""

from __future__ import annotations

import pytest

from planner.base.errors import ScenarioError
from planner.base.schema import Sweep
from planner.sweep.runner import options_from
from planner.sweep.spec import parse_specs, parse_vary
from tests.planner.sweep.conftest import sweep_raw


@pytest.fixture
def raw():
    return sweep_raw()


def test_full_key_uniform_factors_by_default(raw):
    s = parse_vary("carbon.price_cny_per_t=0.5:2.0", raw)
    assert (s.name, s.low, s.high, s.distribution, s.mode) == (
        "carbon.price_cny_per_t", 0.5, 2.0, "uniform", "mul")
    assert s.column == "carbon.price_cny_per_t_factor"
    assert s.targets[0].is_series
    assert s.base_level == 1.0


def test_alias_resolves_to_the_one_numeric_key_with_that_prefix(raw):
    assert parse_vary("carbon.price=0.5:2", raw).name == "carbon.price_cny_per_t"
    assert parse_vary("pv.capex=0.7:1.2", raw).name == "pv.capex_cny_per_kw"


def test_ambiguous_or_unknown_alias_lists_candidates(raw):
    raw["grid"]["export_price_cny_per_kwh"] = 0.3
    with pytest.raises(ValueError, match=r"ambiguous: it could be ef_t_per_mwh, "
                                         r"export_price_cny_per_kwh"):
        parse_vary("grid.e=1:2", raw)
    with pytest.raises(ValueError, match=r"no key 'x' under grid.*keys there: ef_t_per_mwh"):
        parse_vary("grid.x=1:2", raw)


def test_measure_by_id_by_position_and_all(raw):
    a = parse_vary("measure[hp].capex_cny=0.8:1.5", raw)
    b = parse_vary("measure[2].capex_cny=0.8:1.5", raw)
    assert a.targets[0].path == b.targets[0].path == ("measure", 1, "capex_cny")
    assert a.name == "measure[hp].capex_cny"
    star = parse_vary("measure[*].capex=0.8:1.2", raw)
    assert star.name == "measure[*].capex_cny"
    assert len(star.targets) == 2


def test_distributions_and_absolute_values(raw):
    t = parse_vary("pv.capex=0.7:1.2:triangular", raw)
    assert t.distribution == "triangular"
    assert t.peak == 1.0
    t2 = parse_vary("measure[eff].capex_cny=1e5:5e5:tri@2e5:abs", raw)
    assert (t2.mode, t2.peak, t2.base_level) == ("abs", 2e5, 300000.0)
    n = parse_vary("credit[ccer].price=1:0.2:normal", raw)
    assert (n.distribution, n.low, n.high, n.nonneg) == ("normal", 1.0, 0.2, True)
    y = parse_vary("target.net_zero_year=2028:2029:abs", raw)
    assert y.integer
    assert y.column == "target.net_zero_year"


@pytest.mark.parametrize(("text", "message"), [
    ("carbon.price", "expected KEY=LO:HI"),
    ("carbon.price=1", "two numbers"),
    ("carbon.price=a:2", "low 'a' is not a number"),
    ("carbon.price=2:1", "low 2 must be below high 1"),
    ("carbon.price=-1:1", "below 0"),
    ("carbon.price=0.5:2:weird", "unknown option 'weird'"),
    ("carbon.price=0.5:2:abs", "series by year"),
    ("carbon.price=1:0:normal", "standard deviation must be > 0"),
    ("pv.capex=1.1:1.5:triangular", "peak 1 lies outside"),
    ("measure.capex_cny=1:2", "pick one as measure"),
    ("measure[nope].capex_cny=1:2", "ids: eff, hp"),
    ("measure[9].capex_cny=1:2", "out of range"),
    ("pv=1:2", "numeric keys in it: "),
    ("scenario.name=1:2", "not a number or a series"),
    ("carbn.price=1:2", "no key 'carbn'"),
])
def test_bad_specs_say_what_is_wrong(raw, text, message):
    with pytest.raises(ValueError, match=message):
        parse_vary(text, raw)


def test_every_bad_spec_is_reported_at_once(raw):
    with pytest.raises(ScenarioError) as err:
        parse_specs(["carbon.price=0.5:2", "pv.capex=2:1", "carbon.price_cny_per_t=1:2",
                     "bogus=1:2"], raw, "small.toml")
    text = str(err.value)
    assert "3 problems" in text
    assert "--vary pv.capex=2:1" in text
    assert "already varied" in text
    assert "bogus" in text
    assert err.value.exit_code == 2


def test_nothing_to_vary_is_an_error(raw):
    with pytest.raises(ScenarioError, match="nothing to vary"):
        parse_specs([], raw)


def test_sweep_section_gives_defaults_and_flags_override():
    section = Sweep(vary=["carbon.price=0.5:2"], samples=50, seed=3)
    texts, opt = options_from(section)
    assert texts == ["carbon.price=0.5:2"]
    assert (opt.samples, opt.seed, opt.grid) == (50, 3, None)
    texts, opt = options_from(section, vary=("pv.capex=0.9:1.1",), samples=7, grid=3)
    assert texts == ["pv.capex=0.9:1.1"]
    assert (opt.samples, opt.seed, opt.grid) == (7, 3, 3)
    texts, opt = options_from(None)
    assert texts == []
    assert opt.samples == 100
