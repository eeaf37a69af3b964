"""Model Evaluation Store endpoints of the emulator (issue 18): the custom model evaluations the
recipes add (``DSSModelEvaluationStore.add_custom_model_evaluation``) and the reads tests use to get
them back, at the paths of every supported client: ``/projects/{K}/modelevaluationstores/{S}/...``
(dataiku-api-client 12.6.4 … 14.0.2) and ``/projects/{K}/evaluationstores/{S}/...`` (14.3.3, 15.2.0).

State: ``dss.projects.<K>.evaluation_stores.<S> = {"name": ..., "evaluations": [...], "flavor": ...}``
(optional; flavor TABULAR when absent). Reads: the store list (``list_model_evaluation_stores``), a
store's evaluations and one evaluation's full info (``created``, ``modelRef.fullId``).

Path family: when the state names the DSS line (``dss.dss_version``, as ``/instance-info`` reports it),
only that line's family is served (before 14.3 ``modelevaluationstores``, from 14.3 ``evaluationstores``;
the other is a 404; whether DSS 14.3+ still serves the old family is UNCONFIRMED, the emulator does
not). Without a version (the test default, one emulator for every client) both families are served:
a leniency the version-pinned test removes.
An unknown store is a 404, a body that is not what the client sends a 400 naming the field.
UNCONFIRMED (no public source): the response body of the POST (``{"evaluationId": ...}`` here), how
DSS answers a reused evaluation id (400 here), an unknown saved model version (404 here), an empty
metric list or a non-numeric metric value (400 here), and how custom metrics appear in the evaluation's
``metrics`` (``{code: value}`` here).
"""
import numbers
import re

from .server import CODED, NOT_FOUND, ApiError, allowed, project_or_403, route
from .state import now_ms

STORE = r"/projects/([^/]+)/(?:model)?evaluationstores/([^/]+)"
FULL_MODEL_ID = re.compile(r"^S-([A-Za-z0-9_]+)-([A-Za-z0-9_]+)-([A-Za-z0-9._-]+)$")


NEW_FAMILY_SINCE = (14, 3)
FLAVORS = ("TABULAR", "LLM", "AGENT")  # DSSProject.list_evaluation_stores(flavor) (14.3.3, 15.2.0)


def _family_served(req):
    """404 when the path's family is not the one of the DSS line the state names (if it names one)."""
    version = req.doc["dss"].get("dss_version")
    if not version:
        return
    try:
        line = tuple(int(x) for x in str(version).split(".")[:2])
    except ValueError:
        return
    new = "/evaluationstores/" in req.path
    if new != (line >= NEW_FAMILY_SINCE):
        raise ApiError(404, NOT_FOUND, "No such endpoint on DSS {}: {}".format(version, req.path))


def _store(req, key, store_id):
    _family_served(req)
    store = project_or_403(req, key).get("evaluation_stores", {}).get(store_id)
    if store is None:
        raise ApiError(404, NOT_FOUND, "Model evaluation store {} not found in project {}".format(store_id, key))
    return store


def _evaluation(req, key, store_id, evaluation_id):
    found = [e for e in _store(req, key, store_id)["evaluations"] if e["ref"]["evaluationId"] == evaluation_id]
    if not found:
        raise ApiError(404, NOT_FOUND, "Model evaluation {} not found in store {}".format(evaluation_id, store_id))
    return found[0]


@route("dss", "POST", r"/projects/([^/]+)/(?:model)?evaluationstores/?")
def create_store(req, key):
    """``DSSProject.create_model_evaluation_store(name)``: body ``{name}`` (12.6 … 14.0, path
    ``modelevaluationstores``) or ``{projectKey, name}`` with ``?flavor=TABULAR`` (14.3+, path
    ``evaluationstores``). The new store's id is generated (its exact form on DSS is UNCONFIRMED)."""
    _family_served(req)
    allowed(req, {"flavor": "text"})
    project = project_or_403(req, key)
    body = req.body
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        raise ApiError(400, CODED, "The model evaluation store needs a name")
    stores = project.setdefault("evaluation_stores", {})
    store_id = "mes{}".format(len(stores) + 1)
    while store_id in stores:
        store_id += "x"
    flavor = (req.query.get("flavor") or ["TABULAR"])[0]
    if flavor not in FLAVORS:
        raise ApiError(400, CODED, "flavor must be one of {}, got {!r}".format(", ".join(FLAVORS), flavor))
    stores[store_id] = {"name": body["name"], "evaluations": [], "flavor": flavor}
    return {"id": store_id, "projectKey": key, "name": body["name"]}


@route("dss", "GET", r"/projects/([^/]+)/(?:model)?evaluationstores/?")
def list_stores(req, key):
    """``DSSProject.list_model_evaluation_stores()``: no parameter up to 14.0 (``modelevaluationstores``);
    from 14.3 (``evaluationstores``) an optional ``flavor`` (TABULAR, LLM, AGENT), whose absence lists
    TABULAR and LLM stores (client docstring). Each item carries ``mesFlavor``, which the 14.3+ client
    reads to return a ``DSSModelEvaluationStore`` (TABULAR) or a ``DSSEvaluationStore``. UNCONFIRMED:
    the other keys of an item (id, projectKey, name here), and whether a store's flavor is absent
    when it was created before 14.3 (TABULAR here)."""
    _family_served(req)
    allowed(req, {"flavor": "text"} if "/evaluationstores" in req.path else {})
    wanted = req.query.get("flavor")
    if wanted and wanted[0] not in FLAVORS:
        raise ApiError(400, CODED, "flavor must be one of {}, got {!r}".format(", ".join(FLAVORS), wanted[0]))
    stores = project_or_403(req, key).get("evaluation_stores", {})
    return [{"id": store_id, "projectKey": key, "name": store.get("name", store_id),
             "mesFlavor": store.get("flavor", "TABULAR")} for store_id, store in stores.items()
            if (store.get("flavor", "TABULAR") == wanted[0] if wanted else store.get("flavor", "TABULAR") != "AGENT")]


@route("dss", "GET", STORE)
def store_summary(req, key, store_id):
    store = _store(req, key, store_id)
    return {"id": store_id, "projectKey": key, "name": store.get("name", store_id)}


def _checked_metrics(metrics):
    if not isinstance(metrics, list) or not metrics:
        raise ApiError(400, CODED, "metrics must be a non-empty list of {metricCode, value, name, description}")
    for metric in metrics:
        code = metric.get("metricCode") if isinstance(metric, dict) else None
        value = metric.get("value") if isinstance(metric, dict) else None
        if not isinstance(code, str) or not code:
            raise ApiError(400, CODED, "metrics: every metric needs a metricCode (text), got {!r}".format(metric))
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ApiError(400, CODED, "metrics: metric {} has a value that is not a number: {!r}".format(code, value))
    return metrics


def _checked_labels(labels):
    if labels is None:
        return []
    if not isinstance(labels, list) or not all(
            isinstance(lb, dict) and isinstance(lb.get("key"), str) and isinstance(lb.get("value"), str) for lb in labels):
        raise ApiError(400, CODED, "labels must be a list of {key, value} texts")
    return labels


def _checked_model(req, key, full_id):
    if full_id is None:
        return None
    match = FULL_MODEL_ID.match(full_id) if isinstance(full_id, str) else None
    if match is None:
        raise ApiError(400, CODED, "fullModelId must be a saved model version's full id S-<project>-<model>-<version>")
    project, model_id, version = match.groups()
    model = project_or_403(req, project).get("saved_models", {}).get(model_id)
    if model is None or not any(v.get("id") == version for v in model.get("versions", [])):
        raise ApiError(404, NOT_FOUND, "Saved model version {} not found".format(full_id))
    return full_id


@route("dss", "POST", STORE + r"/evaluations")
def add_evaluation(req, key, store_id):
    store = _store(req, key, store_id)
    body = req.body
    if not isinstance(body, dict):
        raise ApiError(400, CODED, "The body must be an object {evaluationId, name, metrics, labels, fullModelId}")
    metrics = _checked_metrics(body.get("metrics"))
    labels = _checked_labels(body.get("labels"))
    model = _checked_model(req, key, body.get("fullModelId"))
    evaluation_id = body.get("evaluationId") or "ev{}".format(len(store["evaluations"]) + 1)
    if not isinstance(evaluation_id, str) or not re.match(r"^[A-Za-z0-9._-]{1,200}$", evaluation_id):
        raise ApiError(400, CODED, "evaluationId must be letters, digits, '.', '_' or '-'")
    if any(e["ref"]["evaluationId"] == evaluation_id for e in store["evaluations"]):
        raise ApiError(400, CODED, "Model evaluation {} already exists in store {}".format(evaluation_id, store_id))
    evaluation = {"ref": {"evaluationId": evaluation_id, "mesId": store_id, "projectKey": key,
                          "fullId": "ME-{}-{}-{}".format(key, store_id, evaluation_id)},
                  "created": now_ms(), "createdBy": req.login, "hasModel": model is not None,
                  "userMeta": {"name": body.get("name") or evaluation_id, "labels": labels},
                  "metrics": {m["metricCode"]: m["value"] for m in metrics},
                  "metricDefinitions": metrics}
    if model is not None:
        evaluation["modelRef"] = {"fullId": model}
    store["evaluations"].append(evaluation)
    return {"evaluationId": evaluation_id}


@route("dss", "GET", STORE + r"/evaluations/")
def list_evaluations(req, key, store_id):
    return [{k: v for k, v in e.items() if k not in ("metrics", "metricDefinitions")}
            for e in _store(req, key, store_id)["evaluations"]]


@route("dss", "GET", STORE + r"/evaluations/([^/]+)")
def evaluation_full_info(req, key, store_id, evaluation_id):
    found = _evaluation(req, key, store_id, evaluation_id)
    return {"evaluation": {k: v for k, v in found.items() if k not in ("metrics", "metricDefinitions")},
            "metrics": dict(found["metrics"])}
