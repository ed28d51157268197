"""--event-ttl: Events deleted once their TTL since their last write has passed (etcd leases)."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from kubepy.apiserver import eventttl
from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.eventttl import EVENTS_PREFIX, EventTTL, due, start_for_cache
from kubepy.apiserver.server import APIServer
from kubepy.storage.cacher import Cacher
from kubepy.storage.memory import MemoryStorage


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def event(name: str, count: int = 1) -> dict[str, Any]:
    return {"kind": "Event", "apiVersion": "v1", "metadata": {"name": name, "namespace": "a"}, "count": count}


def ev_key(name: str) -> str:
    return f"{EVENTS_PREFIX}a/{name}"


@pytest.fixture
async def cache() -> AsyncIterator[tuple[MemoryStorage, Cacher]]:
    storage = MemoryStorage(300.0, 10_000)
    await storage.start()
    cacher = Cacher(storage, tick_period=None)
    await cacher.start()
    yield storage, cacher
    await cacher.stop()
    await storage.close()


def test_due_pops_expired_notes_of_current_versions_only() -> None:
    notes = deque([(1.0, "k1", 5), (2.0, "k2", 6), (2.0, "k3", 7), (3.0, "k4", 8)])
    current = {"k1": 5, "k2": 9, "k4": 8}.get  # k2 written again, k3 gone
    assert due(notes, 2.0, current) == [("k1", 5)]
    assert list(notes) == [(3.0, "k4", 8)]
    assert due(notes, 2.5, current) == [] and len(notes) == 1


async def test_events_expire_with_a_deleted_watch_event(cache: tuple[MemoryStorage, Cacher]) -> None:
    storage, cacher = cache
    clock = Clock()
    ttl = start_for_cache(storage, cacher, 60.0, clock=clock, period=None)
    await storage.create(ev_key("e1"), event("e1"))
    w = cacher.watch(EVENTS_PREFIX, cacher.revision())
    clock.t += 59.9
    assert await ttl.sweep() == 0 and cacher.get(ev_key("e1")) is not None
    clock.t += 0.1
    assert await ttl.sweep() == 1
    assert cacher.get(ev_key("e1")) is None and await storage.get(ev_key("e1")) is None
    ev = next(iter(w.take(10)))
    assert (ev.type, ev.revision) == ("DELETED", cacher.revision())
    assert len(ttl) == 0
    await ttl.stop()


async def test_an_event_updated_later_lives_longer(cache: tuple[MemoryStorage, Cacher]) -> None:
    storage, cacher = cache
    clock = Clock()
    ttl = start_for_cache(storage, cacher, 60.0, clock=clock, period=None)
    await storage.create(ev_key("old"), event("old"))
    await storage.create(ev_key("bumped"), event("bumped"))
    clock.t += 30
    await storage.guaranteed_update(ev_key("bumped"), lambda o: {**o, "count": 2})
    clock.t += 30
    assert await ttl.sweep() == 1
    assert cacher.get(ev_key("old")) is None and cacher.get(ev_key("bumped")) is not None
    clock.t += 29
    assert await ttl.sweep() == 0
    clock.t += 1
    assert await ttl.sweep() == 1 and cacher.count(EVENTS_PREFIX) == 0
    await ttl.stop()


async def test_other_kinds_never_expire(cache: tuple[MemoryStorage, Cacher]) -> None:
    storage, cacher = cache
    clock = Clock()
    ttl = start_for_cache(storage, cacher, 1.0, clock=clock, period=None)
    await storage.create("/registry/core/configmaps/a/cm", {"kind": "ConfigMap", "metadata": {"name": "cm"}})
    await storage.create("/registry/core/pods/a/p", {"kind": "Pod", "metadata": {"name": "p"}})
    clock.t += 10_000
    assert len(ttl) == 0 and await ttl.sweep() == 0
    assert cacher.count("/registry/core/") == 2
    await ttl.stop()


async def test_events_stored_before_start_get_a_full_ttl(cache: tuple[MemoryStorage, Cacher]) -> None:
    storage, cacher = cache
    await storage.create(ev_key("e0"), event("e0"))
    clock = Clock()
    ttl = start_for_cache(storage, cacher, 60.0, clock=clock, period=None)
    clock.t += 59
    assert await ttl.sweep() == 0
    clock.t += 1
    assert await ttl.sweep() == 1 and cacher.get(ev_key("e0")) is None
    await ttl.stop()


async def test_a_deleted_and_recreated_event_keeps_its_new_ttl(cache: tuple[MemoryStorage, Cacher]) -> None:
    storage, cacher = cache
    clock = Clock()
    ttl = start_for_cache(storage, cacher, 60.0, clock=clock, period=None)
    await storage.create(ev_key("e"), event("e"))
    await storage.delete(ev_key("e"))
    clock.t += 30
    await storage.create(ev_key("e"), event("e"))
    clock.t += 30
    assert await ttl.sweep() == 0 and cacher.get(ev_key("e")) is not None
    clock.t += 30
    assert await ttl.sweep() == 1
    await ttl.stop()


def test_ttl_must_be_positive() -> None:
    with pytest.raises(ValueError):
        EventTTL(None, lambda k: None, 0)  # type: ignore[arg-type]


async def test_the_apiserver_expires_events_of_both_api_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    real = eventttl.start_for_cache
    monkeypatch.setattr(
        eventttl, "start_for_cache", lambda s, c, ttl: real(s, c, ttl, clock=clock, period=None)
    )
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory"), event_ttl=3600.0))
    await srv.start()
    try:
        transport = httpx.ASGITransport(app=srv.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kubepy") as c:
            core = {**event("core"), "involvedObject": {"kind": "Pod", "name": "p", "namespace": "default"}}
            core["metadata"]["namespace"] = "default"
            assert (await c.post("/api/v1/namespaces/default/events", json=core)).status_code == 201
            new = {
                "apiVersion": "events.k8s.io/v1",
                "kind": "Event",
                "metadata": {"name": "new", "namespace": "default"},
                "eventTime": "2026-01-02T03:04:05.000000Z",
                "reportingController": "x/y",
                "reportingInstance": "i",
                "action": "Do",
                "reason": "Done",
                "type": "Normal",
                "regarding": {"kind": "Pod", "name": "p", "namespace": "default"},
            }
            r = await c.post("/apis/events.k8s.io/v1/namespaces/default/events", json=new)
            assert r.status_code == 201, r.text
            cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}}
            assert (await c.post("/api/v1/namespaces/default/configmaps", json=cm)).status_code == 201
            clock.t += 3600
            assert srv.event_ttl is not None and await srv.event_ttl.sweep() == 2
            assert (await c.get("/api/v1/events")).json()["items"] == []
            assert (await c.get("/apis/events.k8s.io/v1/events")).json()["items"] == []
            assert (await c.get("/api/v1/namespaces/default/configmaps/cm")).status_code == 200
    finally:
        await srv.stop()


async def test_zero_ttl_keeps_events_forever() -> None:
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory"), event_ttl=0))
    await srv.start()
    try:
        assert srv.event_ttl is None
    finally:
        await srv.stop()
