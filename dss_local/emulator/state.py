"""The emulator's state: one JSON document (see docs/governance-gate.md, "Emulator state").

Top level: ``dss`` (the Design node: keys, projects, bundles, deployer, audit), ``govern`` (keys,
artifacts, sign-offs, audit) and ``faults`` (failures injected on demand). Readable back with
:meth:`State.snapshot`; written back to the state file after every change.
"""
import copy
import json
import os
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
    """A governed DSS project whose Govern project's sign-off on step ``review`` has ``signoff_status``."""
    state = empty_state()
    dss, gov = state["dss"], state["govern"]
    dss["api_keys"][dss_key] = {"login": "data.scientist", "admin": False}
    dss["projects"][project_key] = {
        "name": project_key.replace("_", " ").title(),
        "bundles": [], "saved_models": {}, "datasets": {},
    }
    gov["api_keys"][govern_key] = {"login": "gate-bot", "admin": False}
    gov["artifacts"] = {
        "ar.1": {"id": "ar.1", "name": project_key,
                 "blueprintVersionId": {"blueprintId": "bp.system.dataiku_project", "versionId": "bv.system.default"},
                 "fields": {"node_id": dss["node_id"], "project_key": project_key, "governed_by": "ar.2"},
                 "workflow": {"steps": {}}, "archived": False},
        "ar.2": {"id": "ar.2", "name": "Fraud detection",
                 "blueprintVersionId": {"blueprintId": "bp.system.govern_project", "versionId": "bv.system.default"},
                 "fields": {"dataiku_item": ["ar.1"], "govern_bundles": [], "govern_models": []},
                 "workflow": {"steps": {"exploration": {"status": "FINISHED"},
                                        "qualification": {"status": "FINISHED"},
                                        "review": {"status": "ONGOING"}}}, "archived": False},
    }
    gov["signoffs"] = {"ar.2": {"review": signoff(signoff_status)}}
    return state


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
