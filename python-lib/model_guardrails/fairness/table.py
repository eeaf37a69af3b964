"""The fairness table writer: from the :class:`.counts.FairnessCounts` of the scored data (and of
the reference data) to the tidy table of SPEC §2: per-group rows, summary rows and bias shift
rows, one finish for every engine. Columns: docs/fairness.md, "Output columns"."""
import numpy as np

from ..contract import FAIRNESS_EXTRA, FAIRNESS_SUBJECT, OVERALL, SUMMARY
from ..errors import ConfigError
from ..stats import binary
from ..table import EMPTY, RunInfo, metric_row, to_frame
from .metrics import EXTRA_SUMMARY_METRICS, GROUP_METRICS, SUMMARY_METRICS
from .params import HIGHEST_SELECTION_RATE
from .rates import group_stats, reference_index, undefined_reason
from .summaries import shifts, summaries


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
                undefined_reason(stats, metric, i)
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


def _left_out_note(stats, eligible, params):
    small = [i for i in range(len(eligible)) if not eligible[i]]
    if not small:
        return ""
    shown = ", ".join("{!r} ({:.0f} rows)".format(stats.labels[i], stats.n[i]) for i in small[:10])
    return "left out (fewer than {} rows): {}{}".format(params.min_group_size, shown,
                                                         ", ..." if len(small) > 10 else "")


def _summary_rows(attribute, values, n, reference_label, note, params, suffix="", bound_of=None):
    rows = []
    for metric in params.metrics:
        if metric in GROUP_METRICS:
            continue
        value, reason = values[metric]
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
        stats = group_stats(attribute, params.confidence_level)
        eligible = stats.n[:-1] >= params.min_group_size
        reference = reference_index(stats, eligible, params, attribute.name)
        if params.convention == "aif360" and reference is None:
            values = {m: (None, "no group with at least {} rows".format(params.min_group_size))
                      for m in SUMMARY_METRICS + EXTRA_SUMMARY_METRICS}
        else:
            values = summaries(stats, eligible, reference, params)
        results[attribute.name] = (stats, eligible, reference, values)
    return results


def check_named_reference(data, params):
    """Raise ConfigError when a named ``reference_group`` is a group of no attribute of ``data``."""
    if params.reference_group in (HIGHEST_SELECTION_RATE, "overall"):
        return
    wanted = binary.label_key(params.reference_group)
    labels = [label for a in data.attributes for label in a.labels]
    if not any(label == params.reference_group or binary.label_key(label) == wanted for label in labels):
        raise ConfigError("reference_group", params.reference_group,
                          "'highest_selection_rate', 'overall' or a group value (groups: {})".format(
                              ", ".join(repr(label) for label in labels[:20])))


def fairness_table(current, params, reference=None, run=None):
    """The fairness metrics table from the statistics of the scored data (:class:`.counts.FairnessCounts`)
    and, for bias shift, of the reference data: the one finish every engine shares."""
    run = run or RunInfo.new()
    check_named_reference(current, params)
    results = _evaluate(current, params)
    previous = None if reference is None else _evaluate(reference, params)
    rows = []
    for attribute in current.attributes:
        if attribute.skipped:
            rows.extend(_skipped_rows(attribute, params))
            continue
        stats, eligible, ref, values = results[attribute.name]
        group_rows = _group_rows(attribute.name, stats, eligible, ref, params)
        if current.excluded:
            for row in group_rows:
                if row["group"] == OVERALL and row["metric"] == "count":
                    row["reason"] = current.excluded
        rows.extend(group_rows)
        reference_label = "" if ref is None else stats.labels[ref]
        n = float(stats.n[:-1][eligible].sum())
        note = _left_out_note(stats, eligible, params)
        rows.extend(_summary_rows(attribute.name, values, n, reference_label, note, params))
        if previous is not None:
            before = previous.get(attribute.name)
            rows.extend(binary.explain_empty(
                _summary_rows(attribute.name, shifts(values, None if before is None else before[3]), n,
                              reference_label, "", params, "_shift", params.shift_bound),
                reference.absent and "reference dataset: " + reference.absent))
    binary.explain_empty(rows, current.absent)
    frame = to_frame(rows, run, FAIRNESS_SUBJECT, FAIRNESS_EXTRA)
    frame["convention"] = params.convention_label
    frame["reference_group"] = frame["reference_group"].fillna("").astype(str)
    return frame
