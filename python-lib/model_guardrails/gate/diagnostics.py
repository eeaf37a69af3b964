"""What a Govern node holds for one DSS project, as govern-diagnostics shows it (pure: the adapter
fetches, this module reads the raw JSON and writes the page). Diagnostics decide nothing: they show
an administrator why the gate finds, or does not find, the items and sign-offs it looks for."""
from dataclasses import dataclass, field
from typing import List, Tuple

from . import report

DATAIKU_PREFIX = "bp.system.dataiku_"
MAX_VALUE = 80  # characters of a field value shown


@dataclass
class Lookup:
    """One DSS item looked up in Govern, the way the gate looks it up."""

    label: str
    blueprint: str
    searched: dict
    dataiku_id: str = ""
    fields: dict = field(default_factory=dict)
    governed_by: str = ""
    govern_id: str = ""
    govern_name: str = ""
    govern_blueprint: str = ""
    steps: List[Tuple[str, str]] = field(default_factory=list)      # (step id, workflow status)
    signoffs: List[Tuple[str, str]] = field(default_factory=list)   # (step id, sign-off status)
    problem: str = ""

    @property
    def verdict(self):
        if self.problem:
            return "PROBLEM"
        return "governed" if self.govern_id else "found"


def dataiku_blueprints(raw_list):
    """Ids of the Dataiku (synced) blueprints in ``list_blueprints()`` raw items."""
    found = []
    for raw in raw_list or []:
        bp = raw.get("blueprint") if isinstance(raw, dict) else None
        if isinstance(bp, dict) and isinstance(bp.get("id"), str) and bp["id"].startswith(DATAIKU_PREFIX):
            found.append(bp["id"])
    return sorted(found)


def workflow_steps(artifact):
    """(step id, status) of an artifact's ``workflow.steps``; [] when absent or unreadable."""
    workflow = artifact.get("workflow") if isinstance(artifact, dict) else None
    steps = workflow.get("steps") if isinstance(workflow, dict) else None
    if not isinstance(steps, dict):
        return []
    return [(str(k), str(v.get("status", "?")) if isinstance(v, dict) else "?") for k, v in steps.items()]


def listed_signoffs(raw_list):
    """(step id, status) of ``list_signoffs()`` raw items, either shape (``signoffId.stepId`` or ``stepId``)."""
    out = []
    for raw in raw_list or []:
        if not isinstance(raw, dict):
            continue
        sid = raw.get("signoffId")
        step = sid.get("stepId") if isinstance(sid, dict) else raw.get("stepId")
        out.append((str(step), str(raw.get("status", "?"))))
    return out


def _short(value):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def problems(names, blueprints, lookups, blueprints_error=""):
    """Plain-language findings: configured blueprints the node lacks, items not found or not governed."""
    found = []
    if blueprints_error:
        found.append("The blueprints could not be listed: " + blueprints_error)
    else:
        for setting, bp in (("govern_bp_project", names.bp_project), ("govern_bp_model_version", names.bp_model_version),
                            ("govern_bp_bundle", names.bp_bundle)):
            if bp not in blueprints:
                found.append("Blueprint {} (plugin setting {}) is not on this Govern node; its Dataiku blueprints are: "
                             "{}.".format(bp, setting, ", ".join(blueprints) or "none"))
    found.extend("{}: {}".format(lk.label, lk.problem) for lk in lookups if lk.problem)
    return found


def page(project_key, node_id, via, names, blueprints, lookups, blueprints_error="", checked_on=""):
    """The HTML result of govern-diagnostics."""
    issues = problems(names, blueprints, lookups, blueprints_error)
    status = report.badge("{} PROBLEM(S)".format(len(issues)) if issues else "ALL FOUND", "warn" if issues else "ok")
    rows = [(lk.label, lk.blueprint, ", ".join("{}={}".format(k, v) for k, v in lk.searched.items()),
             lk.dataiku_id, lk.governed_by, " ".join(x for x in (lk.govern_id, lk.govern_name, lk.govern_blueprint) if x),
             ", ".join("{}: {}".format(s, st) for s, st in lk.steps),
             ", ".join("{}: {}".format(s, st) for s, st in lk.signoffs), lk.verdict, lk.problem) for lk in lookups]
    fields = [(lk.label, "; ".join("{}={}".format(k, _short(v)) for k, v in sorted(lk.fields.items())))
              for lk in lookups if lk.fields]
    changed = names.changed()
    return report.page("Govern diagnostics of {}".format(project_key), status, [
        ("Findings", report.ordered(issues or ["Every item below was found and is governed."])),
        ("Items, looked up as the gate looks them up", report.table(
            ["DSS item", "Blueprint", "Searched fields", "Govern item", "Governed by", "Governing item",
             "Workflow steps", "Sign-offs", "Result", "Problem"], rows, flag_column=9)),
        ("Fields of the items found", report.key_values(fields or [("none", "")])),
        ("This Govern node", report.key_values([
            ("DSS node id", node_id), ("Govern reached through", via),
            ("Dataiku blueprints", ", ".join(blueprints) or blueprints_error or "none"),
            ("Plugin settings changed from their defaults",
             ", ".join("{}={}".format(k, v) for k, v in sorted(changed.items())) or "none")])),
        ("How to read", report.ordered([
            "The gate finds a DSS item in Govern by its blueprint and field values (plugin settings govern_bp_* and "
            "govern_field_*, defaults from Govern's standard templates), then follows its '{}' link to the Govern "
            "item whose sign-offs decide.".format(names.field_governed_by),
            "When a blueprint or a field is named differently on your Govern node, set the plugin setting to the "
            "name shown here (Plugins > model-guardrails > Settings).",
            "Read only: nothing was changed. Checked on {}.".format(checked_on or "-")]))])


__all__ = ["Lookup", "dataiku_blueprints", "workflow_steps", "listed_signoffs", "problems", "page"]
