"""What the watch cache holds and hands out: objects, changes and watch events, each encoded once.

Kubernetes' cacher wraps objects in `cachingObject` so a watch event is serialized once and shared
by every watcher (`caching_object.go`). Here the stored JSON bytes are reused as they are, each
live event's wire line is built once, on first use, then shared. Per object version the cache
keeps the bytes and what selectors read (labels, field set), not the decoded object: at rest a
decoded pod would weigh several times its bytes, for every pod (issue 4's memory goal).
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable
from typing import Any

import orjson

from kubepy.api.errors import resource_expired
from kubepy.storage.interface import Compacted, Obj, Record

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"
BOOKMARK = "BOOKMARK"
ERROR = "ERROR"

#: Set on the bookmark that ends a sendInitialEvents stream; client-go informers wait for it.
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


class WatchEvent:
    """One event of a watch stream; `value` is the JSON of its object.

    `shared` events (a change every live watcher is sent) keep their wire line once built, so it
    is built once for all of them; the ring lets go of it once the change is old (release()).
    Others (one object's initial ADDED for one watcher) build it per call and keep nothing: a
    second copy of every object's bytes would double what the cache holds."""

    __slots__ = ("type", "revision", "value", "_line", "_shared")

    def __init__(self, type: str, revision: int, value: bytes, *, shared: bool = True) -> None:
        self.type = type
        self.revision = revision
        self.value = value
        self._line: bytes | None = None
        self._shared = shared

    def json_line(self) -> bytes:
        """`{"type":…,"object":…}` plus newline; built on first use and shared when `shared`."""
        line = self._line
        if line is None:
            line = b'{"type":"%s","object":%s}\n' % (self.type.encode(), self.value)
            if self._shared:
                self._line = line
        return line

    def release(self) -> None:
        """Forget the built line (it is rebuilt if asked for again)."""
        self._line = None

    def __repr__(self) -> str:
        return f"WatchEvent({self.type}, {self.revision})"


#: Fields extracted from an object for field selectors, e.g. {"spec.nodeName": "n1", ...}.
FieldSet = dict[str, str]
FieldsOf = Callable[[Obj], FieldSet]

_intern = sys.intern


def _interned(m: dict[str, Any]) -> dict[str, str]:
    """`m` with its string keys and values interned: label and field values repeat across
    thousands of objects (app names, node names, phases)."""
    return {
        _intern(k) if type(k) is str else k: _intern(v) if type(v) is str else v  # noqa: E721
        for k, v in m.items()
    }


#: labels_in's answer when the text is not laid out as it reads it: decode the whole object
_UNKNOWN: Any = object()
_METADATA_OPEN = b'"metadata":{'
_LABELS_KEY = b'"labels":{'


def labels_in(value: bytes) -> Any:
    """metadata.labels of the JSON object `value` (None when it has none), found in the bytes
    without decoding the rest; `_UNKNOWN` when the text does not show it plainly, for the caller
    to decode it all. Plainly means, for compact JSON without escapes before the labels end: the
    text up to `"labels":{` holds two braces, the object's and metadata's, and no other bracket,
    so every member before it is a scalar and the key is metadata's own (quotes then pair up as
    strings: an even count puts the key outside any string). The labels object is decoded by
    orjson, so what it answers is what the full decode would."""
    i = value.find(_LABELS_KEY)
    if i == -1:
        # no such key spelled out; without escapes it cannot be spelled otherwise
        return None if b'"labels"' not in value and b"\\" not in value else _UNKNOWN
    head = value[:i]
    m = head.find(_METADATA_OPEN)
    if (
        m == -1
        or value[:1] != b"{"
        or head.count(b"{") != 2
        or head.find(b"{", 1) != m + 11
        or b"}" in head
        or b"[" in head
        or b"\\" in head
        or head.count(b'"') % 2
        or head[-1:] not in (b"{", b",")
    ):
        return _UNKNOWN
    start = i + 9
    end = value.find(b"}", start) + 1
    body = value[start:end]
    if not end or b"{" in body[1:] or b"[" in body or b"\\" in body or body.count(b'"') % 2:
        return _UNKNOWN
    try:
        labels = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _UNKNOWN
    return labels


class _Recent:
    """The last `size` objects given a decoded dict; older ones drop it (FIFO). A decoded pod
    weighs ~10x its JSON, so it is kept only while it is likely to be used again soon (the
    update that follows a watch dispatch, a burst of GETs), never for the whole cache."""

    __slots__ = ("size", "_fifo")

    def __init__(self, size: int) -> None:
        self.size = size
        self._fifo: deque[CachedObject] = deque()

    def add(self, o: CachedObject) -> None:
        fifo = self._fifo
        fifo.append(o)
        if len(fifo) > self.size:
            fifo.popleft()._obj = None

    def clear(self) -> None:
        for o in self._fifo:
            o._obj = None
        self._fifo.clear()


#: Objects keeping their decoded dict at a time, process-wide.
RECENT = _Recent(256)


class CachedObject:
    """An immutable view of one stored object; `value` is its JSON with resourceVersion stamped.

    What stays per object version is the bytes, plus what selectors read (labels, the field
    set), extracted once; the decoded dict is held only briefly (see _Recent)."""

    __slots__ = ("key", "revision", "value", "_obj", "_labels", "_fields", "_fields_of")

    def __init__(self, key: str, revision: int, value: bytes) -> None:
        self.key = key
        self.revision = revision
        self.value = value
        self._obj: Obj | None = None
        self._labels: dict[str, str] | None = None
        self._fields: FieldSet | None = None
        self._fields_of: FieldsOf | None = None

    @property
    def obj(self) -> Obj:
        """Decoded (kept a short while, then decoded again on need) and shared: callers must not
        mutate it."""
        o = self._obj
        if o is None:
            o = self._obj = orjson.loads(self.value)
            RECENT.add(self)
        return o

    @property
    def labels(self) -> dict[str, str]:
        """metadata.labels ({} when unset), extracted once: label selectors match on this alone."""
        labels = self._labels
        if labels is None:
            o = self._obj
            if o is not None:
                found = (o.get("metadata") or {}).get("labels")
            else:  # not kept for this: a label selector reads every object once
                found = labels_in(self.value)
                if found is _UNKNOWN:
                    found = (orjson.loads(self.value).get("metadata") or {}).get("labels")
            labels = self._labels = _interned(found or {})
        return labels

    def fields(self, fields_of: FieldsOf) -> FieldSet:
        """The field set `fields_of` extracts, kept for the first extractor asked (an object's
        key fixes its resource, so in practice there is one); field selectors match on it."""
        if self._fields_of is fields_of:
            return self._fields  # type: ignore[return-value]
        fs = _interned(fields_of(self.obj))
        if self._fields_of is None:
            self._fields, self._fields_of = fs, fields_of
        return fs

    def record(self) -> Record:
        """This version as storage's record: what an update may start from (guaranteed_update's
        `cached`)."""
        return Record(self.key, self.value, self.revision)

    def added(self) -> WatchEvent:
        """The synthetic ADDED event replaying this object as initial state (for one watcher)."""
        return WatchEvent(ADDED, self.revision, self.value, shared=False)

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

    def release(self) -> None:
        """Drop the wire lines built for this change (the ring calls it once the change is old:
        live watchers have long been sent it; a watch resuming from here rebuilds them)."""
        if self._base is not None:
            self._base.release()
        if self._variants:
            for ev in self._variants.values():
                ev.release()

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
