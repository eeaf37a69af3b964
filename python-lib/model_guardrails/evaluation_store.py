"""What a recipe adds to a DSS Model Evaluation Store (MES): one custom model evaluation per run,
built from the run's headline numbers (:func:`model_guardrails.checks.headline.headline_metrics`,
the same function the guardrails-headline-metrics probe reports, whose ``worst_status`` is the
dataset check's verdict) — so the store, the probe, the metrics dataset and its check show one truth.

Pure: the glue (``dku_guardrails.evaluation_store``) posts the evaluation through the public API's
``DSSModelEvaluationStore.add_custom_model_evaluation``. Parameters (all optional; an empty store id
turns the output off): ``evaluation_store_id``, ``evaluation_saved_model``, ``evaluation_model_version``.
"""
from dataclasses import dataclass
from typing import Tuple

from . import ids, params as p
from .checks.headline import BIGINT, DOUBLE, headline_metrics
from .contract import DECISION_RULE
from .errors import ConfigError
from .store_params import NAMES  # noqa: F401  (the parameters, for callers)

# Label keys: "custom:guardrails_<name>", following the "custom:" prefix of DSS's own examples of
# custom evaluation labels (whether DSS gives the prefix any meaning is UNCONFIRMED).
LABEL_PREFIX = "custom:guardrails_"
PLUGIN_RULES = "model-guardrails"

# The headline numbers each family posts, with the human-readable name DSS shows (everything
# numeric the headline function reports; these are the ones named for the MES charts).
NAMES_SHOWN = {
    "roc_auc": "ROC AUC", "max_ks_statistic": "Max KS statistic (over features)",
    "max_drift_score": "Max drift score (over features)", "drift_share": "Share of drifted features",
    "min_disparate_impact": "Min disparate impact (over attributes)",
}


@dataclass(frozen=True)
class StoreTarget:
    """Where to post (None store id: nowhere) and the saved model version evaluated, if given."""

    store_id: str = ""
    saved_model: str = ""
    model_version: str = ""

    @property
    def enabled(self):
        return bool(self.store_id)

    def full_model_id(self, project_key):
        """DSS's full id of a saved model version, ``S-<project>-<saved model>-<version>``, or None."""
        if not self.saved_model:
            return None
        return "S-{}-{}-{}".format(project_key, self.saved_model, self.model_version)

    @classmethod
    def from_config(cls, config):
        store = p.get_str(config, "evaluation_store_id", "").strip()
        model = p.get_str(config, "evaluation_saved_model", "").strip()
        version = p.get_str(config, "evaluation_model_version", "").strip()
        if store:
            ids.check(ids.EVALUATION_STORE_ID, store, "evaluation_store_id")
        if model or version:
            if not store:
                raise ConfigError("evaluation_saved_model", model or version,
                                  "empty unless 'evaluation_store_id' names the Model Evaluation Store to post to")
            if not (model and version):
                raise ConfigError("evaluation_model_version" if model else "evaluation_saved_model", version or model,
                                  "both the saved model id and its version id (e.g. fraud_model and v2), or neither")
            ids.check(ids.SAVED_MODEL_ID, model, "evaluation_saved_model")
            ids.check(ids.MODEL_VERSION_ID, version, "evaluation_model_version")
        return cls(store, model, version)


@dataclass(frozen=True)
class Evaluation:
    """One custom model evaluation: its id and name, metrics (code, value, name) and labels (key, value)."""

    evaluation_id: str
    name: str
    metrics: Tuple[Tuple[str, float, str], ...]
    labels: Tuple[Tuple[str, str], ...]

    def metric(self, code):
        return next((value for c, value, _ in self.metrics if c == code), None)


def evaluation_of(table, recipe, plugin_version=""):
    """The Evaluation of the run in metrics ``table`` (the recipe's output of this run). Labels: the
    run id, the recipe, the run's verdict (``worst_status``) and the decision rule's version: the
    drift mass rule's version when any feature was decided on it (the ``decision_rule`` column), else
    ``model-guardrails <plugin_version>`` (the checks' rules ship with the plugin)."""
    values = headline_metrics(table)
    run_id = values.get("run_id", ("", None))[0]
    if not run_id:
        raise ValueError("the metrics table has no run: nothing to add to the Model Evaluation Store")
    metrics = tuple((name, float(value), NAMES_SHOWN.get(name, name.replace("_", " ")))
                    for name, (value, kind) in values.items() if kind in (DOUBLE, BIGINT) and name != "runs")
    rules = sorted({v for v in table.get(DECISION_RULE, ()) if isinstance(v, str) and v}) \
        if DECISION_RULE in getattr(table, "columns", ()) else []
    rule = "/".join(rules) if rules else "{} {}".format(PLUGIN_RULES, plugin_version).strip()
    labels = (("run_id", run_id), ("recipe", recipe), ("worst_status", values["worst_status"][0]),
              ("decision_rule", rule))
    return Evaluation("{}-{}".format(recipe.replace("-", "_"), run_id), "{} run {}".format(recipe, run_id), metrics,
                      tuple((LABEL_PREFIX + k, v) for k, v in labels))
