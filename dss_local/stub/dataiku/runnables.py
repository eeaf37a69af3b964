"""Local ``dataiku.runnables``: the macro base class and ResultTable.

DSS calls ``__init__(project_key, config, plugin_config)``, then ``get_progress_target()`` and
``run(progress_callback)`` (public copy of DSS 9.0.5, badribaindla/dataiku-soft@95bd4d95
dataiku-dss-9.0.5/python/dataiku/runnables/runnable.py and result.py)."""
import json


class Runnable(object):
    """The base stores nothing: DSS's documentation and macro template set ``project_key``,
    ``config`` and ``plugin_config`` in the subclass's ``__init__``. (The DSS 9.0.5 base does store
    them; no public copy of the base of DSS 12-15 was found, so a macro must not rely on it.)"""

    def __init__(self, project_key, config, plugin_config):
        pass

    def get_progress_target(self):
        return None

    def run(self, progress_callback):
        raise Exception("unimplemented")


class ResultTable(object):
    """A RESULT_TABLE result (DSS 9.0.5 dataiku/runnables/result.py)."""

    def __init__(self):
        self.records = []
        self.columns = []
        self.header = ""
        self.name = ""

    def add_column(self, name, display_name, type="STRING"):
        self.columns.append({"name": name, "displayName": display_name, "type": type})

    def add_record(self, record):
        self.records.append(record)

    def set_header(self, header):
        self.header = header

    def set_name(self, name):
        self.name = name

    def to_json(self):
        """A JSON string, as DSS's to_json returns."""
        return json.dumps({"header": self.header, "columns": self.columns, "records": self.records,
                           "name": self.name})
