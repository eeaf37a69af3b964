"""Data drift between a reference and a current dataset (SPEC §2-§3)."""
from .engine import compute_drift  # noqa: F401
from .params import DriftParams  # noqa: F401
