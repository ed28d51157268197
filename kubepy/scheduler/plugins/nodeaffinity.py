"""NodeAffinity (the book's MatchNodeSelector / PodSelectorMatches): the node must carry every
nodeSelector label and match one of the required node selector terms; preferred terms add their
weights to the score (normalised)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from kubepy.scheduler.plugins.base import (
    PRE,
    Cluster,
    CycleState,
    FilterPlugin,
    Obj,
    Reasons,
    ScorePlugin,
    default_normalize,
    each_node,
    labels_of,
)

REASON = "node(s) didn't match Pod's node affinity/selector"


def _int(s: str) -> int | None:
    try:
        return int(s)
    except (TypeError, ValueError):
        return None


def match_expression(expr: Obj, labels: Mapping[str, str]) -> bool:
    """A NodeSelectorRequirement against a label (or field) set."""
    key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if op in ("Gt", "Lt") and key in labels and len(values) == 1:
        have, want = _int(labels[key]), _int(values[0])
        if have is None or want is None:
            return False
        return have > want if op == "Gt" else have < want
    return False


def match_term(term: Obj, node: Obj) -> bool:
    """A NodeSelectorTerm: all its label expressions and field expressions (metadata.name); an
    empty term matches nothing."""
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not exprs and not fields:
        return False
    labels = labels_of(node)
    name = {"metadata.name": (node.get("metadata") or {}).get("name", "")}
    return all(match_expression(e, labels) for e in exprs) and all(match_expression(f, name) for f in fields)


def required_terms(spec: Obj) -> list[Obj] | None:
    aff = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    )
    if aff is None:
        return None
    return aff.get("nodeSelectorTerms") or []


def fits(spec: Obj, node: Obj) -> bool:
    selector = spec.get("nodeSelector") or {}
    labels = labels_of(node)
    if any(labels.get(k) != v for k, v in selector.items()):
        return False
    terms = required_terms(spec)
    return terms is None or any(match_term(t, node) for t in terms)


def preferred_score(spec: Obj, node: Obj) -> int:
    prefs = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "preferredDuringSchedulingIgnoredDuringExecution"
    ) or []
    return sum(p.get("weight", 0) for p in prefs if match_term(p.get("preference") or {}, node))


class NodeAffinity(FilterPlugin, ScorePlugin):
    name = "NodeAffinity"
    stage = PRE

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(state.spec.get("nodeSelector")) or required_terms(state.spec) is not None

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        spec = state.spec
        return each_node(
            cluster.table, range(len(cluster.table)), lambda n, _: None if fits(spec, n) else (REASON,)
        )

    def should_score(self, state: CycleState, cluster: Cluster) -> bool:
        aff = (state.spec.get("affinity") or {}).get("nodeAffinity") or {}
        return bool(aff.get("preferredDuringSchedulingIgnoredDuringExecution"))

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        rows = cluster.table.rows
        return default_normalize([preferred_score(state.spec, rows[i].node) for i in feasible])
