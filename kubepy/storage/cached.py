"""What the watch cache holds and hands out: objects, changes and watch events, each encoded once.

Kubernetes' cacher wraps objects in `cachingObject` so a watch event is serialized once and shared
by every watcher (`caching_object.go`). Here the stored JSON bytes are reused as they are, an
object is decoded at most once (on first use by a predicate), and each event's wire line is built
once, on first use, then shared.
"""

from __future__ import annotations

from typing import Any

import orjson

from kubepy.api.errors import resource_expired
from kubepy.storage.interface import Compacted, Obj

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"
BOOKMARK = "BOOKMARK"
ERROR = "ERROR"

#: Set on the bookmark that ends a sendInitialEvents stream; client-go informers wait for it.
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


class WatchEvent:
    """One event of a watch stream; `value` is the JSON of its object."""

    __slots__ = ("type", "revision", "value", "_line")

    def __init__(self, type: str, revision: int, value: bytes) -> None:
        self.type = type
        self.revision = revision
        self.value = value
        self._line: bytes | None = None

    def json_line(self) -> bytes:
        """`{"type":…,"object":…}` plus newline, built on first use and shared by all watchers."""
        line = self._line
        if line is None:
            line = self._line = b'{"type":"%s","object":%s}\n' % (self.type.encode(), self.value)
        return line

    def __repr__(self) -> str:
        return f"WatchEvent({self.type}, {self.revision})"


class CachedObject:
    """An immutable view of one stored object; `value` is its JSON with resourceVersion stamped."""

    __slots__ = ("key", "revision", "value", "_obj", "_labels", "_added")

    def __init__(self, key: str, revision: int, value: bytes) -> None:
        self.key = key
        self.revision = revision
        self.value = value
        self._obj: Obj | None = None
        self._labels: dict[str, str] | None = None
        self._added: WatchEvent | None = None

    @property
    def obj(self) -> Obj:
        """Decoded once, lazily, and shared: callers must not mutate it."""
        o = self._obj
        if o is None:
            o = self._obj = orjson.loads(self.value)
        return o

    @property
    def labels(self) -> dict[str, str]:
        """metadata.labels ({} when unset), extracted once: label selectors match on this alone.
        The decoded object is not kept for it (a selector over 10,000 pods would hold them all)."""
        labels = self._labels
        if labels is None:
            o = self._obj
            if o is None:
                o = orjson.loads(self.value)
            labels = self._labels = (o.get("metadata") or {}).get("labels") or {}
        return labels

    def added(self) -> WatchEvent:
        """The synthetic ADDED event replaying this object as initial state, shared by all."""
        ev = self._added
        if ev is None:
            ev = self._added = WatchEvent(ADDED, self.revision, self.value)
        return ev

    def __repr__(self) -> str:
        return f"CachedObject({self.key!r}, {self.revision})"


class Change:
    """One committed change as the cache saw it, kept in the event ring.

    `cur` is the object after the change (for DELETED: the last state stamped with the delete's
    revision), `prev` the object it replaced (None for ADDED): rolling a list back needs `prev`,
    and a filtered watch needs both to tell an object entering its selector from one leaving it.
    """

    __slots__ = ("type", "key", "revision", "cur", "prev", "_base", "_variants")

    def __init__(self, type: str, cur: CachedObject, prev: CachedObject | None) -> None:
        self.type = type
        self.key = cur.key
        self.revision = cur.revision
        self.cur = cur
        self.prev = prev
        self._base: WatchEvent | None = None
        self._variants: dict[str, WatchEvent] | None = None

    def event(self) -> WatchEvent:
        """The event as it happened, shared by every watcher that sees it unfiltered."""
        ev = self._base
        if ev is None:
            ev = self._base = WatchEvent(self.type, self.revision, self.cur.value)
        return ev

    def event_as(self, type: str) -> WatchEvent:
        """The event a filtered watcher sees as `type`, built once per type.

        An object leaving the selector is reported, as Kubernetes does, as DELETED carrying its
        previous content stamped with this change's revision.
        """
        if type == self.type:
            return self.event()
        variants = self._variants
        if variants is None:
            variants = self._variants = {}
        ev = variants.get(type)
        if ev is None:
            if type == DELETED and self.prev is not None:
                value = restamp(self.prev.value, self.revision)
            else:
                value = self.cur.value
            ev = variants[type] = WatchEvent(type, self.revision, value)
        return ev

    def __repr__(self) -> str:
        return f"Change({self.type}, {self.key!r}, {self.revision})"


def restamp(value: bytes, revision: int) -> bytes:
    """`value` with metadata.resourceVersion set to `revision`."""
    obj = orjson.loads(value)
    obj.setdefault("metadata", {})["resourceVersion"] = str(revision)
    return orjson.dumps(obj)


def bookmark_event(revision: int, api_version: str, kind: str, *, initial_end: bool = False) -> WatchEvent:
    """A BOOKMARK: an empty object of the watched kind carrying only a resourceVersion."""
    meta: dict[str, Any] = {"resourceVersion": str(revision)}
    if initial_end:
        meta["annotations"] = {INITIAL_EVENTS_END: "true"}
    value = orjson.dumps({"kind": kind, "apiVersion": api_version, "metadata": meta})
    return WatchEvent(BOOKMARK, revision, value)


def expired_event(exc: Compacted) -> WatchEvent:
    """The ERROR event (a 410 Expired Status) a watch stream carries when its start is too old."""
    return WatchEvent(ERROR, 0, orjson.dumps(resource_expired(str(exc)).status()))
