"""One feature-type rule for every drift engine (issue 14, item 4): a column mixing numbers and text
is not guessed but reported EMPTY with the same reason in memory, in chunks and on Spark."""
import numpy as np
import pandas as pd
import pytest

from dss_local.runtime import run_recipe
import helpers
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.drift.prepare import ValueScan, decide_type, scan_series
from model_guardrails.table import RunInfo

RUN = RunInfo("run-1", "2026-11-26T00:00:00Z")
N = 5000
KEY = ["feature", "metric"]


def _with_text(values, every, words):
    """Numbers written as text, with a word on every ``every``-th row (spread over all chunks)."""
    text = pd.Series(["{:.4f}".format(v) for v in values], dtype=object)
    for i, word in enumerate(words):
        text.iloc[i::every * len(words)] = word
    return text


@pytest.fixture
def mixed():
    """amount: numbers in the reference, numbers plus 'not given'/'unknown' in the current (thousands of
    distinct numeric strings the in-memory engine used to pool as categories); income: the
    reference itself mixes numbers and text; code: categories, with a number among the current ones."""
    rng = np.random.default_rng(14)
    reference = pd.DataFrame({
        "amount": rng.normal(100, 20, N),
        "income": _with_text(rng.normal(50, 5, N), 40, ["unknown"]),
        "code": pd.Series(rng.choice(["A", "B", "C"], N), dtype=object),
        "age": rng.normal(40, 10, N),
    })
    current = pd.DataFrame({
        "amount": _with_text(rng.normal(100, 20, N), 50, ["not given", "unknown"]),
        "income": rng.normal(50, 5, N),
        "code": pd.Series(rng.choice(["A", "B", "C", "7"], N), dtype=object),
        "age": rng.normal(40, 10, N),
    })
    return reference, current


AMOUNT = ("column 'amount' is numeric in the reference dataset but the current dataset has 100 values that are not "
          "numbers (e.g. 'not given', 'unknown'): not compared; list it in categorical_columns to compare its values as "
          "categories, or make its text values empty (missing) before this recipe to compare it as numbers")
INCOME = ("column 'income' mixes numbers and text: the reference dataset has 4875 numbers and 125 values that are "
          "not numbers (e.g. 'unknown'): not compared; list it in categorical_columns")


def _check_decisions(table):
    scores = table[table.metric == "drift_score"].set_index("feature")
    assert scores.status["amount"] == "EMPTY" and scores.reason["amount"] == AMOUNT
    assert scores.feature_type["amount"] == "numeric"
    assert scores.status["income"] == "EMPTY" and scores.reason["income"].startswith(INCOME)
    assert pd.isna(scores.feature_type["income"]) or scores.feature_type["income"] == ""
    assert scores.feature_type["code"] == "categorical" and scores.status["code"] != "EMPTY"
    assert scores.feature_type["age"] == "numeric" and scores.status["age"] == "OK"
    assert (table[table.feature.isin(["amount", "income"])].status == "EMPTY").all()
    return scores


def test_in_memory_engine_reports_a_mixed_column_instead_of_pooling_it(mixed):
    table = compute_drift(*mixed, DriftParams(), RUN).table
    _check_decisions(table)
    forced = compute_drift(*mixed, DriftParams(categorical_columns=("amount", "income")), RUN).table
    scores = forced[forced.metric == "drift_score"].set_index("feature")
    assert (scores.feature_type[["amount", "income"]] == "categorical").all()
    assert (scores.status[["amount", "income"]] != "EMPTY").all()


def test_scans_of_chunks_add_up_to_the_scan_of_the_column(mixed):
    column = mixed[1]["amount"]
    whole = scan_series(column)
    parts = sum((scan_series(column.iloc[i:i + 700]) for i in range(0, N, 700)), ValueScan())
    assert whole == parts == ValueScan(frozenset(["text"]), N - 100, 100, ("not given", "unknown"))
    assert decide_type("x", None, ValueScan(frozenset(["number", "text"]), 10, 2, ("?",)))[0] == ""


def _run(tmp_path, name, recipe="compute-drift", **config):
    out = str(tmp_path / (name + ".csv"))
    run_recipe(recipe, [("reference", str(tmp_path / "reference.parquet")),
                        ("current", str(tmp_path / "current.parquet"))], [("metrics", out)], config=config)
    return pd.read_csv(out, keep_default_na=False, na_values=[""])


@pytest.fixture
def files(tmp_path, mixed):
    return helpers.write_pair(tmp_path, mixed)


def _decisions(table):
    rows = table[table.feature.isin(["amount", "income", "code"])].set_index(KEY).sort_index()
    return rows[["feature_type", "status", "reason"]].fillna("")


@pytest.mark.spark
def test_memory_chunked_and_spark_engines_give_the_same_type_decision(files):
    from helpers import java_available

    memory = _run(files, "memory")
    chunked = _run(files, "chunked", max_rows_in_memory=1000, chunk_size=1000)
    _check_decisions(memory)
    _check_decisions(chunked)
    # binned metrics of the categorical 'code' are exact in every engine, so its rows agree too
    assert _decisions(memory).equals(_decisions(chunked))
    pytest.importorskip("pyspark", reason="PySpark is not installed (make install installs it)")
    if not java_available():
        pytest.skip("no Java runtime: install one (apt-get install -y default-jre-headless) to run the Spark engine")
    spark = _run(files, "spark", recipe="compute-drift-spark")
    _check_decisions(spark)
    assert _decisions(spark).equals(_decisions(chunked))


@pytest.fixture
def csv_files(tmp_path):
    """CSV files as DSS exports them: a boolean column with empty cells on both sides (pandas reads
    True, False and NaN as objects; a chunk of empty cells reads as floats), and 'step', whose
    reference holds 0..2570: its 0.7 quantile is exactly 1799, which the floating-point k/B grid put
    at 1798.9999999999998."""
    rng = np.random.default_rng(16)
    n = 2571
    for name in ("reference", "current"):
        flag = pd.Series(np.where(rng.random(n) < 0.3, "true", "false"), dtype=object)
        flag[rng.random(n) < 0.2] = ""
        flag[1000:2000] = ""  # a whole chunk of empty cells
        step = rng.permutation(np.arange(n)) if name == "reference" else np.r_[np.full(1000, 1799), np.arange(1571)]
        pd.DataFrame({"flag": flag, "step": step}).to_csv(tmp_path / (name + ".csv"), index=False)
    return tmp_path


def _run_csv(tmp_path, name, recipe="compute-drift", **config):
    out = str(tmp_path / (name + ".out.csv"))
    run_recipe(recipe, [("reference", str(tmp_path / "reference.csv")),
                        ("current", str(tmp_path / "current.csv"))], [("metrics", out)], config=config)
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    return table.set_index(KEY).sort_index()[["feature_type", "status", "value"]]


def _check_csv(table):
    assert (table.feature_type.loc["flag"] == "categorical").all()
    assert (table.feature_type.loc["step"] == "numeric").all()


def test_csv_booleans_with_empty_cells_are_categorical_and_edges_are_exact(csv_files):
    reference, current = (pd.read_csv(csv_files / (n + ".csv")) for n in ("reference", "current"))
    result = compute_drift(reference, current, DriftParams(), RUN)
    step = [d for d in result.distributions if d.feature == "step"][0]
    assert step.edges == [257.0, 514.0, 771.0, 1028.0, 1285.0, 1542.0, 1799.0, 2056.0, 2313.0]
    assert step.current[6:8] == [1000.0 + 28, 0.0]  # the 1799s are in (1542, 1799] with 1543..1570, none above
    memory = _run_csv(csv_files, "memory")
    chunked = _run_csv(csv_files, "chunked", max_rows_in_memory=1000, chunk_size=1000)
    _check_csv(memory)
    assert memory.loc[["flag"]].equals(chunked.loc[["flag"]])
    binned = [k for k in memory.index if k[1] in ("psi", "js_distance", "hellinger", "kl_divergence")]
    assert (memory.value[binned] == chunked.value[binned]).all()


@pytest.mark.spark
def test_spark_engine_types_csv_booleans_and_places_edges_as_in_memory(csv_files):
    from helpers import java_available

    pytest.importorskip("pyspark", reason="PySpark is not installed (make install installs it)")
    if not java_available():
        pytest.skip("no Java runtime: install one (apt-get install -y default-jre-headless) to run the Spark engine")
    memory = _run_csv(csv_files, "memory")
    spark = _run_csv(csv_files, "spark", recipe="compute-drift-spark")
    _check_csv(spark)
    binned = [k for k in memory.index if k[1] in ("psi", "js_distance", "hellinger", "kl_divergence",
                                                  "missing_share_current", "chi2_pvalue")]
    assert (memory.status == spark.status.reindex(memory.index)).all()
    assert (memory.value[binned].fillna(-1) == spark.value.reindex(binned).fillna(-1)).all()
