"""The HTTP/1.1 protocol kubepy serves with: uvicorn's httptools protocol, minus one trap.

Java's built-in HTTP client (fabric8's default transport) asks every plain-http request to
upgrade to HTTP/2 (`Connection: Upgrade, HTTP2-Settings`, `Upgrade: h2c`). Kubernetes' Go server
ignores that and answers in HTTP/1.1; httptools instead stops parsing at the headers and uvicorn
drops the body. Removing the `Upgrade: h2c` line before parsing gives Go's behaviour; WebSocket
upgrades are untouched. Requests whose headers straddle two reads are not rewritten (clients send
their headers in one write).

Uvicorn writes a response's head and its body in two `transport.write` calls, two syscalls and
often two TCP segments per response. The head is held back until the body's first write of the
same loop iteration (or the next iteration, for a stream that has nothing to send yet).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_UPGRADE_H2C = re.compile(rb"\r\nupgrade:[ \t]*h2c[ \t]*(?=\r\n)", re.IGNORECASE)
_SETTINGS = re.compile(rb"\r\nhttp2-settings:[^\r\n]*(?=\r\n)", re.IGNORECASE)


def strip_h2c_upgrade(data: bytes) -> bytes:
    """`data` with the h2c upgrade headers of a request head it contains removed."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return data
    head, n = _UPGRADE_H2C.subn(b"", data[: end + 2])
    if not n:
        return data
    return _SETTINGS.sub(b"", head) + data[end + 2 :]


#: Above this size the body is handed over beside the head rather than copied after it.
_JOIN_LIMIT = 1 << 16


class HeadHold:
    """A transport for one connection's request cycles: once armed, the next write (a response
    head) waits for the write after it, at the latest until the loop's next iteration, and both
    go out together. Everything else passes through to the real transport."""

    __slots__ = ("transport", "held", "armed", "loop")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self.loop = loop
        self.held: bytes | None = None
        self.armed = False

    def arm(self) -> None:
        self.flush()
        self.armed = True

    def write(self, data: bytes) -> None:
        if self.armed:
            self.armed = False
            self.held = data
            self.loop.call_soon(self.flush)
            return
        held = self.held
        if held is None:
            self.transport.write(data)
            return
        self.held = None
        if len(data) < _JOIN_LIMIT:
            self.transport.write(held + data)
        else:
            self.transport.writelines((held, data))

    def flush(self) -> None:
        held = self.held
        if held is not None:
            self.held = None
            self.transport.write(held)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, ...
        return getattr(self.transport, name)


class HttpToolsNoH2C(HttpToolsProtocol):
    _hold: HeadHold | None = None

    def data_received(self, data: bytes) -> None:
        if b"h2c" in data or b"H2C" in data:
            data = strip_h2c_upgrade(data)
        super().data_received(data)

    def on_headers_complete(self) -> None:
        before = self.cycle
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is None or cycle is before:  # an upgrade: no new request cycle
            return
        if self._hold is None or self._hold.transport is not self.transport:
            self._hold = HeadHold(self.transport, self.loop)
        cycle.transport = self._hold  # type: ignore[assignment]
        self._hold.arm()

    def send_400_response(self, msg: str) -> None:  # written straight to the transport: keep order
        if self._hold is not None:
            self._hold.flush()
        super().send_400_response(msg)

    def handle_websocket_upgrade(self) -> None:
        if self._hold is not None:
            self._hold.flush()
        super().handle_websocket_upgrade()
