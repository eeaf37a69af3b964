"""Sign-off statuses, decision codes, the refusal errors and the decision record of the gate."""
from dataclasses import dataclass
from typing import Tuple

from ..errors import GuardrailsError


# Govern sign-off statuses (dataikuapi GovernArtifactSignoff.update_status docstring).
NOT_STARTED = "NOT_STARTED"
WAITING_FOR_FEEDBACK = "WAITING_FOR_FEEDBACK"
WAITING_FOR_APPROVAL = "WAITING_FOR_APPROVAL"
APPROVED = "APPROVED"
REJECTED = "REJECTED"
ABANDONED = "ABANDONED"
SIGNOFF_STATUSES = (NOT_STARTED, WAITING_FOR_FEEDBACK, WAITING_FOR_APPROVAL, APPROVED, REJECTED, ABANDONED)

# Why a decision was taken. APPROVE is the only code that lets a bundle be created.
APPROVE = "APPROVE"
REFUSE_STATUS = "SIGNOFF_NOT_APPROVED"
REFUSE_FINAL = "FINAL_APPROVAL_MISSING"
REFUSE_NOT_FOUND = "NOT_FOUND"
REFUSE_NOT_GOVERNED = "NOT_GOVERNED"
REFUSE_NO_SIGNOFF = "NO_SIGNOFF"
REFUSE_AUTH = "AUTH_REJECTED"
REFUSE_FORBIDDEN = "FORBIDDEN"
REFUSE_TIMEOUT = "TIMEOUT"
REFUSE_UNREACHABLE = "UNREACHABLE"
REFUSE_TLS = "TLS_ERROR"
REFUSE_SERVER = "SERVER_ERROR"
REFUSE_MALFORMED = "MALFORMED_RESPONSE"
REFUSE_EVIDENCE = "EVIDENCE_FAILED"
REFUSE_QUALIFICATION = "QUALIFICATION_FAILED"
REFUSE_BUNDLE_ID = "BUNDLE_ID_REJECTED"
REFUSE_AUDIT = "AUDIT_NOT_WRITTEN"
REFUSE_AMBIGUOUS = "AMBIGUOUS"
REFUSE_UNSUPPORTED = "UNSUPPORTED_BY_THIS_DSS"
REFUSE_RECORD = "APPROVAL_RECORD_NOT_WRITTEN"

DEFAULT_TIMEOUT_SECONDS = 30.0
# Export and publish are synchronous calls that can take minutes on a large project: they get their own
# request timeout, added to the macro's deadline.
DEFAULT_LONG_CALL_SECONDS = 600.0
# An empty step means "discover": every sign-off the Govern item's template defines must be APPROVED.
DEFAULT_STEP = ""
DEFAULT_TEMPLATE = "{project_key}-v{version}-approved-{date}"
AUDIT_TYPE = "model-guardrails-gate"
# The whole macro's deadline: ten request timeouts, at least one minute, at most 15 minutes.
DEADLINE_FACTOR, DEADLINE_MIN, DEADLINE_MAX = 10, 60.0, 900.0


class GateError(GuardrailsError):
    """A lookup or call that ends in refusal: ``code`` says which kind, the message says why."""

    def __init__(self, code, message):
        self.code = code
        super().__init__(message)


class GateRefused(GuardrailsError):
    """Raised by create-approved-bundle (and publish-approved-bundle) on refusal so that a
    scenario's macro step fails."""

    def __init__(self, decision, audit_note="", what="Bundle creation"):
        self.decision = decision
        text = "{} refused: {}".format(what, decision.reason)
        if audit_note:
            text += " " + audit_note
        super().__init__(text)


@dataclass(frozen=True)
class GovernedItem:
    """The chain from the DSS item to the Govern item whose sign-off decides."""

    kind: str                 # "project", "saved_model_version" or "bundle"
    dss_label: str            # e.g. "project FRAUD_DETECTION" or "saved model version FRAUD_DETECTION.abc/v3"
    dataiku_artifact_id: str  # the synced Dataiku item in Govern
    govern_artifact_id: str   # the Govern item it is governed_by
    govern_name: str = ""
    govern_blueprint: str = ""

    @property
    def govern_label(self):
        name = " '{}'".format(self.govern_name) if self.govern_name else ""
        kind = _GOVERN_KINDS.get(self.kind, "Govern item")
        return "{}{} ({})".format(kind, name, self.govern_artifact_id)


_GOVERN_KINDS = {"project": "Govern project", "saved_model_version": "Govern model version",
                 "bundle": "Govern bundle"}


@dataclass(frozen=True)
class Decision:
    approved: bool
    code: str
    reason: str
    step: str = ""
    signoff_status: str = ""
    approver: str = ""
    approved_on: str = ""
    approver_comment: str = ""
    feedback: Tuple[str, ...] = ()


def refuse(code, reason, step="", status=""):
    return Decision(approved=False, code=code, reason=reason, step=step, signoff_status=status)


def stripped(value):
    """A text value of a Govern or DSS answer, stripped; "" for anything that is not text."""
    return value.strip() if isinstance(value, str) else ""

__all__ = ["NOT_STARTED", "WAITING_FOR_FEEDBACK", "WAITING_FOR_APPROVAL", "APPROVED", "REJECTED", "ABANDONED", "SIGNOFF_STATUSES", "APPROVE", "REFUSE_STATUS", "REFUSE_FINAL", "REFUSE_NOT_FOUND", "REFUSE_NOT_GOVERNED", "REFUSE_NO_SIGNOFF", "REFUSE_AUTH", "REFUSE_FORBIDDEN", "REFUSE_TIMEOUT", "REFUSE_UNREACHABLE", "REFUSE_TLS", "REFUSE_SERVER", "REFUSE_MALFORMED", "REFUSE_EVIDENCE", "REFUSE_QUALIFICATION", "REFUSE_BUNDLE_ID", "REFUSE_AUDIT", "REFUSE_AMBIGUOUS", "REFUSE_UNSUPPORTED", "REFUSE_RECORD", "DEFAULT_TIMEOUT_SECONDS", "DEFAULT_LONG_CALL_SECONDS", "DEFAULT_STEP", "DEFAULT_TEMPLATE", "AUDIT_TYPE", "DEADLINE_FACTOR", "DEADLINE_MIN", "DEADLINE_MAX", "GateError", "GateRefused", "GovernedItem", "Decision", "refuse", "stripped"]
