"""One watch on the cache: a backlog, then live events through a bounded queue.

As in Kubernetes' cacheWatcher (`cache_watcher.go`), the events a watch starts with (initial state
or history from the ring) are handed over as a finished list and do not count against the bound;
live events go through a queue of fixed size, and a watcher whose queue is full when an event
arrives is closed ("too slow") so the client re-lists, never buffering without bound and never
blocking the writer or the other watchers. Bookmarks are dropped, not fatal, when the queue is full.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from kubepy.storage.cached import ADDED, DELETED, MODIFIED, CachedObject, WatchEvent
from kubepy.storage.key_index import is_dir

Predicate = Callable[[dict[str, Any]], bool]


def label_selector(predicate: Predicate | None) -> Any:
    """The label selector a predicate consists of alone (its `label_selector` attribute), else
    None: such a predicate is decided on an object's pre-extracted labels, without decoding it."""
    return getattr(predicate, "label_selector", None)


def passes(predicate: Predicate, o: CachedObject) -> bool:
    """Whether `o` passes `predicate`, decided on the object's extracted labels and field set
    when the predicate declares that is all it reads (`label_selector`, or `field_selection` =
    (label selector or None, field extractor, field matcher)); else on the decoded object."""
    sel = getattr(predicate, "label_selector", None)
    if sel is not None:
        return sel.matches(o.labels)
    fsel = getattr(predicate, "field_selection", None)
    if fsel is not None:
        lsel, fields_of, match = fsel
        return (lsel is None or lsel.matches(o.labels)) and match(o.fields(fields_of))
    return predicate(o.obj)


TOO_SLOW = "too slow"
STOPPED = "cache stopped"
CLOSED = "closed"
FINISHED = "finished"
PREDICATE_FAILED = "predicate failed"


def classify(change_type: str, cur_matches: bool, prev_matches: bool | None) -> str | None:
    """What a filtered watcher is sent for a change, given whether the new object and the previous
    one (None: there was none) pass its filter; None means nothing (cacheWatcher.convertToWatchEvent).
    """
    cur = change_type != DELETED and cur_matches
    prev = bool(prev_matches)
    if cur:
        return MODIFIED if prev else ADDED
    return DELETED if prev else None


class Watcher:
    """An async iterator of WatchEvent; ends when closed (see `closed_reason`)."""

    __slots__ = (
        "prefix",
        "is_dir",
        "predicate",
        "allow_bookmarks",
        "bookmark_type",
        "next_bookmark",
        "closed_reason",
        "_backlog",
        "_pos",
        "_queue",
        "_limit",
        "_waiter",
        "_done",
        "_on_close",
    )

    def __init__(
        self,
        prefix: str,
        backlog: list[WatchEvent],
        *,
        limit: int,
        predicate: Predicate | None = None,
        allow_bookmarks: bool = False,
        bookmark_type: tuple[str, str] = ("v1", "Pod"),
        on_close: Callable[[Watcher], None] | None = None,
    ) -> None:
        self.prefix = prefix
        #: The prefix covers a directory (ends in "/"), not one key and its children.
        self.is_dir = is_dir(prefix)
        self.predicate = predicate
        self.allow_bookmarks = allow_bookmarks
        self.bookmark_type = bookmark_type
        #: When the next periodic bookmark is due (cacher clock).
        self.next_bookmark = 0.0
        #: Why the watch ended: None while open, else TOO_SLOW, STOPPED, CLOSED, FINISHED,
        #: PREDICATE_FAILED or a reason given to close().
        self.closed_reason: str | None = None
        self._backlog = backlog
        self._pos = 0
        self._queue: deque[WatchEvent] = deque()
        self._limit = limit
        self._waiter: asyncio.Future[None] | None = None
        self._done = False  # no further events will be added; the backlog still drains
        self._on_close = on_close

    @classmethod
    def finished(cls, events: list[WatchEvent]) -> Watcher:
        """A watch that yields `events` and ends (e.g. one ERROR event)."""
        w = cls("", events, limit=0)
        w._done = True
        return w

    @property
    def closed(self) -> bool:
        return self.closed_reason is not None

    def pending(self) -> int:
        """Events waiting to be read."""
        return len(self._backlog) - self._pos + len(self._queue)

    def push(self, event: WatchEvent) -> bool:
        """Queue a live event; a full queue closes the watcher as too slow (returns False)."""
        q = self._queue
        if len(q) < self._limit:  # a closed watcher has limit 0
            q.append(event)
            if self._waiter is not None:
                self._wake()
            return True
        if self.closed_reason is None:
            self.close(TOO_SLOW)
        return False

    def enqueue(self, event: WatchEvent) -> bool:
        """push() without waking the reader: returns whether the reader waits and must be woken
        (the fan-out wakes many readers at once, paced). A full queue closes the watcher."""
        q = self._queue
        if len(q) < self._limit:
            q.append(event)
            return self._waiter is not None
        if self.closed_reason is None:
            self.close(TOO_SLOW)
        return False

    def wake(self) -> None:
        """Let a waiting reader run (after enqueue())."""
        if self._waiter is not None:
            self._wake()

    def offer(self, event: WatchEvent) -> bool:
        """Queue an event only if there is room (bookmarks): never closes the watcher."""
        q = self._queue
        if len(q) >= self._limit:
            return False
        q.append(event)
        if self._waiter is not None:
            self._wake()
        return True

    def take(self, limit: int) -> list[WatchEvent]:
        """Up to `limit` events already waiting (backlog first), without waiting: a reader that
        got one event takes the rest of the batch in one call rather than one await each."""
        out: list[WatchEvent] = []
        backlog = self._backlog
        if self._pos < len(backlog):
            end = min(len(backlog), self._pos + limit)
            out = backlog[self._pos : end]
            if end == len(backlog):
                self._backlog, self._pos = [], 0
            else:
                self._pos = end
        q = self._queue
        room = limit - len(out)
        if q and room > 0:
            if len(q) <= room:
                out += q
                q.clear()
            else:
                out += [q.popleft() for _ in range(room)]
        return out

    def close(self, reason: str = CLOSED) -> None:
        """End the watch now; events not yet read are dropped. Idempotent."""
        if self.closed_reason is not None:
            return
        self.closed_reason = reason
        self._limit = 0
        self._backlog = []
        self._pos = 0
        self._queue.clear()
        self._wake()
        if self._on_close is not None:
            self._on_close(self)

    def _wake(self) -> None:
        w = self._waiter
        if w is not None:
            self._waiter = None
            if not w.done():
                w.set_result(None)

    def __aiter__(self) -> Watcher:
        return self

    async def __anext__(self) -> WatchEvent:
        while True:
            if self._pos < len(self._backlog):
                ev = self._backlog[self._pos]
                self._pos += 1
                if self._pos == len(self._backlog):
                    self._backlog, self._pos = [], 0
                return ev
            if self._queue:
                return self._queue.popleft()
            if self._done and self.closed_reason is None:
                self.closed_reason = FINISHED
            if self.closed_reason is not None:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
