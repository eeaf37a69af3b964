"""The in-memory engine: both datasets as DataFrames, every metric exact (sorted values, full
category counts). Also builds a reference profile from an in-memory reference (profile.py)."""
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from ..categorical import aligned_counts, categorical_metrics, metrics_from_counts
from ..distribution import Measured
from ..metrics import NUMERIC
from ..numeric import Sample, numeric_metrics, quantile_edges
from ..prepare import prepare_feature, require_features, require_rows, select_columns, type_feature
from ..profile import CategoricalStats, FeatureProfile, NumericStats, ReferenceProfile, make_grid, profile_settings
from ..table import drift_result

log = logging.getLogger(__name__)

MAX_WORKERS = 4


def warm_imports():
    """Import scipy.special (the p-values and the JS distance, stats.pvalues; ~0.3 s) on a background
    thread while the data are read. scipy.stats (~1 s) is imported only by what needs it."""
    def load():
        try:
            import scipy.special  # noqa: F401
        except ImportError:  # pragma: no cover
            pass
    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread


def compute_drift(reference, current, params, run):
    """The DriftResult (the metrics table, SPEC §2, and the report's distributions) of ``current``
    against ``reference``."""
    for role, frame in (("reference", reference), ("current", current)):
        require_rows(role, len(frame))
    names, one_sided = select_columns(reference.columns, current.columns, params)
    if one_sided:
        log.info("Columns present on one side only, not compared: %s", ", ".join(one_sided))
    require_features(names, reference.columns, current.columns)
    common = dict(n_reference=len(reference), n_current=len(current), convention=params.convention)
    return drift_result(_compute_features(reference, current, names, params), common, params, run)


def _compute_features(reference, current, names, params):
    """[(feature, {metric: (value, reason)})] in feature order, with progress in the log.

    Features are typed and computed on a small thread pool: the heavy numeric steps (counting,
    sorting) are numpy calls that release the GIL, so the cores share the columns. Counting text
    values holds the GIL: text columns are started between the others (:func:`_schedule`), so that
    they run beside numeric columns rather than beside each other. A computed feature keeps no data."""
    def one(i):
        feature = prepare_feature(names[i], reference, current, params)
        log.info("Feature %d/%d %s (%s)%s", i + 1, len(names), feature.name, feature.type or "?",
                 ": " + feature.error if feature.error else "")
        values = _feature_values(feature, params)
        return replace(feature, reference=None, current=None, counts=None), values

    order = _schedule(reference, current, names)
    workers = min(len(names), os.cpu_count() or 1, MAX_WORKERS)
    if workers <= 1:
        done = [one(i) for i in order]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(one, order))
    computed = [None] * len(names)
    for i, result in zip(order, done):
        computed[i] = result
    return computed


def _schedule(reference, current, names):
    """The order the columns are started in: columns of text (object or string dtype on a side)
    alternating with the others, each group in feature order."""
    def text(name):
        return any(name in frame.columns and not is_numeric_dtype(frame[name]) and not is_bool_dtype(frame[name])
                   for frame in (reference, current))

    texts = [i for i, name in enumerate(names) if text(name)]
    others = [i for i, name in enumerate(names) if not text(name)]
    order = []
    for k in range(max(len(texts), len(others))):
        order += texts[k:k + 1] + others[k:k + 1]
    return order


def _feature_values(feature, params):
    if feature.error:
        return Measured()
    if params.convention == "evidently":
        from .. import evidently  # scipy.stats is slow to import: only when this convention is used

        return evidently.feature_metrics(feature)
    if feature.type == NUMERIC:
        return numeric_metrics(feature.reference, feature.current, params.psi_bins)
    if feature.counts is not None:  # typing counted the values already (missing: the rows not counted)
        ref_counts, cur_counts = feature.counts
        aligned = aligned_counts(ref_counts, cur_counts, len(feature.reference) - int(ref_counts.sum()),
                                 len(feature.current) - int(cur_counts.sum()), params.max_categories)
        return metrics_from_counts(aligned, len(feature.reference), len(feature.current))
    return categorical_metrics(feature.reference, feature.current, params.max_categories)


def profile_from_frame(reference, names, params, plugin_version):
    """Profile of an in-memory reference: exact edges and standard deviations from sorted values."""
    require_rows("reference", len(reference))
    features = {}
    for name in names:
        if name not in reference.columns:
            continue
        typed = type_feature(name, reference[name], reference[name].iloc[:0], params.forced_type(name))
        features[name] = _profile_feature(typed, params)
    return ReferenceProfile(plugin_version, profile_settings(params), len(reference), features,
                            [str(c) for c in reference.columns])


def _profile_feature(typed, params):
    profile = FeatureProfile(typed.name, typed.type, list(typed.notes), typed.error)
    if typed.error:
        return profile
    if typed.type == NUMERIC:
        sample = Sample(typed.reference)
        profile.edges = quantile_edges(sample.sorted, params.psi_bins)
        profile.std = float(np.std(sample.sorted)) if sample.n else 0.0
        grid = make_grid(profile.edges, sample.sorted[0], sample.sorted[-1]) if sample.n else profile.edges
        stats = NumericStats(grid)
        stats.add(sample.sorted)
        stats.total, stats.missing = sample.total, sample.missing
        profile.numeric = stats
    else:
        stats = CategoricalStats()
        stats.add(typed.reference)
        profile.categorical = stats
    return profile
