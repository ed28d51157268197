"""The h2c upgrade request of Java's HTTP client must not cost the request its body."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from kubepy.httpproto import strip_h2c_upgrade
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


async def test_served_body_survives_h2c_upgrade():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn_config(_echo, "127.0.0.1", port))
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
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


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def writelines(self, parts) -> None:
        self.writes.append(b"".join(parts))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


async def test_head_and_body_go_out_in_one_write():
    from kubepy.httpproto import HeadHold

    raw = _Recorder()
    hold = HeadHold(raw, asyncio.get_running_loop())
    hold.arm()
    hold.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert raw.writes == []
    hold.write(b"body")
    hold.write(b"more")
    assert raw.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]
    hold.arm()
    hold.write(b"HEAD2")
    hold.write(b"x" * (1 << 17))  # large bodies are not copied, but still follow their head
    assert raw.writes[2] == b"HEAD2" + b"x" * (1 << 17)
    assert hold.is_closing() is False


async def test_a_held_head_is_sent_on_the_next_loop_iteration_or_close():
    from kubepy.httpproto import HeadHold

    raw = _Recorder()
    hold = HeadHold(raw, asyncio.get_running_loop())
    hold.arm()
    hold.write(b"HEAD")  # a watch that has no event yet must still send its head
    await asyncio.sleep(0)
    assert raw.writes == [b"HEAD"]
    hold.arm()
    hold.write(b"HEAD2")
    hold.close()
    assert raw.writes == [b"HEAD", b"HEAD2"] and raw.closed


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

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port))
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
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
