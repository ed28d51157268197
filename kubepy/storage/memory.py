"""The in-memory engine: the test twin of the LMDB engine, and `--storage-engine=memory`.

Everything happens synchronously in the event loop, so a write is atomic by construction; it
shares every semantic with the LMDB engine through `LogEngine` and `ops.apply`.
"""

from __future__ import annotations

import time
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext

from kubepy.storage.base import LogEngine, View
from kubepy.storage.interface import Record
from kubepy.storage.ops import LogEntry, Stored, Write, apply
from kubepy.storage.retention import explicit_target


class MemoryState:
    """Current key/values, sorted keys and the log; both the read view and the write txn."""

    def __init__(self) -> None:
        self.revision = 0
        self.compacted = 0
        self.kv: dict[str, Stored] = {}
        self.keys: list[str] = []  # sorted
        self.log: list[LogEntry] = []  # revisions compacted+1 .. revision

    # ---- View ----
    def get(self, key: str) -> Record | None:
        stored = self.kv.get(key)
        return None if stored is None else stored.record(key)

    def items(self, prefix: str, start: str) -> Iterator[tuple[str, object]]:
        keys = self.keys
        for i in range(bisect_left(keys, start), len(keys)):
            key = keys[i]
            if not key.startswith(prefix):
                return
            yield key, self.kv[key]

    def record(self, key: str, raw: object) -> Record:
        assert isinstance(raw, Stored)
        return raw.record(key)

    def keys_after(self, revision: int) -> Iterator[tuple[int, str]]:
        log = self.log
        for i in range(max(0, revision - self.compacted), len(log)):
            ev = log[i].event
            yield ev.revision, ev.key

    def entry(self, revision: int) -> LogEntry:
        return self.log[revision - self.compacted - 1]

    # ---- Txn ----
    def revisions(self, key: str) -> tuple[int, int] | None:
        stored = self.kv.get(key)
        return None if stored is None else (stored.mod_revision, stored.create_revision)

    def insert(self, key: str, stored: Stored) -> bool:
        if key in self.kv:
            return False
        self.put(key, stored)
        return True

    def put(self, key: str, stored: Stored) -> None:
        if key not in self.kv:
            insort(self.keys, key)
        self.kv[key] = stored

    def remove(self, key: str) -> None:
        del self.kv[key]
        del self.keys[bisect_left(self.keys, key)]

    def append(self, entry: LogEntry) -> None:
        self.log.append(entry)

    def drop_through(self, revision: int) -> None:
        del self.log[: revision - self.compacted]
        self.compacted = revision


class _Txn:
    """`MemoryState` seen through the `ops.Txn` protocol."""

    def __init__(self, state: MemoryState) -> None:
        self.revisions = state.revisions
        self.insert = state.insert
        self.put = state.put
        self.remove = state.remove
        self.append = state.append


class MemoryStorage(LogEngine):
    """Storage held in dicts and lists; lost when the process ends."""

    def __init__(
        self,
        retention_seconds: float = 300.0,
        retention_events: int = 10_000,
        clock: Callable[[], float] = time.time,
        *,
        watch_buffer: int = 10_000,
        compact_interval: float | None = 10.0,
    ) -> None:
        """Background compaction runs only after `await start()`; compact() works regardless."""
        super().__init__(retention_seconds, retention_events, clock, watch_buffer, compact_interval)
        self._state = MemoryState()
        self._txn = _Txn(self._state)

    def _view(self) -> AbstractContextManager[View]:
        self._check_open()
        return nullcontext(self._state)

    async def _commit(self, write: Write) -> LogEntry:
        self._check_open()
        state = self._state
        entry = apply(self._txn, write, state.revision + 1, self.clock())
        state.revision += 1
        self._publish([entry.event])
        return entry

    async def compact(self, revision: int | None = None) -> int:
        self._check_open()
        state = self._state
        if revision is not None:
            target = explicit_target(revision, state.compacted, state.revision)
        else:
            target, now = state.compacted, self.clock()
            for entry in state.log:
                ev = entry.event
                if not self.policy.drops(ev.revision, ev.timestamp, state.revision, now):
                    break
                target = ev.revision
        state.drop_through(target)
        return state.compacted

    def current_revision(self) -> int:
        return self._state.revision

    def oldest_revision(self) -> int:
        return self._state.compacted

    async def close(self) -> None:
        await self._stop()
