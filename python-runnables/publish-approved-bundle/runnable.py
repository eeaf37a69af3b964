"""publish-approved-bundle: publish a gate-created bundle once its Govern bundle is approved."""
from dku_guardrails.gate import macro, publish


class PublishApprovedBundle(macro.GateMacro):
    steps = publish.STEPS  # connect, Govern, decide, publish
    action = staticmethod(publish.publish_approved_bundle)
