"""publish-model-status: each production deployment's drift, fairness, performance and approval, to Govern."""
from dku_guardrails.gate import macro, model_status


class PublishModelStatus(macro.GateMacro):
    steps = model_status.STEPS  # connect, deployments, evidence, approvals, publish
    action = staticmethod(model_status.publish_model_status)
