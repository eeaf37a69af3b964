"""The Govern gate decision (SPEC §5), as functions over plain data.

Only an explicit Govern sign-off status ``APPROVED`` (and, by default, a final approver response
``APPROVED``) approves. Everything else — an unknown status, a missing field, a lookup that found
nothing, any transport or server error — is a refusal with a message that says what was found and
what to do. Nothing here performs I/O: the adapters in ``dku_guardrails`` fetch the raw JSON and
hand it to these functions.
"""
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional, Tuple
from urllib.parse import quote_plus, urlsplit

from . import ids, params as p
from .errors import ConfigError, GuardrailsError

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

# Govern blueprints and fields (dataiku-api.md §4.1). The saved-model-version blueprint and its field ids
# are not confirmed by Dataiku's documentation: they are defaults of the plugin settings below, which an
# administrator corrects (Plugins > model-guardrails > Settings) after running govern-diagnostics.
BP_DATAIKU_PROJECT = "bp.system.dataiku_project"
BP_DATAIKU_BUNDLE = "bp.system.dataiku_bundle"
BP_DATAIKU_MODEL_VERSION = "bp.system.dataiku_saved_model_version"
FIELD_NODE_ID = "node_id"
FIELD_PROJECT_KEY = "project_key"
FIELD_BUNDLE_ID = "bundle_id"
FIELD_SAVED_MODEL_ID = "saved_model_id"
FIELD_VERSION_ID = "version_id"
FIELD_GOVERNED_BY = "governed_by"


@dataclass(frozen=True)
class GovernNames:
    """The Govern blueprint and field ids the gate searches with; each is a plugin setting whose
    name is ``govern_`` + the attribute (e.g. ``govern_bp_bundle``)."""

    bp_project: str = BP_DATAIKU_PROJECT
    bp_model_version: str = BP_DATAIKU_MODEL_VERSION
    bp_bundle: str = BP_DATAIKU_BUNDLE
    field_node_id: str = FIELD_NODE_ID
    field_project_key: str = FIELD_PROJECT_KEY
    field_saved_model_id: str = FIELD_SAVED_MODEL_ID
    field_version_id: str = FIELD_VERSION_ID
    field_bundle_id: str = FIELD_BUNDLE_ID
    field_governed_by: str = FIELD_GOVERNED_BY

    def changed(self):
        """{setting: value} of the settings that differ from their defaults."""
        default = GovernNames()
        return {"govern_" + f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != getattr(default, f.name)}


def parse_govern_names(plugin_config):
    """The plugin settings ``govern_bp_*`` / ``govern_field_*``; empty or absent keeps the default."""
    plugin_config = plugin_config if isinstance(plugin_config, dict) else {}
    values = {}
    for f in dataclasses.fields(GovernNames):
        setting = "govern_" + f.name
        value = p.get_str(plugin_config, setting, "").strip()
        if value:
            values[f.name] = ids.check(ids.GOVERN_NAME, value, "plugin setting " + setting)
    return GovernNames(**values)


def describe_fields(fields, limit=12):
    """"; its fields are a, b, c" — what a Govern item has, for a refusal that looked for another."""
    names = sorted(str(k) for k in fields) if isinstance(fields, dict) else []
    more = " (+{} more)".format(len(names) - limit) if len(names) > limit else ""
    return "; its fields are: {}{}".format(", ".join(names[:limit]) or "none", more)


def describe_found_fields(blueprint, searched, found_fields):
    """For a search of ``blueprint`` items with ``searched`` {field: value} that found none, given the
    fields of some items of that blueprint: which searched fields they lack, or that the values differ."""
    present = set().union(*[set(f) for f in found_fields])
    lacking = [name for name in searched if name not in present]
    if lacking:
        return ("; Govern's items of blueprint {} have no field {} (they have: {}): if your Govern names it "
                "differently, set the plugin setting for it (run the govern-diagnostics macro to see the "
                "fields)".format(blueprint, ", ".join(repr(n) for n in lacking), ", ".join(sorted(present)[:15])))
    seen = sorted({str(f.get(name)) for f in found_fields for name in searched if f.get(name) is not None})
    return "; items of blueprint {} exist but none with {} (values seen: {})".format(
        blueprint, ", ".join("{}={}".format(k, v) for k, v in searched.items()), ", ".join(seen[:10]))


def describe_found_blueprints(blueprint, raw_list):
    """For a blueprint with no item at all: the Dataiku blueprints the Govern node has."""
    found = []
    for raw in raw_list:
        bp = raw.get("blueprint") if isinstance(raw, dict) else None
        if isinstance(bp, dict) and isinstance(bp.get("id"), str) and bp["id"].startswith("bp.system.dataiku_"):
            found.append(bp["id"])
    if blueprint in found:
        return "; blueprint {} exists but has no item yet".format(blueprint)
    return "; Govern has no item of blueprint {}; its Dataiku blueprints are: {}".format(
        blueprint, ", ".join(sorted(found)) or "none")


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


# -- parameters --------------------------------------------------------------------------------

@dataclass(frozen=True)
class GovernConnection:
    """Values of a govern-connection preset. The key is kept out of repr()."""

    govern_url: str
    api_key: str = field(repr=False)
    verify_tls: bool = True
    ca_bundle: str = ""
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


def parse_govern_connection(raw, name="govern_connection"):
    """The preset dict DSS hands over (None when no preset was chosen)."""
    if raw is None or raw == "" or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(name, "<{}>".format(type(raw).__name__),
                          "a govern-connection preset (a JSON object with govern_url and api_key)")
    url = p.get_str(raw, "govern_url")
    check_url(url, name + ".govern_url")
    key = raw.get("api_key")
    if not isinstance(key, str) or not key.strip():
        # Never echo the value: it may be a mistyped secret.
        raise ConfigError(name + ".api_key", "<hidden>", "the API key of a Govern user or a Govern global API key")
    return GovernConnection(
        govern_url=url.rstrip("/"),
        api_key=key.strip(),
        verify_tls=p.get_bool(raw, "verify_tls", True),
        ca_bundle=p.get_str(raw, "ca_bundle", ""),
        timeout_seconds=p.get_float(raw, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS, minimum=0.1, maximum=600),
    )


def check_url(url, name):
    """A Govern base URL. Errors never echo credentials, a query or a fragment (they may hold a key)."""
    try:
        parts = urlsplit(url if isinstance(url, str) else "")
        host = parts.hostname
    except ValueError:
        raise ConfigError(name, "<unreadable URL>", "the base URL of the Govern node") from None
    shown = "{}://{}{}{}".format(parts.scheme, (host or "") + (":{}".format(parts.port) if parts.port else ""),
                                 parts.path, "?<hidden>" if parts.query or parts.fragment else "")
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(name, shown, "the base URL of the Govern node, such as https://govern.example.com:8443")
    if parts.username or parts.password:
        raise ConfigError(name, shown, "a URL without user or password (put the key in api_key)")
    if parts.query or parts.fragment:
        raise ConfigError(name, shown, "a base URL without '?' query or '#' fragment (put the key in api_key)")
    return url


@dataclass(frozen=True)
class GovernSource:
    """Where Govern credentials come from: a preset, or the DSS-configured Govern node."""

    connection: Optional[GovernConnection]
    use_dss_govern_node: bool
    names: GovernNames = GovernNames()

    @property
    def timeout_seconds(self):
        return self.connection.timeout_seconds if self.connection else DEFAULT_TIMEOUT_SECONDS

    @property
    def deadline_seconds(self):
        return deadline_for(self.timeout_seconds)

    @property
    def label(self):
        if self.use_dss_govern_node:
            return "the Govern node configured in DSS (Administration > Settings > Govern)"
        return "preset govern_connection ({})".format(self.connection.govern_url)


def deadline_for(timeout_seconds):
    return min(DEADLINE_MAX, max(DEADLINE_MIN, DEADLINE_FACTOR * timeout_seconds))


def parse_govern_source(config, plugin_config=None):
    """Where to reach Govern (the macro's config) and what to search it for (the plugin settings)."""
    use_node = p.get_bool(config, "use_dss_govern_node", False)
    connection = parse_govern_connection(config.get("govern_connection"))
    if not use_node and connection is None:
        raise ConfigError("govern_connection", config.get("govern_connection"),
                          "a govern-connection preset, or 'use_dss_govern_node' set to true (DSS administrators only)")
    return GovernSource(connection=connection, use_dss_govern_node=use_node, names=parse_govern_names(plugin_config))


def parse_step(config, name="signoff_step"):
    """A workflow step id, or "" to discover the Govern item's sign-offs."""
    step = p.get_str(config, name, DEFAULT_STEP).strip()
    return ids.check(ids.STEP_ID, step, name) if step else ""


def parse_long_call_seconds(config, name):
    return p.get_float(config, name, DEFAULT_LONG_CALL_SECONDS, minimum=1, maximum=6 * 3600)


@dataclass(frozen=True)
class GateParams:
    source: GovernSource
    governed_item: str = "saved_model_version"
    saved_model_id: str = ""
    saved_model_version: str = ""
    signoff_step: str = DEFAULT_STEP
    require_final_approval: bool = True
    bundle_id_template: str = DEFAULT_TEMPLATE
    version: str = ""
    release_notes: str = ""
    evidence_datasets: Tuple[str, ...] = ()
    evidence_allow_warning: bool = True
    publish: bool = False
    publish_signoff_step: str = DEFAULT_STEP
    bundle_timeout_seconds: float = DEFAULT_LONG_CALL_SECONDS
    dry_run: bool = False
    audit_required: bool = True


def parse_gate_params(config, plugin_config=None):
    """create-approved-bundle's config (SPEC §5, issue item 9) to a validated GateParams."""
    from .bundles import check_template  # local import: bundles imports this module

    source = parse_govern_source(config, plugin_config)
    item = p.get_choice(config, "governed_item", "saved_model_version", ("project", "saved_model_version"))
    model_id = p.get_str(config, "saved_model_id", "")
    model_version = p.get_str(config, "saved_model_version", "")
    if item == "saved_model_version":
        if model_id:  # empty: the project's only saved model
            ids.check(ids.SAVED_MODEL_ID, model_id, "saved_model_id")
        if model_version:
            ids.check(ids.MODEL_VERSION_ID, model_version, "saved_model_version")
    step = parse_step(config)
    template = p.get_str(config, "bundle_id_template", DEFAULT_TEMPLATE)
    version = p.get_str(config, "version", "")
    check_template(template, version)
    datasets = tuple(ids.check(ids.DATASET_NAME, name, "evidence_datasets")
                     for name in p.get_list(config, "evidence_datasets"))
    return GateParams(
        source=source, governed_item=item, saved_model_id=model_id, saved_model_version=model_version,
        signoff_step=step, require_final_approval=p.get_bool(config, "require_final_approval", True),
        bundle_id_template=template, version=version, release_notes=p.get_str(config, "release_notes", ""),
        evidence_datasets=datasets, evidence_allow_warning=p.get_bool(config, "evidence_allow_warning", True),
        publish=p.get_bool(config, "publish", False), publish_signoff_step=parse_step(config, "publish_signoff_step"),
        bundle_timeout_seconds=parse_long_call_seconds(config, "bundle_timeout_seconds"),
        dry_run=p.get_bool(config, "dry_run", False), audit_required=p.get_bool(config, "audit_required", True),
    )


# -- the decision ------------------------------------------------------------------------------

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


_GUIDANCE = {
    NOT_STARTED: "the sign-off has not been requested: the owner of the {item} must request feedback or "
                 "approval in Govern, then its approvers must approve it before a bundle can be created",
    WAITING_FOR_FEEDBACK: "the reviewers of the feedback groups of the {item} must give their feedback, then "
                          "its approvers must approve it before a bundle can be created",
    WAITING_FOR_APPROVAL: "the approvers of the {item} must approve it before a bundle can be created",
    REJECTED: "an approver rejected it; the sign-off must be reset in Govern and approved again before a "
              "bundle can be created",
    ABANDONED: "it was abandoned; the sign-off must be reset in Govern and approved again before a bundle "
               "can be created",
}


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def _first(mapping, keys):
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return format_time(value)
        if isinstance(value, dict):  # e.g. {"login": ..., "displayName": ...}
            inner = _first(value, ("login", "userLogin", "displayName", "name"))
            if inner:
                return inner
    return ""


# The approver/date keys of approverResponse are not documented; these are read in this order.
APPROVER_KEYS = ("user", "login", "userLogin", "author", "approver", "lastModifiedBy", "createdBy")
DATE_KEYS = ("date", "lastModifiedOn", "lastModificationDate", "updatedOn", "createdOn", "timestamp")


def format_time(value):
    """Epoch milliseconds or an ISO string to 'YYYY-MM-DD HH:MM UTC' (text returned as given)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value / 1000.0, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        except (OverflowError, OSError, ValueError):
            return ""
    return value if isinstance(value, str) else ""


def decide_signoff(signoff, item, step, require_final_approval=True):
    """Approve only on ``status == APPROVED`` (and final approver response APPROVED if required).

    ``signoff`` is the raw JSON of GET /artifact/{id}/workflow/step/{step}/signoff.
    """
    where = "Govern sign-off on step '{}' of {}".format(step, item.govern_label)
    if not isinstance(signoff, dict):
        return refuse(REFUSE_MALFORMED, "{} could not be read: Govern answered {} instead of a sign-off "
                      "object; the gate refuses when it cannot read the sign-off.".format(
                          where, type(signoff).__name__), step)
    status = signoff.get("status")
    if not isinstance(status, str) or not status:
        return refuse(REFUSE_MALFORMED, "{} has no status in Govern's answer; the gate refuses when it cannot "
                      "read the sign-off.".format(where), step)
    responses = signoff.get("feedbackResponses")
    feedback = tuple("{}: {}".format(_first(f, APPROVER_KEYS) or "reviewer", _text(f.get("status")))
                     for f in (responses if isinstance(responses, list) else []) if isinstance(f, dict))
    response = signoff.get("approverResponse")
    response = response if isinstance(response, dict) else None
    approver = _first(response, APPROVER_KEYS) if response else ""
    approved_on = _first(response, DATE_KEYS) if response else ""
    comment = _text(response.get("comment")) if response else ""
    common = dict(step=step, signoff_status=status, approver=approver, approved_on=approved_on,
                  approver_comment=comment, feedback=feedback)
    if status != APPROVED:
        if status in _GUIDANCE:
            guidance = _GUIDANCE[status].format(item=item.govern_label)
        else:
            guidance = ("this is not a sign-off status the gate knows; only {} allows a bundle to be "
                        "created".format(APPROVED))
        reason = "{} of {} is {}: {}.".format(
            "Govern sign-off on step '{}'".format(step), item.dss_label, status, guidance)
        if status == REJECTED and comment:
            reason += " Approver's comment: {!r}.".format(comment)
        return Decision(approved=False, code=REFUSE_STATUS, reason=reason, **common)
    if require_final_approval:
        final = _text(response.get("status")) if response else ""
        if final != APPROVED:
            found = "no final approver response" if not final else "a final approver response of {}".format(final)
            reason = ("{} is APPROVED but has {}: an approver of the {} must give the final approval "
                      "(or set 'require_final_approval' to false).").format(
                          "Govern sign-off on step '{}' of {}".format(step, item.dss_label), found, item.govern_label)
            return Decision(approved=False, code=REFUSE_FINAL, reason=reason, **common)
    who = " by {}".format(approver) if approver else ""
    when = " on {}".format(approved_on) if approved_on else ""
    reason = "Govern sign-off on step '{}' of {} is APPROVED{}{}.".format(step, item.dss_label, who, when)
    return Decision(approved=True, code=APPROVE, reason=reason, **common)


def signoff_steps(items):
    """Step ids of the items of GET /artifact/{id}/signoffs, in Govern's order. An item names its step
    in ``signoffId.stepId`` (Govern 12.2 and later) or in ``stepId`` (before 12.2).
    ValueError when the answer is not a list or an item names no step."""
    if not isinstance(items, list):
        raise ValueError("the sign-off list is {} instead of a list".format(type(items).__name__))
    steps = []
    for entry in items:
        if not isinstance(entry, dict):
            raise ValueError("a sign-off of the list is {} instead of an object".format(type(entry).__name__))
        ref = entry.get("signoffId")
        step = ref.get("stepId") if isinstance(ref, dict) else entry.get("stepId")
        if not isinstance(step, str) or not step:
            raise ValueError("a sign-off of the list names no workflow step")
        if step not in steps:
            steps.append(step)
    return steps


def decide_signoffs(signoffs, item, require_final_approval=True):
    """``[(step, raw sign-off)]`` of one Govern item to one Decision: approve only when every
    sign-off approves (a template with several sign-offs needs all of them); none is a refusal."""
    if not signoffs:
        return refuse(REFUSE_NO_SIGNOFF, "{} has no sign-off in its Govern template, so nothing can approve it: "
                      "choose the governed item whose template has the sign-off (in Govern's standard templates, "
                      "model versions and bundles have one, on step 'review'; projects have none).".format(
                          item.govern_label))
    decisions = [decide_signoff(raw, item, step, require_final_approval) for step, raw in signoffs]
    refused = [d for d in decisions if not d.approved]
    if refused:
        first = refused[0]
        if len(decisions) == 1:
            return first
        return dataclasses.replace(first, reason="{} of the {} sign-offs of {} ({}) not approved. {}".format(
            len(refused), len(decisions), item.govern_label, ", ".join(d.step for d in refused), first.reason))
    if len(decisions) == 1:
        return decisions[0]
    last = decisions[-1]
    return dataclasses.replace(last, step=", ".join(d.step for d in decisions),
                               reason=" ".join(d.reason for d in decisions),
                               feedback=tuple(f for d in decisions for f in d.feedback))


def evaluate_evidence(results_by_dataset, allow_warning=True):
    """``{dataset: [rule results]}`` (raw last-rules-result items) to (ok, lines).

    A dataset passes when it has at least one rule result and every outcome is OK (or WARNING when
    ``allow_warning``). Any other outcome — ERROR, EMPTY, FAILED, SKIPPED, an unknown word, none —
    refuses: the gate only passes evidence it can read as passing."""
    passing = ("OK", "WARNING") if allow_warning else ("OK",)
    lines, ok = [], True
    for name, results in results_by_dataset.items():
        if not isinstance(results, list):
            ok = False
            lines.append("dataset {}: its check results could not be read".format(name))
            continue
        if not results:
            ok = False
            lines.append("dataset {}: no check/data-quality result yet — build it and run its checks "
                         "before creating the bundle".format(name))
            continue
        outcomes = [_text(r.get("outcome")).upper() if isinstance(r, dict) else "" for r in results]
        bad = [(r, o) for r, o in zip(results, outcomes) if o not in passing]
        if bad:
            ok = False
            shown = "; ".join("rule {} outcome {}{}".format(
                _rule_name(r), o or "missing", " ({})".format(_text(r.get("message"))[:120])
                if isinstance(r, dict) and _text(r.get("message")) else "") for r, o in bad[:3])
            lines.append("dataset {}: {} (passing outcomes: {})".format(name, shown, " or ".join(passing)))
        else:
            lines.append("dataset {}: latest outcomes {}".format(name, "/".join(sorted(set(outcomes)))))
    return ok, lines


def _rule_name(result):
    if not isinstance(result, dict):
        return "(unreadable)"
    return "'{}'".format(_text(result.get("name")) or _text(result.get("id")) or "?")


def release_notes(decision, item, user_notes="", now=None):
    """Release notes of an approved bundle: who approved what, and when."""
    now = now or datetime.now(timezone.utc)
    lines = []
    if user_notes:
        lines += [user_notes, ""]
    lines.append("Approved by the model-guardrails gate on {}.".format(now.strftime("%Y-%m-%d %H:%M UTC")))
    lines.append("Govern item: {}; sign-off step '{}': {}".format(item.govern_label, decision.step,
                                                                  decision.signoff_status))
    lines.append("Final approval: {}{}".format(decision.approver or "(approver not reported by Govern)",
                                              " on " + decision.approved_on if decision.approved_on else ""))
    if decision.approver_comment:
        lines.append("Approver's comment: " + decision.approver_comment)
    for entry in decision.feedback:
        lines.append("Feedback: " + entry)
    return "\n".join(lines)


# Release notes travel in the export call's query string (dataikuapi sends them as ``releaseNotes``):
# web servers commonly refuse request lines beyond 8 KiB, so the encoded notes are kept under this.
RELEASE_NOTES_MAX_ENCODED = 6000
_CUT_NOTE = ("\n[Cut here: the full notes ({} characters) were too long for the export call's URL; they are in "
             "the gate's approval record, project variable model_guardrails_approvals.]")


def fit_release_notes(text, limit=RELEASE_NOTES_MAX_ENCODED):
    """``(notes, cut)``: ``text`` itself when its URL-encoded form fits ``limit``, else its longest
    prefix that fits with a note saying where it was cut."""
    if len(quote_plus(text)) <= limit:
        return text, False
    note = _CUT_NOTE.format(len(text))
    low, high = 0, len(text)
    while low < high:  # longest prefix whose encoded length, note included, fits
        mid = (low + high + 1) // 2
        if len(quote_plus(text[:mid] + note)) <= limit:
            low = mid
        else:
            high = mid - 1
    return text[:low] + note, True


def audit_params(actor, project_key, decision, item=None, bundle_id="", action="decision", detail="", now=None):
    """The customMsgParams of the audit entry: only plain, secret-free values."""
    now = now or datetime.now(timezone.utc)
    return {
        "actor": actor or "",
        "projectKey": project_key,
        "action": action,
        "decision": "APPROVE" if decision.approved else "REFUSE",
        "code": decision.code,
        "reason": decision.reason,
        "governedItem": item.govern_label if item else "",
        "dataikuItem": item.dss_label if item else "",
        "signoffStep": decision.step,
        "signoffStatus": decision.signoff_status,
        "approver": decision.approver,
        "approvedOn": decision.approved_on,
        "bundleId": bundle_id,
        "detail": detail,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
