"""The reports in a real browser (headless Chromium): every chart is laid out and drawn, the table
sorts, and a 200-feature drift report renders quickly. Screenshots go to pytest's temporary folder
(`pytest --basetemp=DIR` keeps them in DIR/screenshots0 for a person to look at); nothing is
written into the checkout. Under CI=true a missing Chromium or Pillow fails these tests (conftest.py)."""
import time

import pytest

from browser import find_chromium, ink, layout_problems, probe, screenshot
from conftest import make_scored
from model_guardrails import reports
from model_guardrails.fairness import FairnessParams, compute_fairness
from model_guardrails.performance import PerformanceParams, evaluate_model
from model_guardrails.reports import svg
from model_guardrails.reports.html import COLORS, document, page
from test_reports import FAIRNESS, PERFORMANCE, _wide_drift

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed (.ci/run installs it "
                                                                  "with apt-get install chromium)")]
PIL = pytest.importorskip("PIL.Image", reason="Pillow is needed to read the screenshots (requirements-dev.txt)")
WIDTH = 1280


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    drift, distributions = _wide_drift(8, rows=2000)
    scored, reference = make_scored(), make_scored(seed=3, gap=0.02)
    fairness = compute_fairness(scored, FairnessParams.from_config(FAIRNESS), reference=reference)
    result = evaluate_model(scored, PerformanceParams.from_config(PERFORMANCE))
    performance, curves = result.table, result.curves
    html = {
        "drift": reports.drift_report(drift, distributions),
        "fairness": reports.fairness_report(fairness),
        "performance": reports.performance_report(performance, curves),
        "health": reports.model_health_report(drift=drift, fairness=fairness, performance=performance,
                                              checks=[("drift-check", "ERROR", "drifted")], bundle_id="B-v1"),
    }
    paths = {}
    for name, text in html.items():
        paths[name] = str(folder / "{}.html".format(name))
        with open(paths[name], "w", encoding="utf-8") as f:
            f.write(text)
    return paths


@pytest.mark.parametrize("name", ["drift", "fairness", "performance", "health"])
def test_every_chart_is_laid_out_and_drawn(pages, shots, name):
    layout = probe(pages[name], WIDTH)
    charts = layout["charts"]
    assert charts, "no chart rendered"
    png = screenshot(pages[name], str(shots / "{}.png".format(name)), WIDTH, min(layout["height"], 8000))
    image = PIL.open(png)
    assert image.size[0] == WIDTH
    for box in charts:
        assert box["w"] > 100 and box["h"] > 60, box
        if box["y"] + box["h"] > image.size[1]:
            continue
        drawn, coloured = ink(image, box)
        assert drawn > 0.02, "chart {} looks blank ({:.1%} drawn)".format(box["id"], drawn)
        assert coloured > 40, "chart {} has no data marks ({} coloured pixels)".format(box["id"], coloured)
        assert box["x"] + box["w"] <= WIDTH, "chart {} overflows the page".format(box["id"])


def test_drift_table_sorts_from_the_url(pages):
    by_name = probe(pages["drift"], WIDTH, "#sort=feature")["first_table_order"]
    assert by_name == sorted(by_name)
    descending = probe(pages["drift"], WIDTH, "#sort=feature,desc")["first_table_order"]
    assert descending == sorted(by_name, reverse=True)


def test_200_feature_drift_report_renders_fast(tmp_path, shots):
    metrics, distributions = _wide_drift(200)
    path = str(tmp_path / "drift200.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(reports.drift_report(metrics, distributions))
    start = time.perf_counter()
    layout = probe(path, WIDTH)
    elapsed = time.perf_counter() - start
    assert len(layout["charts"]) == 201 and all(c["w"] > 100 for c in layout["charts"])
    assert elapsed < 20, "200-feature report took {:.1f}s to load and lay out".format(elapsed)
    png = screenshot(path, str(shots / "drift200-top.png"), WIDTH, 2400)
    drawn, coloured = ink(PIL.open(png), layout["charts"][0])  # worst offenders, above the long table
    assert drawn > 0.02 and coloured > 40


@pytest.mark.parametrize("name", ["drift", "fairness", "performance", "health"])
def test_chart_labels_and_the_features_table_fit_at_1400px(pages, name):
    """No two texts of a chart overlap (font boxes, rotated ones rotated), no warning/error bound line
    (tick or reference line) runs through a text, and the features table needs no horizontal scroll."""
    found = layout_problems(pages[name], 1400, [COLORS["WARNING"], COLORS["ERROR"]])
    problems = {"labels overlapping (px: overlap in x, y)": found["overlaps"],
                "labels a bound line crosses (px: overlap in x, y)": found["crossings"],
                "tables scrolling sideways": [s for s in found["scroll"] if s["scroll_width"] > s["client_width"]]}
    assert not any(problems.values()), "\n".join("{}: {}".format(k, v) for k, v in problems.items() if v)
    if name == "drift":
        assert [s["table"] for s in found["scroll"]] == ["mg-features mg-sortable"]


def test_rotated_bin_labels_do_not_overlap_however_many_bins(tmp_path):
    """Distribution charts thin out their rotated bin labels so that none overlaps, but keep showing some."""
    charts = []
    for n in (11, 20, 40, 100):
        for name in ("category_{}", "[{}.00, {}.50)"):
            labels = [name.format(i, i) for i in range(n)] + ["__unseen__", "__missing__"]
            charts.append(svg.grouped_bars("bins-{}".format(len(charts)), labels,
                                           [("reference", COLORS["reference"], [1.0 / n] * (n + 2))],
                                           kinds=["value"] * n + ["unseen", "missing"], width=364))
    path = str(tmp_path / "bins.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(document("bins", page("bins", "", [("distributions", "".join(charts))])))
    assert all(chart.count('transform="rotate(-40') >= 6 for chart in charts)
    found = layout_problems(path, 1400, [COLORS["WARNING"], COLORS["ERROR"]])
    assert found["overlaps"] == [], found["overlaps"][:5]
