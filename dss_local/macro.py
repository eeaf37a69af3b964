"""Run a plugin macro's real runnable.py (and a Project Standards check spec) locally.

``dataiku.api_client()`` inside the macro returns a ``dataikuapi.DSSClient`` for ``dss_url`` /
``dss_api_key`` (for instance the emulator)."""
import inspect
import json
import logging
import os
import runpy

from . import runtime

log = logging.getLogger("dss-local")


def _subclass(module, base, path):
    found = [v for v in module.values() if inspect.isclass(v) and issubclass(v, base) and v is not base]
    if len(found) != 1:
        raise ValueError("{} must define exactly one subclass of {} (found {}).".format(
            path, base.__name__, len(found)))
    return found[0]


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_emulator(dss_url):
    """True when ``dss_url`` is the local emulator: a loopback host whose unauthenticated
    ``/__emulator__/state`` answers the emulator's document. A real DSS (any other host) is never
    sent that request."""
    from urllib.parse import urlsplit

    import requests

    try:
        host = urlsplit(dss_url).hostname
    except ValueError:
        return False
    if host not in LOOPBACK:
        return False
    try:
        answer = requests.get(dss_url.rstrip("/") + "/__emulator__/state", timeout=10)
        doc = answer.json() if answer.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("dss"), dict) and isinstance(doc.get("govern"), dict)


def hold_in_emulator(dss_url, project_key, datasets, plugin_dir=None):
    """Make the emulator at ``dss_url`` hold each of ``datasets`` ({name: path}) as DSS would once
    its check ran: a dataset of the project whose latest data-quality rule result is what the
    plugin's check for that metrics dataset (drift-check, fairness-check or performance-check,
    default settings, the real check.py) answers on the file. Only that dataset's rule results are
    written (``PUT /__emulator__/dataset``). A server that is not the emulator (:func:`is_emulator`)
    is left alone; a file that is not one of our metrics datasets is only readable through
    ``dataiku.Dataset``, with no rule result."""
    import pandas as pd
    import requests

    from model_guardrails.checks.core import kind_of

    if not is_emulator(dss_url):
        log.info("%s is not the local emulator: the datasets are only readable through dataiku.Dataset", dss_url)
        return []
    held = []
    for name, path in datasets.items():
        columns = (pd.read_parquet(path) if path.lower().endswith((".parquet", ".pq"))
                   else pd.read_csv(path, nrows=0)).columns
        kind = kind_of(pd.DataFrame(columns=columns))
        results = None  # not one of our metrics datasets: held with no rule result
        if kind is not None:
            outcome, message = runtime.run_check(kind.check, path, plugin_dir=plugin_dir)
            results = [{"id": kind.check, "name": kind.check, "outcome": outcome or "", "message": message or ""}]
            held.append((name, kind.check, outcome))
        answer = requests.put(dss_url.rstrip("/") + "/__emulator__/dataset", timeout=10,
                              json={"projectKey": project_key, "name": name, "last_rules_results": results})
        if answer.status_code == 404:  # no such project in the emulator: nothing to hold
            return []
        answer.raise_for_status()
    return held


def run_macro(macro_id, project_key, config=None, dss_url=None, dss_api_key=None, plugin_config=None,
              plugin_dir=None, progress=None, datasets=None):
    """Instantiate the Runnable of python-runnables/<macro_id>/runnable.py and return run()'s
    result (a ResultTable is returned as the public API's JSON form). ``datasets`` ({name: path})
    are the project's datasets the macro may read with ``dataiku.Dataset(name)``; against the
    emulator they are also held as datasets of the project with their check's latest outcome
    (:func:`hold_in_emulator`)."""
    plugin_dir = plugin_dir or runtime.find_plugin_dir()
    if dss_url and datasets:
        for name, check, outcome in hold_in_emulator(dss_url, project_key, datasets, plugin_dir):
            log.info("Emulator holds dataset %s with its %s outcome %s", name, check, outcome)
    folder, descriptor = runtime.load_descriptor(plugin_dir, "python-runnables", macro_id)
    with runtime.component_context(plugin_dir) as flow:
        merged = runtime.with_defaults(descriptor, config or {}, "macro " + macro_id)
        flow.state["api_client"] = runtime.client_factory(dss_url, dss_api_key)
        for name, path in (datasets or {}).items():
            flow.state["paths"][flow.full_name(name)] = os.path.abspath(path)
        from dataiku.runnables import ResultTable, Runnable

        path = os.path.join(folder, "runnable.py")
        cls = _subclass(runpy.run_path(path), Runnable, path)
        macro = cls(project_key, merged, plugin_config or {})
        macro.get_progress_target()
        log.info("Running macro %s on project %s", macro_id, project_key)
        result = macro.run(progress or (lambda value: None))
        if isinstance(result, ResultTable):
            return json.loads(result.to_json())  # DSS serialises a ResultTable as JSON text
        if descriptor.get("resultType") == "JSON_OBJECT" and isinstance(result, str):
            return json.loads(result)
        return result


def run_project_standards_check(check_id, project_key, config=None, dss_url=None, dss_api_key=None,
                                plugin_config=None, plugin_dir=None):
    """Run python-project-standards-check-specs/<check_id>; returns the result as JSON."""
    plugin_dir = plugin_dir or runtime.find_plugin_dir()
    folder = os.path.join(plugin_dir, "python-project-standards-check-specs", check_id)
    with open(os.path.join(folder, "project_standards_check_spec.json")) as f:
        descriptor = json.load(f)
    with runtime.component_context(plugin_dir) as flow:
        merged = runtime.with_defaults(descriptor, config or {}, "Project Standards check " + check_id)
        factory = runtime.client_factory(dss_url, dss_api_key)
        flow.state["api_client"] = factory
        from dataiku.project_standards import ProjectStandardsCheckSpec

        path = os.path.join(folder, "project_standards_check_spec.py")
        cls = _subclass(runpy.run_path(path), ProjectStandardsCheckSpec, path)
        project = factory().get_project(project_key) if factory else None
        return cls(merged, plugin_config or {}, project).run().to_json()
