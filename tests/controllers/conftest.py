"""Controllers against the real in-process apiserver (memory storage), through the REST client.

Pod status is what a kubelet would write; tests write it themselves through pods/status.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.clock import FakeClock
from kubepy.client.resources import PODS
from kubepy.client.rest import RESTClient, user_agent
from kubepy.controllers.informers import SharedInformers

START = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


class WallClock:
    """The apiserver's wall time, kept equal to the controllers' FakeClock."""

    def __init__(self, fake: FakeClock) -> None:
        self.fake = fake

    def __call__(self) -> datetime:
        return self.fake.wall()


class _Ticker:
    """The fake clock `eventually` moves a little on every poll, so backoffs (a requeue after a
    409, say) come due as they would in real time: time passes only while a test waits."""

    clock: FakeClock | None = None
    step = 0.02


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    c = FakeClock(START)
    _Ticker.clock = c
    yield c
    _Ticker.clock = None


def _tick() -> None:
    if _Ticker.clock is not None:
        _Ticker.clock.advance(_Ticker.step)


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[APIServer]:
    srv = APIServer(
        ServerConfig(storage=StorageConfig(engine="memory"), max_requests_inflight=400), now=WallClock(clock)
    )
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def client(server: APIServer, clock: FakeClock) -> AsyncIterator[RESTClient]:
    c = RESTClient(
        "http://kubepy",
        transport=StreamingASGITransport(server.app),
        user_agent=user_agent("test"),
        clock=clock,
    )
    yield c
    await c.aclose()


@pytest.fixture
async def informers(client: RESTClient, clock: FakeClock) -> AsyncIterator[SharedInformers]:
    f = SharedInformers(client, clock)
    yield f
    await f.stop()


async def eventually(cond: Callable[[], object], what: str = "condition", tries: int = 400) -> None:
    """Let the event loop run until `cond` holds (a bound on attempts, not a timing assertion)."""
    for _ in range(tries):
        if cond():
            return
        _tick()
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def eventually_async(cond, what: str = "condition", tries: int = 400) -> None:
    for _ in range(tries):
        if await cond():
            return
        _tick()
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def pod(name: str, labels: dict | None = None, namespace: str = "default", **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec},
    }


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


async def set_pod_status(
    client: RESTClient,
    name: str,
    *,
    ready: bool,
    phase: str = "Running",
    namespace: str = "default",
    ip: str = "",
    since: datetime = START,
    node: str = "",
) -> dict:
    """What a kubelet reports: phase, Ready condition, pod IP."""
    if node:
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": name},
            "target": {"kind": "Node", "name": node},
        }
        await client.request("POST", f"/api/v1/namespaces/{namespace}/pods/{name}/binding", body=binding)
    p = await client.get(PODS, name, namespace)
    p["status"] = {
        "phase": phase,
        "conditions": [
            {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": stamp(since)}
        ],
    }
    if ip:
        p["status"]["podIP"] = ip
        p["status"]["podIPs"] = [{"ip": ip}]
    return await client.update_status(PODS, p)


async def run_controller(ctrl, informers: SharedInformers) -> asyncio.Task:
    informers.start()
    task = asyncio.ensure_future(ctrl.run())
    await informers.wait_for_sync()
    return task


async def stop(task: asyncio.Task) -> None:
    task.cancel()
    try:
        await task
    except (asyncio.CancelledError, Exception):
        pass


def drain(queue: Any) -> set:
    """Every key a work queue holds now, each marked done."""
    got = set()
    while (key := queue.get_nowait()) is not None:
        got.add(key)
        queue.done(key)
    return got


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
