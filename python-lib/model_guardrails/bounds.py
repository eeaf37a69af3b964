"""The ``bounds`` parameter shared by recipes and checks: a DSS OBJECT_LIST of
``{metric, warning_threshold, error_threshold}`` entries overriding a metric's bounds.

Checks accept two more fields per entry (``overrides=True``): ``direction`` (``above`` /
``below``, for metrics whose breach side depends on the convention, e.g. AIF360's signed
differences) and ``ignore`` (true: the metric's recorded bound is not applied)."""
import contextlib

from . import params as p
from .errors import ConfigError
from .table import DIRECTIONS, Bound

ENTRY = "a list of {metric, warning_threshold, error_threshold} entries"


@contextlib.contextmanager
def naming(field):
    """Re-raise a ConfigError raised inside as one about ``field``, the parameter(s) the user set
    (a Bound only knows its own 'bounds')."""
    try:
        yield
    except ConfigError as exc:
        raise ConfigError(field, exc.received, exc.expected) from None


def parse_bounds(raw, directions, field="bounds", overrides=False):
    """{metric: Bound} from the raw list (with ``overrides``, a metric marked ``ignore`` maps to
    None); ``directions`` maps each metric that may be bounded to the side that breaches."""
    if raw in (None, "", [], {}):
        return {}
    if not isinstance(raw, list):
        raise ConfigError(field, raw, ENTRY)
    result = {}
    for entry in raw:
        if not isinstance(entry, dict):
            raise ConfigError(field, entry, "an entry {metric, warning_threshold, error_threshold}")
        metric = p.get_str(entry, "metric")
        if metric not in directions:
            raise ConfigError(field + "[].metric", metric, "one of " + ", ".join(sorted(directions)))
        label = "{}[{}]".format(field, metric)
        if overrides and p.get_bool(entry, "ignore", False):
            result[metric] = None
            continue
        with naming(label):
            warning = p.get_float(entry, "warning_threshold", None)
            error = p.get_float(entry, "error_threshold", None)
            direction = (p.get_choice(entry, "direction", directions[metric], ("",) + DIRECTIONS)
                         if overrides else "") or directions[metric]
        if warning is None and error is None:
            raise ConfigError(label, entry, "a warning_threshold or an error_threshold")
        with naming(label):
            result[metric] = Bound(direction, warning, error)
    return result
