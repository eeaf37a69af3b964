"""The Spark engine: the fairness sufficient statistics computed by Spark aggregations, finished by
the same core.

:func:`counts_from_spark` returns the :class:`..counts.FairnessCounts` the chunked engine builds,
so the table writer writes identical rows: score checks by one ``agg``; distinct groups by
``countDistinct``; then one ``groupBy`` over (target, prediction or score ≥ threshold, score-grid
bin, sensitive columns) with row counts and each cell's score extremes. Its rows (a few per group
and score bin) are read on the driver by the same label and group code as the chunks. Nothing here
runs Python on the executors; pyspark is imported when a function runs.
"""
import numpy as np

from ...engines import spark_column
from ...stats import binary, groups
from .. import attributes as attrs
from ..counts import FairnessCounts, GroupCounts, dataset_note


def _missing(df, name, F):
    """Null, or NaN for floating columns (pandas reads both as missing)."""
    from pyspark.sql import types as T

    col = F.col(spark_column(name))
    if isinstance(df.schema[name].dataType, (T.DoubleType, T.FloatType)):
        return col.isNull() | F.isnan(col)
    return col.isNull()


def _score(df, params, F):
    """The score as a double column, after the checks binary.probabilities makes (its messages)."""
    from pyspark.sql import types as T

    name = params.score_column
    raw = F.col(spark_column(name))
    numeric = isinstance(df.schema[name].dataType, T.NumericType)
    x = raw.cast("double") if numeric else F.expr("try_cast({} AS double)".format(spark_column(name)))
    if not numeric:
        bad = df.where(raw.isNotNull() & x.isNull()).select(raw.cast("string")).limit(1).collect()
        if bad:
            raise binary.non_numeric("Score", name, bad[0][0], df.where(raw.isNotNull() & x.isNull()).count())
    infinite = x.isin(float("inf"), float("-inf"))
    outside = ~infinite & ~F.isnan(x) & ((x < 0) | (x > 1))
    row = df.agg(F.sum(F.when(infinite, 1).otherwise(0)).alias("inf"),
                 F.sum(F.when(outside, 1).otherwise(0)).alias("out"),
                 F.first(F.when(outside, x), ignorenulls=True).alias("example")).first()
    if row["inf"]:
        raise binary.infinite("Score", name, row["inf"])
    if row["out"]:
        raise binary.not_probabilities(name, row["out"], row["example"])
    return x


def _grid_bin(x, F):
    """groups.score_bins in Spark SQL: ceil(x * SCORE_BINS), moved by one where rounding put it
    in the neighbouring bin, so that bin k is (k-1, k] / SCORE_BINS exactly as numpy computes it."""
    k = F.ceil(x * float(groups.SCORE_BINS))
    upper = k.cast("double") / float(groups.SCORE_BINS)
    lower = (k - 1).cast("double") / float(groups.SCORE_BINS)
    return (F.when(x > upper, k + 1).when((k > 0) & (x <= lower), k - 1).otherwise(k)).cast("long")


def counts_from_spark(df, params, dataset="scored"):
    """:class:`FairnessCounts` of a Spark DataFrame (the same values as the pandas engines')."""
    from pyspark.sql import functions as F

    binary.require_columns(df.columns, params.columns, dataset)
    names = list(params.sensitive_columns)
    keys = {"t": F.col(spark_column(params.target_column))}
    invalid = _missing(df, params.target_column, F)
    aggregates = [F.count(F.lit(1)).alias("n")]
    if params.score_column:
        x = _score(df, params, F)
        score_missing = _missing(df, params.score_column, F)
        invalid = invalid | score_missing
        keys["b"] = F.when(~score_missing, _grid_bin(x, F))
        aggregates += [F.min(x).alias("lo"), F.max(x).alias("hi")]
    if params.prediction_column:
        keys["p"] = F.col(spark_column(params.prediction_column))
        invalid = invalid | _missing(df, params.prediction_column, F)
    else:
        keys["f"] = F.when(~score_missing, (x >= params.threshold).cast("double"))
    usable, skipped = _usable_columns(df, names, ~invalid, F)
    intersect = params.intersectional and len(names) > 1
    combos = 0
    if intersect and not skipped:
        combos = df.where(~invalid).select(*[spark_column(n) for n in names]).distinct().count()
    jobs = [usable] if (combos and combos <= attrs.MAX_GROUPS) or len(usable) <= 1 else [[n] for n in usable]
    frames = []
    for job in jobs:
        columns = dict(keys, **{"s%d" % names.index(n): F.col(spark_column(n)) for n in job})
        frames.append(df.groupBy(*[c.alias(k) for k, c in columns.items()]).agg(*aggregates).toPandas())
    outcomes = groups.Outcomes(params.target_column, params.positive_class, params.score_column,
                                   params.prediction_column, params.threshold, dataset)
    indexes = {n: attrs.LabelIndex() for n in usable}
    stats = {n: groups.BinaryGroups() for n in usable}
    combo, combo_stats, overall = attrs.ComboIndex(), groups.BinaryGroups(), groups.BinaryGroups()
    for i, rows in enumerate(frames):
        y, prediction, valid, weights = _outcomes(rows, params, outcomes, count=i == 0)
        rows = rows[valid]
        bins = rows["b"].to_numpy(dtype="int64") if params.score_column else None
        codes = {}
        for name in jobs[i]:
            codes[name] = indexes[name].encode(rows["s%d" % names.index(name)].to_numpy())
            _add(stats[name], codes[name], y, prediction, bins, rows, weights)
        if i == 0:
            _add(overall, np.zeros(len(rows), dtype="int64"), y, prediction, bins, rows, weights)
            if intersect and len(jobs[0]) == len(names) and len(names) > 1:
                _add(combo_stats, combo.encode([codes[n] for n in names]), y, prediction, bins, rows, weights)
    excluded = dataset_note(outcomes.finish(), dataset)
    too_many = "more than {}".format(attrs.MAX_GROUPS)
    attributes = [GroupCounts(name, [], skipped=attrs.too_many_groups(name, too_many)) if name in skipped else
                  attrs.streamed_attribute(name, indexes[name], stats[name], overall) for name in names]
    if intersect:
        name = " & ".join(names)
        if skipped:
            attributes.append(attrs.skipped_intersection(name, skipped))
        elif combos > attrs.MAX_GROUPS:
            attributes.append(GroupCounts(name, [], skipped=attrs.too_many_groups(name, too_many)))
        else:
            attributes.append(attrs.streamed_attribute(name, combo, combo_stats, overall,
                                                       [indexes[n] for n in names]))
    attrs.require_usable(attributes, dataset)
    return FairnessCounts(attributes, excluded, dataset_note(outcomes.absent, dataset))


def _usable_columns(df, names, valid, F):
    """Sensitive columns with at most MAX_GROUPS groups among usable rows (missing counts as one)."""
    rows = df.where(valid)
    exprs = []
    for i, name in enumerate(names):
        exprs += [F.countDistinct(F.col(spark_column(name))).alias("d%d" % i),
                  F.max(F.when(_missing(df, name, F), 1).otherwise(0)).alias("m%d" % i)]
    row = rows.agg(*exprs).first()
    skipped = [n for i, n in enumerate(names) if (row["d%d" % i] or 0) + (row["m%d" % i] or 0) > attrs.MAX_GROUPS]
    return [n for n in names if n not in skipped], skipped


def _outcomes(rows, params, outcomes, count):
    """y, prediction, usable rows and weights of the aggregated rows, with the label checks of the
    chunked engine; ``count``: also record the rows and the excluded rows for the note."""
    weights = rows["n"].to_numpy(dtype="float64")
    codes, keys = outcomes.labels(rows["t"], outcomes.target_values, params.target_column, "target")
    y = outcomes.indicator(codes, keys)
    missing = {params.target_column: np.isnan(y)}
    if params.prediction_column:
        codes, keys = outcomes.labels(rows["p"], outcomes.prediction_values, params.prediction_column, "prediction")
        prediction = outcomes.indicator(codes, keys)
        missing[params.prediction_column] = np.isnan(prediction)
    else:
        prediction = rows["f"].to_numpy(dtype="float64", na_value=np.nan)
    if params.score_column:
        missing[params.score_column] = rows["b"].isna().to_numpy()
    invalid = np.zeros(len(rows), dtype=bool)
    for mask in missing.values():
        invalid |= mask
    if count:
        outcomes.add_counts(int(weights.sum()), int(weights[invalid].sum()),
                            {c: int(weights[m].sum()) for c, m in missing.items()})
    valid = ~invalid
    return y[valid], prediction[valid], valid, weights[valid]


def _add(stats, codes, y, prediction, bins, rows, weights):
    stats.add(codes, y, prediction, weights=weights)
    if bins is not None:
        stats.has_score = True
        stats.add_histogram(codes, y.astype("int64"), bins, weights)
        stats.add_extremes(bins, rows["lo"].to_numpy(dtype="float64"), rows["hi"].to_numpy(dtype="float64"))


def counts(source, params, dataset):
    """The engine's entry (:class:`.Engine`): the source's Spark DataFrame aggregated by Spark."""
    return counts_from_spark(source.dataframe, params, dataset)
