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
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
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
