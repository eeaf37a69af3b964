"""Run a plugin component's real file (recipe.py, check.py, runnable.py) through the local
``dataiku`` stand-in."""
import contextlib
import json
import logging
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


def with_defaults(descriptor, config):
    """DSS stores every param's defaultValue in a new component's config; do the same."""
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
                      resource_folder=os.path.join(plugin_dir, "resource"))
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


def run_recipe(recipe_id, inputs, outputs, config=None, plugin_config=None, append=False, plugin_dir=None):
    """Run custom-recipes/<recipe_id>/recipe.py. ``inputs``/``outputs`` are (role, path) pairs."""
    plugin_dir = plugin_dir or find_plugin_dir()
    folder, descriptor = load_descriptor(plugin_dir, "custom-recipes", recipe_id)
    _check_roles(recipe_id, descriptor, inputs, outputs)
    with component_context(plugin_dir) as flow:
        _register(flow, inputs, "inputs")
        _register(flow, outputs, "outputs")
        if append:
            flow.state["append"] = {o["fullName"] for o in flow.state["outputs"]}
        flow.state["recipe_config"] = with_defaults(descriptor, config or {})
        flow.state["plugin_config"] = plugin_config or {}
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


OUTCOMES = ("OK", "WARNING", "ERROR")


def _checked_object(flow, on_path):
    import dataiku

    return (dataiku.Folder if os.path.isdir(on_path) else dataiku.Dataset)(flow.state["inputs"][0]["fullName"])


@contextlib.contextmanager
def _attached(kind, code_file, component_id, on_path, role, config, plugin_config, plugin_dir):
    """Inside the stand-in flow, a loader of (process, checked object) for a check or probe
    attached to the dataset (file) or managed folder (directory) at ``on_path``; DSS injects the
    module globals ``config`` (defaults filled) and ``plugin_config``."""
    plugin_dir = plugin_dir or find_plugin_dir()
    folder, descriptor = load_descriptor(plugin_dir, kind, component_id)
    if not os.path.exists(on_path):
        raise IOError("--on {}: no such file or folder.".format(on_path))
    with component_context(plugin_dir) as flow:
        _register(flow, [(role, on_path)], "inputs")

        def load():
            module = runpy.run_path(os.path.join(folder, code_file), init_globals={
                "config": with_defaults(descriptor, config or {}), "plugin_config": plugin_config or {}})
            return module["process"], _checked_object(flow, on_path)
        yield load


def run_check(check_id, on_path, config=None, plugin_config=None, partition_id="NP", plugin_dir=None):
    """Run python-checks/<check_id>/check.py's process() on the dataset (file) or managed folder
    (directory) at ``on_path``; returns (outcome, message).

    As DSS does for data-quality rules, an exception in check.py is an ERROR outcome whose message
    names it; so is a return value that is not OK / WARNING / ERROR (or such a pair)."""
    with _attached("python-checks", "check.py", check_id, on_path, "checked", config, plugin_config,
                   plugin_dir) as load:
        try:
            process, target = load()
            result = process({}, target, partition_id)
        except Exception as exc:
            log.debug("check %s raised", check_id, exc_info=True)
            return "ERROR", "{} raised {}: {}".format(check_id, type(exc).__name__, exc)
    return _as_outcome(check_id, result)


def _as_outcome(check_id, result):
    if isinstance(result, str):
        outcome, message = result, ""
    elif isinstance(result, (tuple, list)) and len(result) in (1, 2):
        outcome, message = result[0], result[1] if len(result) == 2 else ""
    else:
        outcome, message = None, ""
    if outcome not in OUTCOMES:
        return "ERROR", "{} returned {!r}, not OK / WARNING / ERROR".format(check_id, result)
    return outcome, "" if message is None else str(message)


def run_probe(probe_id, on_path, config=None, plugin_config=None, partition_id="NP", plugin_dir=None):
    """Run python-probes/<probe_id>/probe.py's process() on the dataset at ``on_path``; returns
    {metric name: (value, type)} as DSS would store it (the type inferred when not given)."""
    with _attached("python-probes", "probe.py", probe_id, on_path, "probed", config, plugin_config,
                   plugin_dir) as load:
        process, target = load()
        result = process(target, partition_id)
        from dataiku.metric import infer_type

        values = result if isinstance(result, dict) else {"value": result}
        return {name: (v[0], v[1]) if isinstance(v, tuple) else (v, infer_type(v)) for name, v in values.items()}