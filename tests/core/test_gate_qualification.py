"""Issue 17: the qualification policy (preset, tightened only) and every qualification rule, judged
through the pure decision function ``gate.decide_creation`` (no HTTP): each rule's PASS, its
refusals, and fail-closed behaviour on missing data."""
import dataclasses

import pandas as pd
import pytest

from model_guardrails import gate
from model_guardrails.errors import ConfigError
from model_guardrails.gate import bundles, ledger
from model_guardrails.gate.environments import CodeEnvFacts
from model_guardrails.gate.policy import BUILTIN_ENV
from model_guardrails.gate.model_card import ModelCardFacts
from model_guardrails.gate.sensitivity import SensitivityFacts, project_outputs, upstream_datasets
from test_gate_core import APPROVED_SIGNOFF, ITEM, NOW, signoff

COMMON = dict(warning_threshold=None, error_threshold=None, direction="", status="OK", reason="")


def perf_frame(auc, baseline=None, run="r1"):
    return pd.DataFrame([dict(COMMON, run_id=run, run_time="2026-01-01T00:00:00Z", window="__all__", metric="roc_auc",
                              value=auc, n=1000, ci_low=None, ci_high=None,
                              baseline_value=auc if baseline is None else baseline, change=None,
                              change_relative=None)])


def fairness_frame(di):
    return pd.DataFrame([dict(COMMON, run_id="r1", run_time="2026-01-01T00:00:00Z", attribute="gender",
                              group="__summary__", metric="disparate_impact", value=di, n=1000, direction="below",
                              warning_threshold=0.9, error_threshold=0.8)])


def drift_frame(score, share_error=0.3):
    rows = [dict(COMMON, run_id="r1", run_time="2026-01-01T00:00:00Z", feature=f, feature_type="numeric",
                 metric="drift_score", value=score, direction="above", warning_threshold=0.05, error_threshold=0.1)
            for f in ("a", "b")]
    rows.append(dict(COMMON, run_id="r1", run_time="2026-01-01T00:00:00Z", feature="__dataset__", feature_type="",
                     metric="drift_share", value=0.0, direction="above", warning_threshold=0.2,
                     error_threshold=share_error))
    return pd.DataFrame(rows)


OK_STORED = [{"id": "r", "name": "check", "outcome": "OK"}]
EVIDENCE_ONLY = {"sensitivity_tags_level": "off", "model_card_level": "off"}


def plugin(policy):
    """The plugin settings an administrator saves for ``policy`` ({field: value})."""
    return {"policy_" + k: v for k, v in policy.items()}


def params(policy=None, **config):
    config.setdefault("govern_connection", {"govern_url": "https://govern.example.com", "api_key": "k"})
    config.setdefault("version", "1.0")
    return gate.parse_gate_params(config, plugin(EVIDENCE_ONLY if policy is None else policy))


def decide(p, decision=APPROVED_SIGNOFF, **facts):
    facts.setdefault("records", {})
    facts.setdefault("bundles", ())
    return gate.decide_creation(gate.CreationFacts(decision, "FRAUD", frozenset(), gate.QualificationFacts(**facts)),
                                p, NOW)


def evidence(**frames):
    return {name: gate.EvidenceFacts(frame, "", OK_STORED) for name, frame in frames.items()}


def row(creation, rule, subject=""):
    (found,) = [r for r in creation.rules if r.rule == rule and r.subject == subject]
    return found


# -- the policy ----------------------------------------------------------------------------------

def test_default_policy_is_the_issue_s():
    policy = gate.parse_policy({})
    assert policy.levels == {"evidence": "required", "sensitivity_tags": "warn", "code_env": "required",
                             "rollback": "warn", "model_card": "warn", "decision_trail": "required"}
    assert (policy.drift_fails_on, policy.min_disparate_impact, policy.min_roc_auc) == ("ERROR", 0.8, 0.9)


def test_a_project_can_only_tighten_the_policy():
    preset = {"min_roc_auc": 0.9, "allowed_code_envs": ["py311", "py310"], "drift_fails_on": "WARNING"}
    tight = gate.parse_policy({"min_roc_auc": 0.95, "required_rules": ["rollback"],
                               "allowed_code_envs": ["py311"], "evidence_allow_warning": False,
                               "sensitivity_blocking_tags": ["sensitivity:PCI"]}, plugin(preset))
    assert tight.min_roc_auc == 0.95 and tight.level("rollback") == "required"
    assert tight.allowed_code_envs == ("py311",) and tight.evidence_warning_fails
    assert tight.sensitivity_blocking == ("sensitivity:PHI", "sensitivity:PCI")
    for loosening, field in (({"min_roc_auc": 0.85}, "min_roc_auc"), ({"min_disparate_impact": 0.7},
                                                                      "min_disparate_impact"),
                             ({"max_auc_drop": 0.1}, "max_auc_drop"), ({"drift_fails_on": "ERROR"}, "drift_fails_on"),
                             ({"allowed_code_envs": ["py39"]}, "allowed_code_envs")):
        with pytest.raises(ConfigError) as err:
            gate.parse_policy(loosening, plugin(preset))
        assert err.value.field == field and "only tighten" in str(err.value)
    with pytest.raises(ConfigError):  # a rule cannot be named to be disabled
        gate.parse_policy({"required_rules": ["no_such_rule"]})
    with pytest.raises(ConfigError, match="policy_min_roc_aux"):
        gate.parse_plugin_policy({"policy_min_roc_aux": 0.5})


def test_a_project_cannot_pick_a_looser_policy():
    """Review blocker 1: the policy is the plugin settings' (one per instance). A project that names
    a policy of its own (the old per-macro preset) gets no say: the binding policy still applies."""
    strict = gate.parse_gate_params({"govern_connection": {"govern_url": "https://g.example.com", "api_key": "k"},
                                     "version": "1.0", "qualification_policy": {"evidence_level": "off"}},
                                    plugin({"min_roc_auc": 0.95}))
    assert strict.policy.level("evidence") == "required" and strict.policy.min_roc_auc == 0.95
    assert strict.policy.preset == "plugin settings"
    assert "qualification_policy" not in gate.COMPONENT_PARAMS["create-approved-bundle"]
    # empty plugin settings: the built-in defaults, never something looser
    assert gate.parse_plugin_policy({}).levels == gate.parse_plugin_policy(None).levels == gate.policy.DEFAULT_LEVELS
    assert gate.parse_plugin_policy({"govern_bp_project": "x", "policy_min_roc_auc": ""}).min_roc_auc == 0.9
    # 'none' switches the version label and the blocking classes off; empty keeps the defaults
    off = gate.parse_plugin_policy(plugin({"version_label": "none", "sensitivity_blocking_tags": ["none"]}))
    assert off.version_label == "" and off.sensitivity_blocking == ()
    kept = gate.parse_plugin_policy(plugin({"version_label": "", "sensitivity_blocking_tags": [], "min_roc_auc": 0.9}))
    assert kept.version_label == "v{version}-prod-candidate" and kept.sensitivity_blocking == ("sensitivity:PHI",)
    # a project adds evidence kinds, never removes them
    assert gate.parse_policy({"required_evidence": ["drift"]}, plugin({"required_evidence": ["fairness"]})) \
        .required_evidence == ("drift", "fairness")


def test_the_policy_fields_are_the_plugin_settings():
    import json
    import os

    import helpers

    with open(os.path.join(helpers.ROOT, "plugin.json")) as f:
        settings = {p["name"][len("policy_"):]: p.get("defaultValue") for p in json.load(f)["params"]
                    if p.get("name", "").startswith("policy_")}
    assert set(settings) == set(gate.policy.POLICY_FIELDS)
    # the settings' defaults are the built-in policy: saving them untouched changes nothing
    assert gate.parse_plugin_policy({"policy_" + k: v for k, v in settings.items()}) == \
        dataclasses.replace(gate.parse_plugin_policy({}), preset="plugin settings")
    assert not os.path.exists(os.path.join(helpers.ROOT, "parameter-sets", "qualification-policy"))


# -- evidence ------------------------------------------------------------------------------------

def test_evidence_judges_the_latest_run_with_the_policy_bounds():
    p = params(evidence_datasets=["perf", "fair", "drift"])
    ok = decide(p, evidence=evidence(perf=perf_frame(0.93), fair=fairness_frame(0.95), drift=drift_frame(0.01)))
    assert ok.decision.approved, ok.decision.reason
    assert [r.status for r in ok.rules if r.rule == "evidence"] == ["PASS", "PASS", "PASS"]
    # 0.85 passes the policy's 0.8 but is below the 0.9 warning bound recorded in the row: the
    # model-health page says WARNING, so the gate does too (review finding 4: never milder)
    warned = decide(p, evidence=evidence(perf=perf_frame(0.93), fair=fairness_frame(0.85), drift=drift_frame(0.01)))
    assert row(warned, "evidence", "fair").status == "WARN" and warned.decision.approved
    assert row(ok, "evidence", "perf").bound == "roc_auc >= 0.9 and at most 5% below baseline (policy)"
    # 0.89 passes monitoring (recorded 0.88) but not qualification (policy 0.90)
    low = decide(p, evidence=evidence(perf=perf_frame(0.89), fair=fairness_frame(0.85), drift=drift_frame(0.01)))
    assert not low.decision.approved and low.decision.code == gate.REFUSE_EVIDENCE
    assert "evidence (perf) FAIL" in low.decision.reason and "roc_auc=0.89 < 0.9" in low.decision.reason
    unfair = decide(p, evidence=evidence(perf=perf_frame(0.93), fair=fairness_frame(0.79), drift=drift_frame(0.01)))
    assert row(unfair, "evidence", "fair").status == "FAIL" and not unfair.decision.approved
    drifted = decide(p, evidence=evidence(perf=perf_frame(0.93), fair=fairness_frame(0.85), drift=drift_frame(0.5)))
    assert row(drifted, "evidence", "drift").status == "FAIL" and not drifted.decision.approved


def test_evidence_warning_is_reported_and_blocks_only_when_the_policy_says():
    warn = {"drift": drift_frame(0.07, share_error=1.0)}  # every feature WARNING, share fine
    drift_only = dict(EVIDENCE_ONLY, required_evidence=["drift"])  # an admin's policy needing drift evidence only
    p = params(drift_only, evidence_datasets=["drift"])
    passed = decide(p, evidence=evidence(**warn))
    assert passed.decision.approved and row(passed, "evidence", "drift").status == "WARN"
    for tighter in (dict(drift_fails_on="WARNING"), dict(evidence_allow_warning=False)):
        refused = decide(params(drift_only, evidence_datasets=["drift"], **tighter), evidence=evidence(**warn))
        assert not refused.decision.approved and row(refused, "evidence", "drift").status == "FAIL"


@pytest.mark.parametrize("facts, says", [
    (gate.EvidenceFacts(None, "Dataset not found", OK_STORED), "rows not read: Dataset not found"),
    (gate.EvidenceFacts(pd.DataFrame({"a": [1]}), "", OK_STORED), "not a metrics dataset"),
    (gate.EvidenceFacts(perf_frame(0.95).iloc[0:0], "", OK_STORED), "ERROR"),  # a named dataset with no run
    (gate.EvidenceFacts(perf_frame(0.95), "", []), "no check/data-quality result yet"),
    (gate.EvidenceFacts(perf_frame(0.95), "", None, "403 Forbidden"), "could not be read (403 Forbidden)"),
    (gate.EvidenceFacts(perf_frame(0.95), "", [{"name": "c", "outcome": "ERROR"}]), "rule 'c' outcome ERROR"),
    (None, "not fetched"),
])
def test_evidence_fails_closed(facts, says):
    creation = decide(params(evidence_datasets=["perf"]), evidence={"perf": facts} if facts else {})
    assert not creation.decision.approved and creation.decision.code == gate.REFUSE_EVIDENCE
    assert row(creation, "evidence", "perf").status == "FAIL" and says in creation.decision.reason


@pytest.mark.parametrize("baseline, says", [(None, "no readable baseline_value"), ("n/a", "no readable baseline_value"),
                                             (0.0, "baseline_value 0.0 is not positive"),
                                             (-0.5, "baseline_value -0.5 is not positive")])
def test_a_drop_bound_that_cannot_be_judged_fails(baseline, says):
    """Review blocker 2: with the policy's drop bound in force, a performance run whose baseline is
    missing, unreadable or not positive FAILs (the check alone only notes "drop not evaluated")."""
    frame = perf_frame(0.95)
    frame["baseline_value"] = [baseline]
    p = params(dict(EVIDENCE_ONLY, required_evidence=["performance"]), evidence_datasets=["perf"])
    creation = decide(p, evidence=evidence(perf=frame))
    found = row(creation, "evidence", "perf")
    assert found.status == "FAIL" and not creation.decision.approved
    assert "drop bound (at most 5% below baseline) could not be judged" in found.value and says in found.value
    good = decide(p, evidence=evidence(perf=perf_frame(0.95, baseline=0.96)))
    assert row(good, "evidence", "perf").status == "PASS" and good.decision.approved


def test_each_evidence_kind_the_policy_requires_needs_a_dataset():
    """Review blocker 3: naming only the drift dataset does not skip the fairness and performance bounds."""
    creation = decide(params(evidence_datasets=["drift"]), evidence=evidence(drift=drift_frame(0.01)))
    assert row(creation, "evidence", "drift").status == "PASS" and not creation.decision.approved
    for kind in ("fairness", "performance"):
        missing = row(creation, "evidence", kind)
        assert missing.status == "FAIL" and "no {} metrics dataset among evidence_datasets".format(kind) in missing.value
    assert [r.subject for r in creation.rules if r.rule == "evidence"] == ["drift", "fairness", "performance"]
    # a dataset named for a kind but whose rows are of another kind does not provide it
    two_drifts = decide(params(evidence_datasets=["drift", "fair"]),
                        evidence=evidence(drift=drift_frame(0.01), fair=drift_frame(0.01)))
    assert row(two_drifts, "evidence", "fairness").status == "FAIL"
    # a project adds a kind its admin did not require, never removes one
    tightened = decide(params(dict(EVIDENCE_ONLY, required_evidence=["drift"]), evidence_datasets=["drift"],
                              required_evidence=["performance"]), evidence=evidence(drift=drift_frame(0.01)))
    assert row(tightened, "evidence", "performance").status == "FAIL" and not tightened.decision.approved


def test_the_gate_is_never_milder_than_the_model_health_page():
    """Review finding 4: a row recording error_threshold 0.95 with value 0.92 is ERROR on the page
    (checks.verdict); the gate, whose policy bound is 0.90, FAILs it too."""
    from model_guardrails import checks

    frame = perf_frame(0.92)
    frame["direction"], frame["warning_threshold"], frame["error_threshold"] = ["below"], [0.96], [0.95]
    assert checks.verdict(frame).outcome == "ERROR"
    p = params(dict(EVIDENCE_ONLY, required_evidence=["performance"]), evidence_datasets=["perf"])
    found = row(decide(p, evidence=evidence(perf=frame)), "evidence", "perf")
    assert found.status == "FAIL" and "as the model-health page shows" in found.value
    # and a policy bound stricter than the recorded one still decides
    frame["value"], frame["baseline_value"] = [0.89], [0.89]
    frame["warning_threshold"], frame["error_threshold"] = [0.85], [0.8]
    assert checks.verdict(frame).outcome == "OK"
    assert row(decide(p, evidence=evidence(perf=frame)), "evidence", "perf").status == "FAIL"


def test_required_evidence_with_no_dataset_named_refuses():
    creation = decide(params())
    assert not creation.decision.approved and "no metrics dataset named" in creation.decision.reason


def test_rules_are_judged_while_the_signoff_waits_and_named_in_its_refusal():
    waiting = gate.decide_signoff(signoff("WAITING_FOR_APPROVAL"), ITEM, "review")
    creation = decide(params(evidence_datasets=["perf"]), decision=waiting, evidence=evidence(perf=perf_frame(0.8)))
    assert creation.decision.code == gate.REFUSE_STATUS
    assert "Qualification rules failing as well: evidence (perf) FAIL" in creation.decision.reason


# -- rollback and decision trail -------------------------------------------------------------------

def _bundle(bundle_id, gated=True):
    return bundles.BundleInfo(bundle_id, "design", 1.0, release_notes=(
        "Approved by the model-guardrails gate on 2026-01-01 10:00 UTC." if gated else ""))


def _record(bundle_id, state=ledger.EXPORTED, decision="APPROVE"):
    return {"bundleId": bundle_id, "decision": decision, "state": state, "decidedOn": "2026-01-01T10:00:00Z"}


OPEN = {"evidence_level": "off", "sensitivity_tags_level": "off", "model_card_level": "off"}


def test_rollback_warns_on_a_first_release_and_can_be_required():
    first = decide(params(OPEN))
    assert first.decision.approved and row(first, "rollback").status == "WARN"
    assert "first release" in row(first, "rollback").value
    required = decide(params(OPEN, required_rules=["rollback"]))
    assert not required.decision.approved and required.decision.code == gate.REFUSE_QUALIFICATION
    second = decide(params(OPEN, required_rules=["rollback"]), records={"b1": _record("b1")}, bundles=(_bundle("b1"),))
    assert second.decision.approved and row(second, "rollback").status == "PASS" and "b1" in row(second, "rollback").value
    gone = decide(params(OPEN, required_rules=["rollback"]), records={"b1": _record("b1")}, bundles=())
    assert row(gone, "rollback").status == "FAIL"  # its bundle was deleted: no rollback target


def test_decision_trail_needs_a_record_for_every_gate_created_bundle():
    ok = decide(params(OPEN), records={"b1": _record("b1")}, bundles=(_bundle("b1"), _bundle("manual", gated=False)))
    assert ok.decision.approved and row(ok, "decision_trail").status == "PASS"
    missing = decide(params(OPEN), records={}, bundles=(_bundle("b1"),))
    assert not missing.decision.approved and "without an approval: b1" in missing.decision.reason
    half = decide(params(OPEN), records={"b1": _record("b1", ledger.EXPORTING)}, bundles=(_bundle("b1"),))
    assert not half.decision.approved and "never recorded" in half.decision.reason
    unread = decide(params(OPEN), records=None)
    assert not unread.decision.approved and row(unread, "decision_trail").status == "FAIL"


def test_decision_trail_before_release_notes_is_a_warn_never_a_pass():
    """Review finding 8: before DSS 13.2 exports carry no release notes, so the rule cannot judge."""
    early = decide(params(OPEN), records={"b1": _record("b1")}, bundles=(_bundle("b1", gated=False),),
                   release_notes_attached=False)
    found = row(early, "decision_trail")
    assert found.status == "WARN" and "before DSS 13.2" in found.value and early.decision.approved
    half = decide(params(OPEN), records={"b1": _record("b1", ledger.EXPORTING)}, bundles=(_bundle("b1"),),
                  release_notes_attached=False)
    assert row(half, "decision_trail").status == "FAIL"  # a half-written record is still seen


def test_the_gate_mark_survives_notes_cut_to_fit_the_url():
    """Review finding 8: the mark comes first, so long user notes cut from the end keep it."""
    from model_guardrails.gate.rules import GATE_NOTES_MARK

    approved = gate.decide_signoff(signoff("APPROVED", "APPROVED"), ITEM, "review")
    full = gate.release_notes(approved, ITEM, "x" * 20000, NOW)
    notes, cut = gate.fit_release_notes(full)
    assert cut and notes.startswith(GATE_NOTES_MARK)


def test_the_approval_record_keeps_the_records_of_bundles_that_still_exist():
    """Review finding 8: past MAX_ENTRIES the oldest records are dropped, never one of an existing
    bundle (the decision trail would FAIL on it forever), and nothing when the bundles are unknown."""
    approved = gate.decide_signoff(signoff("APPROVED", "APPROVED"), ITEM, "review")
    records = {"b{:03d}".format(i): dict(_record("b{:03d}".format(i)), decidedOn="2026-01-01T10:{:02d}:{:02d}Z".format(
        i // 60, i % 60)) for i in range(ledger.MAX_ENTRIES)}
    variables = {"standard": {}, "local": {ledger.VARIABLE: records}}
    new = ledger.entry("FRAUD", "new", approved, ITEM, "ds", NOW)
    kept = ledger.read(ledger.written(variables, new, keep={"b000", "b001"}))
    assert len(kept) == ledger.MAX_ENTRIES and {"b000", "b001", "new"} <= set(kept) and "b002" not in kept
    unknown = ledger.read(ledger.written(variables, new, keep=None))
    assert len(unknown) == ledger.MAX_ENTRIES + 1
    everything = ledger.read(ledger.written(variables, new, keep=set(records)))
    assert len(everything) == ledger.MAX_ENTRIES + 1


def test_a_rule_whose_data_failed_to_be_fetched_fails_with_the_reason():
    creation = decide(params(OPEN), failures={"decision_trail": "DSS answered 500"})
    assert not creation.decision.approved and "not evaluated: DSS answered 500" in creation.decision.reason


# -- sensitivity tags ------------------------------------------------------------------------------

GRAPH = {"train": {"type": "COMPUTABLE_DATASET", "predecessors": ["prep"]},
         "prep": {"type": "RUNNABLE_RECIPE", "predecessors": ["raw", "lookup"]},
         "raw": {"type": "COMPUTABLE_DATASET", "predecessors": []},
         "lookup": {"type": "COMPUTABLE_DATASET", "predecessors": []},
         "fit": {"type": "RUNNABLE_RECIPE", "predecessors": ["train"]},
         "fraud_model": {"type": "COMPUTABLE_SAVED_MODEL", "predecessors": ["fit"]},
         "unrelated": {"type": "COMPUTABLE_DATASET", "predecessors": []}}
TAGS = {"train": ("sensitivity:PII",), "raw": ("sensitivity:PII",), "lookup": ("sensitivity:none",)}
SENS = {"evidence_level": "off", "model_card_level": "off", "sensitivity_tags_level": "required"}


def test_upstream_walk_and_outputs():
    assert upstream_datasets(GRAPH, ("fraud_model",)) == ("lookup", "raw", "train")
    assert project_outputs(GRAPH) == ("fraud_model", "unrelated")
    with pytest.raises(ValueError, match="not in the project's Flow graph"):
        upstream_datasets(GRAPH, ("other_model",))


def _sens(tags, upstream=("lookup", "raw", "train")):
    return SensitivityFacts("saved model fraud_model", upstream, tags)


def test_sensitivity_tags():
    ok = decide(params(SENS), sensitivity=_sens(TAGS))
    assert ok.decision.approved and row(ok, "sensitivity_tags").status == "PASS"
    untagged = decide(params(SENS), sensitivity=_sens(dict(TAGS, lookup=("team:risk",))))
    assert not untagged.decision.approved and "untagged: lookup" in untagged.decision.reason
    phi = decide(params(SENS), sensitivity=_sens(dict(TAGS, raw=("sensitivity:PHI",))))
    assert not phi.decision.approved and "blocking class without exemption: raw" in phi.decision.reason
    exempt = decide(params(SENS), sensitivity=_sens(dict(TAGS, raw=("sensitivity:PHI", "sensitivity:exempt"))))
    assert exempt.decision.approved
    pci = decide(params(SENS, sensitivity_blocking_tags=["sensitivity:PCI"]),
                 sensitivity=_sens(dict(TAGS, raw=("sensitivity:PCI",))))
    assert not pci.decision.approved
    for facts, says in ((_sens({}, upstream=()), "no dataset found upstream"),
                        (SensitivityFacts("saved model x", None, {}, "x is not in the project's Flow graph"),
                         "not in the project's Flow graph"),
                        (_sens(dict(TAGS, raw=None)), "tags not read for raw"), (None, "not fetched")):
        refused = decide(params(SENS), sensitivity=facts)
        assert not refused.decision.approved and says in refused.decision.reason, says
    warned = decide(params(dict(SENS, sensitivity_tags_level="warn")), sensitivity=_sens({}))
    assert warned.decision.approved and row(warned, "sensitivity_tags").status == "WARN"


# -- code environment ------------------------------------------------------------------------------

ENVS = {"evidence_level": "off", "model_card_level": "off", "sensitivity_tags_level": "off",
        "allowed_code_envs": ["py311_prod", BUILTIN_ENV]}


def test_code_env():
    assert row(decide(params(dict(ENVS, allowed_code_envs=[]))), "code_env").status == "NOT APPLICABLE"
    ok = decide(params(ENVS), code_envs=CodeEnvFacts({"mode": "EXPLICIT_ENV", "envName": "py311_prod"}, "", None, "",
                                                     {"envMode": "USE_BUILTIN_MODE"}))
    assert ok.decision.approved and row(ok, "code_env").status == "PASS"
    inherit = CodeEnvFacts({"mode": "INHERIT"}, "", "py311_prod", "", {"envMode": "INHERIT"})
    assert decide(params(ENVS), code_envs=inherit).decision.approved
    for facts, says in (
            (CodeEnvFacts({"mode": "EXPLICIT_ENV", "envName": "py39_dev"}, "", None, "", {"envMode": "INHERIT"}),
             "project code env py39_dev is not allowed"),
            (CodeEnvFacts({"mode": "INHERIT"}, "", None, "403 needs admin", {"envMode": "USE_BUILTIN_MODE"}),
             "inherits the instance default, which could not be read (403 needs admin)"),
            (CodeEnvFacts({"mode": "USE_BUILTIN_MODE"}, "", None, "", None, "no origin ML task"),
             "saved model code env unresolvable: no origin ML task"),
            (CodeEnvFacts({"mode": "SOMETHING"}, "", None, "", {"envMode": "USE_BUILTIN_MODE"}), "unknown mode"),
            (None, "not fetched")):
        refused = decide(params(ENVS), code_envs=facts)
        assert not refused.decision.approved and says in refused.decision.reason, says
    narrowed = decide(params(ENVS, allowed_code_envs=["py311_prod"]),
                      code_envs=CodeEnvFacts({"mode": "USE_BUILTIN_MODE"}, "", None, "", {"envMode": "INHERIT"}))
    assert not narrowed.decision.approved


def test_an_ml_task_that_inherits_takes_the_project_s_code_env():
    """Review finding 5: an ML task's INHERIT is the project's env, not the instance default."""
    allowed = decide(params(ENVS), code_envs=CodeEnvFacts({"mode": "EXPLICIT_ENV", "envName": "py311_prod"}, "",
                                                          None, "", {"envMode": "INHERIT"}))
    assert allowed.decision.approved and "saved model py311_prod" in row(allowed, "code_env").value
    assert "not necessarily what the version was trained with" in row(allowed, "code_env").source
    # the instance default is allowed, but the project's env (which the ML task inherits) is not
    wrong = decide(params(ENVS), code_envs=CodeEnvFacts({"mode": "EXPLICIT_ENV", "envName": "py39_dev"}, "",
                                                        "py311_prod", "", {"envMode": "INHERIT"}))
    assert "saved model code env py39_dev is not allowed" in row(wrong, "code_env").value
    unresolved = decide(params(ENVS), code_envs=CodeEnvFacts({"mode": "INHERIT"}, "", None, "403 needs admin",
                                                             {"envMode": "INHERIT"}))
    assert not unresolved.decision.approved
    assert "saved model code env unresolvable: inherits the project's code env, which could not be resolved" \
        in row(unresolved, "code_env").value


# -- model card ------------------------------------------------------------------------------------

CARD = {"evidence_level": "off", "sensitivity_tags_level": "off", "model_card_level": "required"}
TRAINED = 1767225600000.0  # 2026-01-01


def test_model_card():
    newer = [{"path": "/model-health-fraud_model.html", "size": 10, "lastModified": TRAINED + 1000}]
    ok = decide(params(CARD), model_card=ModelCardFacts("cards", newer, "", TRAINED, "", "v2", "fraud_model"))
    assert ok.decision.approved and "/model-health-fraud_model.html" in row(ok, "model_card").value
    docx = [{"path": "/doc/fraud_model-v2.docx", "size": 10, "lastModified": TRAINED + 1}]
    assert decide(params(CARD), model_card=ModelCardFacts("cards", docx, "", TRAINED, "", "v2",
                                                          "fraud_model")).decision.approved
    older = [{"path": "/model-health-fraud_model.html", "size": 10, "lastModified": TRAINED - 1}]
    for facts, says in ((ModelCardFacts("cards", older, "", TRAINED, "", "v2", "fraud_model"), "older than version v2"),
                        (ModelCardFacts("cards", [], "", TRAINED, "", "v2", "fraud_model"), "no model-health page"),
                        (ModelCardFacts("cards", [{"path": "/notes.txt", "lastModified": TRAINED + 1}], "", TRAINED,
                                        "", "v2", "fraud_model"), "no model-health page"),
                        (ModelCardFacts("cards", newer, "", None, "no trainDate reported", "v2", "fraud_model"),
                         "training date of version v2 is unknown"),
                        (ModelCardFacts("cards", None, "404 NotFound", TRAINED), "folder not read: 404"),
                        (ModelCardFacts(), "no managed folder named")):
        refused = decide(params(CARD), model_card=facts)
        assert not refused.decision.approved and says in refused.decision.reason, says


@pytest.mark.parametrize("items", [
    [{"path": "/any.docx", "lastModified": TRAINED + 1}],                      # names no model (review finding 10)
    [{"path": "/other_model-v2.docx", "lastModified": TRAINED + 1}],           # another model
    [{"path": "/fraud_model.docx", "lastModified": TRAINED + 1}],              # the model, but no version
    [{"path": "/model-health.html", "lastModified": TRAINED + 1}],             # a page naming no model
    [{"path": "/model-health-other_model.html", "lastModified": TRAINED + 1}],
])
def test_a_model_card_must_name_the_model_qualified(items):
    refused = decide(params(CARD), model_card=ModelCardFacts("cards", items, "", TRAINED, "", "v2", "fraud_model"))
    assert not refused.decision.approved and "no model-health page or model documentation of saved model " \
        "fraud_model version v2" in refused.decision.reason


@pytest.mark.parametrize("train", [1767225600.0, 1767225600000000.0, 0.0])  # seconds, microseconds, zero
def test_a_train_date_not_in_milliseconds_fails(train):
    """Review finding 7: the trainDate unit is UNCONFIRMED; an implausible value is not compared."""
    items = [{"path": "/model-health-fraud_model.html", "lastModified": TRAINED + 1}]
    found = row(decide(params(CARD), model_card=ModelCardFacts("cards", items, "", train, "", "v2", "fraud_model")),
                "model_card")
    assert found.status == "FAIL" and "unit unknown" in found.value


def test_rule_rows_are_plain_for_the_audit_entry_and_the_record():
    creation = decide(params(OPEN))
    rows = [r.as_dict() for r in creation.rules]
    assert [r["rule"] for r in rows] == list(gate.policy.RULES)
    assert {r["status"] for r in rows} <= {"PASS", "WARN", "FAIL", "NOT APPLICABLE"}
    entry = gate.audit_params("me", "FRAUD", creation.decision, rules=rows)
    assert '"rule": "rollback"' in entry["rules"]
    record = ledger.entry("FRAUD", "b1", creation.decision, dataclasses.replace(ITEM), "me", rules=rows)
    assert record["rules"] == rows


@pytest.mark.parametrize("graph", [None, [], {"nodes": []}, {"nodes": {"a": "x"}}, {"nodes": {"a": {"predecessors": "b"}}},
                                   {"nodes": {"a": {"predecessors": [["b"]]}}}, {"nodes": {"a": {"predecessors": [1]}}}])
def test_an_unreadable_flow_graph_is_a_value_error(graph):
    """Every shape is checked before the walk (review finding 6's rule): a malformed graph is a
    ValueError the gateway turns into a refusal, never a TypeError crashing the macro."""
    from model_guardrails.gate.sensitivity import graph_nodes

    with pytest.raises(ValueError):
        graph_nodes(graph)
