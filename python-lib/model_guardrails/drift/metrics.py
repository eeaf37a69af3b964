"""The drift metric table: per metric its name, the feature types it applies to, its formula (the
reference is docs/drift.md, FORMULAS), its direction and its default bounds.

A new metric is one entry here plus its statistic (numeric.py, categorical.py or distances.py).

Bounds are strict (a value breaches when it is beyond the bound). Statistics and p-values carry
no default bound: on large samples p-values flag nearly every column, so they are informational
unless chosen as the decision metric (then ERROR below 0.05 after multiple-testing correction).
"""
from dataclasses import dataclass
from typing import Optional

from ..table import ABOVE, BELOW, Bound
from .mass import EFFECT

NUMERIC, CATEGORICAL = "numeric", "categorical"
FORMULAS = "docs/drift.md#default-convention"  # each formula in full, with its range and conventions


@dataclass(frozen=True)
class MetricSpec:
    name: str
    types: tuple
    direction: str
    default_bound: Optional[Bound] = None
    is_pvalue: bool = False
    formula: str = ""  # in short; FORMULAS gives it in full


def _above(warning, error):
    return Bound(ABOVE, warning, error)


SPECS = {s.name: s for s in (
    MetricSpec("ks_statistic", (NUMERIC,), ABOVE, formula="sup |F_ref - F_cur|"),
    MetricSpec("ks_pvalue", (NUMERIC,), BELOW, is_pvalue=True, formula="two-sided KS test p-value"),
    MetricSpec("psi", (NUMERIC, CATEGORICAL), ABOVE, _above(0.1, 0.25),
               formula="sum (r - c) ln(r / c), empty bins floored at 0.001"),
    MetricSpec("js_distance", (NUMERIC, CATEGORICAL), ABOVE, _above(0.05, 0.1),
               formula="sqrt(Jensen-Shannon divergence), log base 2"),
    MetricSpec("wasserstein", (NUMERIC,), ABOVE, formula="integral of |F_ref - F_cur| dx"),
    MetricSpec("wasserstein_norm", (NUMERIC,), ABOVE, _above(0.05, 0.1),
               formula="wasserstein / std(reference)"),
    MetricSpec("hellinger", (NUMERIC, CATEGORICAL), ABOVE, _above(0.05, 0.1),
               formula="sqrt(1 - sum sqrt(r c))"),
    MetricSpec("kl_divergence", (NUMERIC, CATEGORICAL), ABOVE, _above(0.05, 0.1),
               formula="sum r ln(r / c), bins floored at 0.001 and renormalised"),
    MetricSpec("chi2_statistic", (CATEGORICAL,), ABOVE, formula="chi-square of the 2 x K table of counts"),
    MetricSpec("chi2_pvalue", (CATEGORICAL,), BELOW, is_pvalue=True, formula="chi-square test p-value"),
    MetricSpec("total_variation", (NUMERIC, CATEGORICAL), ABOVE,
               formula="1/2 sum |r - c| on the bins (numeric: reference deciles; categorical: the most frequent "
                       "categories of both sides), missing bin included"),
    MetricSpec("drift_mass", (NUMERIC, CATEGORICAL), ABOVE, _above(0.0, EFFECT),
               formula="max(0, total_variation - noise floor): the mass that moved beyond sampling noise"),
    MetricSpec("missing_share_reference", (NUMERIC, CATEGORICAL), ABOVE, formula="missing / rows, reference"),
    MetricSpec("missing_share_current", (NUMERIC, CATEGORICAL), ABOVE, formula="missing / rows, current"),
    MetricSpec("unseen_share", (CATEGORICAL,), ABOVE,
               formula="current rows of categories absent from the reference / current rows"),
)}

# Metrics a feature's drift_score may be decided on (shares are not drift decisions).
DECISION_METRICS = tuple(n for n in SPECS if not n.startswith(("missing_share", "unseen")))
PVALUE_DECISION_BOUND = Bound(BELOW, None, 0.05)
# Metrics of the ``default`` convention's bins only (the ``evidently`` convention does not compute them).
MASS_METRICS = ("total_variation", "drift_mass")
DATASET_METRICS = ("drift_share", "drifted_features")
