"""The Storage semantics written once; an engine supplies consistent read views and a commit.

An engine implements `_view()` (a consistent snapshot: revision, compacted revision, current
key/values, the log) and `_commit(write)` (apply one `ops.Write` durably, publishing its event with
`_publish` before the write's await returns). Everything else - the guaranteed_update loop, delete
validation, rolled-back and paged lists, watches, listeners - lives here so every engine behaves the
same and one contract suite covers them all.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

import orjson

from kubepy.storage.codec import check_preconditions, encode, fill
from kubepy.storage.history import merge, paginate, range_start, state_before
from kubepy.storage.interface import (
    Compacted,
    Event,
    FutureRevision,
    KeyNotFound,
    ListResult,
    Obj,
    Preconditions,
    Record,
    TryUpdate,
    ValidateDeletion,
)
from kubepy.storage.log_watch import Watcher
from kubepy.storage.ops import Conflict, Create, Delete, LogEntry, Update, Write
from kubepy.storage.retention import RetentionPolicy
from kubepy.util.tasks import cancel_and_wait

T = TypeVar("T")

log = logging.getLogger(__name__)

Listener = Callable[[list[Event]], None]


class View(Protocol):
    """A consistent read snapshot of an engine."""

    revision: int
    compacted: int

    def get(self, key: str) -> Record | None: ...

    def items(self, prefix: str, start: str) -> Iterator[tuple[str, object]]:
        """Current keys >= start under prefix, sorted, with an engine-specific raw value."""
        ...

    def record(self, key: str, raw: object) -> Record: ...

    def keys_after(self, revision: int) -> Iterator[tuple[int, str]]:
        """(revision, key) of the log entries above `revision`, ascending; cheaper than entries."""
        ...

    def entry(self, revision: int) -> LogEntry:
        """The log entry of `revision` (which is in the log)."""
        ...


class ClosedError(RuntimeError):
    """The store was closed."""


class LogEngine(ABC):
    """The Storage protocol over an engine's `_view`/`_commit`; settings shared by engines:
    retention (seconds, events), the wall clock (injected for tests), each watch's live-event
    buffer, and how often background compaction runs once `start()`ed (None: never)."""

    def __init__(
        self,
        retention_seconds: float = 300.0,
        retention_events: int = 10_000,
        clock: Callable[[], float] = time.time,
        watch_buffer: int = 10_000,
        compact_interval: float | None = 10.0,
    ) -> None:
        self.policy = RetentionPolicy(retention_seconds, retention_events)
        self.clock = clock
        self.watch_buffer = watch_buffer
        self._listeners: list[Listener] = []
        self._watchers: weakref.WeakSet[Watcher] = weakref.WeakSet()
        self._closed = False
        self.compact_interval = compact_interval
        self._compactor: asyncio.Task[None] | None = None

    # ---- what an engine provides ----------------------------------------------------------
    @abstractmethod
    def _view(self) -> AbstractContextManager[View]: ...

    @abstractmethod
    async def _commit(self, write: Write) -> LogEntry: ...

    @abstractmethod
    async def compact(self, revision: int | None = None) -> int: ...

    # ---- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        """Start background compaction every `compact_interval` seconds (None: never)."""
        if self.compact_interval and self._compactor is None and not self._closed:
            self._compactor = asyncio.create_task(
                self._compact_forever(self.compact_interval), name="kubepy-storage-compactor"
            )

    async def _compact_forever(self, interval: float) -> None:
        while not self._closed:
            await asyncio.sleep(interval)
            try:
                await self.compact()
            except ClosedError:
                return
            except Exception:
                log.exception("storage compaction failed")

    async def _stop(self) -> None:
        """Refuse new writes, stop compacting, end every watch."""
        self._closed = True
        compactor, self._compactor = self._compactor, None
        await cancel_and_wait(compactor)
        for w in list(self._watchers):
            w.close()

    # ---- reads ----------------------------------------------------------------------------
    async def get(self, key: str) -> Record | None:
        with self._view() as view:
            return view.get(key)

    async def list(self, prefix: str, revision: int = 0, limit: int = 0, start_key: str = "") -> ListResult:
        with self._view() as view:
            at = revision or view.revision
            if at > view.revision:
                raise FutureRevision(at, view.revision)
            if at < view.compacted:
                raise Compacted(at, view.compacted)
            start = range_start(prefix, start_key)
            items: Iterator[tuple[str, object]] = view.items(prefix, start)
            if at < view.revision:
                items = merge(items, state_before(_changed_after(view, at, prefix, start), prefix, start))
            page, remaining = paginate(items, limit)
            records = [raw if isinstance(raw, Record) else view.record(k, raw) for k, raw in page]
        return ListResult(records, at, remaining > 0, remaining)

    async def load(self, prefix: str, make: Callable[[str, int, bytes], T]) -> tuple[list[T], int]:
        """`make(key, revision, value)` per current record under `prefix`, in key order, and the
        revision they are current at (an engine may do this in a tighter loop than list())."""
        result = await self.list(prefix)
        return [make(r.key, r.revision, r.value) for r in result.records], result.revision

    def _read_log(self, after: int, prefix: str, limit: int) -> tuple[list[Event], int, bool]:
        with self._view() as view:
            if after < view.compacted:
                raise Compacted(after, view.compacted)
            wanted: list[int] = []
            last, scanned = after, 0
            for rev, key in view.keys_after(after):
                last = rev
                scanned += 1
                if key.startswith(prefix):
                    wanted.append(rev)
                if scanned >= limit:
                    break
            events = [view.entry(rev).event for rev in wanted]
            return events, last, scanned < limit

    # ---- writes ---------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise ClosedError("storage is closed")

    async def create(self, key: str, obj: Obj) -> Record:
        self._check_open()
        ev = (await self._commit(Create(key, encode(obj)))).event
        return Record(key, ev.value, ev.revision)

    async def guaranteed_update(
        self,
        key: str,
        try_update: TryUpdate,
        preconditions: Preconditions | None = None,
        *,
        cached: Record | None = None,
        decided: bool = False,
    ) -> Record:
        self._check_open()
        # a cached record is only a guess at the current one: a write from it that loses the race
        # retries from storage; a failed check, an error or a no-op found on it stands only if
        # storage still holds that revision, else the update is tried again on what it holds
        cur, confirmed = cached, False
        while True:
            if cur is None:
                cur, confirmed = await self.get(key), True
                if cur is None:
                    raise KeyNotFound(key)
            obj = cur.obj()
            try:
                check_preconditions(key, obj, preconditions)
                out = try_update(obj)
            except Exception:
                if confirmed or await self._still_at(key, cur.revision):
                    raise
                cur = None
                continue
            if decided and out is obj:
                new = None
            else:
                new = encode(out)  # once: for the no-op check and for the write
                if not decided and _unchanged(fill(new, cur.revision), cur.value):
                    new = None
            if new is None:  # nothing changed: no write, no event
                if confirmed or await self._still_at(key, cur.revision):
                    return cur
                cur = None
                continue
            try:
                ev = (await self._commit(Update(key, new, cur.revision, cur.value))).event
            except Conflict:
                cur = None
                continue
            return Record(key, ev.value, ev.revision)

    async def _still_at(self, key: str, revision: int) -> bool:
        """Whether `key` is still at mod revision `revision` (a cached copy was current)."""
        rec = await self.get(key)
        return rec is not None and rec.revision == revision

    async def delete(
        self,
        key: str,
        preconditions: Preconditions | None = None,
        validate: ValidateDeletion | None = None,
    ) -> Record:
        self._check_open()
        while True:
            cur = await self.get(key)
            if cur is None:
                raise KeyNotFound(key)
            obj = cur.obj()
            check_preconditions(key, obj, preconditions)
            if validate is not None:
                validate(obj)
            try:
                ev = (await self._commit(Delete(key, cur.revision, cur.value))).event
            except Conflict:
                continue
            return Record(key, ev.value, ev.revision)

    # ---- events ---------------------------------------------------------------------------
    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def _publish(self, events: list[Event]) -> None:
        """In the loop, after the commit and before any writer of the batch is answered."""
        if not events:
            return
        for fn in self._listeners:
            try:
                fn(events)
            except Exception:
                log.exception("storage listener %r failed", fn)
        if self._watchers:  # iterating a WeakSet costs a guard even when it is empty (the usual case)
            for w in self._watchers:
                w.offer(events)

    def watch(self, prefix: str, revision: int) -> AsyncIterator[Event]:
        if revision < 0:
            raise ValueError(f"negative revision: {revision}")
        watcher = Watcher(prefix, revision, self._read_log, self._watchers.discard, self.watch_buffer)
        if self._closed:
            watcher.close()
        else:
            self._watchers.add(watcher)  # weakly: an abandoned watch goes with its iterator
        return watcher


def _changed_after(view: View, revision: int, prefix: str, start: str) -> Iterator[LogEntry]:
    """The first log entry after `revision` of each key in range; others are not even decoded."""
    seen: set[str] = set()
    for rev, key in view.keys_after(revision):
        if key not in seen and key >= start and key.startswith(prefix):
            seen.add(key)
            yield view.entry(rev)


def _unchanged(new: bytes, current: bytes) -> bool:
    """Equal as objects (both stamped with the current revision): key order does not matter,
    as it would not for Kubernetes' typed objects. Decoded only when where the texts first differ
    leaves it open (see `_differ_at_first_difference`): most updates change some string value."""
    if new == current:
        return True
    if _differ_at_first_difference(new, current):
        return False
    return orjson.loads(new) == orjson.loads(current)


_BACKSLASH, _COMMA, _U = 0x5C, 0x2C, 0x75
#: bytes that end a member: after one, a text holds no more than the other at the same place
_ENDS = frozenset(b",]}")
#: outside strings, bytes that only start a value (a string, object, list or null), which no
#: value of another kind equals (unlike true and 1, false and 0, 1 and 1.0)
_STARTS = frozenset(b'"{[n')
_SPACE = frozenset(b" \t\n\r")


def _first_difference(a: bytes, b: bytes) -> int:
    """The first index where `a` and `b` differ (the shorter length when one is a prefix)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi) // 2
        if a[lo : mid + 1] == b[lo : mid + 1]:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _in_string(head: bytes) -> bool | None:
    """Whether a JSON text that begins with `head` is inside a string after it; None when it is
    inside an escape sequence. Outside strings JSON has no backslash, and inside one each
    backslash opens an escape: dropping `\\\\` pairs from the left leaves a backslash only
    before an escaped character, so the quotes left without one are the strings' own."""
    if b"\\" not in head:
        return head.count(b'"') % 2 == 1
    head = head.replace(b"\\\\", b"")
    j = head.rfind(b"\\")
    if j != -1 and (j == len(head) - 1 or (head[j + 1] == _U and len(head) - j < 6)):
        return None  # \ or \uXXXX not yet complete
    return (head.count(b'"') - head.count(b'\\"')) % 2 == 1


def _differ_at_first_difference(a: bytes, b: bytes) -> bool:
    """Whether the JSON texts `a` and `b` surely decode to unequal values, told from the byte
    where they first differ: both texts read the same up to it, so a parser stands in the same
    state in both there. True only when that is certain (False: decode and compare), for texts
    without duplicate keys, as an encoder writes them from dicts (the codec's, for both):

    * outside strings, one text ends a list or object member where the other goes on, or starts
      a string, object, list or null where the other holds something else, or true against false;
    * inside a string value (not inside an escape, neither byte a backslash): the two strings
      differ. Inside a key, no: the other object may hold that key further on.
    """
    i = _first_difference(a, b)
    if i >= len(a) or i >= len(b):
        return False
    inside = _in_string(a[:i])
    if inside is None:
        return False
    x, y = a[i], b[i]
    if not inside:
        if x in _SPACE or y in _SPACE:
            return False  # the other text may hold the same after some whitespace
        if x in _ENDS and y in _ENDS:
            return _COMMA in (x, y)
        return x in _STARTS or y in _STARTS or {x, y} == {0x74, 0x66}  # t, f
    if x == _BACKSLASH or y == _BACKSLASH:
        return False
    end = a.find(b'"', i)
    if end == -1 or a.find(b"\\", i, end) != -1 or end + 1 >= len(a):
        return False
    return a[end + 1] in _ENDS  # a value (a key is followed by ':')
