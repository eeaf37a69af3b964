"""Local ``dataiku.Dataset``: a CSV or Parquet file (format chosen by the extension)."""
import os

import pandas as pd

from . import _flow

_DSS_TYPES = (
    ("bool", "boolean"), ("int", "bigint"), ("float", "double"), ("datetime", "date"),
)


def _dss_type(dtype):
    name = str(dtype).lower()
    for prefix, dss_type in _DSS_TYPES:
        if name.startswith(prefix):
            return dss_type
    return "string"


def schema_of(frame):
    return [{"name": str(c), "type": _dss_type(t)} for c, t in frame.dtypes.items()]


class Dataset:
    def __init__(self, name, project_key=None, ignore_flow=False):
        self.full_name = _flow.full_name(name if project_key is None else "{}.{}".format(project_key, name))
        self.project_key, self.short_name = self.full_name.split(".", 1)
        self.name = self.full_name
        self.path = _flow.path_of(self.full_name, "Dataset")
        self._schema = None

    def __repr__(self):
        return "Dataset({!r} at {!r})".format(self.full_name, self.path)

    @property
    def _is_parquet(self):
        return self.path.lower().endswith((".parquet", ".pq"))

    # -- reading -------------------------------------------------------------------------
    def _require_file(self):
        if not os.path.exists(self.path):
            raise IOError("Dataset {} has no data: {} does not exist.".format(self.full_name, self.path))

    def get_dataframe(self, columns=None, sampling="head", sampling_column=None, limit=None,
                      ratio=None, infer_with_pandas=True, parse_dates=True, bool_as_str=False,
                      float_precision=None, na_values=None, keep_default_na=True, **kwargs):
        self._require_file()
        if self._is_parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if not limit or pq.read_metadata(self.path).num_rows <= limit:
                return pd.read_parquet(self.path, columns=columns)
            batches, rows = [], 0  # stop reading at the limit, as DSS's stream does
            parquet = pq.ParquetFile(self.path, pre_buffer=False)  # no whole-row-group buffers
            for batch in parquet.iter_batches(batch_size=min(int(limit), 65536), columns=columns):
                batches.append(batch.slice(0, int(limit) - rows))
                rows += len(batches[-1])
                if rows >= limit:
                    break
            table = pa.Table.from_batches(batches, schema=parquet.schema_arrow if columns is None else None) \
                if batches else parquet.schema_arrow.empty_table()
            return table.to_pandas()
        return pd.read_csv(self.path, usecols=columns, nrows=limit, na_values=na_values,
                           keep_default_na=keep_default_na, low_memory=False)

    def iter_dataframes(self, chunksize=10000, infer_with_pandas=True, sampling="head",
                        sampling_column=None, parse_dates=True, limit=None, ratio=None,
                        columns=None, bool_as_str=False, float_precision=None, na_values=None,
                        keep_default_na=True, **kwargs):
        self._require_file()
        chunksize = int(chunksize)
        if self._is_parquet:
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(self.path, pre_buffer=False).iter_batches(batch_size=chunksize, columns=columns):
                yield batch.to_pandas()
            return
        for chunk in pd.read_csv(self.path, usecols=columns, chunksize=chunksize, nrows=limit,
                                 na_values=na_values, keep_default_na=keep_default_na,
                                 low_memory=False):
            yield chunk

    def read_schema(self, raise_if_empty=True):
        if self._schema is None and os.path.exists(self.path):
            if self._is_parquet:
                import pyarrow.parquet as pq

                self._schema = schema_of(pq.read_schema(self.path).empty_table().to_pandas())
            else:
                self._schema = schema_of(pd.read_csv(self.path, nrows=1000, low_memory=False))
        if not self._schema and raise_if_empty:
            raise Exception("No column in schema of {}. Has this dataset been built yet?".format(self.full_name))
        return list(self._schema or [])

    # -- writing -------------------------------------------------------------------------
    def write_schema(self, columns, dropAndCreate=False):
        self._schema = list(columns)

    def write_schema_from_dataframe(self, df, dropAndCreate=False):
        self._schema = schema_of(df)

    def write_with_schema(self, df, drop_and_create=False, **kwargs):
        self.write_schema_from_dataframe(df)
        with self.get_writer() as writer:
            writer.write_dataframe(df)

    def write_dataframe(self, df, infer_schema=False, dropAndCreate=False, **kwargs):
        with self.get_writer() as writer:
            writer.write_dataframe(df)

    def get_writer(self):
        if self._schema is None:
            raise Exception("Dataset {}: set the schema (write_schema) before get_writer().".format(self.full_name))
        return _Writer(self)


class _Writer:
    """Writes chunks; the first write of a run truncates unless the output is in append mode."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.columns = [c["name"] for c in dataset._schema]
        self.frames = []

    def write_dataframe(self, df):
        missing = [c for c in self.columns if c not in df.columns]
        if missing:
            raise Exception("Dataset {}: columns {} of the schema are not in the dataframe.".format(
                self.dataset.full_name, missing))
        self.frames.append(df[self.columns])

    def write_row_dict(self, row):
        self.write_dataframe(pd.DataFrame([row]))

    def close(self):
        frame = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame(columns=self.columns)
        path = self.dataset.path
        append = self.dataset.full_name in _flow.state["append"] and os.path.exists(path)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        if append:
            frame = pd.concat([self.dataset.get_dataframe(), frame], ignore_index=True)
        if self.dataset._is_parquet:
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
        _flow.state["append"].add(self.dataset.full_name)  # later writes of this run add rows

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
