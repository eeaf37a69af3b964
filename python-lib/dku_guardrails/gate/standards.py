"""The govern-approval Project Standards check: the same Govern item and sign-offs the gate's bundle
creation uses (by default the Govern model version of the project's saved model)."""
from model_guardrails import gate
from model_guardrails.errors import ConfigError

from .create import governed_item
from .http import private_copy
from .run import guarded, open_gateways


def project_signoff_decision(project, config, plugin_config=None):
    """(approved, message). ``project`` is the DSSProject DSS hands the check; its client is left as
    DSS gave it (the gate hardens a private copy)."""
    params = gate.parse_gate_params(dict(config, version="0"), plugin_config)  # ConfigError: the check is misconfigured

    def decide(redactor):
        step = params.signoff_step
        try:
            gw = open_gateways(private_copy(project.client), project.project_key, params.source, redactor)
            item = governed_item(gw.dss, gw.govern, params)
            decision = gate.decide_signoffs(gw.govern.read_signoffs(item, step), item, params.require_final_approval)
        except (gate.GateError, ConfigError) as err:
            decision = gate.refuse(getattr(err, "code", gate.REFUSE_MALFORMED), str(err), step)
        return decision.approved, redactor.scrub(decision.reason)

    return guarded("govern-approval", config, decide)
