"""prune-bundles: delete old bundles, never a deployed one or the newest approved one."""
from dku_guardrails.gate import inventory, macro


class PruneBundles(macro.GateMacro):
    steps = inventory.PRUNE_STEPS  # connect, Govern, decide, act
    action = staticmethod(inventory.prune_bundles)
