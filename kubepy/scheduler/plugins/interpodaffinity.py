"""InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, the required
anti-affinity of pods already running, and the preferred terms as a score (min-max normalised).

A term matches a pod when the pod is in one of the term's namespaces (the incoming pod's own when
none are listed; all when namespaceSelector is empty) and carries the selected labels; it holds for
a node when such a pod runs on a node with the same value of the term's topologyKey.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kubepy.api.labels import SelectorError, from_label_selector
from kubepy.scheduler.plugins.base import (
    MAX_NODE_SCORE,
    POST,
    Cluster,
    CycleState,
    FilterPlugin,
    Obj,
    Reasons,
    ScorePlugin,
    labels_of,
)

AFFINITY = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1


def _terms(pod: Obj, kind: str, mode: str) -> list[Obj]:
    aff = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    return aff.get(f"{mode}DuringSchedulingIgnoredDuringExecution") or []


def term_matches(term: Obj, owner: Obj, pod: Obj) -> bool:
    """Does `pod` fall under `term`, a term of `owner`?"""
    ns = (pod.get("metadata") or {}).get("namespace") or "default"
    namespaces = term.get("namespaces") or []
    if term.get("namespaceSelector") == {}:
        pass  # every namespace
    elif namespaces:
        if ns not in namespaces:
            return False
    elif ns != ((owner.get("metadata") or {}).get("namespace") or "default"):
        return False
    try:
        return from_label_selector(term.get("labelSelector")).matches(labels_of(pod))
    except SelectorError:
        return False


def _domain(node: Obj | None, key: str) -> str | None:
    return None if node is None else labels_of(node).get(key)


def domains_with_match(term: Obj, owner: Obj, placed: Iterable[tuple[Obj, Obj | None]]) -> set[str]:
    key = term.get("topologyKey", "")
    out = set()
    for pod, node in placed:
        d = _domain(node, key)
        if d is not None and term_matches(term, owner, pod):
            out.add(d)
    return out


def _placed(cluster: Cluster) -> list[tuple[Obj, Obj | None]]:
    table = cluster.table
    return [(e.pod, table.node_of(e)) for e in table.pods.values()]


class InterPodAffinity(FilterPlugin, ScorePlugin):
    name = "InterPodAffinity"
    stage = POST

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        pod = state.pod
        mine = _terms(pod, "podAffinity", "required") or _terms(pod, "podAntiAffinity", "required")
        return bool(mine or cluster.table.affinity_pods)

    def should_score(self, state: CycleState, cluster: Cluster) -> bool:
        pod = state.pod
        mine = _terms(pod, "podAffinity", "preferred") or _terms(pod, "podAntiAffinity", "preferred")
        return bool(mine or cluster.table.affinity_pods)

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        pod, table = state.pod, cluster.table
        placed = (
            _placed(cluster)
            if (_terms(pod, "podAffinity", "required") or _terms(pod, "podAntiAffinity", "required"))
            else []
        )
        required = _terms(pod, "podAffinity", "required")
        affinity = [(t.get("topologyKey", ""), domains_with_match(t, pod, placed)) for t in required]
        # the first pod of a group that selects itself may go anywhere the keys exist
        alone = all(not found for _, found in affinity) and all(term_matches(t, pod, pod) for t in required)
        anti = [
            (t.get("topologyKey", ""), domains_with_match(t, pod, placed))
            for t in _terms(pod, "podAntiAffinity", "required")
        ]
        existing: list[tuple[str, str]] = []
        for entry in table.affinity_pods.values():
            node = table.node_of(entry)
            for t in _terms(entry.pod, "podAntiAffinity", "required"):
                d = _domain(node, t.get("topologyKey", ""))
                if d is not None and term_matches(t, entry.pod, pod):
                    existing.append((t.get("topologyKey", ""), d))
        out = []
        for i, row in enumerate(table.rows):
            labels = labels_of(row.node)
            if any(key not in labels for key, _ in affinity) or (
                not alone and any(labels[key] not in found for key, found in affinity)
            ):
                out.append((i, (AFFINITY,)))
            elif any(labels.get(key) in found for key, found in anti if key in labels):
                out.append((i, (ANTI_AFFINITY,)))
            elif any(labels.get(key) == d for key, d in existing):
                out.append((i, (EXISTING_ANTI_AFFINITY,)))
        return out

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        pod, table = state.pod, cluster.table
        weights: dict[tuple[str, str], int] = {}

        def add(key: str, node: Obj | None, w: int) -> None:
            d = _domain(node, key)
            if d is not None and w:
                weights[(key, d)] = weights.get((key, d), 0) + w

        mine = [
            (t.get("weight", 0), t.get("podAffinityTerm") or {}, 1)
            for t in _terms(pod, "podAffinity", "preferred")
        ]
        mine += [
            (t.get("weight", 0), t.get("podAffinityTerm") or {}, -1)
            for t in _terms(pod, "podAntiAffinity", "preferred")
        ]
        if mine:
            for other, node in _placed(cluster):
                for w, term, sign in mine:
                    if term_matches(term, pod, other):
                        add(term.get("topologyKey", ""), node, sign * w)
        for entry in table.affinity_pods.values():
            node = table.node_of(entry)
            theirs: list[tuple[int, Any, int]] = [
                (HARD_POD_AFFINITY_WEIGHT, t, 1) for t in _terms(entry.pod, "podAffinity", "required")
            ]
            theirs += [
                (t.get("weight", 0), t.get("podAffinityTerm") or {}, 1)
                for t in _terms(entry.pod, "podAffinity", "preferred")
            ]
            theirs += [
                (t.get("weight", 0), t.get("podAffinityTerm") or {}, -1)
                for t in _terms(entry.pod, "podAntiAffinity", "preferred")
            ]
            for w, term, sign in theirs:
                if term_matches(term, entry.pod, pod):
                    add(term.get("topologyKey", ""), node, sign * w)
        raw = []
        for i in feasible:
            labels = labels_of(table.rows[i].node)
            raw.append(sum(w for (key, d), w in weights.items() if labels.get(key) == d))
        return normalize_min_max(raw)


def normalize_min_max(raw: list[int]) -> list[int]:
    """InterPodAffinity's NormalizeScore: (s - min) * 100 / (max - min), 0 when all are equal."""
    if not raw:
        return []
    lo, hi = min(raw), max(raw)
    if hi == lo:
        return [0] * len(raw)
    return [MAX_NODE_SCORE * (s - lo) // (hi - lo) for s in raw]
