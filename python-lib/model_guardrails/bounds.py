"""The ``bounds`` parameter shared by the recipes: a DSS OBJECT_LIST of
``{metric, warning_threshold, error_threshold}`` entries overriding a metric's bounds."""
from . import params as p
from .errors import ConfigError
from .table import Bound


def parse_bounds(raw, directions, field="bounds"):
    """{metric: Bound} from the raw list; ``directions`` maps each metric that may be bounded to
    the side that breaches (``above`` / ``below``)."""
    if raw in (None, "", [], {}):
        return {}
    if not isinstance(raw, list):
        raise ConfigError(field, raw, "a list of {metric, warning_threshold, error_threshold} entries")
    result = {}
    for entry in raw:
        if not isinstance(entry, dict):
            raise ConfigError(field, entry, "an entry {metric, warning_threshold, error_threshold}")
        metric = p.get_str(entry, "metric")
        if metric not in directions:
            raise ConfigError(field + "[].metric", metric, "one of " + ", ".join(sorted(directions)))
        label = "{}[{}]".format(field, metric)
        warning = p.get_float(entry, "warning_threshold", None)
        error = p.get_float(entry, "error_threshold", None)
        if warning is None and error is None:
            raise ConfigError(label, entry, "a warning_threshold or an error_threshold")
        try:
            result[metric] = Bound(directions[metric], warning, error)
        except ConfigError as exc:
            raise ConfigError(label, exc.received, exc.expected) from None
    return result
