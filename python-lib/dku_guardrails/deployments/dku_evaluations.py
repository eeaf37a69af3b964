"""The Model Evaluation Store evaluations of one project, as activity evidence for its saved models
(``model_guardrails.deployments.inactivity.saved_model_activity``), through public calls present in
every supported client (dataiku-api-client 12.6.4 … 15.2.0):

* ``DSSProject.list_model_evaluation_stores()`` (GET ``/projects/{K}/modelevaluationstores/``, from
  14.3 ``/projects/{K}/evaluationstores/``); a store's id is ``mes_id`` (12.6 … 14.0; 14.3+ for a
  TABULAR store) or ``id`` (14.3+: a store of another flavor, listed as a ``DSSEvaluationStore``);
* ``DSSProject.get_model_evaluation_store(id).list_model_evaluations()`` then, for each,
  ``get_full_info()``, whose ``creation_date`` is the evaluation's ``created`` and ``model_full_id``
  its ``modelRef.fullId`` (the client's ``DSSModelEvaluationFullInfo`` reads those keys; the date's
  unit, epoch milliseconds, is UNCONFIRMED and judged by ``epoch.PLAUSIBLE_MS``).

Every store of every flavor is read (an evaluation with no model reference does not count). Any
failure makes the whole read fail (GateError / ConfigError): the caller then judges every saved model
UNKNOWN. Cost: one call per evaluation (the listing's own dates are not kept by the client)."""
from model_guardrails import gate, ids
from model_guardrails.deployments.inactivity import Evaluation


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def project_evaluations(dss):
    """[Evaluation] of every evaluation of every evaluation store of ``dss``'s project (a DssGateway)."""
    def call(what, fn, *args):
        return dss.redactor.call("DSS", what, fn, *args)

    stores = call("listing the Model Evaluation Stores of project " + dss.project_key,
                  dss.project.list_model_evaluation_stores)
    if not isinstance(stores, list):
        raise gate.GateError(gate.REFUSE_MALFORMED, "DSS listed the Model Evaluation Stores in an unknown shape.")
    out = []
    for store in stores:
        store_id = ids.check(ids.EVALUATION_STORE_ID, getattr(store, "mes_id", None) or getattr(store, "id", None),
                             "Model Evaluation Store listed by DSS")
        handle = dss.project.get_model_evaluation_store(store_id)
        evaluations = call("listing the evaluations of Model Evaluation Store " + store_id,
                           handle.list_model_evaluations)
        for evaluation in evaluations:
            evaluation_id = ids.check(ids.EVALUATION_ID, getattr(evaluation, "evaluation_id", None),
                                      "evaluation listed in Model Evaluation Store " + store_id)
            info = call("reading evaluation {} of Model Evaluation Store {}".format(evaluation_id, store_id),
                        evaluation.get_full_info)
            ref = getattr(info, "model_full_id", None)
            out.append(Evaluation(store_id, evaluation_id, _number(getattr(info, "creation_date", None)),
                                  ref if isinstance(ref, str) else None))
    return out
