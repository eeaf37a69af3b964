"""Which engine computes a family's statistics, decided once from the recipe's settings.

Every family has the same three engines (``<family>/engines/``): ``memory`` (the whole dataset as
one DataFrame: exact), ``chunks`` (a dataset larger than ``max_rows_in_memory`` rows, streamed in
chunks of ``chunk_size`` rows into mergeable statistics) and ``spark`` (Spark aggregations). The
glue only reports what it found (does the dataset fit? is it a Spark recipe?); the choice is here."""
from dataclasses import dataclass
from typing import Iterable, Optional, Protocol

from . import params as p

MEMORY, CHUNKS, SPARK = "memory", "chunks", "spark"
NAMES = ("max_rows_in_memory", "chunk_size")
DEFAULT_MAX_ROWS = 2_000_000
# A Spark recipe collects a dataset to the driver only when asked to (max_rows_in_memory > 0).
SPARK_DEFAULT_MAX_ROWS = 0


class Source(Protocol):
    """A dataset as the glue found it; each engine reads it its own way: ``frame()`` (memory),
    ``chunks()`` (chunks) or ``dataframe``, a Spark DataFrame (spark; a Spark recipe's sources only)."""
    n_rows: Optional[int]   # its row count; None: more than max_rows_in_memory, or not counted (Spark, limit 0)

    def frame(self):
        """The whole dataset as a pandas DataFrame."""

    def chunks(self) -> Iterable:
        """A fresh pass over the dataset in pandas DataFrame chunks."""


@dataclass(frozen=True)
class EngineSettings:
    max_rows_in_memory: int = DEFAULT_MAX_ROWS
    chunk_size: int = 200_000
    spark: bool = False

    @classmethod
    def from_config(cls, config, spark=False):
        default = SPARK_DEFAULT_MAX_ROWS if spark else DEFAULT_MAX_ROWS
        return cls(max_rows_in_memory=p.get_int(config, "max_rows_in_memory", default, minimum=0),
                   chunk_size=p.get_int(config, "chunk_size", 200_000, minimum=1000), spark=spark)

    def engine_for(self, n_rows):
        """The engine for a dataset of ``n_rows`` rows (``None``: more than ``max_rows_in_memory``,
        not counted further). On Spark, 0 means never collect, even an empty dataset."""
        fits = n_rows is not None and n_rows <= self.max_rows_in_memory
        if fits and not (self.spark and self.max_rows_in_memory == 0):
            return MEMORY
        return SPARK if self.spark else CHUNKS


def spark_column(name):
    """A column name quoted for Spark SQL expressions (backticks doubled), for every Spark engine."""
    return "`{}`".format(name.replace("`", "``"))
