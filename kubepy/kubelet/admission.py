"""Pod admission on the node (kubelet's lifecycle predicate admit handler), as a pure function.

A pod bound straight to a node (spec.nodeName set by its author, so no scheduler checked it) is
refused when the node lacks room or does not match: phase Failed with the reason Kubernetes uses
(OutOfcpu, OutOfmemory, OutOfpods, NodeAffinity, NodePorts) and the message "Pod was rejected: …".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubepy.api import quantity as q

Obj = dict[str, Any]


def requests(pod: Obj) -> dict[str, int]:
    """Effective requests: milli-cpu and memory bytes, the larger of the app containers' sum
    and any single init container (computePodResourceRequest, without overhead)."""
    spec = pod.get("spec") or {}

    def of(c: Obj) -> dict[str, int]:
        r = ((c.get("resources") or {}).get("requests")) or {}
        return {
            "cpu": q.milli_value(r["cpu"]) if "cpu" in r else 0,
            "memory": q.value(r["memory"]) if "memory" in r else 0,
        }

    total = {"cpu": 0, "memory": 0}
    for c in spec.get("containers") or ():
        for k, v in of(c).items():
            total[k] += v
    for c in spec.get("initContainers") or ():
        for k, v in of(c).items():
            total[k] = max(total[k], v)
    return total


def _host_ports(pod: Obj) -> set[tuple[str, str, int]]:
    out = set()
    for c in (pod.get("spec") or {}).get("containers") or ():
        for p in c.get("ports") or ():
            if p.get("hostPort"):
                out.add((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", int(p["hostPort"])))
    return out


def _ports_conflict(a: set[tuple[str, str, int]], b: set[tuple[str, str, int]]) -> bool:
    for ip, proto, port in a:
        for ip2, proto2, port2 in b:
            if port == port2 and proto == proto2 and (ip == ip2 or "0.0.0.0" in (ip, ip2)):
                return True
    return False


def admit(
    pod: Obj, labels: Mapping[str, str], allocatable: Mapping[str, str], admitted: Sequence[Obj]
) -> tuple[str, str] | None:
    """None when `pod` may run beside the `admitted` (active) pods; else (reason, message)."""
    selector = (pod.get("spec") or {}).get("nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return "NodeAffinity", "Predicate NodeAffinity failed"
    mine = _host_ports(pod)
    if mine and any(_ports_conflict(mine, _host_ports(p)) for p in admitted):
        return "NodePorts", "Predicate NodePorts failed"
    cap_pods = int(allocatable.get("pods", "110"))
    if len(admitted) + 1 > cap_pods:
        return (
            "OutOfpods",
            f"Node didn't have enough resource: pods, requested: 1, used: {len(admitted)}, capacity: {cap_pods}",
        )
    want = requests(pod)
    used = {"cpu": 0, "memory": 0}
    for p in admitted:
        for k, v in requests(p).items():
            used[k] += v
    capacity = {
        "cpu": q.milli_value(allocatable.get("cpu", "0")),
        "memory": q.value(allocatable.get("memory", "0")),
    }
    for name in ("cpu", "memory"):
        if want[name] and used[name] + want[name] > capacity[name]:
            return (
                f"OutOf{name}",
                f"Node didn't have enough resource: {name}, requested: {want[name]}, "
                f"used: {used[name]}, capacity: {capacity[name]}",
            )
    return None
