"""EventRecorder: core/v1 Events written the way client-go's legacy recorder writes them.

`kubectl describe` and `kubectl get events` read what this writes, so the shape follows
client-go's tools/record: an event is named `<object>.<hex unix nanos>` in the object's namespace
("default" for cluster-scoped objects), carries source.component, first/last timestamps and a count.
The EventCorrelator below decides, without I/O, what each new event becomes:
- a repeat (same source, object, type, reason and message) PATCHes count and lastTimestamp of the
  event already written instead of creating another (EventLogger);
- more than 10 distinct messages for one (source, object, type, reason) within 10 minutes collapse
  into one event whose message starts "(combined from similar events): " (EventAggregator);
- a token bucket per (source, object) — burst 25, one token per 5 minutes — drops the rest
  (EventSourceObjectSpamFilter).
Recording never raises: a failed write is logged and dropped, as in Kubernetes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from datetime import datetime
from typing import Any, NamedTuple

from kubepy.client.clock import REAL, Clock
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.resources import EVENTS, path
from kubepy.client.rest import PATCH_CONTENT_TYPES, RESTClient
from kubepy.util.tasks import TaskStarter

log = logging.getLogger(__name__)
Obj = dict[str, Any]

NORMAL = "Normal"
WARNING = "Warning"

#: EventAggregator: distinct messages per similar-event key before they are combined, and window.
AGGREGATE_MAX_EVENTS = 10
AGGREGATE_INTERVAL = 600.0
AGGREGATE_PREFIX = "(combined from similar events): "
#: EventSourceObjectSpamFilter: burst and refill period (seconds per token) per (source, object).
SPAM_BURST = 25
SPAM_REFILL = 300.0
#: LRU size of every correlator cache (client-go's maxLruCacheEntries).
CACHE_SIZE = 4096


#: The last second formatted, and how: events come in bursts within one second.
_LAST_STAMP: list[Any] = [None, ""]


def time_str(t: datetime) -> str:
    """metav1.Time as JSON: RFC 3339, whole seconds, UTC."""
    second = (t.second, t.minute, t.hour, t.day, t.month, t.year)
    if second != _LAST_STAMP[0]:
        _LAST_STAMP[:] = [second, t.strftime("%Y-%m-%dT%H:%M:%SZ")]
    return _LAST_STAMP[1]


def object_reference(obj: Obj, kind: str = "", api_version: str = "") -> Obj:
    """The involvedObject for `obj` (ref.GetReference): kind, namespace, name, uid, apiVersion,
    resourceVersion. List items may lack kind/apiVersion; the caller passes them then."""
    meta = obj.get("metadata") or {}
    ref: Obj = {}  # the empty ones left out, the others in this order
    if v := obj.get("kind") or kind:
        ref["kind"] = v
    if v := meta.get("namespace"):
        ref["namespace"] = v
    if v := meta.get("name"):
        ref["name"] = v
    if v := meta.get("uid"):
        ref["uid"] = v
    if v := obj.get("apiVersion") or api_version:
        ref["apiVersion"] = v
    if v := meta.get("resourceVersion"):
        ref["resourceVersion"] = v
    return ref


def _object_key(ev: Obj) -> tuple[str, ...]:
    src = ev.get("source") or {}
    return _source_object_key(src.get("component", ""), src.get("host", ""), ev.get("involvedObject") or {})


def _source_object_key(component: str, host: str, inv: Obj) -> tuple[str, ...]:
    """The spam filter's key: an event's source and the object it is about."""
    return (
        component,
        host,
        inv.get("kind", ""),
        inv.get("namespace", ""),
        inv.get("name", ""),
        inv.get("uid", ""),
        inv.get("apiVersion", ""),
    )


def aggregate_key(ev: Obj) -> tuple[str, ...]:
    """Events that differ only in their message share this key (getEventAggregateKey)."""
    return (*_object_key(ev), ev.get("type", ""), ev.get("reason", ""))


def event_key(ev: Obj) -> tuple[str, ...]:
    """Exact repeats share this key (getEventKey)."""
    return (*aggregate_key(ev), ev.get("message", ""))


class _LRU(OrderedDict[Any, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_touch(self, key: Any) -> Any:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        if key in self:  # (a new key is added as the newest anyway)
            self.move_to_end(key)
        self[key] = value
        if len(self) > self.size:  # one key added at a time: at most one to drop
            self.popitem(last=False)


# The cache values are plain tuples of strings and numbers (a tuple subclass would not do): the
# collector stops tracking such a tuple the first time it meets it, so the thousands of entries
# every recorder keeps (one per event written) are not walked again and again while they wait.
#: EventAggregator's record: when the last similar event came (clock.now), then the distinct
#: messages seen (at most AGGREGATE_MAX_EVENTS - 1 kept). Flat: a tuple holding a tuple may stay
#: tracked for one more collection.
_Aggregate = tuple[Any, ...]
#: EventLogger's record of an event written: count, firstTimestamp, name, resourceVersion.
_Logged = tuple[int, str, str, str]


class Correlated(NamedTuple):
    """What to write: `event` (ready to send) and whether it PATCHes an existing one (a named
    tuple: made per event, at half a frozen dataclass's cost)."""

    event: Obj
    patch: bool
    skip: bool = False
    #: what repeats of this event are counted under (exact repeats, or similar ones aggregated)
    key: tuple[str, ...] = ()


class EventCorrelator:
    """The pure part of recording: spam filter, aggregation and dedup over LRU caches."""

    def __init__(self, clock: Clock = REAL) -> None:
        self.clock = clock
        self._aggregates: _LRU = _LRU(CACHE_SIZE)
        self._logged: _LRU = _LRU(CACHE_SIZE)
        self._buckets: _LRU = _LRU(CACHE_SIZE)

    def correlate(
        self, ev: Obj, object_key: tuple[str, ...] | None = None, allowed: bool = False
    ) -> Correlated:
        """`object_key`: the event's (source, object) key when the caller has it; `allowed`: the
        spam filter already let this event through (`allow`), so it takes no second token."""
        if object_key is None:
            object_key = _object_key(ev)  # the three keys below all start with it: made once
        now = self.clock.now()
        if not allowed and not self._allow(object_key, now):
            return Correlated(ev, False, True)
        ev, key = self._aggregate(ev, (*object_key, ev.get("type", ""), ev.get("reason", "")), now)
        seen: _Logged | None = self._logged.get_touch(key)
        if seen is None:
            return Correlated(ev, False, False, key)
        count, first, name, resource_version = seen
        out = dict(ev)
        out["metadata"] = {**ev["metadata"], "name": name, "resourceVersion": resource_version}
        out["count"] = count + 1
        out["firstTimestamp"] = first
        return Correlated(out, True, False, key)

    def update_state(self, ev: Obj, key: tuple[str, ...] | None = None) -> None:
        """Remember an event the server accepted, so its repeats patch it."""
        meta = ev.get("metadata") or {}
        logged: _Logged = (
            ev.get("count") or 1,
            ev.get("firstTimestamp") or "",
            meta.get("name", ""),
            meta.get("resourceVersion", ""),
        )
        self._logged.put(key or event_key(ev), logged)

    def allow(self, key: tuple[str, ...]) -> bool:
        """The spam filter's verdict for an event of the (source, object) `key` (`_object_key`),
        taking its token: for a caller that would rather not make an event the filter drops."""
        return self._allow(key, self.clock.now())

    def _allow(self, key: tuple[str, ...], now: float) -> bool:
        """The spam filter's verdict for an event of the (source, object) `key`."""
        bucket = self._buckets.get(key)  # (put below makes it the newest)
        tokens, last = (float(SPAM_BURST), now) if bucket is None else bucket
        tokens = min(float(SPAM_BURST), tokens + (now - last) / SPAM_REFILL)
        if tokens < 1.0:
            self._buckets.put(key, (tokens, now))
            return False
        self._buckets.put(key, (tokens - 1.0, now))
        return True

    def _aggregate(self, ev: Obj, key: tuple[str, ...], now: float) -> tuple[Obj, tuple[str, ...]]:
        """The event to write and the key its repeats are counted under: its own, or — once a
        similar event has had 10 different messages — the shared aggregate key (`key`, its
        aggregate_key), so the flood becomes one event whose count grows (EventAggregator)."""
        message = ev.get("message", "")
        agg: _Aggregate | None = self._aggregates.get(key)  # (put below makes it the newest)
        if agg is None or now - agg[0] > AGGREGATE_INTERVAL:
            agg = (now, message)
        elif message in agg:  # (agg[0], a number, is never a message)
            agg = (now, *agg[1:])
        else:
            agg = (now, *agg[1:], message)
        if len(agg) - 1 < AGGREGATE_MAX_EVENTS:
            self._aggregates.put(key, agg)
            return ev, (*key, message)  # its event_key
        # the set never grows past the limit: one of its messages goes (client-go's PopAny)
        self._aggregates.put(key, (now, *agg[2:]))
        return {**ev, "message": AGGREGATE_PREFIX + message}, key


#: The last event-name stamp handed out in this process (client-go uses the wall clock's nanos).
_LAST_NANOS = [0]

#: Emitted events waiting to be written, per recorder, beyond which new ones are dropped: client-go's
#: broadcaster queue (tools/record maxQueuedEvents, DropIfChannelFull), so an apiserver that is
#: down or slow costs bounded memory, never the caller's progress.
MAX_QUEUED_EVENTS = 1000


class EventRecorder:
    """`await EventRecorder(client, "replication-controller", clock).event(rc, "Normal",
    "SuccessfulCreate", "Created pod: frontend-abcde")`."""

    def __init__(self, client: RESTClient, component: str, clock: Clock = REAL, host: str = "") -> None:
        self.client = client
        self.component = component
        self.host = host
        self.clock = clock
        self.correlator = EventCorrelator(clock)
        #: Events emitted but not yet written, oldest first, with their (source, object) keys,
        #: and the task writing them.
        self._queue: deque[tuple[Obj, tuple[str, ...]]] = deque()
        self._drainer: asyncio.Task[None] | None = None
        self._start = TaskStarter()
        #: The Events collection's path per namespace (a recorder writes to few).
        self._paths: dict[str, str] = {}

    def make_event(self, obj: Obj, type: str, reason: str, message: str, **ref: str) -> Obj:
        """The Event as client-go's recorder builds it before correlation."""
        return self._make(object_reference(obj, **ref), type, reason, message)

    def _key(self, involved: Obj) -> tuple[str, ...]:
        """The correlator's (source, object) key of this recorder's events about `involved`
        (_object_key of the Event `_make` builds), read off the reference, not the Event."""
        return _source_object_key(self.component, self.host, involved)

    def _make(self, involved: Obj, type: str, reason: str, message: str) -> Obj:
        now = self.clock.wall()
        # one sequence per process: recorders sharing a clock (kubelet and node controller in
        # `kubepy up`) never name two events of one object alike
        nanos = _LAST_NANOS[0] = max(int(now.timestamp() * 1e9), _LAST_NANOS[0] + 1)
        stamp = time_str(now)
        source = {"component": self.component}
        if self.host:
            source["host"] = self.host
        return {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": f"{involved.get('name', '')}.{nanos:x}",
                "namespace": involved.get("namespace") or "default",
            },
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "type": type,
            "eventTime": None,
            "reportingComponent": "",
            "reportingInstance": "",
        }

    async def event(
        self,
        obj: Obj,
        type: str,
        reason: str,
        message: str,
        *,
        kind: str = "",
        api_version: str = "",
        answer: bool = True,
    ) -> Obj | None:
        """Record one event; the Event as written, or None when filtered out or the write failed.
        `answer=False` (a caller that ignores it): the Event as sent, the server's answer unread."""
        involved = object_reference(obj, kind, api_version)
        key = self._key(involved)
        # the spam filter first, as correlate would ask it: an event it drops (a controller's
        # SuccessfulCreate beyond its owner's first 25) is never made
        if not self.correlator.allow(key):
            return None
        return await self._record(self._make(involved, type, reason, message), answer, key, True)

    def emit(
        self, obj: Obj, type: str, reason: str, message: str, *, kind: str = "", api_version: str = ""
    ) -> None:
        """Record one event without waiting for it, as client-go's recorder does: the Event is
        made now (name and timestamps), then correlated and written in the background, one
        after the other in the order emitted, so repeats still find the event they count. With
        MAX_QUEUED_EVENTS already waiting, the event is dropped (as client-go drops it)."""
        if len(self._queue) >= MAX_QUEUED_EVENTS:
            log.warning("event queue full (%d): dropping event %s %s", MAX_QUEUED_EVENTS, reason, message)
            return
        involved = object_reference(obj, kind, api_version)
        self._queue.append((self._make(involved, type, reason, message), self._key(involved)))
        if self._drainer is None:
            self._drainer = self._start(self._drain())

    async def flush(self) -> None:
        """Wait until every emitted event was written (or dropped)."""
        while self._drainer is not None:
            await asyncio.shield(self._drainer)

    async def _drain(self) -> None:
        try:
            while self._queue:
                ev, key = self._queue.popleft()
                await self._record(ev, False, key)
        finally:
            self._drainer = None

    async def _record(self, ev: Obj, answer: bool, key: tuple[str, ...], allowed: bool = False) -> Obj | None:
        """Correlate and write `ev`, whose (source, object) key is `key` (`allowed`: the spam
        filter let it through already); the Event as written. `answer=False` (nobody reads it):
        the server's answer is not decoded and the Event as sent stands for it - the correlator
        keeps only what the write sent (name, count, firstTimestamp) and a resourceVersion no
        later request carries (client-go's patch of a repeat holds count, lastTimestamp and
        message only)."""
        reason, message = ev["reason"], ev["message"]
        c = self.correlator.correlate(ev, key, allowed)
        if c.skip:
            return None
        ev = c.event
        try:
            if c.patch:
                written = await self._patch(ev, answer)
            else:  # a new event (most): POSTed right here
                written = await self.client.request(
                    "POST", self._path(ev["metadata"]["namespace"]), body=ev, decode=answer
                )
                if not answer:
                    written = ev
        except (ApiError, OSError) as e:  # recording must never break the caller
            log.warning(
                "could not record event %s/%s %s: %s", ev["metadata"]["namespace"], reason, message, e
            )
            return None
        except Exception as e:  # httpx transport failures and the like
            log.warning("could not record event %s: %s", reason, e)
            return None
        self.correlator.update_state(written, c.key)
        return written

    async def _patch(self, ev: Obj, answer: bool = True) -> Obj:
        """Count a repeat on the event already written (client-go's patch of count,
        lastTimestamp and message); written anew if that one is gone."""
        ns = ev["metadata"]["namespace"]
        patch = {"count": ev["count"], "lastTimestamp": ev["lastTimestamp"], "message": ev["message"]}
        url = path(EVENTS, ns, ev["metadata"]["name"])
        try:
            written = await self.client.request(
                "PATCH", url, body=patch, content_type=PATCH_CONTENT_TYPES["strategic"], decode=answer
            )
            return written if answer else ev
        except ApiError as e:
            if not is_not_found(e):
                raise
        # the old event expired (TTL) or was deleted: write it anew, keeping the count
        ev = {**ev, "metadata": {k: v for k, v in ev["metadata"].items() if k != "resourceVersion"}}
        written = await self.client.request("POST", self._path(ns), body=ev, decode=answer)
        return written if answer else ev

    def _path(self, namespace: str) -> str:
        p = self._paths.get(namespace)
        if p is None:
            p = self._paths[namespace] = path(EVENTS, namespace)
        return p
