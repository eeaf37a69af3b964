"""governance-status: bundles with their Govern approval, publication and deployments."""
from dataiku.runnables import Runnable

from dku_guardrails.gate.inventory import STATUS_STEPS, governance_status


class GovernanceStatus(Runnable):
    def __init__(self, project_key, config, plugin_config):
        super().__init__(project_key, config, plugin_config)
        self.project_key = project_key
        self.config = config
        self.plugin_config = plugin_config

    def get_progress_target(self):
        return STATUS_STEPS, "NONE"  # steps: connect, Govern, decide, act

    def run(self, progress_callback):
        return governance_status(self.project_key, self.config, progress=progress_callback,
                                 plugin_config=self.plugin_config)
