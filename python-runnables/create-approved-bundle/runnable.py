"""create-approved-bundle: export (and optionally publish) a bundle only if Govern approved."""
from dku_guardrails.gate import create, macro


class CreateApprovedBundle(macro.GateMacro):
    steps = create.STEPS  # connect, Govern, sign-offs, audit, export, publish
    action = staticmethod(create.create_approved_bundle)
