"""dss-local: run the plugin's real recipe.py / check.py / runnable.py files outside DSS.

``dss_local/stub`` holds a stand-in for the part of DSS's internal ``dataiku`` package the plugin
uses, backed by CSV/Parquet files and directories. It is put on ``sys.path`` only while a
component runs (see :mod:`dss_local.runtime`).
"""
