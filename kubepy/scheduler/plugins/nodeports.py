"""NodePorts (the book's PodFitsPorts): a hostPort already taken on a node (same protocol, and
the same host IP or either one the wildcard 0.0.0.0) keeps the pod off it."""

from __future__ import annotations

from collections.abc import Iterable

from kubepy.scheduler.plugins.base import PRE, Cluster, CycleState, FilterPlugin, Obj, Reasons, each_node

REASON = "node(s) didn't have free ports for the requested pod ports"
WILDCARD = "0.0.0.0"
Port = tuple[str, str, int]  # (hostIP, protocol, hostPort)


def host_ports(pod: Obj) -> list[Port]:
    out = []
    for c in (pod.get("spec") or {}).get("containers") or ():
        for p in c.get("ports") or ():
            if p.get("hostPort"):
                out.append((p.get("hostIP") or WILDCARD, p.get("protocol") or "TCP", int(p["hostPort"])))
    return out


def conflicts(want: Port, used: Port) -> bool:
    ip, proto, port = want
    uip, uproto, uport = used
    return port == uport and proto == uproto and (ip == uip or WILDCARD in (ip, uip))


def fits(wanted: list[Port], pods_on_node: Iterable[Obj]) -> bool:
    used = [p for pod in pods_on_node for p in host_ports(pod)]
    return not any(conflicts(w, u) for w in wanted for u in used)


class NodePorts(FilterPlugin):
    name = "NodePorts"
    stage = PRE

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(host_ports(state.pod))

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        wanted = host_ports(state.pod)
        table = cluster.table
        return each_node(
            table,
            range(len(table)),
            lambda _, i: None if fits(wanted, table.rows[i].pods.values()) else (REASON,),
        )
