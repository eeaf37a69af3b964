"""Typed readers for raw component configs (the JSON dicts DSS hands to recipes, checks and
macros). Each reader validates one field and raises ConfigError naming it.

DSS delivers INT parameters as floats (``10.0``) and leaves unset fields out or as ``None`` /
``""``; every reader accepts those forms.
"""
import difflib
import logging
import math

from .errors import ConfigError

log = logging.getLogger(__name__)


def _missing(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


def get_int(config, name, default, minimum=None, maximum=None):
    value = config.get(name)
    if _missing(value):
        return default
    if isinstance(value, bool):
        raise ConfigError(name, value, "an integer")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(name, value, "an integer") from None
    if not math.isfinite(number) or number != int(number):
        raise ConfigError(name, value, "an integer")
    number = int(number)
    _check_range(name, number, minimum, maximum)
    return number


def get_float(config, name, default, minimum=None, maximum=None):
    value = config.get(name)
    if _missing(value):
        return default
    if isinstance(value, bool):
        raise ConfigError(name, value, "a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(name, value, "a number") from None
    if not math.isfinite(number):
        raise ConfigError(name, value, "a finite number")
    _check_range(name, number, minimum, maximum)
    return number


def _check_range(name, number, minimum, maximum):
    if minimum is not None and number < minimum:
        raise ConfigError(name, number, "a value of at least {}".format(minimum))
    if maximum is not None and number > maximum:
        raise ConfigError(name, number, "a value of at most {}".format(maximum))


def get_bool(config, name, default):
    value = config.get(name)
    if _missing(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ConfigError(name, value, "true or false")


def get_str(config, name, default=""):
    value = config.get(name)
    if _missing(value):
        return default
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConfigError(name, value, "a text value")
    return str(value).strip()


def get_choice(config, name, default, choices):
    value = get_str(config, name, default)
    if value not in choices:
        raise ConfigError(name, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def get_list(config, name, allowed=None):
    """A list of non-empty strings. Accepts a JSON list or a comma-separated string."""
    value = config.get(name)
    if _missing(value):
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        raise ConfigError(name, value, "a list of names")
    items = []
    for item in value:
        if _missing(item):
            continue
        if not isinstance(item, (str, int, float)) or isinstance(item, bool):
            raise ConfigError(name, item, "a list of names")
        text = str(item).strip()
        if allowed is not None and text not in allowed:
            raise ConfigError(name, text, "one of " + ", ".join(sorted(allowed)))
        if text not in items:
            items.append(text)
    return items


def unknown_names(names, known):
    """(unknown, suggestions) for ``names`` (a config's keys, or any names) not in ``known``:
    the unknown ones in their given order, and {unknown name: close matches among ``known``}."""
    known = list(known)
    unknown = [name for name in names if name not in known]
    return unknown, {name: difflib.get_close_matches(str(name), known, n=3, cutoff=0.6) for name in unknown}


def describe_unknown(unknown, suggestions, what="parameter"):
    """"'psi_bin' (did you mean 'psi_bins'?), 'foo'": each unknown name with its close matches."""
    return ", ".join("{!r}{}".format(name, " (did you mean {}?)".format(" or ".join(map(repr, suggestions[name])))
                                     if suggestions.get(name) else "") for name in unknown)


def warn_unknown(config, known, component):
    """Log a warning naming the parameters of ``config`` that ``component`` does not have (with
    close matches). Inside DSS an unknown name is not an error: a configuration saved before a
    plugin upgrade renamed a parameter keeps the old key, and must not break a Flow. Returns the
    unknown names."""
    unknown, suggestions = unknown_names(config or {}, known)
    if unknown:
        log.warning("%s: unknown parameter%s %s, ignored (misspelt, or saved before a plugin upgrade renamed it)",
                    component, "s" if len(unknown) > 1 else "", describe_unknown(unknown, suggestions))
    return unknown
