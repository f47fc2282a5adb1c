"""The HTML report: self-contained, and drawn without errors in headless Chromium."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from planner.plan.week import typical_week
from planner.report.html import report_html

CHROMIUM = Path("/usr/bin/chromium")
CHARTS = 6


def test_report_is_self_contained(written):
    text = (written / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text), "no external scripts"
    assert not re.search(r"<link[^>]+href=[\"']https?:", text), "no external stylesheets"
    assert "Plotly" in text and text.count('class="plotly-graph-div"') == CHARTS
    assert "Key figures" in text and "Levelised abatement cost" in text


def test_report_in_chinese(example_plan):
    text = report_html(example_plan, "zh")
    assert "关键指标" in text and "平准化减排成本" in text
    # Chart titles are inside plotly's JSON, which escapes non-ASCII characters.
    assert "\\u8fb9\\u9645\\u51cf\\u6392" in text  # 边际减排


def test_typical_week_is_a_week_of_the_target_year_and_balances(example_plan):
    wk = typical_week(example_plan)
    assert len(wk) == 168
    target = int(example_plan.inputs.years[example_plan.inputs.target.net_zero_idx])
    assert {t.year for t in wk["time"]} == {target}
    # Hourly balance: PV + import + discharge = load + export + curtailed + charge.
    hours = example_plan.solution.balance.hourly
    supply = wk["pv_kw"] + wk["import_kw"] + wk["discharge_kw"]
    use = wk["load_kw"] + wk["export_kw"] + wk["charge_kw"]
    assert ((supply - use) >= -1e-6).all()  # the rest is curtailed
    assert hours is None or wk["soc_kwh"].max() <= example_plan.roadmap[
        "battery_capacity_kwh"].max() + 1e-6


def _chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp / 'profile'}", "--virtual-time-budget=5000",
         *args], capture_output=True, text=True, timeout=120, check=False)


def test_report_draws_every_chart_without_javascript_errors(written, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium not found at /usr/bin/chromium: install the Debian package "
                    "chromium (.ci/run does)")
    url = (written / "report.html").resolve().as_uri()
    dom = _chromium("--dump-dom", url, tmp=tmp_path).stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body, "no DOM from Chromium"
    attrs = dict(re.findall(r'data-([\w-]+)="([^"]*)"', body.group(1)))
    assert attrs.get("js-errors") == "", f"JavaScript errors: {attrs.get('js-errors')}"
    assert attrs.get("charts-empty") == "", f"empty charts: {attrs.get('charts-empty')}"
    assert attrs.get("charts-drawn") == str(CHARTS)
    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1400,3000", url, tmp=tmp_path)
    assert shot.exists() and shot.stat().st_size > 50_000  # a drawn page, not a blank one
