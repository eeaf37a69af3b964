"""Project Deployer deployments as the public API serves them (dataiku-api.md §6): create, light and
heavy status, settings PUT, ``actions/update`` with its future, and the update history
(``list_updates`` / ``get_update``, clients 14.3+). server.py already answers the deployer's
projects, the deployment list, settings GET and infra settings; this module adds the rest.

As strict as DSS where it is known: an unknown deployment, published project or bundle is a 404,
a body that is not the settings object (or changes the deployment's id, published project or
infrastructure) is a 400; the infrastructure's ``governCheckPolicy`` PREVENT / WARN refuses a bundle
whose Govern item is not approved on create, settings PUT (WARN: unless ignoreWarnings=true) and
update; a key marked ``can_deploy: false`` gets a 403. What DSS answers is UNCONFIRMED for: the body
of a failed future (here: the poll answers 500), the update result's shape (here: InfoMessages), the
``enabled`` key of the settings (here: a boolean, default true), the Govern check's refusal (400).

Every update answers the POST with ``{jobId, alive: true, hasResult: false}``; the poll tells the
end. Tests steer it through ``dss.deployer.update_behaviour``: ``{deployment id: "fail" (the poll
answers a 500 with a DSS error body) | "fail_result" (a result with error: true) | "dead" (the
future ends without a result) | "hang" (never ends)}``; unset, the update succeeds. The bundle the
deployment last ran is kept in ``dss.deployer.deployed`` (never in the settings).
"""
from .flow_routes import new_future
from .server import CODED, NOT_FOUND, UNAUTHORIZED, ApiError, allowed, project_or_403, route
from .state import now_ms

BP_DATAIKU_BUNDLE = "bp.system.dataiku_bundle"


def _deployer(req):
    deployer = req.doc["dss"]["deployer"]
    deployer.setdefault("updates", {})
    deployer.setdefault("update_behaviour", {})
    deployer.setdefault("deployed", {})
    return deployer


def deployed_bundle(deployer, dep_id):
    """The bundle the deployment last ran after a successful update (the emulator's own state, kept
    out of the settings so that a settings GET → PUT round trip never carries it)."""
    dep = deployer["deployments"].get(dep_id, {})
    return deployer.get("deployed", {}).get(dep_id, dep.get("bundleId"))


def _may_deploy(req):
    """403 for a key the state marks without Project Deployer rights (``api_keys[k]["can_deploy"]`` false)."""
    key = req.doc["dss"]["api_keys"].get(req.api_key) or {}
    if key.get("can_deploy") is False:
        raise ApiError(403, UNAUTHORIZED, "You do not have the right to deploy this project")


def _govern_approved(req, project_key, bundle_id):
    """Whether the Govern item governing the bundle has sign-offs and all of them APPROVED (DSS
    looks at the final approval only: requiring all is no more lenient). A bundle not synced to
    Govern is not approved."""
    gov = req.doc["govern"]
    for artifact in gov["artifacts"].values():
        fields = artifact.get("fields", {})
        if (artifact["blueprintVersionId"]["blueprintId"] == BP_DATAIKU_BUNDLE and fields.get("bundle_id") == bundle_id
                and fields.get("project_key") == project_key):
            signoffs = gov["signoffs"].get(fields.get("governed_by"), {})
            return bool(signoffs) and all(so.get("status") == "APPROVED" for so in signoffs.values())
    return False


def _govern_check(req, infra_id, project_key, bundle_id, can_ignore=True):
    """The infrastructure's governCheckPolicy (dataiku-api.md §6): PREVENT refuses a bundle whose
    Govern item is not approved, WARN refuses it unless ignoreWarnings=true (only where the call
    takes it). UNCONFIRMED: the status and error body of the refusal (here 400, CodedException)."""
    infra = _deployer(req)["infras"].get(infra_id) or {}
    policy = infra.get("governCheckPolicy", "NO_CHECK")
    if policy not in ("PREVENT", "WARN") or _govern_approved(req, project_key, bundle_id):
        return
    if policy == "WARN" and can_ignore and req.q_bool("ignoreWarnings"):
        return
    raise ApiError(400, CODED, "Bundle {} of {} is not approved in Govern and infrastructure {} has Govern check "
                   "policy {}".format(bundle_id, project_key, infra_id, policy))


def _deployment(req, dep_id):
    dep = _deployer(req)["deployments"].get(dep_id)
    if dep is None:
        raise ApiError(404, NOT_FOUND, "Deployment {} not found".format(dep_id))
    return dep


def _published_bundle(req, project_key, bundle_id):
    project = _deployer(req)["projects"].get(project_key)
    if project is None:
        raise ApiError(404, NOT_FOUND, "Published project {} not found".format(project_key))
    if not any(p.get("id") == bundle_id for p in project.get("packages", [])):
        raise ApiError(404, NOT_FOUND, "Bundle {} not found in published project {}".format(bundle_id, project_key))


def _text(body, key):
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value:
        raise ApiError(400, CODED, "'{}' must be a non-empty string".format(key))
    return value


# dataikuapi/dss/projectdeployer.py create_deployment: POST /project-deployer/deployments?ignoreWarnings=
@route("dss", "POST", r"/project-deployer/deployments")
def create_deployment(req):
    allowed(req, {"ignoreWarnings": "bool"})
    body = req.body
    dep_id, project_key = _text(body, "deploymentId"), _text(body, "publishedProjectKey")
    infra_id, bundle_id = _text(body, "infraId"), _text(body, "bundleId")
    deployer = _deployer(req)
    if dep_id in deployer["deployments"]:
        raise ApiError(400, CODED, "Deployment {} already exists".format(dep_id))
    if infra_id not in deployer["infras"]:
        raise ApiError(404, NOT_FOUND, "Infrastructure {} not found".format(infra_id))
    _published_bundle(req, project_key, bundle_id)
    _may_deploy(req)
    _govern_check(req, infra_id, project_key, bundle_id)
    dep = {"publishedProjectKey": project_key, "infraId": infra_id, "bundleId": bundle_id, "enabled": True}
    for key in ("deployedProjectKey", "projectFolderId"):
        if isinstance(body.get(key), str):
            dep[key] = body[key]
    deployer["deployments"][dep_id] = dep
    return {"id": dep_id}


@route("dss", "GET", r"/project-deployer/deployments/([^/]+)")
def deployment_light_status(req, dep_id):
    allowed(req, {})
    dep = _deployment(req, dep_id)
    return {"deploymentBasicInfo": dict(dep, id=dep_id), "infraBasicInfo": {"id": dep.get("infraId", "")}}


@route("dss", "GET", r"/project-deployer/deployments/([^/]+)/status")
def deployment_heavy_status(req, dep_id):
    allowed(req, {})
    dep = _deployment(req, dep_id)
    in_sync = deployed_bundle(_deployer(req), dep_id) == dep.get("bundleId")
    return {"health": "HEALTHY" if in_sync else "OUT_OF_SYNC", "healthMessages": {"messages": [], "anyMessage": False}}


# DSSProjectDeployerDeploymentSettings.save: PUT …/settings?ignoreWarnings=, body the whole settings object
@route("dss", "PUT", r"/project-deployer/deployments/([^/]+)/settings")
def save_deployment_settings(req, dep_id):
    allowed(req, {"ignoreWarnings": "bool"})
    dep = _deployment(req, dep_id)
    body = req.body
    if not isinstance(body, dict):
        raise ApiError(400, CODED, "The deployment settings must be a JSON object")
    if body.get("id") != dep_id:
        raise ApiError(400, CODED, "The settings' id {!r} is not deployment {}".format(body.get("id"), dep_id))
    for key in ("publishedProjectKey", "infraId"):
        if body.get(key) != dep.get(key):
            raise ApiError(400, CODED, "'{}' of a deployment cannot be changed".format(key))
    bundle_id = _text(body, "bundleId")
    if "enabled" in body and not isinstance(body["enabled"], bool):
        raise ApiError(400, CODED, "'enabled' must be a boolean")
    _published_bundle(req, dep["publishedProjectKey"], bundle_id)
    _may_deploy(req)
    _govern_check(req, dep["infraId"], dep["publishedProjectKey"], bundle_id)
    deployer = _deployer(req)
    deployer["deployed"].setdefault(dep_id, deployed_bundle(deployer, dep_id))
    dep.clear()
    dep.update({k: v for k, v in body.items() if k != "id"})
    return None


# DSSProjectDeployerDeployment.start_update: POST …/actions/update → a future
@route("dss", "POST", r"/project-deployer/deployments/([^/]+)/actions/update")
def start_update(req, dep_id):
    allowed(req, {})
    dep = _deployment(req, dep_id)
    _may_deploy(req)
    _govern_check(req, dep["infraId"], dep["publishedProjectKey"], dep["bundleId"], can_ignore=False)
    deployer = _deployer(req)
    behaviour = deployer["update_behaviour"].get(dep_id)
    start = now_ms()
    update = {"startTimestamp": start, "type": "UPDATE", "requester": req.login, "bundleId": dep["bundleId"],
              "logs": {"lines": []}}
    updates = deployer["updates"].setdefault(dep_id, [])
    if behaviour == "hang":
        updates.append(dict(update, status="RUNNING", endTimestamp=0))
        return new_future(req.doc, {"alive": True, "hasResult": False})
    if behaviour in ("fail", "fail_result", "dead"):
        updates.append(dict(update, status="FAILED", endTimestamp=now_ms()))  # UNCONFIRMED status value
        if behaviour == "fail":
            return new_future(req.doc, {"alive": False, "hasResult": False},
                              failure="Deployment update failed: infrastructure unreachable")
        if behaviour == "dead":
            return new_future(req.doc, {"alive": False, "hasResult": False})
        return new_future(req.doc, {"alive": False, "hasResult": True, "result": {
            "anyMessage": True, "error": True, "warning": False, "success": False, "maxSeverity": "ERROR",
            "messages": [{"severity": "ERROR", "message": "Deployment update failed: infrastructure unreachable"}]}})
    deployer["deployed"][dep_id] = dep["bundleId"]
    updates.append(dict(update, status="SUCCESS", endTimestamp=now_ms()))
    return new_future(req.doc, {"alive": False, "hasResult": True, "result": {
        "anyMessage": False, "error": False, "warning": False, "success": True, "messages": []}})


def _updates(req, dep_id):
    _deployment(req, dep_id)
    return _deployer(req)["updates"].get(dep_id, [])


@route("dss", "GET", r"/project-deployer/deployments/([^/]+)/update")
def list_updates(req, dep_id):
    allowed(req, {})
    return [{k: u[k] for k in ("startTimestamp", "type", "status")} for u in _updates(req, dep_id)]


@route("dss", "GET", r"/project-deployer/deployments/([^/]+)/last-update")
def last_update(req, dep_id):
    allowed(req, {})
    updates = _updates(req, dep_id)
    if not updates:
        raise ApiError(404, NOT_FOUND, "Deployment {} has no update".format(dep_id))  # UNCONFIRMED on DSS
    return max(updates, key=lambda u: u["startTimestamp"])


@route("dss", "GET", r"/project-deployer/deployments/([^/]+)/update/([^/]+)")
def get_update(req, dep_id, timestamp):
    allowed(req, {})
    for update in _updates(req, dep_id):
        if str(update["startTimestamp"]) == timestamp:
            return update
    raise ApiError(404, NOT_FOUND, "Update {} of deployment {} not found".format(timestamp, dep_id))


# DSSProject.list_api_services: GET /projects/{K}/apiservices/ (every supported client), the project's
# ``api_services`` ({id: {"endpoints": [...]}}) as list items
@route("dss", "GET", r"/projects/([^/]+)/apiservices/")
def list_api_services(req, key):
    allowed(req, {})
    project = project_or_403(req, key)
    return [{"projectKey": key, "id": sid, "name": sid, "endpoints": svc.get("endpoints", []), "tags": []}
            for sid, svc in sorted(project.get("api_services", {}).items())]
