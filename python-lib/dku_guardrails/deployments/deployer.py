"""Project Deployer deployments through the public ``dataikuapi`` client, on top of the gate's
DssGateway (its hardened client, deadline and redaction): settings, the update and its result under
the macro's own deadline, the update history, the administrator check, the live-in-production audit.

Every call exists in dataiku-api-client 12.6.4 … 15.2.0 except ``list_updates`` / ``get_update``
(14.3+), which is feature-detected. ``DSSFuture.wait_for_result`` loops until the future has a
result, with no deadline (dataiku-api.md §6): the update is polled here instead."""
import time

from model_guardrails import gate, ids
from model_guardrails.deployments import inactivity

from ..gate.http import long_call

FIRST_POLL, MAX_POLL = 0.2, 5.0


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
        result; GateError TIMEOUT when it has none in time, SERVER_ERROR when it failed (the poll
        answers an error, the future died without a result, or the result reports an error)."""
        ids.check(ids.DEPLOYMENT_ID, deployment_id, "deployment_id")
        deployment = self.deployer.get_deployment(deployment_id)
        end = clock() + float(seconds)
        with long_call(self.dss.client, seconds):
            future = self._call("starting the update of deployment " + deployment_id, deployment.start_update)
            state, interval = future.state if isinstance(future.state, dict) else {}, FIRST_POLL
            while not state.get("hasResult"):
                if state.get("alive") is False:
                    raise gate.GateError(gate.REFUSE_SERVER, "The update of deployment {} ended without a result."
                                         .format(deployment_id))
                left = end - clock()
                if left <= 0:
                    raise gate.GateError(gate.REFUSE_TIMEOUT, "The update of deployment {} had no result after {:g} s "
                                         "(update_timeout_seconds); it may still be running: see the deployment's "
                                         "last update on the Project Deployer.".format(deployment_id, seconds))
                sleep(min(interval, left))
                interval = min(MAX_POLL, interval * 1.5)
                try:
                    state = self._call("waiting for the update of deployment " + deployment_id, future.get_state)
                except gate.GateError as err:
                    raise gate.GateError(err.code, "The update of deployment {} failed: {}".format(
                        deployment_id, err)) from None
                state = state if isinstance(state, dict) else {}
        result = state.get("result")
        # UNCONFIRMED: the result's shape; an InfoMessages-like object whose error flag says it failed
        if isinstance(result, dict) and (result.get("error") is True or result.get("maxSeverity") == "ERROR"):
            raise gate.GateError(gate.REFUSE_SERVER, "The update of deployment {} reported an error: {}".format(
                deployment_id, _messages(result)))
        return result

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
        """[(deployment id, settings raw)] of the deployments of published project ``project_key``."""
        _, used = self.dss.deployer_state()
        out = []
        for dep_ids in used.values():
            for dep_id in dep_ids:
                out.append((dep_id, self.settings(dep_id).get_raw()))
        return sorted(out)

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
