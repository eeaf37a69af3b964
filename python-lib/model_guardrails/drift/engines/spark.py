"""The drift sufficient statistics computed by Spark aggregations, finished by the same core.

Given Spark DataFrames, :func:`profile_from_spark` and :func:`current_from_spark` return the
objects the chunk engine builds (:class:`..profile.ReferenceProfile`, a :class:`.CurrentSide`), so
:func:`..finish.compute_drift_from_profile` writes identical rows: category
counts by ``groupBy().count()``, grid-bin counts and sums by a ``Bucketizer`` + ``groupBy``,
exact reference order statistics (for the PSI edges) by a distributed sort, moments by ``agg``.
Nothing here runs Python on the executors.
"""
import numpy as np
import pandas as pd

from ...engines import spark_column
from ..metrics import CATEGORICAL, NUMERIC
from ..numeric import edge_ranks, edges_from_order_statistics
from ..prepare import EXAMPLES, ValueScan, as_text, check_current, decide_type, require_rows
from ..profile import CategoricalStats, FeatureProfile, NumericStats, ReferenceProfile, make_grid, profile_settings
from . import CurrentSide

_FINITE = "({c} IS NOT NULL AND NOT isnan({c}) AND {c} NOT IN (double('inf'), double('-inf')))"


def _kind(data_type):
    from pyspark.sql import types as T

    if isinstance(data_type, T.BooleanType):
        return "bool"
    if isinstance(data_type, T.NumericType):
        return "number"
    return "text"


def _scan(df, name):
    """The column's ValueScan (prepare.scan_series on Spark): its kind from the schema; a text column's
    numbers and text values counted with one aggregation (text parsing to NaN is text, as in pandas).
    A Spark column has one type, so a numeric or boolean column's count of numbers is never needed."""
    from pyspark.sql import functions as F

    kind = _kind(df.schema[name].dataType)
    if kind != "text":
        return ValueScan(frozenset([kind]))
    col = F.col(spark_column(name)).cast("string")
    parsed = F.expr("try_cast({} AS double)".format(spark_column(name)))
    number = parsed.isNotNull() & ~F.isnan(parsed)
    text = col.isNotNull() & ~number
    row = df.agg(F.sum(F.when(text, 1).otherwise(0)).alias("texts"),
                 F.sum(F.when(number, 1).otherwise(0)).alias("numbers")).first()
    texts = int(row["texts"] or 0)
    examples = (tuple(r[0] for r in df.where(text).select(col.alias("v")).distinct().orderBy("v").limit(EXAMPLES)
                      .collect()) if texts else ())
    return ValueScan(frozenset([kind]), int(row["numbers"] or 0), texts, examples)


def _type(df, name, params):
    """decide_type on the Spark column."""
    return FeatureProfile(name, *decide_type(name, params.forced_type(name), _scan(df, name)))


def _as_double(name):
    from pyspark.sql import functions as F

    return F.expr("try_cast({} AS double)".format(spark_column(name)))


def _category_stats(df, name):
    """Category counts keyed as the pandas engine labels them (missing: null, and NaN)."""
    from pyspark.sql import functions as F

    col = F.col(spark_column(name))
    rows = df.groupBy(col.alias("value")).count().collect()
    values = [r["value"] for r in rows]
    counts = np.array([r["count"] for r in rows], dtype="int64")
    labels = as_text(pd.Series(values, dtype=object if any(isinstance(v, str) for v in values) else None))
    missing = labels.isna().to_numpy()
    stats = CategoricalStats(total=int(counts.sum()), missing=int(counts[missing].sum()))
    kept = pd.Series(counts[~missing], index=pd.Index(labels[~missing].to_numpy(), dtype=object))
    stats.counts = kept.groupby(level=0, sort=False).sum().astype("int64")
    return stats


def _numeric_summary(df, names):
    """Per column: total, missing, min, max, mean and population variance of the finite values."""
    from pyspark.sql import functions as F

    exprs = [F.count(F.lit(1)).alias("__rows")]
    for i, name in enumerate(names):
        x = _as_double(name)
        finite = F.expr(_FINITE.format(c="try_cast({} AS double)".format(spark_column(name))))
        v = F.when(finite, x)
        exprs += [F.count(v).alias("n%d" % i), F.min(v).alias("lo%d" % i), F.max(v).alias("hi%d" % i),
                  F.avg(v).alias("mean%d" % i), F.var_pop(v).alias("var%d" % i)]
    row = df.agg(*exprs).first()
    out = {}
    for i, name in enumerate(names):
        n = int(row["n%d" % i])
        out[name] = dict(total=int(row["__rows"]), n=n, low=row["lo%d" % i], high=row["hi%d" % i],
                         mean=row["mean%d" % i] or 0.0, m2=(row["var%d" % i] or 0.0) * n)
    return out


def _order_statistics(df, name, ranks):
    """The values at 0-based ranks of the sorted finite values (one distributed sort)."""
    from pyspark.sql import functions as F

    x = _as_double(name)
    finite = df.select(x.alias("x")).where(F.expr(_FINITE.format(c="x"))).orderBy("x")
    wanted = set(ranks)
    found = finite.rdd.zipWithIndex().filter(lambda pair: pair[1] in wanted).collect()
    return {index: row[0] for row, index in found}


def _exact_edges(df, name, n, psi_bins):
    """The quantile edges (numeric.edges_from_order_statistics) from a distributed sort."""
    values = _order_statistics(df, name, edge_ranks(n, psi_bins)) if n else {}
    return edges_from_order_statistics(n, psi_bins, values)


def _grid_stats(df, grids, summaries):
    """NumericStats per column from one aggregation: grid bins by Bucketizer on -x (its buckets are
    [a, b), ours (a, b]), counts and sums per (column, bin)."""
    from pyspark.ml.feature import Bucketizer
    from pyspark.sql import functions as F

    names = list(grids)
    stats = {}
    if not names:
        return stats
    columns = []
    for i, name in enumerate(names):
        x = _as_double(name)
        finite = F.expr(_FINITE.format(c="try_cast({} AS double)".format(spark_column(name))))
        columns += [F.when(finite, x).alias("x%d" % i)]
    frame = df.select(*columns)
    for i in range(len(names)):
        # 0 - x, not -x: Spark orders -0.0 below 0.0, so a zero must not change sign
        frame = frame.withColumn("neg%d" % i, F.lit(0.0) - F.col("x%d" % i))
    splits = [[-np.inf] + sorted((0.0 - grids[n]).tolist()) + [np.inf] for n in names]
    bucketizer = Bucketizer(splitsArray=splits, inputCols=["neg%d" % i for i in range(len(names))],
                            outputCols=["b%d" % i for i in range(len(names))], handleInvalid="keep")
    frame = bucketizer.transform(frame)
    stacked = frame.select(F.explode(F.array(*[
        F.struct(F.lit(i).alias("column"), F.col("b%d" % i).alias("bin"), F.col("x%d" % i).alias("x"))
        for i in range(len(names))])).alias("s")).select("s.*").where(F.col("x").isNotNull())
    rows = stacked.groupBy("column", "bin").agg(F.count(F.lit(1)).alias("count"), F.sum("x").alias("sum")).collect()
    for i, name in enumerate(names):
        grid = grids[name]
        summary = summaries[name]
        s = NumericStats(grid, total=summary["total"], missing=summary["total"] - summary["n"],
                         low=summary["low"] if summary["n"] else np.inf,
                         high=summary["high"] if summary["n"] else -np.inf, mean=summary["mean"], m2=summary["m2"])
        stats[name] = s
    for row in rows:
        name = names[row["column"]]
        ours = len(grids[name]) - int(row["bin"])
        stats[name].counts[ours] += int(row["count"])
        stats[name].sums[ours] += float(row["sum"])
    return stats


def profile_from_spark(df, names, params, plugin_version):
    """The reference profile from a Spark DataFrame (same values as the pandas engines')."""
    present = [n for n in names if n in df.columns]
    features = {n: _type(df, n, params) for n in present}
    numeric = [n for n in present if features[n].type == NUMERIC and not features[n].error]
    summaries = _numeric_summary(df, numeric) if numeric else {}
    grids = {}
    for name in numeric:
        summary = summaries[name]
        edges = _exact_edges(df, name, summary["n"], params.psi_bins)
        features[name].edges = edges
        features[name].std = float(np.sqrt(summary["m2"] / summary["n"])) if summary["n"] else 0.0
        grids[name] = make_grid(edges, summary["low"], summary["high"]) if summary["n"] else edges
    for name, stats in _grid_stats(df, grids, summaries).items():
        features[name].numeric = stats
    for name in present:
        if features[name].type == CATEGORICAL and not features[name].error:
            features[name].categorical = _category_stats(df, name)
    rows = df.count()
    require_rows("reference", rows)
    return ReferenceProfile(plugin_version, profile_settings(params), rows, features, list(df.columns))


class SparkSide(CurrentSide):
    """The current side's statistics from Spark aggregations."""

    def __init__(self, rows, columns, stats, errors):
        self.rows, self.columns, self.stats, self.errors = rows, columns, stats, errors


def current_from_spark(df, profile, names):
    """The current side of ``names`` on the grids of ``profile``."""
    present = [n for n in names if n in df.columns and n in profile.features and not profile.features[n].error]
    errors, stats = {}, {}
    numeric = []
    for name in present:
        feature = profile.features[name]
        if feature.type == NUMERIC:
            error = check_current(name, profile.forced_type(name), NUMERIC, _scan(df, name))
            if error:
                errors[name] = error
                continue
            numeric.append(name)
        else:
            stats[name] = _category_stats(df, name)
    summaries = _numeric_summary(df, numeric) if numeric else {}
    stats.update(_grid_stats(df, {n: profile.features[n].numeric.grid for n in numeric}, summaries))
    for name in numeric:  # current moments are not used; keep the pandas engine's convention
        stats[name].mean, stats[name].m2 = summaries[name]["mean"], summaries[name]["m2"]
    return SparkSide(df.count(), list(df.columns), stats, errors)
