"""govern-diagnostics: what the Govern node holds for this project, looked up as the gate looks it up."""
from dku_guardrails.gate import diagnostics, macro


class GovernDiagnostics(macro.GateMacro):
    steps = diagnostics.STEPS  # connect, blueprints and DSS items, Govern items, page
    action = staticmethod(diagnostics.govern_diagnostics)
