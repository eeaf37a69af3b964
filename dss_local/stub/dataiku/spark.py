"""Local ``dataiku.spark``: datasets as Spark DataFrames (CSV with a header, or Parquet).

Accepts what DSS's own ``dataiku.spark`` accepts on every supported Spark (public copy of DSS 9.0.5,
badribaindla/dataiku-soft@95bd4d95 dataiku-dss-9.0.5/python/dataiku/spark/__init__.py):
``get_dataframe(sqlContext, dataset)`` reads ``sqlContext._ssql_ctx`` of an SQLContext, and of a
SparkSession ``sqlContext._wrapped._ssql_ctx``; ``SparkSession._wrapped`` was removed in Spark 3.3,
so a SparkSession is rejected. ``dataset`` must be a ``dataiku.Dataset`` (DSS reads its
``full_name`` and ``read_partitions``)."""
from ._dataset import Dataset


def get_dataframe(sqlContext, dataset):
    if type(sqlContext).__name__ == "SparkSession":
        raise TypeError("dataiku.spark.get_dataframe got a SparkSession: DSS reads a SparkSession through "
                        "sqlContext._wrapped._ssql_ctx, and SparkSession._wrapped no longer exists from Spark 3.3 "
                        "on. Pass an SQLContext: SQLContext(spark.sparkContext).")
    if not hasattr(sqlContext, "_ssql_ctx"):
        raise TypeError("dataiku.spark.get_dataframe expects an SQLContext (SQLContext(spark.sparkContext)) as "
                        "sqlContext, got a {}.".format(type(sqlContext).__name__))
    if not isinstance(dataset, Dataset):
        raise TypeError("dataiku.spark.get_dataframe expects a dataiku.Dataset as dataset (DSS reads its full_name "
                        "and read_partitions), got a {}: pass dataiku.Dataset({!r}).".format(
                            type(dataset).__name__, dataset))
    dataset._require_readable()
    files = dataset._files()
    reader = sqlContext.read
    if all(f.lower().endswith((".parquet", ".pq")) for f in files):
        return reader.parquet(*files)
    if all(f.lower().endswith(".csv") for f in files):
        return reader.option("header", True).option("inferSchema", True).csv(files)
    raise ValueError("Dataset {}: its partitions mix CSV and Parquet files ({}).".format(dataset.full_name, files))


def write_with_schema(dataset, dataframe, delete_first=True):
    """Replaces the schema with the dataframe's, then overwrites the data, or appends it when
    ``delete_first`` is False (DSS: write mode OVERWRITE or APPEND)."""
    from . import _flow

    (_flow.state["append"].discard if delete_first else _flow.state["append"].add)(dataset.full_name)
    dataset.write_with_schema(dataframe.toPandas())
