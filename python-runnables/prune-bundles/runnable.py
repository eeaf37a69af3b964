"""prune-bundles: delete old bundles, never a deployed one or the newest approved one."""
from dataiku.runnables import Runnable

from dku_guardrails.gate_macros import prune_bundles


class PruneBundles(Runnable):
    def get_progress_target(self):
        return None

    def run(self, progress_callback):
        return prune_bundles(self.project_key, self.config)
