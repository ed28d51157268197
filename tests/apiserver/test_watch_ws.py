"""WATCH over WebSocket (fabric8, the Java client): one message per event, ends on timeout or on
the client leaving."""

from __future__ import annotations

import asyncio
import base64

import orjson
import pytest

from tests.apiserver.conftest import configmap

CM = "/api/v1/namespaces/default/configmaps"


class WsClient:
    """Drives the ASGI app's WebSocket side by hand and records what it sends."""

    def __init__(self, app, query: str, protocol: str | None) -> None:
        headers = [(b"sec-websocket-protocol", protocol.encode())] if protocol else []
        self.scope = {"type": "websocket", "path": CM, "query_string": query.encode(), "headers": headers}
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.sent: asyncio.Queue = asyncio.Queue()
        self.task = asyncio.ensure_future(app(self.scope, self.inbox.get, self._send))

    async def _send(self, msg: dict) -> None:
        self.sent.put_nowait(msg)

    async def next(self) -> dict:
        return await asyncio.wait_for(self.sent.get(), 5)


@pytest.mark.parametrize("protocol", [None, "binary.k8s.io", "base64.binary.k8s.io"])
async def test_ws_watch_sends_one_message_per_event_then_ends_when_the_client_leaves(
    server, client, protocol
):
    rv = (await client.get(CM)).json()["metadata"]["resourceVersion"]
    ws = WsClient(server.app, f"watch=1&resourceVersion={rv}", protocol)
    accept = await ws.next()
    assert accept["type"] == "websocket.accept" and accept.get("subprotocol") == protocol
    for name in ("a", "b", "c"):
        assert (await client.post(CM, json=configmap(name))).status_code == 201
    got = []
    for _ in range(3):
        msg = await ws.next()
        assert msg["type"] == "websocket.send"
        if protocol == "binary.k8s.io":
            data = msg["bytes"]
        elif protocol == "base64.binary.k8s.io":
            data = base64.b64decode(msg["text"])
        else:
            data = msg["text"].encode()
        ev = orjson.loads(data)  # exactly one event per message
        got.append((ev["type"], ev["object"]["metadata"]["name"]))
    assert got == [("ADDED", "a"), ("ADDED", "b"), ("ADDED", "c")]
    assert server.cache.watcher_count() == 1
    ws.inbox.put_nowait({"type": "websocket.disconnect"})
    await asyncio.wait_for(ws.task, 5)
    assert server.cache.watcher_count() == 0


async def test_ws_watch_closes_normally_at_its_timeout(server, client):
    ws = WsClient(server.app, "watch=1&timeoutSeconds=1", "binary.k8s.io")
    assert (await ws.next())["type"] == "websocket.accept"
    msg = await ws.next()
    while msg["type"] == "websocket.send":  # initial state (none here) then the close
        msg = await ws.next()
    assert msg == {"type": "websocket.close", "code": 1000}
    await asyncio.wait_for(ws.task, 5)
    assert server.cache.watcher_count() == 0
