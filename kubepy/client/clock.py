"""The clock every client loop takes: monotonic seconds, wall time and sleep, with a fake twin.

Informer resync, work-queue delays and leader-election expiry are all time-based; taking the clock
as a parameter lets their tests move time by hand instead of sleeping (STYLE.md §4).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds: only differences mean anything."""
        ...

    def wall(self) -> datetime:
        """Wall-clock time (UTC), for timestamps written into objects (Lease renewTime)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


REAL = RealClock()


class FakeClock:
    """Time moves only when a test calls `advance`; sleepers whose deadline passed wake then."""

    def __init__(self, start: datetime | None = None) -> None:
        self.t = 0.0
        self._epoch = start or datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self.t

    def wall(self) -> datetime:
        return self._epoch + timedelta(seconds=self.t)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + seconds, next(self._seq), fut))
        await fut

    def advance(self, seconds: float) -> None:
        self.t += seconds
        while self._sleepers and self._sleepers[0][0] <= self.t:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():
                fut.set_result(None)

    def sleepers(self) -> int:
        """How many sleeps are pending (cancelled ones included until their deadline passes)."""
        return sum(1 for _, _, f in self._sleepers if not f.done())
