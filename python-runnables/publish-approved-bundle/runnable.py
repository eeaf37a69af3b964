"""publish-approved-bundle: publish a gate-created bundle once its Govern bundle is approved."""
from dataiku.runnables import Runnable

from dku_guardrails.gate.publish import STEPS, publish_approved_bundle


class PublishApprovedBundle(Runnable):
    def __init__(self, project_key, config, plugin_config):
        super().__init__(project_key, config, plugin_config)
        self.project_key = project_key
        self.config = config
        self.plugin_config = plugin_config

    def get_progress_target(self):
        return STEPS, "NONE"  # steps: connect, Govern, decide, publish

    def run(self, progress_callback):
        return publish_approved_bundle(self.project_key, self.config, progress=progress_callback,
                                       plugin_config=self.plugin_config)
