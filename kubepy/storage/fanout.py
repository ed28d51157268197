"""Who is sent which change: the watchers of the watch cache, indexed by resource.

Like the cacher's watcher index in Kubernetes, a change is only offered to watchers of its own
resource (plus the rare watchers spanning several resources), so a write to one resource costs
nothing for the watchers of the others. An unfiltered change is one shared event for every
watcher; a filtered one is decided per watcher from the new and the previous object.
"""

from __future__ import annotations

import logging

from kubepy.storage.cached import DELETED, Change, WatchEvent, bookmark_event
from kubepy.storage.key_index import bucket_of, under
from kubepy.storage.watcher import PREDICATE_FAILED, Predicate, Watcher, classify

log = logging.getLogger(__name__)

_WIDE = ""  # slot of watchers whose prefix spans several resources


def slot_of(prefix: str) -> str:
    return bucket_of(prefix) if prefix.count("/") >= 4 else _WIDE


def filtered_event(change: Change, predicate: Predicate) -> WatchEvent | None:
    """What a watcher with `predicate` is sent for `change` (None: nothing)."""
    prev = change.prev
    t = classify(
        change.type,
        change.type != DELETED and predicate(change.cur.obj),
        None if prev is None else predicate(prev.obj),
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


class Fanout:
    """The open watchers, by resource; closing a watcher removes it (via its on_close)."""

    __slots__ = ("_sets", "_slots", "_bookmarkers")

    def __init__(self) -> None:
        self._sets: dict[str, set[Watcher]] = {}
        self._slots: dict[str, tuple[Watcher, ...]] = {}  # immutable snapshots for dispatch
        self._bookmarkers: set[Watcher] = set()

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

    def dispatch(self, change: Change) -> None:
        """Queue `change` for every watcher that sees it; too slow ones close themselves."""
        ws = self._slots.get(bucket_of(change.key))
        if ws:
            _send(ws, change)
        ws = self._slots.get(_WIDE)
        if ws:
            _send(ws, change)

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


def _send(watchers: tuple[Watcher, ...], change: Change) -> None:
    """The hot loop (per change x watcher): a prefix test, then one shared event or a filter."""
    key = change.key
    base: WatchEvent | None = None
    for w in watchers:
        p = w.prefix
        if not key.startswith(p) or not (w.is_dir or len(key) == len(p) or key[len(p)] == "/"):
            continue
        if w.predicate is None:
            if base is None:
                base = change.event()
            w.push(base)
            continue
        try:
            ev = filtered_event(change, w.predicate)
        except Exception:  # a broken filter ends its own watch, never the others
            log.exception("watch predicate failed on %s", key)
            w.close(PREDICATE_FAILED)
            continue
        if ev is not None:
            w.push(ev)
