"""decommission-inactive: list (and, when confirmed, archive) saved models and deployments inactive for N days."""
from dku_guardrails.deployments import decommission
from dku_guardrails.gate import macro


class DecommissionInactive(macro.GateMacro):
    steps = decommission.STEPS  # connect, read activity, judge, act
    action = staticmethod(decommission.decommission_inactive)
