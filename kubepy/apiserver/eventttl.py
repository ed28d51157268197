"""--event-ttl: Events are deleted once their time-to-live since their last write has passed.

Kubernetes' apiserver stores every Event with an etcd lease of `--event-ttl` (default 1h0m0s),
attached again on each update (the event strategy's TTL applies to creates and updates), so a
cluster at rest holds no Event older than an hour; the lease's expiry deletes the key and
watchers see DELETED. Here a storage listener notes each Event write, and a sweeper deletes the
Events whose TTL ran out, with a resourceVersion precondition so an Event written again after the
note is left for its later expiry.

The TTL is the same for every write, so notes come in expiry order: a FIFO, O(1) per write, and a
sweep only touches what has expired - cheap at 500,000 Events. A note made obsolete by a later
write or a delete is skipped when it comes due (the cache says the revision moved on). Notes live
in memory: Events found at startup (leases do not survive here) get a full TTL from then.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from kubepy.storage.cached import DELETED
from kubepy.storage.cacher import Cacher
from kubepy.storage.interface import Event, KeyNotFound, PreconditionFailed, Preconditions, Storage
from kubepy.util.tasks import cancel_and_wait, repeat

#: Where core/v1 Events are stored; events.k8s.io/v1 Events are the same stored objects.
EVENTS_PREFIX = "/registry/core/events/"
#: Deletes issued together (they share group commits).
BATCH = 256

Note = tuple[float, str, int]  # (expires at, key, revision written)
Revision = Callable[[str], "int | None"]  # the key's current revision (None: absent)


def due(notes: deque[Note], now: float, current: Revision) -> list[tuple[str, int]]:
    """Pop the notes expired at `now` and return those still naming the current version of their
    key: (key, revision) to delete. Notes of keys written again or deleted since are dropped."""
    out: list[tuple[str, int]] = []
    while notes and notes[0][0] <= now:
        _, key, rev = notes.popleft()
        if current(key) == rev:
            out.append((key, rev))
    return out


class EventTTL:
    """Deletes Events `ttl` seconds (of `clock`) after their last write."""

    def __init__(
        self,
        storage: Storage,
        current: Revision,
        ttl: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        period: float | None = 1.0,
    ) -> None:
        """`current`: a key's current revision (the watch cache's); `period`: seconds between
        sweeps of the background task (None: no task; call sweep())."""
        if ttl <= 0:
            raise ValueError("event TTL must be positive")
        self._storage = storage
        self._current = current
        self._ttl = ttl
        self._clock = clock
        self._period = period
        self._notes: deque[Note] = deque()
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    def __len__(self) -> int:
        return len(self._notes)

    def start(self, existing: list[tuple[str, int]]) -> None:
        """Note the Events stored now, (key, revision) each, then follow writes. Call it with no
        await between reading `existing` and this, so no write falls in between."""
        expires = self._clock() + self._ttl
        self._notes.extend((expires, key, rev) for key, rev in existing)
        self._storage.add_listener(self._on_events)
        if self._period is not None:
            self._task = asyncio.create_task(
                repeat(self._period, self.sweep, "event TTL sweep"), name="kubepy-event-ttl"
            )

    async def stop(self) -> None:
        self._stopped = True
        task, self._task = self._task, None
        await cancel_and_wait(task)

    def _on_events(self, events: list[Event]) -> None:
        """Storage listener: note each Event write (runs in the loop, before the write returns)."""
        if self._stopped:
            return
        expires = 0.0
        for e in events:
            if e.type != DELETED and e.key.startswith(EVENTS_PREFIX):
                if not expires:
                    expires = self._clock() + self._ttl
                self._notes.append((expires, e.key, e.revision))

    async def sweep(self) -> int:
        """Delete every Event whose TTL has passed; returns how many were deleted."""
        todo = due(self._notes, self._clock(), self._current)
        deleted = 0
        for i in range(0, len(todo), BATCH):
            results = await asyncio.gather(*(self._delete(k, r) for k, r in todo[i : i + BATCH]))
            deleted += sum(results)
        return deleted

    async def _delete(self, key: str, rev: int) -> bool:
        try:
            await self._storage.delete(key, Preconditions(resource_version=str(rev)))
        except (KeyNotFound, PreconditionFailed):  # deleted or written again meanwhile
            return False
        return True


def start_for_cache(storage: Storage, cache: Cacher, ttl: float, **kw: Any) -> EventTTL:
    """An EventTTL over `storage` that reads current revisions from the watch cache, started
    with the Events the cache holds now."""

    def current(key: str) -> int | None:
        o = cache.get(key)
        return None if o is None else o.revision

    ttl_ = EventTTL(storage, current, ttl, **kw)
    ttl_.start([(o.key, o.revision) for o in cache.list(EVENTS_PREFIX).items])
    return ttl_
