"""prune-bundles: delete old bundles, never a deployed one or the newest approved one."""
from dataiku.runnables import Runnable

from dku_guardrails.gate.inventory import PRUNE_STEPS, prune_bundles


class PruneBundles(Runnable):
    def __init__(self, project_key, config, plugin_config):
        super().__init__(project_key, config, plugin_config)
        self.project_key = project_key
        self.config = config
        self.plugin_config = plugin_config

    def get_progress_target(self):
        return PRUNE_STEPS, "NONE"  # steps: connect, Govern, decide, act

    def run(self, progress_callback):
        return prune_bundles(self.project_key, self.config, progress=progress_callback,
                             plugin_config=self.plugin_config)
