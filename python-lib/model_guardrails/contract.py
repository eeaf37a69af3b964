"""The recipes' output contract (SPEC §2), named once: the columns every metrics table holds, each
family's subject and extra columns, and the marker values of the rows that are not about one
feature or group. The table writers, the checks, the probe and the reports import these names;
nothing else spells them."""

COMMON_COLUMNS = ["run_id", "run_time", "metric", "value", "warning_threshold", "error_threshold",
                  "direction", "status", "reason"]

# compute-drift: one row per (feature, metric); run-level metrics (drift_share, drifted_features) on
# the row whose feature is DATASET.
DATASET = "__dataset__"
DRIFT_SUBJECT = ("feature", "feature_type")
DRIFT_EXTRA = ("n_reference", "n_current", "convention")

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
