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
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from kubepy.client.errors import ApiError, from_response
from kubepy.client.trim import trim_managed_fields

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


#: Recently decoded lines, in two generations of at most this many each (a watcher lagging
#: further behind than that decodes for itself).
RECENT_LINES = 1024


class _Recent:
    """A bounded memo of line → event: the newest generation, and the one before it."""

    __slots__ = ("new", "old")

    def __init__(self) -> None:
        self.new: dict[bytes, WatchEvent] = {}
        self.old: dict[bytes, WatchEvent] = {}

    def get(self, line: bytes) -> WatchEvent | None:
        ev = self.new.get(line)
        return ev if ev is not None else self.old.get(line)

    def put(self, line: bytes, ev: WatchEvent) -> None:
        if len(self.new) >= RECENT_LINES:
            self.old, self.new = self.new, {}
        self.new[line] = ev


_recent = _Recent()


_recent_trimmed = _Recent()  # the same for watchers trimming managedFields (trim.py)


def decode_line(line: str | bytes, trim: bool = False) -> WatchEvent | None:
    """One event line; None for a blank or torn line (the connection broke mid-event).
    `trim`: the object without metadata.managedFields (trim.py)."""
    try:
        raw = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None  # blank, or torn
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


class WatchStream:
    """`async with client.watch(...) as events: async for ev in events: ...`"""

    def __init__(
        self, http: httpx.AsyncClient, request: httpx.Request, *, shared: bool = False, trim: bool = False
    ) -> None:
        self._http = http
        self._request = request
        self._decode = DECODERS[shared, trim]
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
        if self._response is None:
            raise RuntimeError("use `async with` to open the watch first")
        pending = b""
        try:
            async for chunk in self._response.aiter_bytes():
                lines, pending = split_lines(pending, chunk)
                decode = self._decode
                for line in lines:
                    ev = decode(line)
                    if ev is not None:
                        yield ev
        except httpx.TransportError:
            return  # dropped: the caller resumes from its last resourceVersion
        if pending:  # the stream ended without a final newline: the last line may be whole
            ev = self._decode(pending)
            if ev is not None:
                yield ev
