"""Which published bundles decommission-inactive deletes (``bundle_action`` 'delete'): a pure
decision over what the adapters read.

Only bundles published on the Project Deployer under an INACTIVE published project (its activity:
the last update of each of its deployments and the publication of its bundles, judged like any item
by ``inactivity.judge``), and of those never:

* a bundle a deployment names (enabled or not);
* the newest bundle the gate approved and exported (the approval record, ``decidedOn``) that is
  published, nor the previous approved one (what rollback-deployment would go back to from it);
* the rollback target of any deployment (the previous approved bundle before the one it names);
* an id that is unsafe in a URL.

Fail closed: the published project not INACTIVE (ACTIVE or UNKNOWN), the approval record unreadable,
or an approved published bundle whose ``decidedOn`` cannot be parsed (so "newest" is unknown): nothing
is deleted.
"""
from dataclasses import dataclass

from .. import ids
from ..gate import ledger
from .inactivity import INACTIVE
from .rollback import approval_age, approved_exported, previous_approved

DELETE, KEEP = "delete", "keep"


@dataclass(frozen=True)
class BundlePlan:
    bundle_id: str
    action: str                    # DELETE or KEEP
    reason: str


def plan_bundle_deletion(project, published, used, records, exported_on=None):
    """[BundlePlan] for the ``published`` bundle ids of one published project. ``project``: its
    inactivity Judgement; ``used``: {bundle id: (deployment ids)}; ``records``: the gate's approval
    record ({bundle id: record}) or None when unreadable."""
    published = list(published)
    if project.verdict != INACTIVE:
        return [BundlePlan(b, KEEP, "published project {} is {}: no bundle of it is deleted".format(
            project.activity.item_id, project.verdict)) for b in published]
    if records is None:
        return [BundlePlan(b, KEEP, "the gate's approval record cannot be read, so the newest approved bundle and "
                           "the rollback targets are unknown: nothing is deleted") for b in published]
    exported_on = exported_on or {}
    present = frozenset(published)
    approved = {b: r for b, r in records.items() if b in present and approved_exported(r)}
    undated = sorted(b for b, r in approved.items() if ledger.decided_on(r) is None)
    if undated:
        return [BundlePlan(b, KEEP, "the decidedOn of approved bundle(s) {} is missing or not {}, so the newest "
                           "approved bundle is unknown: nothing is deleted".format(", ".join(undated),
                                                                                   ledger.TIME_FORMAT))
                for b in published]
    protected = {}
    if approved:
        newest = max(approved, key=lambda b: approval_age(approved[b], exported_on))
        protected[newest] = "the newest approved bundle"
        previous = previous_approved(records, newest, present, present, exported_on)[0]
        if previous is not None:
            protected.setdefault(previous["bundleId"], "the rollback target of the newest approved bundle {}".format(
                newest))
    for bundle_id, deployments in sorted(used.items()):
        previous = previous_approved(records, bundle_id, present, present, exported_on)[0]
        if previous is not None:
            protected.setdefault(previous["bundleId"], "the rollback target of deployment(s) {}".format(
                ", ".join(sorted(deployments))))
    plans = []
    for bundle_id in published:
        if bundle_id in used:
            plans.append(BundlePlan(bundle_id, KEEP, "used by deployment(s) {}".format(
                ", ".join(sorted(used[bundle_id])))))
        elif bundle_id in protected:
            plans.append(BundlePlan(bundle_id, KEEP, protected[bundle_id]))
        elif not ids.is_valid(ids.BUNDLE_ID, bundle_id):
            plans.append(BundlePlan(bundle_id, KEEP, "id has characters that would corrupt the API URL"))
        else:
            plans.append(BundlePlan(bundle_id, DELETE, "published project inactive ({}); no deployment uses it; "
                                    "neither the newest approved bundle nor a rollback target".format(project.reason)))
    return plans
