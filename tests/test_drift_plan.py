"""drift.plan: which engine runs, from what the glue found (pure: no DSS, no data). Each branch of
the plan, the laziness of the row counts (a Spark count is a job) and the Evidently refusals."""
import pytest

from model_guardrails.drift import DriftParams
from model_guardrails.drift.metrics import SPECS
from model_guardrails.drift.plan import FRAME, DriftPlan, plan_drift
from model_guardrails.engines import CHUNKS, SPARK, EngineSettings
from model_guardrails.errors import ConfigError

LOCAL = EngineSettings(max_rows_in_memory=100)
SPARK_SETTINGS = EngineSettings(max_rows_in_memory=100, spark=True)


def rows(n):
    return lambda: n


def never():
    raise AssertionError("row count asked for although the plan does not depend on it")


def plan(engine=LOCAL, convention="default", loaded=False, folder=False, reference=rows(10), current=rows(10)):
    return plan_drift(engine, convention, loaded, folder, reference, current)


def test_both_fit_without_profile_folder_is_exact():
    assert plan() == DriftPlan(exact=True)
    assert plan(SPARK_SETTINGS) == DriftPlan(exact=True)


def test_both_fit_with_profile_folder_builds_and_saves_the_profile_then_is_exact():
    assert plan(folder=True) == DriftPlan(exact=True, build_profile=FRAME, save_profile=True, current=CHUNKS)


@pytest.mark.parametrize("reference, current, build", [(rows(None), rows(10), CHUNKS), (rows(10), rows(None), FRAME),
                                                       (rows(None), rows(None), CHUNKS)])
def test_a_side_too_large_streams_the_current_side(reference, current, build):
    assert plan(reference=reference, current=current) == DriftPlan(exact=False, build_profile=build, current=CHUNKS)
    assert plan(reference=reference, current=current, folder=True) == DriftPlan(
        exact=False, build_profile=build, save_profile=True, current=CHUNKS)


def test_a_saved_profile_is_used_and_the_reference_never_counted():
    assert plan(loaded=True, folder=True, reference=never) == DriftPlan(exact=False, current=CHUNKS)
    assert plan(SPARK_SETTINGS, loaded=True, folder=True, reference=never, current=never) == DriftPlan(
        exact=False, current=SPARK)


def test_spark_builds_its_profile_on_spark_and_never_counts_with_a_folder_or_a_zero_limit():
    assert plan(SPARK_SETTINGS, folder=True, reference=never, current=never) == DriftPlan(
        exact=False, build_profile=SPARK, save_profile=True, current=SPARK)
    never_collect = EngineSettings(max_rows_in_memory=0, spark=True)
    assert plan(never_collect, reference=never, current=never) == DriftPlan(exact=False, build_profile=SPARK,
                                                                           current=SPARK)
    assert plan(SPARK_SETTINGS, reference=rows(101), current=never) == DriftPlan(
        exact=False, build_profile=SPARK, current=SPARK)


def test_an_empty_local_dataset_still_fits_in_memory():
    assert plan(EngineSettings(max_rows_in_memory=0), reference=rows(0), current=rows(0)) == DriftPlan(exact=True)


def test_evidently_in_memory_is_allowed_with_or_without_a_folder():
    assert plan(convention="evidently").exact
    assert plan(convention="evidently", folder=True).exact


def test_evidently_refused_when_a_side_does_not_fit():
    with pytest.raises(ConfigError) as error:
        plan(convention="evidently", current=rows(None))
    assert error.value.args[0] == ConfigError(
        "max_rows_in_memory", 100, "at least the row count of both datasets with convention 'evidently' (Evidently "
        "bins over the pooled reference and current values, which needs them in memory)").args[0]


def test_evidently_refused_with_a_saved_profile():
    with pytest.raises(ConfigError, match="convention 'default' with a saved reference profile"):
        plan(convention="evidently", loaded=True, folder=True)


def test_evidently_refused_on_spark_aggregations():
    with pytest.raises(ConfigError, match="'default' on Spark aggregations"):
        plan(SPARK_SETTINGS, convention="evidently", folder=True, reference=never, current=never)


def test_params_carry_the_engine_settings_parsed_once():
    params = DriftParams.from_config({"max_rows_in_memory": 5000, "chunk_size": 2000, "profile_mode": "rebuild"})
    assert params.engine == EngineSettings(max_rows_in_memory=5000, chunk_size=2000)
    assert params.profile_mode == "rebuild"
    assert DriftParams.from_config({}).engine == EngineSettings()
    assert DriftParams.from_config({}, spark=True).engine == EngineSettings(max_rows_in_memory=0, spark=True)
    with pytest.raises(ConfigError, match="profile_mode"):
        DriftParams.from_config({"profile_mode": "sometimes"})


def test_every_metric_has_its_formula_direction_and_types():
    for name, spec in SPECS.items():
        assert spec.name == name and spec.formula and spec.direction and spec.types


def test_both_current_sides_are_explicitly_the_engine_protocol():
    from model_guardrails.drift.engines import CurrentSide
    from model_guardrails.drift.engines.chunks import ChunkSide
    from model_guardrails.drift.engines.spark import SparkSide

    assert CurrentSide in ChunkSide.__mro__ and CurrentSide in SparkSide.__mro__
