"""The HTTP/1.1 protocol kubepy serves with: uvicorn's httptools protocol, leaner per request.

Java's built-in HTTP client (fabric8's default transport) asks every plain-http request to
upgrade to HTTP/2 (`Connection: Upgrade, HTTP2-Settings`, `Upgrade: h2c`). Kubernetes' Go server
ignores that and answers in HTTP/1.1; httptools instead stops parsing at the headers and uvicorn
drops the body. Removing the `Upgrade: h2c` line before parsing gives Go's behaviour; WebSocket
upgrades are untouched. Requests whose headers straddle two reads are not rewritten (clients send
their headers in one write).

Per request it does what uvicorn's `RequestResponseCycle` does, on the same wire, with less work
(uvicorn's request cycle was ~15 % of the loop's time on the durable-create benchmark):
- a response's head and body go out in one write (uvicorn writes them in two, two syscalls and
  often two TCP segments). A head with a Content-Length waits for its body; a streamed head (a
  watch) waits at most until the loop's next iteration, so a watch with no event yet still
  answers at once;
- header names and values are checked with one scan each, not one per header;
- the request body waits on a flag; an `asyncio.Event` is made only when `receive` must wait;
- the keep-alive timer is armed once per idle period and checked when it fires, rather than
  armed after every response and cancelled by every request.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import urllib.parse
from typing import Any

import httptools
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT, service_unavailable
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
)
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

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


def response_head(
    status: int, default: list[tuple[bytes, bytes]], headers: Any, keep_alive: bool, head_request: bool
) -> tuple[bytes, bool | None, int, bool]:
    """The status line and headers of a response as uvicorn writes them (names lower-cased,
    `connection: close` when the connection ends, chunked when no length is given and a body may
    follow), with uvicorn's framing state: chunked (None: neither a length nor chunked, a
    bodyless answer), the Content-Length, and whether the connection stays open."""
    pairs = [*default, *headers] if default else list(headers)
    if HEADER_RE.search(b"x".join([n for n, _ in pairs])):
        raise RuntimeError("Invalid HTTP header name.")
    if HEADER_VALUE_RE.search(b"x".join([v for _, v in pairs])):
        raise RuntimeError("Invalid HTTP header value.")
    content = [STATUS_LINE[status]]
    length = 0
    chunked: bool | None = None
    has_close = False
    for name, value in pairs:
        name = name.lower()
        if name == b"content-length" and chunked is None:
            length = int(value.decode())
            chunked = False
        elif name == b"transfer-encoding" and value.lower() == b"chunked":
            length = 0
            chunked = True
        elif name == b"connection":
            if b"close" in [token.lower().strip() for token in value.split(b",")]:
                keep_alive = False
                has_close = True
        content += (name, b": ", value, b"\r\n")
    if not keep_alive and not has_close:
        content.append(b"connection: close\r\n")
    if chunked is None and not head_request and status not in (204, 304):
        chunked = True
        content.append(b"transfer-encoding: chunked\r\n")
    content.append(b"\r\n")
    return b"".join(content), chunked, length, keep_alive


class Cycle:
    """One request and its response (uvicorn's RequestResponseCycle, same wire)."""

    __slots__ = (
        "proto",
        "scope",
        "transport",
        "flow",
        "body",
        "more_body",
        "ready",
        "event",
        "disconnected",
        "keep_alive",
        "waiting_for_100_continue",
        "response_started",
        "response_complete",
        "chunked",
        "expected",
        "head",
        "done",
    )

    def __init__(
        self, proto: HttpToolsNoH2C, scope: dict[str, Any], keep_alive: bool, expect_100: bool
    ) -> None:
        self.proto = proto
        self.scope = scope
        self.transport = proto.transport
        self.flow = proto.flow
        self.body: bytes | bytearray = b""
        self.more_body = True
        #: what uvicorn's message_event holds: set when there is news for `receive`
        self.ready = False
        self.event: asyncio.Event | None = None
        self.disconnected = False
        self.keep_alive = keep_alive
        self.waiting_for_100_continue = expect_100
        self.response_started = False
        self.response_complete = False
        self.chunked = False
        self.expected = 0
        self.head: bytes | None = None  # written with the first body bytes, or on the flush
        self.done = False  # run_asgi returned: a completed response no longer calls back

    def wake(self) -> None:
        self.ready = True
        if self.event is not None:
            self.event.set()

    def flush(self) -> None:
        head = self.head
        if head is not None:
            self.head = None
            self.transport.write(head)

    async def run_asgi(self, app: Any) -> None:
        try:
            result = await app(self.scope, self.receive, self.send)
        except BaseException as exc:
            self.proto.logger.error("Exception in ASGI application\n", exc_info=exc)
            if not self.response_started:
                await self.send_500_response()
            else:
                self.flush()
                self.transport.close()
        else:
            self.flush()
            if result is not None:
                self.proto.logger.error("ASGI callable should return None, but returned '%s'.", result)
                self.transport.close()
            elif not self.response_started and not self.disconnected:
                self.proto.logger.error("ASGI callable returned without starting response.")
                await self.send_500_response()
            elif not self.response_complete and not self.disconnected:
                self.proto.logger.error("ASGI callable returned without completing response.")
                self.transport.close()
        finally:
            self.done = True

    async def send_500_response(self) -> None:
        await self.send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", b"21"),
                    (b"connection", b"close"),
                ],
            }
        )
        await self.send({"type": "http.response.body", "body": b"Internal Server Error", "more_body": False})

    async def send(self, message: dict[str, Any]) -> None:
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return
        if not self.response_started:
            if message["type"] != "http.response.start":
                raise RuntimeError(
                    f"Expected ASGI message 'http.response.start', but got '{message['type']}'."
                )
            self.response_started = True
            self.waiting_for_100_continue = False
            status = message["status"]
            proto = self.proto
            if proto.access_log:
                proto.access_logger.info(
                    '%s - "%s %s HTTP/%s" %d',
                    get_client_addr(self.scope),
                    self.scope["method"],
                    get_path_with_query_string(self.scope),
                    self.scope["http_version"],
                    status,
                )
            head, chunked, self.expected, self.keep_alive = response_head(
                status,
                proto.server_state.default_headers,
                message.get("headers", ()),
                self.keep_alive,
                self.scope["method"] == "HEAD",
            )
            self.chunked = bool(chunked)
            self.head = head
            if chunked is not False:  # streamed or bodyless: out with its first bytes or next iteration
                proto.loop.call_soon(self.flush)
            return
        if self.response_complete:
            raise RuntimeError(
                f"Unexpected ASGI message '{message['type']}' sent, after response already completed."
            )
        if message["type"] != "http.response.body":
            raise RuntimeError(f"Expected ASGI message 'http.response.body', but got '{message['type']}'.")
        body = message.get("body", b"")
        more_body = message.get("more_body", False)
        if self.scope["method"] == "HEAD":
            self.expected = 0
            out = b""
        elif self.chunked:
            out = b"%x\r\n%b\r\n" % (len(body), body) if body else b""
            if not more_body:
                out += b"0\r\n\r\n"
        else:
            if len(body) > self.expected:
                raise RuntimeError("Response content longer than Content-Length")
            self.expected -= len(body)
            out = body
        head = self.head
        if head is None:
            self.transport.write(out)
        elif out:
            self.head = None
            if len(out) < _JOIN_LIMIT:
                self.transport.write(head + out)
            else:
                self.transport.writelines((head, out))
        if not more_body:
            if self.expected != 0:
                raise RuntimeError("Response content shorter than Content-Length")
            self.flush()
            self.response_complete = True
            self.wake()
            if not self.keep_alive:
                self.transport.close()
            if not self.done:
                self.proto.on_response_complete()

    async def receive(self) -> dict[str, Any]:
        if self.waiting_for_100_continue and not self.transport.is_closing():
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.waiting_for_100_continue = False
        if not self.disconnected and not self.response_complete:
            self.flow.resume_reading()
            if not self.ready:
                if self.event is None:
                    self.event = asyncio.Event()
                await self.event.wait()
            self.ready = False
            if self.event is not None:
                self.event.clear()
        if self.disconnected or self.response_complete:
            return {"type": "http.disconnect"}
        body = self.body
        self.body = b""
        return {
            "type": "http.request",
            "body": body if type(body) is bytes else bytes(body),
            "more_body": self.more_body,
        }


class HttpToolsNoH2C(HttpToolsProtocol):
    """uvicorn's httptools protocol with `Cycle` for its request cycles and a keep-alive timer
    armed once per idle period. Parsing, upgrades, pipelining, flow control, 400 answers and
    graceful shutdown are uvicorn's."""

    cycle: Cycle | None  # type: ignore[assignment]
    _idle_since: float | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._asgi = {"version": self.asgi_version, "spec_version": "2.3"}  # one per connection

    def data_received(self, data: bytes) -> None:
        self._idle_since = None
        if b"h2c" in data or b"H2C" in data:
            data = strip_h2c_upgrade(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def on_message_begin(self) -> None:
        self.url = b""
        self.expect_100_continue = False
        self.headers = []
        self.scope = {  # type: ignore[typeddict-item]
            "type": "http",
            "asgi": self._asgi,
            "http_version": "1.1",
            "server": self.server,
            "client": self.client,
            "scheme": self.scheme,
            "root_path": self.root_path,
            "headers": self.headers,
            "state": self.app_state.copy(),
        }

    def on_headers_complete(self) -> None:
        parser = self.parser
        http_version = parser.get_http_version()
        scope: dict[str, Any] = self.scope  # type: ignore[assignment]
        scope["method"] = parser.get_method().decode("ascii")
        if http_version != "1.1":
            scope["http_version"] = http_version
        if parser.should_upgrade() and self._should_upgrade():
            return
        parsed = httptools.parse_url(self.url)
        raw_path = parsed.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        root = self.root_path
        scope["path"] = root + path if root else path
        scope["raw_path"] = root.encode("ascii") + raw_path if root else raw_path
        scope["query_string"] = parsed.query or b""
        limit = self.limit_concurrency
        if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            app = service_unavailable
            self.logger.warning("Exceeded concurrency limit.")
        else:
            app = self.app
        existing = self.cycle
        self.cycle = Cycle(
            self,
            scope,
            http_version != "1.0" and parser.should_keep_alive(),
            self.expect_100_continue,
        )
        if existing is None or existing.response_complete:
            self._start_asgi_task(self.cycle, app)  # type: ignore[arg-type]
        else:  # pipelined: queued until the response before it is complete
            self.flow.pause_reading()
            self.pipeline.appendleft((self.cycle, app))  # type: ignore[arg-type]

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        if self.config.reset_contextvars:
            task = self.loop.create_task(cycle.run_asgi(app), context=contextvars.Context())
        else:
            task = self.loop.create_task(cycle.run_asgi(app))
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)

    def _reading(self) -> Cycle | None:
        """The cycle a body callback feeds; None when there is nothing to feed (no cycle, its
        response already complete, or an upgrade the websocket protocol takes over)."""
        cycle = self.cycle
        if (
            cycle is None
            or cycle.response_complete
            or (self.parser.should_upgrade() and self._should_upgrade())
        ):
            return None
        return cycle

    def on_body(self, body: bytes) -> None:
        cycle = self._reading()
        if cycle is None:
            return
        have = cycle.body
        if not have:
            cycle.body = body
        else:
            if type(have) is bytes:
                have = cycle.body = bytearray(have)
            have += body
        if len(cycle.body) > HIGH_WATER_LIMIT:
            self.flow.pause_reading()
        cycle.wake()

    def on_message_complete(self) -> None:
        cycle = self._reading()
        if cycle is None:
            return
        cycle.more_body = False
        cycle.wake()

    def on_response_complete(self) -> None:
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
            return
        self._idle_since = self.loop.time()
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    def timeout_keep_alive_handler(self) -> None:
        """Close the connection when nothing came since a response completed `timeout_keep_alive`
        seconds ago; a response completed since the timer was armed arms it again."""
        self.timeout_keep_alive_task = None
        idle = self._idle_since
        if idle is None or self.transport.is_closing():
            return
        left = idle + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self.timeout_keep_alive_task = self.loop.call_later(left, self.timeout_keep_alive_handler)
            return
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.discard(self)
        cycle = self.cycle
        if cycle is not None:
            if not cycle.response_complete:
                cycle.disconnected = True
            cycle.wake()
        if self.flow is not None:
            self.flow.resume_writing()
        if exc is None:
            self.transport.close()
        self._unset_keepalive_if_required()
        self.parser = None  # type: ignore[assignment]

    def send_400_response(self, msg: str) -> None:  # written straight to the transport: keep order
        if self.cycle is not None:
            self.cycle.flush()
        super().send_400_response(msg)

    def handle_websocket_upgrade(self) -> None:
        if self.cycle is not None:
            self.cycle.flush()
        super().handle_websocket_upgrade()
