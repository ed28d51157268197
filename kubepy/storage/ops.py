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

from kubepy.storage.codec import restamp, stamp
from kubepy.storage.interface import Event, KeyExists, KeyNotFound, Obj, Record, StorageError


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
    obj: Obj


@dataclass(frozen=True, slots=True)
class Update:
    key: str
    obj: Obj
    expect: int  # mod revision the update was computed from


@dataclass(frozen=True, slots=True)
class Delete:
    key: str
    expect: int


Write = Create | Update | Delete


class Txn(Protocol):
    def get(self, key: str) -> Stored | None: ...
    def put(self, key: str, stored: Stored) -> None: ...
    def remove(self, key: str) -> None: ...
    def append(self, entry: LogEntry) -> None: ...


def _current(txn: Txn, key: str, expect: int) -> Stored:
    cur = txn.get(key)
    if cur is None:
        raise KeyNotFound(key)
    if cur.mod_revision != expect:
        raise Conflict(key, f"{key} changed: revision {cur.mod_revision}, expected {expect}")
    return cur


def apply(txn: Txn, op: Write, revision: int, timestamp: float) -> LogEntry:
    """Perform `op` as the write of `revision`; raises (writing nothing) if its check fails."""
    key = op.key
    if isinstance(op, Create):
        if txn.get(key) is not None:
            raise KeyExists(key)
        value = stamp(op.obj, revision)
        txn.put(key, Stored(value, revision, revision))
        entry = LogEntry(Event("ADDED", key, value, revision, None, timestamp))
    elif isinstance(op, Update):
        cur = _current(txn, key, op.expect)
        value = stamp(op.obj, revision)
        txn.put(key, Stored(value, revision, cur.create_revision))
        entry = LogEntry(Event("MODIFIED", key, value, revision, cur.value, timestamp), cur.mod_revision)
    else:
        cur = _current(txn, key, op.expect)
        value = restamp(cur.value, revision)
        txn.remove(key)
        entry = LogEntry(Event("DELETED", key, value, revision, cur.value, timestamp), cur.mod_revision)
    txn.append(entry)
    return entry
