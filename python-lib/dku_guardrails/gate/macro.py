"""The DSS side of every gate macro, written once. DSS finds the one subclass of ``Runnable`` in a
runnable.py, builds it with ``(project_key, config, plugin_config)`` when its ``__init__`` takes them,
then calls ``get_progress_target()`` and ``run(progress_callback)`` (public copy of DSS 9.0.5,
``dataiku/runnables/server.py`` and ``dataiku/base/utils.py: get_clazz_in_file``, which refuses a
module holding two subclasses: a runnable.py imports this module, never the class itself)."""
from dataiku.runnables import Runnable


class GateMacro(Runnable):
    """A macro is ``steps`` (its progress target) and ``action``, the gate function it runs:
    ``action(project_key, config, progress=..., plugin_config=...)``. The attributes are set here,
    as Dataiku's documentation sets them in the subclass; DSS's base class is not relied on."""

    steps = 4
    action = None

    def __init__(self, project_key, config, plugin_config):
        self.project_key = project_key
        self.config = config
        self.plugin_config = plugin_config

    def get_progress_target(self):
        return self.steps, "NONE"

    def run(self, progress_callback):
        return type(self).action(self.project_key, self.config, progress=progress_callback,
                                 plugin_config=self.plugin_config)
