"""The scheduling queue (kube-scheduler's PriorityQueue): pods waiting for a scheduling attempt.

- active: ready now, highest spec.priority first, then first come first served (PrioritySort);
- backoff: failed recently; ready after initial * 2^(attempts-1) seconds, capped;
- unschedulable: no node fitted; they wait for a cluster change (`move_all`: a node added or
  updated, an assigned pod deleted...) or `max_unschedulable` seconds, then go to backoff or active.

A failure reported for a pod whose attempt began before a cluster change goes to backoff at once,
not to unschedulable (the change may have been what it needed: moveRequestCycle). The clock is
injected; `flush` does what kube-scheduler's 1-second flush loops do.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from dataclasses import dataclass
from typing import Any

from kubepy.client.clock import REAL, Clock

Obj = dict[str, Any]


@dataclass
class QueuedPod:
    pod: Obj
    attempts: int = 0
    #: When it last failed (backoff counts from there) and which cycle that attempt began in.
    failed_at: float = 0.0
    unschedulable_since: float = 0.0
    cycle: int = 0


def backoff_seconds(attempts: int, initial: float, maximum: float) -> float:
    if attempts <= 0:
        return 0.0
    return min(initial * 2 ** (attempts - 1), maximum)


def _priority(pod: Obj) -> int:
    return int((pod.get("spec") or {}).get("priority") or 0)


class SchedulingQueue:
    def __init__(
        self,
        clock: Clock = REAL,
        *,
        initial_backoff: float = 1.0,
        max_backoff: float = 10.0,
        max_unschedulable: float = 300.0,
    ) -> None:
        self.clock = clock
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.max_unschedulable = max_unschedulable
        self.pods: dict[str, QueuedPod] = {}
        self._active: list[tuple[int, int, str]] = []
        self._in_active: set[str] = set()
        self._backoff: list[tuple[float, int, str]] = []
        self._in_backoff: dict[str, float] = {}
        self.unschedulable: dict[str, float] = {}
        self._in_flight: set[str] = set()
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        #: Incremented by pop (a scheduling cycle) and remembered by move_all.
        self.cycle = 0
        self.move_request_cycle = -1
        self.closed = False

    # ---- informer side -------------------------------------------------------------------------
    def add(self, key: str, pod: Obj) -> None:
        """A new pending pod (or one seen again after a relist)."""
        if key in self.pods:
            self.update(key, pod)
            return
        self.pods[key] = QueuedPod(pod)
        self._activate(key)

    def update(self, key: str, pod: Obj) -> None:
        """The pod changed: it may fit now, so an unschedulable one gets another attempt."""
        info = self.pods.get(key)
        if info is None:
            self.add(key, pod)
            return
        changed = info.pod.get("spec") != pod.get("spec") or (info.pod.get("metadata") or {}).get(
            "labels"
        ) != (pod.get("metadata") or {}).get("labels")
        info.pod = pod
        if changed and key in self.unschedulable:
            del self.unschedulable[key]
            self._requeue(key, info)

    def delete(self, key: str) -> None:
        self.pods.pop(key, None)
        self.unschedulable.pop(key, None)
        self._in_backoff.pop(key, None)
        self._in_active.discard(key)  # heap entries of gone keys are skipped on pop

    def move_all(self) -> None:
        """A cluster change that may make unschedulable pods fit: give them another attempt."""
        self.move_request_cycle = self.cycle
        for key in list(self.unschedulable):
            del self.unschedulable[key]
            self._requeue(key, self.pods[key])

    # ---- scheduler side ------------------------------------------------------------------------
    def pop_nowait(self) -> tuple[str, Obj] | None:
        while self._active:
            _, _, key = heapq.heappop(self._active)
            if key not in self._in_active:
                continue
            self._in_active.discard(key)
            info = self.pods[key]
            self.cycle += 1
            info.cycle = self.cycle
            self._in_flight.add(key)
            return key, info.pod
        return None

    async def pop(self) -> tuple[str, Obj]:
        while True:
            got = self.pop_nowait()
            if got is not None:
                return got
            if self.closed:
                raise asyncio.CancelledError
            self._wake.clear()
            await self._wake.wait()

    def done(self, key: str) -> None:
        """The attempt bound the pod (or found it gone): forget it."""
        self._in_flight.discard(key)
        self.pods.pop(key, None)

    def failed(self, key: str, *, unschedulable: bool) -> None:
        """The attempt failed: wait for a cluster change (unschedulable) or just back off."""
        self._in_flight.discard(key)
        info = self.pods.get(key)
        if info is None:
            return
        info.attempts += 1
        info.failed_at = self.clock.now()
        if unschedulable and self.move_request_cycle < info.cycle:
            info.unschedulable_since = info.failed_at
            self.unschedulable[key] = info.failed_at
        else:
            self._requeue(key, info)

    def retry_later(self, key: str, pod: Obj) -> None:
        """An error after the cycle (binding refused): back off, then try again."""
        info = self.pods.get(key) or QueuedPod(pod)
        info.pod = pod
        info.attempts += 1
        info.failed_at = self.clock.now()
        self.pods[key] = info
        self._requeue(key, info)

    def flush(self) -> None:
        """Backed-off pods whose time came go to active; long-unschedulable ones get a retry."""
        now = self.clock.now()
        while self._backoff and self._backoff[0][0] <= now:
            ready, _, key = heapq.heappop(self._backoff)
            if self._in_backoff.get(key) == ready:
                del self._in_backoff[key]
                self._activate(key)
        for key, since in list(self.unschedulable.items()):
            if now - since >= self.max_unschedulable:
                del self.unschedulable[key]
                self._requeue(key, self.pods[key])

    async def run_flusher(self, period: float = 1.0) -> None:
        while not self.closed:
            await self.clock.sleep(period)
            self.flush()

    def close(self) -> None:
        self.closed = True
        self._wake.set()

    def __len__(self) -> int:
        return len(self._in_active)

    def backing_off(self) -> int:
        return len(self._in_backoff)

    # ---- internals ----------------------------------------------------------------------------
    def _requeue(self, key: str, info: QueuedPod) -> None:
        ready = info.failed_at + backoff_seconds(info.attempts, self.initial_backoff, self.max_backoff)
        if ready <= self.clock.now():
            self._activate(key)
        else:
            self._in_backoff[key] = ready
            heapq.heappush(self._backoff, (ready, next(self._seq), key))

    def _activate(self, key: str) -> None:
        if key in self._in_active or key in self._in_flight:
            return
        self._in_backoff.pop(key, None)
        self._in_active.add(key)
        heapq.heappush(self._active, (-_priority(self.pods[key].pod), next(self._seq), key))
        self._wake.set()
