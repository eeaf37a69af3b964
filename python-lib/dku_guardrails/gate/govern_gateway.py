"""The Govern side of the gate through the public ``dataikuapi.GovernClient``: DSS item → synced
Dataiku item → ``governed_by`` → Govern item → its sign-offs (dataiku-api.md §4-§5), searched with
the blueprint and field ids of the plugin settings (``gate.GovernNames``). Every call is bounded by
the macro's deadline and every failure is a GateError without secrets."""
import logging

from dataikuapi import GovernClient
from dataikuapi.govern.artifact_search import (
    GovernArtifactFilterArchivedStatus, GovernArtifactFilterBlueprints, GovernArtifactFilterFieldValue,
    GovernArtifactSearchQuery)

from model_guardrails import gate, ids
from model_guardrails.gate import bundles
from model_guardrails.errors import ConfigError

from .http import harden

log = logging.getLogger("model_guardrails.gate")
MAX_HITS = 20
# Errors that say nothing about one bundle but about reaching Govern: prune stops on them.
TRANSPORT_CODES = (gate.REFUSE_AUTH, gate.REFUSE_FORBIDDEN, gate.REFUSE_TIMEOUT, gate.REFUSE_UNREACHABLE,
                   gate.REFUSE_TLS)


def connect(source, dss, deadline, node_id):
    """A GovernGateway for ``source`` (a preset, or the Govern node DSS is configured with, read
    through the DssGateway ``dss``) looking up the items of DSS node ``node_id``; the key in use
    joins the values to redact."""
    redactor = dss.redactor
    if source.use_dss_govern_node:
        if not hasattr(dss.client, "get_govern_client"):
            raise gate.GateError(gate.REFUSE_UNSUPPORTED, "Using the Govern node configured in DSS needs DSS 13.3.2 or "
                                 "later (this DSS's client has no get_govern_client): choose a govern-connection "
                                 "preset instead.")
        client = redactor.call("DSS", "reading the Govern node configured in DSS (needs DSS administrator rights)",
                               dss.client.get_govern_client)
        if client is None:
            raise gate.GateError(gate.REFUSE_NOT_FOUND, "DSS has no enabled Govern node (Administration > Settings > "
                                 "Govern integration): use a govern-connection preset instead.")
        redactor.add(getattr(client, "api_key", None))
        client = harden(client, source.timeout_seconds, deadline)
    else:
        conn = source.connection
        redactor.add(conn.api_key)
        client = harden(GovernClient(conn.govern_url, conn.api_key), source.timeout_seconds, deadline,
                        verify_tls=conn.verify_tls, ca_bundle=conn.ca_bundle)
    return GovernGateway(client, source.names, redactor, dss.project_key, node_id)


def _field(field_id, value):
    return GovernArtifactFilterFieldValue("EQUALS", condition=value, field_id=field_id, case_sensitive=True)


def _bundle_label(bundle_id, project_key):
    return "bundle {} of project {}".format(bundle_id, project_key)


class GovernGateway:
    def __init__(self, client, names, redactor, project_key, node_id=""):
        self.client = client
        self.names = names
        self.redactor = redactor
        self.project_key = project_key
        self.node_id = node_id  # the DSS node whose items are looked up

    def _call(self, what, fn, *args, **kwargs):
        return self.redactor.call("Govern", what, fn, *args, **kwargs)

    # -- finding items --------------------------------------------------------------------------
    def _search(self, filters, what, page_size):
        request = self.client.new_artifact_search_request(GovernArtifactSearchQuery(artifact_filters=filters))
        raw = self._call(what, request.fetch_next_batch, page_size=page_size).get_raw()
        hits = raw.get("uiArtifacts") if isinstance(raw, dict) else None
        if not isinstance(hits, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "Govern's artifact search answer has no 'uiArtifacts' list "
                                 "({}).".format(what))
        return hits

    def search_dataiku_item(self, blueprint, fields, label):
        """The single, non-archived synced artifact of ``blueprint`` whose fields equal ``fields``."""
        what = "searching the Govern artifact of " + label
        hits = self._search([GovernArtifactFilterBlueprints([blueprint]), GovernArtifactFilterArchivedStatus(False)]
                            + [_field(k, v) for k, v in fields.items()], what, MAX_HITS)
        artifacts = [h.get("artifact") for h in hits if isinstance(h, dict)]
        artifacts = [a for a in artifacts if isinstance(a, dict) and isinstance(a.get("id"), str)]
        if len(artifacts) != len(hits):
            raise gate.GateError(gate.REFUSE_MALFORMED, "Govern's artifact search returned hits without an artifact "
                                 "id (searching {}).".format(label))
        if not artifacts:
            raise gate.GateError(gate.REFUSE_NOT_FOUND, "Govern has no item for {}: it is not synced to Govern yet "
                                 "(a DSS administrator can run the Govern sync) or the node id differs{}.".format(
                                     label, self._found_instead(blueprint, fields)))
        if len(artifacts) > 1:
            raise gate.GateError(gate.REFUSE_AMBIGUOUS, "Govern has {} items for {} ({}); the gate needs exactly one."
                                 .format(len(artifacts), label, ", ".join(a["id"] for a in artifacts[:5])))
        return artifacts[0]

    def _found_instead(self, blueprint, fields):
        """What Govern holds instead, for a search that found nothing: the fields of a few items of
        ``blueprint`` (naming the searched fields they lack), or the Dataiku blueprints of the node."""
        try:
            hits = self._search([GovernArtifactFilterBlueprints([blueprint])], "listing items of " + blueprint, 5)
            found = [h.get("artifact", {}).get("fields") for h in hits if isinstance(h, dict)]
            found = [f for f in found if isinstance(f, dict)]
            if found:
                return gate.describe_found_fields(blueprint, fields, found)
            return gate.describe_found_blueprints(blueprint, self.list_blueprints())
        except (gate.GateError, AttributeError, TypeError) as err:  # a hint only: the refusal stands without it
            log.debug("no hint for the empty search of %s: %s", blueprint, err)
            return ""

    def list_blueprints(self):
        """Raw ``list_blueprints()`` items (``{"blueprint": {"id": ...}}``)."""
        return [b.get_raw() for b in self._call("listing blueprints", self.client.list_blueprints)]

    def governed_by(self, dataiku_artifact, label):
        """The Govern item ``dataiku_artifact`` is governed by. NOT_GOVERNED only on a readable answer
        (the field absent or empty); anything else it cannot read is MALFORMED."""
        field = self.names.field_governed_by
        fields = dataiku_artifact.get("fields")
        if not isinstance(fields, dict):
            raise gate.GateError(gate.REFUSE_MALFORMED, "Govern item {} of {} has no readable 'fields'.".format(
                dataiku_artifact.get("id"), label))
        target = fields.get(field)
        if isinstance(target, list):  # tolerate a one-element list
            if len(target) > 1:
                raise gate.GateError(gate.REFUSE_AMBIGUOUS, "{} is governed by {} Govern items; the gate needs one."
                                     .format(label, len(target)))
            target = target[0] if target else None
        if not target:
            raise gate.GateError(gate.REFUSE_NOT_GOVERNED, "{} is not governed in Govern (its Govern item {} has no "
                                 "'{}' link): a Govern user must govern it before a bundle can be created{}.".format(
                                     label, dataiku_artifact.get("id"), field,
                                     "" if field in fields else gate.describe_fields(fields)))
        if not ids.is_valid(ids.ARTIFACT_ID, target):
            raise gate.GateError(gate.REFUSE_MALFORMED, "{} is governed by {!r}, which is not a Govern artifact id."
                                 .format(label, target))
        return target

    def get_artifact(self, artifact_id):
        ids.check(ids.ARTIFACT_ID, artifact_id, "Govern artifact id")
        raw = self._call("reading Govern artifact " + artifact_id,
                         self.client.get_artifact(artifact_id).get_definition).get_raw()
        if not isinstance(raw, dict):
            raise gate.GateError(gate.REFUSE_MALFORMED, "Govern artifact {} is not an object.".format(artifact_id))
        return raw

    def _governed_item(self, kind, label, dataiku_item):
        target = self.governed_by(dataiku_item, label)
        govern_item = self.get_artifact(target)
        bpv = govern_item.get("blueprintVersionId") if isinstance(govern_item.get("blueprintVersionId"), dict) else {}
        return gate.GovernedItem(kind=kind, dss_label=label, dataiku_artifact_id=dataiku_item["id"],
                                 govern_artifact_id=target, govern_name=str(govern_item.get("name") or ""),
                                 govern_blueprint=str(bpv.get("blueprintId") or ""))

    def item_lookup(self, kind, saved_model_id="", model_version=""):
        """(label, blueprint, searched fields) of this project (``kind`` "project") or of a saved-model version."""
        n, base = self.names, {self.names.field_node_id: self.node_id, self.names.field_project_key: self.project_key}
        if kind == "saved_model_version":
            return ("saved model version {}.{}/{}".format(self.project_key, saved_model_id, model_version),
                    n.bp_model_version, dict(base, **{n.field_saved_model_id: saved_model_id,
                                                      n.field_version_id: model_version}))
        if kind == "bundle":
            return _bundle_label(saved_model_id, self.project_key), n.bp_bundle, dict(base, **{n.field_bundle_id:
                                                                                                 saved_model_id})
        return "project " + self.project_key, n.bp_project, base

    def resolve_item(self, kind, saved_model_id="", model_version=""):
        """The GovernedItem of this project (``kind`` "project") or of a saved-model version."""
        label, blueprint, fields = self.item_lookup(kind, saved_model_id, model_version)
        return self._governed_item(kind, label, self.search_dataiku_item(blueprint, fields, label))

    def _bundle_artifact(self, bundle_id):
        label, blueprint, fields = self.item_lookup("bundle", bundle_id)
        return self.search_dataiku_item(blueprint, fields, label)

    def resolve_bundle(self, bundle_id, artifact=None):
        """The GovernedItem of a bundle: Dataiku bundle → ``governed_by`` → Govern bundle (the item the
        Project Deployer's Govern check policy looks at)."""
        return self._governed_item("bundle", _bundle_label(bundle_id, self.project_key),
                                   artifact or self._bundle_artifact(bundle_id))

    # -- sign-offs ------------------------------------------------------------------------------
    def read_signoffs(self, item, step):
        """``[(step, raw sign-off)]`` that decide for ``item``: the named step's, or — ``step`` empty —
        every sign-off the item has (Govern creates the sign-offs of all steps with the artifact, from
        its template), discovered with list_signoffs."""
        if step:
            return [(step, self.read_signoff(item, step))]
        return [(s, self.read_signoff(item, s)) for s in self.signoff_steps(item)]

    def listed_signoffs(self, artifact_id):
        listed = self._call("listing the sign-offs of Govern item " + artifact_id,
                            self.client.get_artifact(artifact_id).list_signoffs)
        return [entry.get_raw() for entry in listed]

    def signoff_steps(self, item):
        try:
            steps = gate.signoff_steps(self.listed_signoffs(item.govern_artifact_id))
        except (ValueError, AttributeError, TypeError) as err:
            raise gate.GateError(gate.REFUSE_MALFORMED, "Govern listed the sign-offs of {} in a shape the gate cannot "
                                 "read ({}).".format(item.govern_label, err)) from None
        for step in steps:
            ids.check(ids.STEP_ID, step, "sign-off step of " + item.govern_label)
        return steps

    def read_signoff(self, item, step):
        """Raw sign-off JSON of ``step``; a 404 means the step has no sign-off."""
        ids.check(ids.STEP_ID, step, "signoff_step")
        signoff = self.client.get_artifact(item.govern_artifact_id).get_signoff(step)
        try:
            definition = self._call("reading the sign-off on step '{}' of {}".format(step, item.govern_label),
                                    signoff.get_definition)
        except gate.GateError as err:
            if err.code == gate.REFUSE_NOT_FOUND:
                raise gate.GateError(gate.REFUSE_NO_SIGNOFF, "{} has no sign-off on step '{}' ({}){}: check the "
                                     "sign-off step parameter, or leave it empty to use the sign-offs the item has."
                                     .format(item.govern_label, step, err, self._steps_hint(item))) from None
            raise
        return definition.get_raw()

    def _steps_hint(self, item):
        try:
            steps = self.signoff_steps(item)
        except gate.GateError:
            return ""
        return "; its sign-offs are on step(s) {}".format(", ".join(steps)) if steps else "; it has no sign-off"

    # -- bundles' approvals (prune, status) -----------------------------------------------------
    def bundle_approval(self, bundle_id, step, project_governed=None):
        """The BundleApproval of a bundle's own Govern item. NOT_APPROVED only on a readable answer: a
        known sign-off status other than APPROVED (or APPROVED without the final approval), a Dataiku
        bundle that is not governed, or — when the bundle is not in Govern — a project known not to be
        governed (``project_governed`` False). Anything else is UNKNOWN with the reason; transport
        errors (auth, timeout, unreachable, TLS) are raised."""
        try:
            artifact = self._bundle_artifact(bundle_id)
        except gate.GateError as err:
            if err.code in TRANSPORT_CODES:
                raise
            if err.code == gate.REFUSE_NOT_FOUND and project_governed is False:  # the search found nothing
                return bundles.BundleApproval(bundles.NOT_APPROVED, note="not in Govern; the project is not governed")
            return bundles.BundleApproval(bundles.UNKNOWN, note=str(err))
        try:
            item = self.resolve_bundle(bundle_id, artifact)
            decision = gate.decide_signoffs(self.read_signoffs(item, step), item, require_final_approval=True)
        except gate.GateError as err:
            if err.code in TRANSPORT_CODES:
                raise
            if err.code == gate.REFUSE_NOT_GOVERNED:
                return bundles.BundleApproval(bundles.NOT_APPROVED, note="not governed in Govern")
            return bundles.BundleApproval(bundles.UNKNOWN, note=str(err))
        except ConfigError as err:  # an id from Govern that cannot go into a URL
            return bundles.BundleApproval(bundles.UNKNOWN, note=str(err))
        return bundles.approval_of(decision)

    def project_governed(self):
        """True / False when Govern answers readably whether the project is governed; None otherwise."""
        label, blueprint, fields = self.item_lookup("project")
        try:
            self.governed_by(self.search_dataiku_item(blueprint, fields, label), label)
        except gate.GateError as err:
            if err.code in TRANSPORT_CODES:
                raise
            return False if err.code == gate.REFUSE_NOT_GOVERNED else None
        except ConfigError:
            return None
        return True
