"""Bundle listings, prune selection and governance-status rows, as functions over plain data."""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional, Tuple

from .. import ids
from ..errors import ConfigError
from .codes import ABANDONED, APPROVED, REFUSE_FINAL, REFUSE_STATUS, REJECTED, SIGNOFF_STATUSES
from .signoffs import format_time

# -- bundle listings ---------------------------------------------------------------------------

def to_epoch_ms(value):
    """exportedOn / publishedOn (epoch ms or ISO-8601 text) to epoch ms; None when unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp() * 1000.0
    return None


@dataclass(frozen=True)
class BundleInfo:
    bundle_id: str
    location: str                 # "design" (exported) or "deployer" (published)
    created_ms: Optional[float]
    created_by: str = ""
    release_notes: str = ""
    published_on: str = ""
    published_by: str = ""

    @property
    def created(self):
        return format_time(self.created_ms) if self.created_ms is not None else ""


def exported_bundles(raw):
    """GET /projects/{K}/bundles/exported → [BundleInfo]. Raises ValueError on an unreadable answer."""
    if not isinstance(raw, dict) or not isinstance(raw.get("bundles"), list):
        raise ValueError("the exported-bundle list is not an object with a 'bundles' list")
    out = []
    for item in raw["bundles"]:
        if not isinstance(item, dict) or not isinstance(item.get("bundleId"), str):
            raise ValueError("an exported bundle has no 'bundleId'")
        manifest = item.get("exportManifest") if isinstance(item.get("exportManifest"), dict) else {}
        user = manifest.get("exportUserInfo") if isinstance(manifest.get("exportUserInfo"), dict) else {}
        published = item.get("publishedBundleState") if isinstance(item.get("publishedBundleState"), dict) else {}
        out.append(BundleInfo(
            bundle_id=item["bundleId"], location="design", created_ms=to_epoch_ms(user.get("exportedOn")),
            created_by=str(user.get("exportedBy") or ""), release_notes=str(user.get("releaseNotes") or ""),
            published_on=format_time(published.get("publishedOn")) if published else "",
            published_by=str(published.get("publishedBy") or "") if published else ""))
    return out


def published_bundles(packages):
    """The deployer project's ``packages`` → [BundleInfo]."""
    if not isinstance(packages, list):
        raise ValueError("the published project's 'packages' is not a list")
    out = []
    for item in packages:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ValueError("a published bundle has no 'id'")
        state = item.get("publishedBundleState") if isinstance(item.get("publishedBundleState"), dict) else item
        when = state.get("publishedOn")
        out.append(BundleInfo(bundle_id=item["id"], location="deployer", created_ms=to_epoch_ms(when),
                              published_on=format_time(when), published_by=str(state.get("publishedBy") or "")))
    return out


# -- prune -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PruneItem:
    bundle_id: str
    location: str
    created: str
    action: str    # "delete" or "keep"
    reason: str


def _newest_first(bundles):
    # Unknown dates sort first: they are treated as newest, hence kept.
    return sorted(bundles, key=lambda b: (b.created_ms is not None, -(b.created_ms or 0), b.bundle_id))


def plan_prune(exported, published, deployed, approvals, gate_records, keep):
    """What prune-bundles deletes: per location, everything beyond the newest ``keep`` bundles,
    except a bundle a deployment uses (``deployed``: {bundle_id: [deployment ids]}), the newest
    approved bundle, a bundle whose approval cannot be established, a bundle without a readable
    date, and an id unsafe in a URL.

    ``approvals``: {bundle_id: BundleApproval} from the bundles' own Govern sign-offs;
    ``gate_records``: the ids the gate's approval record marks as gate-approved. A bundle is
    approved when either says so; it may be deleted only when it is not approved and Govern
    answered readably that it is not (``BundleApproval.state`` NOT_APPROVED)."""
    if not isinstance(keep, int) or keep < 1:
        raise ConfigError("keep", keep, "an integer of at least 1")

    def approval(bundle_id):
        return approvals.get(bundle_id, BundleApproval(UNKNOWN, note="not looked up"))

    def counts_approved(bundle_id):
        return is_approved(approval(bundle_id), bundle_id in gate_records)

    everything = list(exported) + list(published)
    approved = [b for b in _newest_first(everything) if counts_approved(b.bundle_id) and b.created_ms is not None]
    newest_approved = approved[0].bundle_id if approved else None
    plan = []
    for location, bundles in (("design", exported), ("deployer", published)):
        dated = _newest_first([x for x in bundles if x.created_ms is not None])
        for bundle in [x for x in bundles if x.created_ms is None]:
            plan.append(PruneItem(bundle.bundle_id, location, "", "keep", "creation date unknown: kept to be safe"))
        for rank, bundle in enumerate(dated):
            found = approval(bundle.bundle_id)
            if rank < keep:
                action, reason = "keep", "among the newest {} {} bundles".format(keep, _where(location))
            elif bundle.bundle_id in deployed:
                action, reason = "keep", "used by deployment {}".format(", ".join(sorted(deployed[bundle.bundle_id])))
            elif bundle.bundle_id == newest_approved:
                action, reason = "keep", "newest approved bundle"
            elif not counts_approved(bundle.bundle_id) and found.state != NOT_APPROVED:
                action, reason = "keep", "approval could not be established ({}): kept to be safe".format(
                    found.note or "Govern gave no readable answer")
            elif not ids.is_valid(ids.BUNDLE_ID, bundle.bundle_id):
                action, reason = "keep", "id has characters that would corrupt the API URL: delete it by hand"
            else:
                action = "delete"
                reason = "older than the newest {} {} bundles, not deployed, not the newest approved one ({})".format(
                    keep, _where(location), "approved" if counts_approved(bundle.bundle_id) else
                    "Govern: " + (found.note or found.status or "not approved"))
            plan.append(PruneItem(bundle.bundle_id, location, bundle.created, action, reason))
    return plan


def _where(location):
    return "exported" if location == "design" else "published"


# -- governance status -------------------------------------------------------------------------

# What Govern says of a bundle's approval: APPROVED, NOT_APPROVED (a readable answer: a sign-off
# status other than APPROVED, or a bundle or project that is not governed) or UNKNOWN (anything else:
# not synced yet, an error, an unreadable answer). Only NOT_APPROVED lets prune delete a bundle.
NOT_APPROVED, UNKNOWN = "NOT_APPROVED", "UNKNOWN"


@dataclass(frozen=True)
class BundleApproval:
    state: str = UNKNOWN
    status: str = ""          # Govern sign-off status of the bundle's Govern item, or "" if not read
    approver: str = ""
    note: str = ""            # e.g. "not in Govern yet (sync pending)" or an error


# Govern sign-off statuses that override the gate's approval record: Govern said no after the gate said yes.
OVERRIDING_REFUSALS = (REJECTED, ABANDONED)


def is_approved(approval, gate_record):
    """The one rule of a bundle's approval: its Govern sign-off is APPROVED, or the gate's approval record
    says the gate approved its creation (``gate_record``: True) and Govern has not since REJECTED or
    ABANDONED its sign-off (a readable refusal wins over the record)."""
    state = getattr(approval, "state", UNKNOWN)
    if state == APPROVED:
        return True
    refused = state == NOT_APPROVED and getattr(approval, "status", "") in OVERRIDING_REFUSALS
    return bool(gate_record) and not refused


@dataclass(frozen=True)
class StatusRow:
    bundle_id: str
    exported: str
    exported_by: str
    govern_status: str
    approver: str
    gate_record: bool
    published: str
    deployments: Tuple[str, ...]
    approved: bool
    flag: str
    note: str


def status_rows(exported, published, deployed, approvals, gate_records):
    """One row per bundle id (exported or published), newest first, with its approval and flags.

    A bundle counts as approved when its own Govern sign-off is APPROVED, or when the gate's
    approval record (``gate_records``: ids) says create-approved-bundle created it on an approval.
    """
    by_id = {}
    for bundle in list(exported) + list(published):
        by_id.setdefault(bundle.bundle_id, []).append(bundle)
    rows = []
    for bundle_id, copies in by_id.items():
        design = next((b for b in copies if b.location == "design"), None)
        deployer = next((b for b in copies if b.location == "deployer"), None)
        approval = approvals.get(bundle_id, BundleApproval(note="not looked up"))
        gate = bundle_id in gate_records
        approved = is_approved(approval, gate)
        deps = tuple(sorted(deployed.get(bundle_id, ())))
        published_on = (deployer.published_on if deployer else "") or (design.published_on if design else "")
        is_published = deployer is not None or bool(design and design.published_on)
        flag = ""
        if deps and not approved:
            flag = "DEPLOYED WITHOUT APPROVAL"
        elif is_published and not approved:
            flag = "PUBLISHED WITHOUT APPROVAL"
        created = design.created_ms if design else (deployer.created_ms if deployer else None)
        rows.append((created, StatusRow(
            bundle_id=bundle_id, exported=design.created if design else "",
            exported_by=design.created_by if design else "", govern_status=approval.status or "UNKNOWN",
            approver=approval.approver, gate_record=gate,
            published=(published_on or "yes") if is_published else "", deployments=deps,
            approved=approved, flag=flag, note=approval.note)))
    rows.sort(key=lambda pair: (pair[0] is not None, -(pair[0] or 0), pair[1].bundle_id))
    return [row for _, row in rows]


def approval_of(decision):
    """The BundleApproval a sign-off decision on a bundle's Govern item amounts to: NOT_APPROVED only
    on a readable answer (a known status other than APPROVED, or APPROVED without the final approval)."""
    if decision.approved:
        return BundleApproval(APPROVED, decision.signoff_status, decision.approver)
    readable = decision.code == REFUSE_FINAL or (
        decision.code == REFUSE_STATUS and decision.signoff_status in SIGNOFF_STATUSES)
    return BundleApproval(NOT_APPROVED if readable else UNKNOWN, decision.signoff_status, decision.approver,
                          "" if readable else decision.reason)
