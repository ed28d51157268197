"""Who is sent which change: the watchers of the watch cache, indexed by resource.

Like the cacher's watcher index in Kubernetes, a change is only offered to watchers of its own
resource (plus the rare watchers spanning several resources), so a write to one resource costs
nothing for the watchers of the others. An unfiltered change is one shared event for every
watcher; a filtered one is decided per watcher from the new and the previous object.
"""

from __future__ import annotations

import asyncio
import logging

from kubepy.storage.cached import DELETED, Change, WatchEvent, bookmark_event
from kubepy.storage.key_index import bucket_of, under
from kubepy.storage.watcher import PREDICATE_FAILED, Predicate, Watcher, classify, passes

log = logging.getLogger(__name__)

_WIDE = ""  # slot of watchers whose prefix spans several resources


def slot_of(prefix: str) -> str:
    return bucket_of(prefix) if prefix.count("/") >= 4 else _WIDE


def filtered_event(change: Change, predicate: Predicate) -> WatchEvent | None:
    """What a watcher with `predicate` is sent for `change` (None: nothing)."""
    prev = change.prev
    t = classify(
        change.type,
        change.type != DELETED and passes(predicate, change.cur),
        None if prev is None else passes(predicate, prev),
    )
    return None if t is None else change.event_as(t)


def replay(prefix: str, predicate: Predicate | None, changes: list[Change]) -> list[WatchEvent]:
    """The events a new watcher is owed for `changes` (history from the ring)."""
    out: list[WatchEvent] = []
    for ch in changes:
        if under(ch.key, prefix):
            ev = ch.event() if predicate is None else filtered_event(ch, predicate)
            if ev is not None:
                out.append(ev)
    return out


#: Readers are woken at most once per this many seconds (a reader idle longer is woken at once).
PACE = 0.005


def wake_delay(now: float, last_wake: float, pace: float) -> float:
    """Seconds until waiting readers may be woken: 0 when the last wake-up is `pace` old."""
    return max(0.0, last_wake + pace - now)


class Fanout:
    """The open watchers, by resource; closing a watcher removes it (via its on_close).

    Waking a reader costs a task switch and a socket write, so readers are not woken per event:
    under a stream of changes they are woken together at most every `pace` seconds and each
    takes everything queued for it at once. After a quiet `pace` the first change wakes them at
    once, so an isolated change is not delayed."""

    __slots__ = ("_sets", "_slots", "_bookmarkers", "_due", "_timer", "_last_wake", "pace")

    def __init__(self, pace: float = PACE) -> None:
        self._sets: dict[str, set[Watcher]] = {}
        self._slots: dict[str, tuple[Watcher, ...]] = {}  # immutable snapshots for dispatch
        self._bookmarkers: set[Watcher] = set()
        self._due: list[Watcher] = []  # readers waiting for events already queued
        self._timer: asyncio.TimerHandle | None = None
        self._last_wake = float("-inf")
        self.pace = pace

    def __len__(self) -> int:
        return sum(len(ws) for ws in self._sets.values())

    def add(self, w: Watcher) -> None:
        slot = slot_of(w.prefix)
        ws = self._sets.setdefault(slot, set())
        ws.add(w)
        self._slots[slot] = tuple(ws)
        if w.allow_bookmarks:
            self._bookmarkers.add(w)

    def discard(self, w: Watcher) -> None:
        slot = slot_of(w.prefix)
        ws = self._sets.get(slot)
        if ws is not None and w in ws:
            ws.discard(w)
            if ws:
                self._slots[slot] = tuple(ws)
            else:
                del self._sets[slot], self._slots[slot]
        self._bookmarkers.discard(w)

    def close_all(self, reason: str) -> None:
        for ws in list(self._sets.values()):
            for w in list(ws):
                w.close(reason)
        self.wake_due()

    def dispatch(self, change: Change, bucket: str | None = None) -> None:
        """Queue `change` for every watcher that sees it; too slow ones close themselves.
        `bucket`: bucket_of the change's key, when the caller has it."""
        due = self._due
        n = len(due)
        ws = self._slots.get(bucket_of(change.key) if bucket is None else bucket)
        if ws:
            _send(ws, change, due)
        ws = self._slots.get(_WIDE)
        if ws:
            _send(ws, change, due)
        if len(due) > n and self._timer is None:
            self._schedule_wake()

    def _schedule_wake(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop, so no reader can be waiting on one
            self.wake_due()
            return
        delay = wake_delay(loop.time(), self._last_wake, self.pace)
        if delay <= 0:
            self.wake_due()
        else:
            self._timer = loop.call_later(delay, self.wake_due)

    def wake_due(self) -> None:
        """Wake every reader with events queued since the last wake-up."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        due, self._due = self._due, []
        if due:
            try:
                self._last_wake = asyncio.get_running_loop().time()
            except RuntimeError:
                pass
            for w in due:
                w.wake()

    def bookmark(self, now: float, revision: int, interval: float) -> int:
        """Queue a BOOKMARK at `revision` for every watcher whose bookmark is due, then schedule
        its next one `interval` later; returns how many were queued. A full queue skips it."""
        shared: dict[tuple[str, str], WatchEvent] = {}
        sent = 0
        for w in list(self._bookmarkers):
            if now < w.next_bookmark:
                continue
            ev = shared.get(w.bookmark_type)
            if ev is None:
                ev = shared[w.bookmark_type] = bookmark_event(revision, *w.bookmark_type)
            sent += w.offer(ev)
            w.next_bookmark = now + interval
        return sent


def _send(watchers: tuple[Watcher, ...], change: Change, due: list[Watcher]) -> None:
    """The hot loop (per change x watcher): a prefix test, then one shared event or a filter;
    readers that wait for it are added to `due`."""
    key = change.key
    base: WatchEvent | None = None
    for w in watchers:
        p = w.prefix
        if not key.startswith(p) or not (w.is_dir or len(key) == len(p) or key[len(p)] == "/"):
            continue
        if w.predicate is None:
            if base is None:
                base = change.event()
            if w.enqueue(base):
                due.append(w)
            continue
        try:
            ev = filtered_event(change, w.predicate)
        except Exception:  # a broken filter ends its own watch, never the others
            log.exception("watch predicate failed on %s", key)
            w.close(PREDICATE_FAILED)
            continue
        if ev is not None and w.enqueue(ev):
            due.append(w)
