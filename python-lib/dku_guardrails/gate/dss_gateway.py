"""The DSS side of the gate through the public ``dataikuapi.DSSClient``, for one project: identity,
saved models, exported bundles, Project Deployer, data-quality evidence, the approval record and
custom audit entries (dataiku-api.md §3, §6, §7). Every call is bounded by the macro's deadline and
every failure is a GateError without secrets.

Calls whose signature changed between DSS lines are feature-detected on the client in use (the
client DSS ships with each release; docs/compatibility.md lists which release has what)."""
import inspect

from model_guardrails import gate, ids
from model_guardrails.errors import ConfigError
from model_guardrails.gate import bundles, ledger, sensitivity

from .http import harden, long_call

# Keyword arguments of DSSProject.export_bundle and the first DSS release whose client has them
# (dataiku-api-client 13.1.4: export_bundle(bundle_id); 13.2.0 adds release_notes; 14.1.0 adds
# evaluate_project_standards_checks).
EXPORT_RELEASE_NOTES = ("release_notes", "13.2")
EXPORT_PROJECT_STANDARDS = ("evaluate_project_standards_checks", "14.1")


def accepts(fn, name):
    """True when callable ``fn`` takes a parameter ``name`` (feature detection on the DSS client)."""
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class DssGateway:
    """``client`` hardened with the macro's timeouts and deadline; ``redactor`` the values to redact."""

    def __init__(self, client, project_key, source, deadline, redactor):
        ids.check(ids.PROJECT_KEY, project_key, "project key")
        self.client = harden(client, source.timeout_seconds, deadline)
        self.project_key = project_key
        self.project = self.client.get_project(project_key)
        self.redactor = redactor

    def _call(self, what, fn, *args, **kwargs):
        return self.redactor.call("DSS", what, fn, *args, **kwargs)

    def identity(self):
        """(actor login or key id, DSS node id)."""
        info = self._call("reading who runs the macro", self.client.get_auth_info)
        node = self._call("reading the DSS node id", self.client.get_instance_info)
        actor = info.get("authIdentifier") if isinstance(info, dict) else None
        node_id = self._call("reading the DSS node id", lambda: node.node_id)
        if not isinstance(actor, str) or not isinstance(node_id, str) or not node_id:
            raise gate.GateError(gate.REFUSE_MALFORMED, "DSS did not report the user or the node id.")
        return actor, node_id

    # -- saved models ---------------------------------------------------------------------------
    def saved_models(self):
        models = self._call("listing the saved models of project " + self.project_key, self.project.list_saved_models)
        if not isinstance(models, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "DSS listed the saved models in an unknown shape.")
        return [m for m in models if isinstance(m, dict) and isinstance(m.get("id"), str)]

    def only_saved_model(self):
        """The id of the project's only saved model (refusal naming them when there are none or several)."""
        found = [m["id"] for m in self.saved_models()]
        if len(found) == 1:
            return ids.check(ids.SAVED_MODEL_ID, found[0], "saved model of project " + self.project_key)
        if not found:
            raise gate.GateError(gate.REFUSE_NOT_FOUND, "Project {} has no saved model, so no Govern model version can "
                                 "approve a bundle: deploy a model to the Flow, or set 'governed_item' to 'project' if "
                                 "your Govern project template has a sign-off.".format(self.project_key))
        raise gate.GateError(gate.REFUSE_AMBIGUOUS, "Project {} has {} saved models ({}): choose the one whose version "
                             "is governed in 'saved_model_id'.".format(self.project_key, len(found),
                                                                        ", ".join(found[:10])))

    def model_versions(self, saved_model_id):
        ids.check(ids.SAVED_MODEL_ID, saved_model_id, "saved model id")
        versions = self._call("listing the versions of saved model " + saved_model_id,
                              self.project.get_saved_model(saved_model_id).list_versions)
        if not isinstance(versions, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "DSS listed the saved model versions in an unknown shape.")
        return [v for v in versions if isinstance(v, dict) and isinstance(v.get("id"), str)]

    def active_model_version(self, saved_model_id):
        active = [v for v in self.model_versions(saved_model_id) if v.get("active") is True]
        if not active:
            raise gate.GateError(gate.REFUSE_NOT_FOUND, "Saved model {} has no active version: set one, or name the "
                                 "version in 'saved_model_version'.".format(saved_model_id))
        return ids.check(ids.MODEL_VERSION_ID, active[0]["id"], "active version of saved model " + saved_model_id)

    # -- evidence -------------------------------------------------------------------------------
    def stored_rule_results(self, name):
        """The raw last-rules-result list of one dataset (DSSDataset.get_data_quality_rules, 12.6.4+)."""
        ids.check(ids.DATASET_NAME, name, "evidence_datasets")
        rules = self.project.get_dataset(name).get_data_quality_rules()
        return self._call("reading the latest check results of dataset " + name,
                          lambda: [r.get_raw() for r in rules.get_last_rules_results()])

    # -- qualification rules (issue 17; every call exists in dataiku-api-client 12.6.4 … 15.2.0) ----
    def flow_graph_nodes(self):
        """``nodes`` of DSSProjectFlow.get_graph() (GET /projects/{K}/flow/graph/)."""
        graph = self._call("reading the Flow graph of project " + self.project_key,
                           lambda: self.project.get_flow().get_graph().data)
        return self._call("reading the Flow graph", sensitivity.graph_nodes, graph)

    def dataset_tags(self):
        """{dataset name: tags} of the project's datasets, in one call (DSSProject.list_datasets();
        its items' ``tags``; 14.1+ adds include_shared/tags parameters, not used)."""
        items = self._call("listing the datasets of project " + self.project_key, self.project.list_datasets)
        if not isinstance(items, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "DSS listed the datasets in an unknown shape.")
        out = {}
        for item in items:
            name = item.get("name") if isinstance(item, dict) else None
            tags = item.get("tags") if isinstance(item, dict) else None
            if isinstance(name, str):
                out[name] = tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else None
        return out

    def project_python_env(self):
        """codeEnvs.python of DSSProject.get_settings() (GET /projects/{K}/settings); GateError
        (malformed) unless every level is an object."""
        raw = self._call("reading the settings of project " + self.project_key,
                         lambda: self.project.get_settings().get_raw())
        env = raw
        for key in ("settings", "codeEnvs", "python"):
            env = env.get(key) if isinstance(env, dict) else None
        if not isinstance(env, dict):
            raise gate.GateError(gate.REFUSE_MALFORMED, "the project settings have no settings.codeEnvs.python object")
        return env

    def instance_default_python_env(self):
        """codeEnvs.defaultPythonEnv of DSSClient.get_general_settings() (admin only). Only a missing
        (or empty) defaultPythonEnv inside a well-formed codeEnvs object means the built-in env ("");
        any other shape is a GateError (malformed), never the built-in env."""
        settings = self._call("reading the instance's default code env (needs admin rights)",
                              lambda: self.client.get_general_settings().settings)
        code_envs = settings.get("codeEnvs") if isinstance(settings, dict) else None
        if not isinstance(code_envs, dict):
            raise gate.GateError(gate.REFUSE_MALFORMED, "the instance's general settings have no codeEnvs object, so "
                                 "the default code env is unknown")
        value = code_envs.get("defaultPythonEnv", "")
        if not isinstance(value, str):
            raise gate.GateError(gate.REFUSE_MALFORMED, "the instance's codeEnvs.defaultPythonEnv is not a text")
        return value

    def saved_model_env(self, saved_model_id):
        """envSelection of the saved model's origin ML task (DSSSavedModel.get_origin_ml_task, then the ML
        task's settings); GateError saying why when it cannot be resolved."""
        ids.check(ids.SAVED_MODEL_ID, saved_model_id, "saved model id")
        task = self._call("reading the origin ML task of saved model " + saved_model_id,
                          self.project.get_saved_model(saved_model_id).get_origin_ml_task)
        if task is None or isinstance(task, Exception):  # from_full_model_id returns, not raises, its error
            raise gate.GateError(gate.REFUSE_NOT_FOUND, "saved model {} has no origin ML task (not trained in the "
                                 "visual ML lab), so its code env cannot be read".format(saved_model_id))
        raw = self._call("reading the ML task settings of saved model " + saved_model_id,
                         lambda: task.get_settings().get_raw())
        env = raw.get("envSelection") if isinstance(raw, dict) else None
        if not isinstance(env, dict):
            raise gate.GateError(gate.REFUSE_MALFORMED, "the ML task settings have no envSelection")
        return env

    def folder_items(self, folder_id):
        """DSSManagedFolder.list_contents()["items"] (GET /projects/{K}/managedfolders/{id}/contents)."""
        ids.check(ids.FOLDER_ID, folder_id, "model_card_folder")
        raw = self._call("listing managed folder " + folder_id, self.project.get_managed_folder(folder_id).list_contents)
        items = raw.get("items") if isinstance(raw, dict) else None
        if not isinstance(items, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "managed folder {} listed in an unknown shape".format(folder_id))
        return items

    def version_details(self, saved_model_id, version):
        """DSSSavedModel.get_version_details(v) (GET …/versions/{v}/details and …/snippet)."""
        ids.check(ids.SAVED_MODEL_ID, saved_model_id, "saved model id")
        ids.check(ids.MODEL_VERSION_ID, version, "saved model version")
        return self._call("reading version {} of saved model {}".format(version, saved_model_id),
                          self.project.get_saved_model(saved_model_id).get_version_details, version)

    def train_date_ms(self, details):
        """The version's train date (the snippet's ``trainDate``), or None. UNCONFIRMED: epoch
        milliseconds is assumed (no source states the unit); the model-card rule FAILs a value
        that is not plausible as such."""
        snippet = self._call("reading the version snippet", details.get_raw_snippet)
        value = snippet.get("trainDate") if isinstance(snippet, dict) else None
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def label_version(self, saved_model_id, version, key, value):
        """Add the label {key, value} to the version's user meta (get_user_meta / save_user_meta, PUT
        …/versions/{v}/user-meta), then read it back. Returns the labels read back ([] when unreadable).
        GateError for any failure or unknown shape (the caller runs after the export: it reports)."""
        details = self.version_details(saved_model_id, version)
        meta = self._call("reading the user meta of the version", details.get_user_meta)
        if not isinstance(meta, dict):
            raise gate.GateError(gate.REFUSE_MALFORMED, "the version's user meta is not an object")
        labels = meta.get("labels", [])
        if labels is None:
            labels = []
        if not isinstance(labels, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "the version's user meta labels are not a list")
        meta["labels"] = [lb for lb in labels if not (isinstance(lb, dict) and lb.get("key") == key)] + [
            {"key": key, "value": value}]
        self._call("writing the label of the version", details.save_user_meta)
        back = self._call("reading the label back",
                          lambda: self.version_details(saved_model_id, version).get_user_meta())
        back = back.get("labels") if isinstance(back, dict) else None
        return back if isinstance(back, list) else []

    # -- bundles --------------------------------------------------------------------------------
    def list_exported(self):
        raw = self._call("listing the exported bundles of project " + self.project_key,
                         self.project.list_exported_bundles)
        return self._call("reading the exported bundle list", bundles.exported_bundles, raw)

    def bundle_exists(self, bundle_id):
        """True / False, or None when the list cannot be read (after a timed-out export)."""
        try:
            return bundle_id in {b.bundle_id for b in self.list_exported()}
        except gate.GateError:
            return None

    def export_bundle(self, bundle_id, notes, timeout):
        """Export with the keyword arguments this DSS's client has. Returns the notes on what this DSS
        line could not do (e.g. release notes before 13.2). ``timeout``: seconds allowed for the call."""
        ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
        kwargs, missing = {}, []
        for (name, since), value in ((EXPORT_RELEASE_NOTES, notes), (EXPORT_PROJECT_STANDARDS, True)):
            if accepts(self.project.export_bundle, name):
                kwargs[name] = value
            else:
                missing.append((name, since))
        with long_call(self.client, timeout):
            self._call("exporting bundle " + bundle_id, self.project.export_bundle, bundle_id, **kwargs)
        said = []
        for name, since in missing:
            if name == EXPORT_RELEASE_NOTES[0]:
                said.append("Release notes not attached: this DSS's client exports without them (DSS {} or later "
                            "attaches them); they are kept in the gate's approval record (project variable {})."
                            .format(since, ledger.VARIABLE))
            else:
                said.append("Project Standards checks at export need DSS {} or later; not evaluated here.".format(since))
        return said

    def publish_bundle(self, bundle_id, timeout):
        ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
        with long_call(self.client, timeout):
            return self._call("publishing bundle {} to the Project Deployer".format(bundle_id),
                              self.project.publish_bundle, bundle_id)

    def delete_exported(self, bundle_id):
        ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
        self._call("deleting exported bundle " + bundle_id, self.project.delete_exported_bundle, bundle_id)

    def delete_published(self, bundle_id):
        ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
        self._call("deleting published bundle " + bundle_id,
                   self.client.get_projectdeployer().get_project(self.project_key).delete_bundle, bundle_id)

    def deployments(self, expect_published=False):
        """(the deployer project's ``packages``, [(deployment id, infra id, bundle id, error)]) of the
        project's deployments on the Project Deployer; ``error`` (a GateError or ConfigError, else None)
        when that deployment's id, infrastructure or bundle could not be read. Empty when the project was
        never published (NotFound, and ``expect_published`` false: no exported bundle says it was
        published); any other error of the project status is raised: "nothing is deployed" is never a guess."""
        deployer = self.client.get_projectdeployer()
        try:
            status = self._call("reading published project {} on the Project Deployer".format(self.project_key),
                                deployer.get_project(self.project_key).get_status)
        except gate.GateError as err:
            if err.code == gate.REFUSE_NOT_FOUND and not expect_published:
                return [], []
            if err.code == gate.REFUSE_NOT_FOUND:
                raise gate.GateError(err.code, "The Project Deployer does not know published project {}, yet bundles "
                                     "of the project say they were published: {}".format(self.project_key, err)) from None
            raise
        raw = status.get_raw()
        listed = raw.get("deployments") if isinstance(raw, dict) else None
        if not isinstance(listed, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "The Project Deployer's project status has no deployment list.")
        rows = []
        for dep in listed:
            dep_id = dep.get("id") if isinstance(dep, dict) else None
            infra = dep.get("infraId") if isinstance(dep, dict) else None
            bundle_id = ""
            try:
                ids.check(ids.DEPLOYMENT_ID, dep_id, "deployment id")
                settings = self._call("reading the settings of deployment " + dep_id,
                                      deployer.get_deployment(dep_id).get_settings)
                bundle_id = self._call("reading the bundle of deployment " + dep_id, lambda: settings.bundle_id)
                ids.check(ids.BUNDLE_ID, bundle_id, "bundle of deployment " + dep_id)
                ids.check(ids.DEPLOYMENT_ID, infra, "infrastructure id of deployment {}".format(dep_id))
                rows.append((dep_id, infra, bundle_id, None))
            except (gate.GateError, ConfigError) as err:
                rows.append((str(dep_id), str(infra or ""), bundle_id if isinstance(bundle_id, str) else "", err))
        return (raw.get("packages") if isinstance(raw, dict) else None), rows

    def deployer_state(self, expect_published=False):
        """(published bundles, {bundle_id: [deployment ids]}) of the deployer project (:meth:`deployments`);
        a deployment whose bundle cannot be read raises its error (one whose infrastructure id is odd
        still counts: the bundle it uses is what matters here)."""
        packages, rows = self.deployments(expect_published)
        published = self._call("reading the published bundles", bundles.published_bundles, packages)
        used = {}
        for dep_id, _infra, bundle_id, error in rows:
            if error is not None and not bundle_id:
                raise error
            used.setdefault(bundle_id, []).append(dep_id)
        return published, used

    def infra_stages(self, infra_ids):
        """{infra id: (stage, why not read)}. The stage is read from the infrastructure listing
        (``GET /project-deployer/infras``, ``infraBasicInfo.stage``: UNCONFIRMED key, no public client
        reads it), which any user who may see the infrastructure can read; for an infrastructure the
        listing gives no stage, from its settings' ``stage`` (the key of the create-infra body), which
        needs the infrastructure's admin permission (UNCONFIRMED). Neither readable: the why."""
        deployer = self.client.get_projectdeployer()
        try:
            listing = self._call("listing the Project Deployer's infrastructures",
                                 lambda: deployer.list_infras(as_objects=False))
            listing_error = ""
        except gate.GateError as err:
            listing, listing_error = [], str(err)
        listed = {}
        for entry in listing if isinstance(listing, list) else []:
            info = entry.get("infraBasicInfo") if isinstance(entry, dict) else None
            if isinstance(info, dict) and isinstance(info.get("stage"), str) and info.get("stage"):
                listed[info.get("id")] = info["stage"]
        out = {}
        for infra in infra_ids:
            if infra in listed:
                out[infra] = (listed[infra], "")
                continue
            try:
                ids.check(ids.DEPLOYMENT_ID, infra, "infrastructure id")
                settings = self._call("reading the settings of infrastructure " + infra,
                                      lambda: deployer.get_infra(infra).get_settings().get_raw())
                stage = settings.get("stage") if isinstance(settings, dict) else None
                if isinstance(stage, str) and stage:
                    out[infra] = (stage, "")
                    continue
                why = "infrastructure {} settings name no stage".format(infra)
            except (gate.GateError, ConfigError) as err:
                why = str(err)
            if listing_error:
                why += "; the infrastructure listing not read either: " + listing_error
            else:
                why += "; the infrastructure listing gives no stage for it"
            out[infra] = ("", why)
        return out

    # -- the gate's approval record -------------------------------------------------------------
    def read_records(self):
        """{bundle_id: record} of the gate's approval record (project local variables)."""
        variables = self._call("reading the variables of project {} (the gate's approval record)".format(
            self.project_key), self.project.get_variables)
        try:
            return ledger.read(variables)
        except ValueError as err:
            raise gate.GateError(gate.REFUSE_MALFORMED, "The gate's approval record cannot be read: {}. Fix or remove "
                                 "the local variable '{}' of project {}.".format(err, ledger.VARIABLE,
                                                                                self.project_key)) from None

    def attaches_release_notes(self):
        """True when this DSS's client exports bundles with release notes (DSS 13.2+)."""
        return accepts(self.project.export_bundle, EXPORT_RELEASE_NOTES[0])

    def _existing_bundles(self):
        """Ids of the project's exported bundles, or None when they cannot be listed (then the
        approval record drops nothing)."""
        try:
            return {b.bundle_id for b in self.list_exported()}
        except gate.GateError:
            return None

    def write_record(self, record):
        """Store one record (read-modify-write of the project's local variables)."""
        clean = self.redactor.scrub_value(record)
        what = "writing the gate's approval record into the variables of project " + self.project_key
        variables = self._call(what, self.project.get_variables)
        try:
            keep = self._existing_bundles() if len(ledger.read(variables)) >= ledger.MAX_ENTRIES else ()
            updated = ledger.written(variables, clean, keep)
        except ValueError as err:
            raise gate.GateError(gate.REFUSE_MALFORMED, "The gate's approval record cannot be read: {}.".format(
                err)) from None
        self._call(what, self.project.set_variables, updated)

    # -- audit ----------------------------------------------------------------------------------
    def write_audit(self, params, govern=None):
        """Write one custom audit entry: DSS audit trail first, else the Govern audit trail.
        Returns (written, where) — ``where`` is a sentence for the result and the error messages."""
        ids.check(ids.AUDIT_TYPE, gate.AUDIT_TYPE, "audit type")
        clean = self.redactor.scrub_value(params)
        failures = []
        for name, client in (("DSS", self.client), ("Govern", govern.client if govern is not None else None)):
            if client is None:
                continue
            try:
                self.redactor.call(name, "writing the audit entry", client.log_custom_audit, gate.AUDIT_TYPE, clean)
                return True, "{} audit trail (customMsgType '{}')".format(name, gate.AUDIT_TYPE)
            except gate.GateError as err:
                failures.append(str(err))
        return False, "nowhere: " + " ".join(failures) if failures else "nowhere: no audit trail available"
