"""HTML reports: structure and numbers match the metrics, CSS stays scoped, sizes stay bounded,
and the recipes write report.html + metrics.json into their optional report folder."""
import json
import os
import re
import time
from html import escape
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from conftest import make_scored
from dss_local.runtime import run_recipe
from model_guardrails import reports
from model_guardrails.gate import report as gate_report
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.fairness import FairnessParams, compute_fairness
from model_guardrails.performance import PerformanceParams, evaluate_model
from model_guardrails.reports.html import CSS, STATUS_CLASS, WRAPPER, fmt
from model_guardrails.table import RunInfo

FAIRNESS = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                sensitive_columns=["gender", "age_band"])
PERFORMANCE = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                   time_column="transaction_date", time_granularity="week")


class Tables(HTMLParser):
    """Rows of every table: lists of cell texts, plus data-v attributes and svg chart ids."""

    def __init__(self):
        super().__init__()
        self.tables, self.charts, self._cell, self._row = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class", ""), "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "svg":
            self.charts.append(attrs.get("data-chart"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def parse(html):
    parser = Tables()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def drift_run():
    rng = np.random.default_rng(3)
    n = 4000
    ref = pd.DataFrame({"x": rng.normal(0, 1, n), "cat": rng.choice(list("abcd"), n), "y": rng.exponential(1, n)})
    cur = pd.DataFrame({"x": rng.normal(0.6, 1, n), "cat": rng.choice(list("abcde"), n), "y": rng.exponential(1, n)})
    cur.loc[:399, "y"] = np.nan
    result = compute_drift(ref, cur, DriftParams(), RunInfo.new())
    return result.table, result.distributions


def test_drift_distributions_come_from_the_metric_bins(drift_run):
    metrics, distributions = drift_run
    by = {d.feature: d for d in distributions}
    assert set(by) == {"x", "cat", "y"}
    y = by["y"]
    assert y.kinds[-1] == "missing" and y.current[-1] == 400 and sum(y.current) == 4000
    assert len(y.labels) == 11  # 10 reference-quantile bins + missing
    # PSI recomputed from the handed-out counts equals the metric row
    p = np.maximum(np.array(y.reference) / 4000, 0.001)
    q = np.maximum(np.array(y.current) / 4000, 0.001)
    psi = metrics[(metrics.feature == "y") & (metrics.metric == "psi")].value.iloc[0]
    assert np.sum((q - p) * np.log(q / p)) == pytest.approx(psi, rel=1e-12)
    cat = by["cat"]
    assert cat.labels[-2:] == ["(unseen)", "(missing)"] and cat.reference[-2] == 0
    unseen = metrics[(metrics.feature == "cat") & (metrics.metric == "unseen_share")].value.iloc[0]
    assert cat.current[-2] / 4000 == pytest.approx(unseen)


def test_drift_report_table_matches_the_metrics(drift_run):
    metrics, distributions = drift_run
    html = reports.drift_report(metrics, distributions)
    doc = parse(html)
    (table,) = [t for t in doc.tables if "mg-features" in t["class"]]
    header, rows = table["rows"][0], table["rows"][1:]
    assert header[:5] == ["feature", "type", "status", "drift_score", "decided on"]
    scores = metrics[metrics.metric == "drift_score"].set_index("feature")
    assert sorted(r[0] for r in rows) == sorted(scores.index)
    for row in rows:
        expected = scores.loc[row[0]]
        assert row[2] == expected.status and row[3] == fmt(expected.value)
        psi = metrics[(metrics.feature == row[0]) & (metrics.metric == "psi")].value.iloc[0]
        assert row[header.index("psi")] == fmt(psi)
        for metric, column in (("drift_mass", "drift_mass"), ("total_variation", "TV")):
            value = metrics[(metrics.feature == row[0]) & (metrics.metric == metric)].value.iloc[0]
            assert row[header.index(column)] == fmt(value)
    assert rows[0][2] == "ERROR"  # worst first
    share = metrics[metrics.metric == "drift_share"].iloc[0]
    assert "{:.1f}%".format(100 * share.value) in html
    assert metrics.run_id.iloc[0] in html and "Convention <b>default</b>" in html
    assert "Default decision (drift_mass, rule mass-1)" in html and "noise floor" in html
    assert {"drift-worst", "drift-dist-0", "drift-dist-1", "drift-dist-2"} <= set(doc.charts)


def test_reports_fetch_nothing_and_scope_their_css(drift_run):
    metrics, distributions = drift_run
    html = reports.drift_report(metrics, distributions)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    for rule in re.findall(r"([^{}]+)\{[^{}]*\}", CSS):
        for selector in rule.split(","):
            assert selector.strip().startswith("." + WRAPPER), selector
    gate_html = gate_report.page("Gate", gate_report.badge("APPROVED", "ok"), [("Decision", "x")])
    assert 'class="mg-gate"' in gate_html and CSS in gate_html  # the gate shares the stylesheet


def test_fairness_report_marks_reference_groups_and_numbers():
    scored, reference = make_scored(), make_scored(seed=3, gap=0.02)
    metrics = compute_fairness(scored, FairnessParams.from_config(FAIRNESS), reference=reference)
    html = reports.fairness_report(metrics)
    doc = parse(html)
    summary = metrics[(metrics.group == "__summary__") & (metrics.metric == "disparate_impact")]
    first = doc.tables[0]["rows"]
    assert first[0] == ["attribute", "status", "reference group", "disparate_impact", "breaches"]
    for row in first[1:]:
        expected = summary[summary.attribute == row[0]].iloc[0]
        assert row[2] == expected.reference_group and row[3] == fmt(expected.value)
    for attribute in summary.attribute:
        reference = summary[summary.attribute == attribute].reference_group.iloc[0]
        assert "{} (n=".format(escape(reference)) in html and "★" in html
    assert "four-fifths 0.8" in html and "Bias shift" in html
    assert {"fair-selection_rate-0", "fair-tpr-0", "fair-fpr-0", "fair-di-0", "fair-shift-0"} <= set(doc.charts)


def test_performance_report_metrics_curves_and_trend():
    params = PerformanceParams.from_config(dict(PERFORMANCE, bounds=[{"metric": "f1", "warning_threshold": 0.9}]))
    result = evaluate_model(make_scored(), params)
    metrics, curves = result.table, result.curves
    html = reports.performance_report(metrics, curves)
    doc = parse(html)
    rows = {r[0]: r for r in doc.tables[0]["rows"][1:]}
    overall = metrics[metrics.window == "__all__"].set_index("metric")
    for metric, row in rows.items():
        assert row[1] == fmt(overall.loc[metric, "value"])
        assert row[2] == "{} – {}".format(fmt(overall.loc[metric, "ci_low"]), fmt(overall.loc[metric, "ci_high"]))
    assert {"perf-metrics", "perf-roc", "perf-calibration", "perf-trend-0"} <= set(doc.charts)
    assert "error 0.88" in html  # roc_auc's default error bound drawn on its trend
    assert len(curves["roc"]["fpr"]) <= 200 and curves["roc"]["fpr"][0] == 0 and curves["roc"]["tpr"][-1] == 1


def test_model_health_joins_runs_checks_approval_and_bundle(drift_run):
    metrics, _ = drift_run
    html = reports.model_health_report(
        drift=metrics, checks=[("drift-check", "ERROR", "2/3 features drifted"), ("fairness-check", "OK", "fine")],
        approval={"status": "APPROVED", "approver": "risk.officer", "step": "review"}, bundle_id="P-v1-approved",
        project_key="P")
    doc = parse(html)
    assert ["drift-check", "ERROR", "2/3 features drifted"] in doc.tables[1]["rows"]
    assert "risk.officer" in html and "P-v1-approved" in html and "No fairness run was given." in html
    heading, fragment = reports.model_health_section(checks=[("c", "WARNING", "m")])
    assert heading == "Model health" and fragment.startswith('<div class="{}'.format(WRAPPER))
    assert "unknown (Govern was not consulted)" in fragment


def _gate_row(status, rule="evidence", subject=""):
    return {"rule": rule, "subject": subject, "status": status, "level": "required", "value": "v", "bound": "b",
            "source": "s"}


@pytest.mark.parametrize("statuses, verdict", [
    (["PASS", "WARN", "NOT APPLICABLE"], "PASSED"),
    (["PASS", "FAIL"], "REFUSED"),
    (["PASS", "MAYBE"], "REFUSED"),  # an unknown status never passes
    (["PASS", None], "REFUSED"),
])
def test_gate_part_verdict_is_refused_on_a_failing_or_unknown_row(statuses, verdict):
    """Review finding 12/15: the gate rows' verdict, and the colours (NOT APPLICABLE empty, unknown ERROR)."""
    from model_guardrails.reports.health import GATE_STATUS, gate_part

    html, found = gate_part([_gate_row(s) for s in statuses])
    assert found == verdict
    assert GATE_STATUS["NOT APPLICABLE"] == "EMPTY" and GATE_STATUS.get("MAYBE", "ERROR") == "ERROR"


def test_model_health_never_shows_approved_beside_a_failing_gate_rule(drift_run):
    metrics, _ = drift_run
    approval = {"status": "APPROVED", "approver": "risk.officer", "step": "review"}
    refused = reports.model_health_report(drift=metrics, checks=[("drift-check", "OK", "fine")], approval=approval,
                                          gate_rules=[_gate_row("PASS"), _gate_row("FAIL", "code_env")])
    assert "APPROVED, GATE REFUSED" in refused
    assert re.search(r'class="mg-badge ([^"]+)">', refused).group(1) == STATUS_CLASS["ERROR"]  # overall ERROR
    passed = reports.model_health_report(drift=metrics, checks=[("drift-check", "OK", "fine")], approval=approval,
                                         gate_rules=[_gate_row("PASS"), _gate_row("NOT APPLICABLE", "model_card")])
    assert "APPROVED, GATE REFUSED" not in passed and "PASSED" in passed
    unknown = reports.model_health_report(drift=metrics, approval=approval, gate_rules=[_gate_row("???")])
    assert "APPROVED, GATE REFUSED" in unknown


def _wide_drift(n_features, rows=400, seed=5):
    rng = np.random.default_rng(seed)
    cols = {}
    cur_cols = {}
    for i in range(n_features):
        if i % 4 == 3:
            cols["c{:03d}".format(i)] = rng.choice(["u", "v", "w", "x", "y"], rows)
            cur_cols["c{:03d}".format(i)] = rng.choice(["u", "v", "w", "x", "z"], rows)
        else:
            cols["f{:03d}".format(i)] = rng.normal(0, 1, rows)
            cur_cols["f{:03d}".format(i)] = rng.normal(0.3 * (i % 3), 1, rows)
    result = compute_drift(pd.DataFrame(cols), pd.DataFrame(cur_cols), DriftParams(), RunInfo.new())
    return result.table, result.distributions


def test_200_feature_report_is_quick_to_build_and_bounded_in_size():
    metrics, distributions = _wide_drift(200)
    start = time.perf_counter()
    html = reports.drift_report(metrics, distributions)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, elapsed
    assert len(html.encode("utf-8")) < 1_500_000, len(html)
    assert parse(html).charts.count(None) == 0 and html.count('class="mg-chart"') == 201
    # bounded by features and bins, not rows: ten times the rows, about the same size
    bigger = reports.drift_report(*_wide_drift(200, rows=4000))
    assert abs(len(bigger) - len(html)) < 0.05 * len(html)


@pytest.mark.parametrize("recipe_id", ["compute-drift", "compute-fairness", "evaluate-model"])
def test_recipes_write_report_and_metrics_json_when_the_role_is_set(tmp_path, recipe_id):
    scored = tmp_path / "scored.csv"
    make_scored(n=1500).to_csv(scored, index=False)
    if recipe_id == "compute-drift":
        inputs, config = [("reference", str(scored)), ("current", str(scored))], {}
    else:
        inputs = [("scored", str(scored))]
        config = FAIRNESS if recipe_id == "compute-fairness" else PERFORMANCE
    out, folder = tmp_path / "metrics.csv", tmp_path / "report"
    run_recipe(recipe_id, inputs, [("metrics", str(out)), ("report", str(folder) + "/")], config=config)
    html = (folder / "report.html").read_text(encoding="utf-8")
    payload = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    metrics = pd.read_csv(out)
    assert payload["run_id"] == metrics.run_id.iloc[0] and payload["run_id"] in html
    assert len(payload["rows"]) == len(metrics)
    assert html.startswith("<!DOCTYPE html>") and 'class="{}'.format(WRAPPER) in html
    run_recipe(recipe_id, inputs, [("metrics", str(tmp_path / "again.csv"))], config=config)  # role unset: fine
    assert sorted(os.listdir(folder)) == ["metrics.json", "report.html"]
