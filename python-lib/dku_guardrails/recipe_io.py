"""Recipe roles and dataset I/O: the datasets, folders and the reads (whole or in chunks) every recipe uses."""
import logging

import dataiku
from dataiku.customrecipe import get_input_names_for_role, get_output_names_for_role

from model_guardrails.engines import MEMORY
from model_guardrails.errors import InputError

log = logging.getLogger("model_guardrails.recipe_io")  # one namespace: model_guardrails

LOG_FORMAT = "Model Guardrails | %(levelname)s - %(message)s"
# DSS streams a dataset as text that pandas parses; its default float parser can be 1 ulp off the
# stored value, "round_trip" is exact (Dataset.get_dataframe / iter_dataframes take float_precision
# and hand it to pandas: public copy of DSS 9.0.5 dataiku/core/dataset.py; DSS 11 reference).
FLOAT_PRECISION = "round_trip"


def setup_logging():
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)


def _single(names, role, direction, required):
    if not names:
        if required:
            raise InputError("Recipe {} role '{}' is empty: add a dataset to it in the recipe's "
                             "Input/Output tab.".format(direction, role))
        return None
    return dataiku.Dataset(names[0])


def input_dataset(role, required=True):
    return _single(get_input_names_for_role(role), role, "input", required)


def output_dataset(role, required=True):
    return _single(get_output_names_for_role(role), role, "output", required)


def output_folder(role, required=True):
    names = get_output_names_for_role(role)
    if not names:
        if required:
            raise InputError("Recipe output role '{}' is empty: add a managed folder to it in the recipe's "
                             "Input/Output tab.".format(role))
        return None
    return dataiku.Folder(names[0])


def read_frame(dataset, columns=None):
    """The whole dataset as a DataFrame (types inferred by pandas, as DSS does by default)."""
    frame = dataset.get_dataframe(columns=columns, float_precision=FLOAT_PRECISION)
    logging.info("Read %d rows x %d columns from %s", len(frame), frame.shape[1], dataset.name)
    return frame


def write_metrics(dataset, frame):
    dataset.write_with_schema(frame)
    logging.info("Wrote %d metric rows to %s", len(frame), dataset.name)


class DatasetSource:
    """A DSS dataset as the core's engines read it (model_guardrails.engines.Source): read whole when
    the engine settings keep it in memory (at most ``max_rows_in_memory`` rows; ``frame()``: the exact
    in-memory path), else streamed: ``frame()`` is None and each ``chunks()`` call is a fresh pass of
    chunks. ``n_rows``: its row count, None when it has more rows."""

    def __init__(self, dataset, columns, settings):
        self.dataset, self.columns, self.settings = dataset, columns, settings
        limit = settings.max_rows_in_memory
        frame = dataset.get_dataframe(columns=columns, limit=limit + 1, float_precision=FLOAT_PRECISION)
        self.n_rows = len(frame) if len(frame) <= limit else None
        if settings.engine_for(self.n_rows) == MEMORY:
            self._frame = frame
            log.info("Read %d rows x %d columns from %s", len(frame), frame.shape[1], dataset.name)
        else:
            self._frame = None
            log.info("%s has more than %d rows (max_rows_in_memory): streaming it in chunks of %d rows",
                     dataset.name, limit, settings.chunk_size)

    def frame(self):
        return self._frame

    def chunks(self, columns=None):
        """A fresh pass in chunks, of ``columns`` (a subset of this source's) or of all of them."""
        if self._frame is not None:
            yield self._frame if columns is None else self._frame[columns]
            return
        columns = self.columns if columns is None else columns
        for chunk in self.dataset.iter_dataframes(chunksize=self.settings.chunk_size, columns=columns,
                                                  float_precision=FLOAT_PRECISION):
            yield chunk
