"""Run a plugin component's real file (recipe.py, check.py, runnable.py) through the local
``dataiku`` stand-in."""
import contextlib
import datetime
import inspect
import json
import logging
import numbers
import os
import runpy
import sys

STUB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stub")
log = logging.getLogger("dss-local")


def find_plugin_dir(start=None):
    """The plugin root: $DSS_LOCAL_PLUGIN_DIR, else the nearest folder with plugin.json above
    ``start`` (default: the working directory), else the checkout dss_local lives in."""
    candidates = [os.environ.get("DSS_LOCAL_PLUGIN_DIR")]
    here = os.path.abspath(start or os.getcwd())
    while True:
        candidates.append(here)
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    candidates.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "plugin.json")):
            return folder
    raise FileNotFoundError("No plugin.json found: run dss-local inside the plugin folder or set DSS_LOCAL_PLUGIN_DIR.")


def load_descriptor(plugin_dir, kind, component_id):
    """The component's JSON descriptor, e.g. kind='custom-recipes', file 'recipe.json'."""
    files = {"custom-recipes": "recipe.json", "python-checks": "check.json",
             "python-runnables": "runnable.json", "python-probes": "probe.json"}
    folder = os.path.join(plugin_dir, kind, component_id)
    if not os.path.isdir(folder):
        known = sorted(os.listdir(os.path.join(plugin_dir, kind))) if os.path.isdir(os.path.join(plugin_dir, kind)) else []
        raise ValueError("Unknown component '{}' in {} (known: {}).".format(component_id, kind, ", ".join(known) or "none"))
    with open(os.path.join(folder, files[kind])) as f:
        return folder, json.load(f)


def with_defaults(descriptor, config, component="this component"):
    """DSS stores every param's defaultValue in a new component's config; do the same.

    A name the descriptor does not declare is an error here, with its close matches (DSS keeps such
    a key silently and the plugin's code logs a warning: a configuration saved before an upgrade
    renamed a parameter must not break a Flow; a local run is being written now, so it can be
    fixed). Call inside component_context: the names are compared by the plugin's own python-lib."""
    from model_guardrails.params import describe_unknown, unknown_names

    known = [param["name"] for param in descriptor.get("params", []) if "name" in param]
    unknown, suggestions = unknown_names(config, known)
    if unknown:
        raise ValueError("{} has no parameter {} (its parameters: {}).".format(
            component, describe_unknown(unknown, suggestions), ", ".join(known) or "none"))
    merged = {}
    for param in descriptor.get("params", []):
        if "name" in param and "defaultValue" in param:
            merged[param["name"]] = param["defaultValue"]
    merged.update(config)
    return merged


def parse_param(text):
    """NAME=VALUE; VALUE is JSON when it parses, else a string."""
    if "=" not in text:
        raise ValueError("--param expects NAME=VALUE, got {!r}".format(text))
    name, raw = text.split("=", 1)
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return name.strip(), value


@contextlib.contextmanager
def component_context(plugin_dir):
    """Make ``import dataiku`` resolve to the stand-in and python-lib importable; reset the
    flow state afterwards."""
    added = [STUB_DIR, os.path.join(plugin_dir, "python-lib")]
    for path in reversed(added):
        if path not in sys.path:
            sys.path.insert(0, path)
    import dataiku._flow as flow  # noqa: E402  (the stand-in, now first on sys.path)

    saved = dict(flow.state)
    flow.state.update(inputs=[], outputs=[], paths={}, append=set(), recipe_config={}, plugin_config={},
                      resource_folder=os.path.join(plugin_dir, "resource"), in_flow=False)
    try:
        yield flow
    finally:
        flow.state.clear()
        flow.state.update(saved)


def _register(flow, items, direction):
    for role, path in items:
        stem = os.path.splitext(os.path.basename(path.rstrip("/")))[0]
        smart = stem.replace("-", "_")
        full = flow.full_name(smart)
        # Two roles pointing to files with the same stem get distinct names.
        while full in flow.state["paths"] and flow.state["paths"][full] != os.path.abspath(path):
            smart += "_" + role
            full = flow.full_name(smart)
        flow.state["paths"][full] = os.path.abspath(path)
        flow.state[direction].append({"role": role, "fullName": full, "smartName": smart})


def client_factory(dss_url, dss_api_key):
    """A factory of the ``dataikuapi.DSSClient`` that ``dataiku.api_client()`` returns (None without a URL)."""
    if not dss_url:
        return None
    if not dss_api_key:
        raise ValueError("--dss-url needs --dss-api-key (the API key of the DSS user running the component).")

    def factory():
        import dataikuapi

        return dataikuapi.DSSClient(dss_url.rstrip("/"), dss_api_key)
    return factory


def run_recipe(recipe_id, inputs, outputs, config=None, plugin_config=None, append=False, plugin_dir=None,
               dss_url=None, dss_api_key=None, project_key=None):
    """Run custom-recipes/<recipe_id>/recipe.py. ``inputs``/``outputs`` are (role, path) pairs.
    ``dss_url`` / ``dss_api_key``: what ``dataiku.api_client()`` reaches (e.g. the emulator, for a
    Model Evaluation Store output); ``project_key``: ``dataiku.default_project_key()`` meanwhile."""
    plugin_dir = plugin_dir or find_plugin_dir()
    folder, descriptor = load_descriptor(plugin_dir, "custom-recipes", recipe_id)
    _check_roles(recipe_id, descriptor, inputs, outputs)
    with component_context(plugin_dir) as flow:
        saved_key = flow.PROJECT_KEY
        flow.PROJECT_KEY = project_key or saved_key
        try:
            _run_recipe_file(flow, folder, descriptor, recipe_id, inputs, outputs, config, plugin_config, append,
                             client_factory(dss_url, dss_api_key))
        finally:
            flow.PROJECT_KEY = saved_key


def _run_recipe_file(flow, folder, descriptor, recipe_id, inputs, outputs, config, plugin_config, append, factory):
    """Register the roles and config, point dataiku.api_client() at ``factory``, run recipe.py."""
    _register(flow, inputs, "inputs")
    _register(flow, outputs, "outputs")
    if append:
        flow.state["append"] = {o["fullName"] for o in flow.state["outputs"]}
    flow.state["recipe_config"] = with_defaults(descriptor, config or {}, "recipe " + recipe_id)
    flow.state["plugin_config"] = plugin_config or {}
    flow.state["in_flow"] = True  # a recipe runs inside DSS's Flow: roles and partitions are fixed
    flow.state["api_client"] = factory
    log.info("Running recipe %s", recipe_id)
    runpy.run_path(os.path.join(folder, "recipe.py"), run_name="__main__")


def _check_roles(recipe_id, descriptor, inputs, outputs):
    for given, roles, label in ((inputs, descriptor.get("inputRoles", []), "input"),
                                (outputs, descriptor.get("outputRoles", []), "output")):
        names = {r["name"] for r in roles}
        for role, _ in given:
            if role not in names:
                raise ValueError("Recipe {} has no {} role '{}' (roles: {}).".format(
                    recipe_id, label, role, ", ".join(sorted(names))))
        given_roles = {role for role, _ in given}
        for r in roles:
            if r.get("required") and r["name"] not in given_roles:
                raise ValueError("Recipe {}: the {} role '{}' is required.".format(recipe_id, label, r["name"]))


OBJECT_TYPES = ("DATASET", "MANAGED_FOLDER")


def _checked_object(flow, object_type):
    import dataiku

    return (dataiku.Dataset if object_type == "DATASET" else dataiku.Folder)(flow.state["inputs"][0]["fullName"])


def _process_function(module, code_file):
    """The function DSS's metric/check host calls: the only function of the code, else
    ``process`` (public copy of DSS 9.0.5, badribaindla/dataiku-soft@95bd4d95
    dataiku-dss-9.0.5/python/dataiku/metric/server.py, serve())."""
    functions = [o for o in module.values() if inspect.isfunction(o)]
    f = functions[0] if len(functions) == 1 else module.get("process")
    if f is None:
        raise Exception('No function "process" defined in {}'.format(code_file))
    return f


def _call(f, *args):
    """DSS passes as many of its arguments as the function declares (same file, compute_metric
    and run_check: by the count of declared positional arguments)."""
    count = len([p for p in inspect.signature(f).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])
    return f(*args[:count])


@contextlib.contextmanager
def _attached(kind, code_file, component_id, on_path, role, config, plugin_config, plugin_dir, object_type):
    """Inside the stand-in flow (not a recipe: no Flow, so partitions may be added), a loader of
    (process, checked object) for a check or probe attached to ``on_path``: a dataset (a file, or
    with object_type DATASET a directory of partition files) or a managed folder (a directory).
    DSS injects the module globals ``config`` (defaults filled) and ``plugin_config``."""
    plugin_dir = plugin_dir or find_plugin_dir()
    folder, descriptor = load_descriptor(plugin_dir, kind, component_id)
    if not os.path.exists(on_path):
        raise IOError("--on {}: no such file or folder.".format(on_path))
    object_type = object_type or ("MANAGED_FOLDER" if os.path.isdir(on_path) else "DATASET")
    if object_type not in OBJECT_TYPES:
        raise ValueError("object_type must be one of {}, got {!r}".format(", ".join(OBJECT_TYPES), object_type))
    with component_context(plugin_dir) as flow:
        _register(flow, [(role, on_path)], "inputs")
        merged = with_defaults(descriptor, config or {}, "{} {}".format(kind[len("python-"):-1], component_id))

        def load():
            path = os.path.join(folder, code_file)
            module = runpy.run_path(path, init_globals={"config": merged, "plugin_config": plugin_config or {}})
            return _process_function(module, path), _checked_object(flow, object_type)
        yield load


def run_check(check_id, on_path, config=None, plugin_config=None, partition_id="NP", plugin_dir=None,
              object_type=None):
    """Run python-checks/<check_id>/check.py's process() on the dataset or managed folder at
    ``on_path``; returns (outcome, message).

    An exception in check.py is an ERROR outcome whose message names it (DSS 12.6+ data-quality
    rules: "any errors during the Python code execution → the rule returns Error"); the returned
    value is read as DSS's check host reads it (see _as_outcome)."""
    with _attached("python-checks", "check.py", check_id, on_path, "checked", config, plugin_config,
                   plugin_dir, object_type) as load:
        try:
            process, target = load()
            result = _call(process, {}, target, partition_id)
            return _as_outcome(check_id, result)
        except Exception as exc:
            log.debug("check %s raised", check_id, exc_info=True)
            return "ERROR", "{} raised {}: {}".format(check_id, type(exc).__name__, exc)


def _as_outcome(check_id, result):
    """A check's return value read as DSS's check host reads it (public copy of DSS 9.0.5,
    dataiku/metric/server.py, run_check): a list or tuple gives (outcome, message) from its first
    two items, a dict its 'result' and 'message', anything else is the outcome; a string outcome
    is OK / WARNING / ERROR by its first letter, case-insensitively (so 'Ok', 'warn', 'Err' are
    read too); an empty string raises there (IndexError), an error of the check. Any other word or a
    non-string outcome gives DSS no outcome (null); what the backend then shows is not in the public
    copy, so the stand-in fails closed with ERROR and says so."""
    message = None
    if isinstance(result, (list, tuple)):
        outcome = result[0] if len(result) > 0 else None
        message = result[1] if len(result) > 1 else None
    elif isinstance(result, dict):
        outcome, message = result.get("result"), result.get("message")
    else:
        outcome = result
    if isinstance(outcome, str):
        read = {"O": "OK", "W": "WARNING", "E": "ERROR"}.get(outcome.upper()[0])  # IndexError on '', as DSS
        if read:
            return read, "" if message is None else str(message)
    return "ERROR", ("{} returned {!r}: DSS reads an outcome by the first letter of a string (O: OK, W: WARNING, "
                     "E: ERROR) and gets none from this".format(check_id, result))


def _infer_type(value):
    """The type reported for a probe value returned without one. DSS's backend infers it and its
    rule is not in the public Python copy; this follows the custom-probe doc (DSS infers DOUBLE,
    BOOLEAN, BIGINT, STRING or ARRAY)."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, numbers.Integral):
        return "BIGINT"
    if isinstance(value, numbers.Real):
        return "DOUBLE"
    if isinstance(value, (list, tuple)):
        return "ARRAY"
    return "STRING"


def run_probe(probe_id, on_path, config=None, plugin_config=None, partition_id="NP", plugin_dir=None,
              object_type=None):
    """Run python-probes/<probe_id>/probe.py's process() on the dataset at ``on_path``; returns
    {metric name: (value, type)} as DSS's host reads them (public copy of DSS 9.0.5,
    dataiku/metric/server.py, compute_metric): a dict gives one metric per key, anything else the
    metric 'value'; a pair ``(v, MetricDataTypes.X)`` forces type X, a datetime is an ISO string of
    type DATE; other values get the type the stand-in infers (_infer_type)."""
    with _attached("python-probes", "probe.py", probe_id, on_path, "probed", config, plugin_config,
                   plugin_dir, object_type) as load:
        process, target = load()
        result = _call(process, target, partition_id)
        from dataiku.metric import MetricDataTypes

        def typed(value):
            if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], type(MetricDataTypes.STRING)):
                value, forced = value[0], value[1].name
            else:
                forced = None
            if isinstance(value, datetime.datetime):
                return value.isoformat(), forced or "DATE"
            return value, forced or _infer_type(value)

        values = result if isinstance(result, dict) else {"value": result}
        return {name: typed(v) for name, v in values.items()}
