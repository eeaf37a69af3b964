"""The live-in-production record (``model_guardrails.deployments.live``) written where the gate
writes its audit entries: the DSS audit trail (``DSSClient.log_custom_audit``) and, when Govern is
configured and reachable, Govern's (``GovernClient.log_custom_audit``; both exist in every supported
client). Never raises: a fault is reported in the macro's result and never undoes what was done."""
import logging

from model_guardrails import gate
from model_guardrails.deployments.params import has_govern
from model_guardrails.errors import ConfigError

from ..gate import govern_gateway

log = logging.getLogger("model_guardrails.deployments")


def optional_govern(source, dss, deadline, node_id):
    """(GovernGateway or None, note): Govern is optional after the gate."""
    if not has_govern(source):
        return None, "Govern not configured (no govern-connection preset): recorded in DSS only."
    try:
        return govern_gateway.connect(source, dss, deadline, node_id), ""
    except (gate.GateError, ConfigError) as err:
        return None, "Govern not reachable ({}): recorded in DSS only.".format(err)


def record_live(dss, govern, params, govern_note=""):
    """Write one live-in-production entry to DSS, then Govern. Returns the notes for the result."""
    written, where = dss.write_audit(params)
    notes = ["DSS: " + (where if written else "NOT written ({})".format(where))]
    if govern is None:
        notes.append("Govern: " + (govern_note or "not configured: recorded in DSS only."))
        return notes
    try:
        dss.redactor.call("Govern", "writing the live-in-production entry", govern.client.log_custom_audit,
                          gate.AUDIT_TYPE, dss.redactor.scrub_value(params))
        notes.append("Govern: audit trail (customMsgType '{}')".format(gate.AUDIT_TYPE))
    except gate.GateError as err:
        log.warning("Live-in-production entry not written to Govern: %s", err)
        notes.append("Govern: NOT written ({}); what was done stands.".format(err))
    return notes
