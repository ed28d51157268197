"""The real in-process apiserver (memory storage) and a RESTClient talking to it without sockets.

`Wire` sits between the client and the app like a network would: it logs every request, can cut
open watch streams and can hold new watches back, or fail requests, so reconnects are testable.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest

from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.clock import FakeClock
from kubepy.client.rest import RESTClient, user_agent


@dataclass
class Sent:
    method: str
    path: str
    params: dict[str, str]

    @property
    def is_watch(self) -> bool:
        return self.params.get("watch") == "true"


def _retrieve(t: asyncio.Future) -> None:
    if not t.cancelled():
        t.exception()


class _Cut(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, cut: asyncio.Event) -> None:
        self.inner = inner
        self.cut = cut

    async def __aiter__(self):
        it = self.inner.__aiter__()
        while True:
            nxt = asyncio.ensure_future(it.__anext__())
            cut = asyncio.ensure_future(self.cut.wait())
            try:
                await asyncio.wait({nxt, cut}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for t in (nxt, cut):
                    if not t.done():
                        t.cancel()
                    t.add_done_callback(_retrieve)
            if not nxt.done() or nxt.cancelled():
                raise httpx.ReadError("connection reset by peer")
            if isinstance(nxt.exception(), StopAsyncIteration):
                return
            yield nxt.result()

    async def aclose(self) -> None:
        await self.inner.aclose()


class Wire(httpx.AsyncBaseTransport):
    def __init__(self, app) -> None:
        self.inner = StreamingASGITransport(app)
        self.sent: list[Sent] = []
        self.open_watches = 0
        self._cut = asyncio.Event()
        self._gate = asyncio.Event()
        self._gate.set()
        #: called before each request; may return a Response or raise to play a network fault
        self.fault: Callable[[httpx.Request], httpx.Response | None] | None = None

    def lists(self, plural: str = "") -> list[Sent]:
        return [s for s in self.sent if s.method == "GET" and not s.is_watch and s.path.endswith(plural)]

    def watches(self) -> list[Sent]:
        return [s for s in self.sent if s.is_watch]

    def drop(self) -> None:
        """Break every open watch connection."""
        self._cut.set()
        self._cut = asyncio.Event()

    def hold(self) -> None:
        """New watches wait (as if the server were unreachable) until `release`."""
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = Sent(request.method, request.url.path, dict(request.url.params))
        self.sent.append(sent)
        if self.fault is not None:
            resp = self.fault(request)
            if resp is not None:
                return resp
        if not sent.is_watch:
            return await self.inner.handle_async_request(request)
        await self._gate.wait()
        cut = self._cut  # a drop() from now on cuts this stream, even before its first byte
        resp = await self.inner.handle_async_request(request)
        resp.stream = _Cut(resp.stream, cut)  # type: ignore[arg-type]
        return resp


class InstantClock(FakeClock):
    """Sleeps return at once and move time forward; the sleeps are recorded (retry backoff)."""

    def __init__(self) -> None:
        super().__init__()
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(max(seconds, 0))
        await asyncio.sleep(0)


async def eventually(cond: Callable[[], bool], what: str = "condition", tries: int = 500) -> None:
    """Let the event loop run until `cond` holds (a bound on attempts, not a timing assertion)."""
    for _ in range(tries):
        if cond():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def _server(retention: int | None = None) -> APIServer:
    storage = (
        StorageConfig(engine="memory")
        if retention is None
        else StorageConfig(engine="memory", retention_events=retention)
    )
    srv = APIServer(ServerConfig(storage=storage))
    await srv.start()
    return srv


@pytest.fixture
async def server() -> AsyncIterator[APIServer]:
    srv = await _server()
    yield srv
    await srv.stop()


@pytest.fixture
async def small_server() -> AsyncIterator[APIServer]:
    """Keeps only 4 events in its watch window, so an old revision gets 410 Expired quickly."""
    srv = await _server(retention=4)
    yield srv
    await srv.stop()


@pytest.fixture
def clock() -> InstantClock:
    return InstantClock()


@pytest.fixture
async def wire(server: APIServer) -> Wire:
    return Wire(server.app)


@pytest.fixture
async def client(wire: Wire, clock: InstantClock) -> AsyncIterator[RESTClient]:
    c = RESTClient("http://kubepy", transport=wire, user_agent=user_agent("test"), clock=clock)
    yield c
    await c.aclose()


@pytest.fixture
async def small_wire(small_server: APIServer) -> Wire:
    return Wire(small_server.app)


@pytest.fixture
async def small_client(small_wire: Wire, clock: InstantClock) -> AsyncIterator[RESTClient]:
    c = RESTClient("http://kubepy", transport=small_wire, user_agent=user_agent("test"), clock=clock)
    yield c
    await c.aclose()


def configmap(
    name: str, data: dict | None = None, labels: dict | None = None, namespace: str = "default"
) -> dict:
    meta: dict = {"name": name, "namespace": namespace}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"k": "v"}}
