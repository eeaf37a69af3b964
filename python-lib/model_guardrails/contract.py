"""The recipes' output contract (SPEC §2), named once: the columns every metrics table holds, each
family's subject and extra columns, and the marker values of the rows that are not about one
feature or group. The table writers, the checks, the probe and the reports import these names;
nothing else spells them."""

COMMON_COLUMNS = ["run_id", "run_time", "metric", "value", "warning_threshold", "error_threshold",
                  "direction", "status", "reason"]

# compute-drift: one row per (feature, metric); run-level metrics (drift_share, drifted_features) on
# the row whose feature is DATASET. DECIDED_ON: on a drift_score row, the metric the score was
# decided on ("" on other rows and on a column that could not be used); last, so that rows written
# before it existed read it empty.
DATASET = "__dataset__"
DECIDED_ON = "decided_on"
DRIFT_SUBJECT = ("feature", "feature_type")
# DECISION_RULE: the version of the mass decision (drift/mass.py) on the rows of the features decided on
# drift_mass (and the dataset rows when any is), "" elsewhere; appended last, so that rows written before
# it existed read it empty.
DECISION_RULE = "decision_rule"
DRIFT_EXTRA = ("n_reference", "n_current", "convention", DECIDED_ON, DECISION_RULE)

# compute-fairness: one row per (attribute, group, metric); the whole dataset is group OVERALL, an
# attribute's parity summaries are group SUMMARY.
OVERALL, SUMMARY = "__overall__", "__summary__"
FAIRNESS_SUBJECT = ("attribute", "group")
FAIRNESS_EXTRA = ("n", "ci_low", "ci_high", "reference_group", "ratio_to_reference", "difference_to_reference",
                  "convention")

# evaluate-model: one row per (window, metric); the whole dataset is window ALL_WINDOWS.
ALL_WINDOWS = "__all__"
PERFORMANCE_SUBJECT = ("window",)
PERFORMANCE_EXTRA = ("n", "ci_low", "ci_high", "baseline_value", "change", "change_relative")


def decided_on(row):
    """The metric a drift_score row (a dict or a pandas row) was decided on; "" when the row does not
    say (another metric, an unusable column, or a row written before the column existed)."""
    value = row.get(DECIDED_ON)
    return value if isinstance(value, str) else ""
