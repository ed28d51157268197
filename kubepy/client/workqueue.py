"""client-go's work queue: what controllers hand keys to their workers through.

The guarantees controllers rely on:
- a key is never processed by two workers at once: added again while processing, it is marked
  dirty and queued only when the worker calls `done`;
- a key waiting in the queue is there once, however many times it was added;
- `add_after` delays a key (the earliest of several delays wins) and `add_rate_limited` delays it by
  its own failure count (ratelimit.py) until `forget`.
A queued key wakes one idle worker (as sync.Cond.Signal in client-go), not every one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections import deque
from collections.abc import Hashable

from kubepy.client.clock import REAL, Clock
from kubepy.client.ratelimit import RateLimiter, default_controller_rate_limiter


class ShutDown(Exception):
    """The queue was shut down and is empty: the worker should exit."""


class WorkQueue:
    def __init__(self, clock: Clock = REAL, rate_limiter: RateLimiter | None = None) -> None:
        self.clock = clock
        self.rate_limiter = rate_limiter or default_controller_rate_limiter(clock)
        self._queue: deque[Hashable] = deque()
        self._dirty: set[Hashable] = set()
        self._processing: set[Hashable] = set()
        self._shutting_down = False
        self._waiters: deque[asyncio.Future[None]] = deque()
        # delayed keys: heap of (ready_at, seq, key) with the earliest ready_at per key in _waiting
        self._heap: list[tuple[float, int, Hashable]] = []
        self._waiting: dict[Hashable, float] = {}
        self._seq = itertools.count()
        self._timer: asyncio.Task[None] | None = None
        self._timer_at = float("inf")

    # ---- the basic queue --------------------------------------------------------------------
    def add(self, key: Hashable) -> None:
        if self._shutting_down or key in self._dirty:
            return
        self._dirty.add(key)
        if key in self._processing:
            return  # queued again by `done`
        self._queue.append(key)
        self._notify()

    def get_nowait(self) -> Hashable | None:
        """The next key, now marked processing; None when nothing is ready."""
        if not self._queue:
            if self._shutting_down:
                raise ShutDown
            return None
        key = self._queue.popleft()
        self._processing.add(key)
        self._dirty.discard(key)
        return key

    async def get(self) -> Hashable:
        """Wait for the next key; ShutDown once the queue is shut down and drained."""
        while True:
            key = self.get_nowait()
            if key is not None:
                return key
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            try:
                await fut
            except asyncio.CancelledError:
                if fut.done() and not fut.cancelled():
                    self._notify()  # woken for a key, then cancelled: wake another worker for it
                raise
            finally:
                if not fut.done() or fut.cancelled():
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(fut)

    def done(self, key: Hashable) -> None:
        """The worker finished `key`; if it was added meanwhile, it is queued now."""
        self._processing.discard(key)
        if key in self._dirty:
            self._queue.append(key)
            self._notify()

    def __len__(self) -> int:
        return len(self._queue)

    def processing(self) -> frozenset[Hashable]:
        return frozenset(self._processing)

    def shutdown(self) -> None:
        """No more adds; workers drain what is queued and then get ShutDown."""
        self._shutting_down = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        waiters, self._waiters = self._waiters, deque()
        for fut in waiters:  # every worker: each sees the end once the queue is drained
            if not fut.done():
                fut.set_result(None)

    @property
    def shutting_down(self) -> bool:
        return self._shutting_down

    # ---- delays -------------------------------------------------------------------------------
    def add_after(self, key: Hashable, delay: float) -> None:
        if self._shutting_down:
            return
        if delay <= 0:
            self.add(key)
            return
        ready_at = self.clock.now() + delay
        if key in self._waiting and self._waiting[key] <= ready_at:
            return
        self._waiting[key] = ready_at
        heapq.heappush(self._heap, (ready_at, next(self._seq), key))
        if ready_at < self._timer_at:
            self._arm(ready_at)

    def waiting(self) -> int:
        """Keys delayed and not yet due."""
        return len(self._waiting)

    def _arm(self, at: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        self._timer = asyncio.ensure_future(self._fire(at))

    async def _fire(self, at: float) -> None:
        await self.clock.sleep(at - self.clock.now())
        self._timer = None
        self._timer_at = float("inf")
        self._promote()

    def _promote(self) -> None:
        """Queue every delayed key that is due; arm the timer for the next one."""
        now = self.clock.now()
        while self._heap and self._heap[0][0] <= now:
            ready_at, _, key = heapq.heappop(self._heap)
            if self._waiting.get(key) == ready_at:
                del self._waiting[key]
                self.add(key)
        while self._heap and self._waiting.get(self._heap[0][2]) != self._heap[0][0]:
            heapq.heappop(self._heap)  # superseded by an earlier time for the same key
        if self._heap and not self._shutting_down:
            self._arm(self._heap[0][0])

    # ---- rate limiting ------------------------------------------------------------------------
    def add_rate_limited(self, key: Hashable) -> None:
        """Requeue a key whose sync failed, after its own exponential backoff."""
        self.add_after(key, self.rate_limiter.when(key))

    def forget(self, key: Hashable) -> None:
        """The key succeeded: its backoff starts from the beginning next time."""
        self.rate_limiter.forget(key)

    def num_requeues(self, key: Hashable) -> int:
        return self.rate_limiter.num_requeues(key)

    # ---- internals ----------------------------------------------------------------------------
    def _notify(self) -> None:
        """Wake one waiting worker per queued key."""
        n = len(self._queue)
        waiters = self._waiters
        while n and waiters:
            fut = waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                n -= 1
