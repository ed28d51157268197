"""The narrow revisioned key-value interface every storage engine implements.

Shaped after k8s.io/apiserver/pkg/storage.Interface and kine: one global revision counter that is
also every object's `metadata.resourceVersion`; an event log keyed by revision so a watch resumes
from any revision still inside the retention window; optimistic concurrency through
`guaranteed_update`. Values are Kubernetes objects (dicts); the engine stamps
`metadata.resourceVersion` with the write's revision and stores the JSON bytes, so the bytes it
returns are exactly what a client is sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

import orjson

Obj = dict[str, Any]
T = TypeVar("T")
EventType = Literal["ADDED", "MODIFIED", "DELETED"]


@dataclass(frozen=True, slots=True)
class Record:
    """One stored object: `value` is its JSON with resourceVersion == str(revision)."""

    key: str
    value: bytes
    revision: int  # mod revision

    def obj(self) -> Obj:
        """A fresh decoded copy; callers may mutate it."""
        return orjson.loads(self.value)


@dataclass(frozen=True, slots=True)
class Event:
    """A committed change. For DELETED, `value` is the last object restamped with the delete's
    revision (what a watcher is sent); `prev_value` is the value before this change (None for
    ADDED) so a cache can roll back and a filtered watch can tell enter/leave."""

    type: EventType
    key: str
    value: bytes
    revision: int
    prev_value: bytes | None = None
    timestamp: float = 0.0  # wall time of the commit, for time-based compaction


@dataclass(frozen=True, slots=True)
class ListResult:
    records: list[Record]
    revision: int  # the revision the list is consistent at
    more: bool  # a further page exists after the last record
    remaining: int = 0  # how many records after this page (0 when unknown or none)


@dataclass(frozen=True, slots=True)
class Preconditions:
    uid: str | None = None
    resource_version: str | None = None


# ---- errors ---------------------------------------------------------------------------------
class StorageError(Exception):
    def __init__(self, key: str, msg: str = "") -> None:
        super().__init__(msg or key)
        self.key = key


class KeyNotFound(StorageError):
    pass


class KeyExists(StorageError):
    pass


class PreconditionFailed(StorageError):
    """A uid or resourceVersion precondition did not hold (the apiserver answers 409)."""

    def __init__(self, key: str, field: str, expected: str, actual: str) -> None:
        super().__init__(key, f"Precondition failed: {field}: expected {expected}, got {actual}")
        self.field = field
        self.expected = expected
        self.actual = actual


class Compacted(StorageError):
    """The requested revision is older than the retention window (410 Gone / Expired)."""

    def __init__(self, requested: int, oldest: int) -> None:
        super().__init__("", f"too old resource version: {requested} ({oldest})")
        self.requested = requested
        self.oldest = oldest


class FutureRevision(StorageError):
    """A read asked for a revision newer than the store has (Kubernetes: 'Too large resource
    version')."""

    def __init__(self, requested: int, current: int) -> None:
        super().__init__("", f"Too large resource version: {requested}, current: {current}")
        self.requested = requested
        self.current = current


class CorruptStore(Exception):
    """The data files cannot be trusted; raised at open, never papered over."""


#: try_update(current_object) -> new object; raise to abort the update (nothing is written).
#: Returning an object equal to the current one (ignoring resourceVersion) writes nothing.
TryUpdate = Callable[[Obj], Obj]
#: Called with the current object before a delete; raise to refuse it.
ValidateDeletion = Callable[[Obj], None]


class Storage(Protocol):
    """Every engine (LMDB, memory) passes tests/storage/contract.py."""

    async def create(self, key: str, obj: Obj) -> Record:
        """Store a new key; KeyExists if present. `obj` is not mutated."""
        ...

    async def get(self, key: str) -> Record | None: ...

    async def list(self, prefix: str, revision: int = 0, limit: int = 0, start_key: str = "") -> ListResult:
        """Keys with `prefix` (sorted), as of `revision` (0 = current; Compacted / FutureRevision
        outside the window), starting at `start_key` inclusive, at most `limit` (0 = all)."""
        ...

    async def load(self, prefix: str, make: Callable[[str, int, bytes], T]) -> tuple[list[T], int]:
        """`make(key, revision, value)` for every current key with `prefix` (sorted), and the
        revision that state is current at: list(prefix) in the shape its one caller, the watch
        cache's start, keeps, built without a Record per object."""
        ...

    async def guaranteed_update(
        self,
        key: str,
        try_update: TryUpdate,
        preconditions: Preconditions | None = None,
        *,
        cached: Record | None = None,
        decided: bool = False,
    ) -> Record:
        """Read-modify-write loop: retried on a lost race; KeyNotFound if absent;
        PreconditionFailed if a precondition does not hold for the current object.

        `cached`: the caller's copy of the current record (a watch cache's), tried first instead
        of reading it, as Kubernetes' `cachedExistingObject`; a stale one costs a retry. `decided`:
        `try_update` returns the very object it was given for "no change" and anything else is a
        change to write, so the engine need not compare the encodings."""
        ...

    async def delete(
        self,
        key: str,
        preconditions: Preconditions | None = None,
        validate: ValidateDeletion | None = None,
    ) -> Record:
        """Remove the key; returns the deleted object stamped with the delete revision."""
        ...

    def watch(self, prefix: str, revision: int) -> AsyncIterator[Event]:
        """Events for keys under `prefix` with revision > `revision`, in order, then live ones.
        Compacted if `revision` is older than the window. Ends when the store closes."""
        ...

    async def compact(self, revision: int | None = None) -> int:
        """Drop history up to `revision` (default: per the retention policy); returns the oldest
        revision still watchable."""
        ...

    def current_revision(self) -> int: ...

    def oldest_revision(self) -> int:
        """The oldest revision a watch or list may still start from."""
        ...

    def add_listener(self, fn: Callable[[list[Event]], None]) -> None:
        """Called in the event loop with each committed batch, before its writes are acknowledged
        (the watch cache hangs here)."""
        ...

    async def close(self) -> None: ...
