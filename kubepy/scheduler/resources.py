"""What a pod requests and what a node offers, as the integer amounts the scheduler compares.

cpu in millicores, everything else in whole units (Quantity.MilliValue / Value). A container's
missing request falls back to its limit (the apiserver's defaulting does the same), so the book's
pods that only set limits are counted as Kubernetes 1.0 counted them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from kubepy.api.quantity import milli_value, value

Obj = dict[str, Any]

CPU = "cpu"
MEMORY = "memory"
EPHEMERAL_STORAGE = "ephemeral-storage"
PODS = "pods"
#: The first resources of every vector, in this order; extended resources follow.
BASE_RESOURCES = (CPU, MEMORY, EPHEMERAL_STORAGE)
#: Requests assumed for scoring when a container sets none (schedutil.DefaultMilliCPURequest...).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
_IGNORED = frozenset({PODS})


@lru_cache(maxsize=4096)
def amount(name: str, q: object) -> int:
    """A quantity as an integer (parsed once per distinct spelling: pods repeat the same few)."""
    return milli_value(q) if name == CPU else value(q)  # type: ignore[arg-type]


def _container(c: Obj, non_zero: bool) -> dict[str, int]:
    res = c.get("resources") or {}
    requests = res.get("requests") or {}
    limits = res.get("limits") or {}
    out = {k: amount(k, v) for k, v in limits.items() if k not in _IGNORED and k not in requests}
    out.update((k, amount(k, v)) for k, v in requests.items() if k not in _IGNORED)
    if non_zero:
        out.setdefault(CPU, DEFAULT_MILLI_CPU_REQUEST)
        out.setdefault(MEMORY, DEFAULT_MEMORY_REQUEST)
    return out


def _add(into: dict[str, int], more: Mapping[str, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def _max(into: dict[str, int], other: Mapping[str, int]) -> None:
    for k, v in other.items():
        if v > into.get(k, 0):
            into[k] = v


def pod_requests(pod: Obj, *, non_zero: bool = False) -> dict[str, int]:
    """resourcehelper.PodRequests: the containers' sum plus running sidecars, at least the largest
    init container's need (with the sidecars started before it), plus the pod overhead.

    `non_zero` fills a container's missing cpu/memory with the scoring defaults (100m, 200Mi).
    """
    spec = pod.get("spec") or {}
    total: dict[str, int] = {}
    for c in spec.get("containers") or ():
        _add(total, _container(c, non_zero))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in spec.get("initContainers") or ():
        need = _container(c, non_zero)
        if c.get("restartPolicy") == "Always":
            _add(sidecars, need)
            current = dict(sidecars)
        else:
            current = dict(need)
            _add(current, sidecars)
        _max(init_max, current)
    _add(total, sidecars)
    _max(total, init_max)
    _add(total, {k: amount(k, v) for k, v in (spec.get("overhead") or {}).items()})
    return total


def node_allocatable(node: Obj) -> dict[str, int]:
    """status.allocatable (capacity when a node reports none), pods included."""
    status = node.get("status") or {}
    alloc = status.get("allocatable") or status.get("capacity") or {}
    return {k: amount(k, v) for k, v in alloc.items()}


def vector(amounts: Mapping[str, int], names: Iterable[str]) -> list[int]:
    return [amounts.get(n, 0) for n in names]
