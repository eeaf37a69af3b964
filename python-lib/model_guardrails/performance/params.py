"""evaluate-model's parameters (recipe.json), parsed and checked once: :class:`PerformanceParams`,
with the engine settings (max_rows_in_memory, chunk_size) in ``engine``."""
import re
from dataclasses import dataclass, field
from typing import Dict, Tuple

from .. import engines, store_params
from ..bounds import naming, parse_bounds
from ..errors import ConfigError
from ..params import get_choice, get_float, get_list, get_str, warn_unknown
from ..table import Bound
from .metrics import BINARY, BINARY_METRICS, BOUND_PARAMETERS, BY_NAME, METRICS, PRIMARY, REGRESSION, direction_of
from .windows import GRANULARITIES, TIME_UNITS


@dataclass(frozen=True)
class PerformanceParams:
    target_column: str
    task: str = BINARY
    positive_class: str = ""
    prediction_column: str = ""
    score_column: str = ""
    threshold: float = 0.5
    time_column: str = ""
    time_granularity: str = "day"
    time_unit: str = "dates"
    baseline_values: Dict[str, float] = field(default_factory=dict)
    confidence_level: float = 0.95
    metrics: Tuple[str, ...] = BINARY_METRICS
    bounds: Dict[str, Bound] = field(default_factory=dict)
    engine: engines.EngineSettings = field(default_factory=engines.EngineSettings)
    # The recipe's parameter names (recipe.json), the engine's included.
    NAMES = ("task", "target_column", "positive_class", "score_column", "prediction_column", "threshold",
             "time_column", "time_granularity", "time_unit", "baseline_value", "metrics",
             "confidence_level") + BOUND_PARAMETERS + ("bounds",) + engines.NAMES + store_params.NAMES

    @classmethod
    def from_config(cls, config):
        warn_unknown(config, cls.NAMES, "evaluate-model")
        task = get_choice(config, "task", BINARY, tuple(METRICS))
        target = get_str(config, "target_column")
        if not target:
            raise ConfigError("target_column", target, "the name of the ground-truth column")
        prediction, score = get_str(config, "prediction_column"), get_str(config, "score_column")
        if task == BINARY and not prediction and not score:
            raise ConfigError("score_column", score, "a score (probability) column or a prediction column")
        if task == REGRESSION and not prediction:
            raise ConfigError("prediction_column", prediction, "the column of predicted values (regression)")
        metrics = get_list(config, "metrics")
        unknown = [m for m in metrics if m not in METRICS[task]]
        if unknown:
            raise ConfigError("metrics", unknown[0], "{} metrics: {}".format(task, ", ".join(METRICS[task])))
        return cls(
            target_column=target,
            task=task,
            positive_class=get_str(config, "positive_class"),
            prediction_column=prediction,
            score_column=score if task == BINARY else "",
            threshold=get_float(config, "threshold", 0.5, minimum=0.0, maximum=1.0),
            time_column=get_str(config, "time_column"),
            time_granularity=get_choice(config, "time_granularity", "day", tuple(GRANULARITIES)),
            time_unit=get_choice(config, "time_unit", "dates", tuple(TIME_UNITS)),
            baseline_values=_parse_baseline(config.get("baseline_value"), task),
            confidence_level=get_float(config, "confidence_level", 0.95, minimum=0.5, maximum=0.999),
            metrics=tuple(m for m in METRICS[task] if m in metrics) if metrics else METRICS[task],
            bounds=_parse_bounds(config, task),
            engine=engines.EngineSettings.from_config(config),
        )

    @property
    def columns(self):
        wanted = [self.target_column, self.prediction_column, self.score_column, self.time_column]
        return [c for i, c in enumerate(wanted) if c and c not in wanted[:i]]


def _parse_baseline(value, task):
    """``baseline_value``: empty, a number (for roc_auc / rmse), or 'metric=value' pairs."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {PRIMARY[task]: float(value)}
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, str):
        text = value.strip()
        try:
            return {PRIMARY[task]: float(text)}
        except ValueError:
            pairs = [re.split(r"\s*[=:]\s*", part.strip(), maxsplit=1) for part in re.split(r"[,;]", text)
                     if part.strip()]
    else:
        raise ConfigError("baseline_value", value, "a number or 'metric=value' pairs")
    baseline = {}
    for pair in pairs:
        if len(pair) != 2 or str(pair[0]).strip() not in METRICS[task]:
            raise ConfigError("baseline_value", value, "a number (baseline {}) or pairs such as "
                              "'roc_auc=0.91, f1=0.6' naming {} metrics".format(PRIMARY[task], task))
        try:
            baseline[str(pair[0]).strip()] = float(pair[1])
        except (TypeError, ValueError):
            raise ConfigError("baseline_value", value, "numbers after each metric name") from None
    return baseline


def _parse_bounds(config, task):
    """The bounds of the metrics with default bounds (their <metric>_warning / <metric>_error
    parameters), then ``bounds``, which overrides them."""
    bounds = {}
    for name in METRICS[task]:
        if BY_NAME[name].default_bounds is None:
            continue
        default_warning, default_error = BY_NAME[name].default_bounds
        warning = get_float(config, name + "_warning", default_warning, minimum=0.0, maximum=1.0)
        error = get_float(config, name + "_error", default_error, minimum=0.0, maximum=1.0)
        if warning is not None or error is not None:
            with naming("{0}_warning / {0}_error".format(name)):
                bounds[name] = Bound(direction_of(name), warning, error)
    bounds.update(parse_bounds(config.get("bounds"), {m: direction_of(m) for m in METRICS[task]}))
    return bounds
