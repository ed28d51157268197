"""SelectorSpread (the book's ServiceSpreadingPriority / SelectorSpreadPriority): fewer pods of the
same services and controllers on a node (and in its zone) is better.

score = 100 * (max - count) / max over nodes; with zones, 1/3 node spreading + 2/3 zone spreading.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubepy.api.labels import SelectorError, from_label_selector, selector_from_set
from kubepy.scheduler.plugins.base import MAX_NODE_SCORE, Cluster, CycleState, Obj, ScorePlugin, labels_of

ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")
ZONE_WEIGHTING = 2.0 / 3.0


def _ns(obj: Obj) -> str:
    return (obj.get("metadata") or {}).get("namespace") or "default"


def selectors_for(pod: Obj, services: list[Obj], controllers: list[Obj]) -> list:
    """Selectors of the services and controllers (same namespace) whose selector takes the pod."""
    out = []
    labels = labels_of(pod)
    for obj in (*services, *controllers):
        if _ns(obj) != _ns(pod):
            continue
        sel = (obj.get("spec") or {}).get("selector")
        if not sel:
            continue
        try:
            s = (
                from_label_selector(sel)
                if "matchLabels" in sel or "matchExpressions" in sel
                else selector_from_set(sel)
            )
        except (SelectorError, TypeError):
            continue
        if s.matches(labels):
            out.append(s)
    return out


def zone_key(node: Obj) -> str:
    labels = labels_of(node)
    region = next((labels[k] for k in REGION_LABELS if k in labels), "")
    zone = next((labels[k] for k in ZONE_LABELS if k in labels), "")
    return f"{region}:\x00:{zone}" if region or zone else ""


def spread_scores(counts: list[int], zones: list[str]) -> list[int]:
    """The pure part: per-node counts and zone ids (\"\" none) → 0-100 scores."""
    top = max(counts, default=0)
    by_zone: dict[str, int] = {}
    for c, z in zip(counts, zones, strict=True):
        if z:
            by_zone[z] = by_zone.get(z, 0) + c
    top_zone = max(by_zone.values(), default=0)
    out = []
    for c, z in zip(counts, zones, strict=True):
        f = float(MAX_NODE_SCORE)
        if top > 0:
            f = MAX_NODE_SCORE * (top - c) / top
        if by_zone and z:
            zf = float(MAX_NODE_SCORE)
            if top_zone > 0:
                zf = MAX_NODE_SCORE * (top_zone - by_zone[z]) / top_zone
            f = f * (1.0 - ZONE_WEIGHTING) + ZONE_WEIGHTING * zf
        out.append(int(f))
    return out


class SelectorSpread(ScorePlugin):
    name = "SelectorSpread"

    def should_score(self, state: CycleState, cluster: Cluster) -> bool:
        sels = selectors_for(state.pod, cluster.services(), cluster.controllers())
        state.data[self.name] = sels
        return bool(sels)

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        sels = state.data.get(self.name) or []
        rows = cluster.table.rows
        counts = []
        for i in feasible:
            counts.append(
                sum(
                    1
                    for p in rows[i].pods.values()
                    if _ns(p) == state.namespace
                    and not (p.get("metadata") or {}).get("deletionTimestamp")
                    and any(s.matches(labels_of(p)) for s in sels)
                )
            )
        return spread_scores(counts, [zone_key(rows[i].node) for i in feasible])
