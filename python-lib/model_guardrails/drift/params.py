"""Validated parameters of the compute-drift recipes, built from the raw recipe config once (the
engine settings and the profile mode included)."""
from dataclasses import dataclass, field
from typing import Dict, Tuple

from .. import store_params, params as p
from ..bounds import parse_bounds
from ..engines import EngineSettings
from ..errors import ConfigError
from ..table import ABOVE, Bound
from .metrics import CATEGORICAL, DECISION_METRICS, MASS_METRICS, NUMERIC, PVALUE_DECISION_BOUND, SPECS
from .prepare import forced_type

CONVENTIONS = ("default", "evidently")
CORRECTIONS = ("none", "bonferroni", "fdr_bh")
PROFILE_MODES = ("reuse", "rebuild")
DEFAULT_DRIFT_SHARE_BOUND = Bound(ABOVE, 0.1, 0.3)
DEFAULT = "default"
# The decision metric per (convention, feature type) when none is chosen: the mass that moved beyond
# noise (mass.py) under ``default``; the ``evidently`` convention keeps Evidently's defaults.
DEFAULT_DECISIONS = {("default", NUMERIC): "drift_mass", ("default", CATEGORICAL): "drift_mass",
                     ("evidently", NUMERIC): "wasserstein_norm", ("evidently", CATEGORICAL): "js_distance"}


@dataclass(frozen=True)
class DriftParams:
    columns: Tuple[str, ...] = ()
    excluded_columns: Tuple[str, ...] = ()
    numeric_columns: Tuple[str, ...] = ()
    categorical_columns: Tuple[str, ...] = ()
    methods: Tuple[str, ...] = tuple(SPECS)
    convention: str = "default"
    psi_bins: int = 10
    multiple_testing: str = "bonferroni"
    numeric_decision_metric: str = DEFAULT  # DEFAULT: the convention's (DEFAULT_DECISIONS)
    categorical_decision_metric: str = DEFAULT
    max_categories: int = 1000
    bounds: Dict[str, Bound] = field(default_factory=dict)
    engine: EngineSettings = field(default_factory=EngineSettings)
    profile_mode: str = "reuse"  # "rebuild": ignore a saved reference profile (and overwrite it)
    # The recipe's parameter names (recipe.json), the engine's included.
    NAMES = ("columns", "excluded_columns", "numeric_columns", "categorical_columns", "convention", "methods",
             "psi_bins", "max_categories", "numeric_decision_metric", "categorical_decision_metric",
             "multiple_testing", "bounds", "max_rows_in_memory", "chunk_size", "profile_mode") + store_params.NAMES

    @classmethod
    def from_config(cls, config, spark=False):
        """``spark``: the Spark recipe's parameters (its engine defaults, engines.EngineSettings)."""
        p.warn_unknown(config, cls.NAMES, "compute-drift")
        numeric = p.get_list(config, "numeric_columns")
        categorical = p.get_list(config, "categorical_columns")
        both = sorted(set(numeric) & set(categorical))
        if both:
            raise ConfigError("categorical_columns", both, "columns not also listed in numeric_columns")
        params = cls(
            columns=tuple(p.get_list(config, "columns")),
            excluded_columns=tuple(p.get_list(config, "excluded_columns")),
            numeric_columns=tuple(numeric),
            categorical_columns=tuple(categorical),
            methods=tuple(p.get_list(config, "methods", allowed=set(SPECS)) or SPECS),
            convention=p.get_choice(config, "convention", "default", CONVENTIONS),
            psi_bins=p.get_int(config, "psi_bins", 10, minimum=2, maximum=1000),
            multiple_testing=p.get_choice(config, "multiple_testing", "bonferroni", CORRECTIONS),
            numeric_decision_metric=_decision(config, "numeric_decision_metric", NUMERIC),
            categorical_decision_metric=_decision(config, "categorical_decision_metric", CATEGORICAL),
            max_categories=p.get_int(config, "max_categories", 1000, minimum=1),
            bounds=_bounds(config.get("bounds")),
            engine=EngineSettings.from_config(config, spark=spark),
            profile_mode=p.get_choice(config, "profile_mode", "reuse", PROFILE_MODES),
        )
        return params

    def exclusion_note(self, reference_columns, current_columns):
        """A warning naming the excluded_columns in neither dataset, with their close matches, or "".
        Not an error: excluding a column that is not there changes no result, and a column dropped
        upstream (often the reason it was excluded) must not break a Flow."""
        present = sorted({str(c) for c in list(reference_columns) + list(current_columns)})
        unknown, suggestions = p.unknown_names(self.excluded_columns, present)
        if not unknown:
            return ""
        return "excluded_columns: {} in neither the reference nor the current dataset, nothing to exclude".format(
            p.describe_unknown(unknown, suggestions))

    def forced_type(self, name):
        """NUMERIC or CATEGORICAL when ``name`` is listed in numeric_columns or categorical_columns, else None."""
        return forced_type(name, self.numeric_columns, self.categorical_columns)

    def decision_metric(self, feature_type):
        chosen = self.numeric_decision_metric if feature_type == NUMERIC else self.categorical_decision_metric
        return DEFAULT_DECISIONS[(self.convention, feature_type)] if chosen == DEFAULT else chosen

    def bound(self, metric):
        """Bounds recorded on ``metric`` rows: the user's, else the metric's default."""
        if metric in self.bounds:
            return self.bounds[metric]
        if metric == "drift_share":
            return DEFAULT_DRIFT_SHARE_BOUND
        spec = SPECS.get(metric)
        return spec.default_bound if spec else None

    def decision_bound(self, metric):
        """Bounds deciding drift_score: the metric's bounds, or ERROR below 0.05 for p-values."""
        bound = self.bound(metric)
        if bound is None and SPECS[metric].is_pvalue:
            return PVALUE_DECISION_BOUND
        if bound is None:
            raise ConfigError("bounds", metric, "warning/error bounds for decision metric '{}' (it has no "
                              "default bound)".format(metric))
        return bound


def _decision(config, name, feature_type):
    valid = [DEFAULT] + [m for m in DECISION_METRICS if feature_type in SPECS[m].types]
    chosen = p.get_choice(config, name, DEFAULT, valid)
    if chosen in MASS_METRICS and config.get("convention", "default") == "evidently":
        raise ConfigError(name, chosen, "a metric of the 'evidently' convention ({} is computed on the "
                          "'default' convention's bins)".format(chosen))
    return chosen


def _bounds(raw):
    directions = {name: spec.direction for name, spec in SPECS.items()}
    directions["drift_share"] = ABOVE
    return parse_bounds(raw, directions)
