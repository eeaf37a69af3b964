"""Local ``dataiku.runnables``: the macro base class and ResultTable (DSS plugin docs, "Macros")."""


class Runnable(object):
    """Base class of a macro. DSS calls ``__init__(project_key, config, plugin_config)``, then
    ``get_progress_target()`` and ``run(progress_callback)``."""

    def __init__(self, project_key, config, plugin_config):
        self.project_key = project_key
        self.config = config
        self.plugin_config = plugin_config

    def get_progress_target(self):
        return None

    def run(self, progress_callback):
        raise NotImplementedError("Macro {} does not implement run()".format(type(self).__name__))


class ResultTable(object):
    """A RESULT_TABLE result: named columns (types STRING or STRING_LIST) and records."""

    def __init__(self):
        self.name = ""
        self.columns = []
        self.records = []

    def set_name(self, name):
        self.name = name

    def add_column(self, column_id, label, column_type):
        if column_type not in ("STRING", "STRING_LIST"):
            raise ValueError("ResultTable column type must be STRING or STRING_LIST, got {!r}".format(column_type))
        self.columns.append({"id": column_id, "label": label, "type": column_type})

    def add_record(self, record):
        if len(record) != len(self.columns):
            raise ValueError("ResultTable record has {} values for {} columns".format(len(record), len(self.columns)))
        self.records.append(list(record))

    def to_json(self):
        """The shape the public API returns for a RESULT_TABLE macro result."""
        return {"name": self.name, "columns": self.columns, "records": self.records}
