import pytest

from model_guardrails import params as p
from model_guardrails.errors import ConfigError


def test_int_arriving_as_float_is_accepted():
    assert p.get_int({"n": 10.0}, "n", 3) == 10
    assert p.get_int({"n": "12"}, "n", 3) == 12
    assert p.get_int({"n": None}, "n", 3) == 3
    assert p.get_int({}, "n", 3) == 3


@pytest.mark.parametrize("value", [10.5, "ten", True, float("nan")])
def test_bad_int_names_the_field(value):
    with pytest.raises(ConfigError, match="Parameter 'n'"):
        p.get_int({"n": value}, "n", 3)


def test_int_range_is_enforced():
    with pytest.raises(ConfigError, match="at least 2"):
        p.get_int({"n": 1}, "n", 3, minimum=2)


def test_choice_lists_valid_values():
    with pytest.raises(ConfigError) as err:
        p.get_choice({"c": "spark"}, "c", "a", ("a", "b"))
    assert "'a', 'b'" in str(err.value) and "spark" in str(err.value)


def test_list_accepts_list_or_comma_text_and_checks_allowed():
    assert p.get_list({"l": ["a", " b ", "", "a"]}, "l") == ["a", "b"]
    assert p.get_list({"l": "a, b"}, "l") == ["a", "b"]
    with pytest.raises(ConfigError, match="one of"):
        p.get_list({"l": ["zz"]}, "l", allowed={"a"})


def test_bool_forms():
    assert p.get_bool({"b": "true"}, "b", False) is True
    with pytest.raises(ConfigError):
        p.get_bool({"b": "maybe"}, "b", False)


# -- unknown parameter names (issue 15 item 2) ---------------------------------------------------

def test_unknown_names_suggests_close_matches():
    unknown, suggestions = p.unknown_names({"psi_bin": 5, "dropmode": "none", "psi_bins": 10, "zzz": 1},
                                           ["psi_bins", "drop_mode", "methods"])
    assert unknown == ["psi_bin", "dropmode", "zzz"]
    assert suggestions == {"psi_bin": ["psi_bins"], "dropmode": ["drop_mode"], "zzz": []}
    assert p.describe_unknown(unknown, suggestions) == (
        "'psi_bin' (did you mean 'psi_bins'?), 'dropmode' (did you mean 'drop_mode'?), 'zzz'")


def _components():
    """(kind, component id, params class) of every recipe and check with a params class."""
    from model_guardrails.checks import CHECKS
    from model_guardrails.drift import DriftParams
    from model_guardrails.fairness import FairnessParams
    from model_guardrails.performance import PerformanceParams

    recipes = {"compute-drift": DriftParams, "compute-drift-spark": DriftParams, "compute-fairness": FairnessParams,
               "compute-fairness-spark": FairnessParams, "evaluate-model": PerformanceParams}
    return ([("custom-recipes", name, cls) for name, cls in recipes.items()]
            + [("python-checks", name, cls) for name, (cls, _) in CHECKS.items()])


@pytest.mark.parametrize("kind, component, params_class", _components())
def test_params_class_names_are_the_descriptor_params(kind, component, params_class):
    """Inside DSS the warning compares the config with the class's NAMES: they are the descriptor's
    parameter names (a Spark recipe lacks chunk_size only)."""
    import os

    from dss_local.runtime import find_plugin_dir, load_descriptor

    _, descriptor = load_descriptor(find_plugin_dir(os.path.dirname(__file__)), kind, component)
    names = {param["name"] for param in descriptor["params"] if param.get("type") != "SEPARATOR"}
    assert len(set(params_class.NAMES)) == len(params_class.NAMES)
    assert names == set(params_class.NAMES) - ({"chunk_size"} if component.endswith("-spark") else set())


def test_misspelt_parameter_is_a_logged_warning_inside_dss(caplog):
    """A saved configuration keeps an old key after an upgrade renames it: the run goes on, the log
    names the key and its close match."""
    from model_guardrails.checks import PerformanceCheckParams
    from model_guardrails.drift import DriftParams

    with caplog.at_level("WARNING"):
        assert DriftParams.from_config({"psi_bin": 5}).psi_bins == 10
        PerformanceCheckParams.from_config({"dropmode": "none"})
    text = caplog.text
    assert "compute-drift: unknown parameter 'psi_bin' (did you mean 'psi_bins'?), ignored" in text
    assert "performance-check: unknown parameter 'dropmode' (did you mean 'drop_mode'?), ignored" in text


def test_bound_pair_errors_name_the_parameters():
    from model_guardrails.fairness import FairnessParams
    from model_guardrails.performance import PerformanceParams

    base = {"target_column": "y", "prediction_column": "p", "sensitive_columns": ["g"]}
    with pytest.raises(ConfigError, match=r"^Parameter 'disparate_impact_warning / disparate_impact_error'"):
        FairnessParams.from_config(dict(base, disparate_impact_warning=0.7))
    with pytest.raises(ConfigError, match=r"^Parameter 'difference_warning / difference_error'"):
        FairnessParams.from_config(dict(base, difference_warning=0.3))
    with pytest.raises(ConfigError, match=r"^Parameter 'shift_warning / shift_error'.*got 'warning 0.3 / error 0.1'"):
        FairnessParams.from_config(dict(base, shift_warning=0.3, convention="aif360"))
    with pytest.raises(ConfigError, match=r"^Parameter 'roc_auc_warning / roc_auc_error'"):
        PerformanceParams.from_config({"target_column": "y", "score_column": "s", "roc_auc_warning": 0.8})


def test_id_errors_name_the_field_and_its_own_kind():
    """Kinds sharing a pattern keep their own description (a project key is not 'a saved model id',
    signoff_step is not 'an audit message type')."""
    from model_guardrails import ids

    with pytest.raises(ConfigError, match=r"^Parameter 'project key': expected a DSS project key"):
        ids.check(ids.PROJECT_KEY, "MY PROJECT", "project key")
    with pytest.raises(ConfigError, match=r"^Parameter 'signoff_step': expected a Govern workflow step id"):
        ids.check(ids.STEP_ID, "re view", "signoff_step")
