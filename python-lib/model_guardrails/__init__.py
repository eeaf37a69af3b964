"""model-guardrails core: drift, fairness and performance metrics, checks and the gate decision.

Pure computation only: nothing in this package imports ``dataiku`` or performs HTTP.
"""

__version__ = "0.1.0"
