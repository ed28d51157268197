"""Pod admission on the node (kubelet's lifecycle predicate admit handler), as a pure function.

A pod bound straight to a node (spec.nodeName set by its author, so no scheduler checked it) is
refused when the node lacks room or does not match: phase Failed with the reason Kubernetes uses
(OutOfcpu, OutOfmemory, OutOfpods, NodeAffinity, NodePorts) and the message "Pod was rejected: …".

The kubelet sums the requests of its active pods at every admission; `NodeUsage` keeps those sums
as pods come, change and go, so an admission costs the same with 3 or 110 pods on the node.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kubepy.api import quantity as q

Obj = dict[str, Any]

#: Parsing a quantity costs ~10 us (exact fractions); a cluster uses a handful of distinct ones.
_milli = functools.lru_cache(maxsize=4096)(q.milli_value)
_value = functools.lru_cache(maxsize=4096)(q.value)


def requests(pod: Obj) -> dict[str, int]:
    """Effective requests: milli-cpu and memory bytes, the larger of the app containers' sum
    and any single init container (computePodResourceRequest, without overhead)."""
    spec = pod.get("spec") or {}

    def of(c: Obj) -> dict[str, int]:
        r = ((c.get("resources") or {}).get("requests")) or {}
        return {
            "cpu": _milli(r["cpu"]) if "cpu" in r else 0,
            "memory": _value(r["memory"]) if "memory" in r else 0,
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


class NodeUsage:
    """What the active pods of a node hold, by pod key: their count, the sums of their requests,
    their host ports. A pod's share is recomputed only when its containers changed."""

    __slots__ = ("_pods", "_ports", "cpu", "memory")

    def __init__(self, pods: Iterable[tuple[str, Obj]] = ()) -> None:
        #: key → (containers, initContainers, requests) as last counted
        self._pods: dict[str, tuple[Any, Any, dict[str, int]]] = {}
        #: key → host ports, only for pods that have some
        self._ports: dict[str, set[tuple[str, str, int]]] = {}
        self.cpu = 0
        self.memory = 0
        for key, pod in pods:
            self.set(key, pod)

    def __len__(self) -> int:
        return len(self._pods)

    def __contains__(self, key: object) -> bool:
        return key in self._pods

    def set(self, key: str, pod: Obj) -> None:
        """Count `pod` under `key`, replacing what was counted for it before."""
        spec = pod.get("spec") or {}
        containers, inits = spec.get("containers"), spec.get("initContainers")
        had = self._pods.get(key)
        if had is not None and had[0] == containers and had[1] == inits:
            if had[0] is not containers or had[1] is not inits:  # hold the newest, not an old copy
                self._pods[key] = (containers, inits, had[2])
            return
        self.discard(key)
        req = requests(pod)
        self._pods[key] = (containers, inits, req)
        self.cpu += req["cpu"]
        self.memory += req["memory"]
        ports = _host_ports(pod)
        if ports:
            self._ports[key] = ports

    def refresh(self, key: str, pod: Obj) -> None:
        """`pod` is a newer copy of what is counted under `key`, its containers unchanged: hold
        its lists instead (the informer holds those anyway; the old copy can then be freed)."""
        if key in self._pods:
            self.set(key, pod)

    def discard(self, key: str) -> None:
        """Stop counting the pod under `key` (gone, or finished), if it was counted."""
        had = self._pods.pop(key, None)
        if had is not None:
            self.cpu -= had[2]["cpu"]
            self.memory -= had[2]["memory"]
            self._ports.pop(key, None)

    def ports_conflict(self, mine: set[tuple[str, str, int]]) -> bool:
        return any(_ports_conflict(mine, theirs) for theirs in self._ports.values())


def admit(
    pod: Obj,
    labels: Mapping[str, str],
    allocatable: Mapping[str, str],
    admitted: Sequence[Obj] | NodeUsage,
) -> tuple[str, str] | None:
    """None when `pod` may run beside the `admitted` (active) pods, a list or their NodeUsage;
    else (reason, message)."""
    if not isinstance(admitted, NodeUsage):
        admitted = NodeUsage((str(i), p) for i, p in enumerate(admitted))
    usage = admitted
    selector = (pod.get("spec") or {}).get("nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return "NodeAffinity", "Predicate NodeAffinity failed"
    mine = _host_ports(pod)
    if mine and usage.ports_conflict(mine):
        return "NodePorts", "Predicate NodePorts failed"
    cap_pods = int(allocatable.get("pods", "110"))
    if len(usage) + 1 > cap_pods:
        return (
            "OutOfpods",
            f"Node didn't have enough resource: pods, requested: 1, used: {len(usage)}, capacity: {cap_pods}",
        )
    want = requests(pod)
    used = {"cpu": usage.cpu, "memory": usage.memory}
    capacity = {
        "cpu": _milli(allocatable.get("cpu", "0")),
        "memory": _value(allocatable.get("memory", "0")),
    }
    for name in ("cpu", "memory"):
        if want[name] and used[name] + want[name] > capacity[name]:
            return (
                f"OutOf{name}",
                f"Node didn't have enough resource: {name}, requested: {want[name]}, "
                f"used: {used[name]}, capacity: {capacity[name]}",
            )
    return None
