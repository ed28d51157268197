"""The watch cache: every GET, LIST and WATCH of the apiserver is served from here.

Modelled on k8s.io/apiserver pkg/storage/cacher. The cache lists everything under "/registry/"
once, then follows storage through its listener, which runs in the event loop before a write is
acknowledged, so a client that got its write back reads it from the cache. It keeps the current
objects (sorted per resource, see key_index) and, per resource, a ring of its last `capacity`
changes with their previous values (rings.py), which serves watches resuming from a revision and
lists at an older revision.

Prefixes are paths, as in Kubernetes (hasPathPrefix): "/registry/core/pods/" covers every pod,
"/registry/core/pods/ns/p1" covers that key (and keys below it) but not ".../ns/p10", so a
single-object list or watch can pass the object's key.

Revision rules, as Kubernetes':
- list(revision=0) is the current state; list(revision=N) is the exact state at N, rolled back
  through the resource's ring; N older than that ring raises Compacted (410 Expired), N newer than the cache
  FutureRevision. A "not older than N" read is `await wait_for_revision(N)` then revision=0.
- watch(None) and watch(0) start with a synthetic ADDED per current object, then live changes;
  watch(N) replays the ring after N, then live changes. When N is too old, watch() *raises*
  Compacted so the HTTP layer decides: answer 410, or (what Kubernetes does once a watch is
  accepted) stream `expired_watcher(exc)`, which yields one ERROR Status event and ends.
  N newer than the cache raises FutureRevision: the caller awaits wait_for_revision(N) first.
  A "start at any revision, without initial state" watch (sendInitialEvents=false,
  resourceVersion=0) is watch(revision()).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from kubepy.storage.cached import DELETED, CachedObject, Change, WatchEvent, bookmark_event, expired_event
from kubepy.storage.fanout import PACE, Fanout, replay
from kubepy.storage.interface import Compacted, Event, FutureRevision, Storage
from kubepy.storage.key_index import KeyIndex, bucket_of
from kubepy.storage.listing import page, span_at
from kubepy.storage.rings import ResourceRings
from kubepy.storage.watcher import STOPPED, Predicate, Watcher
from kubepy.util.tasks import cancel_and_wait, repeat

__all__ = ["CacheList", "CachedObject", "Cacher", "WatchEvent", "Watcher", "expired_watcher"]

ROOT = "/registry/"


@dataclass(slots=True)
class CacheList:
    items: list[CachedObject]
    revision: int  # the revision the list is consistent at
    more: bool  # a further page exists after the last item
    remaining: int = 0  # items after this page; 0 when unknown (a predicate was given) or none


def expired_watcher(exc: Compacted) -> Watcher:
    """A watch that yields the 410 Expired ERROR event for `exc` and ends."""
    return Watcher.finished([expired_event(exc)])


class Cacher:
    """Serves reads and watches from memory; writes go to storage and come back as events."""

    def __init__(
        self,
        storage: Storage,
        *,
        capacity: int = 10_000,
        watcher_queue: int = 1_000,
        bookmark_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        tick_period: float | None = 1.0,
        watch_pace: float = PACE,
    ) -> None:
        """`tick_period`: how often the background task calls tick() (None: never; call it).
        `watch_pace`: under a stream of changes, watch readers are woken at most this often
        (seconds) and each takes all its queued events in one write; see Fanout."""
        self._storage = storage
        self._index = KeyIndex()
        self._rings = ResourceRings(capacity)
        self._fanout = Fanout(watch_pace)
        self._rev = 0
        self._queue_limit = watcher_queue
        self._interval = bookmark_interval
        self._clock = clock
        self._tick_period = tick_period
        self._state = "new"  # new -> starting -> ready -> stopped
        self._early: list[Event] = []  # events that arrived while the initial list ran
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None

    # ---- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        """List everything under /registry/ from storage, then follow it through its listener."""
        if self._state != "new":
            raise RuntimeError(f"cacher already {self._state}")
        self._state = "starting"
        # Subscribe first so nothing committed during the list is missed; replay what came after.
        self._storage.add_listener(self._on_events)
        objs, revision = await self._storage.load(ROOT, CachedObject)
        self._index.load(objs)
        self._rev = revision
        self._rings.reset(revision)
        self._state = "ready"
        early, self._early = self._early, []
        self._apply([e for e in early if e.revision > revision])
        if self._tick_period is not None:
            self._task = asyncio.create_task(
                repeat(self._tick_period, self.tick, "watch cache bookmark tick"),
                name="kubepy-cacher-bookmarks",
            )

    def close_watchers(self, reason: str = STOPPED) -> None:
        """End every open watch (server shutdown); the cache keeps serving."""
        self._fanout.close_all(reason)

    async def stop(self) -> None:
        """Close every watcher and stop following storage."""
        self._state = "stopped"
        task, self._task = self._task, None
        await cancel_and_wait(task)
        self._fanout.close_all(STOPPED)
        for rev, fut in self._waiters:
            if not fut.done():
                fut.set_exception(FutureRevision(rev, self._rev))
        self._waiters = []

    @property
    def ready(self) -> bool:
        return self._state == "ready"

    # ---- reads ------------------------------------------------------------------------------
    def revision(self) -> int:
        """The newest revision the cache has seen."""
        return self._rev

    def oldest_revision(self, prefix: str = ROOT) -> int:
        """The oldest revision a watch or list of `prefix` may start from (each resource keeps
        its own history, see rings.py)."""
        return self._rings.floor(prefix)

    async def wait_for_revision(self, rev: int, timeout: float = 3.0) -> None:
        """Wait until the cache has seen `rev`; FutureRevision after `timeout` seconds."""
        if rev <= self._rev:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (rev, fut)
        self._waiters.append(entry)
        try:
            async with asyncio.timeout(timeout):
                await fut
        except TimeoutError:
            raise FutureRevision(rev, self._rev) from None
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)

    def get(self, key: str) -> CachedObject | None:
        return self._index.get(key)

    def count(self, prefix: str) -> int:
        return self._index.count(prefix)

    def list(
        self,
        prefix: str,
        *,
        revision: int = 0,
        limit: int = 0,
        start_key: str = "",
        predicate: Predicate | None = None,
    ) -> CacheList:
        """Objects under `prefix` (sorted by key) as of `revision` (0: now), from `start_key` on
        (inclusive), at most `limit` (0: all) of those passing `predicate`."""
        rev = self._check_revision(prefix, revision) if revision else self._rev
        undo_after = rev if rev < self._rev else None
        keys, lo, hi, get = span_at(self._index, self._rings, prefix, start_key, undo_after)
        items, more, remaining = page(keys, lo, hi, get, limit, predicate)
        return CacheList(items, rev, more, remaining)

    def _check_revision(self, prefix: str, revision: int) -> int:
        if revision > self._rev:
            raise FutureRevision(revision, self._rev)
        floor = self._rings.floor(prefix)
        if revision < floor:
            raise Compacted(revision, floor)
        return revision

    # ---- watches ----------------------------------------------------------------------------
    def watch(
        self,
        prefix: str,
        revision: int | None,
        *,
        predicate: Predicate | None = None,
        send_initial_events: bool = False,
        allow_bookmarks: bool = False,
        bookmark_type: tuple[str, str] = ("v1", "Pod"),
    ) -> Watcher:
        """Watch keys under `prefix`; see the module docstring for how `revision` is read.

        send_initial_events with revision N > 0 means "state not older than N": the current state.
        """
        if self._state != "ready":
            raise RuntimeError("watch cache is not ready")
        backlog: list[WatchEvent]
        if not revision or send_initial_events:
            if revision and revision > self._rev:
                raise FutureRevision(revision, self._rev)
            keys, lo, hi, get = span_at(self._index, self._rings, prefix, "", None)
            backlog = [o.added() for o in page(keys, lo, hi, get, 0, predicate)[0]]
            if send_initial_events and allow_bookmarks:
                api_version, kind = bookmark_type
                backlog.append(bookmark_event(self._rev, api_version, kind, initial_end=True))
        else:
            self._check_revision(prefix, revision)
            backlog = replay(prefix, predicate, self._rings.since(prefix, revision))
        w = Watcher(
            prefix,
            backlog,
            limit=self._queue_limit,
            predicate=predicate,
            allow_bookmarks=allow_bookmarks,
            bookmark_type=bookmark_type,
            on_close=self._fanout.discard,
        )
        w.next_bookmark = self._clock() + self._interval
        self._fanout.add(w)
        return w

    def watcher_count(self) -> int:
        return len(self._fanout)

    # ---- following storage ------------------------------------------------------------------
    def _on_events(self, events: list[Event]) -> None:
        """The storage listener: runs in the loop, before the writes are acknowledged."""
        if self._state == "ready":
            self._apply(events)
        elif self._state == "starting":
            self._early.extend(events)

    def _apply(self, events: list[Event]) -> None:
        for e in events:
            if e.revision > self._rev:
                self._rev = e.revision
            if not e.key.startswith(ROOT):
                continue
            cur = CachedObject(e.key, e.revision, e.value)
            bucket = bucket_of(e.key)  # once for the index, the ring and the fan-out
            prev = self._index.remove(e.key) if e.type == DELETED else self._index.put(cur, bucket)
            if prev is None and e.prev_value is not None:  # not expected: the cache missed it
                prev = CachedObject(e.key, 0, e.prev_value)
            change = Change(e.type, cur, prev)
            self._rings.append(change, bucket)
            self._fanout.dispatch(change, bucket)
        if self._waiters:
            self._wake_waiters()

    def _wake_waiters(self) -> None:
        rev = self._rev
        keep = []
        for entry in self._waiters:
            want, fut = entry
            if want > rev:
                keep.append(entry)
            elif not fut.done():
                fut.set_result(None)
        self._waiters = keep

    # ---- bookmarks --------------------------------------------------------------------------
    def tick(self) -> int:
        """Send a BOOKMARK at the current revision to every watcher whose bookmark is due (every
        `bookmark_interval` seconds of the injected clock); returns how many were queued. A
        watcher with a full queue skips the bookmark instead of being closed."""
        return self._fanout.bookmark(self._clock(), self._rev, self._interval)
