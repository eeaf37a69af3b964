"""Data drift between a reference and a current dataset (SPEC §2-§3).

params.py (DriftParams) and metrics.py (the metric table); the statistics: prepare.py (column typing),
numeric.py, categorical.py, distances.py, distribution.py (the report's bins), mass.py (the default
decision: the mass moved beyond noise), evidently.py (the ``evidently`` convention); profile.py (the
sufficient statistics and the reference profile's JSON), brackets.py (KS and Wasserstein from grid statistics), finish.py (the table from statistics);
engines/ (memory, chunks, spark); plan.py (which engine runs); table.py (the table writer, DriftResult).
"""
from .engines.memory import compute_drift  # noqa: F401
from .params import DriftParams  # noqa: F401
from .table import DriftResult  # noqa: F401
