"""The real in-process apiserver (memory storage) with a scheduler talking to it through
kubepy.client over StreamingASGITransport, and builders for nodes and pods."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.clock import FakeClock
from kubepy.client.rest import RESTClient, user_agent

Obj = dict[str, Any]


def node(
    name: str, cpu: str = "4", memory: str = "8Gi", pods: str = "110", labels: dict | None = None, **spec: Any
) -> Obj:
    cap = {"cpu": cpu, "memory": memory, "pods": pods}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": spec,
        "status": {"capacity": cap, "allocatable": cap},
    }


def pod(
    name: str,
    cpu: str | None = None,
    memory: str | None = None,
    labels: dict | None = None,
    namespace: str = "default",
    **spec: Any,
) -> Obj:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    container: Obj = {"name": "c", "image": "nginx"}
    if requests:
        container["resources"] = {"requests": requests}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": "web"}},
        "spec": {"containers": [container], **spec},
    }


async def eventually(cond: Callable[[], Any], what: str = "condition", tries: int = 3000) -> Any:
    """Let the event loop run until `cond` is truthy (a bound on attempts, not a timing assertion)."""
    for _ in range(tries):
        got = cond()
        if asyncio.iscoroutine(got):
            got = await got
        if got:
            return got
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
async def server() -> AsyncIterator[APIServer]:
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory"), max_requests_inflight=400))
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(server: APIServer) -> AsyncIterator[RESTClient]:
    c = RESTClient(
        "http://kubepy", transport=StreamingASGITransport(server.app), user_agent=user_agent("test")
    )
    yield c
    await c.aclose()
