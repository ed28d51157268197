"""The write operations and their one implementation, shared by every engine.

Like kine's log-structured layer: an engine only provides a `Txn` (current key/values plus an
append-only log); creating, compare-and-swap updating and deleting are decided here once. Every
check happens before anything is written, so an operation that raises leaves the transaction as it
found it and its revision is not consumed: a batch of operations can share one commit and fail one
by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kubepy.storage.codec import Encoded, fill, restamp
from kubepy.storage.interface import Event, KeyExists, KeyNotFound, Record, StorageError


@dataclass(frozen=True, slots=True)
class Stored:
    """A current key's value with its mod and create revisions."""

    value: bytes
    mod_revision: int
    create_revision: int

    def record(self, key: str) -> Record:
        return Record(key, self.value, self.mod_revision)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One event of the log plus the revision of its `prev_value` (to roll a list back)."""

    event: Event
    prev_revision: int = 0


class Conflict(StorageError):
    """A compare-and-swap lost: the key changed since it was read (guaranteed_update retries)."""


@dataclass(frozen=True, slots=True)
class Create:
    key: str
    value: Encoded


@dataclass(frozen=True, slots=True)
class Update:
    key: str
    value: Encoded
    expect: int  # mod revision the update was computed from
    prev: bytes  # the value at `expect`: if the key is still there, the engine need not read it


@dataclass(frozen=True, slots=True)
class Delete:
    key: str
    expect: int
    prev: bytes  # the value at `expect`


Write = Create | Update | Delete


class Txn(Protocol):
    def revisions(self, key: str) -> tuple[int, int] | None:
        """(mod, create) revision of a current key, without reading its value."""
        ...

    def insert(self, key: str, stored: Stored) -> bool:
        """Put a key that is absent; False (writing nothing) if it is present."""
        ...

    def put(self, key: str, stored: Stored) -> None: ...
    def remove(self, key: str) -> None: ...
    def append(self, entry: LogEntry) -> None: ...


def _created(txn: Txn, key: str, expect: int) -> int:
    """The create revision of `key`, if it is still at mod revision `expect`."""
    revs = txn.revisions(key)
    if revs is None:
        raise KeyNotFound(key)
    if revs[0] != expect:
        raise Conflict(key, f"{key} changed: revision {revs[0]}, expected {expect}")
    return revs[1]


def apply(txn: Txn, op: Write, revision: int, timestamp: float) -> LogEntry:
    """Perform `op` as the write of `revision`; raises (writing nothing) if its check fails.
    An op's `prev` is trusted as the value at its `expect`: a revision names one value."""
    key = op.key
    if isinstance(op, Create):
        value = fill(op.value, revision)
        if not txn.insert(key, Stored(value, revision, revision)):
            raise KeyExists(key)
        entry = LogEntry(Event("ADDED", key, value, revision, None, timestamp))
    elif isinstance(op, Update):
        created = _created(txn, key, op.expect)
        value = fill(op.value, revision)
        txn.put(key, Stored(value, revision, created))
        entry = LogEntry(Event("MODIFIED", key, value, revision, op.prev, timestamp), op.expect)
    else:
        _created(txn, key, op.expect)
        value = restamp(op.prev, revision, op.expect)
        txn.remove(key)
        entry = LogEntry(Event("DELETED", key, value, revision, op.prev, timestamp), op.expect)
    txn.append(entry)
    return entry
