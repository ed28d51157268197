"""An in-process apiserver (memory storage) and an httpx client talking to it without sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.server import APIServer


class FakeClock:
    """Wall time the test moves by hand (creationTimestamp, deletionTimestamp)."""

    def __init__(self) -> None:
        self.t = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[APIServer]:
    srv = APIServer(
        ServerConfig(storage=StorageConfig(engine="memory"), max_requests_inflight=400), now=clock
    )
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def small_server(clock: FakeClock) -> AsyncIterator[APIServer]:
    """A server whose watch window holds only 4 events, to reach 410 Gone quickly."""
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory", retention_events=4)), now=clock)
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def small_client(small_server: APIServer) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=small_server.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kubepy") as c:
        yield c


@pytest.fixture
async def client(server: APIServer) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=server.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kubepy") as c:
        yield c


def pod(name: str = "p1", labels: dict | None = None, **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "redis"}], **spec},
    }


def configmap(name: str = "cm1", data: dict | None = None, labels: dict | None = None) -> dict:
    meta: dict = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"k": "v"}}


class Stream:
    """A raw ASGI request whose response chunks arrive as they are sent (watch)."""

    def __init__(self, app, path: str, query: str = "") -> None:
        import asyncio

        self.status = 0
        self.chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self._gone = asyncio.Event()
        self._buf = b""
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": [],
            "client": ("127.0.0.1", 1),
            "server": ("kubepy", 80),
            "scheme": "http",
        }
        sent_request = False

        async def receive():
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await self._gone.wait()
            return {"type": "http.disconnect"}

        async def send(msg):
            if msg["type"] == "http.response.start":
                self.status = msg["status"]
            elif msg["type"] == "http.response.body":
                if msg.get("body"):
                    await self.chunks.put(msg["body"])
                if not msg.get("more_body"):
                    await self.chunks.put(b"")

        self.task = asyncio.ensure_future(app(scope, receive, send))

    @classmethod
    async def open(cls, app, path: str, query: str = "") -> Stream:
        """Start the request and wait until the response began (the watcher is registered)."""
        import asyncio

        s = cls(app, path, query)
        for _ in range(200):
            if s.status or s.task.done():
                break
            await asyncio.sleep(0.005)
        return s

    async def event(self, timeout: float = 2.0) -> dict | None:
        """The next event line decoded; None when the stream ended."""
        import asyncio

        import orjson

        while b"\n" not in self._buf:
            chunk = await asyncio.wait_for(self.chunks.get(), timeout)
            if chunk == b"":
                return None
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return orjson.loads(line)

    async def close(self) -> None:
        import asyncio

        self._gone.set()
        try:
            await asyncio.wait_for(self.task, 2)
        except (TimeoutError, asyncio.CancelledError):
            self.task.cancel()
