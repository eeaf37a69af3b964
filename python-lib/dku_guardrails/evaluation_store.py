"""Recipes' optional Model Evaluation Store output: post the run's evaluation
(:func:`model_guardrails.evaluation_store.evaluation_of`) through the public API of the user running
the recipe (``dataiku.api_client()``; ``DSSModelEvaluationStore.add_custom_model_evaluation``, present
with these arguments in dataiku-api-client 12.6.4 … 15.2.0; from 14.3 it posts to
``/evaluationstores/``, before to ``/modelevaluationstores/``).

Order: the recipe writes its metrics dataset first, then posts. A post that fails raises an error
naming the store (the user asked for the store): the dataset is already written, the recipe fails so
that the scenario says the store misses a run. Whether a plugin recipe can declare a Model Evaluation
Store *output role* is UNCONFIRMED, hence the store id parameter."""
import logging

from model_guardrails import __version__
from model_guardrails.errors import InputError
from model_guardrails.evaluation_store import StoreTarget, evaluation_of

log = logging.getLogger("model_guardrails.evaluation_store")
TIMEOUT_SECONDS = 60


def target(config):
    """The store to post to (parsed before the recipe computes anything: a bad id fails at once)."""
    return StoreTarget.from_config(config)


def post(store_target, recipe, table, client=None, project_key=None):
    """Add the run of ``table`` to the store; returns the Evaluation posted, or None when off."""
    if not store_target.enabled:
        return None
    from dataikuapi.dss.modelevaluationstore import DSSModelEvaluationStore

    from .gate.http import Deadline, harden

    if project_key is None:
        import dataiku  # inside DSS or the local runtime only
        project_key = dataiku.default_project_key()
    where = "Model Evaluation Store '{}' of project {}".format(store_target.store_id, project_key)
    try:
        evaluation = evaluation_of(table, recipe, __version__)
    except ValueError as err:
        raise InputError("The metrics dataset was written, but nothing could be added to the {}: {} (the dataset "
                         "written has no run's rows).".format(where, err)) from None
    try:
        if client is None:
            import dataiku  # inside DSS or the local runtime only
            client = dataiku.api_client()
        client = harden(client, TIMEOUT_SECONDS, Deadline(TIMEOUT_SECONDS))
        store = client.get_project(project_key).get_model_evaluation_store(store_target.store_id)
        store.add_custom_model_evaluation(
            [DSSModelEvaluationStore.MetricDefinition(code, value, name) for code, value, name in evaluation.metrics],
            evaluation_id=evaluation.evaluation_id, name=evaluation.name,
            labels=[DSSModelEvaluationStore.LabelDefinition(k, v) for k, v in evaluation.labels],
            model=store_target.full_model_id(project_key))
    except Exception as exc:  # noqa: BLE001 -- any failure is reported with the store named; the dataset is written
        raise InputError("The metrics dataset was written, but run {} could not be added to the {}: {}: {}. Check "
                         "that the store exists in this project (its id is in its URL: .../modelevaluationstores/<id>/)"
                         ", that you may write to it{}, or empty 'evaluation_store_id' to turn this output off.".format(
                             evaluation.name, where, type(exc).__name__, str(exc)[:300],
                             " and that saved model version {} exists".format(store_target.full_model_id(project_key))
                             if store_target.saved_model else "")) from None
    log.info("Added evaluation %s (%d metrics) to the %s", evaluation.evaluation_id, len(evaluation.metrics), where)
    return evaluation
