"""governance-status: bundles with their Govern approval, publication and deployments."""
from dku_guardrails.gate import inventory, macro


class GovernanceStatus(macro.GateMacro):
    steps = inventory.STATUS_STEPS  # connect, Govern, decide, report
    action = staticmethod(inventory.governance_status)
