"""Project Deployer deployments through the public ``dataikuapi`` client, on top of the gate's
DssGateway (its hardened client, deadline and redaction): settings, the update and its result under
the macro's own deadline, the update history, the administrator check, the live-in-production audit.

Every call exists in dataiku-api-client 12.6.4 … 15.2.0 except ``list_updates`` / ``get_update``
(14.3+), which is feature-detected. ``DSSFuture.wait_for_result`` loops until the future has a
result, with no deadline (dataiku-api.md §6): the update is polled here instead."""
import time

from dataikuapi.utils import DataikuException
from model_guardrails import gate, ids
from model_guardrails.deployments import inactivity
from model_guardrails.gate import bundles

from ..gate.http import classify, long_call, timeout_at_most

FIRST_POLL, MAX_POLL = 0.2, 5.0
# how dataikuapi words an HTTP error whose body is not DSS's JSON error (a proxy's page, an HTML 500/502)
NOT_DSS_BODY = "Unknown error"
UPDATE_FAILED = "FAILED"  # UNCONFIRMED: the status of a failed update (DSSProjectDeployerDeploymentUpdate.status)


class UpdateNotConfirmed(gate.GateError):
    """A deployment update that did not end in a result: ``failed`` True when DSS said it failed,
    False when its state is unknown (it may still finish)."""

    def __init__(self, code, message, failed):
        super().__init__(code, message)
        self.failed = failed


class _DssAnswered(Exception):
    """A DataikuException carrying DSS's own error body (kept apart from transport failures)."""

    def __init__(self, exc):
        super().__init__(str(exc))
        self.exc = exc


class Deployer:
    """The Project Deployer as seen by one macro run; ``dss`` is its DssGateway."""

    def __init__(self, dss):
        self.dss = dss
        self.deployer = dss.client.get_projectdeployer()

    def _call(self, what, fn, *args, **kwargs):
        return self.dss.redactor.call("DSS", what, fn, *args, **kwargs)

    def settings(self, deployment_id):
        """DSSProjectDeployerDeploymentSettings; GateError NOT_FOUND for an unknown deployment."""
        ids.check(ids.DEPLOYMENT_ID, deployment_id, "deployment_id")
        settings = self._call("reading the settings of deployment " + deployment_id,
                              self.deployer.get_deployment(deployment_id).get_settings)
        raw = settings.get_raw()
        if not isinstance(raw, dict) or not isinstance(raw.get("bundleId"), str):
            raise gate.GateError(gate.REFUSE_MALFORMED, "The settings of deployment {} have no bundleId.".format(
                deployment_id))
        return settings

    def save_bundle(self, deployment_id, settings, bundle_id):
        ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
        settings.bundle_id = bundle_id
        self._call("saving deployment {} with bundle {}".format(deployment_id, bundle_id), settings.save)

    def save_enabled(self, deployment_id, settings, enabled):
        """Set the settings' ``enabled`` flag (UNCONFIRMED key: refused when the settings lack it).
        UNCONFIRMED: what saving enabled=false then updating does on the Automation node (stops the
        deployed project's scenarios? leaves it running?): no public source says; the macro only does
        it behind the explicit opt-in ``disable_deployments_that_may_still_serve``."""
        raw = settings.get_raw()
        if not isinstance(raw.get("enabled"), bool):
            raise gate.GateError(gate.REFUSE_UNSUPPORTED, "The settings of deployment {} have no boolean 'enabled' "
                                 "(UNCONFIRMED key): not disabled.".format(deployment_id))
        raw["enabled"] = enabled
        self._call("saving deployment {} (enabled={})".format(deployment_id, enabled), settings.save)

    def update_and_wait(self, deployment_id, seconds, clock=time.monotonic, sleep=time.sleep):
        """Start the deployment's update and poll its future for at most ``seconds``. Returns the
        result; else raises UpdateNotConfirmed, whose ``failed`` says whether DSS said the update
        failed (a DSS error body on the start or the poll, a future that ended without a result, a
        result reporting an error) or its state is unknown (no answer in time, the node unreachable,
        an answer that is not DSS's: the update may still finish). Only the start request gets the
        long timeout; each poll gets the usual one, capped at the time the wait has left."""
        ids.check(ids.DEPLOYMENT_ID, deployment_id, "deployment_id")
        deployment = self.deployer.get_deployment(deployment_id)
        end = clock() + float(seconds)
        with long_call(self.dss.client, seconds):
            future = self._answered("starting the update of deployment " + deployment_id, deployment.start_update)
        state, interval = future.state if isinstance(future.state, dict) else {}, FIRST_POLL
        while not state.get("hasResult"):
            if state.get("alive") is False:
                raise UpdateNotConfirmed(gate.REFUSE_SERVER, "The update of deployment {} ended without a result."
                                         .format(deployment_id), failed=True)
            left = end - clock()
            if left <= 0:
                raise UpdateNotConfirmed(gate.REFUSE_TIMEOUT, "The update of deployment {} had no result after {:g} "
                                         "s (update_timeout_seconds); it may still be running: see the deployment's "
                                         "last update on the Project Deployer.".format(deployment_id, seconds),
                                         failed=False)
            sleep(min(interval, left))
            interval = min(MAX_POLL, interval * 1.5)
            if end - clock() <= 0:
                continue  # the wait is over: reported as its timeout above
            try:
                with timeout_at_most(self.dss.client, end - clock()):
                    state = self._answered("waiting for the update of deployment " + deployment_id, future.get_state)
            except UpdateNotConfirmed as err:
                if err.failed or end - clock() > 0:
                    raise
                state = {}  # the poll was cut by the end of the wait: reported as its timeout
            state = state if isinstance(state, dict) else {}
        result = state.get("result")
        # UNCONFIRMED: the result's shape; an InfoMessages-like object whose error flag says it failed
        if isinstance(result, dict) and (result.get("error") is True or result.get("maxSeverity") == "ERROR"):
            raise UpdateNotConfirmed(gate.REFUSE_SERVER, "The update of deployment {} reported an error: {}".format(
                deployment_id, _messages(result)), failed=True)
        return result

    def _answered(self, what, fn):
        """One call of the update; UpdateNotConfirmed on any failure, ``failed`` only when DSS itself
        answered with an error body of a server error (not a 401/403/404, not a proxy's page)."""
        def call():
            try:
                return fn()
            except DataikuException as exc:
                if str(exc).startswith(NOT_DSS_BODY):
                    raise
                raise _DssAnswered(exc) from None
        try:
            return self._call(what, call)
        except _DssAnswered as answered:
            err = classify(answered.exc, "DSS", what, self.dss.redactor.values)
            raise UpdateNotConfirmed(err.code, "{} failed: {}".format(what[0].upper() + what[1:], err),
                                     failed=err.code == gate.REFUSE_SERVER) from None
        except gate.GateError as err:
            raise UpdateNotConfirmed(err.code, "{}: no answer from DSS, the update's state is unknown ({})".format(
                what[0].upper() + what[1:], err), failed=False) from None

    def update_failure_confirmed(self, deployment_id):
        """Whether the deployment's last update says it failed: True / False, or None when this
        client cannot tell (no ``get_update`` before 14.3). UNCONFIRMED: the status value of a
        failed update (``FAILED`` assumed); an unreadable update is False (not confirmed)."""
        deployment = self.deployer.get_deployment(deployment_id)
        if not hasattr(deployment, "get_update"):
            return None
        try:
            update = self._call("reading the last update of deployment " + deployment_id, deployment.get_update)
            status = self._call("reading the status of the last update", lambda: update.status)
        except gate.GateError:
            return False
        return status == UPDATE_FAILED

    def after_failed_update(self, deployment_id, err, put_back, restored, left):
        """What becomes of the saved settings after an update that ended without a result (``err``,
        UpdateNotConfirmed): ``put_back()`` runs only when DSS said the update failed and, where the
        client reads updates (14.3+), the last update says FAILED too; otherwise the settings stay
        and the state is unknown. UNCONFIRMED: what the deployment runs after a failed update.
        Returns the sentence for the result and the audit entry (``restored`` / ``left``: what was done)."""
        if not err.failed:
            return "the update's state is unknown (it may still finish), so {}".format(left)
        if self.update_failure_confirmed(deployment_id) is False:
            return ("DSS answered that the update failed but the deployment's last update does not say {}, so its "
                    "state is unknown and {}".format(UPDATE_FAILED, left))
        try:
            put_back()
        except gate.GateError as back:
            return "the update failed, and putting the settings back failed too ({}), so {}".format(back, left)
        return "the update failed; " + restored

    def last_update_ms(self, deployment_id):
        """(start of the last update in epoch ms or None, evidence text, error text)."""
        ids.check(ids.DEPLOYMENT_ID, deployment_id, "deployment id")
        deployment = self.deployer.get_deployment(deployment_id)
        evidence = "the start of the deployment's last update (get_update)"
        if not hasattr(deployment, "get_update"):
            return None, evidence, "this DSS's client cannot read deployment updates (DSS 14.3 or later can)"
        try:
            update = self._call("reading the last update of deployment " + deployment_id, deployment.get_update)
            start = self._call("reading the start of the last update", lambda: update.start_time)
        except gate.GateError as err:
            return None, evidence, str(err)
        value, wrong = inactivity.newest_ms([start])
        return value, evidence, wrong or ("" if value is not None else "the last update has no readable startTimestamp")

    def project_deployments(self, project_key):
        """([BundleInfo] published, [(deployment id, settings raw)]) of published project
        ``project_key``: its Project Deployer status, then each deployment's settings once; ([], [])
        when the project was never published. GateError for anything else unreadable."""
        ids.check(ids.PROJECT_KEY, project_key, "published project key")
        try:
            status = self._call("reading published project {} on the Project Deployer".format(project_key),
                                self.deployer.get_project(project_key).get_status)
        except gate.GateError as err:
            if err.code == gate.REFUSE_NOT_FOUND:
                return [], []
            raise
        raw = status.get_raw()
        listed = raw.get("deployments") if isinstance(raw, dict) else None
        if not isinstance(listed, list):
            raise gate.GateError(gate.REFUSE_MALFORMED, "The Project Deployer's project status has no deployment list.")
        published = self._call("reading the published bundles", bundles.published_bundles, raw.get("packages"))
        out = []
        for dep in listed:
            dep_id = dep.get("id") if isinstance(dep, dict) else None
            ids.check(ids.DEPLOYMENT_ID, dep_id, "deployment id")
            out.append((dep_id, self.settings(dep_id).get_raw()))
        return published, sorted(out)

    def api_services(self):
        """(ids of the project's API services, or None when unreadable; error text).
        ``DSSProject.list_api_services()`` (GET /projects/{K}/apiservices/, all six clients)."""
        try:
            items = self._call("listing the API services of project " + self.dss.project_key,
                               self.dss.project.list_api_services)
            found = [self._call("reading an API service id", lambda i=item: i["id"]) for item in items]
        except gate.GateError as err:
            return None, str(err)
        if not all(isinstance(i, str) for i in found):
            return None, "an API service has no id"
        return tuple(sorted(found)), ""

    def is_admin(self):
        """True / False, or None when it cannot be told. The public clients have no 'is admin' call:
        an administrator-only read (GET /admin/general-settings, DSSClient.get_general_settings)
        answers it; a refusal (403) means not an administrator, any other failure is unknown."""
        try:
            self._call("checking that you are a DSS administrator", self.dss.client.get_general_settings)
        except gate.GateError as err:
            return False if err.code == gate.REFUSE_FORBIDDEN else None
        return True


def _messages(result):
    found = result.get("messages") if isinstance(result.get("messages"), list) else []
    texts = [str(m.get("message") or m.get("title") or "") for m in found if isinstance(m, dict)]
    return "; ".join(t for t in texts if t) or "no message"
