"""The Govern gate (SPEC §5), as functions over plain data: nothing here performs I/O; the adapters
in ``dku_guardrails.gate`` fetch the raw JSON and hand it to these functions.

Only an explicit Govern sign-off status ``APPROVED`` (and, by default, a final approver response
``APPROVED``) approves. Everything else — an unknown status, a missing field, a lookup that found
nothing, any transport or server error — is a refusal with a message that says what was found and
what to do.

Modules: ``codes`` (statuses, decision codes, errors, the decision record), ``names`` (the Govern
blueprint and field ids), ``params`` (the macros' parameters), ``signoffs`` (reading sign-offs),
``policy`` (the qualification policy), ``results`` and ``rules`` (the qualification rules;
``sensitivity``, ``environments``, ``model_card`` judge one each), ``decision`` (the creation and
publication decisions), ``notes`` (release notes, audit entries),
``bundle_ids``, ``bundles`` (listings, prune, status), ``ledger`` (the approval record),
``diagnostics`` and ``report`` (HTML). This package's namespace is the gate's public API.
"""
from .codes import *  # noqa: F401,F403
from .codes import __all__ as _codes
from .decision import Creation, CreationFacts, decide_creation, decide_publication, withdraw_unaudited  # noqa: F401
from .names import *  # noqa: F401,F403
from .names import __all__ as _names
from .notes import RELEASE_NOTES_MAX_ENCODED, audit_params, fit_release_notes, release_notes  # noqa: F401
from .params import (COMPONENT_PARAMS, GateParams, GovernConnection, GovernSource, check_url,  # noqa: F401
                     deadline_for, parse_gate_params, parse_govern_connection, parse_govern_source,
                     parse_long_call_seconds, parse_step, warn_unknown_params)
from .policy import QualificationPolicy, parse_plugin_policy, parse_policy  # noqa: F401
from .results import FAIL, NOT_APPLICABLE, PASS, WARN, RuleResult  # noqa: F401
from .rules import EvidenceFacts, QualificationFacts, evaluate_evidence, qualify  # noqa: F401
from .signoffs import APPROVER_KEYS, DATE_KEYS, decide_signoff, decide_signoffs, format_time, signoff_steps  # noqa: F401

__all__ = list(_codes) + list(_names) + [
    "Creation", "CreationFacts", "decide_creation", "decide_publication", "evaluate_evidence", "withdraw_unaudited",
    "RELEASE_NOTES_MAX_ENCODED", "audit_params", "fit_release_notes", "release_notes",
    "COMPONENT_PARAMS", "warn_unknown_params", "GateParams", "GovernConnection", "GovernSource", "check_url", "deadline_for", "parse_gate_params",
    "parse_govern_connection", "parse_govern_source", "parse_long_call_seconds", "parse_step",
    "QualificationPolicy", "parse_plugin_policy", "parse_policy", "FAIL", "NOT_APPLICABLE", "PASS", "WARN", "RuleResult",
    "EvidenceFacts", "QualificationFacts", "qualify",
    "APPROVER_KEYS", "DATE_KEYS", "decide_signoff", "decide_signoffs", "format_time", "signoff_steps"]
