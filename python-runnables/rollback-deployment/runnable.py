"""rollback-deployment: switch a Project Deployer deployment back to the previous bundle the gate approved."""
from dku_guardrails.deployments import rollback
from dku_guardrails.gate import macro


class RollbackDeployment(macro.GateMacro):
    steps = rollback.STEPS  # connect, read, decide and audit, update, record
    action = staticmethod(rollback.rollback_deployment)
