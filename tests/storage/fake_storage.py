"""A minimal in-memory Storage for the watch cache tests: current state only, no history.

It keeps just what the cacher relies on: one revision counter stamped into resourceVersion, sorted
prefix lists, and listeners called with each committed event before the write returns.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TypeVar

import orjson

from kubepy.storage.interface import (
    Event,
    KeyExists,
    KeyNotFound,
    ListResult,
    Obj,
    Preconditions,
    Record,
    TryUpdate,
    ValidateDeletion,
)


def _stamp(obj: Obj, revision: int) -> bytes:
    obj = dict(obj)
    obj["metadata"] = {**obj.get("metadata", {}), "resourceVersion": str(revision)}
    return orjson.dumps(obj)


T = TypeVar("T")


class FakeStorage:
    def __init__(self) -> None:
        self.data: dict[str, Record] = {}
        self.rev = 0
        self.listeners: list[Callable[[list[Event]], None]] = []

    def _publish(self, ev: Event) -> None:
        for fn in self.listeners:
            fn([ev])

    async def create(self, key: str, obj: Obj) -> Record:
        if key in self.data:
            raise KeyExists(key)
        self.rev += 1
        rec = self.data[key] = Record(key, _stamp(obj, self.rev), self.rev)
        self._publish(Event("ADDED", key, rec.value, rec.revision))
        return rec

    async def get(self, key: str) -> Record | None:
        return self.data.get(key)

    async def load(self, prefix: str, make: Callable[[str, int, bytes], T]) -> tuple[list[T], int]:
        keys = sorted(k for k in self.data if k.startswith(prefix))
        return [make(k, self.data[k].revision, self.data[k].value) for k in keys], self.rev

    async def list(self, prefix: str, revision: int = 0, limit: int = 0, start_key: str = "") -> ListResult:
        assert revision == 0, "the fake keeps no history"
        keys = sorted(k for k in self.data if k.startswith(prefix) and k >= start_key)
        page = keys[:limit] if limit else keys
        return ListResult(
            [self.data[k] for k in page], self.rev, len(page) < len(keys), len(keys) - len(page)
        )

    async def guaranteed_update(
        self, key: str, try_update: TryUpdate, preconditions: Preconditions | None = None
    ) -> Record:
        cur = self.data.get(key)
        if cur is None:
            raise KeyNotFound(key)
        self.rev += 1
        rec = self.data[key] = Record(key, _stamp(try_update(cur.obj()), self.rev), self.rev)
        self._publish(Event("MODIFIED", key, rec.value, rec.revision, cur.value))
        return rec

    async def delete(
        self, key: str, preconditions: Preconditions | None = None, validate: ValidateDeletion | None = None
    ) -> Record:
        cur = self.data.pop(key, None)
        if cur is None:
            raise KeyNotFound(key)
        self.rev += 1
        rec = Record(key, _stamp(cur.obj(), self.rev), self.rev)
        self._publish(Event("DELETED", key, rec.value, rec.revision, cur.value))
        return rec

    def watch(self, prefix: str, revision: int) -> AsyncIterator[Event]:
        raise NotImplementedError("the cacher does not watch storage; it listens")

    async def compact(self, revision: int | None = None) -> int:
        return 0

    def current_revision(self) -> int:
        return self.rev

    def oldest_revision(self) -> int:
        return 0

    def add_listener(self, fn: Callable[[list[Event]], None]) -> None:
        self.listeners.append(fn)

    async def close(self) -> None:
        pass
