"""Spark recipes' I/O: the Spark session, datasets as Spark DataFrames."""
import logging

log = logging.getLogger("model_guardrails.spark_io")  # one namespace: model_guardrails


def session():
    """The Spark session DSS configured for the recipe (local mode in dss-local)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("model-guardrails").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    if spark.sparkContext.master.startswith("local"):
        spark.conf.set("spark.sql.shuffle.partitions", "4")  # a few local cores: 200 tiny tasks per shuffle is waste
    return spark


def sql_context(spark):
    """The SQLContext DSS's dataiku.spark.get_dataframe reads datasets with: DSS's own code reads a
    SparkSession through ``_wrapped``, which Spark 3.3 removed; its usage sample opens datasets with
    ``SQLContext(sc)`` (public copy of DSS 9.0.5 dataiku/spark/__init__.py). Built on the
    recipe's session (no second session, no PySpark deprecation warning); still in PySpark 4."""
    from pyspark.sql import SQLContext

    return SQLContext(spark.sparkContext, spark)


def dataframe(spark, dataset, columns=None):
    import dataiku.spark as dkuspark

    df = dkuspark.get_dataframe(sql_context(spark), dataset)
    if columns is not None:
        df = df.select(*["`{}`".format(c.replace("`", "``")) for c in columns if c in df.columns])
    return df
