"""ServiceAffinity, the book's policy arguments (§2.2.7, §6.4.2):

- `serviceAffinity {labels}` (CheckServiceAffinity): a pod of a service goes only to nodes whose
  values of those labels equal the ones of the node running the service's first pod (or the
  values the pod's nodeSelector pins), e.g. all of a service in one region and zone;
- `serviceAntiAffinity {label}` (e.g. RackSpread on `rack`): spreads a service's pods over the
  values of the label: score = 100 * (pods of the service − pods in this value) / pods.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
from kubepy.scheduler.plugins.selectorspread import _ns

REASON = "node(s) didn't match service affinity"


def service_selectors(state: CycleState, cluster: Cluster) -> list[dict[str, str]]:
    out = []
    for svc in cluster.services():
        sel = (svc.get("spec") or {}).get("selector") or {}
        if _ns(svc) == state.namespace and sel and all(state.labels.get(k) == v for k, v in sel.items()):
            out.append(sel)
    return out


def peers(state: CycleState, cluster: Cluster) -> list[tuple[Obj, Obj | None]]:
    """Pods (same namespace) of the first service selecting the pod, with their nodes."""
    sels = service_selectors(state, cluster)
    if not sels:
        return []
    sel = sels[0]
    table = cluster.table
    return [
        (e.pod, table.node_of(e))
        for e in table.pods.values()
        if _ns(e.pod) == state.namespace and all(labels_of(e.pod).get(k) == v for k, v in sel.items())
    ]


def pinned_values(
    labels: Sequence[str], node_selector: dict[str, str], peer_nodes: Iterable[Obj | None]
) -> dict[str, str]:
    """The values every candidate node must have: the nodeSelector's, then the first peer's."""
    pinned = {k: node_selector[k] for k in labels if k in node_selector}
    missing = [k for k in labels if k not in pinned]
    if missing:
        for node in peer_nodes:
            if node is None:
                continue
            have = labels_of(node)
            pinned.update((k, have[k]) for k in missing if k in have)
            break
    return pinned


class ServiceAffinity(FilterPlugin):
    name = "ServiceAffinity"
    stage = POST

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        pinned = pinned_values(
            self.labels, state.spec.get("nodeSelector") or {}, (n for _, n in peers(state, cluster))
        )
        if not pinned:
            return []
        out = []
        for i, row in enumerate(cluster.table.rows):
            have = labels_of(row.node)
            if any(have.get(k) != v for k, v in pinned.items()):
                out.append((i, (REASON,)))
        return out


def anti_affinity_scores(values: list[str | None], peer_values: list[str]) -> list[int]:
    """Per node value of the label (None: node lacks it) given the values under the peers."""
    total = len(peer_values)
    per: dict[str, int] = {}
    for v in peer_values:
        per[v] = per.get(v, 0) + 1
    out = []
    for v in values:
        if v is None:
            out.append(0)
        elif total == 0:
            out.append(MAX_NODE_SCORE)
        else:
            out.append(MAX_NODE_SCORE * (total - per.get(v, 0)) // total)
    return out


class ServiceAntiAffinity(ScorePlugin):
    name = "ServiceAntiAffinity"

    def __init__(self, label: str) -> None:
        self.label = label

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        peer_values = [labels_of(n).get(self.label) for _, n in peers(state, cluster) if n is not None]
        rows = cluster.table.rows
        return anti_affinity_scores(
            [labels_of(rows[i].node).get(self.label) for i in feasible],
            [v for v in peer_values if v is not None],
        )
