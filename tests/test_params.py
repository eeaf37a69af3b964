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
