"""Local ``dataiku.spark``: datasets as Spark DataFrames (CSV with a header, or Parquet)."""
from . import _flow
from ._dataset import Dataset


def get_dataframe(sqlContext, dataset):
    """The dataset as a Spark DataFrame, read by ``sqlContext`` (a SparkSession or SQLContext)."""
    if not isinstance(dataset, Dataset):
        dataset = Dataset(dataset)
    dataset._require_file()
    reader = sqlContext.read
    if dataset._is_parquet:
        return reader.parquet(dataset.path)
    return reader.option("header", True).option("inferSchema", True).csv(dataset.path)


def write_with_schema(dataset, spark_df, delete_first=True):
    dataset.write_with_schema(spark_df.toPandas())


__all__ = ["get_dataframe", "write_with_schema", "_flow"]
