"""kubepy's HTTP/1.1 protocol: uvicorn's wire, with h2c upgrades ignored and less work per request."""

from __future__ import annotations

import asyncio
import socket

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from kubepy.httpproto import HttpToolsNoH2C, response_head, strip_h2c_upgrade
from kubepy.run import uvicorn_config

REQ = (
    b"POST /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nContent-Length: 5\r\n"
    b"HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA\r\nUpgrade: h2c\r\n"
    b"Content-Type: application/json\r\n\r\nhello"
)


def test_strip_removes_only_the_h2c_headers():
    out = strip_h2c_upgrade(REQ)
    assert b"Upgrade: h2c" not in out and b"HTTP2-Settings:" not in out
    assert out.endswith(b"\r\n\r\nhello") and b"Content-Length: 5\r\n" in out
    ws = REQ.replace(b"h2c", b"websocket")
    assert strip_h2c_upgrade(ws) == ws


async def _echo(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        msg = await receive()
        body += msg.get("body", b"")
        if not msg.get("more_body"):
            break
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]}
    )
    await send({"type": "http.response.body", "body": body})


async def _serve(app):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port))
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task, port


async def test_served_body_survives_h2c_upgrade():
    server, task, port = await _serve(_echo)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(REQ)
        await writer.drain()
        resp = await reader.read(4096)
        writer.close()
        assert resp.startswith(b"HTTP/1.1 200") and resp.endswith(b"hello")
    finally:
        server.should_exit = True
        await task


# ---- the same bytes as uvicorn's own protocol ------------------------------------------------------
class _Transport(asyncio.Transport):
    """Records what a protocol writes, one entry per write call."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.protocol = None

    def write(self, data) -> None:
        if data:
            self.writes.append(bytes(data))

    def writelines(self, parts) -> None:
        self.writes.append(b"".join(parts))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8080), "peername": ("127.0.0.1", 40000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def set_protocol(self, protocol) -> None:
        self.protocol = protocol


async def _app(scope, receive, send):
    """One behaviour per path."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    msg = await receive()
    body = msg.get("body", b"")
    while msg.get("more_body"):
        msg = await receive()
        body += msg.get("body", b"")
    if path == "/raise-before":
        raise ValueError("boom")
    if path == "/nothing":
        return
    if path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"x/y")]})
        await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": True})
        await send({"type": "http.response.body", "body": b"last", "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/204":
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"Content-Type", b"application/json"), (b"content-length", b"%d" % (len(body) + len(path)))]
    if path == "/bad-value":
        headers.append((b"warning", b'299 - "a\nb"'))
    if path == "/close":
        headers.append((b"Connection", b"close"))
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    if path == "/raise-after":
        raise ValueError("boom")
    if path == "/parts":
        await send({"type": "http.response.body", "body": body, "more_body": True})
        await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": path.encode()})
        return
    await send({"type": "http.response.body", "body": body + path.encode()})


def _get(path: str, extra: bytes = b"", version: bytes = b"1.1") -> bytes:
    return b"GET " + path.encode() + b" HTTP/" + version + b"\r\nHost: a\r\n" + extra + b"\r\n"


def _post(path: str, body: bytes, extra: bytes = b"") -> bytes:
    return b"POST %b HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n%b\r\n%b" % (
        path.encode(),
        len(body),
        extra,
        body,
    )


SCENARIOS = {
    "sized": [_get("/a")],
    "post": [_post("/p", b'{"x":1}')],
    "body in two reads": [_post("/p", b'{"x":1}')[:-3], _post("/p", b'{"x":1}')[-3:]],
    "large body": [_post("/big", b"x" * (1 << 17))],
    "stream": [_get("/stream")],
    "head": [b"HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n"],
    "204": [_get("/204")],
    "client closes": [_get("/a", b"Connection: close\r\n")],
    "http/1.0": [_get("/a", version=b"1.0")],
    "server closes": [_get("/close")],
    "raise before start": [_get("/raise-before")],
    "raise after start": [_get("/raise-after")],
    "no response": [_get("/nothing")],
    "bad header value": [_get("/bad-value")],
    "pipelined": [_get("/one") + _post("/two", b"2") + _get("/three")],
    "keep-alive": [_get("/one"), _post("/two", b"22")],
    "parts": [_get("/parts")],
    "100-continue": [
        _post("/c", b"later", b"Expect: 100-continue\r\n")[: -len(b"later")],
        b"later",
    ],
    "chunked request": [
        b"POST /ch HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
        b"2\r\nde\r\n0\r\n\r\n",
    ],
    "malformed": [b"NOT HTTP\r\n\r\n"],
}


async def _drive(protocol_class, chunks: list[bytes]) -> tuple[bytes, bool]:
    config = uvicorn.Config(_app, log_config=None, proxy_headers=False, http=protocol_class)
    config.load()
    state = ServerState()
    state.default_headers = [(b"date", b"Thu, 26 Nov 2026 00:00:00 GMT")]
    proto = protocol_class(config=config, server_state=state, app_state={})
    transport = _Transport()
    proto.connection_made(transport)
    for chunk in chunks:
        proto.data_received(chunk)
        for _ in range(10):
            await asyncio.sleep(0)
    await asyncio.wait_for(asyncio.gather(*state.tasks, return_exceptions=True), 2)
    for _ in range(5):
        await asyncio.sleep(0)
    proto.connection_lost(None)
    return b"".join(transport.writes), transport.closed


@pytest.mark.parametrize("name", SCENARIOS)
async def test_the_same_bytes_as_uvicorn(name):
    ours = await _drive(HttpToolsNoH2C, SCENARIOS[name])
    theirs = await _drive(HttpToolsProtocol, SCENARIOS[name])
    assert ours == theirs
    assert ours[0] or ours[1]  # every scenario answers, or closes the connection


async def _one_connection(timeout_keep_alive: float = 5):
    config = uvicorn.Config(_app, log_config=None, http=HttpToolsNoH2C, timeout_keep_alive=timeout_keep_alive)
    config.load()
    state = ServerState()
    proto = HttpToolsNoH2C(config=config, server_state=state, app_state={})
    transport = _Transport()
    proto.connection_made(transport)
    return proto, transport, state


async def test_a_sized_answer_goes_out_in_one_write():
    proto, transport, state = await _one_connection()
    proto.data_received(_post("/p", b"abc"))
    await asyncio.gather(*state.tasks)
    assert len(transport.writes) == 1
    assert transport.writes[0].startswith(b"HTTP/1.1 201 Created\r\n")
    assert transport.writes[0].endswith(b"\r\n\r\nabc/p")
    proto.data_received(_post("/big", b"y" * (1 << 17)))  # large: no copy, but one writelines
    await asyncio.gather(*state.tasks)
    assert len(transport.writes) == 2 and transport.writes[1].endswith(b"y/big")


async def test_a_streamed_head_goes_out_before_its_first_chunk():
    """A watch with no event yet must still answer: its head is sent on the next iteration."""
    proto, transport, _ = await _one_connection()
    release = asyncio.Event()

    async def app(scope, receive, send):
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await release.wait()
        await send({"type": "http.response.body", "body": b""})

    proto.app = app
    proto.data_received(_get("/watch"))
    for _ in range(3):
        await asyncio.sleep(0)
    assert len(transport.writes) == 1 and b"transfer-encoding: chunked" in transport.writes[0]
    release.set()
    for _ in range(3):
        await asyncio.sleep(0)
    assert transport.writes[1:] == [b"0\r\n\r\n"]


async def test_the_client_leaving_ends_receive():
    proto, transport, state = await _one_connection()
    seen = []

    async def app(scope, receive, send):
        seen.append(await receive())
        seen.append(await receive())  # waits: nothing more until the client goes away

    proto.app = app
    proto.data_received(_get("/w"))
    for _ in range(3):
        await asyncio.sleep(0)
    assert seen == [{"type": "http.request", "body": b"", "more_body": False}]
    proto.connection_lost(None)
    await asyncio.gather(*state.tasks)
    assert seen[1] == {"type": "http.disconnect"}


async def test_an_idle_connection_closes_after_the_keep_alive_timeout():
    proto, transport, state = await _one_connection(timeout_keep_alive=0.2)
    proto.data_received(_get("/a"))
    await asyncio.gather(*state.tasks)
    await asyncio.sleep(0.12)
    proto.data_received(_get("/b"))  # a request within the timeout keeps the connection
    await asyncio.gather(*state.tasks)
    await asyncio.sleep(0.12)
    assert not transport.closed  # 0.24 s since the first answer, 0.12 s since the second
    await asyncio.sleep(0.2)
    assert transport.closed
    proto.connection_lost(None)


def test_response_head_is_uvicorns_framing():
    head, chunked, length, keep = response_head(200, [], [(b"Content-Length", b"3")], True, False)
    assert (head, chunked, length, keep) == (b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n", False, 3, True)
    head, chunked, _, keep = response_head(200, [], [(b"connection", b"Close")], True, False)
    assert chunked and not keep and head.endswith(b"connection: Close\r\ntransfer-encoding: chunked\r\n\r\n")
    head, chunked, _, keep = response_head(304, [], [], False, False)
    assert chunked is None and head == b"HTTP/1.1 304 Not Modified\r\nconnection: close\r\n\r\n"
    with pytest.raises(RuntimeError, match="header name"):
        response_head(200, [], [(b"bad name", b"x")], True, False)
    with pytest.raises(RuntimeError, match="header value"):
        response_head(200, [], [(b"x", b"a\r\nb")], True, False)


async def test_pipelined_and_streamed_responses_keep_their_bytes():
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await receive()
        if scope["path"] == "/stream":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await asyncio.sleep(0.05)
            await send({"type": "http.response.body", "body": b"late", "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        body = scope["path"].encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})

    server, task, port = await _serve(app)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /bb HTTP/1.1\r\nHost: a\r\n\r\n")
        first = await reader.readuntil(b"\r\n\r\n") + await reader.readexactly(2)
        second = await reader.readuntil(b"\r\n\r\n") + await reader.readexactly(3)
        assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"\r\n\r\n/a")
        assert second.startswith(b"HTTP/1.1 200") and second.endswith(b"\r\n\r\n/bb")
        writer.write(b"GET /stream HTTP/1.1\r\nHost: a\r\n\r\n")
        head = await reader.readuntil(b"\r\n\r\n")
        assert b"transfer-encoding: chunked" in head.lower()
        assert await reader.readuntil(b"0\r\n\r\n") == b"4\r\nlate\r\n0\r\n\r\n"
        writer.close()
    finally:
        server.should_exit = True
        await task
