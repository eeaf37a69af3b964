"""Peer workload for bench/detection.py: Evidently's default drift decision per column.

Run with the peer environment's Python (build/peers), never the plugin's:

    python evidently_decisions.py REFERENCE CURRENT OUT_JSON --numeric a,b --categorical c,d

One DataDriftPreset() report with its default tests over the given columns of two Parquet files;
writes per column the method Evidently chose, its value, its threshold and whether Evidently calls
the column drifted (p-value tests: p < threshold; distances: value >= threshold). A report that
raises is written as {"error": "..."} (Evidently fails the whole report on a column that is empty
in the current data).
"""
import argparse
import json
import warnings

import pandas as pd


def drifted(method, value, threshold):
    return value < threshold if "p_value" in method else value >= threshold


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("current")
    parser.add_argument("out")
    parser.add_argument("--numeric", default="")
    parser.add_argument("--categorical", default="")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    import evidently
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    numeric = [c for c in args.numeric.split(",") if c]
    categorical = [c for c in args.categorical.split(",") if c]
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    try:
        reference, current = (Dataset.from_pandas(pd.read_parquet(path, columns=numeric + categorical),
                                                  data_definition=definition)
                              for path in (args.reference, args.current))
        snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
        columns = {}
        for item in snapshot.dict()["metrics"]:
            config = item["config"]
            if config["type"].endswith("ValueDrift"):
                columns[config["column"]] = {"method": config["method"], "value": item["value"],
                                             "threshold": config["threshold"],
                                             "drifted": bool(drifted(config["method"], item["value"],
                                                                     config["threshold"]))}
        out = {"evidently": evidently.__version__, "columns": columns}
    except Exception as exc:  # the peer's failure is a result, recorded as such
        out = {"evidently": evidently.__version__, "error": "{}: {}".format(type(exc).__name__, exc)[:300]}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
