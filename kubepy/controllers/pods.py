"""Pure facts about pods that several controllers need: active, ready, available, the order in
which surplus pods are deleted (k8s.io/kubernetes pkg/controller/controller_utils.go), and
owner references."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]

DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


@functools.lru_cache(maxsize=4096)
def parse_time(s: str | None) -> datetime | None:
    """An RFC 3339 time; remembered (datetimes are immutable): pods' condition times repeat
    from pod to pod, one per second, and the pod index reads one per Ready pod event."""
    if not s:
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def is_active(pod: Obj) -> bool:
    """Counts toward replicas: not Succeeded/Failed and not being deleted (IsPodActive)."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not meta(pod).get("deletionTimestamp")


def ready_condition(pod: Obj) -> Obj | None:
    for c in (pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Ready":
            return c
    return None


def is_ready(pod: Obj) -> bool:
    c = ready_condition(pod)
    return c is not None and c.get("status") == "True"


def is_available(pod: Obj, min_ready_seconds: int, now: datetime) -> bool:
    """Ready for at least minReadySeconds (IsPodAvailable)."""
    if not is_ready(pod):
        return False
    since = (
        parse_time((ready_condition(pod) or {}).get("lastTransitionTime")) if min_ready_seconds > 0 else None
    )
    return ready_long_enough(since, min_ready_seconds, now)


def ready_long_enough(since: datetime | None, min_ready_seconds: int, now: datetime) -> bool:
    """A ready pod whose Ready condition turned true at `since` counts as available now."""
    if min_ready_seconds <= 0:
        return True
    return since is not None and (now - since).total_seconds() >= min_ready_seconds


def restarts(pod: Obj) -> int:
    return sum(
        int(s.get("restartCount") or 0) for s in (pod.get("status") or {}).get("containerStatuses") or ()
    )


def deletion_cost(pod: Obj) -> int:
    try:
        return int((meta(pod).get("annotations") or {}).get(DELETION_COST, "0"))
    except ValueError:
        return 0


def _log_age(t: datetime | None, now: datetime) -> float:
    """Ages compared on a log2 scale, so pods of about the same age tie (LogarithmicScaleDown)."""
    if t is None:
        return -math.inf
    seconds = max((now - t).total_seconds(), 0.0)
    return math.floor(math.log2(seconds)) if seconds >= 1 else -1.0


def deletion_rank(pod: Obj, colocated: int, now: datetime) -> tuple[Any, ...]:
    """Sort key (smallest deleted first) of ActivePodsWithRanks: unscheduled, then Pending/
    Unknown/Running, not ready, lower deletion cost, more pods of the same owner on its node,
    ready for less time, more restarts, newer."""
    status = pod.get("status") or {}
    ready = is_ready(pod)
    ready_since = parse_time((ready_condition(pod) or {}).get("lastTransitionTime")) if ready else None
    created = parse_time(meta(pod).get("creationTimestamp"))
    return (
        1 if (pod.get("spec") or {}).get("nodeName") else 0,
        _PHASE_RANK.get(status.get("phase") or "Pending", 0),
        1 if ready else 0,
        deletion_cost(pod),
        -colocated,
        _log_age(ready_since, now) if ready else 0,
        -restarts(pod),
        _log_age(created, now),
        meta(pod).get("name", ""),
    )


def pods_to_delete(pods: list[Obj], related: list[Obj], n: int, now: datetime) -> list[Obj]:
    """The `n` pods to delete first; `related` (all active pods of the owner family) ranks pods
    by how many siblings share their node (getPodsToDelete)."""
    per_node: dict[str, int] = {}
    for p in related:
        node = (p.get("spec") or {}).get("nodeName") or ""
        if node:
            per_node[node] = per_node.get(node, 0) + 1

    def key(p: Obj) -> tuple[Any, ...]:
        node = (p.get("spec") or {}).get("nodeName") or ""
        return deletion_rank(p, per_node.get(node, 0) if node else 0, now)

    return sorted(pods, key=key)[:n]


def controller_ref(obj: Obj) -> Obj | None:
    for r in meta(obj).get("ownerReferences") or ():
        if r.get("controller"):
            return r
    return None


def owner_reference(owner: Obj, api_version: str, kind: str) -> Obj:
    """The controllerRef a controller puts on what it creates (metav1.NewControllerRef)."""
    return {
        "apiVersion": api_version,
        "kind": kind,
        "name": meta(owner).get("name", ""),
        "uid": meta(owner).get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def slow_start_batches(count: int, initial: int = 1) -> list[int]:
    """Batch sizes of slowStartBatch: 1, 2, 4, ... capped by what remains."""
    out: list[int] = []
    remaining, size = count, min(count, initial)
    while size > 0:
        out.append(size)
        remaining -= size
        size = min(2 * size, remaining)
    return out


def labels_cover(pod_labels: dict[str, str] | None, template_labels: dict[str, str] | None) -> bool:
    """Every template label on the pod (fullyLabeledReplicas)."""
    pl = pod_labels or {}
    return all(pl.get(k) == v for k, v in (template_labels or {}).items())
