"""The progress display: the stages in order, each solve iteration, nothing in a pipe."""

from __future__ import annotations

import io

import tomli_w
from click.testing import CliRunner
from rich.console import Console

from planner.report.term_progress import PlanProgress, plan_progress
from planner.run.pipeline import plan_scenario


def test_stages_in_order_and_one_line_per_iteration(tiny, tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(tomli_w.dumps(tiny(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])))
    stages: list[str] = []
    shown = PlanProgress(lambda _t: None)
    plan = plan_scenario(path, stage=lambda s: (stages.append(s), shown.stage(s)),
                         progress=shown.iteration)
    assert stages == ["reading", "inputs", "solving", "accounts"]
    iterations = [line for line in shown.lines if line.startswith("solving: ")]
    # one line per pass of the loop, numbered from 1, as many as the plan reports
    assert len(iterations) == plan_scenario(path).summary["iterations"]
    assert iterations[0].startswith("solving: LP iteration 1, lower bound ") or \
        iterations[0].startswith("solving: MILP iteration 1, lower bound ")
    assert "largest cut violation" in iterations[-1]
    # at convergence the master's lower bound is the plan's NPV (the master works in MCNY)
    assert f"lower bound {plan.summary['npv_plan_cny'] / 1e6:,.2f} M¥" in iterations[-1]


def test_chinese_stage_texts():
    shown = PlanProgress(lambda _t: None, "zh")
    shown.stage("inputs")
    assert shown.lines == ["生成逐时输入（负荷、光伏出力曲线、电价）…"]


def test_drawn_on_a_terminal_only():
    for is_terminal in (True, False):
        buf = io.StringIO()
        console = Console(file=buf, force_terminal=is_terminal, width=100)
        with plan_progress(console) as shown:
            shown.stage("writing")
        assert ("writing the results" in buf.getvalue()) is is_terminal
    buf = io.StringIO()
    with plan_progress(Console(file=buf, force_terminal=True), enabled=False) as shown:
        shown.stage("writing")  # --quiet / --json
    assert buf.getvalue() == ""


def test_plan_in_a_pipe_prints_no_progress(tiny, tmp_path):
    from cli import main

    path = tmp_path / "tiny.toml"
    path.write_text(tomli_w.dumps(tiny(credit=[{"id": "ccer", "price_cny_per_t": 100.0}])))
    res = CliRunner().invoke(main, [str(path)])  # CliRunner's output is not a terminal
    assert res.exit_code == 0, res.output
    for text in ("reading the scenario", "solving", "iteration 1,", "building hourly"):
        assert text not in res.output
    assert "Roadmap" in res.output


def test_chinese_iteration_line_counts_money_in_yi_and_wan():
    from types import SimpleNamespace

    shown = PlanProgress(lambda _t: None, "zh")
    rec = SimpleNamespace(phase="lp", master_objective=165.0, cuts_added=3,
                          max_violation_cny=1200.0)  # the master works in MCNY
    shown.iteration(rec)
    assert shown.lines[-1].startswith("求解中：LP 第 1 次迭代，下界 1.65 亿元，新增 3 条割平面，"
                                      "最大违反量 1,200 元")
    shown.iteration(SimpleNamespace(phase="milp", master_objective=34.5, cuts_added=0,
                                    max_violation_cny=0.0))
    assert "第 2 次迭代，下界 3,450 万元" in shown.lines[-1]
