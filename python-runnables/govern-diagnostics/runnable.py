"""govern-diagnostics: what the Govern node holds for this project, looked up as the gate looks it up."""
from dataiku.runnables import Runnable

from dku_guardrails.gate.diagnostics import STEPS, govern_diagnostics


class GovernDiagnostics(Runnable):
    def __init__(self, project_key, config, plugin_config):
        super().__init__(project_key, config, plugin_config)
        self.project_key = project_key
        self.config = config
        self.plugin_config = plugin_config

    def get_progress_target(self):
        return STEPS, "NONE"  # steps: connect, blueprints and DSS items, Govern items, page

    def run(self, progress_callback):
        return govern_diagnostics(self.project_key, self.config, progress=progress_callback,
                                  plugin_config=self.plugin_config)
