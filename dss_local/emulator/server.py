"""HTTP side of the emulator: the DSS and Govern public-API endpoints the gate macros call, at
``/dip/publicapi/...``, with the auth, query strings and JSON shapes the real ``dataikuapi``
client uses (``reference/dataiku-api.md``).

One server answers for both nodes: the API key (HTTP Basic user, or ``X-DKU-APITicket``) says
which node is addressed — keys listed under ``dss.api_keys`` reach the Design node, keys under
``govern.api_keys`` reach Govern. An unknown key gets the real 401 body.
"""
import base64
import email.parser
import json
import logging
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .state import now_ms, signoff, sync_bundle

PREFIX = "/dip/publicapi"
log = logging.getLogger("dss-local.emulator")

NOT_AUTHENTICATED = "com.dataiku.dip.exceptions.NotAuthenticatedException"
UNAUTHORIZED = "com.dataiku.dip.exceptions.UnauthorizedException"
NOT_FOUND = "com.dataiku.dip.exceptions.NotFoundException"
CODED = "com.dataiku.dip.exceptions.CodedException"


class ApiError(Exception):
    def __init__(self, status, error_type, message):
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message

    def body(self):
        return {"errorType": self.error_type, "message": self.message, "detailedMessage": self.message}


class Request:
    def __init__(self, method, path, query, body, node, login, admin, doc, files=None, api_key=None, base_url="",
                 state=None):
        self.method, self.path, self.query, self.body = method, path, query, body
        self.node, self.login, self.admin, self.doc = node, login, admin, doc
        self.files = files            # {part name: (filename, bytes)} of a multipart/form-data body
        self.api_key, self.base_url, self.state = api_key, base_url, state  # for routes that call back

    def q(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def q_bool(self, name, default=False):
        value = self.q(name)
        return default if value is None else value.lower() == "true"


ROUTES = []


def route(node, method, pattern):
    def register(fn):
        ROUTES.append((node, method, re.compile("^" + pattern + "$"), fn))
        return fn
    return register


def project_or_403(req, key):
    project = req.doc["dss"]["projects"].get(key)
    if project is None:
        # DSS answers an unknown or inaccessible project this way (dataiku-api.md §9).
        raise ApiError(403, UNAUTHORIZED, "Failed to read project permissions")
    return project


# -- both nodes --------------------------------------------------------------------------------

@route("*", "GET", r"/auth/info")
def auth_info(req):
    return {"authIdentifier": req.login, "groups": ["administrators"] if req.admin else ["data_team"]}


@route("*", "GET", r"/instance-info")
def instance_info(req):
    node = req.doc[req.node]
    info = {"nodeId": node["node_id"], "nodeName": node.get("node_name", ""),
            "nodeType": "GOVERN" if req.node == "govern" else node.get("node_type", "DESIGN")}
    if req.node == "dss":  # read by Dataiku's ansible collection as get_instance_info().raw["dssVersion"]
        info["dssVersion"] = node.get("dss_version", "0.0.0-emulator")
    return info


@route("*", "POST", r"/admin/audit/custom/([^/]+)")
def custom_audit(req, msg_type):
    if req.node == "dss" and req.doc["dss"].get("audit_requires_admin") and not req.admin:
        raise ApiError(403, UNAUTHORIZED, "You may only do this as an administrator")
    params = req.body if isinstance(req.body, dict) else {}
    req.doc[req.node]["audit"].append({"customMsgType": msg_type, "customMsgParams": params,
                                       "authIdentifier": req.login, "timestamp": now_ms()})
    return None


# -- DSS ---------------------------------------------------------------------------------------

@route("dss", "GET", r"/projects/([^/]+)")
def project_summary(req, key):
    project = project_or_403(req, key)
    return {"projectKey": key, "name": project.get("name", key), "projectStatus": "",
            "ownerLogin": project.get("owner", "")}


@route("dss", "GET", r"/projects/([^/]+)/metadata")
def project_metadata(req, key):
    project = project_or_403(req, key)
    return {"label": project.get("name", key), "description": "", "tags": project.get("tags", []),
            "custom": {"kv": {}}, "checklists": {"checklists": []}}


@route("dss", "GET", r"/projects/([^/]+)/bundles/exported")
def list_exported(req, key):
    return {"bundles": project_or_403(req, key)["bundles"]}


@route("dss", "PUT", r"/projects/([^/]+)/bundles/exported/([^/]+)")
def export_bundle(req, key, bundle_id):
    project = project_or_403(req, key)
    if any(b["bundleId"] == bundle_id for b in project["bundles"]):
        raise ApiError(400, CODED, "Bundle {} already exists".format(bundle_id))
    bundle = {"bundleId": bundle_id, "state": "BUILT", "typeBadges": [],
              "exportManifest": {"exportUserInfo": {"exportedBy": req.login, "exportedOn": now_ms(),
                                                    "releaseNotes": req.q("releaseNotes", "")},
                                 "designNodeId": req.doc["dss"]["node_id"],
                                 "projectStandardsSkipped": not req.q_bool("evaluateProjectStandardsChecks", True)}}
    project["bundles"].append(bundle)
    _sync_bundle_to_govern(req.doc, key, bundle_id, req.login)
    return bundle


def _sync_bundle_to_govern(doc, key, bundle_id, login):
    """What the DSS→Govern sync does for a governed project (off with govern.auto_sync_bundles=false);
    a Govern policy may approve new bundles at once: govern.new_bundle_signoff sets their status."""
    gov = doc["govern"]
    if gov.get("auto_sync_bundles", True):
        sync_bundle(doc, key, bundle_id, login, gov.get("new_bundle_signoff", "NOT_STARTED"))


@route("dss", "DELETE", r"/projects/([^/]+)/bundles/exported/([^/]+)")
def delete_exported(req, key, bundle_id):
    project = project_or_403(req, key)
    kept = [b for b in project["bundles"] if b["bundleId"] != bundle_id]
    if len(kept) == len(project["bundles"]):
        raise ApiError(404, NOT_FOUND, "Bundle {} not found".format(bundle_id))
    project["bundles"] = kept
    return {}  # the client parses JSON here: an empty body would make it raise


@route("dss", "POST", r"/projects/([^/]+)/bundles/([^/]+)/publish")
def publish_bundle(req, key, bundle_id):
    project = project_or_403(req, key)
    bundle = next((b for b in project["bundles"] if b["bundleId"] == bundle_id), None)
    if bundle is None:
        raise ApiError(404, NOT_FOUND, "Bundle {} not found".format(bundle_id))
    published_key = req.q("publishedProjectKey") or key
    state = {"publishedOn": now_ms(), "publishedBy": req.login}
    deployer = req.doc["dss"]["deployer"]
    target = deployer["projects"].setdefault(published_key, {"packages": []})
    target["packages"] = [b for b in target["packages"] if b["id"] != bundle_id]
    target["packages"].append(dict(state, id=bundle_id, designNodeInfo={"projectKey": key}))
    bundle["publishedBundleState"] = state
    return dict(state, publishedProjectKey=published_key)


def allowed(req, spec):
    """400 on a query parameter ``spec`` ({name: "bool" | "multi" | "text"}) does not list, or a
    boolean that is not True/False: a call no supported client makes fails here, not on a real DSS."""
    for name, values in req.query.items():
        kind = spec.get(name)
        if kind is None:
            raise ApiError(400, CODED, "Unknown parameter {} on {} {}".format(name, req.method, req.path))
        if kind == "bool" and any(v not in ("True", "False", "true", "false") for v in values):
            raise ApiError(400, CODED, "Parameter {} must be a boolean".format(name))


# dataikuapi/dss/project.py list_saved_models: no params up to 15.0.0; from 15.1.0 foreign (bool)
@route("dss", "GET", r"/projects/([^/]+)/savedmodels/?")
def saved_models(req, key):
    allowed(req, {"foreign": "bool"})
    return [{"id": sm_id, "name": sm.get("name", sm_id), "projectKey": key}
            for sm_id, sm in project_or_403(req, key).get("saved_models", {}).items()]


@route("dss", "GET", r"/projects/([^/]+)/variables/?")
def get_variables(req, key):
    variables = project_or_403(req, key).setdefault("variables", {"standard": {}, "local": {}})
    return {"standard": variables.get("standard", {}), "local": variables.get("local", {})}


@route("dss", "PUT", r"/projects/([^/]+)/variables/?")
def set_variables(req, key):
    project = project_or_403(req, key)
    body = req.body
    if not isinstance(body, dict) or not isinstance(body.get("standard"), dict) or not isinstance(body.get("local"), dict):
        raise ApiError(400, CODED, "Project variables must be an object with 'standard' and 'local' objects")
    project["variables"] = {"standard": body["standard"], "local": body["local"]}
    return None


@route("dss", "GET", r"/projects/([^/]+)/savedmodels/([^/]+)/versions")
def saved_model_versions(req, key, sm_id):
    model = project_or_403(req, key).get("saved_models", {}).get(sm_id)
    if model is None:
        raise ApiError(404, NOT_FOUND, "Saved model {} not found".format(sm_id))
    return model.get("versions", [])


@route("dss", "GET", r"/projects/([^/]+)/datasets/([^/]+)/data-quality/last-rules-result")
def last_rules_result(req, key, name):
    allowed(req, {"partition": "text"})  # dataikuapi/dss/data_quality.py get_last_rules_results(partition=...)
    dataset = project_or_403(req, key).get("datasets", {}).get(name)
    if dataset is None:
        raise ApiError(404, NOT_FOUND, "Dataset {}.{} not found".format(key, name))
    return dataset.get("last_rules_results", [])


@route("dss", "GET", r"/admin/get-govern-node-ref")
def govern_node_ref(req):
    if not req.admin:
        raise ApiError(403, UNAUTHORIZED, "You may only do this as an administrator")
    return req.doc["dss"].get("govern_node", {"enabled": False})


def _deployer_project(req, key):
    project = req.doc["dss"]["deployer"]["projects"].get(key)
    if project is None:
        raise ApiError(404, NOT_FOUND, "Published project {} not found".format(key))
    return project


@route("dss", "GET", r"/project-deployer/projects")
def deployer_projects(req):
    return [{"projectBasicInfo": {"id": k}, "canDeploy": True} for k in req.doc["dss"]["deployer"]["projects"]]


@route("dss", "GET", r"/project-deployer/projects/([^/]+)")
def deployer_project_status(req, key):
    project = _deployer_project(req, key)
    deployer = req.doc["dss"]["deployer"]
    deployments = [{"id": d, "infraId": v.get("infraId", ""), "bundleId": v.get("bundleId", "")}
                   for d, v in deployer["deployments"].items() if v.get("publishedProjectKey") == key]
    infras = sorted({d["infraId"] for d in deployments})
    return {"projectBasicInfo": {"id": key}, "packages": project["packages"], "deployments": deployments,
            "infras": [{"infraBasicInfo": {"id": i}} for i in infras]}


@route("dss", "DELETE", r"/project-deployer/projects/([^/]+)/bundles/([^/]+)")
def deployer_delete_bundle(req, key, bundle_id):
    project = _deployer_project(req, key)
    kept = [b for b in project["packages"] if b["id"] != bundle_id]
    if len(kept) == len(project["packages"]):
        raise ApiError(404, NOT_FOUND, "Bundle {} not found in published project {}".format(bundle_id, key))
    # Like the emulator's other deletes this does not protect deployed bundles, so tests can
    # observe it if a macro ever tried.
    project["packages"] = kept
    return None


@route("dss", "GET", r"/project-deployer/deployments")
def deployer_deployments(req):
    return [{"deploymentBasicInfo": dict(v, id=d)} for d, v in req.doc["dss"]["deployer"]["deployments"].items()]


@route("dss", "GET", r"/project-deployer/deployments/([^/]+)/settings")
def deployment_settings(req, dep_id):
    dep = req.doc["dss"]["deployer"]["deployments"].get(dep_id)
    if dep is None:
        raise ApiError(404, NOT_FOUND, "Deployment {} not found".format(dep_id))
    return dict(dep, id=dep_id)


@route("dss", "GET", r"/project-deployer/infras")
def deployer_infras(req):
    # The listing's entries hold infraBasicInfo.id (what every client reads); the emulator puts the stage
    # in infraBasicInfo.stage too. UNCONFIRMED: no public client reads a stage from the listing; the
    # macro falls back to the infrastructure's settings when the listing gives none.
    return [{"infraBasicInfo": dict({"id": i}, **({"stage": v["stage"]} if v.get("stage") else {})),
             "canDeploy": True} for i, v in sorted(req.doc["dss"]["deployer"]["infras"].items())]


@route("dss", "GET", r"/project-deployer/infras/([^/]+)/settings")
def infra_settings(req, infra_id):
    infra = req.doc["dss"]["deployer"]["infras"].get(infra_id)
    if infra is None:
        raise ApiError(404, NOT_FOUND, "Infrastructure {} not found".format(infra_id))
    return dict({"governCheckPolicy": "NO_CHECK"}, **infra, id=infra_id)


# -- Govern ------------------------------------------------------------------------------------

def _artifact(req, artifact_id):
    artifact = req.doc["govern"]["artifacts"].get(artifact_id)
    if artifact is None:
        raise ApiError(404, NOT_FOUND, "Artifact not found: {}".format(artifact_id))
    return artifact


def _public(artifact):
    return {k: v for k, v in artifact.items() if k != "archived"}


def _matches(artifact, flt):
    kind = flt.get("type")
    if kind == "blueprints":
        return artifact["blueprintVersionId"]["blueprintId"] in flt.get("blueprintIds", [])
    if kind == "blueprintVersions":
        return artifact["blueprintVersionId"] in flt.get("blueprintVersionIds", [])
    if kind == "artifacts":
        return artifact["id"] in flt.get("artifactIds", [])
    if kind == "archived":
        return bool(artifact.get("archived", False)) == bool(flt.get("isArchived"))
    if kind == "field":
        value = artifact["fields"].get(flt["fieldId"]) if "fieldId" in flt else artifact.get("name")
        values = value if isinstance(value, list) else [value]
        cond = flt.get("condition", "")
        sensitive = flt.get("caseSensitive", False)
        test = {"EQUALS": lambda a, b: a == b, "CONTAINS": lambda a, b: b in a,
                "START_WITH": lambda a, b: a.startswith(b), "END_WITH": lambda a, b: a.endswith(b)}.get(
                    flt.get("conditionType"))
        if test is None:
            raise ApiError(400, CODED, "Unknown conditionType {}".format(flt.get("conditionType")))
        hit = any(isinstance(v, str) and test(v if sensitive else v.lower(), cond if sensitive else cond.lower())
                  for v in values)
        return hit != bool(flt.get("negateCondition", False))
    raise ApiError(400, CODED, "Unknown artifact filter type {}".format(kind))


def _order(artifact_id):
    match = re.match(r"^ar\.(\d+)$", artifact_id)
    return (0, int(match.group(1)), "") if match else (1, 0, artifact_id)


@route("govern", "POST", r"/artifacts/search")
def search(req):
    body = req.body if isinstance(req.body, dict) else {}
    filters = body.get("artifactFilters", [])
    hits = [a for a in req.doc["govern"]["artifacts"].values() if all(_matches(a, f) for f in filters)]
    hits.sort(key=lambda a: _order(a["id"]))
    page = body.get("artifactSearchPagination") or {}
    last = page.get("lastArtifactId")
    if last is not None:
        hits = [a for a in hits if _order(a["id"]) > _order(last)]
    size = int(page.get("pageSize") or 20)
    signoffs = req.doc["govern"]["signoffs"]
    out = [{"artifact": _public(a),
            "signoffs": [{"signoffId": {"artifactId": a["id"], "stepId": s}, "status": v.get("status")}
                         for s, v in signoffs.get(a["id"], {}).items()],
            "blueprint": {"id": a["blueprintVersionId"]["blueprintId"]},
            "blueprintVersion": {"id": a["blueprintVersionId"]}} for a in hits[:size]]
    return {"uiArtifacts": out, "hasNextPage": len(hits) > size}


@route("govern", "GET", r"/blueprints")
def list_blueprints(req):
    """The node's blueprints: those listed in the state plus those its artifacts use."""
    gov = req.doc["govern"]
    found = set(gov.get("blueprints", [])) | {a["blueprintVersionId"]["blueprintId"] for a in gov["artifacts"].values()}
    return [{"blueprint": {"id": bp, "name": bp}} for bp in sorted(found)]


@route("govern", "GET", r"/artifact/([^/]+)")
def get_artifact(req, artifact_id):
    return {"artifact": _public(_artifact(req, artifact_id))}


@route("govern", "GET", r"/artifact/([^/]+)/signoffs")
def list_signoffs(req, artifact_id):
    _artifact(req, artifact_id)
    signoffs = req.doc["govern"]["signoffs"].get(artifact_id, {}).items()
    if req.doc["govern"].get("signoff_shape") == "before-12.2":  # list items carried stepId directly
        return [{"stepId": s, "status": v.get("status")} for s, v in signoffs]
    return [{"signoffId": {"artifactId": artifact_id, "stepId": s}, "status": v.get("status")} for s, v in signoffs]


def _signoff(req, artifact_id, step):
    _artifact(req, artifact_id)
    found = req.doc["govern"]["signoffs"].get(artifact_id, {}).get(step)
    if found is None:
        raise ApiError(404, NOT_FOUND, "Sign-off not found for step {} of {}".format(step, artifact_id))
    return found


@route("govern", "GET", r"/artifact/([^/]+)/workflow/step/([^/]+)/signoff")
def get_signoff(req, artifact_id, step):
    return _signoff(req, artifact_id, step)


@route("govern", "POST", r"/artifact/([^/]+)/workflow/step/([^/]+)/signoff/update-status")
def update_status(req, artifact_id, step):
    current = _signoff(req, artifact_id, step)
    target = (req.body or {}).get("targetStatus")
    if target not in ("NOT_STARTED", "WAITING_FOR_FEEDBACK", "WAITING_FOR_APPROVAL", "APPROVED", "REJECTED",
                      "ABANDONED"):
        raise ApiError(400, CODED, "Invalid target status {}".format(target))
    current["status"] = target
    if target == "NOT_STARTED":
        current["approverResponse"] = None
        current["feedbackResponses"] = []
    return {}


@route("govern", "POST", r"/artifact/([^/]+)/workflow/step/([^/]+)/signoff/approval")
def add_approval(req, artifact_id, step):
    current = _signoff(req, artifact_id, step)
    body = req.body or {}
    if body.get("status") not in ("APPROVED", "REJECTED", "ABANDONED"):
        raise ApiError(400, CODED, "Invalid approval status {}".format(body.get("status")))
    current["approverResponse"] = {"status": body["status"], "user": req.login, "date": now_ms()}
    if body.get("comment") is not None:
        current["approverResponse"]["comment"] = body["comment"]
    current["status"] = body["status"]  # the final approval closes the sign-off with its status
    return current["approverResponse"]


# -- server ------------------------------------------------------------------------------------

def _parse_multipart(content_type, raw):
    """{part name: (filename, bytes)}; {} when the body is not readable as multipart."""
    message = email.parser.BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw)
    if not message.is_multipart():
        return {}
    return {part.get_param("name", header="content-disposition"): (part.get_filename(), part.get_payload(decode=True))
            for part in message.get_payload()}


class Handler(BaseHTTPRequestHandler):
    server_version = "dss-local-emulator"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # no request lines on stderr (they are in the debug log)
        log.debug("%s %s", self.address_string(), fmt % args)

    def _send(self, status, body, content_type="application/json"):
        if body is None:
            data = b""
        elif isinstance(body, (bytes, str)):
            data = body.encode("utf-8") if isinstance(body, str) else body
        else:
            data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        if data or content_type != "application/json":
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def _credentials(self):
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                return base64.b64decode(header[6:]).decode("utf-8").split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                return None
        if header.startswith("Bearer "):
            return header[7:]
        return self.headers.get("X-DKU-APITicket")

    def _handle(self, method):
        emulator = self.server.emulator
        state = emulator.state
        state.refresh()
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path.startswith("/__emulator__/state"):
            return self._control(method, raw)
        if url.path == "/__emulator__/dataset":
            return self._hold_dataset(method, raw)
        if not url.path.startswith(PREFIX):
            return self._send(404, ApiError(404, NOT_FOUND, "Not a public API path").body())
        path = url.path[len(PREFIX):] or "/"
        key = self._credentials()
        with state.lock:
            doc = state.doc
            node, who = None, None
            for name in ("dss", "govern"):
                if key and key in doc[name].get("api_keys", {}):
                    node, who = name, doc[name]["api_keys"][key]
            fault = self._take_fault(doc, node, method, path)
        if fault is not None:
            done = self._apply_fault(fault, emulator)
            if done:
                return None
        if node is None:
            return self._send(401, ApiError(401, NOT_AUTHENTICATED, "Unknown API Key").body())
        content_type = self.headers.get("Content-Type", "")
        body, files = None, None
        if content_type.startswith("multipart/form-data"):  # the client's file uploads
            files = _parse_multipart(content_type, raw)
        else:
            try:
                body = json.loads(raw.decode("utf-8")) if raw.strip() else None  # whatever the Content-Type
            except ValueError:
                return self._send(400, ApiError(400, CODED, "Malformed JSON body").body())
        query = parse_qs(url.query, keep_blank_values=True)
        host, port = self.server.server_address[:2]
        base_url = "http://{}:{}".format("127.0.0.1" if host in ("0.0.0.0", "") else host, port)
        with state.lock:
            req = Request(method, path, query, body, node, who.get("login", "api-key"), bool(who.get("admin")),
                          state.doc, files, key, base_url, state)
            for route_node, route_method, pattern, fn in ROUTES:
                if route_method != method or route_node not in ("*", node):
                    continue
                match = pattern.match(path)
                if match:
                    try:
                        result = fn(req, *match.groups())
                    except ApiError as err:
                        return self._send(err.status, err.body())
                    if method != "GET":
                        state.save()
                    return self._send(200, result)
        return self._send(404, ApiError(404, NOT_FOUND, "No {} endpoint {} on the {} node".format(
            method, path, node.upper())).body())

    def _take_fault(self, doc, node, method, path):
        for fault in doc.get("faults", []):
            if fault.get("node", "any") not in ("any", node):
                continue
            if fault.get("method") and fault["method"] != method:
                continue
            if fault.get("path") and not re.search(fault["path"], path):
                continue
            if fault.get("times") is not None and fault["times"] <= 0:
                continue
            if fault.get("skip"):  # let this many matching requests through first
                fault["skip"] -= 1
                continue
            if fault.get("times") is not None:
                fault["times"] -= 1
            return dict(fault)
        return None

    def _apply_fault(self, fault, emulator):
        """Returns True when the fault produced the whole answer."""
        delay = float(fault.get("delay", 0))
        end = time.monotonic() + delay
        while time.monotonic() < end and not emulator.stopping.is_set():
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))
        if fault.get("drop"):
            self.close_connection = True
            return True
        if "status" in fault:
            body = fault.get("body")
            content_type = fault.get("content_type", "application/json" if isinstance(body, (dict, list)) else "text/html")
            self._send(int(fault["status"]), body, content_type)
            return True
        return False

    def _control(self, method, raw):
        state = self.server.emulator.state
        if method == "GET":
            return self._send(200, state.snapshot())
        if method in ("PUT", "POST"):
            try:
                document = json.loads(raw.decode("utf-8"))
            except ValueError:
                return self._send(400, {"error": "state must be a JSON object"})
            state.update(lambda doc: (doc.clear(), doc.update(document)))
            return self._send(200, {})
        return self._send(405, {"error": "GET or PUT"})

    def _hold_dataset(self, method, raw):
        """PUT {"projectKey", "name", "last_rules_results"}: one dataset's latest rule results, nothing
        else of the state touched (dss-local macro --dataset)."""
        if method != "PUT":
            return self._send(405, {"error": "PUT"})
        try:
            body = json.loads(raw.decode("utf-8"))
            key, name, results = body["projectKey"], body["name"], body["last_rules_results"]
        except (ValueError, KeyError, TypeError):
            return self._send(400, {"error": "expected {projectKey, name, last_rules_results}"})
        if results is not None and not isinstance(results, list):
            return self._send(400, {"error": "last_rules_results must be a list or null (the dataset only)"})
        found = []

        def hold(doc):
            project = doc["dss"]["projects"].get(key)
            if project is not None:
                dataset = project.setdefault("datasets", {}).setdefault(name, {})
                if results is not None:
                    dataset["last_rules_results"] = results
                found.append(key)

        self.server.emulator.state.update(hold)
        return self._send(200, {}) if found else self._send(404, {"error": "no project " + str(key)})

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that gave up (its timeout) closes the socket under a delayed answer: not news.
        log.debug("request from %s ended with an error", client_address, exc_info=True)


from . import flow_routes  # noqa: E402,F401  (Flow endpoints of the acceptance kit; registers its routes)
from . import qualification_routes  # noqa: E402,F401  (what the gate's qualification rules read)
from . import deployment_routes  # noqa: E402,F401  (Project Deployer deployments: settings PUT, updates, status)
from . import mes_routes  # noqa: E402,F401  (Model Evaluation Stores: the recipes' custom evaluations)
from . import status_routes  # noqa: E402,F401  (Govern artifact save: publish-model-status field)
