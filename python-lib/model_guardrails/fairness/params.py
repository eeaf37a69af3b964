"""The compute-fairness parameters (:class:`FairnessParams`), parsed once from the recipe's
configuration, the engine settings included."""
from dataclasses import dataclass, replace
from typing import Optional, Tuple

from .. import engines, store_params
from ..bounds import naming
from ..errors import ConfigError
from ..params import get_bool, get_choice, get_float, get_int, get_list, get_str, warn_unknown
from ..table import ABOVE, BELOW, Bound
from .metrics import ALL_METRICS, BOUND_DEFAULTS, DEFAULT_METRICS, METRICS

HIGHEST_SELECTION_RATE = "highest_selection_rate"
CONVENTIONS = ("default", "fairlearn", "aif360")
_DI, _DIFFERENCE, _SHIFT = (BOUND_DEFAULTS[pair] for pair in ("disparate_impact", "difference", "shift"))


@dataclass(frozen=True)
class FairnessParams:
    target_column: str
    sensitive_columns: Tuple[str, ...]
    positive_class: str = ""
    prediction_column: str = ""
    score_column: str = ""
    threshold: float = 0.5
    intersectional: bool = True
    reference_group: str = HIGHEST_SELECTION_RATE
    min_group_size: int = 30
    confidence_level: float = 0.95
    metrics: Tuple[str, ...] = DEFAULT_METRICS
    convention: str = "default"
    disparate_impact_warning: Optional[float] = _DI[0]
    disparate_impact_error: Optional[float] = _DI[1]
    difference_warning: Optional[float] = _DIFFERENCE[0]
    difference_error: Optional[float] = _DIFFERENCE[1]
    shift_warning: Optional[float] = _SHIFT[0]
    shift_error: Optional[float] = _SHIFT[1]
    engine: engines.EngineSettings = engines.EngineSettings()
    # The recipe's parameter names (recipe.json), the engine's included.
    NAMES = ("target_column", "positive_class", "prediction_column", "score_column", "threshold", "sensitive_columns",
             "intersectional", "reference_group", "min_group_size", "metrics", "confidence_level", "convention",
             "disparate_impact_warning", "disparate_impact_error", "difference_warning", "difference_error",
             "shift_warning", "shift_error") + engines.NAMES + store_params.NAMES

    @classmethod
    def from_config(cls, config, spark=False):
        """The parameters of ``config``; ``spark``: compute-fairness-spark's (its engine defaults)."""
        warn_unknown(config, cls.NAMES, "compute-fairness")
        target = get_str(config, "target_column")
        if not target:
            raise ConfigError("target_column", target, "the name of the ground-truth column")
        prediction, score = get_str(config, "prediction_column"), get_str(config, "score_column")
        if not prediction and not score:
            raise ConfigError("prediction_column", prediction,
                              "a prediction column or a score column (score_column with a threshold)")
        sensitive = get_list(config, "sensitive_columns")
        if not sensitive:
            raise ConfigError("sensitive_columns", config.get("sensitive_columns"),
                              "at least one sensitive column")
        for name in sensitive:
            if name in (target, prediction, score):
                raise ConfigError("sensitive_columns", name,
                                  "columns other than the target, prediction and score columns")
        convention = get_choice(config, "convention", "default", CONVENTIONS)
        reference_group = get_str(config, "reference_group", HIGHEST_SELECTION_RATE)
        if convention == "aif360" and reference_group == "overall":
            raise ConfigError("reference_group", reference_group,
                              "'highest_selection_rate' or a group value with convention 'aif360' "
                              "(the reference group is AIF360's privileged group)")
        metrics = get_list(config, "metrics", allowed=set(ALL_METRICS)) or list(DEFAULT_METRICS)
        params = cls(
            target_column=target,
            sensitive_columns=tuple(sensitive),
            positive_class=get_str(config, "positive_class"),
            prediction_column=prediction,
            score_column=score,
            threshold=get_float(config, "threshold", 0.5, minimum=0.0, maximum=1.0),
            intersectional=get_bool(config, "intersectional", True),
            reference_group=reference_group,
            min_group_size=get_int(config, "min_group_size", 30, minimum=1),
            confidence_level=get_float(config, "confidence_level", 0.95, minimum=0.5, maximum=0.999),
            metrics=tuple(m for m in ALL_METRICS if m in metrics),
            convention=convention,
            disparate_impact_warning=get_float(config, "disparate_impact_warning", _DI[0]),
            disparate_impact_error=get_float(config, "disparate_impact_error", _DI[1]),
            difference_warning=get_float(config, "difference_warning", _DIFFERENCE[0], minimum=0.0),
            difference_error=get_float(config, "difference_error", _DIFFERENCE[1], minimum=0.0),
            shift_warning=get_float(config, "shift_warning", _SHIFT[0], minimum=0.0),
            shift_error=get_float(config, "shift_error", _SHIFT[1], minimum=0.0),
        )
        # Validates the bound pairs now, naming the parameters and their values as set
        # (equalized_odds_difference: a difference never signed, whatever the convention).
        pairs = (("disparate_impact", params.summary_bound, "disparate_impact"),
                 ("difference", params.summary_bound, "equalized_odds_difference"),
                 ("shift", params.shift_bound, "equalized_odds_difference"))
        for pair, bound, metric in pairs:
            with naming("{0}_warning / {0}_error".format(pair)):
                bound(metric)
        return replace(params, engine=engines.EngineSettings.from_config(config, spark=spark))

    @property
    def columns(self):
        """The input columns the computation reads."""
        wanted = [self.target_column, self.prediction_column, self.score_column] + list(self.sensitive_columns)
        return [c for i, c in enumerate(wanted) if c and c not in wanted[:i]]

    @property
    def convention_label(self):
        if self.convention == "fairlearn":
            return "fairlearn_to_overall" if self.reference_group == "overall" else "fairlearn_between_groups"
        return self.convention

    def _signed(self, metric):
        """Metrics whose value is signed (unprivileged − privileged) in this convention."""
        return self.convention == "aif360" and METRICS[metric].signed_in_aif360

    def summary_bound(self, metric):
        entry = METRICS[metric]
        warning, error = getattr(self, entry.bounds + "_warning"), getattr(self, entry.bounds + "_error")
        if self._signed(metric):
            return Bound(BELOW, _neg(warning), _neg(error))
        return Bound(entry.direction, warning, error)

    def shift_bound(self, metric):
        if METRICS[metric].direction == BELOW or self._signed(metric):
            return Bound(BELOW, _neg(self.shift_warning), _neg(self.shift_error))
        return Bound(ABOVE, self.shift_warning, self.shift_error)


def _neg(value):
    return None if value is None else -value


