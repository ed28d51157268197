"""One open WATCH: the HTTP stream turned into (type, object) events.

BOOKMARK events are passed on (their resourceVersion is where to resume); an ERROR event is the
server ending the watch with a Status, raised as ApiError (410 Expired: the caller must relist).
A stream that ends, or breaks mid-line, simply stops: the caller resumes from the last revision.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from kubepy.client.errors import ApiError, from_response

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


def decode_line(line: str) -> WatchEvent | None:
    """One event line; None for a blank or torn line (the connection broke mid-event)."""
    if not line.strip():
        return None
    try:
        ev = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(ev, dict) or not isinstance(ev.get("object"), dict):
        return None
    if ev.get("type") == "ERROR":
        raise ApiError(ev["object"])
    return WatchEvent(ev.get("type", ""), ev["object"])


class WatchStream:
    """`async with client.watch(...) as events: async for ev in events: ...`"""

    def __init__(self, http: httpx.AsyncClient, request: httpx.Request) -> None:
        self._http = http
        self._request = request
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
        try:
            async for line in self._response.aiter_lines():
                ev = decode_line(line)
                if ev is not None:
                    yield ev
        except httpx.TransportError:
            return  # dropped: the caller resumes from its last resourceVersion
