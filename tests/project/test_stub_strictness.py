"""The local `dataiku` stand-in rejects what DSS's own package rejects (sources in
tests/reference/dataiku_signatures.json and the stub's docstrings): a SparkSession, a macro relying on
the base class for its attributes, an outcome word DSS does not read, read options it would
ignore; and it runs the checks' partition branch."""
import datetime
import json
import os
import shutil
import sys

import pandas as pd
import pytest

from dss_local import runtime
from dss_local.runtime import _as_outcome, component_context, run_check, run_probe, run_recipe
import helpers

ROOT = helpers.ROOT


@pytest.fixture
def flow(tmp_path):
    """The stand-in outside a recipe (as a check or notebook), with datasets a.csv and p.parquet."""
    pd.DataFrame({"n": ["1", "2", "x"], "flag": ["true", "false", "true"], "day": ["2024-01-01"] * 3,
                  "name": ["NA", "", "b"]}).to_csv(tmp_path / "a.csv", index=False)
    pd.DataFrame({"v": [1, 2, 3, 4, 5]}).assign(v=lambda f: f.v.astype("Int64").where(f.v != 4)).to_parquet(
        tmp_path / "p.parquet", index=False)
    with component_context(ROOT) as state:
        for name in ("a.csv", "p.parquet"):
            state.state["paths"]["LOCAL." + name.split(".")[0]] = str(tmp_path / name)
        import dataiku

        yield dataiku


@pytest.mark.parametrize("result, expected", [
    ("OK", ("OK", "")), ("ok", ("OK", "")), ("Okay", ("OK", "")), ("warn", ("WARNING", "")),
    (("Error", "bad"), ("ERROR", "bad")), (["WARNING", "m", "extra"], ("WARNING", "m")),
    ({"result": "ok", "message": "fine"}, ("OK", "fine")), (("ERROR", None), ("ERROR", "")),
])
def test_outcomes_read_by_first_letter(result, expected):
    assert _as_outcome("c", result) == expected


@pytest.mark.parametrize("result", ["FINE", "passed", None, 1, (), {"message": "x"}, ("NOPE", "m")])
def test_outcomes_dss_cannot_read_are_errors(result):
    outcome, message = _as_outcome("c", result)
    assert outcome == "ERROR" and "first letter" in message and repr(result) in message


def test_an_empty_outcome_is_an_error_of_the_check():
    with pytest.raises(IndexError):
        _as_outcome("c", "")


def test_spark_get_dataframe_rejects_what_dss_cannot_read(flow):
    import dataiku.spark as dkuspark

    SparkSession = type("SparkSession", (), {})
    with pytest.raises(TypeError, match=r"SQLContext\(spark.sparkContext\)"):
        dkuspark.get_dataframe(SparkSession(), flow.Dataset("a"))
    SQLContext = type("SQLContext", (), {"_ssql_ctx": None})
    with pytest.raises(TypeError, match="dataiku.Dataset"):
        dkuspark.get_dataframe(SQLContext(), "a")
    with pytest.raises(TypeError, match="expects an SQLContext"):
        dkuspark.get_dataframe(object(), flow.Dataset("a"))


def test_runnable_base_stores_nothing_and_each_macro_sets_its_own(flow):
    from dataiku.runnables import Runnable

    class Bare(Runnable):
        def run(self, progress_callback):
            return self.config

    with pytest.raises(AttributeError):
        Bare("P", {}, {}).run(None)
    # each real runnable.py, loaded as DSS loads it: exactly one Runnable subclass in the module (DSS 9.0.5
    # base/utils.py get_clazz_in_file refuses two), built with (project_key, config, plugin_config), its
    # attributes set without DSS's base class
    import runpy

    from dss_local.macro import _subclass

    folder = os.path.join(ROOT, "python-runnables")
    for macro_id in sorted(os.listdir(folder)):
        path = os.path.join(folder, macro_id, "runnable.py")
        cls = _subclass(runpy.run_path(path), Runnable, path)
        macro = cls("PROJ", {"k": 1}, {"p": 2})
        assert (macro.project_key, macro.config, macro.plugin_config) == ("PROJ", {"k": 1}, {"p": 2}), macro_id
        steps, unit = macro.get_progress_target()
        assert isinstance(steps, int) and steps > 0 and unit == "NONE", macro_id


def test_read_options_are_honoured(flow):
    ds = flow.Dataset("a")
    frame = ds.get_dataframe()
    assert frame["n"].dtype == object and frame["flag"].dtype == bool and frame["name"].isna().tolist() == [True, True, False]
    assert ds.get_dataframe(keep_default_na=False, na_values=[""])["name"].tolist()[0] == "NA"
    assert ds.get_dataframe(bool_as_str=True)["flag"].tolist() == ["true", "false", "true"]
    assert ds.get_dataframe(columns=["day", "n"], limit=2).columns.tolist() == ["day", "n"]
    assert len(ds.get_dataframe(limit=2)) == 2
    with pytest.raises(ValueError, match="'nope'"):
        ds.get_dataframe(columns=["nope"])
    ds._schema = [{"name": "n", "type": "string"}, {"name": "flag", "type": "string"},
                  {"name": "day", "type": "date"}, {"name": "name", "type": "string"}]
    assert str(ds.get_dataframe()["day"].dtype).startswith("datetime64")
    assert ds.get_dataframe(parse_dates=False)["day"].dtype == object
    ds._schema[0]["type"] = "bigint"
    with pytest.raises(ValueError):  # DSS: with infer_with_pandas=False an invalid value fails the read
        ds.get_dataframe(infer_with_pandas=False)
    assert ds.get_dataframe(infer_with_pandas=True)["n"].tolist() == ["1", "2", "x"]


def test_read_options_dss_has_not_are_type_errors_and_random_sampling_is_refused(flow):
    ds = flow.Dataset("a")
    with pytest.raises(TypeError):
        ds.get_dataframe(colums=["n"])
    with pytest.raises(TypeError):
        next(ds.iter_dataframes(chunk_size=2))
    with pytest.raises(ValueError, match="random sample"):
        ds.get_dataframe(sampling="random", limit=2)
    with pytest.raises(ValueError, match="limit or ratio"):  # DSS's own argument checks come first
        ds.get_dataframe(sampling="random")
    with pytest.raises(ValueError, match="head sampling"):
        ds.get_dataframe(ratio=0.5)
    with pytest.raises(ValueError, match="sampling_column"):
        ds.get_dataframe(sampling_column="n")


def test_parquet_chunks_are_typed_one_by_one(flow):
    chunks = list(flow.Dataset("p").iter_dataframes(chunksize=3))
    assert [c["v"].dtype.kind for c in chunks] == ["i", "f"]  # the null is in the second chunk only
    assert flow.Dataset("p").get_dataframe()["v"].dtype.kind == "f"


def test_datasets_outside_their_recipe_role_and_partitions_inside_a_recipe(tmp_path, flow):
    state = sys.modules["dataiku._flow"].state
    state.update(in_flow=True, inputs=[{"role": "r", "fullName": "LOCAL.a", "smartName": "a"}], outputs=[])
    with pytest.raises(Exception, match="not declared as an input"):
        flow.Dataset("p").get_dataframe()
    with pytest.raises(Exception, match="not declared as an output"):
        flow.Dataset("a").write_with_schema(pd.DataFrame({"x": [1]}))
    with pytest.raises(Exception, match="within Dataiku Flow"):
        flow.Dataset("a").add_read_partitions("2024")
    with pytest.raises(Exception, match="only available inside a recipe"):
        state["in_flow"] = False
        import dataiku.customrecipe

        dataiku.customrecipe.get_recipe_config()


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory):
    """A partitioned metrics dataset: partition 2024-01 from a clean drift run, 2024-02 from a drifted one."""
    base = tmp_path_factory.mktemp("partitions")
    ref, cur = helpers.demo_periods(base, 3000)
    (base / "metrics").mkdir()
    excluded = {"excluded_columns": ["transaction_id", "transaction_date"]}
    run_recipe("compute-drift", [("reference", ref), ("current", ref)], [("metrics", str(base / "metrics" / "2024-01.csv"))],
               config=excluded)
    run_recipe("compute-drift", [("reference", ref), ("current", cur)], [("metrics", str(base / "metrics" / "2024-02.csv"))],
               config=excluded)
    return str(base / "metrics")


def test_check_partition_branch(partitioned):
    assert run_check("drift-check", partitioned, partition_id="2024-01", object_type="DATASET")[0] == "OK"
    assert run_check("drift-check", partitioned, partition_id="2024-02", object_type="DATASET")[0] == "ERROR"
    outcome, message = run_check("drift-check", partitioned, partition_id="2024-03", object_type="DATASET")
    assert outcome == "ERROR" and "no partition '2024-03'" in message and "2024-01, 2024-02" in message
    values = run_probe("guardrails-headline-metrics", partitioned, partition_id="2024-01", object_type="DATASET")
    assert values["drifted_features"] == (0, "BIGINT")


def test_probe_types_as_dss_reads_them(tmp_path):
    plugin = tmp_path / "plugin"
    shutil.copytree(os.path.join(ROOT, "python-lib"), plugin / "python-lib")
    shutil.copy(os.path.join(ROOT, "plugin.json"), plugin / "plugin.json")
    (plugin / "python-probes" / "p").mkdir(parents=True)
    (plugin / "python-probes" / "p" / "probe.json").write_text(json.dumps({"meta": {}, "params": []}))
    (plugin / "python-probes" / "p" / "probe.py").write_text(
        "import datetime\nfrom dataiku.metric import MetricDataTypes\n"
        "def process(dataset):\n"
        "    return {'a': (1, MetricDataTypes.DOUBLE), 'b': (1, 'DOUBLE'), 'c': datetime.datetime(2024, 1, 2), 'd': 2.5}\n")
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "d.csv", index=False)
    values = run_probe("p", str(tmp_path / "d.csv"), plugin_dir=str(plugin))
    assert values == {"a": (1, "DOUBLE"), "b": ((1, "DOUBLE"), "ARRAY"), "c": ("2024-01-02T00:00:00", "DATE"),
                      "d": (2.5, "DOUBLE")}
    assert runtime.OBJECT_TYPES == ("DATASET", "MANAGED_FOLDER") and datetime
