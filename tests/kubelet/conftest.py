"""A real in-process apiserver (memory storage), a RESTClient on it without sockets, a fake clock,
and a KubeletHost running simulated nodes against them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.clock import FakeClock
from kubepy.client.rest import RESTClient, user_agent


async def eventually(cond: Callable[[], bool], what: str = "condition", tries: int = 500) -> None:
    """Let the event loop run until `cond` holds (a bound on attempts, not a timing assertion)."""
    for _ in range(tries):
        if cond():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def until(fn: Callable[[], object], what: str = "condition", tries: int = 500) -> None:
    """As eventually, for an async predicate."""
    for _ in range(tries):
        if await fn():  # type: ignore[misc]
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
async def server() -> AsyncIterator[APIServer]:
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory")))
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(server: APIServer, clock: FakeClock) -> AsyncIterator[RESTClient]:
    c = RESTClient(
        "http://kubepy",
        transport=StreamingASGITransport(server.app),
        user_agent=user_agent("kubelet"),
        clock=clock,
    )
    yield c
    await c.aclose()


def pod(name: str, node: str = "node-1", annotations: dict | None = None, **spec) -> dict:
    meta: dict = {"name": name, "namespace": "default"}
    if annotations:
        meta["annotations"] = annotations
    body = {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}], **spec}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": body}
