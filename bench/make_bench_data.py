"""Seeded benchmark data: 25 features (20 numeric, 5 categorical, one with ~5,000 levels),
~2% missing values, sensitive columns, label, score and prediction; a reference and a current
file with a shift in a few columns. Written as Parquet.

Files above CHUNK_ROWS rows are written chunk by chunk (each chunk its own seed), so generating 10M
rows needs the memory of one chunk. Files are written under a temporary name and renamed when
complete, so an interrupted run never leaves a truncated file in the cache."""
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

N_NUMERIC, CATEGORICAL_LEVELS = 20, (3, 8, 30, 200, 5000)
CHUNK_ROWS = 1_000_000


def make_frame(n, seed, drifted):
    rng = np.random.default_rng(seed)
    data = {}
    for i in range(N_NUMERIC):
        shift = 0.3 if drifted and i < 3 else 0.0
        values = rng.lognormal(shift, 1.0, n) if i % 4 == 0 else rng.normal(shift, 1.0 + 0.1 * (i % 3), n)
        values[rng.random(n) < 0.02] = np.nan
        data["num_{:02d}".format(i)] = values
    for j, levels in enumerate(CATEGORICAL_LEVELS):
        weights = 1.0 / np.arange(1, levels + 1) ** (0.8 if not (drifted and j == 1) else 0.5)
        codes = rng.choice(levels, n, p=weights / weights.sum())
        values = pd.Series(np.char.add("c{}_".format(j), codes.astype(str)), dtype=object)
        values[rng.random(n) < 0.02] = None
        data["cat_{}".format(j)] = values
    data["gender"] = rng.choice(["F", "M"], n)
    data["age_band"] = rng.choice(["18-25", "26-35", "36-45", "46-60", "60+"], n)
    data["label"] = (rng.random(n) < 0.1).astype(int)
    data["score"] = np.clip(0.35 * data["label"] + rng.beta(2, 5, n), 0, 1)
    data["prediction"] = (data["score"] >= 0.5).astype(int)
    return pd.DataFrame(data)


def write_file(path, n_rows, seed, drifted):
    if os.path.exists(path):
        return
    partial = path + ".partial"
    if n_rows <= CHUNK_ROWS:
        make_frame(n_rows, seed, drifted).to_parquet(partial, index=False)
    else:
        writer = None
        for k, start in enumerate(range(0, n_rows, CHUNK_ROWS)):
            frame = make_frame(min(CHUNK_ROWS, n_rows - start), seed * 1000 + k, drifted)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(partial, table.schema)
            writer.write_table(table)
        writer.close()
    os.replace(partial, path)


def write(folder, n_rows, seed=11):
    """Reference and current files of ``n_rows`` rows in ``folder`` (kept when already there)."""
    os.makedirs(folder, exist_ok=True)
    paths = {}
    for name, offset, drifted in (("reference", 0, False), ("current", 1, True)):
        paths[name] = os.path.join(folder, "{}_{}.parquet".format(name, n_rows))
        write_file(paths[name], n_rows, seed + offset, drifted)
    return paths


FEATURES = ["num_{:02d}".format(i) for i in range(N_NUMERIC)] + ["cat_{}".format(j) for j in range(len(CATEGORICAL_LEVELS))]
NUMERIC = FEATURES[:N_NUMERIC]
CATEGORICAL = FEATURES[N_NUMERIC:]
