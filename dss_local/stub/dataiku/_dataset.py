"""Local ``dataiku.Dataset``: a CSV or Parquet file (format chosen by the extension), or a
partitioned dataset: a directory holding one ``<partition id>.csv`` / ``.parquet`` file per partition.

Reads follow DSS's own ``dataiku.core.dataset.Dataset`` (public copy of DSS 9.0.5,
badribaindla/dataiku-soft@95bd4d95 dataiku-dss-9.0.5/python/dataiku/core/dataset.py): DSS streams
the rows as text and pandas parses them with the read options, so types are inferred by pandas on
the whole frame (``get_dataframe``) or on each chunk (``iter_dataframes``). The stand-in does the
same: whatever the local storage, the rows are turned into CSV text and parsed by ``pandas.read_csv``
with DSS's arguments. Options DSS supports that cannot be reproduced locally (random sampling)
are rejected, never ignored."""
import io
import os

import pandas as pd

from . import _flow

_EXTENSIONS = (".csv", ".parquet", ".pq")
_BATCH_ROWS = 65536

# DSS type -> pandas dtype when infer_with_pandas=False (DSS 9.0.5 dataiku/core/schema_handling.py
# DKU_PANDAS_TYPES_MAP; every other type is read as object).
_PANDAS_TYPES = {"int": "int32", "bigint": "int64", "float": "float32", "double": "float64", "boolean": "bool"}
# pandas dtype -> DSS type when a schema is taken from a dataframe (same file, PANDAS_DKU_TYPES_MAP;
# anything else is "string"). datetime64 of any unit or zone is "date" (DSS 9.0.5 predates the
# pandas 2 units and maps datetime64[ns] and zoned datetimes to "date").
_DSS_TYPES = {"int64": "bigint", "float64": "double", "float32": "float", "int32": "int", "object": "string",
              "bool": "boolean", "Int64": "bigint", "boolean": "boolean"}


def _dss_type(dtype):
    name = str(dtype)
    return "date" if name.startswith("datetime64") else _DSS_TYPES.get(name, "string")


def schema_of(frame):
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):  # DSS 9.0.5 schema_handling.get_schema_from_df
        raise Exception("DSS doesn't support dataframes containing multiple columns with the same name: {}".format(
            sorted({n for n in names if names.count(n) > 1})))
    return [{"name": n, "type": _dss_type(t)} for n, t in zip(names, frame.dtypes)]


def _sampling_limit(sampling, sampling_column, limit, ratio):
    """The row limit of a read: the checks of DSS's create_sampling_argument (DSS 9.0.5
    dataiku/core/dataset.py), then only what the stand-in can reproduce."""
    if isinstance(sampling, dict):
        raise ValueError("sampling given as a dict ({!r}) is DSS's internal form; the local stand-in reads "
                         "sampling='head' with an optional limit".format(sampling))
    if sampling_column is not None and sampling != "random-column":
        raise ValueError("sampling_column argument does not make sense with %s sampling method." % sampling)
    if sampling == "head":
        if ratio is not None:
            raise ValueError("target_ratio parameter is not supported by the head sampling method.")
        return None if limit is None else int(limit)
    if sampling == "random":
        if ratio is not None and limit is not None:
            raise ValueError("Cannot set both ratio and limit.")
        if ratio is None and limit is None:
            raise ValueError("Sampling method random requires either a parameter limit or ratio")
    elif sampling == "random-column":
        if sampling_column is None:
            raise ValueError("random-column sampling method requires a sampling_column argument.")
        if ratio is not None:
            raise ValueError("ratio parameter is not handled by sampling column method.")
        if limit is None:
            raise ValueError("random-column requires a limit parameter")
    else:
        raise ValueError("Sampling %s is unsupported" % sampling)
    raise ValueError("sampling={!r} is valid in DSS but the local stand-in cannot reproduce DSS's random sample; "
                     "read with sampling='head' (optionally with limit) locally".format(sampling))


class _TextStream(io.RawIOBase):
    """A file-like object over a generator of byte strings, for pandas.read_csv."""

    def __init__(self, pieces):
        self._pieces, self._buffer = iter(pieces), b""

    def readable(self):
        return True

    def readinto(self, target):
        while not self._buffer:
            try:
                self._buffer = next(self._pieces)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n], self._buffer = self._buffer[:n], self._buffer[n:]
        return n


class Dataset:
    """Signatures: DSS 9.0.5 dataiku/core/dataset.py and the DSS 11 reference
    (doc.dataiku.com/dss/11/python-api/datasets-reference.html); see tests/reference/dataiku_signatures.json."""

    def __init__(self, name, project_key=None, ignore_flow=False):
        if "." in name and project_key is not None and name.split(".", 1)[0] != project_key:
            raise ValueError("Project key %s incompatible with fullname dataset %s." % (project_key, name))
        self.full_name = _flow.full_name(name if project_key is None else "{}.{}".format(project_key, name))
        self.project_key, self.short_name = self.full_name.split(".", 1)
        self.name = self.full_name
        self.path = _flow.path_of(self.full_name, "Dataset")
        self.ignore_flow = ignore_flow
        self.read_partitions = None
        self.writePartition = None
        if _flow.state["in_flow"] and not ignore_flow:
            self.readable, self.writable = _flow.role_of(self.full_name)
        else:
            self.readable = self.writable = True
        self._schema = None

    def __repr__(self):
        return "Dataset({!r} at {!r})".format(self.full_name, self.path)

    def _in_flow(self):
        return _flow.state["in_flow"] and not self.ignore_flow

    @property
    def _is_parquet(self):
        return self.path.lower().endswith((".parquet", ".pq"))

    # -- partitions --------------------------------------------------------------------------
    def add_read_partitions(self, spec):
        """Add a partition to read. As in DSS, not allowed inside a recipe (the Flow sets the
        partitions); the local stand-in reads exact partition ids, not ranges."""
        if self._in_flow():
            raise Exception("You cannot explicitly set partitions when running within Dataiku Flow")
        if self.read_partitions is None:
            self.read_partitions = []
        self.read_partitions.append(spec)

    def _partitions(self):
        """{partition id: file} of a partitioned (directory) dataset."""
        return {os.path.splitext(f)[0]: os.path.join(self.path, f) for f in sorted(os.listdir(self.path))
                if f.lower().endswith(_EXTENSIONS)}

    def _files(self):
        """The files a read covers: the dataset file, or the read partitions' files (all of them
        when no partition was added, as DSS reads a whole partitioned dataset)."""
        if not os.path.exists(self.path):
            raise IOError("Dataset {} has no data: {} does not exist.".format(self.full_name, self.path))
        if not os.path.isdir(self.path):
            if self.read_partitions:
                raise ValueError("Dataset {} is not partitioned ({} is a file): cannot read partitions {}.".format(
                    self.full_name, self.path, self.read_partitions))
            return [self.path]
        known = self._partitions()
        wanted = self.read_partitions or sorted(known)
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise ValueError("Dataset {}: no partition {} (partitions: {}).".format(
                self.full_name, ", ".join(map(repr, unknown)), ", ".join(sorted(known)) or "none"))
        return [known[p] for p in wanted]

    # -- reading -----------------------------------------------------------------------------
    def _require_readable(self):
        if not self.readable:
            raise Exception("You cannot read dataset %s, it is not declared as an input" % self.name)

    @staticmethod
    def _frames(path, columns):
        """The stored rows of one file as DataFrames of raw values (CSV cells as text)."""
        if path.lower().endswith(".csv"):
            for frame in pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                                     chunksize=_BATCH_ROWS):
                yield frame if columns is None else frame[columns]
            return
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path, pre_buffer=False).iter_batches(batch_size=_BATCH_ROWS, columns=columns):
            yield batch.to_pandas()

    def _text(self, columns, limit):
        """The rows as CSV text without header, as DSS streams them (column subset, head limit)."""
        rows = 0
        for path in self._files():
            for frame in self._frames(path, columns):
                if limit is not None:
                    frame = frame.iloc[:max(limit - rows, 0)]
                rows += len(frame)
                if len(frame):
                    yield frame.to_csv(header=False, index=False).encode("utf-8")
                if limit is not None and rows >= limit:
                    return

    def _read_arguments(self, columns, parse_dates, infer_with_pandas, bool_as_str):
        """names, dtype and parse_dates for pandas, as DSS's get_dataframe_schema_st computes them
        from the dataset schema (DSS 9.0.5 dataiku/core/dataset.py)."""
        schema = self.read_schema()
        known = [c["name"] for c in schema]
        if columns is not None:
            columns = list(dict.fromkeys(columns))
            missing = [c for c in columns if c not in known]
            if missing:
                raise ValueError("Dataset {}: no column {} (columns: {}).".format(
                    self.full_name, ", ".join(map(repr, missing)), ", ".join(known)))
        wanted = [c for c in schema if columns is None or c["name"] in columns]
        if infer_with_pandas:
            dtypes = {c["name"]: "str" for c in wanted if c["type"] == "boolean"} if bool_as_str else None
        else:
            dtypes = {c["name"]: "str" if bool_as_str and c["type"] == "boolean" else _PANDAS_TYPES.get(c["type"], object)
                      for c in wanted}
        if parse_dates is True:
            parse_dates = [c["name"] for c in wanted if c["type"] == "date"] or False
        return columns or known, dtypes, parse_dates

    def _read(self, columns, sampling, sampling_column, limit, ratio, infer_with_pandas, parse_dates, bool_as_str,
              float_precision, na_values, keep_default_na, chunksize=None):
        self._require_readable()
        limit = _sampling_limit(sampling, sampling_column, limit, ratio)
        names, dtypes, parse_date_columns = self._read_arguments(columns, parse_dates, infer_with_pandas, bool_as_str)
        stream = io.BufferedReader(_TextStream(self._text(columns and names, limit)), buffer_size=1 << 20)
        return pd.read_csv(stream, names=names, dtype=dtypes, header=None, doublequote=True, quotechar='"',
                           parse_dates=parse_date_columns, float_precision=float_precision, na_values=na_values,
                           keep_default_na=keep_default_na, chunksize=chunksize,
                           low_memory=chunksize is not None)

    def get_dataframe(self, columns=None, sampling="head", sampling_column=None, limit=None, ratio=None,
                      infer_with_pandas=True, parse_dates=True, bool_as_str=False, float_precision=None,
                      na_values=None, keep_default_na=True):
        return self._read(columns, sampling, sampling_column, limit, ratio, infer_with_pandas, parse_dates,
                          bool_as_str, float_precision, na_values, keep_default_na)

    def iter_dataframes(self, chunksize=10000, infer_with_pandas=True, sampling="head", sampling_column=None,
                        parse_dates=True, limit=None, ratio=None, columns=None, bool_as_str=False,
                        float_precision=None, na_values=None, keep_default_na=True):
        """Chunks of ``chunksize`` rows; pandas infers each chunk's types on its own, as in DSS."""
        self._require_readable()  # DSS checks this before the first chunk is asked for
        reader = self._read(columns, sampling, sampling_column, limit, ratio, infer_with_pandas, parse_dates,
                            bool_as_str, float_precision, na_values, keep_default_na, chunksize=int(chunksize))
        with reader:
            for chunk in reader:
                yield chunk

    def read_schema(self, raise_if_empty=True):
        if self._schema is None and os.path.exists(self.path):
            files = self._files()
            if not files:
                self._schema = []
            elif files[0].lower().endswith(".csv"):
                self._schema = schema_of(pd.read_csv(files[0], nrows=1000, low_memory=False))
            else:
                import pyarrow.parquet as pq

                self._schema = schema_of(pq.read_schema(files[0]).empty_table().to_pandas())
        if not self._schema and raise_if_empty:
            raise Exception("No column in schema of {}. Have you set up the schema for this dataset?".format(
                self.full_name))
        return list(self._schema or [])

    # -- writing -----------------------------------------------------------------------------
    def _require_writable(self):
        if not self.writable:
            raise Exception("You cannot write dataset %s, it is not declared as an output" % self.name)

    def write_schema(self, columns, dropAndCreate=False):
        self._require_writable()
        for column in columns:  # the checks of DSS 9.0.5 Dataset.write_schema
            for key in ("type", "name"):
                if key not in column:
                    raise Exception("Columns %s has no attribute %s" % (column, key))
                if not isinstance(column[key], str):
                    raise Exception("Columns %s %s attribute is not a string" % (column, key))
        self._schema = [dict(c) for c in columns]

    def write_schema_from_dataframe(self, df, dropAndCreate=False):
        self.write_schema(schema_of(df), dropAndCreate)

    def write_with_schema(self, df, dropAndCreate=False):
        if not hasattr(df, "to_csv"):
            raise ValueError("Method write_with_schema expects a dataframe as argument. You gave a %s" %
                             (df is None and "None" or df.__class__))
        self.write_dataframe(df, True, dropAndCreate)

    def write_dataframe(self, df, infer_schema=False, dropAndCreate=False):
        if not hasattr(df, "to_csv"):
            raise ValueError("Method write_from_dataframe expects a dataframe as argument. You gave a %s" %
                             (df is None and "None" or df.__class__))
        self._require_writable()
        if infer_schema:
            self.write_schema_from_dataframe(df, dropAndCreate)
        with self.get_writer() as writer:
            writer.write_dataframe(df)

    def get_writer(self):
        self._require_writable()
        if self._schema is None:
            raise Exception("Dataset {}: set the schema (write_schema) before get_writer().".format(self.full_name))
        if os.path.isdir(self.path):
            raise Exception("Dataset {}: writing a partitioned dataset ({} is a directory) is not supported by "
                            "the local stand-in.".format(self.full_name, self.path))
        return DatasetWriter(self)


class DatasetWriter:
    """DSS's dataiku.core.dataset_write.DatasetWriter (DSS 9.0.5). Writes chunks; the first write of a run truncates unless the output is in append mode."""

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

    def write_row_dict(self, row_dict):
        """Columns of the schema missing from the dict are written empty (DSS 9.0.5 DatasetWriter)."""
        self.write_tuple([row_dict.get(c, "") for c in self.columns])

    def write_tuple(self, row):
        if len(row) != len(self.columns):
            raise Exception("Dataset {}: a row of {} values for the {} columns of the schema.".format(
                self.dataset.full_name, len(row), len(self.columns)))
        self.frames.append(pd.DataFrame([["" if v is None else v for v in row]], columns=self.columns))

    def close(self):
        frame = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame(columns=self.columns)
        path = self.dataset.path
        append = self.dataset.full_name in _flow.state["append"] and os.path.exists(path)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        if append:
            previous = pd.read_parquet(path) if self.dataset._is_parquet else pd.read_csv(path, low_memory=False)
            frame = pd.concat([previous, frame], ignore_index=True)
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
