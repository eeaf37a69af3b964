"""The "model live in production" audit entry: written when the plugin publishes a bundle or
updates / rolls back a deployment, to the gate's audit channel (DSS custom audit, customMsgType
``model-guardrails-gate``) and, where Govern is reachable, to Govern's audit trail too."""
from datetime import datetime, timezone

LIVE = "model live in production"


def live_params(actor, project_key, bundle_id, deployment_id="", infra_id="", approver="", how="", detail="",
                now=None, previous_bundle_id=""):
    """customMsgParams of one live-in-production entry (plain, secret-free values). ``how``: what
    made it live (``published``, ``deployment updated``, ``rolled back``...)."""
    now = now or datetime.now(timezone.utc)
    return {"action": LIVE, "how": how, "actor": actor or "", "projectKey": project_key, "bundleId": bundle_id,
            "previousBundleId": previous_bundle_id, "deploymentId": deployment_id, "infraId": infra_id,
            "approver": approver or "", "detail": detail, "time": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
