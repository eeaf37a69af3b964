"""``dss-local accept``: prove the plugin works on a real DSS.

Uploads the plugin zip, creates a throwaway project (unique key), uploads the demo data, creates
and runs each recipe, attaches and runs each check as a data-quality rule, attaches and computes
the probe, runs each macro (dry run where the macro has one; the others where they can only
refuse), reads the results back, prints a pass/fail table with DSS's version, then deletes the
project (unless ``keep``). Each step has a time limit. The API keys are never printed: every
message goes through :func:`Kit.redact`.

Every ``dataikuapi`` call the kit makes is listed in :data:`CALLS` with the REST path it hits; a
call missing from the installed client (or not accepting the arguments the kit passes) turns the
step into "not supported on this line" instead of a crash.
"""
import argparse
import collections
import html
import inspect
import io
import json
import logging
import os
import re
import sys
import time
import uuid
from urllib.parse import quote, quote_plus

log = logging.getLogger("dss-local.accept")

PASS, FAIL, SKIP, UNSUPPORTED = "PASS", "FAIL", "SKIP", "NOT SUPPORTED"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (module, class, method, keyword arguments the kit passes, REST call)
CALLS = collections.OrderedDict([
    # TLS: not a constructor keyword (12.6/13.1 call it insecure_tls, later no_check_certificate): the
    # kit sets client._session.verify, a requests.Session present in every supported line.
    ("DSSClient", ("dataikuapi", "DSSClient", "__init__", ("host", "api_key"), "none")),
    ("get_instance_info", ("dataikuapi", "DSSClient", "get_instance_info", (), "GET /instance-info")),
    ("get_auth_info", ("dataikuapi", "DSSClient", "get_auth_info", (), "GET /auth/info")),
    ("list_plugins", ("dataikuapi", "DSSClient", "list_plugins", (), "GET /plugins/")),
    ("install_plugin_from_archive", ("dataikuapi", "DSSClient", "install_plugin_from_archive", ("fp",),
                                     "POST /plugins/actions/installFromZip (multipart)")),
    ("get_plugin", ("dataikuapi", "DSSClient", "get_plugin", ("plugin_id",), "none")),
    ("update_from_zip", ("dataikuapi.dss.plugin", "DSSPlugin", "update_from_zip", ("fp",),
                         "POST /plugins/{id}/actions/updateFromZip (multipart)")),
    ("create_project", ("dataikuapi", "DSSClient", "create_project", ("project_key", "name", "owner", "description"),
                        "POST /projects/")),
    ("create_upload_dataset", ("dataikuapi.dss.project", "DSSProject", "create_upload_dataset", ("dataset_name",),
                               "POST /projects/{K}/datasets/")),
    ("uploaded_add_file", ("dataikuapi.dss.dataset", "DSSDataset", "uploaded_add_file", ("fp", "filename"),
                           "POST /projects/{K}/datasets/{D}/uploaded/files (multipart)")),
    ("test_and_detect", ("dataikuapi.dss.dataset", "DSSDataset", "test_and_detect", (),
                         "POST /projects/{K}/datasets/{D}/actions/testAndDetectSettings/fsLike")),
    ("dataset_get_settings", ("dataikuapi.dss.dataset", "DSSDataset", "get_settings", (),
                              "GET /projects/{K}/datasets/{D}")),
    ("dataset_settings_save", ("dataikuapi.dss.dataset", "DSSDatasetSettings", "save", (),
                               "PUT /projects/{K}/datasets/{D}")),
    ("new_managed_dataset", ("dataikuapi.dss.project", "DSSProject", "new_managed_dataset", ("dataset_name",),
                             "none")),
    ("with_store_into", ("dataikuapi.dss.dataset", "DSSManagedDatasetCreationHelper", "with_store_into",
                         ("connection",), "none")),
    ("managed_create", ("dataikuapi.dss.dataset", "DSSManagedDatasetCreationHelper", "create", (),
                        "POST /projects/{K}/datasets/managed")),
    ("create_recipe", ("dataikuapi.dss.project", "DSSProject", "create_recipe", ("recipe_proto", "creation_settings"),
                       "POST /projects/{K}/recipes/")),
    ("recipe_get_settings", ("dataikuapi.dss.recipe", "DSSRecipe", "get_settings", (),
                             "GET /projects/{K}/recipes/{R}")),
    ("raw_params", ("dataikuapi.dss.recipe", "DSSRecipeSettings", "raw_params", (), "none (property)")),
    ("recipe_settings_save", ("dataikuapi.dss.recipe", "DSSRecipeSettings", "save", (),
                              "PUT /projects/{K}/recipes/{R}")),
    ("start_job", ("dataikuapi.dss.project", "DSSProject", "start_job", ("definition",), "POST /projects/{K}/jobs/")),
    ("job_get_status", ("dataikuapi.dss.job", "DSSJob", "get_status", (), "GET /projects/{K}/jobs/{id}/")),
    ("job_get_log", ("dataikuapi.dss.job", "DSSJob", "get_log", (), "GET /projects/{K}/jobs/{id}/log")),
    ("get_dataset", ("dataikuapi.dss.project", "DSSProject", "get_dataset", ("dataset_name",), "none")),
    ("get_schema", ("dataikuapi.dss.dataset", "DSSDataset", "get_schema", (), "GET /projects/{K}/datasets/{D}/schema")),
    ("iter_rows", ("dataikuapi.dss.dataset", "DSSDataset", "iter_rows", (),
                   "GET /projects/{K}/datasets/{D}/schema, GET …/data/?format=tsv-excel-noheader "
                   "(from 14.x also GET …/finish-streaming/)")),
    ("get_data_quality_rules", ("dataikuapi.dss.dataset", "DSSDataset", "get_data_quality_rules", (), "none")),
    ("create_rule", ("dataikuapi.dss.data_quality", "DSSDataQualityRuleSet", "create_rule", ("config",),
                     "POST /projects/{K}/datasets/{D}/data-quality/rules")),
    ("compute_rules", ("dataikuapi.dss.data_quality", "DSSDataQualityRuleSet", "compute_rules", ("partition",),
                       "POST /projects/{K}/datasets/{D}/data-quality/actions/compute-rules?partition=")),
    ("future_get_state", ("dataikuapi.dss.future", "DSSFuture", "get_state", (), "GET /futures/{id}?peek=False")),
    ("get_last_rules_results", ("dataikuapi.dss.data_quality", "DSSDataQualityRuleSet", "get_last_rules_results",
                                ("partition",), "GET /projects/{K}/datasets/{D}/data-quality/last-rules-result")),
    ("compute_metrics", ("dataikuapi.dss.dataset", "DSSDataset", "compute_metrics", ("partition",),
                         "POST /projects/{K}/datasets/{D}/actions/computeMetrics")),
    ("get_last_metric_values", ("dataikuapi.dss.dataset", "DSSDataset", "get_last_metric_values", ("partition",),
                                "GET /projects/{K}/datasets/{D}/metrics/last/{partition}")),
    ("list_macros", ("dataikuapi.dss.project", "DSSProject", "list_macros", (), "GET /projects/{K}/runnables/")),
    ("get_macro", ("dataikuapi.dss.project", "DSSProject", "get_macro", ("runnable_type",), "none")),
    ("macro_run", ("dataikuapi.dss.macro", "DSSMacro", "run", ("params", "wait"),
                   "POST /projects/{K}/runnables/{type}?wait=False")),
    ("macro_get_status", ("dataikuapi.dss.macro", "DSSMacro", "get_status", ("run_id",),
                          "GET /projects/{K}/runnables/{type}/state/{runId}")),
    ("macro_get_result", ("dataikuapi.dss.macro", "DSSMacro", "get_result", ("run_id", "as_type"),
                          "GET /projects/{K}/runnables/{type}/result/{runId}")),
    ("create_model_evaluation_store", ("dataikuapi.dss.project", "DSSProject", "create_model_evaluation_store",
                                       ("name",), "POST /projects/{K}/modelevaluationstores/ (14.3+: "
                                       "/evaluationstores/?flavor=TABULAR)")),
    ("list_model_evaluations", ("dataikuapi.dss.modelevaluationstore", "DSSModelEvaluationStore",
                                "list_model_evaluations", (), "GET /projects/{K}/(model)evaluationstores/{S}/evaluations/")),
    ("list_infras", ("dataikuapi.dss.projectdeployer", "DSSProjectDeployer", "list_infras", ("as_objects",),
                     "GET /project-deployer/infras")),
    ("project_delete", ("dataikuapi.dss.project", "DSSProject", "delete", ("clear_managed_datasets",),
                        "DELETE /projects/{K}?clearManagedDatasets=…")),
])

# The plugin's components: recipe type "CustomCode_<id>" (public DSS project code compares
# recipe settings .type with "CustomCode_<recipe id>"); macro type found with list_macros().
# Data-quality rule and probe types of a plugin are UNCONFIRMED: templates, overridable.
CHECK_TYPE = "pycheck_{plugin}_{component}"
PROBE_TYPE = "pyprobe_{plugin}_{component}"
DRIFT_EXCLUDED = ["transaction_id", "transaction_date"]
FAIRNESS = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                sensitive_columns=["gender", "age_band"], intersectional=True)
PERFORMANCE = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                   time_column="transaction_date", time_granularity="week")
# (step, recipe id, {role: input dataset}, output dataset, config) — the demo's runs (demo/run_demo.py)
RECIPES = (
    ("recipe compute-drift", "compute-drift", {"reference": "reference", "current": "current"}, "drift_metrics",
     {"excluded_columns": DRIFT_EXCLUDED}),
    ("recipe compute-fairness", "compute-fairness", {"scored": "current", "reference": "reference"},
     "fairness_metrics", FAIRNESS),
    ("recipe evaluate-model (baseline)", "evaluate-model", {"scored": "reference"}, "performance_baseline",
     PERFORMANCE),
    ("recipe evaluate-model", "evaluate-model", {"scored": "current", "baseline": "performance_baseline"},
     "performance_metrics", PERFORMANCE),
)
SPARK_RECIPES = ("compute-drift-spark", "compute-fairness-spark")
CHECKS = (("check drift-check", "drift-check", "drift_metrics"),
          ("check fairness-check", "fairness-check", "fairness_metrics"),
          ("check performance-check", "performance-check", "performance_metrics"))
PROBE = ("probe guardrails-headline-metrics", "guardrails-headline-metrics", "drift_metrics")
# (step, macro id, params): dry run where the macro has one; publish-approved-bundle has none and
# is given a bundle id that does not exist, so it can only refuse.
MACROS = (
    ("macro governance-status", "governance-status", {}),
    ("macro govern-diagnostics (read only)", "govern-diagnostics", {}),
    ("macro prune-bundles (dry run)", "prune-bundles", {"dry_run": True, "keep": 3}),
    # governed_item project: a throwaway project has no saved model, and the project look-up exercises Govern
    ("macro create-approved-bundle (dry run)", "create-approved-bundle",
     {"dry_run": True, "version": "0.0.0", "governed_item": "project"}),
    ("macro publish-approved-bundle (no such bundle)", "publish-approved-bundle",
     {"bundle_id": "mg-acceptance-no-such-bundle"}),
    # a throwaway project has no deployment: nothing to publish; dry run (no Govern field written)
    ("macro publish-model-status (dry run)", "publish-model-status", {"dry_run": True}),
)
MES_STEP = "recipe evaluate-model -> Model Evaluation Store"
STAGE_STEP = "deployer infrastructure stages (read only)"


# Why the gate macros refuse on a throwaway project (their own messages): a refusal for any other reason
# (an answer the gate cannot read, a call this DSS line lacks, a server error) fails the step.
EXPECTED_REFUSALS = ("Govern has no item for", "is not governed in Govern", "does not exist in project",
                     "has no saved model", "no bundle created by create-approved-bundle", "Parameter 'govern_connection'")


class Unsupported(Exception):
    """A dataikuapi call the installed client does not have (with the arguments the kit passes)."""


class StepFailed(Exception):
    pass


class Skipped(Exception):
    pass


def call_supported(name, api=None):
    """True when the installed dataikuapi has CALLS[name] and it accepts the kit's keyword arguments."""
    module_name, class_name, method, kwargs, _ = CALLS[name]
    import importlib

    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        return False
    fn = getattr(cls, method, None)
    if fn is None:
        return False
    if isinstance(fn, property):
        return not kwargs
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    has_var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
    return all(k in params or has_var_kw for k in kwargs)


def need(name):
    if not call_supported(name):
        module_name, class_name, method, kwargs, rest = CALLS[name]
        raise Unsupported("{}.{}({}) is not in this dataikuapi ({})".format(
            class_name, method, ", ".join(kwargs), rest))


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def remaining(self):
        return self.end - time.monotonic()

    def check(self, what):
        if self.remaining() <= 0:
            raise StepFailed("timed out after {:.0f}s waiting for {}".format(self.seconds, what))


class Kit:
    def __init__(self, dss_url, api_key, govern_url=None, govern_key=None, plugin_zip=None, data_dir=None,
                 step_timeout=600.0, verify_tls=True, keep=False, connection="filesystem_managed",
                 check_type=CHECK_TYPE, probe_type=PROBE_TYPE, skip=(), plugin_dir=ROOT, out=None):
        if not api_key:
            raise ValueError("An API key of the DSS is required (--api-key-env or --api-key).")
        if bool(govern_url) != bool(govern_key):
            raise ValueError("--govern-url and a Govern API key go together.")
        self.dss_url, self.api_key = dss_url.rstrip("/"), api_key
        self.govern_url, self.govern_key = govern_url, govern_key
        self.plugin_dir = plugin_dir
        with open(os.path.join(plugin_dir, "plugin.json")) as f:
            self.plugin = json.load(f)
        self.plugin_zip = plugin_zip or os.path.join(plugin_dir, "dist", "dss-plugin-{}-{}.zip".format(
            self.plugin["id"], self.plugin["version"]))
        self.data_dir = data_dir
        self.step_timeout, self.verify_tls, self.keep = float(step_timeout), verify_tls, keep
        self.connection, self.check_type, self.probe_type = connection, check_type, probe_type
        self.skip = dict(skip)
        self.out = out or sys.stdout
        self.rows = []
        self.client = None
        self.project = None
        self.project_key = "MG_ACCEPT_" + uuid.uuid4().hex[:10].upper()
        self.version = "unknown"
        self.refusals = self._refusal_names()

    # -- secrets -------------------------------------------------------------------------------
    def redact(self, text):
        text = str(text)
        for secret in (self.api_key, self.govern_key):
            if not secret:
                continue
            for form in {secret, html.escape(secret), html.escape(secret, quote=False), quote(secret, safe=""),
                         quote_plus(secret)}:
                text = text.replace(form, "***")
        return text

    def _refusal_names(self):
        """Names of the plugin's own error classes (GuardrailsError and its subclasses, read from
        python-lib without importing it): a macro ending with one of them failed closed."""
        import ast

        bases = {}
        for folder, _, files in os.walk(os.path.join(self.plugin_dir, "python-lib")):
            for name in (f for f in files if f.endswith(".py")):
                with open(os.path.join(folder, name)) as f:
                    tree = ast.parse(f.read())
                for node in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
                    bases[node.name] = {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
        found = {"GuardrailsError"}
        while True:
            more = {n for n, b in bases.items() if b & found} - found
            if not more:
                return sorted(found)
            found |= more

    # -- running steps -------------------------------------------------------------------------
    def step(self, name, fn, *args):
        if name in self.skip:
            self.rows.append((name, SKIP, self.skip[name] or "skipped (--skip)"))
            return None
        deadline = Deadline(self.step_timeout)
        self._deadline = deadline
        start = time.monotonic()
        try:
            detail = fn(deadline, *args)
            status = PASS
        except Unsupported as exc:
            status, detail = UNSUPPORTED, "not supported on this line: {}".format(exc)
        except Skipped as exc:
            status, detail = SKIP, str(exc)
        except Exception as exc:  # noqa: BLE001 — any failure of a step is a FAIL row, never a crash
            log.debug("step %s failed", name, exc_info=True)
            status, detail = FAIL, "{}: {}".format(type(exc).__name__, exc)
        detail = self.redact(detail or "")
        self.rows.append((name, status, "{} ({:.1f}s)".format(detail, time.monotonic() - start)))
        return status

    def run(self):
        import requests

        try:
            self.step("connect", self._connect)
            if self.client is None:
                return self.finish()
            self.step("upload plugin", self._upload_plugin)
            if self.step("create project", self._create_project) != PASS:
                return self.finish()
            uploaded = [self.step("upload dataset " + n, self._upload, n) for n in ("reference", "current")]
            built = set()
            for name, recipe_id, inputs, output, config in RECIPES:
                if all(i in built or i in ("reference", "current") for i in inputs.values()) and \
                        all(s == PASS for s in uploaded):
                    if self.step(name, self._recipe, recipe_id, inputs, output, config) == PASS:
                        built.add(output)
                else:
                    self.rows.append((name, FAIL, "not run: an input was not built or uploaded"))
            self._after(MES_STEP, "performance_baseline" in built, self._mes)
            self.step(STAGE_STEP, self._infra_stages)
            for recipe_id in SPARK_RECIPES:
                self.rows.append(("recipe " + recipe_id, SKIP,
                                  "optional: the Spark recipes need a Spark-enabled DSS; not run by the kit"))
            for name, check_id, dataset in CHECKS:
                self._after(name, dataset in built, self._check, check_id, dataset)
            self._after(PROBE[0], PROBE[2] in built, self._probe, PROBE[1], PROBE[2])
            for name, macro_id, params in MACROS:
                self.step(name, self._macro, macro_id, params)
            known = {m[1] for m in MACROS}
            folder = os.path.join(self.plugin_dir, "python-runnables")
            for macro_id in sorted(set(os.listdir(folder)) - known) if os.path.isdir(folder) else []:
                self.rows.append(("macro " + macro_id, SKIP, "not known to the kit (add it to MACROS with safe params)"))
        except requests.exceptions.RequestException as exc:  # outside any step: report, do not crash
            self.rows.append(("run", FAIL, self.redact(exc)))
        finally:
            if self.project is not None:
                if self.keep:
                    self.rows.append(("delete project", SKIP, "kept (--keep): " + self.project_key))
                else:
                    self.step("delete project", self._delete)
        return self.finish()

    def _after(self, name, ready, fn, *args):
        if ready or name in self.skip:
            self.step(name, fn, *args)
        else:
            self.rows.append((name, FAIL, "not run: its dataset was not built"))

    def finish(self):
        failed = [r for r in self.rows if r[1] == FAIL]
        print(self.table(), file=self.out)
        return 1 if failed or not self.rows else 0

    def table(self):
        width = max(len(r[0]) for r in self.rows) if self.rows else 10
        lines = ["model-guardrails acceptance on {} — DSS version {} — project {}".format(
            self.redact(self.dss_url), self.version, self.project_key),
            "{:<{w}}  {:<13}  {}".format("step", "result", "detail", w=width)]
        lines += ["{:<{w}}  {:<13}  {}".format(n, s, d, w=width) for n, s, d in self.rows]
        counts = collections.Counter(r[1] for r in self.rows)
        lines.append("{} passed, {} failed, {} skipped, {} not supported".format(
            counts[PASS], counts[FAIL], counts[SKIP], counts[UNSUPPORTED]))
        return "\n".join(lines)

    # -- HTTP ----------------------------------------------------------------------------------
    def _bound_session(self, client):
        """Every request of the client gets the time left in the current step (dataikuapi passes
        none: dataiku-api.md §2) and the TLS choice."""
        session = client._session
        original = session.request

        def request(method, url, **kwargs):
            kwargs["timeout"] = max(0.1, self._deadline.remaining())
            return original(method, url, **kwargs)

        session.request = request
        session.verify = self.verify_tls

    # -- steps ---------------------------------------------------------------------------------
    def _connect(self, deadline):
        need("DSSClient")
        need("get_instance_info")
        need("get_auth_info")
        import dataikuapi

        client = dataikuapi.DSSClient(self.dss_url, self.api_key)
        self._bound_session(client)
        info = client.get_instance_info().raw
        version = info.get("dssVersion")
        if not version:
            raise StepFailed("GET /instance-info has no dssVersion (got keys {})".format(sorted(info)))
        self.version = version
        self.login = client.get_auth_info().get("authIdentifier")
        if not self.login:
            raise StepFailed("GET /auth/info has no authIdentifier")
        self.client = client
        return "DSS {} ({} node {}), API key of {}, client dataikuapi {}".format(
            version, info.get("nodeType"), info.get("nodeId"), self.login, _client_version())

    def _upload_plugin(self, deadline):
        if not os.path.isfile(self.plugin_zip):
            raise StepFailed("{} not found: build it with `make plugin`".format(self.plugin_zip))
        need("list_plugins")
        plugin_id = self.plugin["id"]
        installed = any(p.get("id") == plugin_id for p in self.client.list_plugins())
        with open(self.plugin_zip, "rb") as fp:
            if installed:
                need("get_plugin")
                need("update_from_zip")
                self.client.get_plugin(plugin_id).update_from_zip(fp)
            else:
                need("install_plugin_from_archive")
                self.client.install_plugin_from_archive(fp)
        return "{} {} {} from {}".format(plugin_id, self.plugin["version"], "updated" if installed else "installed",
                                         os.path.basename(self.plugin_zip))

    def _create_project(self, deadline):
        need("create_project")
        self.project = self.client.create_project(self.project_key, "model-guardrails acceptance", self.login,
                                                  description="Throwaway project of `dss-local accept`.")
        return self.project_key

    def _demo_frame(self, name):
        import pandas as pd

        folder = self.data_dir or os.path.join(ROOT, "demo", "output", "data")
        for ext, read in ((".csv", pd.read_csv), (".parquet", pd.read_parquet)):
            path = os.path.join(folder, name + ext)
            if os.path.isfile(path):
                return read(path), path
        if self.data_dir:
            raise StepFailed("no {0}.csv or {0}.parquet in {1}".format(name, folder))
        sys.path.insert(0, os.path.join(ROOT, "demo"))
        import make_data  # the demo data is made once, as `make demo` makes it

        path = make_data.write(folder)[name]
        return pd.read_parquet(path), path

    def _upload(self, deadline, name):
        need("create_upload_dataset")
        need("uploaded_add_file")
        need("test_and_detect")
        need("dataset_get_settings")
        need("dataset_settings_save")
        frame, source = self._demo_frame(name)
        dataset = self.project.create_upload_dataset(name)
        dataset.uploaded_add_file(io.BytesIO(frame.to_csv(index=False).encode("utf-8")), name + ".csv")
        # dataset.autodetect_settings() without its unbounded wait (dataikuapi dss/dataset.py)
        future = dataset.test_and_detect()
        result = self._wait_future(future, deadline, "format detection of " + name)
        if not result.get("format", {}).get("ok"):
            raise StepFailed("format detection of {} failed: {}".format(name, json.dumps(result)[:300]))
        settings = dataset.get_settings()
        raw = settings.get_raw()
        raw["formatType"] = result["format"]["type"]
        raw["formatParams"] = result["format"]["params"]
        raw["schema"] = result["format"]["schemaDetection"]["newSchema"]
        settings.save()
        return "{} rows x {} columns from {}".format(len(frame), len(frame.columns), os.path.basename(source))

    @staticmethod
    def _polls(deadline, what):
        """Yields until the caller stops; waits 0.05 s, then longer, up to 2 s, within the deadline."""
        wait = 0.05
        while True:
            deadline.check(what)
            yield
            time.sleep(min(wait, max(0.0, deadline.remaining())))
            wait = min(2.0, wait * 1.5)

    def _wait_future(self, future, deadline, what):
        need("future_get_state")
        state = future.state or {}
        for _ in self._polls(deadline, what):
            if state.get("hasResult"):
                break
            if state.get("alive") is False:
                raise StepFailed("{} failed: {}".format(what, json.dumps(state.get("exception") or state)[:500]))
            state = future.get_state()
        return state.get("result") or {}

    def _recipe(self, deadline, recipe_id, inputs, output, config):
        for call in ("new_managed_dataset", "with_store_into", "managed_create", "create_recipe",
                     "recipe_get_settings", "raw_params", "recipe_settings_save", "start_job", "job_get_status", "get_dataset", "get_schema", "iter_rows"):
            need(call)
        self.project.new_managed_dataset(output).with_store_into(self.connection).create()
        proto = {"type": "CustomCode_" + recipe_id, "name": "mg_" + output,
                 "inputs": {role: {"items": [{"ref": ds, "deps": []}]} for role, ds in inputs.items()},
                 "outputs": {"metrics": {"items": [{"ref": output, "appendMode": False}]}}}
        recipe = self.project.create_recipe(proto, {})
        settings = recipe.get_settings()
        # where DSS keeps a plugin recipe's parameters: recipe.params.customConfig (UNCONFIRMED)
        settings.raw_params["customConfig"] = config
        settings.save()
        job = self.project.start_job({"type": "NON_RECURSIVE_FORCED_BUILD",
                                      "outputs": [{"id": output, "type": "DATASET"}]})
        for _ in self._polls(deadline, "job " + job.id):
            state = job.get_status().get("baseStatus", {}).get("state", "")
            if state in ("DONE", "FAILED", "ABORTED"):
                break
        if state != "DONE":
            tail = ""
            if call_supported("job_get_log"):
                tail = ": " + " ".join(str(job.get_log()).split())[-400:]
            raise StepFailed("job {} {}{}".format(job.id, state, tail))
        dataset = self.project.get_dataset(output)
        rows = list(dataset.iter_rows())
        columns = [c["name"] for c in dataset.get_schema()["columns"]]
        if not rows or "metric" not in columns or "value" not in columns:
            raise StepFailed("{} read back with {} rows and columns {} (expected rows with metric, value)".format(
                output, len(rows), columns))
        return "{} -> {}: {} rows read back".format(", ".join(sorted(set(inputs.values()))), output, len(rows))

    def _mes(self, deadline):
        """A Model Evaluation Store created in the throwaway project, evaluate-model run with
        evaluation_store_id: one evaluation read back with the run's roc_auc label and metric."""
        for call in ("create_model_evaluation_store", "list_model_evaluations"):
            need(call)
        store = self.project.create_model_evaluation_store("mg acceptance")
        inputs, config = {"scored": "current", "baseline": "performance_baseline"}, dict(PERFORMANCE)
        config["evaluation_store_id"] = store.mes_id
        self._recipe(deadline, "evaluate-model", inputs, "performance_metrics_mes", config)
        found = store.list_model_evaluations()
        if len(found) != 1:
            raise StepFailed("store {}: {} evaluations after one run (expected 1)".format(store.mes_id, len(found)))
        info = found[0].get_full_info()
        labels = {lb.get("key"): lb.get("value") for lb in (info.user_meta or {}).get("labels", [])}
        if "custom:guardrails_run_id" not in labels:
            raise StepFailed("store {}: the evaluation has no custom:guardrails_run_id label ({})".format(
                store.mes_id, sorted(labels)))
        return "store {}: evaluation of run {} with labels {}".format(
            store.mes_id, labels["custom:guardrails_run_id"], ", ".join(sorted(labels)))

    def _infra_stages(self, deadline):
        """Read only: which stage key the Project Deployer's infrastructure listing gives (what
        publish-model-status reads, infraBasicInfo.stage: UNCONFIRMED until this step says so)."""
        need("list_infras")
        listing = self.client.get_projectdeployer().list_infras(as_objects=False)
        if not isinstance(listing, list):
            raise StepFailed("the infrastructure listing is not a list: {!r}".format(type(listing).__name__))
        staged = [e["infraBasicInfo"]["id"] for e in listing if isinstance(e, dict) and isinstance(
            e.get("infraBasicInfo"), dict) and e["infraBasicInfo"].get("stage")]
        return "{} infrastructure(s) listed, {} with infraBasicInfo.stage{}".format(
            len(listing), len(staged), "" if len(staged) == len(listing) else
            " (publish-model-status reads the others' settings, which needs infrastructure admin)")

    def _check(self, deadline, check_id, dataset_name):
        for call in ("get_dataset", "get_data_quality_rules", "create_rule", "compute_rules", "get_last_rules_results"):
            need(call)
        rules = self.project.get_dataset(dataset_name).get_data_quality_rules()
        rule_type = self.check_type.format(plugin=self.plugin["id"], component=check_id)
        rule = rules.create_rule({"type": rule_type, "name": "mg " + check_id, "enabled": True,
                                  "autoRun": False, "config": {}})
        self._wait_future(rules.compute_rules(partition="NP"), deadline, "rules of " + dataset_name)
        results = [r for r in rules.get_last_rules_results(partition="NP") if r.id == rule.id]
        if not results:
            raise StepFailed("no result for rule {} ({}) on {}".format(rule.id, rule_type, dataset_name))
        outcome, message = str(results[0].outcome), str(results[0].message or "")
        if outcome.upper() not in ("OK", "WARNING", "ERROR") or not message or " raised " in message:
            raise StepFailed("rule {} on {}: outcome {!r}, message {!r}".format(rule_type, dataset_name, outcome,
                                                                                 message[:300]))
        return "{} on {}: {} — {}".format(rule_type, dataset_name, outcome, message[:160])

    def _probe(self, deadline, probe_id, dataset_name):
        for call in ("get_dataset", "dataset_get_settings", "dataset_settings_save", "compute_metrics", "get_last_metric_values"):
            need(call)
        dataset = self.project.get_dataset(dataset_name)
        settings = dataset.get_settings()
        probe_type = self.probe_type.format(plugin=self.plugin["id"], component=probe_id)
        # the shape DSS's front end gives a plugin probe (Angular module dataiku.metrics.edit)
        settings.get_raw().setdefault("metrics", {}).setdefault("probes", []).append(
            {"type": probe_type, "enabled": True, "computeOnBuildMode": "NO",
             "meta": {"name": probe_id, "level": 10}, "configuration": {"config": {}}})
        settings.save()
        dataset.compute_metrics(partition="NP")
        ids = dataset.get_last_metric_values(partition="NP").get_all_ids()
        found = [i for i in ids if "max_psi" in i or "drift_share" in i]
        if not found:
            raise StepFailed("{} computed, but no max_psi / drift_share metric among {}".format(probe_type, ids))
        return "{}: {}".format(probe_type, ", ".join(found))

    def _macro(self, deadline, macro_id, params):
        for call in ("list_macros", "get_macro", "macro_run", "macro_get_status", "macro_get_result"):
            need(call)
        wanted = "_{}_{}".format(self.plugin["id"], macro_id)
        types = [m.get("runnableType", "") for m in self.project.list_macros()]
        matches = [t for t in types if t.endswith(wanted)]
        if len(matches) != 1:
            raise StepFailed("macro {}: {} runnable types end with {} (found {})".format(
                macro_id, len(matches), wanted, ", ".join(types) or "none"))
        params = dict(params)
        if self.govern_url:
            params["govern_connection"] = {"govern_url": self.govern_url, "api_key": self.govern_key,
                                           "verify_tls": self.verify_tls}
        macro = self.project.get_macro(matches[0])
        run_id = macro.run(params=params, wait=False)
        for _ in self._polls(deadline, "macro run " + str(run_id)):
            if not macro.get_status(run_id).get("running", True):
                break
        from dataikuapi.utils import DataikuException

        try:
            result = macro.get_result(run_id, as_type="string")
        except DataikuException as exc:
            text = str(exc)
            refusal = next((n for n in self.refusals if re.search(r"\b{}\b".format(n), text)), None)
            if refusal is None:
                raise
            said = " ".join(text.split())[:200]
            if not any(reason in text for reason in EXPECTED_REFUSALS):  # e.g. an answer the gate cannot read
                raise StepFailed("refused for a reason a throwaway project does not explain ({}): {}".format(
                    refusal, said))
            return "failed closed ({}): {}".format(refusal, said)
        return "ran: {} characters of result".format(len(result or ""))

    def _delete(self, deadline):
        need("project_delete")
        self.project.delete(clear_managed_datasets=True)
        return "deleted " + self.project_key


def _client_version():
    from importlib import metadata

    import dataikuapi

    folder = os.path.dirname(os.path.dirname(os.path.abspath(dataikuapi.__file__)))
    for dist in metadata.distributions(path=[folder]):
        if (dist.metadata["Name"] or "").lower().replace("_", "-") == "dataiku-api-client":
            return dist.version
    return "unknown"


def call_table():
    """[(call, REST, supported by the installed dataikuapi)] — for `dss-local accept --list-calls`."""
    return [(name, spec[4], call_supported(name)) for name, spec in CALLS.items()]


def add_arguments(p):
    p.add_argument("dss_url", nargs="?", help="URL of the DSS design node, e.g. https://dss.example.com:11200")
    p.add_argument("--api-key-env", default="DKU_API_KEY", metavar="VAR",
                   help="environment variable holding the DSS API key (default DKU_API_KEY)")
    p.add_argument("--api-key", help="the DSS API key (visible in the process list: prefer --api-key-env)")
    p.add_argument("--govern-url", help="URL of the Govern node (the macros then talk to it)")
    p.add_argument("--govern-key-env", default="DKU_GOVERN_API_KEY", metavar="VAR",
                   help="environment variable holding the Govern API key (default DKU_GOVERN_API_KEY)")
    p.add_argument("--plugin-zip", help="plugin archive (default dist/dss-plugin-<id>-<version>.zip: `make plugin`)")
    p.add_argument("--data", help="folder with reference and current (.csv or .parquet); default the demo data")
    p.add_argument("--step-timeout", type=float, default=600.0, help="seconds per step (default 600)")
    p.add_argument("--connection", default="filesystem_managed", help="connection of the recipes' output datasets")
    p.add_argument("--check-type", default=CHECK_TYPE, help="rule type of a plugin check (default %(default)s)")
    p.add_argument("--probe-type", default=PROBE_TYPE, help="probe type of a plugin probe (default %(default)s)")
    p.add_argument("--skip", action="append", default=[], metavar="STEP[:REASON]", help="do not run a step")
    p.add_argument("--keep", action="store_true", help="keep the throwaway project")
    p.add_argument("--insecure", action="store_true", help="do not verify TLS certificates (warned)")
    p.add_argument("--list-calls", action="store_true", help="print the dataikuapi calls, their REST paths and "
                   "whether the installed client has them, then exit")


def main(args, out=None, err=None):
    out, err = out or sys.stdout, err or sys.stderr
    if args.list_calls:
        print("dataikuapi {}".format(_client_version()), file=out)
        for name, rest, ok in call_table():
            print("{:<28} {:<5} {}".format(name, "yes" if ok else "NO", rest), file=out)
        return 0
    if not args.dss_url:
        raise ValueError("accept: the DSS URL is required.")
    key = args.api_key or os.environ.get(args.api_key_env)
    if not key:
        raise ValueError("accept: no API key (set ${} or pass --api-key).".format(args.api_key_env))
    govern_key = os.environ.get(args.govern_key_env) if args.govern_url else None
    if args.govern_url and not govern_key:
        raise ValueError("--govern-url needs the Govern API key in ${}.".format(args.govern_key_env))
    if args.insecure:
        print("dss-local accept: WARNING: TLS certificates are NOT verified (--insecure).", file=err)
    skip = [(s.split(":", 1) + [""])[:2] for s in args.skip]
    kit = Kit(args.dss_url, key, govern_url=args.govern_url, govern_key=govern_key, plugin_zip=args.plugin_zip,
              data_dir=args.data, step_timeout=args.step_timeout, verify_tls=not args.insecure, keep=args.keep,
              connection=args.connection, check_type=args.check_type, probe_type=args.probe_type, skip=skip,
              out=out)
    return kit.run()


def parse(argv):
    parser = argparse.ArgumentParser(prog="dss-local accept")
    add_arguments(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(parse(sys.argv[1:])))


