"""The pod lifecycle event generator's diff (kubelet pkg/kubelet/pleg/generic.go), as a pure function.

A relist gives each container's state; comparing two relists yields what happened in between.
The kubelet uses it to log and record container transitions and to know a pod needs a sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kubepy.kubelet.runtime.interface import ContainerState


class EventType(StrEnum):
    CONTAINER_STARTED = "ContainerStarted"
    CONTAINER_DIED = "ContainerDied"
    CONTAINER_REMOVED = "ContainerRemoved"
    CONTAINER_CHANGED = "ContainerChanged"


@dataclass(frozen=True, slots=True)
class PodLifecycleEvent:
    pod_uid: str
    type: EventType
    container_id: str


#: A relist: container id → (pod uid, state).
Snapshot = Mapping[str, tuple[str, ContainerState]]


def _events_for(
    pod_uid: str, cid: str, old: ContainerState | None, new: ContainerState | None
) -> list[PodLifecycleEvent]:
    """generateEvents: one container's transition; "none" (absent) is its own state."""
    if old == new:
        return []
    if new == ContainerState.RUNNING:
        return [PodLifecycleEvent(pod_uid, EventType.CONTAINER_STARTED, cid)]
    if new == ContainerState.EXITED:
        return [PodLifecycleEvent(pod_uid, EventType.CONTAINER_DIED, cid)]
    if new == ContainerState.UNKNOWN or new == ContainerState.CREATED:
        return [PodLifecycleEvent(pod_uid, EventType.CONTAINER_CHANGED, cid)]
    # new is None: the container is gone
    if old == ContainerState.EXITED:
        return [PodLifecycleEvent(pod_uid, EventType.CONTAINER_REMOVED, cid)]
    return [
        PodLifecycleEvent(pod_uid, EventType.CONTAINER_DIED, cid),
        PodLifecycleEvent(pod_uid, EventType.CONTAINER_REMOVED, cid),
    ]


def generate_events(old: Snapshot, new: Snapshot) -> list[PodLifecycleEvent]:
    """Every transition from `old` to `new`, containers in id order (deterministic)."""
    out: list[PodLifecycleEvent] = []
    for cid in sorted(set(old) | set(new)):
        o = old.get(cid)
        n = new.get(cid)
        uid = (n or o)[0]  # type: ignore[index]
        out.extend(_events_for(uid, cid, o[1] if o else None, n[1] if n else None))
    return out
