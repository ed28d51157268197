"""PodTopologySpread: the pod's topologySpreadConstraints. DoNotSchedule ones filter (the skew of
matching pods between topology domains may not exceed maxSkew); ScheduleAnyway ones score (fewer
matching pods in the node's domain is better). Only nodes passing the pod's node affinity and
carrying every constraint's key count (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore).
Cluster-level default constraints are not applied (pods without constraints are not spread here;
SelectorSpread does that when enabled)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from kubepy.api.labels import SelectorError, from_label_selector
from kubepy.scheduler.plugins import nodeaffinity
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

REASON = "node(s) didn't match pod topology spread constraints"
MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)"


def constraints(pod: Obj, when: str) -> list[Obj]:
    return [
        c
        for c in (pod.get("spec") or {}).get("topologySpreadConstraints") or ()
        if c.get("whenUnsatisfiable") == when
    ]


def _selector(c: Obj):  # noqa: ANN202 - a compiled Selector
    try:
        return from_label_selector(c.get("labelSelector"))
    except SelectorError:
        return from_label_selector(None)


def domain_counts(state: CycleState, cluster: Cluster, cons: list[Obj]) -> list[dict[str, int]]:
    """Per constraint: matching pods (of the pod's namespace) per domain of eligible nodes."""
    table = cluster.table
    keys = [c.get("topologyKey", "") for c in cons]
    sels = [_selector(c) for c in cons]
    counts: list[dict[str, int]] = [{} for _ in cons]
    for row in table.rows:
        labels = labels_of(row.node)
        if any(k not in labels for k in keys) or not nodeaffinity.fits(state.spec, row.node):
            continue
        for j, k in enumerate(keys):
            d = labels[k]
            n = sum(
                1
                for p in row.pods.values()
                if ((p.get("metadata") or {}).get("namespace") or "default") == state.namespace
                and not (p.get("metadata") or {}).get("deletionTimestamp")
                and sels[j].matches(labels_of(p))
            )
            counts[j][d] = counts[j].get(d, 0) + n
    return counts


def skew_ok(count: int, self_match: int, min_match: int, max_skew: int) -> bool:
    return count + self_match - min_match <= max_skew


class PodTopologySpread(FilterPlugin, ScorePlugin):
    name = "PodTopologySpread"
    stage = POST

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(constraints(state.pod, "DoNotSchedule"))

    def should_score(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(constraints(state.pod, "ScheduleAnyway"))

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        cons = constraints(state.pod, "DoNotSchedule")
        if not cons:
            return []
        counts = domain_counts(state, cluster, cons)
        mins = []
        for c, cnt in zip(cons, counts, strict=True):
            low = min(cnt.values(), default=0)
            mins.append(0 if len(cnt) < (c.get("minDomains") or 1) else low)
        selfs = [1 if _selector(c).matches(state.labels) else 0 for c in cons]
        out = []
        for i, row in enumerate(cluster.table.rows):
            labels = labels_of(row.node)
            if any(c.get("topologyKey", "") not in labels for c in cons):
                out.append((i, (MISSING_LABEL,)))
                continue
            for j, c in enumerate(cons):
                if not skew_ok(
                    counts[j].get(labels[c["topologyKey"]], 0), selfs[j], mins[j], c.get("maxSkew", 1)
                ):
                    out.append((i, (REASON,)))
                    break
        return out

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        cons = constraints(state.pod, "ScheduleAnyway")
        counts = domain_counts(state, cluster, cons)
        raw: list[int | None] = []
        for i in feasible:
            labels = labels_of(cluster.table.rows[i].node)
            if any(c.get("topologyKey", "") not in labels for c in cons):
                raw.append(None)
                continue
            total = 0.0
            for c, cnt in zip(cons, counts, strict=True):
                weight = math.log(len(cnt) + 2)
                total += (cnt.get(labels[c["topologyKey"]], 0) + c.get("maxSkew", 1) - 1) * weight
            raw.append(round(total))
        return normalize(raw)


def normalize(raw: list[int | None]) -> list[int]:
    """PodTopologySpread's NormalizeScore: fewer is better; ignored nodes (None) score 0."""
    valid = [s for s in raw if s is not None]
    lo, hi = min(valid, default=0), max(valid, default=0)
    out = []
    for s in raw:
        if s is None:
            out.append(0)
        elif hi == 0:
            out.append(MAX_NODE_SCORE)
        else:
            out.append(MAX_NODE_SCORE * (hi + lo - s) // hi)
    return out
