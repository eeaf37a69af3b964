"""create-approved-bundle: export (and optionally publish) a bundle only if Govern approved."""
from dataiku.runnables import Runnable

from dku_guardrails.gate.create import STEPS, create_approved_bundle


class CreateApprovedBundle(Runnable):
    def __init__(self, project_key, config, plugin_config):
        super().__init__(project_key, config, plugin_config)
        self.project_key = project_key
        self.config = config
        self.plugin_config = plugin_config

    def get_progress_target(self):
        return STEPS, "NONE"  # steps: connect, Govern, sign-offs, audit, export, publish

    def run(self, progress_callback):
        return create_approved_bundle(self.project_key, self.config, progress=progress_callback,
                                      plugin_config=self.plugin_config)
