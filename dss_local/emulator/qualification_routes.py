"""Endpoints of the emulator read by the gate's qualification rules (issue 17), each at the path and
with the query parameters some supported ``dataikuapi`` release (12.6.4 … 15.2.0) sends, and no
other: an unknown parameter is a 400 naming it, so a gateway call no supported client can make
fails here rather than on a real DSS. Shapes follow the client source (named at each route).

State (all optional; old state files still load):
``projects.<K>.flow = {ref: {"type": ..., "predecessors": [...]}}`` (successors derived; checked against
the datasets and saved models held, every dataset a node), ``dss.keeps_version_labels`` (labels on
saved model versions are dropped unless true: that DSS keeps them is UNCONFIRMED),
``projects.<K>.datasets.<name>.tags``, ``projects.<K>.settings.codeEnvs``,
``dss.general_settings.codeEnvs.defaultPythonEnv`` (admin-only read),
``projects.<K>.saved_models.<sm>.{lastExportedFrom, versions[i].{snippet, trainInfo, userMeta}}``,
``projects.<K>.mltasks.<analysis>.<mltask>.envSelection``,
``projects.<K>.managed_folders.<id>.files.{path: {size, lastModified}}``.
"""
from .server import CODED, NOT_FOUND, UNAUTHORIZED, ApiError, allowed, project_or_403, route


# dataikuapi/dss/flow.py DSSProjectFlow.get_graph: GET /projects/{K}/flow/graph/ (no params, all six)
@route("dss", "GET", r"/projects/([^/]+)/flow/graph/")
def flow_graph(req, key):
    """The hand-written ``flow`` checked against what the emulator holds (500 naming the mismatch):
    a dataset node is a dataset of the project, a saved-model node one of its saved models, and
    edges alternate computable -> recipe -> computable as in DSS; every dataset the project holds
    is a node (one the ``flow`` leaves out is added with no predecessors, as a source)."""
    allowed(req, {})
    project = project_or_403(req, key)
    flow = dict(project.get("flow") or {})
    datasets, models = project.get("datasets", {}), project.get("saved_models", {})
    for name in datasets:
        flow.setdefault(name, {"type": "COMPUTABLE_DATASET", "predecessors": []})
    nodes = {}
    for ref, node in flow.items():
        kind = node.get("type", "")
        if kind == "COMPUTABLE_DATASET" and ref not in datasets:
            raise ApiError(500, CODED, "Emulator state: Flow node {} is not a dataset of the project".format(ref))
        if kind == "COMPUTABLE_SAVED_MODEL" and ref not in models:
            raise ApiError(500, CODED, "Emulator state: Flow node {} is not a saved model of the project".format(ref))
        for pred in node.get("predecessors", []):
            if pred not in flow:
                raise ApiError(500, CODED, "Emulator state: Flow node {} names unknown predecessor {}".format(ref, pred))
            if kind.startswith("COMPUTABLE") == flow[pred].get("type", "").startswith("COMPUTABLE"):
                raise ApiError(500, CODED, "Emulator state: Flow edge {} -> {} does not alternate computable and "
                                           "recipe".format(pred, ref))
        nodes[ref] = {"ref": ref, "type": kind, "predecessors": list(node.get("predecessors", [])),
                      "successors": sorted(r for r, n in flow.items() if ref in n.get("predecessors", []))}
    return {"nodes": nodes}


# dataikuapi/dss/project.py list_datasets: no params up to 14.0.2; from 14.1.0 foreign (bool) and tags (multi)
@route("dss", "GET", r"/projects/([^/]+)/datasets/")
def list_datasets(req, key):
    allowed(req, {"foreign": "bool", "tags": "multi"})
    wanted = [t for t in req.query.get("tags", []) if t]
    out = []
    for name, dataset in project_or_403(req, key).get("datasets", {}).items():
        tags = list(dataset.get("tags", []))
        if wanted and not set(tags) & set(wanted):
            continue
        out.append({"projectKey": key, "name": name, "type": dataset.get("type", "Filesystem"), "tags": tags,
                    "managed": bool(dataset.get("managed", True)), "params": dataset.get("params", {}),
                    "formatType": dataset.get("formatType", "csv"), "schema": dataset.get("schema", {"columns": []})})
    return out


# dataikuapi/dss/project.py get_settings: GET /projects/{K}/settings
@route("dss", "GET", r"/projects/([^/]+)/settings")
def project_settings(req, key):
    allowed(req, {})
    project = project_or_403(req, key)
    default = {"python": {"mode": "INHERIT", "useBuiltinEnv": False}, "r": {"mode": "INHERIT", "useBuiltinEnv": False}}
    return {"projectKey": key, "settings": {"codeEnvs": project.get("settings", {}).get("codeEnvs", default)}}


# dataikuapi/dss/admin.py DSSGeneralSettings: GET /admin/general-settings, "requires an API key with admin rights"
@route("dss", "GET", r"/admin/general-settings")
def general_settings(req):
    allowed(req, {})
    if not req.admin:
        raise ApiError(403, UNAUTHORIZED, "You may only do this as an administrator")
    return req.doc["dss"].get("general_settings", {"codeEnvs": {}})


def _saved_model(req, key, sm_id):
    model = project_or_403(req, key).get("saved_models", {}).get(sm_id)
    if model is None:
        raise ApiError(404, NOT_FOUND, "Saved model {} not found".format(sm_id))
    return model


def _version(req, key, sm_id, version_id):
    for version in _saved_model(req, key, sm_id).get("versions", []):
        if version.get("id") == version_id:
            return version
    raise ApiError(404, NOT_FOUND, "Version {} of saved model {} not found".format(version_id, sm_id))


# dataikuapi/dss/savedmodel.py get_settings: GET /projects/{K}/savedmodels/{sm}
@route("dss", "GET", r"/projects/([^/]+)/savedmodels/([^/]+)")
def saved_model_settings(req, key, sm_id):
    allowed(req, {})
    model = _saved_model(req, key, sm_id)
    body = {"id": sm_id, "projectKey": key, "name": model.get("name", sm_id), "tags": model.get("tags", []),
            "miniTask": {"modeling": {"metrics": {}}}}
    if model.get("lastExportedFrom"):
        body["lastExportedFrom"] = model["lastExportedFrom"]
    return body


# dataikuapi/dss/ml.py DSSMLTask.get_settings: GET /projects/{K}/models/lab/{analysis}/{mltask}/settings
@route("dss", "GET", r"/projects/([^/]+)/models/lab/([^/]+)/([^/]+)/settings")
def mltask_settings(req, key, analysis, mltask):
    allowed(req, {})
    task = project_or_403(req, key).get("mltasks", {}).get(analysis, {}).get(mltask)
    if task is None:
        raise ApiError(404, NOT_FOUND, "ML task {}/{} not found".format(analysis, mltask))
    return {"taskType": "PREDICTION", "predictionType": "BINARY_CLASSIFICATION", "backendType": "PY_MEMORY",
            "envSelection": task.get("envSelection", {"envMode": "INHERIT"}), "modeling": {}, "preprocessing": {}}


# dataikuapi/dss/savedmodel.py get_version_details: GET …/versions/{v}/details then …/snippet (never "facts":
# that would make the client build clustering details)
@route("dss", "GET", r"/projects/([^/]+)/savedmodels/([^/]+)/versions/([^/]+)/details")
def version_details(req, key, sm_id, version_id):
    allowed(req, {})
    version = _version(req, key, sm_id, version_id)
    return {"fullModelId": "S-{}-{}-{}".format(key, sm_id, version_id), "trainInfo": version.get("trainInfo", {}),
            "userMeta": version.get("userMeta", {"name": version_id, "description": "", "labels": []})}


@route("dss", "GET", r"/projects/([^/]+)/savedmodels/([^/]+)/versions/([^/]+)/snippet")
def version_snippet(req, key, sm_id, version_id):
    allowed(req, {})
    version = _version(req, key, sm_id, version_id)
    return dict(version.get("snippet", {}), userMeta=version.get("userMeta", {}),
                trainInfo=version.get("trainInfo", {}))


# dataikuapi/dss/ml.py save_user_meta: PUT …/versions/{v}/user-meta, body = userMeta, empty answer
@route("dss", "PUT", r"/projects/([^/]+)/savedmodels/([^/]+)/versions/([^/]+)/user-meta")
def save_user_meta(req, key, sm_id, version_id):
    allowed(req, {})
    version = _version(req, key, sm_id, version_id)
    body = req.body
    if not isinstance(body, dict):
        raise ApiError(400, CODED, "user meta must be an object")
    labels = body.get("labels", [])
    if not isinstance(labels, list) or any(not isinstance(lb, dict) or not isinstance(lb.get("key"), str)
                                           for lb in labels):
        raise ApiError(400, CODED, "labels must be a list of {key, value}")
    if not req.doc["dss"].get("keeps_version_labels"):  # UNCONFIRMED that DSS keeps them: by default it does not
        body = dict(body, labels=[])
    version["userMeta"] = body
    return None


# dataikuapi/dss/managedfolder.py list_contents: GET /projects/{K}/managedfolders/{id}/contents (no params)
@route("dss", "GET", r"/projects/([^/]+)/managedfolders/([^/]+)/contents")
def folder_contents(req, key, folder_id):
    allowed(req, {})
    folder = project_or_403(req, key).get("managed_folders", {}).get(folder_id)
    if folder is None:
        raise ApiError(404, NOT_FOUND, "Managed folder {} not found".format(folder_id))
    return {"items": [{"path": path, "size": f.get("size", 0), "lastModified": f.get("lastModified", 0)}
                      for path, f in sorted(folder.get("files", {}).items())]}
