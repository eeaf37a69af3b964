"""prune-bundles: delete old bundles, never a deployed one or the newest approved one."""
from dataiku.runnables import Runnable

from dku_guardrails.gate_macros import PRUNE_STEPS, prune_bundles


class PruneBundles(Runnable):
    def get_progress_target(self):
        return PRUNE_STEPS, "NONE"  # steps: connect, Govern, decide, act

    def run(self, progress_callback):
        return prune_bundles(self.project_key, self.config, progress=progress_callback)
