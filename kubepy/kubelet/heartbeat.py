"""Heartbeats on their own timers, apart from pod work: each node's Lease renewal and status check.

Kubernetes runs them in goroutines of their own: the lease controller renews every renewInterval
(a quarter of the 40 s leaseDuration) and the status loop runs every nodeStatusUpdateFrequency,
both through wait.JitterUntil (jitter 0.04), neither waiting for pod syncs or registration. Here
one task keeps a due time per (kind, node) in a heap and at each tick starts every due beat at
once (a bounded number in flight), so the apiserver's group commit folds their fsyncs together.
A beat is due again a period after it *started*, jittered down by up to 4 % (Kubernetes jitters
up): the Lease is renewed at least once per renewInterval however long the answer took, and the
nodes' beats spread over time instead of firing all together.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import random
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from kubepy.client.clock import Clock

log = logging.getLogger(__name__)

JITTER = 0.04
#: Beats due within this much of the earliest go out in the same tick (fewer wake-ups, bigger batches).
SLACK_SECONDS = 0.05
#: A failed beat is retried this soon (or at its period, when shorter).
RETRY_SECONDS = 1.0


def next_due(started: float, now: float, period: float, jitter: float, u: float) -> float:
    """When a beat that started at `started` is due again (u in [0, 1) draws the jitter); never
    before `now`."""
    return max(now, started + period * (1.0 - jitter * u))


class Timers:
    """Due times per key, earliest first; scheduling a key again keeps the earlier time. Pure:
    time is whatever the caller passes."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Hashable]] = []
        self._at: dict[Hashable, float] = {}
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._at)

    def at(self, key: Hashable) -> float | None:
        return self._at.get(key)

    def schedule(self, key: Hashable, at: float) -> bool:
        """True when `key` is now due earlier than it was."""
        cur = self._at.get(key)
        if cur is not None and cur <= at:
            return False
        self._at[key] = at
        heapq.heappush(self._heap, (at, next(self._seq), key))
        return True

    def cancel(self, key: Hashable) -> None:
        self._at.pop(key, None)

    def next_at(self) -> float | None:
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, until: float) -> list[Hashable]:
        """Every key due at or before `until`, earliest first, removed."""
        out = []
        while True:
            self._drop_stale()
            if not self._heap or self._heap[0][0] > until:
                return out
            _, _, key = heapq.heappop(self._heap)
            del self._at[key]
            out.append(key)

    def _drop_stale(self) -> None:
        heap = self._heap
        while heap and self._at.get(heap[0][2]) != heap[0][0]:
            heapq.heappop(heap)


@dataclass(slots=True)
class _Beat:
    period: float
    fn: Callable[[], Awaitable[None]]


class Heartbeats:
    """Periodic beats per key, run concurrently on their own timers (see the module docstring)."""

    def __init__(
        self,
        clock: Clock,
        *,
        max_in_flight: int = 256,
        jitter: float = JITTER,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.clock = clock
        self.jitter = jitter
        self.rand = rand
        self.timers = Timers()
        self._beats: dict[Hashable, _Beat] = {}
        self._in_flight: dict[Hashable, asyncio.Task[None]] = {}
        #: Keys that came due while their beat was running: run again once it ends.
        self._again: set[Hashable] = set()
        self._limit = asyncio.Semaphore(max(1, max_in_flight))
        self._wake = asyncio.Event()
        self._sleep_until = float("inf")
        self.beats = 0  # beats run, ever
        self.failures = 0

    def every(
        self, key: Hashable, period: float, fn: Callable[[], Awaitable[None]], delay: float = 0.0
    ) -> None:
        """Run `fn` every `period` seconds, first after `delay` (sooner if it was due sooner)."""
        self._beats[key] = _Beat(period, fn)
        self._schedule(key, self.clock.now() + delay)

    def due_at(self, key: Hashable) -> float | None:
        return self.timers.at(key)

    def _schedule(self, key: Hashable, at: float) -> None:
        if self.timers.schedule(key, at) and at < self._sleep_until:
            self._wake.set()

    async def run(self) -> None:
        """Start due beats until cancelled; cancelling also cancels the beats in flight."""
        try:
            while True:
                now = self.clock.now()
                for key in self.timers.pop_due(now + SLACK_SECONDS):
                    if key in self._in_flight:
                        self._again.add(key)
                    elif key in self._beats:
                        self._in_flight[key] = asyncio.ensure_future(self._beat(key, now))
                await self._sleep(self.timers.next_at(), now)
        finally:
            tasks = list(self._in_flight.values())
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _sleep(self, until: float | None, now: float) -> None:
        self._wake.clear()
        self._sleep_until = float("inf") if until is None else until
        waker = asyncio.ensure_future(self._wake.wait())
        waits: set[asyncio.Future[object]] = {waker}
        if until is not None:
            waits.add(asyncio.ensure_future(self.clock.sleep(until - now)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
            self._sleep_until = float("inf")

    async def _beat(self, key: Hashable, started: float) -> None:
        beat = self._beats[key]
        ok = False
        try:
            async with self._limit:
                await beat.fn()
            ok = True
            self.beats += 1
        except Exception as e:  # a heartbeat never stops on one error: it is tried again soon
            self.failures += 1
            log.warning("heartbeat %s failed: %s", key, e)
        finally:
            self._in_flight.pop(key, None)
        beat = self._beats.get(key, beat)
        now = self.clock.now()
        if key in self._again:
            self._again.discard(key)
            self._schedule(key, now)
        elif ok:
            self._schedule(key, next_due(started, now, beat.period, self.jitter, self.rand()))
        else:
            self._schedule(key, now + min(beat.period, RETRY_SECONDS))
