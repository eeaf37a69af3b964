"""Flow endpoints of the emulator, for the acceptance kit (``dss-local accept``): plugin upload,
projects, uploaded and managed datasets, custom-recipe creation and settings, jobs that run the
real recipe.py through :func:`dss_local.runtime.run_recipe`, data-quality rules that run the real
check.py through :func:`dss_local.runtime.run_check`, futures, and macros run through
:func:`dss_local.macro.run_macro` against this same emulator, as the calling user.

Paths, query strings and bodies are those of the ``dataikuapi`` client (releases 12.6.4 … 15.2.0,
files named at each route). Response shapes the client does not read are kept minimal. Not served:
instance-wide settings, plugin code envs, metrics and probes, Spark.

Uploaded files, recipe outputs and extracted plugins live under a temporary folder named in the
state document (``dss.flow.dir``).
"""
import io
import json
import os
import re
import tempfile
import threading
import time
import traceback
import zipfile

from . import server
from .server import CODED, NOT_FOUND, ApiError, route

_RUN_LOCK = threading.Lock()  # the local runtime's flow state is process-wide: one run at a time

CUSTOM_RECIPE_PREFIX = "CustomCode_"
# How DSS names a plugin's macro: "pyrunnable_<plugin id>_<runnable id>" (dataikuapi dss/macro.py,
# DSSMacro.run docstring: 'pyrunnable_builtin-macros_list-datasets-using-connection').
MACRO_PREFIX = "pyrunnable_"
# The rule type DSS gives a plugin check is UNCONFIRMED (DSS's front end takes it from
# appConfig.customPythonChecks[].checkType); the kit and the emulator both use this form.
CHECK_PREFIX = "pycheck_"


# -- state helpers -----------------------------------------------------------------------------

def _flow(doc):
    """The emulator's Flow bookkeeping, created on first use."""
    flow = doc["dss"].setdefault("flow", {})
    if not flow.get("dir") or not os.path.isdir(flow["dir"]):
        flow["dir"] = tempfile.mkdtemp(prefix="dss-local-flow-")
    for key in ("plugins", "jobs", "futures", "macro_runs"):
        flow.setdefault(key, {})
    flow.setdefault("next_id", 1)
    return flow


def _new_id(doc, prefix):
    flow = _flow(doc)
    flow["next_id"] += 1
    return "{}{}".format(prefix, flow["next_id"])


def _project(req, key):
    project = req.doc["dss"]["projects"].get(key)
    if project is None:
        raise ApiError(403, server.UNAUTHORIZED, "Failed to read project permissions")
    for part in ("datasets", "recipes"):
        project.setdefault(part, {})
    return project


def _dataset(req, key, name):
    dataset = _project(req, key)["datasets"].get(name)
    if dataset is None:
        raise ApiError(404, NOT_FOUND, "Dataset {}.{} not found".format(key, name))
    return dataset


def _uploaded(req, name):
    files = req.files
    if not files or name not in files:
        raise ApiError(400, CODED, "Expected a multipart/form-data body with a '{}' part".format(name))
    return files[name]


def _safe(name, what):
    if not re.match(r"^[A-Za-z0-9_.-]+$", name or "") or name in (".", ".."):
        raise ApiError(400, CODED, "Invalid {} '{}'".format(what, name))
    return name


def _data_path(dataset):
    """The file a dataset reads: its single uploaded file, or a managed dataset's written file."""
    if dataset["type"] == "UploadedFiles":
        files = dataset.get("files", [])
        if len(files) != 1:
            raise ValueError("uploaded dataset holds {} files; the emulator reads exactly one".format(len(files)))
        return files[0]
    return dataset["path"]


# -- plugins -----------------------------------------------------------------------------------

@route("dss", "GET", r"/plugins/?")
def list_plugins(req):
    return [{"id": pid, "version": p["version"]} for pid, p in _flow(req.doc)["plugins"].items()]


def _store_plugin(req, expected_id=None):
    filename, data = _uploaded(req, "file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        with archive.open("plugin.json") as f:
            desc = json.load(f)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ApiError(400, CODED, "Not a plugin archive (plugin.json at the root): {}".format(exc))
    plugin_id = _safe(desc.get("id"), "plugin id")
    if expected_id is not None and plugin_id != expected_id:
        raise ApiError(400, CODED, "Archive holds plugin {}, not {}".format(plugin_id, expected_id))
    plugins = _flow(req.doc)["plugins"]
    if expected_id is None and plugin_id in plugins:
        raise ApiError(400, CODED, "Plugin {} is already installed".format(plugin_id))
    folder = os.path.join(_flow(req.doc)["dir"], "plugins", plugin_id + "-" + _new_id(req.doc, ""))
    archive.extractall(folder)
    plugins[plugin_id] = {"version": desc.get("version", ""), "dir": folder}
    return {}


@route("dss", "POST", r"/plugins/actions/installFromZip")
def install_plugin(req):
    return _store_plugin(req)


@route("dss", "POST", r"/plugins/([^/]+)/actions/updateFromZip")
def update_plugin(req, plugin_id):
    if plugin_id not in _flow(req.doc)["plugins"]:
        raise ApiError(404, NOT_FOUND, "Plugin {} not found".format(plugin_id))
    return _store_plugin(req, plugin_id)


def _plugin_component(req, kind, type_name, prefix):
    """(plugin dir, component id) of a plugin component type such as CustomCode_<id>."""
    for plugin_id, plugin in _flow(req.doc)["plugins"].items():
        head = prefix if prefix == CUSTOM_RECIPE_PREFIX else "{}{}_".format(prefix, plugin_id)
        component = type_name[len(head):] if type_name.startswith(head) else None
        if component and os.path.isdir(os.path.join(plugin["dir"], kind, component)):
            return plugin["dir"], component
    raise ApiError(404, NOT_FOUND, "No installed plugin provides {}".format(type_name))


# -- projects and datasets ---------------------------------------------------------------------

@route("dss", "POST", r"/projects/?")
def create_project(req):
    body = req.body if isinstance(req.body, dict) else {}
    key = body.get("projectKey")
    if not re.match(r"^[A-Z0-9_]+$", key or ""):
        raise ApiError(400, CODED, "Invalid project key '{}'".format(key))
    if key in req.doc["dss"]["projects"]:
        raise ApiError(400, CODED, "Project {} already exists".format(key))
    if not body.get("owner"):
        raise ApiError(400, CODED, "A project owner is required")
    req.doc["dss"]["projects"][key] = {"name": body.get("name") or key, "owner": body["owner"], "bundles": [],
                                       "datasets": {}, "recipes": {}, "saved_models": {},
                                       "variables": {"standard": {}, "local": {}}}
    return {"projectKey": key}


@route("dss", "DELETE", r"/projects/([^/]+)")
def delete_project(req, key):
    _project(req, key)
    del req.doc["dss"]["projects"][key]
    return {}


def _new_dataset(req, key):
    """(project, request body, name) of a dataset about to be created; 400 when the name is taken."""
    project = _project(req, key)
    body = req.body if isinstance(req.body, dict) else {}
    name = _safe(body.get("name"), "dataset name")
    if name in project["datasets"]:
        raise ApiError(400, CODED, "Dataset {} already exists".format(name))
    return project, body, name


@route("dss", "POST", r"/projects/([^/]+)/datasets/?")
def create_dataset(req, key):
    project, body, name = _new_dataset(req, key)
    if body.get("type") != "UploadedFiles":
        raise ApiError(400, CODED, "The emulator creates datasets of type UploadedFiles here, not {}".format(
            body.get("type")))
    project["datasets"][name] = {"type": "UploadedFiles", "files": [], "params": body.get("params", {})}
    return {}


@route("dss", "POST", r"/projects/([^/]+)/datasets/managed")
def create_managed_dataset(req, key):
    project, body, name = _new_dataset(req, key)
    settings = body.get("creationSettings") or {}
    if not settings.get("connectionId"):
        raise ApiError(400, CODED, "creationSettings.connectionId is required")
    path = os.path.join(_flow(req.doc)["dir"], key, name + ".csv")
    project["datasets"][name] = {"type": "Filesystem", "managed": True, "path": path,
                                 "params": {"connection": settings["connectionId"]}}
    return {}


@route("dss", "POST", r"/projects/([^/]+)/datasets/([^/]+)/uploaded/files")
def upload_file(req, key, name):
    dataset = _dataset(req, key, name)
    if dataset["type"] != "UploadedFiles":
        raise ApiError(400, CODED, "Dataset {} is not an uploaded-files dataset".format(name))
    filename, data = _uploaded(req, "file")
    folder = os.path.join(_flow(req.doc)["dir"], key, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, _safe(os.path.basename(filename or ""), "file name"))
    with open(path, "wb") as f:
        f.write(data)
    dataset["files"].append(path)
    return None


@route("dss", "GET", r"/projects/([^/]+)/datasets/([^/]+)")
def get_dataset(req, key, name):
    dataset = _dataset(req, key, name)
    return {"projectKey": key, "name": name, "type": dataset["type"], "managed": bool(dataset.get("managed")),
            "params": dataset.get("params", {}), "formatType": dataset.get("formatType", "csv"),
            "formatParams": dataset.get("formatParams", {}), "schema": dataset.get("schema", {"columns": []})}


@route("dss", "PUT", r"/projects/([^/]+)/datasets/([^/]+)")
def save_dataset(req, key, name):
    dataset = _dataset(req, key, name)
    body = req.body if isinstance(req.body, dict) else {}
    if body.get("name") != name or body.get("type") != dataset["type"]:
        raise ApiError(400, CODED, "Expected the settings of dataset {} (type {})".format(name, dataset["type"]))
    for part in ("formatType", "formatParams", "schema"):
        if part in body:
            dataset[part] = body[part]
    return {}


@route("dss", "POST", r"/projects/([^/]+)/datasets/([^/]+)/actions/testAndDetectSettings/fsLike")
def detect_settings(req, key, name):
    """A finished future whose result is the detected CSV format and schema of the uploaded file."""
    dataset = _dataset(req, key, name)
    try:
        columns = _columns(_data_path(dataset))
    except (ValueError, OSError) as exc:
        raise ApiError(400, CODED, "Format detection of {} failed: {}".format(name, exc))
    result = {"format": {"ok": True, "type": "csv", "params": {"separator": ",", "style": "excel",
                                                             "parseHeaderRow": True},
                         "schemaDetection": {"newSchema": {"columns": columns}}}}
    return {"jobId": None, "hasResult": True, "result": result}


def _columns(path):
    import pandas as pd

    kinds = {"i": "bigint", "u": "bigint", "f": "double", "b": "boolean"}
    frame = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path, nrows=1000)
    return [{"name": str(c), "type": kinds.get(frame[c].dtype.kind, "string")} for c in frame.columns]


@route("dss", "GET", r"/projects/([^/]+)/datasets/([^/]+)/schema")
def dataset_schema(req, key, name):
    dataset = _dataset(req, key, name)
    try:
        return {"columns": _columns(_data_path(dataset))}
    except (ValueError, OSError) as exc:
        raise ApiError(400, CODED, "Dataset {} has no readable data: {}".format(name, exc))


@route("dss", "GET", r"/projects/([^/]+)/datasets/([^/]+)/data/?")
def dataset_data(req, key, name):
    import pandas as pd

    if req.q("format") != "tsv-excel-noheader":
        raise ApiError(400, CODED, "The emulator serves format=tsv-excel-noheader only")
    dataset = _dataset(req, key, name)
    try:
        path = _data_path(dataset)
        frame = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path, keep_default_na=False)
    except (ValueError, OSError) as exc:
        raise ApiError(400, CODED, "Dataset {} has no readable data: {}".format(name, exc))
    return frame.to_csv(sep="\t", header=False, index=False)


@route("dss", "GET", r"/projects/([^/]+)/datasets/([^/]+)/finish-streaming/?")
def finish_streaming(req, key, name):
    _dataset(req, key, name)
    return None


# -- recipes and jobs --------------------------------------------------------------------------

@route("dss", "POST", r"/projects/([^/]+)/recipes/?")
def create_recipe(req, key):
    project = _project(req, key)
    body = req.body if isinstance(req.body, dict) else {}
    proto = body.get("recipePrototype") or {}
    name = _safe(proto.get("name"), "recipe name")
    recipe_type = proto.get("type") or ""
    if not recipe_type.startswith(CUSTOM_RECIPE_PREFIX):
        raise ApiError(400, CODED, "The emulator creates plugin recipes (CustomCode_<id>), not {}".format(recipe_type))
    _plugin_component(req, "custom-recipes", recipe_type, CUSTOM_RECIPE_PREFIX)
    if name in project["recipes"]:
        raise ApiError(400, CODED, "Recipe {} already exists".format(name))
    for side in ("inputs", "outputs"):
        for role in (proto.get(side) or {}).values():
            for item in role.get("items", []):
                _dataset(req, key, item.get("ref"))
    project["recipes"][name] = {"type": recipe_type, "name": name, "projectKey": key,
                                "inputs": proto.get("inputs") or {}, "outputs": proto.get("outputs") or {},
                                "params": {"customConfig": {}}}
    return {"name": name}


@route("dss", "GET", r"/projects/([^/]+)/recipes/([^/]+)")
def get_recipe(req, key, name):
    recipe = _project(req, key)["recipes"].get(name)
    if recipe is None:
        raise ApiError(404, NOT_FOUND, "Recipe {}.{} not found".format(key, name))
    return {"recipe": recipe, "payload": ""}


@route("dss", "PUT", r"/projects/([^/]+)/recipes/([^/]+)")
def save_recipe(req, key, name):
    get_recipe(req, key, name)
    recipe = (req.body or {}).get("recipe") if isinstance(req.body, dict) else None
    if not isinstance(recipe, dict) or recipe.get("name") != name:
        raise ApiError(400, CODED, "Expected {recipe: {...}} for recipe " + name)
    _project(req, key)["recipes"][name] = recipe
    return {}


def _roles(req, key, recipe, side):
    return [(role, _data_path(_dataset(req, key, item["ref"])))
            for role, value in recipe.get(side, {}).items() for item in value.get("items", [])]


@route("dss", "POST", r"/projects/([^/]+)/jobs/?")
def start_job(req, key):
    project = _project(req, key)
    body = req.body if isinstance(req.body, dict) else {}
    outputs = [o.get("id") for o in body.get("outputs", [])]
    recipes = [r for r in project["recipes"].values()
               if any(item["ref"] in outputs for v in r.get("outputs", {}).values() for item in v.get("items", []))]
    if len(outputs) != 1 or len(recipes) != 1:
        raise ApiError(400, CODED, "The emulator builds one output dataset made by one recipe (got {})".format(outputs))
    recipe = recipes[0]
    plugin_dir, recipe_id = _plugin_component(req, "custom-recipes", recipe["type"], CUSTOM_RECIPE_PREFIX)
    try:
        inputs, outs = _roles(req, key, recipe, "inputs"), _roles(req, key, recipe, "outputs")
    except ValueError as exc:
        raise ApiError(400, CODED, str(exc))
    job_id = _new_id(req.doc, "job_")
    _flow(req.doc)["jobs"][job_id] = {"projectKey": key, "state": "RUNNING", "log": ""}
    config = recipe.get("params", {}).get("customConfig", {})
    base_url, api_key = req.base_url, req.api_key  # dataiku.api_client() of the job: the user who started it

    def work():
        from ..runtime import run_recipe

        try:
            for _, path in outs:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            with _RUN_LOCK:
                run_recipe(recipe_id, inputs, outs, config=config, plugin_dir=plugin_dir, dss_url=base_url,
                           dss_api_key=api_key, project_key=key)
            state, log = "DONE", "recipe {} done".format(recipe_id)
        except Exception as exc:  # noqa: BLE001 — a failed recipe fails the job, as in DSS
            state, log = "FAILED", "".join(traceback.format_exception_only(type(exc), exc))
        emulator_state.update(lambda doc: _flow(doc)["jobs"][job_id].update(state=state, log=log))

    emulator_state = req.state
    threading.Thread(target=work, name="emulator-job-" + job_id, daemon=True).start()
    return {"id": job_id, "projectKey": key}


def _job(req, key, job_id):
    job = _flow(req.doc)["jobs"].get(job_id)
    if job is None or job["projectKey"] != key:
        raise ApiError(404, NOT_FOUND, "Job {} not found".format(job_id))
    return job


@route("dss", "GET", r"/projects/([^/]+)/jobs/([^/]+)/")
def job_status(req, key, job_id):
    job = _job(req, key, job_id)
    return {"baseStatus": {"state": job["state"], "def": {"id": job_id, "projectKey": key}}}


@route("dss", "GET", r"/projects/([^/]+)/jobs/([^/]+)/log/?")
def job_log(req, key, job_id):
    return _job(req, key, job_id)["log"]


# -- data-quality rules and futures ------------------------------------------------------------

@route("dss", "GET", r"/projects/([^/]+)/datasets/([^/]+)/data-quality/rules")
def list_rules(req, key, name):
    return {"checks": _dataset(req, key, name).setdefault("rules", [])}


@route("dss", "POST", r"/projects/([^/]+)/datasets/([^/]+)/data-quality/rules")
def create_rule(req, key, name):
    dataset = _dataset(req, key, name)
    rule = dict(req.body) if isinstance(req.body, dict) else {}
    _plugin_component(req, "python-checks", rule.get("type") or "", CHECK_PREFIX)
    rule["id"] = _new_id(req.doc, "rule_")
    rule.setdefault("name", rule["type"])
    dataset.setdefault("rules", []).append(rule)
    return rule


@route("dss", "POST", r"/projects/([^/]+)/datasets/([^/]+)/data-quality/actions/compute-rules")
def compute_rules(req, key, name):
    """Runs the rules now and answers with a finished future (the client accepts either)."""
    from ..runtime import run_check

    dataset = _dataset(req, key, name)
    partition = req.q("partition", "NP")
    results = []
    for rule in dataset.get("rules", []):
        if req.q("ruleId") not in (None, rule["id"]) or not rule.get("enabled", True):
            continue
        plugin_dir, check_id = _plugin_component(req, "python-checks", rule["type"], CHECK_PREFIX)
        with _RUN_LOCK:
            outcome, message = run_check(check_id, _data_path(dataset), config=rule.get("config", {}),
                                         partition_id=partition, plugin_dir=plugin_dir)
        results.append({"id": rule["id"], "name": rule["name"], "outcome": outcome, "message": message,
                        "computeDate": int(time.time() * 1000), "runOrigin": "RUN_RULES_API", "partition": partition})
    dataset["last_rules_results"] = results
    job_id = _new_id(req.doc, "future_")
    state = {"jobId": job_id, "alive": False, "hasResult": True, "result": {"results": results}}
    _flow(req.doc)["futures"][job_id] = state
    return state


def new_future(doc, state, failure=""):
    """Store a running future and return what the call that starts it answers: ``{jobId, alive:
    true, hasResult: false}``. ``state`` is what GET /futures/{id} then answers (without ``jobId``);
    ``failure`` (a message) makes that poll answer a 500 with a DSS error body instead, as a failed
    DSS future is assumed to (UNCONFIRMED: dataiku-api.md §6)."""
    job_id = _new_id(doc, "future_")
    _flow(doc)["futures"][job_id] = dict(state, jobId=job_id, **({"failure": failure} if failure else {}))
    return {"jobId": job_id, "alive": True, "hasResult": False}


@route("dss", "GET", r"/futures/([^/]+)")
def future_state(req, job_id):
    state = _flow(req.doc)["futures"].get(job_id)
    if state is None:
        raise ApiError(404, NOT_FOUND, "Future {} not found".format(job_id))
    if state.get("failure"):
        raise ApiError(500, server.CODED, state["failure"])
    return {k: v for k, v in state.items() if k != "failure"}


# -- macros ------------------------------------------------------------------------------------

@route("dss", "GET", r"/projects/([^/]+)/runnables/?")
def list_macros(req, key):
    _project(req, key)
    found = []
    for plugin_id, plugin in sorted(_flow(req.doc)["plugins"].items()):
        folder = os.path.join(plugin["dir"], "python-runnables")
        for macro_id in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            found.append({"runnableType": "{}{}_{}".format(MACRO_PREFIX, plugin_id, macro_id),
                          "ownerPluginId": plugin_id})
    return found


@route("dss", "POST", r"/projects/([^/]+)/runnables/([^/]+)")
def run_macro(req, key, runnable_type):
    """Started in the background: the macro calls this emulator back, which needs the state lock
    this request holds. ``wait=True`` (block until done) is refused for that reason."""
    _project(req, key)
    if req.q_bool("wait", True):
        raise ApiError(400, CODED, "The emulator runs macros with wait=False only (poll .../state/<runId>)")
    plugin_dir, macro_id = _plugin_component(req, "python-runnables", runnable_type, MACRO_PREFIX)
    params = (req.body or {}).get("params") or {}
    run_id = _new_id(req.doc, "run_")
    _flow(req.doc)["macro_runs"][run_id] = {"projectKey": key, "type": runnable_type, "running": True}
    base_url, api_key, state = req.base_url, req.api_key, req.state

    def work():
        from ..macro import run_macro as run

        outcome = {"running": False}
        try:
            with _RUN_LOCK:
                result = run(macro_id, key, config=params, dss_url=base_url, dss_api_key=api_key,
                             plugin_dir=plugin_dir)
            outcome["result"] = result if isinstance(result, str) else json.dumps(result)
        except Exception as exc:  # noqa: BLE001 — reported through the run, as DSS does
            outcome["error"] = "{}: {}".format(type(exc).__name__, exc)
        state.update(lambda doc: _flow(doc)["macro_runs"][run_id].update(outcome))

    threading.Thread(target=work, name="emulator-macro-" + run_id, daemon=True).start()
    return {"runId": run_id}


def _macro_run(req, key, runnable_type, run_id):
    run = _flow(req.doc)["macro_runs"].get(run_id)
    if run is None or run["projectKey"] != key or run["type"] != runnable_type:
        raise ApiError(404, NOT_FOUND, "Macro run {} not found".format(run_id))
    return run


@route("dss", "GET", r"/projects/([^/]+)/runnables/([^/]+)/state/([^/]+)")
def macro_state(req, key, runnable_type, run_id):
    run = _macro_run(req, key, runnable_type, run_id)
    return {"exists": True, "running": run["running"], "runId": run_id}


@route("dss", "GET", r"/projects/([^/]+)/runnables/([^/]+)/result/([^/]+)")
def macro_result(req, key, runnable_type, run_id):
    run = _macro_run(req, key, runnable_type, run_id)
    if run["running"]:
        raise ApiError(400, CODED, "Macro run {} is still running".format(run_id))
    if "error" in run:
        raise ApiError(500, CODED, run["error"])
    return run["result"]
