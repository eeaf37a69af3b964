"""HTML reports of the recipes and the model-health report: pure functions from metrics frames
(and the small chart data the recipes hand out) to self-contained HTML strings. See docs/reports.md."""
from .drift import drift_fragment, drift_json, drift_report  # noqa: F401
from .fairness import fairness_fragment, fairness_json, fairness_report  # noqa: F401
from .performance import performance_fragment, performance_json, performance_report  # noqa: F401
from .health import model_health_fragment, model_health_report, model_health_section  # noqa: F401
from .html import CSS, WRAPPER  # noqa: F401
