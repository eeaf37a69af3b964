"""The model-card rule (pure): a managed folder of the project (``model_card_folder``) holds this
plugin's model-health page (``*.html`` whose name contains ``model-health``) or a generated model
documentation (``*.docx``) modified after the saved model version was trained.

Sources (dataiku-api-client 12.6.4 … 15.2.0): ``DSSManagedFolder.list_contents()`` items
``path``, ``size``, ``lastModified`` (epoch ms; ``dataikuapi/dss/managedfolder.py``); the version's
``trainDate`` from ``get_version_details(v)`` (the snippet key, ``dataikuapi/dss/ml.py``). The
public API generates a model documentation as a download (``generate_documentation`` then
``download_documentation_stream``), never into a folder: a scenario or the gate stores it."""
from dataclasses import dataclass
from typing import Optional

from .results import FAIL, PASS, RuleResult
from .policy import MODEL_CARD
from .signoffs import format_time


@dataclass(frozen=True)
class ModelCardFacts:
    folder: str = ""
    items: Optional[list] = None      # list_contents()["items"]; None: not read (``error``)
    error: str = ""
    train_ms: Optional[float] = None  # the version's train date; None: unknown (``train_error``)
    train_error: str = ""
    version: str = ""


def is_card(path):
    name = str(path).rsplit("/", 1)[-1].lower()
    return (name.endswith(".html") and "model-health" in name) or name.endswith(".docx")


def judge(facts, policy):
    source = "managed folder {} (list_contents) and the version's trainDate".format(
        facts.folder if facts and facts.folder else "(none named)")
    bound = "a model-health page or model documentation newer than the version's training"
    if facts is None or not facts.folder:
        return RuleResult(MODEL_CARD, FAIL, "no managed folder named (parameter model_card_folder)", bound, source)
    if facts.items is None:
        return RuleResult(MODEL_CARD, FAIL, "folder not read: " + (facts.error or "not fetched"), bound, source)
    if facts.train_ms is None:
        return RuleResult(MODEL_CARD, FAIL, "the training date of version {} is unknown ({})".format(
            facts.version, facts.train_error or "not reported"), bound, source)
    cards = [i for i in facts.items if isinstance(i, dict) and is_card(i.get("path", ""))
             and isinstance(i.get("lastModified"), (int, float)) and not isinstance(i.get("lastModified"), bool)]
    newer = sorted((i for i in cards if i["lastModified"] > facts.train_ms), key=lambda i: -i["lastModified"])
    trained = format_time(facts.train_ms)
    if newer:
        return RuleResult(MODEL_CARD, PASS, "{} ({}), version {} trained {}".format(
            newer[0]["path"], format_time(newer[0]["lastModified"]), facts.version, trained), bound, source)
    if cards:
        return RuleResult(MODEL_CARD, FAIL, "model card(s) {} older than version {} (trained {})".format(
            ", ".join(i["path"] for i in cards[:3]), facts.version, trained), bound, source)
    return RuleResult(MODEL_CARD, FAIL, "no model-health page or model documentation in the folder ({} file(s))"
                      .format(len(facts.items)), bound, source)
