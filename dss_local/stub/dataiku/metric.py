"""Local ``dataiku.metric``: the metric types a probe may force with ``(value, type)``."""
import numbers


class MetricDataTypes:
    STRING = "STRING"
    BIGINT = "BIGINT"
    DOUBLE = "DOUBLE"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    ARRAY = "ARRAY"


def infer_type(value):
    """The type DSS infers for a probe value returned without one."""
    if isinstance(value, bool):
        return MetricDataTypes.BOOLEAN
    if isinstance(value, numbers.Integral):
        return MetricDataTypes.BIGINT
    if isinstance(value, numbers.Real):
        return MetricDataTypes.DOUBLE
    if isinstance(value, (list, tuple)):
        return MetricDataTypes.ARRAY
    return MetricDataTypes.STRING
