"""Which saved models and deployments have had no activity for N days, judged only from what the
public API exposes (scoring calls are not exposed), and what to do with each.

Evidence per kind (the adapters read it; docs/deployments.md lists the calls):

* deployment: the start of its last update (``DSSProjectDeployerDeployment.get_update()``, clients
  14.3+; on older clients it cannot be read, so every deployment is UNKNOWN);
* published project (for ``bundle_action`` 'delete', ``retire``): the newest of its deployments'
  last updates and its bundles' publication dates (the Project Deployer's ``publishedOn``);
* saved model: the newest of the train dates of its versions (the version snippet's ``trainDate``,
  UNCONFIRMED: epoch milliseconds assumed), as the last time it changed, and the creation date of
  the last Model Evaluation Store evaluation linked to one of its versions (the evaluation's
  ``created`` and ``modelRef.fullId`` = ``S-<project>-<model>-<version>``, as the client's
  ``DSSModelEvaluationFullInfo`` reads them; epoch milliseconds UNCONFIRMED), as the last time it
  was scored and monitored (:func:`saved_model_activity`). Stores unreadable: UNKNOWN.

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
class Evaluation:
    """One Model Evaluation Store evaluation as the adapter read it."""
    store_id: str
    evaluation_id: str
    created_ms: Optional[float]          # the evaluation's 'created' (None: absent or not a number)
    model_full_id: Optional[str] = None  # its modelRef.fullId (None: not linked to a saved model version)


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


def linked_to(evaluation, project_key, model_id):
    """True when the evaluation's model reference names a version of saved model ``model_id`` of
    ``project_key`` (``S-<project>-<model>-<version>``; project keys and saved model ids hold no '-')."""
    ref = evaluation.model_full_id
    if not isinstance(ref, str):
        return False
    parts = ref.split("-", 3)
    return len(parts) == 4 and parts[0] == "S" and parts[1] == project_key and parts[2] == model_id and bool(parts[3])


def saved_model_activity(project_key, model_id, train_dates, train_evidence, evaluations, evaluations_error="",
                         error="", used_by=()):
    """The saved model's Activity: the newest of its versions' train dates and of the creation dates
    of the Model Evaluation Store evaluations linked to it (``evaluations``: every evaluation of the
    project's stores, [Evaluation]; those of other models or of no model do not count). Unreadable
    (UNKNOWN) when ``error``, when the stores could not be read (``evaluations_error``), or when a
    linked evaluation has no date or any date is not plausible as epoch milliseconds. The evidence
    names the newest train date and the last evaluation (store, evaluation, date)."""
    linked = [e for e in evaluations if linked_to(e, project_key, model_id)]
    last_eval = max((e for e in linked if e.created_ms is not None), key=lambda e: e.created_ms, default=None)
    last_train, wrong = newest_ms(train_dates)
    evidence = "{}: {}; the last Model Evaluation Store evaluation linked to it (created): {}".format(
        train_evidence, format_time(last_train) if last_train is not None and not wrong else "none",
        "unreadable" if evaluations_error else "none" if last_eval is None else "store {}, evaluation {}, {}".format(
            last_eval.store_id, last_eval.evaluation_id,
            format_time(last_eval.created_ms) if is_plausible_ms(last_eval.created_ms) else repr(last_eval.created_ms)))
    undated = [e for e in linked if e.created_ms is None]
    if evaluations_error:
        error = error or "the Model Evaluation Stores could not be read ({})".format(evaluations_error)
    elif undated:
        error = error or "evaluation {} of store {} has no creation date".format(undated[0].evaluation_id,
                                                                                undated[0].store_id)
    last, wrong = newest_ms(list(train_dates) + [e.created_ms for e in linked])
    return Activity(SAVED_MODEL, model_id, last, evidence, error or wrong, tuple(used_by))
