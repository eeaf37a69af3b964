"""Fairness of a binary classifier per group of one or more sensitive attributes.

Entry point: :func:`compute_fairness` (scored frame, :class:`FairnessParams`) → the tidy metrics
table of SPEC §2 with ``attribute``, ``group``, ``n``, ``ci_low``, ``ci_high``,
``reference_group``, ``ratio_to_reference``, ``difference_to_reference`` and ``convention``.

All group statistics come from one grouped pass per attribute: confusion counts per group with
``np.bincount``, every rate a vectorised ratio of those counts, ROC AUC per group from one sort
(:mod:`model_guardrails.binary`). Formulas, conventions and bounds are documented in
``docs/fairness.md``.
"""
import logging
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np

from .stats import binary, groups as groupstats, intervals
from .contract import FAIRNESS_EXTRA, FAIRNESS_SUBJECT, OVERALL, SUMMARY
from .errors import ConfigError, InputError
from .bounds import naming
from .params import get_bool, get_choice, get_float, get_int, get_list, get_str, warn_unknown
from .table import ABOVE, BELOW, EMPTY, Bound, RunInfo, metric_row, to_frame

log = logging.getLogger(__name__)

HIGHEST_SELECTION_RATE = "highest_selection_rate"
MAX_GROUPS = 500

# Per-group rates: metric -> (numerator cells, denominator cells, why undefined when 0/0).
_ALL = ("tn", "fp", "fn", "tp")
RATES = {
    "base_rate": (("fn", "tp"), _ALL, "no rows"),
    "selection_rate": (("fp", "tp"), _ALL, "no rows"),
    "tpr": (("tp",), ("tp", "fn"), "no actual positives, TPR is undefined"),
    "fpr": (("fp",), ("fp", "tn"), "no actual negatives, FPR is undefined"),
    "tnr": (("tn",), ("fp", "tn"), "no actual negatives, TNR is undefined"),
    "fnr": (("fn",), ("tp", "fn"), "no actual positives, FNR is undefined"),
    "ppv": (("tp",), ("tp", "fp"), "no predicted positives, PPV is undefined"),
    "npv": (("tn",), ("tn", "fn"), "no predicted negatives, NPV is undefined"),
    "accuracy": (("tp", "tn"), _ALL, "no rows"),
}
GROUP_METRICS = ("count",) + tuple(RATES) + ("roc_auc",)
SUMMARY_METRICS = (
    "disparate_impact", "demographic_parity_difference", "equal_opportunity_difference",
    "equalized_odds_difference", "average_odds_difference", "predictive_parity_difference",
)
EXTRA_SUMMARY_METRICS = ("equal_opportunity_ratio", "equalized_odds_ratio")
ALL_METRICS = GROUP_METRICS + SUMMARY_METRICS + EXTRA_SUMMARY_METRICS
DEFAULT_METRICS = GROUP_METRICS + SUMMARY_METRICS
RATIO_METRICS = ("disparate_impact",) + EXTRA_SUMMARY_METRICS
CONVENTIONS = ("default", "fairlearn", "aif360")



@dataclass(frozen=True)
class FairnessParams:
    target_column: str
    sensitive_columns: Tuple[str, ...]
    positive_class: str = ""
    prediction_column: str = ""
    score_column: str = ""
    threshold: float = 0.5
    intersectional: bool = True
    reference_group: str = HIGHEST_SELECTION_RATE
    min_group_size: int = 30
    confidence_level: float = 0.95
    metrics: Tuple[str, ...] = DEFAULT_METRICS
    convention: str = "default"
    disparate_impact_warning: Optional[float] = 0.9
    disparate_impact_error: Optional[float] = 0.8
    difference_warning: Optional[float] = 0.1
    difference_error: Optional[float] = 0.2
    shift_warning: Optional[float] = 0.05
    shift_error: Optional[float] = 0.1
    # The recipe's parameter names (recipe.json), the engine's (read by dku_guardrails) included.
    NAMES = ("target_column", "positive_class", "prediction_column", "score_column", "threshold", "sensitive_columns",
             "intersectional", "reference_group", "min_group_size", "metrics", "confidence_level", "convention",
             "disparate_impact_warning", "disparate_impact_error", "difference_warning", "difference_error",
             "shift_warning", "shift_error", "max_rows_in_memory", "chunk_size")

    @classmethod
    def from_config(cls, config):
        warn_unknown(config, cls.NAMES, "compute-fairness")
        target = get_str(config, "target_column")
        if not target:
            raise ConfigError("target_column", target, "the name of the ground-truth column")
        prediction, score = get_str(config, "prediction_column"), get_str(config, "score_column")
        if not prediction and not score:
            raise ConfigError("prediction_column", prediction,
                              "a prediction column or a score column (score_column with a threshold)")
        sensitive = get_list(config, "sensitive_columns")
        if not sensitive:
            raise ConfigError("sensitive_columns", config.get("sensitive_columns"),
                              "at least one sensitive column")
        for name in sensitive:
            if name in (target, prediction, score):
                raise ConfigError("sensitive_columns", name,
                                  "columns other than the target, prediction and score columns")
        convention = get_choice(config, "convention", "default", CONVENTIONS)
        reference_group = get_str(config, "reference_group", HIGHEST_SELECTION_RATE)
        if convention == "aif360" and reference_group == "overall":
            raise ConfigError("reference_group", reference_group,
                              "'highest_selection_rate' or a group value with convention 'aif360' "
                              "(the reference group is AIF360's privileged group)")
        metrics = get_list(config, "metrics", allowed=set(ALL_METRICS)) or list(DEFAULT_METRICS)
        params = cls(
            target_column=target,
            sensitive_columns=tuple(sensitive),
            positive_class=get_str(config, "positive_class"),
            prediction_column=prediction,
            score_column=score,
            threshold=get_float(config, "threshold", 0.5, minimum=0.0, maximum=1.0),
            intersectional=get_bool(config, "intersectional", True),
            reference_group=reference_group,
            min_group_size=get_int(config, "min_group_size", 30, minimum=1),
            confidence_level=get_float(config, "confidence_level", 0.95, minimum=0.5, maximum=0.999),
            metrics=tuple(m for m in ALL_METRICS if m in metrics),
            convention=convention,
            disparate_impact_warning=get_float(config, "disparate_impact_warning", 0.9),
            disparate_impact_error=get_float(config, "disparate_impact_error", 0.8),
            difference_warning=get_float(config, "difference_warning", 0.1, minimum=0.0),
            difference_error=get_float(config, "difference_error", 0.2, minimum=0.0),
            shift_warning=get_float(config, "shift_warning", 0.05, minimum=0.0),
            shift_error=get_float(config, "shift_error", 0.1, minimum=0.0),
        )
        # Validates the bound pairs now, naming the parameters and their values as set
        # (equalized_odds_difference: a difference never signed, whatever the convention).
        pairs = (("disparate_impact", params.summary_bound, "disparate_impact"),
                 ("difference", params.summary_bound, "equalized_odds_difference"),
                 ("shift", params.shift_bound, "equalized_odds_difference"))
        for pair, bound, metric in pairs:
            with naming("{0}_warning / {0}_error".format(pair)):
                bound(metric)
        return params

    @property
    def columns(self):
        """The input columns the computation reads."""
        wanted = [self.target_column, self.prediction_column, self.score_column] + list(self.sensitive_columns)
        return [c for i, c in enumerate(wanted) if c and c not in wanted[:i]]

    @property
    def convention_label(self):
        if self.convention == "fairlearn":
            return "fairlearn_to_overall" if self.reference_group == "overall" else "fairlearn_between_groups"
        return self.convention

    def _signed(self, metric):
        """Metrics whose value is signed (unprivileged − privileged) in this convention."""
        return self.convention == "aif360" and metric not in RATIO_METRICS + ("equalized_odds_difference",)

    def summary_bound(self, metric):
        if metric in RATIO_METRICS:
            return Bound(BELOW, self.disparate_impact_warning, self.disparate_impact_error)
        if self._signed(metric):
            return Bound(BELOW, _neg(self.difference_warning), _neg(self.difference_error))
        return Bound(ABOVE, self.difference_warning, self.difference_error)

    def shift_bound(self, metric):
        if metric in RATIO_METRICS or self._signed(metric):
            return Bound(BELOW, _neg(self.shift_warning), _neg(self.shift_error))
        return Bound(ABOVE, self.shift_warning, self.shift_error)


def _neg(value):
    return None if value is None else -value


# -- preparing the inputs --------------------------------------------------------------------

@dataclass
class _Attribute:
    name: str
    codes: Optional[np.ndarray]
    labels: list
    skipped: str = ""


@dataclass
class _Prepared:
    y: np.ndarray
    prediction: np.ndarray
    score: Optional[np.ndarray]
    attributes: list
    excluded: str
    absent: str


def _prepare(frame, params, dataset):
    if len(frame) == 0:
        raise InputError("The {} dataset is empty: nothing to evaluate.".format(dataset))
    binary.require_columns(frame, params.columns, dataset)
    y, score, prediction, absent = binary.binary_outcomes(frame, params.target_column, params.positive_class,
                                                          params.score_column, params.prediction_column,
                                                          params.threshold)
    valid, excluded = binary.usable_rows(len(frame), [(params.target_column, y), (params.prediction_column, prediction),
                                                      (params.score_column, score)], dataset)
    if excluded:
        log.warning("%s dataset: %s", dataset, excluded)
    attributes = []
    for column in params.sensitive_columns:
        codes, labels = binary.group_codes(frame[column].to_numpy()[valid])
        attributes.append(_attribute(column, codes, labels))
    if params.intersectional and len(attributes) > 1:
        attributes.append(_intersection(attributes))
    if all(a.skipped for a in attributes):
        raise InputError("No usable sensitive attribute in the {} dataset: {}".format(
            dataset, " ".join(a.skipped for a in attributes)))
    return _Prepared(y=y[valid].astype("int64"), prediction=prediction[valid].astype("int64"),
                     score=None if score is None else score[valid], attributes=attributes,
                     excluded=excluded, absent=absent_note(absent, dataset))


def too_many_groups(name, count):
    reason = ("Column '{}' has {} distinct values{}: too many groups for a sensitive attribute; bin it into fewer "
              "groups first.".format(name, count, "" if str(count).startswith("more") else
                                     " (more than {})".format(MAX_GROUPS)))
    log.warning(reason)
    return reason


def _attribute(name, codes, labels):
    if len(labels) > MAX_GROUPS:
        return _Attribute(name, None, labels, skipped=too_many_groups(name, len(labels)))
    return _Attribute(name, codes, labels)


def skipped_intersection(name, columns):
    return GroupCounts(name, [], skipped="Intersection '{}' not computed: column {} has too many values.".format(
        name, ", ".join(columns)))


def _intersection(attributes):
    name = " & ".join(a.name for a in attributes)
    skipped = [a.name for a in attributes if a.skipped]
    if skipped:
        counts = skipped_intersection(name, skipped)
        return _Attribute(name, None, [], skipped=counts.skipped)
    codes, labels = attributes[0].codes, attributes[0].labels
    for other in attributes[1:]:
        codes, labels = binary.combine_codes(codes, labels, other.codes, other.labels)
    return _attribute(name, codes, labels)


# -- sufficient statistics: what every engine hands to the table ------------------------------

@dataclass
class GroupCounts:
    """One attribute's statistics: confusion counts per group and, with a score, ROC AUC per group
    then overall (values, DeLong variances, notes on approximate values). Every engine (in memory,
    streaming, Spark) produces these; the rates, intervals and summaries are computed from them."""
    name: str
    labels: list
    cells: Optional[dict] = None   # tn, fp, fn, tp: float arrays over the groups
    auc: Optional[tuple] = None    # (values, variances, notes) over the groups then overall
    skipped: str = ""


@dataclass
class FairnessCounts:
    attributes: List[GroupCounts]
    excluded: str
    absent: str = ""   # binary.absent_positive's note: the positive class does not occur


def absent_note(absent, dataset):
    """Log the note on a positive class absent from the dataset; return it."""
    if absent:
        log.warning("%s dataset: %s", dataset, absent)
    return absent


def counts_from_frame(frame, params, dataset="scored"):
    """The exact statistics of an in-memory frame."""
    data = _prepare(frame, params, dataset)
    attributes = []
    for attribute in data.attributes:
        if attribute.skipped:
            attributes.append(GroupCounts(attribute.name, list(attribute.labels), skipped=attribute.skipped))
            continue
        n_groups = len(attribute.labels)
        tn, fp, fn, tp = binary.confusion_counts(attribute.codes, n_groups, data.y, data.prediction)
        auc = None
        if data.score is not None:
            values, variance = binary.roc_auc_by_group(attribute.codes, n_groups, data.y, data.score)
            overall, overall_var = binary.roc_auc_by_group(np.zeros_like(attribute.codes), 1, data.y, data.score)
            auc = (np.append(values, overall), np.append(variance, overall_var), None)
        attributes.append(GroupCounts(attribute.name, list(attribute.labels), dict(tn=tn, fp=fp, fn=fn, tp=tp), auc))
    return FairnessCounts(attributes, data.excluded, data.absent)


def counts_from_chunks(chunks, params, dataset="scored"):
    """The same statistics from an iterable of DataFrame chunks, in memory bounded by the number of
    groups (docs/scale.md): counts exact, ROC AUC from per-class score histograms."""
    outcomes = groupstats.Outcomes(params.target_column, params.positive_class, params.score_column,
                                   params.prediction_column, params.threshold, dataset)
    names = list(params.sensitive_columns)
    indexes = [groupstats.LabelIndex(MAX_GROUPS) for _ in names]
    stats = [groupstats.BinaryGroups() for _ in names]
    combo = groupstats.ComboIndex(MAX_GROUPS) if params.intersectional and len(names) > 1 else None
    combo_stats, overall = groupstats.BinaryGroups(), groupstats.BinaryGroups()
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        binary.require_columns(chunk, params.columns, dataset)
        y, score, prediction, valid = outcomes.read(chunk)
        y, prediction, score = y[valid], prediction[valid], None if score is None else score[valid]
        codes = []
        for index, group_stats, name in zip(indexes, stats, names):
            if not index.overflow:
                codes.append(index.encode(chunk[name].to_numpy()[valid]))
                if not index.overflow:
                    group_stats.add(codes[-1], y, prediction, score, losses=False)
        if combo is not None and not combo.overflow and not any(i.overflow for i in indexes):
            combined = combo.encode(codes)
            if not combo.overflow:
                combo_stats.add(combined, y, prediction, score, losses=False)
        overall.add(np.zeros(len(y), dtype="int64"), y, prediction, score, losses=False)
    excluded = outcomes.finish()
    if excluded:
        log.warning("%s dataset: %s", dataset, excluded)
    attributes = [streamed_attribute(name, index, s, overall) for name, index, s in zip(names, indexes, stats)]
    if combo is not None:
        name = " & ".join(names)
        if any(i.overflow for i in indexes):
            attributes.append(skipped_intersection(name, [n for n, i in zip(names, indexes) if i.overflow]))
        else:
            attributes.append(streamed_attribute(name, combo, combo_stats, overall, indexes))
    if all(a.skipped for a in attributes):
        raise InputError("No usable sensitive attribute in the {} dataset: {}".format(
            dataset, " ".join(a.skipped for a in attributes)))
    return FairnessCounts(attributes, excluded, absent_note(outcomes.absent, dataset))


def streamed_attribute(name, index, stats, overall, parts=None):
    if index.overflow:
        return GroupCounts(name, [], skipped=too_many_groups(name, "more than {}".format(MAX_GROUPS)))
    rank, labels = index.order(parts) if parts else index.order()
    n_groups = len(labels)
    tn, fp, fn, tp = stats.confusion(rank, n_groups)
    auc = None
    if stats.has_score:
        zero = np.zeros(1, dtype="int64")
        values, variance, low, high = (np.append(a, b) for a, b in zip(stats.roc_auc(rank, n_groups),
                                                                         overall.roc_auc(zero, 1)))
        notes = None
        if not overall.single_valued:
            notes = np.array([groupstats.grid_reason("ROC AUC", lo, hi) if not np.isnan(v) else ""
                              for v, lo, hi in zip(values, low, high)], dtype=object)
        auc = (values, variance, notes)
    return GroupCounts(name, labels, dict(tn=tn, fp=fp, fn=fn, tp=tp), auc)


# -- per-group statistics --------------------------------------------------------------------

@dataclass
class _Stats:
    """One value per group, the overall population last."""
    labels: list
    n: np.ndarray
    cells: dict
    values: dict
    ci: dict
    auc_defined: bool
    notes: dict


def _group_stats(counts, level):
    cells = {c: np.append(counts.cells[c], counts.cells[c].sum()) for c in _ALL}
    n = cells["tn"] + cells["fp"] + cells["fn"] + cells["tp"]
    values, ci, notes = {"count": n}, {}, {}
    for metric, (numerator, denominator, _) in RATES.items():
        num = sum(cells[c] for c in numerator)
        den = sum(cells[c] for c in denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            values[metric] = np.where(den > 0, num / den, np.nan)
        ci[metric] = intervals.wilson(num, den, level)
    if counts.auc is not None:
        auc, variance, auc_notes = counts.auc
        values["roc_auc"] = auc
        ci["roc_auc"] = intervals.normal(auc, np.sqrt(variance), level, 0.0, 1.0)
        if auc_notes is not None:
            notes["roc_auc"] = auc_notes
    return _Stats(labels=list(counts.labels) + [OVERALL], n=n, cells=cells, values=values, ci=ci,
                  auc_defined=counts.auc is not None, notes=notes)


def _auc_reason(stats, i):
    positives = stats.cells["tp"][i] + stats.cells["fn"][i]
    negatives = stats.cells["tn"][i] + stats.cells["fp"][i]
    if positives == 0:
        return "no actual positives, ROC AUC is undefined"
    if negatives == 0:
        return "no actual negatives, ROC AUC is undefined"
    return ""


def _undefined_reason(stats, metric, i):
    if metric == "roc_auc":
        return _auc_reason(stats, i)
    return RATES[metric][2] if metric in RATES else ""


def _reference_index(stats, eligible, params, attribute_name):
    """Index of the reference group in ``stats`` (the overall population is the last index)."""
    overall = len(stats.labels) - 1
    strategy = params.reference_group
    if strategy == "overall":
        return overall
    if strategy != HIGHEST_SELECTION_RATE:
        wanted = binary.label_key(strategy)
        for i, label in enumerate(stats.labels[:-1]):
            if label == strategy or binary.label_key(label) == wanted:
                return i
        log.warning("Reference group %r is not a group of '%s': using the highest selection rate.",
                    strategy, attribute_name)
    rates = np.where(eligible, stats.values["selection_rate"][:-1], -np.inf)
    if not eligible.any():
        return None
    return int(np.argmax(rates))


def _group_rows(attribute, stats, eligible, reference, params):
    rows = []
    level_note = "group has {:.0f} rows, fewer than min_group_size {}: reported, not evaluated, left out of the summaries"
    reference_label = "" if reference is None else stats.labels[reference]
    for metric in params.metrics:
        if metric not in GROUP_METRICS or (metric == "roc_auc" and not stats.auc_defined):
            continue
        values = stats.values[metric]
        low, high = stats.ci.get(metric, (None, None))
        notes = stats.notes.get(metric)
        for i, group in enumerate(stats.labels):
            value = values[i]
            reason = (notes[i] if notes is not None else "") if not np.isnan(value) else \
                _undefined_reason(stats, metric, i)
            row = metric_row(metric, value, reason=reason, attribute=attribute, group=group)
            is_group = i < len(eligible)
            if is_group and not eligible[i]:
                row["status"] = EMPTY
                row["reason"] = level_note.format(stats.n[i], params.min_group_size)
            ratio = difference = None
            if metric != "count" and reference is not None and not np.isnan(value):
                ref_value = values[reference]
                if not np.isnan(ref_value):
                    difference = value - ref_value
                    ratio = value / ref_value if ref_value != 0 else None
            row.update(n=stats.n[i], ci_low=None if low is None else low[i],
                       ci_high=None if high is None else high[i], reference_group=reference_label,
                       ratio_to_reference=ratio, difference_to_reference=difference)
            rows.append(row)
    return rows


# -- summaries -------------------------------------------------------------------------------

_NAMES = {"selection_rate": "selection rate", "tpr": "TPR", "fpr": "FPR", "ppv": "PPV"}


def _spread(values, metric):
    defined = values[~np.isnan(values)]
    if len(defined) < 2:
        return None, "fewer than two groups with a defined {}".format(_NAMES[metric])
    return float(defined.max() - defined.min()), ""


def _min_max_ratio(values, metric):
    defined = values[~np.isnan(values)]
    if len(defined) < 2:
        return None, "fewer than two groups with a defined {}".format(_NAMES[metric])
    if defined.max() == 0:
        return None, "{} is 0 in every group".format(_NAMES[metric])
    return float(defined.min() / defined.max()), ""


def _to_overall_difference(values, overall, metric):
    defined = values[~np.isnan(values)]
    if len(defined) == 0 or np.isnan(overall):
        return None, "no group with a defined {}".format(_NAMES[metric])
    return float(np.abs(defined - overall).max()), ""


def _to_overall_ratio(values, overall, metric):
    defined = values[~np.isnan(values)]
    if len(defined) == 0 or np.isnan(overall):
        return None, "no group with a defined {}".format(_NAMES[metric])
    if overall == 0:
        return None, "overall {} is 0".format(_NAMES[metric])
    ratios = defined / overall
    return float(np.where(ratios > 1, 1.0 / ratios, ratios).min()), ""


def _combine(first, second, how):
    (a, reason_a), (b, reason_b) = first, second
    if a is None or b is None:
        return None, reason_a or reason_b
    return (max(a, b) if how == "max" else min(a, b) if how == "min" else (a + b) / 2.0), ""


def _between_groups(stats, eligible, spread, ratio):
    rates = {m: stats.values[m][:-1][eligible] for m in _NAMES}
    tpr_gap, fpr_gap = spread(rates["tpr"], "tpr"), spread(rates["fpr"], "fpr")
    return {
        "disparate_impact": ratio(rates["selection_rate"], "selection_rate"),
        "demographic_parity_difference": spread(rates["selection_rate"], "selection_rate"),
        "equal_opportunity_difference": tpr_gap,
        "equalized_odds_difference": _combine(tpr_gap, fpr_gap, "max"),
        "average_odds_difference": _combine(tpr_gap, fpr_gap, "mean"),
        "predictive_parity_difference": spread(rates["ppv"], "ppv"),
        "equal_opportunity_ratio": ratio(rates["tpr"], "tpr"),
        "equalized_odds_ratio": _combine(ratio(rates["tpr"], "tpr"), ratio(rates["fpr"], "fpr"), "min"),
    }


def _privileged_vs_rest(stats, eligible, reference):
    """AIF360: signed unprivileged − privileged, the unprivileged being all other eligible groups."""
    others = eligible.copy()
    others[reference] = False
    if not others.any():
        reason = "no unprivileged group with at least the minimum size"
        return {m: (None, reason) for m in SUMMARY_METRICS + EXTRA_SUMMARY_METRICS}
    pooled = {c: (stats.cells[c][:-1][others].sum(), stats.cells[c][reference]) for c in _ALL}

    def rate(metric):
        numerator, denominator, _ = RATES[metric]
        result = []
        for side in (0, 1):
            den = sum(pooled[c][side] for c in denominator)
            result.append(sum(pooled[c][side] for c in numerator) / den if den else None)
        return result

    def gap(metric, signed=True):
        unprivileged, privileged = rate(metric)
        if unprivileged is None or privileged is None:
            side = "unprivileged groups" if unprivileged is None else "privileged group"
            return None, "{} undefined for the {}".format(_NAMES[metric], side)
        return (unprivileged - privileged) if signed else abs(unprivileged - privileged), ""

    sr_u, sr_p = rate("selection_rate")
    if sr_p == 0:
        impact = (None, "selection rate of the privileged group is 0")
    else:
        impact = (sr_u / sr_p, "")
    tpr, fpr = gap("tpr"), gap("fpr")
    not_defined = (None, "not defined in the aif360 convention")
    return {
        "disparate_impact": impact,
        "demographic_parity_difference": gap("selection_rate"),
        "equal_opportunity_difference": tpr,
        "equalized_odds_difference": _combine(gap("tpr", False), gap("fpr", False), "max"),
        "average_odds_difference": _combine(fpr, tpr, "mean"),
        "predictive_parity_difference": gap("ppv"),
        "equal_opportunity_ratio": not_defined,
        "equalized_odds_ratio": not_defined,
    }


def _summaries(stats, eligible, reference, params):
    """metric -> (value or None, reason)."""
    if eligible.sum() < 2:
        names = [stats.labels[i] for i in np.flatnonzero(eligible)]
        reason = ("only one group ({!r}) with at least {} rows: nothing to compare".format(names[0], params.min_group_size)
                  if names else "no group with at least {} rows".format(params.min_group_size))
        return {m: (None, reason) for m in SUMMARY_METRICS + EXTRA_SUMMARY_METRICS}
    if params.convention == "aif360":
        return _privileged_vs_rest(stats, eligible, reference)
    if params.convention == "fairlearn" and params.reference_group == "overall":
        overall = {m: stats.values[m][-1] for m in _NAMES}
        return _between_groups(
            stats, eligible,
            lambda values, m: _to_overall_difference(values, overall[m], m),
            lambda values, m: _to_overall_ratio(values, overall[m], m))
    return _between_groups(stats, eligible, _spread, _min_max_ratio)


def _left_out_note(stats, eligible, params):
    small = [i for i in range(len(eligible)) if not eligible[i]]
    if not small:
        return ""
    shown = ", ".join("{!r} ({:.0f} rows)".format(stats.labels[i], stats.n[i]) for i in small[:10])
    return "left out (fewer than {} rows): {}{}".format(params.min_group_size, shown,
                                                         ", ..." if len(small) > 10 else "")


def _summary_rows(attribute, summaries, n, reference_label, note, params, suffix="", bound_of=None):
    rows = []
    for metric in params.metrics:
        if metric in GROUP_METRICS:
            continue
        value, reason = summaries[metric]
        reason = "; ".join(r for r in (reason, note) if r)
        row = metric_row(metric + suffix, value, (bound_of or params.summary_bound)(metric), reason=reason,
                         attribute=attribute, group=SUMMARY)
        row.update(n=n, reference_group=reference_label)
        rows.append(row)
    return rows


def _skipped_rows(attribute, params):
    return [dict(metric_row(metric, None, reason=attribute.skipped, attribute=attribute.name, group=SUMMARY))
            for metric in params.metrics if metric not in GROUP_METRICS]


def _evaluate(counts, params):
    """attribute name -> (stats, eligible, reference index, summaries) for usable attributes."""
    results = {}
    for attribute in counts.attributes:
        if attribute.skipped:
            continue
        stats = _group_stats(attribute, params.confidence_level)
        eligible = stats.n[:-1] >= params.min_group_size
        reference = _reference_index(stats, eligible, params, attribute.name)
        if params.convention == "aif360" and reference is None:
            summaries = {m: (None, "no group with at least {} rows".format(params.min_group_size))
                         for m in SUMMARY_METRICS + EXTRA_SUMMARY_METRICS}
        else:
            summaries = _summaries(stats, eligible, reference, params)
        results[attribute.name] = (stats, eligible, reference, summaries)
    return results


def _check_named_reference(data, params):
    if params.reference_group in (HIGHEST_SELECTION_RATE, "overall"):
        return
    wanted = binary.label_key(params.reference_group)
    labels = [label for a in data.attributes for label in a.labels]
    if not any(label == params.reference_group or binary.label_key(label) == wanted for label in labels):
        raise ConfigError("reference_group", params.reference_group,
                          "'highest_selection_rate', 'overall' or a group value (groups: {})".format(
                              ", ".join(repr(label) for label in labels[:20])))


def compute_fairness(scored, params, reference=None, run=None):
    """The fairness metrics table of ``scored`` (and bias shift against ``reference``), in memory."""
    current = counts_from_frame(scored, params, "scored")
    _check_named_reference(current, params)
    previous = None if reference is None else counts_from_frame(reference, params, "reference")
    return fairness_table(current, params, previous, run)


def fairness_table(current, params, reference=None, run=None):
    """The fairness metrics table from the statistics of the scored data (:class:`FairnessCounts`)
    and, for bias shift, of the reference data: the one finish every engine shares."""
    run = run or RunInfo.new()
    _check_named_reference(current, params)
    results = _evaluate(current, params)
    previous = None if reference is None else _evaluate(reference, params)
    rows = []
    for attribute in current.attributes:
        if attribute.skipped:
            rows.extend(_skipped_rows(attribute, params))
            continue
        stats, eligible, ref, summaries = results[attribute.name]
        group_rows = _group_rows(attribute.name, stats, eligible, ref, params)
        if current.excluded:
            for row in group_rows:
                if row["group"] == OVERALL and row["metric"] == "count":
                    row["reason"] = current.excluded
        rows.extend(group_rows)
        reference_label = "" if ref is None else stats.labels[ref]
        n = float(stats.n[:-1][eligible].sum())
        note = _left_out_note(stats, eligible, params)
        rows.extend(_summary_rows(attribute.name, summaries, n, reference_label, note, params))
        if previous is not None:
            rows.extend(binary.explain_empty(
                _summary_rows(attribute.name, _shifts(summaries, previous.get(attribute.name)), n, reference_label,
                              "", params, "_shift", params.shift_bound),
                reference.absent and "reference dataset: " + reference.absent))
    binary.explain_empty(rows, current.absent)
    frame = to_frame(rows, run, FAIRNESS_SUBJECT, FAIRNESS_EXTRA)
    frame["convention"] = params.convention_label
    frame["reference_group"] = frame["reference_group"].fillna("").astype(str)
    return frame


def _shifts(current, previous):
    if previous is None:
        reason = "attribute not usable in the reference dataset"
        return {m: (None, reason) for m in current}
    before = previous[3]
    shifts = {}
    for metric, (value, reason) in current.items():
        old, old_reason = before[metric]
        if value is None:
            shifts[metric] = (None, "undefined in the scored data: " + reason)
        elif old is None:
            shifts[metric] = (None, "undefined in the reference data: " + old_reason)
        else:
            shifts[metric] = (value - old, "")
    return shifts


def summary_frame(frame):
    """The attribute-level rows of a fairness table, one line per (attribute, metric)."""
    return frame[frame["group"] == SUMMARY].reset_index(drop=True)


__all__ = ["ALL_METRICS", "FairnessCounts", "FairnessParams", "GROUP_METRICS", "GroupCounts", "SUMMARY_METRICS",
           "compute_fairness", "counts_from_chunks", "counts_from_frame", "fairness_table", "summary_frame"]
