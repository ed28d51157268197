"""One open WATCH: the HTTP stream turned into (type, object) events.

BOOKMARK events are passed on (their resourceVersion is where to resume); an ERROR event is the
server ending the watch with a Status, raised as ApiError (410 Expired: the caller must relist).
A stream that ends, or breaks mid-line, simply stops: the caller resumes from the last revision.

Lines are split and parsed as bytes (no text decoding). Over an in-process transport a line decoded
recently is not decoded again: in `kubepy up` the scheduler, the kubelets and the controller-manager
each watch pods and receive the very same line for every event, so they share one decoded event
(and their caches one copy of each object). As with client-go's shared informers, objects handed
out by a watch are shared and must not be mutated. A lone watcher (a component on its own, over a
socket) decodes every line itself: the memo would only hold on to objects nobody else will ask for.
Watchers that trim managedFields (trim.py; the components' informers) share their own memo.
The apiserver sends every watcher of a resource the same chunks (up to 256 events each) in step, so
a whole chunk seen recently is not even split again: its events are handed out as they came.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from kubepy.client.errors import ApiError, from_response
from kubepy.client.trim import trim_managed_fields, without_managed_fields

INITIAL_EVENTS_END = "k8s.io/initial-events-end"


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: str  # ADDED | MODIFIED | DELETED | BOOKMARK
    object: dict[str, Any]

    @property
    def resource_version(self) -> str:
        return (self.object.get("metadata") or {}).get("resourceVersion", "")

    @property
    def ends_initial_events(self) -> bool:
        """The bookmark that closes the initial state of a sendInitialEvents watch."""
        annotations = (self.object.get("metadata") or {}).get("annotations") or {}
        return self.type == "BOOKMARK" and annotations.get(INITIAL_EVENTS_END) == "true"

    def __iter__(self):  # unpacks as (type, object)
        return iter((self.type, self.object))


#: Bytes of recently decoded lines (or whole chunks) kept per generation: a watcher lagging
#: further behind than two generations decodes for itself.
RECENT_BYTES = 4 << 20
#: How much of a line the memo hashes: CPython hashes all of a bytes key (~1 ns a byte, 3-4 us
#: for a pod's line, per watcher), while a line's first bytes already name its type, object and
#: resourceVersion. A hit is still checked against the whole line (memcmp, ~10x cheaper).
HEAD = 256


class _Recent:
    """A memo of raw bytes → what they decode to, bounded by the bytes remembered: the newest
    generation and the one before it. Keyed by length and head, confirmed by equality."""

    __slots__ = ("new", "old", "size")

    def __init__(self) -> None:
        self.new: dict[tuple[int, bytes], tuple[bytes, Any]] = {}
        self.old: dict[tuple[int, bytes], tuple[bytes, Any]] = {}
        self.size = 0

    def get(self, raw: bytes) -> Any:
        key = (len(raw), raw[:HEAD])
        hit = self.new.get(key)
        if hit is None:
            hit = self.old.get(key)
        return hit[1] if hit is not None and hit[0] == raw else None

    def put(self, raw: bytes, value: Any) -> None:
        if self.size >= RECENT_BYTES:
            self.old, self.new, self.size = self.new, {}, 0
        self.new[(len(raw), raw[:HEAD])] = (raw, value)
        self.size += len(raw)


_recent = _Recent()
_recent_trimmed = _Recent()  # the same for watchers trimming managedFields (trim.py)
#: Whole chunks → their events, for the shared decoders (untrimmed, trimmed).
_chunks = _Recent()
_chunks_trimmed = _Recent()


def decode_line(line: str | bytes, trim: bool = False) -> WatchEvent | None:
    """One event line; None for a blank or torn line (the connection broke mid-event).
    `trim`: the object without metadata.managedFields (trim.py)."""
    cut = without_managed_fields(line) if trim else line
    try:
        raw = orjson.loads(cut)
    except orjson.JSONDecodeError:
        if cut is line:
            return None  # blank, or torn
        try:  # a pod line cut wrong (trim.py): decoded whole
            raw = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
    if not isinstance(raw, dict) or not isinstance(raw.get("object"), dict):
        return None
    if raw.get("type") == "ERROR":
        raise ApiError(raw["object"])
    obj = raw["object"]
    if trim:
        trim_managed_fields(obj)
    return WatchEvent(raw.get("type", ""), obj)


def decode_shared(line: bytes, trim: bool = False) -> WatchEvent | None:
    """decode_line, but an equal line decoded recently (for another watcher trimming alike) is
    not decoded again."""
    recent = _recent_trimmed if trim else _recent
    ev = recent.get(line)
    if ev is None:
        ev = decode_line(line, trim)
        if ev is not None:
            recent.put(line, ev)
    return ev


def decode_line_trimmed(line: bytes) -> WatchEvent | None:
    return decode_line(line, True)


def decode_shared_trimmed(line: bytes) -> WatchEvent | None:
    return decode_shared(line, True)


#: The line decoder of a watch, by (shared, trim).
DECODERS = {
    (False, False): decode_line,
    (True, False): decode_shared,
    (False, True): decode_line_trimmed,
    (True, True): decode_shared_trimmed,
}


def split_lines(pending: bytes, chunk: bytes) -> tuple[list[bytes], bytes]:
    """The complete lines of `pending + chunk`, and the unfinished tail to keep for the next."""
    lines = (pending + chunk if pending else chunk).split(b"\n")
    return lines, lines.pop()


def decode_chunk(
    chunk: bytes, decode: Callable[[bytes], WatchEvent | None]
) -> tuple[list[WatchEvent], ApiError | None]:
    """The events of a chunk of whole lines, and the ERROR event that ended it, if one did."""
    lines = chunk.split(b"\n")
    lines.pop()  # b"" after the last newline
    got: list[WatchEvent] = []
    try:
        for line in lines:
            ev = decode(line)
            if ev is not None:
                got.append(ev)
    except ApiError as e:
        return got, e
    return got, None


class WatchStream:
    """`async with client.watch(...) as events: async for ev in events: ...`"""

    def __init__(
        self, http: httpx.AsyncClient, request: httpx.Request, *, shared: bool = False, trim: bool = False
    ) -> None:
        self._http = http
        self._request = request
        self._decode = DECODERS[shared, trim]
        #: In process, whole chunks other watchers got too are not split and looked up again.
        self._chunks = (_chunks_trimmed if trim else _chunks) if shared else None
        self._response: httpx.Response | None = None

    async def __aenter__(self) -> WatchStream:
        resp = await self._http.send(self._request, stream=True)
        if resp.status_code != 200:
            raw = await resp.aread()
            await resp.aclose()
            try:
                body = orjson.loads(raw) if raw else None
            except orjson.JSONDecodeError:
                body = None
            raise from_response(resp.status_code, body, raw.decode(errors="replace"), "GET")
        self._response = resp
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._response is not None:
            resp, self._response = self._response, None
            await resp.aclose()

    async def __aiter__(self) -> AsyncIterator[WatchEvent]:
        async for batch in self.batches():
            for ev in batch:
                yield ev

    async def batches(self) -> AsyncIterator[Sequence[WatchEvent]]:
        """The events as they arrive, a chunk's worth at a time (never empty): an informer
        handles them in a plain loop, not one async step per event."""
        if self._response is None:
            raise RuntimeError("use `async with` to open the watch first")
        pending = b""
        chunks = self._chunks
        decode = self._decode
        try:
            async for chunk in self._response.aiter_bytes():
                if chunks is not None and not pending and chunk.endswith(b"\n"):
                    evs = chunks.get(chunk)
                    if evs is None:  # the first watcher to get it decodes it, line by line
                        got, error = decode_chunk(chunk, decode)
                        if error is not None:  # the events before the ERROR line still count
                            if got:
                                yield got
                            raise error
                        evs = tuple(got)
                        chunks.put(chunk, evs)
                    if evs:
                        yield evs
                    continue
                lines, pending = split_lines(pending, chunk)
                got = []
                for line in lines:
                    try:
                        ev = decode(line)
                    except ApiError:
                        if got:
                            yield got
                        raise
                    if ev is not None:
                        got.append(ev)
                if got:
                    yield got
        except httpx.TransportError:
            return  # dropped: the caller resumes from its last resourceVersion
        if pending:  # the stream ended without a final newline: the last line may be whole
            ev = self._decode(pending)
            if ev is not None:
                yield (ev,)
