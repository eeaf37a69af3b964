"""Project Standards check (DSS 14.2+): the Govern item the gate creates bundles on must be APPROVED
(by default the Govern model version of the project's saved model, as create-approved-bundle).

Any failure to read it (not governed, Govern down, bad key) is a critical failure too: fail closed."""
from dataiku.project_standards import ProjectStandardsCheckRunResult, ProjectStandardsCheckSpec

from dku_guardrails.gate.standards import project_signoff_decision
from model_guardrails.errors import ConfigError

CRITICAL = 5


class GovernApprovalCheck(ProjectStandardsCheckSpec):
    def run(self):
        try:
            approved, message = project_signoff_decision(self.project, self.config, self.plugin_config)
        except ConfigError as err:
            return ProjectStandardsCheckRunResult.failure(CRITICAL, "Check misconfigured: {}".format(err))
        if approved:
            return ProjectStandardsCheckRunResult.success(message)
        return ProjectStandardsCheckRunResult.failure(CRITICAL, message)
