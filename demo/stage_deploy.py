"""Demo stage after the gate: a second approved bundle, a Project Deployer deployment, a release, and
the rollback to the previous approved bundle with rollback-deployment (dry run, then for real).

Called by ``stage_gate.run`` inside its emulator, once the first gate-approved bundle is published:
``run(emu, macro, write, create, first_bundle)`` where ``macro(macro_id, **config)`` runs a plugin
macro, ``write(name, html)`` saves a result page and ``create(version)`` runs create-approved-bundle
on the retrained model's evidence. Returns the summary lines.
"""
import time

import dataikuapi

from dss_local.emulator.deployment_routes import deployed_bundle
from model_guardrails.deployments.live import LIVE

PROJECT = "FRAUD_DETECTION"
DEPLOYMENT = "fraud-detection-gated"
INFRA = "production"


def _update(client, deployment_id, seconds=60.0):
    """One deployment update through the public client, as a release script would do it, polled
    under a deadline (DSSFuture.wait_for_result() has none)."""
    future = client.get_projectdeployer().get_deployment(deployment_id).start_update()
    end, state = time.monotonic() + seconds, future.state or {}
    while not state.get("hasResult"):
        if state.get("alive") is False or time.monotonic() > end:
            raise RuntimeError("the update of deployment {} did not finish: {}".format(deployment_id, state))
        time.sleep(0.1)
        state = future.get_state()
    return state.get("result")


def run(emu, macro, write, create, first_bundle, dss_key="dss-demo-key"):
    lines = []
    create("1.1")
    state = emu.state.snapshot()
    second = state["dss"]["projects"][PROJECT]["bundles"][-1]["bundleId"]
    governed = [a for a in state["govern"]["artifacts"].values() if a["fields"].get("bundle_id") == second]
    emu.state.set_signoff(governed[0]["fields"]["governed_by"], "review", "APPROVED", approver="deploy.manager")
    macro("publish-approved-bundle", bundle_id=second)
    lines.append("second approved bundle {} created and published (Govern bundle review approved by "
                 "deploy.manager)".format(second))

    client = dataikuapi.DSSClient(emu.url, dss_key)
    client.get_projectdeployer().create_deployment(DEPLOYMENT, PROJECT, INFRA, first_bundle)
    _update(client, DEPLOYMENT)
    settings = client.get_projectdeployer().get_deployment(DEPLOYMENT).get_settings()
    settings.bundle_id = second
    settings.save()
    _update(client, DEPLOYMENT)
    lines.append("deployment {} on infrastructure {}: {} deployed, then released to {}".format(
        DEPLOYMENT, INFRA, first_bundle, second))

    path = write("rollback_dry_run.html", macro("rollback-deployment", deployment_id=DEPLOYMENT))
    (decided,) = [e["customMsgParams"] for e in emu.state.snapshot()["dss"]["audit"]
                  if e["customMsgParams"].get("action") == "dry-run rollback decision"][-1:]
    lines.append("rollback-deployment (dry run): {} switching {} back to {} -> {}".format(
        "would be" if decided["decision"] == "APPROVE" else "REFUSED", second, decided["bundleId"] or "(none)", path))
    path = write("rollback.html", macro("rollback-deployment", deployment_id=DEPLOYMENT, dry_run=False))
    deployer = emu.state.snapshot()["dss"]["deployer"]
    lines.append("rollback-deployment: deployment {} now runs {} (update {}) -> {}".format(
        DEPLOYMENT, deployer["deployments"][DEPLOYMENT]["bundleId"],
        "done" if deployed_bundle(deployer, DEPLOYMENT) == first_bundle else "NOT done", path))
    live = [e["customMsgParams"] for e in emu.state.snapshot()["dss"]["audit"]
            if e["customMsgParams"].get("action") == LIVE]
    lines.append("live-in-production records in the DSS audit trail: {} ({})".format(
        len(live), "; ".join("{} {}".format(e["bundleId"], e["how"]) for e in live)))
    return lines
