"""The model-card rule (pure): a managed folder of the project (``model_card_folder``) holds, for
the saved model version qualified, this plugin's model-health page (``*.html`` whose name
contains ``model-health`` and the saved model id) or a generated model documentation (``*.docx``
whose name contains the saved model id and the version id), modified after the version was
trained. A card of another model, or of no model named, does not count.

Sources (dataiku-api-client 12.6.4 … 15.2.0): ``DSSManagedFolder.list_contents()`` items
``path``, ``size``, ``lastModified`` (epoch ms; ``dataikuapi/dss/managedfolder.py``); the version's
``trainDate`` from ``get_version_details(v)`` (the snippet key, ``dataikuapi/dss/ml.py``).
UNCONFIRMED: that ``trainDate`` is in epoch milliseconds (no source states its unit); a value
below 1e11 or above 1e13 (not a date between 1973 and 2286 in milliseconds) FAILs "unit unknown"
rather than being compared. The
public API generates a model documentation as a download (``generate_documentation`` then
``download_documentation_stream``), never into a folder: a scenario or the gate stores it."""
from dataclasses import dataclass
from typing import Optional

from ..epoch import is_plausible_ms
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
    saved_model: str = ""


def is_card(path, saved_model, version):
    """A model-health page naming the saved model, or a model documentation naming it and the version."""
    name = str(path).rsplit("/", 1)[-1].lower()
    if not saved_model or saved_model.lower() not in name:
        return False
    return ((name.endswith(".html") and "model-health" in name)
            or (name.endswith(".docx") and bool(version) and version.lower() in name))


def judge(facts, policy):
    source = "managed folder {} (list_contents) and the version's trainDate".format(
        facts.folder if facts and facts.folder else "(none named)")
    bound = ("a model-health page naming the saved model, or its model documentation naming the version, newer "
             "than the version's training")
    if facts is None or not facts.folder:
        return RuleResult(MODEL_CARD, FAIL, "no managed folder named (parameter model_card_folder)", bound, source)
    if facts.items is None:
        return RuleResult(MODEL_CARD, FAIL, "folder not read: " + (facts.error or "not fetched"), bound, source)
    if facts.train_ms is None:
        return RuleResult(MODEL_CARD, FAIL, "the training date of version {} is unknown ({})".format(
            facts.version, facts.train_error or "not reported"), bound, source)
    if not is_plausible_ms(facts.train_ms):
        return RuleResult(MODEL_CARD, FAIL, "the training date of version {} reads {!r}: not epoch milliseconds "
                          "(unit unknown), so it cannot be compared".format(facts.version, facts.train_ms), bound,
                          source)
    cards = [i for i in facts.items if isinstance(i, dict) and is_card(i.get("path", ""), facts.saved_model,
                                                                       facts.version)
             and isinstance(i.get("lastModified"), (int, float)) and not isinstance(i.get("lastModified"), bool)]
    newer = sorted((i for i in cards if i["lastModified"] > facts.train_ms), key=lambda i: -i["lastModified"])
    trained = format_time(facts.train_ms)
    if newer:
        return RuleResult(MODEL_CARD, PASS, "{} ({}), version {} trained {}".format(
            newer[0]["path"], format_time(newer[0]["lastModified"]), facts.version, trained), bound, source)
    if cards:
        return RuleResult(MODEL_CARD, FAIL, "model card(s) {} older than version {} (trained {})".format(
            ", ".join(i["path"] for i in cards[:3]), facts.version, trained), bound, source)
    return RuleResult(MODEL_CARD, FAIL, "no model-health page or model documentation of saved model {} version {} "
                      "in the folder ({} file(s); the name must contain the saved model id, and a .docx also the "
                      "version id)".format(facts.saved_model or "(unknown)", facts.version, len(facts.items)),
                      bound, source)
