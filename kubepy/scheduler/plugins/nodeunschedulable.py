"""NodeUnschedulable: a cordoned node (spec.unschedulable, §4.3.1) takes no new pods, unless the
pod tolerates the node.kubernetes.io/unschedulable:NoSchedule taint (as DaemonSet pods do)."""

from __future__ import annotations

from collections.abc import Iterable

from kubepy.scheduler.plugins.base import PRE, Cluster, CycleState, FilterPlugin, Obj, Reasons, each_node
from kubepy.scheduler.plugins.tainttoleration import tolerates_any

REASON = "node(s) were unschedulable"
TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


def fits(pod_tolerations: list[Obj], node: Obj) -> bool:
    if not (node.get("spec") or {}).get("unschedulable"):
        return True
    return tolerates_any(pod_tolerations, TAINT)


class NodeUnschedulable(FilterPlugin):
    name = "NodeUnschedulable"
    stage = PRE

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        tolerations = state.spec.get("tolerations") or []
        return each_node(
            cluster.table,
            sorted(cluster.table.flagged),
            lambda n, _: None if fits(tolerations, n) else (REASON,),
        )
