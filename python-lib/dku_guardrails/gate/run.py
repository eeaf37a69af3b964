"""What every gate macro does around its work: redact the Govern keys from everything it emits,
report progress, and open its gateways to DSS and Govern under one deadline."""
import logging
from dataclasses import dataclass

from model_guardrails import gate

from . import govern_gateway
from .dss_gateway import DssGateway
from .http import Deadline, Redactor, redacted_logs

log = logging.getLogger("model_guardrails.gate")


def redactor_of(config):
    """The values to redact, starting with the Govern key of the raw config — read before parsing, so
    that a parameter error cannot echo it either."""
    conn = config.get("govern_connection") if isinstance(config, dict) else None
    key = conn.get("api_key") if isinstance(conn, dict) else None
    return Redactor([key.strip()] if isinstance(key, str) and key.strip() else [])


def guarded(component, config, fn):
    """Run ``fn(redactor)`` for gate component ``component`` with the keys removed from every log
    record; an exception whose text would carry a key is replaced by a scrubbed one, and so is a
    returned text. Config keys the component does not have are logged first."""
    redactor = redactor_of(config)
    with redacted_logs(redactor.values):
        gate.warn_unknown_params(config, component)
        try:
            result = fn(redactor)
        except Exception as exc:  # re-raised below; only its text may change
            text = str(exc)
            clean = redactor.scrub(text)
            if clean != text:
                raise gate.GateError(getattr(exc, "code", gate.REFUSE_SERVER), clean) from None
            raise
    return redactor.scrub(result) if isinstance(result, str) else result


def step_counter(callback):
    """A step counter calling DSS's progress_callback(current); never lets it fail the macro."""
    state = {"step": 0}

    def advance(to=None):
        state["step"] = state["step"] + 1 if to is None else to
        if callback is not None:
            try:
                callback(state["step"])
            except Exception:  # progress is cosmetic
                log.debug("progress callback failed", exc_info=True)
    return advance


def api_client(dss=None):
    """``dss`` when given (tests), else the client of the user running the macro."""
    if dss is not None:
        return dss
    import dataiku  # only inside DSS or the local runtime

    return dataiku.api_client()


@dataclass
class Gateways:
    dss: DssGateway
    govern: govern_gateway.GovernGateway
    actor: str

    def audit(self, params):
        """(written, where) of one audit entry: DSS audit trail first, else Govern's."""
        return self.dss.write_audit(params, self.govern)


def open_gateways(client, project_key, source, redactor):
    """Both gateways under one deadline; who runs the macro and the DSS node id are read first."""
    deadline = Deadline(source.deadline_seconds)
    dss = DssGateway(client, project_key, source, deadline, redactor)
    actor, node_id = dss.identity()
    return Gateways(dss, govern_gateway.connect(source, dss, deadline, node_id), actor)
