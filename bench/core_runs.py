"""The core path of each recipe, and its read floor, on the bench's Parquet files (`make bench`).

A fresh process per run (bench/run_bench.py times it with bench/timed.py):

    python bench/core_runs.py WORKLOAD ours  OUTPUT INPUT... [--max-rows-in-memory N] [--chunk-size N]
    python bench/core_runs.py WORKLOAD floor -      INPUT... [--max-rows-in-memory N] [--chunk-size N]

``ours`` makes exactly the calls the recipe makes (the recipe's glue, dku_guardrails.drift_io or
outcomes_io, with its DatasetSource, and the core behind it), on :class:`ParquetDataset`, a stand-in
for ``dataiku.Dataset`` that reads the Parquet file with pyarrow (whole with ``pandas.read_parquet``,
or in chunks of ``chunk_size`` rows with ``iter_batches``, as DSS streams a dataset), then writes the
metrics table to OUTPUT. ``floor`` reads the same columns of the same inputs the same way, once
(whole, or in chunks when the run streams), and nothing else: the cost of the read alone.

The local runtime (dss_local) is not used here: it reads datasets through CSV text, which costs far
more than the computation (docs/benchmarks.md).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# MG_BENCH_LIB: another python-lib to measure (e.g. an older checkout's), this one's by default
# dss_local/stub: the stand-in `dataiku` the glue imports (only its import: datasets are ParquetDataset here)
sys.path[:0] = [HERE, os.environ.get("MG_BENCH_LIB") or os.path.join(ROOT, "python-lib"), os.path.join(ROOT, "dss_local", "stub")]

import make_bench_data as data  # noqa: E402

SENSITIVE = ["gender", "age_band"]
# compute-fairness restricted to what fairlearn's MetricFrame computes (bench/peers/fairlearn_fairness.py)
FAIRNESS_METRICS = ["count", "selection_rate", "tpr", "fpr", "tnr", "fnr", "ppv", "accuracy", "roc_auc",
                    "disparate_impact", "demographic_parity_difference", "equal_opportunity_difference",
                    "equal_opportunity_ratio", "equalized_odds_difference", "equalized_odds_ratio"]
CONFIGS = {
    "drift": dict(columns=",".join(data.FEATURES), convention="default"),
    "drift-evidently": dict(columns=",".join(data.FEATURES), convention="evidently"),
    "fairness": dict(target_column="label", prediction_column="prediction", score_column="score",
                     sensitive_columns=SENSITIVE, intersectional=True, convention="fairlearn", min_group_size=1,
                     metrics=FAIRNESS_METRICS),
    "evaluate": dict(task="binary", target_column="label", score_column="score", prediction_column="prediction"),
}


READS = {}  # file name -> chunked reads started (reported on stderr)


class ParquetDataset:
    """The part of ``dataiku.Dataset`` the glue reads, over a Parquet file."""

    def __init__(self, path):
        import pyarrow.parquet as pq

        self.path, self.name = path, os.path.basename(path)
        # no read-ahead of a whole row group's pages (pre_buffer) and no decoding threads: on this
        # machine that reads faster and holds ~0.3 GiB less; ours and the floor read the same way
        self.file = pq.ParquetFile(path, pre_buffer=False)

    def read_schema(self):
        return [{"name": name} for name in self.file.schema_arrow.names]

    def get_dataframe(self, columns=None, limit=None, **_):
        import pandas as pd

        if limit is None or limit >= self.file.metadata.num_rows:
            return pd.read_parquet(self.path, columns=columns)
        return next(self.file.iter_batches(batch_size=limit, columns=columns, use_threads=False)).to_pandas()

    def iter_dataframes(self, chunksize=10_000, columns=None, **_):
        READS[self.name] = READS.get(self.name, 0) + 1
        for batch in self.file.iter_batches(batch_size=chunksize, columns=columns, use_threads=False):
            yield batch.to_pandas()


def _config(workload, args):
    config = dict(CONFIGS[workload])
    if args.max_rows_in_memory is not None:
        config["max_rows_in_memory"] = args.max_rows_in_memory
    if args.chunk_size is not None:
        config["chunk_size"] = args.chunk_size
    return config


def _columns(workload, inputs):
    if workload.startswith("drift"):
        return data.FEATURES
    from model_guardrails.fairness import FairnessParams
    from model_guardrails.performance import PerformanceParams

    params = FairnessParams if workload == "fairness" else PerformanceParams
    return params.from_config(CONFIGS[workload]).columns


def ours(workload, output, inputs, config):
    """The recipe's calls (custom-recipes/<recipe>/recipe.py) on ParquetDataset inputs."""
    from model_guardrails.table import RunInfo

    datasets = [ParquetDataset(path) for path in inputs]
    if workload.startswith("drift"):
        from dku_guardrails import drift_io
        from model_guardrails.drift import DriftParams

        table = drift_io.compute(DriftParams.from_config(config), datasets[0], datasets[1], None, RunInfo.new()).table
    elif workload == "fairness":
        from dku_guardrails import outcomes_io
        from model_guardrails.fairness import FairnessParams

        table = outcomes_io.compute_fairness(FairnessParams.from_config(config), datasets[0])
    else:
        from dku_guardrails import outcomes_io
        from model_guardrails.performance import PerformanceParams

        table = outcomes_io.evaluate_model(PerformanceParams.from_config(config), datasets[0]).table
    table.to_parquet(output, index=False)


def floor(workload, inputs, config):
    """The read alone: the same columns of the same inputs, whole or in chunks as the run reads them.
    Whole frames are held to the end, as the in-memory engines hold both datasets (peak RSS)."""
    columns = _columns(workload, inputs)
    limit = config.get("max_rows_in_memory", 2_000_000)
    held = []
    for path in inputs:
        dataset = ParquetDataset(path)
        if dataset.file.metadata.num_rows <= limit:
            held.append(dataset.get_dataframe(columns=columns))
        else:
            for _ in dataset.iter_dataframes(chunksize=config.get("chunk_size", 200_000), columns=columns):
                pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=sorted(CONFIGS))
    parser.add_argument("mode", choices=["ours", "floor"])
    parser.add_argument("output")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--max-rows-in-memory", type=int)
    parser.add_argument("--chunk-size", type=int)
    args = parser.parse_args()
    config = _config(args.workload, args)
    if args.mode == "ours":
        ours(args.workload, args.output, args.inputs, config)
    else:
        floor(args.workload, args.inputs, config)
    print("chunked reads: {}".format(READS or "none"), file=sys.stderr)


if __name__ == "__main__":
    main()
