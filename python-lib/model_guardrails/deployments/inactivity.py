"""Which saved models and deployments have had no activity for N days, judged only from what the
public API exposes (scoring calls are not exposed), and what to do with each.

Evidence per kind (the adapters read it; docs/deployments.md lists the calls):

* deployment: the start of its last update (``DSSProjectDeployerDeployment.get_update()``, clients
  14.3+; on older clients it cannot be read, so every deployment is UNKNOWN);
* published project (for ``bundle_action`` 'delete', ``retire``): the newest of its deployments'
  last updates and its bundles' publication dates (the Project Deployer's ``publishedOn``);
* saved model: the newest train date of its versions (the version snippet's ``trainDate``,
  UNCONFIRMED: epoch milliseconds assumed), as the last time it changed.

A date outside ``epoch.PLAUSIBLE_MS`` (1973-2286 read as milliseconds: e.g. seconds, which would
read as January 1970 and so as "inactive for 56 years") makes the item UNKNOWN, never INACTIVE.

Fail closed: an item whose activity cannot be read is UNKNOWN and never archived; a saved model of a
project with an enabled deployment (a bundle carries every saved model of its project) or with an
API service (which endpoint serves which model is not read) is kept unless ``include_in_use``.
"""
from dataclasses import dataclass
from typing import Optional, Tuple

from ..epoch import PLAUSIBLE_MS, is_plausible_ms
from ..gate.signoffs import format_time

DEPLOYMENT, SAVED_MODEL, PUBLISHED_PROJECT = "deployment", "saved model", "published project"
ACTIVE, INACTIVE, UNKNOWN = "ACTIVE", "INACTIVE", "UNKNOWN"
ARCHIVE, KEEP = "archive", "keep"
DAY_MS = 86400000.0
# a timestamp later than now by more than this is not plausible: UNKNOWN, not "active"
FUTURE_TOLERANCE_MS = DAY_MS


@dataclass(frozen=True)
class Activity:
    kind: str
    item_id: str
    last_ms: Optional[float]       # None: not readable
    evidence: str                  # which call / field the date comes from
    error: str = ""                # why it could not be read
    used_by: Tuple[str, ...] = ()  # what may serve this saved model: "deployment X", "API service Y"
    enabled: Optional[bool] = None  # deployments: settings 'enabled' (None: not reported)


@dataclass(frozen=True)
class Judgement:
    activity: Activity
    verdict: str                   # ACTIVE, INACTIVE or UNKNOWN
    action: str                    # ARCHIVE or KEEP
    reason: str

    @property
    def last_seen(self):
        return format_time(self.activity.last_ms) if self.activity.last_ms is not None else ""


def judge(activity, now_ms, days, include_in_use=False):
    """One Judgement. Only INACTIVE items are archived, and never a saved model in use unless told."""
    if activity.last_ms is None or activity.error:
        return Judgement(activity, UNKNOWN, KEEP, "activity unreadable ({}): never archived".format(
            activity.error or "no date in " + activity.evidence))
    if not is_plausible_ms(activity.last_ms):
        return Judgement(activity, UNKNOWN, KEEP, implausible(activity.last_ms))
    if activity.last_ms > now_ms + FUTURE_TOLERANCE_MS:
        return Judgement(activity, UNKNOWN, KEEP, "the last activity date {} is in the future: never archived".format(
            format_time(activity.last_ms)))
    age_days = (now_ms - activity.last_ms) / DAY_MS
    if age_days < days:
        return Judgement(activity, ACTIVE, KEEP, "last activity {:.0f} day(s) ago (under {})".format(age_days, days))
    reason = "no activity for {:.0f} day(s) (limit {})".format(age_days, days)
    if activity.kind == DEPLOYMENT and activity.enabled is False:
        return Judgement(activity, INACTIVE, KEEP, reason + "; already disabled")
    if activity.kind == SAVED_MODEL and activity.used_by and not include_in_use:
        return Judgement(activity, INACTIVE, KEEP, reason + "; kept: it may be served by {} (set "
                         "include_models_in_use to archive it anyway)".format(", ".join(activity.used_by)))
    return Judgement(activity, INACTIVE, ARCHIVE, reason)


def judge_all(activities, now_ms, days, include_in_use=False):
    return [judge(a, now_ms, days, include_in_use) for a in activities]


def implausible(value):
    return ("the date {!r} is not epoch milliseconds between {:.0e} and {:.0e} (its unit is UNCONFIRMED; seconds "
            "would read as 1970): never archived".format(value, *PLAUSIBLE_MS))


def newest_ms(values):
    """(the newest epoch-ms value among ``values``, error): numbers only (others are ignored); any
    number outside PLAUSIBLE_MS makes the whole answer unknown (None, the reason) — the unit is not
    the one assumed, so no date of the lot can be trusted."""
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    wrong = [v for v in numbers if not is_plausible_ms(v)]
    if wrong:
        return None, implausible(wrong[0])
    return (max(numbers) if numbers else None), ""
