"""The sensitivity-tags rule (pure): every dataset upstream of the saved model (or of the project's
outputs) carries a tag of the policy's vocabulary; a blocking class (e.g. ``sensitivity:PHI``)
fails unless the dataset also carries the exemption tag. Untagged datasets are named.

The Flow graph is the public API's ``DSSProjectFlow.get_graph()`` answer (dataiku-api-client
12.6.4 … 15.2.0, ``dataikuapi/dss/flow.py``: ``nodes`` keyed by ref, each with ``type`` and
``predecessors``). The client has no upstream method: the walk is done here.

UNCONFIRMED: that a saved model's graph key is its id (the client's own helpers key datasets by
name; saved models are assumed alike), and how a dataset shared from another project is keyed.
Tags are read from the project's own datasets (``list_datasets()``), so an upstream dataset shared
from another project has no tags read: it FAILs, saying so."""
from collections import deque
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from .results import FAIL, PASS, RuleResult
from .policy import SENSITIVITY

DATASET_NODE = "COMPUTABLE_DATASET"


@dataclass(frozen=True)
class SensitivityFacts:
    target: str                                  # what the datasets are upstream of, for messages
    upstream: Optional[Tuple[str, ...]] = None   # dataset names; None: the walk failed (``error``)
    tags: Dict[str, Optional[Tuple[str, ...]]] = field(default_factory=dict)  # None: not read
    error: str = ""


def graph_nodes(graph):
    """The ``nodes`` of a graph answer; ValueError when it is not readable."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    if not isinstance(nodes, dict):
        raise ValueError("the Flow graph has no 'nodes' object")
    for ref, node in nodes.items():
        if not isinstance(node, dict) or not isinstance(node.get("predecessors", []), list) \
                or not all(isinstance(pred, str) for pred in node.get("predecessors", [])):
            raise ValueError("Flow graph node {!r} is unreadable".format(ref))
    return nodes


def upstream_datasets(nodes, starts):
    """Names of the datasets upstream of the ``starts`` refs (breadth first over ``predecessors``,
    through every node type). ValueError naming a start that is not in the graph, or a
    predecessor ref that is not a node."""
    missing = [s for s in starts if s not in nodes]
    if missing:
        raise ValueError("{} is not in the project's Flow graph".format(missing[0]))
    seen, queue, found = set(starts), deque(starts), []
    while queue:
        for ref in nodes[queue.popleft()].get("predecessors", []):
            if ref in seen:
                continue
            if ref not in nodes:
                raise ValueError("the Flow graph names {!r} as a predecessor but has no such node".format(ref))
            seen.add(ref)
            queue.append(ref)
            if nodes[ref].get("type") == DATASET_NODE:
                found.append(ref)
    return tuple(sorted(found))


def project_outputs(nodes):
    """Refs of the Flow's end products: computables (dataset, folder, saved model, ...) that no
    recipe reads."""
    fed = {p for node in nodes.values() for p in node.get("predecessors", [])}
    return tuple(sorted(ref for ref, node in nodes.items()
                        if str(node.get("type", "")).startswith("COMPUTABLE") and ref not in fed))


def judge(facts, policy):
    bound = "a tag of {}; {} blocked unless tagged {}".format(
        "|".join(policy.sensitivity_vocabulary), ", ".join(policy.sensitivity_blocking) or "nothing",
        policy.sensitivity_exemption)
    source = "Flow graph (project.get_flow().get_graph()) and dataset tags (project.list_datasets())"
    if facts is None or facts.upstream is None:
        return RuleResult(SENSITIVITY, FAIL, "upstream datasets not found: {}".format(
            (facts.error if facts else "") or "not fetched"), bound, source)
    if not facts.upstream:
        return RuleResult(SENSITIVITY, FAIL, "no dataset found upstream of {}: nothing shows what data it was "
                          "built from".format(facts.target), bound, source)
    unread = [n for n in facts.upstream if facts.tags.get(n) is None]
    untagged = [n for n in facts.upstream if n not in unread
                and not set(facts.tags[n]) & set(policy.sensitivity_vocabulary)]
    blocked = ["{} ({})".format(n, ", ".join(sorted(set(facts.tags[n]) & set(policy.sensitivity_blocking))))
               for n in facts.upstream if n not in unread and set(facts.tags[n]) & set(policy.sensitivity_blocking)
               and policy.sensitivity_exemption not in facts.tags[n]]
    problems = []
    if unread:
        problems.append("tags not read for {} (not among this project's own datasets: shared from another "
                        "project? the gate reads the tags of the project's datasets only)".format(", ".join(unread)))
    if untagged:
        problems.append("untagged: " + ", ".join(untagged))
    if blocked:
        problems.append("blocking class without exemption: " + ", ".join(blocked))
    if problems:
        return RuleResult(SENSITIVITY, FAIL, "{} dataset(s) upstream of {}; {}".format(
            len(facts.upstream), facts.target, "; ".join(problems)), bound, source)
    return RuleResult(SENSITIVITY, PASS, "{} dataset(s) upstream of {}, all tagged: {}".format(
        len(facts.upstream), facts.target, ", ".join("{}={}".format(
            n, "/".join(sorted(set(facts.tags[n]) & set(policy.sensitivity_vocabulary)))) for n in facts.upstream)),
        bound, source)
