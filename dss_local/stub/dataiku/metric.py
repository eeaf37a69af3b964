"""Local ``dataiku.metric``: the metric types a probe may force with ``(value, type)``
(public copy of DSS 9.0.5, badribaindla/dataiku-soft@95bd4d95
dataiku-dss-9.0.5/python/dataiku/metric/server.py: MetricDataTypes members are MetricDataType
objects, and dataiku.metric exports MetricDataTypes only; DSS takes the type of a ``(value, t)``
pair only when ``t`` is one of them)."""


class _MetricDataType(object):  # DSS's MetricDataType, not exported by dataiku.metric
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "MetricDataType({!r})".format(self.name)


class MetricDataTypes:
    STRING = _MetricDataType("STRING")
    DATE = _MetricDataType("DATE")
    GEOPOINT = _MetricDataType("GEOPOINT")
    GEOMETRY = _MetricDataType("GEOMETRY")
    ARRAY = _MetricDataType("ARRAY")
    MAP = _MetricDataType("MAP")
    OBJECT = _MetricDataType("OBJECT")
    DOUBLE = _MetricDataType("DOUBLE")
    BOOLEAN = _MetricDataType("BOOLEAN")
    FLOAT = _MetricDataType("FLOAT")
    BIGINT = _MetricDataType("BIGINT")
    INT = _MetricDataType("INT")
    SMALLINT = _MetricDataType("SMALLINT")
    TINYINT = _MetricDataType("TINYINT")
