"""The pod garbage collector: removes pods nothing else will (pkg/controller/podgc), every 20 s.

- terminated pods (Succeeded/Failed) beyond --terminated-pod-gc-threshold, oldest first;
- pods bound to a node that does not exist (checked again with a live GET after the node has
  been missing from the cache for a quarantine period), marked Failed then force-deleted;
- pods being deleted that were never scheduled, force-deleted (no kubelet will confirm them).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.resources import NODES, PODS
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller
from kubepy.controllers.informers import SharedInformers

log = logging.getLogger(__name__)
Obj = dict[str, Any]

GC_CHECK_PERIOD = 20.0
#: A node missing this long from the cache is looked up for real before its pods go.
QUARANTINE = 40.0
TERMINATED_THRESHOLD = 12500


TERMINAL = ("Succeeded", "Failed")


def _oldest_beyond(done: list[Obj], threshold: int) -> list[Obj]:
    """The oldest of the terminated pods `done` beyond the threshold; none when it is 0."""
    extra = len(done) - threshold
    if threshold <= 0 or extra <= 0:
        return []
    done.sort(key=lambda p: (P.meta(p).get("creationTimestamp") or "", P.meta(p).get("name", "")))
    return done[:extra]


def terminated_to_delete(pods: list[Obj], threshold: int) -> list[Obj]:
    """The oldest terminated pods beyond the threshold (gcTerminated); none when it is 0."""
    return _oldest_beyond([p for p in pods if (p.get("status") or {}).get("phase") in TERMINAL], threshold)


def unscheduled_terminating(pods: list[Obj]) -> list[Obj]:
    return [
        p for p in pods if P.meta(p).get("deletionTimestamp") and not (p.get("spec") or {}).get("nodeName")
    ]


def on_missing_nodes(pods: list[Obj], nodes: set[str]) -> dict[str, list[Obj]]:
    """Pods by the name of the missing node they are bound to."""
    out: dict[str, list[Obj]] = {}
    for p in pods:
        node = (p.get("spec") or {}).get("nodeName")
        if node and node not in nodes:
            out.setdefault(node, []).append(p)
    return out


@dataclass(slots=True)
class Scan:
    """What one pass over the pods found: the three lists the GC acts on."""

    terminated: list[Obj]
    orphaned: dict[str, list[Obj]]
    unscheduled_terminating: list[Obj]


def scan(pods: Iterable[Obj], nodes: set[str], threshold: int) -> Scan:
    """terminated_to_delete, on_missing_nodes and unscheduled_terminating in one pass (the same
    answers: with 150,000 pods each pass costs tens of milliseconds with the loop blocked)."""
    done: list[Obj] = []
    orphaned: dict[str, list[Obj]] = {}
    unscheduled: list[Obj] = []
    for p in pods:
        if (p.get("status") or {}).get("phase") in TERMINAL:
            done.append(p)
        node = (p.get("spec") or {}).get("nodeName")
        if node:
            if node not in nodes:
                orphaned.setdefault(node, []).append(p)
        elif (p.get("metadata") or {}).get("deletionTimestamp"):
            unscheduled.append(p)
    return Scan(_oldest_beyond(done, threshold), orphaned, unscheduled)


class PodGCController(Controller):
    name = "pod-garbage-collector"
    workers = 1

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        *,
        terminated_threshold: int = TERMINATED_THRESHOLD,
        period: float = GC_CHECK_PERIOD,
        quarantine: float = QUARANTINE,
    ) -> None:
        super().__init__(clock)
        self.client = client
        self.threshold = terminated_threshold
        self.period = period
        self.quarantine = quarantine
        self.pods = informers.get(PODS)
        self.nodes = informers.get(NODES)
        self.watches(self.pods, self.nodes)
        #: node name → when it was first seen missing
        self._missing_since: dict[str, float] = {}

    async def run(self) -> None:
        await asyncio.gather(*(i.wait_for_sync() for i in (self.pods, self.nodes)))
        while True:
            try:
                await self.gc()
            except (ApiError, OSError) as e:
                log.info("pod gc: %s", e)
            await self.clock.sleep(self.period)

    async def gc(self) -> None:
        pods = self.pods.store.list()
        found = scan(pods, set(self.nodes.store.keys()), self.threshold)
        orphaned = found.orphaned
        for p in found.terminated:
            await self._delete(p, None)
        if found.terminated:  # the node cache may have moved while those deletes ran
            orphaned = on_missing_nodes(pods, set(self.nodes.store.keys()))
        await self._gc_orphaned(orphaned)
        for p in found.unscheduled_terminating:
            await self._delete(p, 0)

    async def _gc_orphaned(self, missing: dict[str, list[Obj]]) -> None:
        now = self.clock.now()
        self._missing_since = {n: self._missing_since.get(n, now) for n in missing}
        for node, bound in missing.items():
            if now - self._missing_since[node] < self.quarantine:
                continue
            try:
                await self.client.get(NODES, node)
                continue  # it exists after all: the cache lagged
            except ApiError as e:
                if not is_not_found(e):
                    raise
            for p in bound:
                await self._fail(p, f"Pod was on node {node} that no longer exists")
                await self._delete(p, 0)

    async def _fail(self, pod: Obj, message: str) -> None:
        """Mark the pod Failed with a DisruptionTarget condition, as Kubernetes does first."""
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return
        now = self.clock.wall().strftime("%Y-%m-%dT%H:%M:%SZ")
        status = dict(pod.get("status") or {})
        conditions = [c for c in status.get("conditions") or () if c.get("type") != "DisruptionTarget"]
        conditions.append(
            {
                "type": "DisruptionTarget",
                "status": "True",
                "reason": "DeletionByPodGC",
                "message": message,
                "lastTransitionTime": now,
            }
        )
        status.update(phase="Failed", conditions=conditions)
        try:
            await self.client.update_status(PODS, {**pod, "status": status})
        except ApiError as e:
            if not is_not_found(e) and e.code != 409:
                raise

    async def _delete(self, pod: Obj, grace: int | None) -> None:
        m = P.meta(pod)
        log.info("pod gc: deleting %s/%s", m.get("namespace"), m.get("name"))
        try:
            await self.client.delete(
                PODS,
                m.get("name", ""),
                m.get("namespace", ""),
                grace_period_seconds=grace,
                preconditions={"uid": m.get("uid", "")},
            )
        except ApiError as e:
            if not is_not_found(e) and e.code != 409:
                raise
