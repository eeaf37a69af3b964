"""Peer workload: Evidently's drift preset (DataDriftPreset, default tests) on two Parquet files.

Run with the peer environment's Python (build/peers), never the plugin's:

    python evidently_drift.py REFERENCE CURRENT OUT_JSON --numeric a,b --categorical c,d

Writes the per-column drift value and the method Evidently chose, for the parent to compare.
"""
import argparse
import json
import warnings

import pandas as pd


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("current")
    parser.add_argument("out")
    parser.add_argument("--numeric", required=True)
    parser.add_argument("--categorical", required=True)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    import evidently
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    numeric, categorical = args.numeric.split(","), args.categorical.split(",")
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    reference, current = (Dataset.from_pandas(pd.read_parquet(path, columns=numeric + categorical),
                                              data_definition=definition)
                          for path in (args.reference, args.current))
    snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
    columns = {item["config"]["column"]: {"method": item["config"]["method"], "value": item["value"]}
               for item in snapshot.dict()["metrics"] if item["config"]["type"].endswith("ValueDrift")}
    with open(args.out, "w") as f:
        json.dump({"evidently": evidently.__version__, "columns": columns}, f, indent=1)


if __name__ == "__main__":
    main()
