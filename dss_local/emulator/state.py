"""The emulator's state: one JSON document (see docs/governance-gate.md, "Emulator state").

Top level: ``dss`` (the Design node: keys, projects, bundles, deployer, audit), ``govern`` (keys,
artifacts, sign-offs, audit) and ``faults`` (failures injected on demand). Readable back with
:meth:`State.snapshot`; written back to the state file after every change.
"""
import copy
import json
import os
import re
import threading
import time


def now_ms():
    return int(time.time() * 1000)


def empty_state():
    return {
        "dss": {"node_id": "design-node", "node_name": "Design", "node_type": "DESIGN",
                "api_keys": {}, "audit_requires_admin": False, "govern_node": {"enabled": False},
                "projects": {}, "deployer": {"projects": {}, "deployments": {}, "infras": {}}, "audit": []},
        "govern": {"node_id": "govern-node", "node_name": "Govern", "api_keys": {},
                   "artifacts": {}, "signoffs": {}, "audit": []},
        "faults": [],
    }


def demo_state(project_key="FRAUD_DETECTION", dss_key="dss-demo-key", govern_key="govern-demo-key",
               signoff_status="WAITING_FOR_APPROVAL"):
    """A governed DSS project laid out as Dataiku Govern's standard templates lay it out
    (``reference/dataiku-api.md``, "Where sign-offs live"): the Govern project has workflow steps
    but no sign-off; the Govern model version governing the active version ``v2`` of saved model
    ``fraud_model`` has one sign-off, on step ``review``, with status ``signoff_status``. Bundles
    exported later are synced as Dataiku bundles governed by Govern bundles whose ``review``
    sign-off starts NOT_STARTED.

    Artifacts: ar.1 Dataiku project -> ar.2 Govern project; ar.3 Dataiku saved model -> ar.4 Govern
    model; ar.5 Dataiku saved model version -> ar.6 Govern model version."""
    state = empty_state()
    dss, gov = state["dss"], state["govern"]
    dss["api_keys"][dss_key] = {"login": "data.scientist", "admin": False}
    dss["projects"][project_key] = {
        "name": project_key.replace("_", " ").title(),
        "bundles": [], "variables": {"standard": {}, "local": {}},
        # issue 17: what the qualification rules read (docs/governance-gate.md, "Qualification rules")
        "datasets": {"transactions": {"tags": ["sensitivity:PII"]}, "fraud_train": {"tags": ["sensitivity:PII"]}},
        "flow": {"transactions": {"type": "COMPUTABLE_DATASET", "predecessors": []},
                 "compute_fraud_train": {"type": "RUNNABLE_RECIPE", "predecessors": ["transactions"]},
                 "fraud_train": {"type": "COMPUTABLE_DATASET", "predecessors": ["compute_fraud_train"]},
                 "train_fraud_model": {"type": "RUNNABLE_RECIPE", "predecessors": ["fraud_train"]},
                 MODEL_ID: {"type": "COMPUTABLE_SAVED_MODEL", "predecessors": ["train_fraud_model"]}},
        "settings": {"codeEnvs": {"python": {"mode": "EXPLICIT_ENV", "envName": "py311_fraud", "useBuiltinEnv": False},
                                  "r": {"mode": "INHERIT", "useBuiltinEnv": False}}},
        "mltasks": {"an1": {"mt1": {"envSelection": {"envMode": "EXPLICIT_ENV", "envName": "py311_fraud"}}}},
        "saved_models": {MODEL_ID: {"name": "Fraud model", "lastExportedFrom": "A-{}-an1-mt1-s1-pp1-m1".format(project_key),
                                    "versions": [{"id": "v1", "active": False, "snippet": {"trainDate": TRAINED_V1}},
                                                 {"id": MODEL_VERSION, "active": True,
                                                  "snippet": {"trainDate": TRAINED_V2}}]}},
        "managed_folders": {"model_cards": {"name": "model_cards", "files": {}}},
    }
    gov["api_keys"][govern_key] = {"login": "gate-bot", "admin": False}
    node = dss["node_id"]
    gov["artifacts"] = {
        "ar.1": _artifact("ar.1", project_key, BP_DATAIKU_PROJECT,
                          {"node_id": node, "project_key": project_key, "governed_by": "ar.2"}),
        "ar.2": _artifact("ar.2", "Fraud detection", "bp.system.govern_project",
                          {"dataiku_item": ["ar.1"], "govern_bundles": [], "govern_models": ["ar.4"]},
                          {"exploration": "FINISHED", "qualification": "FINISHED", "progress": "ONGOING"}),
        "ar.3": _artifact("ar.3", "Fraud model", BP_DATAIKU_MODEL,
                          {"node_id": node, "project_key": project_key, "saved_model_id": MODEL_ID,
                           "governed_by": "ar.4"}),
        "ar.4": _artifact("ar.4", "Fraud model", "bp.system.govern_model",
                          {"dataiku_item": ["ar.3"], "govern_project": "ar.2", "govern_model_versions": ["ar.6"]},
                          {"review": "ONGOING"}),
        "ar.5": _artifact("ar.5", MODEL_VERSION, BP_DATAIKU_MODEL_VERSION,
                          {"node_id": node, "project_key": project_key, "saved_model_id": MODEL_ID,
                           "version_id": MODEL_VERSION, "governed_by": "ar.6"}),
        "ar.6": _artifact("ar.6", "Fraud model " + MODEL_VERSION, "bp.system.govern_model_version",
                          {"dataiku_item": ["ar.5"], "govern_model": "ar.4"}, {"review": "ONGOING"}),
    }
    gov["signoffs"] = {"ar.6": {"review": signoff(signoff_status)}}
    gov["blueprints"] = list(STANDARD_BLUEPRINTS)
    gov["blueprint_fields"] = {bp: list(fields) for bp, fields in STANDARD_FIELDS.items()}
    return state


MODEL_ID, MODEL_VERSION = "fraud_model", "v2"
TRAINED_V1, TRAINED_V2 = 1759000000000, 1760000000000  # epoch ms (2025-09-27, 2025-10-09)
MODEL_VERSION_ARTIFACT = "ar.6"
BP_DATAIKU_PROJECT = "bp.system.dataiku_project"
BP_DATAIKU_MODEL = "bp.system.dataiku_saved_model"
BP_DATAIKU_MODEL_VERSION = "bp.system.dataiku_saved_model_version"
# the blueprints of a Govern node with the standard templates (dataiku-api.md, "Where sign-offs live")
STANDARD_BLUEPRINTS = (BP_DATAIKU_PROJECT, BP_DATAIKU_MODEL, BP_DATAIKU_MODEL_VERSION, "bp.system.dataiku_bundle",
                       "bp.system.govern_project", "bp.system.govern_model", "bp.system.govern_model_version",
                       "bp.system.govern_bundle")

# The fields the emulator's standard blueprints declare (those its artifacts use). An artifact save
# naming another field is a 400; a test that writes a custom field adds it to
# govern.blueprint_fields.<blueprint> as a customer adds it to their blueprint version. Which fields
# the real standard templates declare, and whether Govern also type-checks field values, is UNCONFIRMED.
STANDARD_FIELDS = {
    BP_DATAIKU_PROJECT: ("node_id", "project_key", "governed_by"),
    BP_DATAIKU_MODEL: ("node_id", "project_key", "saved_model_id", "governed_by"),
    BP_DATAIKU_MODEL_VERSION: ("node_id", "project_key", "saved_model_id", "version_id", "governed_by"),
    "bp.system.dataiku_bundle": ("node_id", "project_key", "bundle_id", "createdBy", "dataiku_project", "governed_by"),
    "bp.system.govern_project": ("dataiku_item", "govern_bundles", "govern_models"),
    "bp.system.govern_model": ("dataiku_item", "govern_project", "govern_model_versions"),
    "bp.system.govern_model_version": ("dataiku_item", "govern_model"),
    "bp.system.govern_bundle": ("dataiku_item", "govern_project"),
}


def _artifact(artifact_id, name, blueprint, fields, steps=None):
    return {"id": artifact_id, "name": name, "archived": False, "fields": fields,
            "blueprintVersionId": {"blueprintId": blueprint, "versionId": "bv.system.default"},
            "workflow": {"steps": {step: {"status": status} for step, status in (steps or {}).items()}}}


def signoff(status, approver=None, comment=None, feedback=()):
    """A sign-off as GET …/workflow/step/{step}/signoff returns it."""
    body = {"status": status, "feedbackResponses": list(feedback), "approverResponse": None,
            "configuration": {"recurrenceConfiguration": {"activated": False}}}
    if approver is not None:
        body["approverResponse"] = {"status": "APPROVED" if status == "APPROVED" else status,
                                    "user": approver, "date": now_ms()}
        if comment:
            body["approverResponse"]["comment"] = comment
    return body


def sync_bundle(doc, project_key, bundle_id, login="data.scientist", status="NOT_STARTED"):
    """A bundle of a governed project as the DSS→Govern sync lays it out: a Dataiku bundle item
    governed by a new Govern bundle whose 'review' sign-off has ``status``. Returns the Govern
    bundle's id, or None when the project is not governed."""
    gov = doc["govern"]
    projects = [a for a in gov["artifacts"].values()
                if a["blueprintVersionId"]["blueprintId"] == BP_DATAIKU_PROJECT
                and a["fields"].get("project_key") == project_key and a["fields"].get("governed_by")]
    if not projects:
        return None
    n = 1 + max([int(i.split(".")[1]) for i in gov["artifacts"] if re.match(r"^ar\.\d+$", i)] or [0])
    item, governed = "ar.{}".format(n), "ar.{}".format(n + 1)
    gov["artifacts"][item] = _artifact(item, bundle_id, "bp.system.dataiku_bundle", {
        "node_id": doc["dss"]["node_id"], "project_key": project_key, "bundle_id": bundle_id, "createdBy": login,
        "dataiku_project": projects[0]["id"], "governed_by": governed})
    govern_project = projects[0]["fields"]["governed_by"]
    gov["artifacts"][governed] = _artifact(governed, bundle_id, "bp.system.govern_bundle", {
        "dataiku_item": [item], "govern_project": govern_project}, {"review": "ONGOING"})
    gov["signoffs"][governed] = {"review": signoff(status, approver="risk.officer" if status == "APPROVED" else None)}
    if govern_project in gov["artifacts"]:
        gov["artifacts"][govern_project]["fields"].setdefault("govern_bundles", []).append(governed)
    return governed


class State:
    """Thread-safe holder of the JSON document, optionally mirrored to a file.

    When the file is edited by hand while the emulator runs, the edit is picked up at the next
    request (modification time check)."""

    def __init__(self, document=None, path=None):
        self.lock = threading.RLock()
        self.path = path
        self._mtime = None
        if document is None and path and os.path.exists(path):
            document = self._read()
        self.doc = copy.deepcopy(document) if document is not None else empty_state()
        for key, value in empty_state().items():
            self.doc.setdefault(key, value)
        if path:
            self.save()

    def _read(self):
        with open(self.path) as f:
            document = json.load(f)
        self._mtime = os.path.getmtime(self.path)
        return document

    def refresh(self):
        if self.path and os.path.exists(self.path) and os.path.getmtime(self.path) != self._mtime:
            with self.lock:
                self.doc = self._read()

    def save(self):
        if not self.path:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.doc, f, indent=2, sort_keys=True)
        os.replace(tmp, self.path)
        self._mtime = os.path.getmtime(self.path)

    def snapshot(self):
        with self.lock:
            return copy.deepcopy(self.doc)

    def update(self, fn):
        """Apply ``fn(doc)`` under the lock and save."""
        with self.lock:
            result = fn(self.doc)
            self.save()
            return result

    # Helpers for tests and the demo -------------------------------------------------------
    def set_signoff(self, artifact_id, step, status, approver=None, comment=None, final_status=None):
        def change(doc):
            body = signoff(status, approver, comment)
            if final_status is not None and body["approverResponse"] is not None:
                body["approverResponse"]["status"] = final_status
            doc["govern"]["signoffs"].setdefault(artifact_id, {})[step] = body
        self.update(change)

    def add_fault(self, **fault):
        self.update(lambda doc: doc["faults"].append(fault))

    def clear_faults(self):
        self.update(lambda doc: doc.__setitem__("faults", []))
