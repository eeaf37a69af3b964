"""The drift metrics: which feature types they apply to, their direction and default bounds.

Bounds are strict (a value breaches when it is beyond the bound). Statistics and p-values carry
no default bound: on large samples p-values flag nearly every column, so they are informational
unless chosen as the decision metric (then ERROR below 0.05 after multiple-testing correction).
"""
from dataclasses import dataclass
from typing import Optional

from ..table import ABOVE, BELOW, Bound

NUMERIC, CATEGORICAL = "numeric", "categorical"


@dataclass(frozen=True)
class MetricSpec:
    name: str
    types: tuple
    direction: str
    default_bound: Optional[Bound] = None
    is_pvalue: bool = False


def _above(warning, error):
    return Bound(ABOVE, warning, error)


SPECS = {s.name: s for s in (
    MetricSpec("ks_statistic", (NUMERIC,), ABOVE),
    MetricSpec("ks_pvalue", (NUMERIC,), BELOW, is_pvalue=True),
    MetricSpec("psi", (NUMERIC, CATEGORICAL), ABOVE, _above(0.1, 0.25)),
    MetricSpec("js_distance", (NUMERIC, CATEGORICAL), ABOVE, _above(0.05, 0.1)),
    MetricSpec("wasserstein", (NUMERIC,), ABOVE),
    MetricSpec("wasserstein_norm", (NUMERIC,), ABOVE, _above(0.05, 0.1)),
    MetricSpec("hellinger", (NUMERIC, CATEGORICAL), ABOVE, _above(0.05, 0.1)),
    MetricSpec("kl_divergence", (NUMERIC, CATEGORICAL), ABOVE, _above(0.05, 0.1)),
    MetricSpec("chi2_statistic", (CATEGORICAL,), ABOVE),
    MetricSpec("chi2_pvalue", (CATEGORICAL,), BELOW, is_pvalue=True),
    MetricSpec("missing_share_reference", (NUMERIC, CATEGORICAL), ABOVE),
    MetricSpec("missing_share_current", (NUMERIC, CATEGORICAL), ABOVE),
    MetricSpec("unseen_share", (CATEGORICAL,), ABOVE),
)}

# Metrics a feature's drift_score may be decided on (shares are not drift decisions).
DECISION_METRICS = tuple(n for n in SPECS if not n.startswith(("missing_share", "unseen")))
PVALUE_DECISION_BOUND = Bound(BELOW, None, 0.05)
DATASET_METRICS = ("drift_share", "drifted_features")
