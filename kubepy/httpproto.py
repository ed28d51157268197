"""The HTTP/1.1 protocol kubepy serves with: uvicorn's httptools protocol, minus one trap.

Java's built-in HTTP client (fabric8's default transport) asks every plain-http request to
upgrade to HTTP/2 (`Connection: Upgrade, HTTP2-Settings`, `Upgrade: h2c`). Kubernetes' Go server
ignores that and answers in HTTP/1.1; httptools instead stops parsing at the headers and uvicorn
drops the body. Removing the `Upgrade: h2c` line before parsing gives Go's behaviour; WebSocket
upgrades are untouched. Requests whose headers straddle two reads are not rewritten (clients send
their headers in one write).
"""

from __future__ import annotations

import re

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


class HttpToolsNoH2C(HttpToolsProtocol):
    def data_received(self, data: bytes) -> None:
        if b"h2c" in data or b"H2C" in data:
            data = strip_h2c_upgrade(data)
        super().data_received(data)
