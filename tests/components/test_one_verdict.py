"""One verdict (issue 14): on the same metrics table, the check with default settings, the
headline-metrics probe (worst_status), the report's badge and the model-health page's badge say
the same thing, and what could not be evaluated is never OK. Plus the demo: the run ids its check
messages and its pages quote are the ones its files hold."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from conftest import make_scored
from dss_local.runtime import run_probe
from model_guardrails import checks, reports
from model_guardrails.checks.core import kind_of
from model_guardrails.checks.headline import headline_metrics
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.fairness import FairnessParams, compute_fairness
from model_guardrails.performance import PerformanceParams, evaluate_model
from model_guardrails.table import RunInfo

RUN = RunInfo("r1", "2025-01-01T00:00:00Z")
SCORED = dict(target_column="is_fraud", prediction_column="prediction", score_column="score")
REPORT = {"drift-check": reports.drift_report, "fairness-check": reports.fairness_report,
          "performance-check": reports.performance_report}
SECTION = {"drift-check": "drift", "fairness-check": "fairness", "performance-check": "performance"}


def _drift(shift=0.0, gone=False, one_drifted_of=0):
    rng = np.random.default_rng(4)
    n = 3000
    ref = pd.DataFrame({"x": rng.normal(size=n), "y": rng.normal(size=n), "c": rng.choice(list("abc"), n)})
    cur = ref.apply(lambda col: rng.permutation(col.values))
    cur["x"] = cur["x"] + shift
    if gone:
        cur["y"] = np.nan
    for i in range(one_drifted_of):  # steady features, so that one drifted feature is a small share
        ref["s{}".format(i)] = rng.normal(size=n)
        cur["s{}".format(i)] = rng.permutation(ref["s{}".format(i)].values)
    return compute_drift(ref, cur, DriftParams(), RUN).table


def _fairness(gap):
    return compute_fairness(make_scored(n=3000, gap=gap), FairnessParams.from_config(
        dict(SCORED, sensitive_columns=["gender", "age_band"])), run=RUN)


def _performance(noise):
    scored = make_scored(n=3000)
    rng = np.random.default_rng(2)
    scored["score"] = np.clip(scored["score"] + rng.normal(0, noise, len(scored)), 0, 1)
    return evaluate_model(scored, PerformanceParams.from_config(SCORED), run=RUN).table


def _emptied(table, keep=None):
    """The table with every value (or every value but those where ``keep`` holds) made undefined."""
    table = table.copy()
    gone = ~keep(table) if keep is not None else pd.Series(True, index=table.index)
    table.loc[gone, "value"] = np.nan
    table.loc[gone, "status"] = "EMPTY"
    table.loc[gone, "reason"] = "undefined in this test"
    return table


def _title_badge(html):
    return re.search(r'<h3>[^<]*<span class="mg-badge [\w-]+">(\w+)</span></h3>', html).group(1)


def _health_badge(html, section):
    return re.search(r'<h4>{} <span class="mg-badge [\w-]+">(\w+)</span></h4>'.format(section.capitalize()),
                     html).group(1)


CASES = {
    "drift: clean": (lambda: _drift(), "OK"),
    "drift: a feature drifted, its share only a WARNING": (lambda: _drift(shift=1.0, one_drifted_of=6), "ERROR"),
    "drift: a feature stopped arriving": (lambda: _drift(gone=True), "ERROR"),
    "drift: every row EMPTY": (lambda: _emptied(_drift()), "WARNING"),
    "drift: one feature not evaluable, the rest OK": (
        lambda: _emptied(_drift(), lambda t: t.feature != "c"), "WARNING"),
    "fairness: a disparate-impact breach": (lambda: _fairness(0.15), "ERROR"),
    "fairness: every row EMPTY": (lambda: _emptied(_fairness(0.15)), "WARNING"),
    "fairness: one attribute's summaries EMPTY, the other's OK": (
        lambda: _emptied(_fairness(0.0), lambda t: t.attribute == "gender"), "WARNING"),
    "performance: roc_auc within bounds": (lambda: _performance(0.0), "OK"),
    "performance: roc_auc below 0.88": (lambda: _performance(0.35), "ERROR"),
    "performance: every row EMPTY": (lambda: _emptied(_performance(0.0)), "WARNING"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_check_probe_report_and_model_health_agree(case):
    make, expected = CASES[case]
    table = make()
    check = kind_of(table).check
    outcome = checks.run(check, table, {}).outcome
    probe = headline_metrics(table)["worst_status"][0]
    badge = _title_badge(REPORT[check](table))
    health = _health_badge(reports.model_health_report(**{SECTION[check]: table}), SECTION[check])
    assert (outcome, probe, badge, health) == (expected,) * 4, checks.run(check, table, {}).message
    assert checks.verdict(table).outcome == expected


def test_badges_and_the_probe_are_never_milder_than_a_recorded_row():
    """The default fairness-check judges disparate_impact only: an ERROR the recipe recorded on
    another summary must still show in the badge and the probe's worst_status (review finding)."""
    table = _fairness(0.0).copy()
    parity = (table.group == "__summary__") & (table.metric == "disparate_impact")
    table.loc[parity, ["value", "status"]] = [1.0, "OK"]  # no disparate-impact breach: the check says OK
    other = (table.group == "__summary__") & (table.metric != "disparate_impact") & (table.status != "EMPTY")
    assert other.any() and checks.run("fairness-check", table, {}).outcome == "OK"
    table.loc[table.index[other][0], "status"] = "ERROR"
    assert checks.verdict(table).outcome == "ERROR" and "default settings do not judge" in checks.verdict(table).message
    assert headline_metrics(table)["worst_status"][0] == "ERROR"
    assert _title_badge(reports.fairness_report(table)) == "ERROR"


def test_the_drift_report_says_what_drift_check_says():
    """Issue 14 item 6: the report said 'DRIFT WARNING' (the share's own status) where drift-check said ERROR."""
    table = _drift(shift=1.0, one_drifted_of=6)
    share = table[table.metric == "drift_share"].iloc[0]
    assert share.status == "WARNING"  # 1 of 9 features: the share alone is a WARNING; the drifted feature an ERROR
    html = reports.drift_report(table)
    message = checks.run("drift-check", table, {}).message
    assert "DRIFT WARNING" not in html and _title_badge(html) == "ERROR"
    assert "drift-check with default settings: {}".format(message.replace(">", "&gt;")) in html


def test_the_probe_component_reports_the_verdict(tmp_path):
    path = tmp_path / "drift.csv"
    _emptied(_drift()).to_csv(path, index=False)
    assert run_probe("guardrails-headline-metrics", str(path))["worst_status"][0] == "WARNING"


def test_model_health_names_an_approval_date_it_was_not_given():
    html = reports.model_health_report(approval={"status": "APPROVED", "approver": "risk.officer"})
    assert "<th>Approved on</th><td>(not reported)</td>" in html
    html = reports.model_health_report(approval={"status": "APPROVED", "approved_on": "2026-12-01 16:18 UTC"})
    assert "<th>Approved on</th><td>2026-12-01 16:18 UTC</td>" in html


def test_the_demo_quotes_the_runs_its_files_hold(tmp_path, monkeypatch, capsys):
    """Issue 14 item 6: the demo ran the recipes again after the checks, so the run ids its check
    messages quoted were not in its files."""
    from demo import run_demo

    monkeypatch.setattr(run_demo, "OUTPUT", str(tmp_path))
    run_demo.main()
    printed = capsys.readouterr().out
    # issue 18: the gate's emulator ends with the rollback, then the status publication on that emulator
    rollback = printed.index("rollback-deployment: deployment fraud-detection-gated now runs")
    status = printed.index("publish-model-status: fraud-detection-gated (production stage")
    assert rollback < status and "3 evaluations in Model Evaluation Store fraud_monitoring" in printed[status:]
    results = json.loads((tmp_path / "checks.json").read_text())
    health = (tmp_path / "reports" / "model-health.html").read_text(encoding="utf-8")
    for result in results:
        held = set(pd.read_csv(result["dataset"])["run_id"])
        quoted = re.search(r" in run (\S+?):? ", result["message"] + " ").group(1)
        assert quoted in held and quoted in printed and quoted in health, (result["check"], quoted, held)
    for kind in ("drift", "fairness", "performance"):
        held = set(pd.read_csv(tmp_path / "{}_metrics.csv".format(kind))["run_id"])
        payload = json.loads((tmp_path / "reports" / kind / "metrics.json").read_text())
        assert payload["run_id"] in held
        assert "{} run <code>{}</code>".format(kind, payload["run_id"]) in health
