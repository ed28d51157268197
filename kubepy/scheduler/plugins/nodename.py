"""NodeName (the book's HostName / PodFitsHost): a pod naming a node fits only that node."""

from __future__ import annotations

from collections.abc import Iterable

from kubepy.scheduler.plugins.base import PRE, Cluster, CycleState, FilterPlugin, Reasons

REASON = "node(s) didn't match the requested node name"


def fits(pod_node_name: str, node_name: str) -> bool:
    return not pod_node_name or pod_node_name == node_name


class NodeName(FilterPlugin):
    name = "NodeName"
    stage = PRE

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(state.spec.get("nodeName"))

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        wanted = state.spec.get("nodeName") or ""
        return [(i, (REASON,)) for i, name in enumerate(cluster.table.names) if not fits(wanted, name)]
