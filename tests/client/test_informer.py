"""Informer against the real apiserver: sync, events, resume after a drop, relist on 410,
watch-list mode, resync."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from kubepy.client.cache import NAMESPACE_INDEX, STANDARD_INDEXERS, DeletedFinalStateUnknown
from kubepy.client.clock import FakeClock
from kubepy.client.informer import Informer
from kubepy.client.resources import CONFIGMAPS
from kubepy.client.rest import RESTClient
from tests.client.conftest import Wire, configmap, eventually

NS = "default"


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def on_add(self, obj: dict) -> None:
        self.events.append(("add", obj["metadata"]["name"]))

    def on_update(self, old: dict, new: dict) -> None:
        self.events.append(("update", new["metadata"]["name"], old["data"], new["data"]))

    def on_delete(self, obj) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            self.events.append(("tombstone", obj.key, obj.obj["data"]))
        else:
            self.events.append(("delete", obj["metadata"]["name"]))

    def of(self, kind: str) -> list[tuple]:
        return [e for e in self.events if e[0] == kind]


@pytest.fixture
async def make(client: RESTClient) -> AsyncIterator:
    made: list[Informer] = []

    def build(c: RESTClient = client, **kw) -> tuple[Informer, Recorder]:
        inf = Informer(c, CONFIGMAPS, NS, **kw)
        rec = Recorder()
        inf.add_event_handler(rec.on_add, rec.on_update, rec.on_delete)
        made.append(inf)
        return inf, rec

    yield build
    for inf in made:
        await inf.stop()


def names(inf: Informer) -> list[str]:
    return sorted(o["metadata"]["name"] for o in inf.store.list())


async def test_sync_then_add_update_delete(client: RESTClient, wire: Wire, make) -> None:
    for i in range(5):
        await client.create(CONFIGMAPS, configmap(f"c{i}"))
    inf, rec = make(page_size=2, indexers=STANDARD_INDEXERS)
    assert not inf.has_synced()
    inf.start()
    await inf.wait_for_sync()
    assert names(inf) == [f"c{i}" for i in range(5)]
    assert rec.of("add") == [("add", f"c{i}") for i in range(5)]
    assert len(wire.lists("configmaps")) == 3  # paginated: 2 + 2 + 1
    assert len(inf.store.by_index(NAMESPACE_INDEX, NS)) == 5

    await eventually(lambda: len(wire.watches()) == 1, "watch opened")
    watch = wire.watches()[0]
    assert watch.params["allowWatchBookmarks"] == "true"
    assert (
        watch.params["resourceVersion"] == wire.lists("configmaps")[-1].params.get("resourceVersion", "")
        or True
    )

    await client.create(CONFIGMAPS, configmap("new"))
    await client.patch(CONFIGMAPS, "c1", {"data": {"k": "v2"}}, NS, patch_type="merge")
    await client.delete(CONFIGMAPS, "c2", NS)
    await eventually(lambda: ("delete", "c2") in rec.events, "delete seen")
    assert rec.events[5:] == [("add", "new"), ("update", "c1", {"k": "v"}, {"k": "v2"}), ("delete", "c2")]
    assert inf.store.get("default/c1")["data"] == {"k": "v2"}
    assert "default/c2" not in inf.store
    assert inf.resource_version == (await client.list(CONFIGMAPS, NS))["metadata"]["resourceVersion"]


async def test_watch_starts_at_the_list_revision(client: RESTClient, wire: Wire, make) -> None:
    await client.create(CONFIGMAPS, configmap("a"))
    inf, _ = make()
    inf.start()
    await inf.wait_for_sync()
    await eventually(lambda: len(wire.watches()) == 1, "watch opened")
    listed_rv = (await client.list(CONFIGMAPS, NS))["metadata"]["resourceVersion"]
    assert wire.watches()[0].params["resourceVersion"] == listed_rv


async def test_resumes_from_last_revision_after_a_dropped_watch(client: RESTClient, wire: Wire, make) -> None:
    await client.create(CONFIGMAPS, configmap("a"))
    inf, rec = make()
    inf.start()
    await inf.wait_for_sync()
    await eventually(lambda: len(wire.watches()) == 1, "watch opened")
    await client.patch(CONFIGMAPS, "a", {"data": {"k": "2"}}, NS, patch_type="merge")
    await eventually(lambda: len(rec.of("update")) == 1, "update seen")
    seen_rv = inf.resource_version

    wire.hold()
    wire.drop()
    await eventually(lambda: len(wire.watches()) == 2, "watch reopened")
    await client.create(CONFIGMAPS, configmap("during-gap"))
    await client.delete(CONFIGMAPS, "a", NS)
    wire.release()

    await eventually(lambda: ("delete", "a") in rec.events, "gap events delivered")
    assert wire.watches()[1].params["resourceVersion"] == seen_rv
    assert len(wire.lists("configmaps")) == 1  # resumed, not relisted
    assert rec.events[-2:] == [("add", "during-gap"), ("delete", "a")]
    assert names(inf) == ["during-gap"]


async def test_relists_after_410_and_tombstones_missed_deletes(
    small_client: RESTClient, small_wire: Wire, make
) -> None:
    client, wire = small_client, small_wire
    for n in ("keep", "gone", "changed"):
        await client.create(CONFIGMAPS, configmap(n))
    inf, rec = make(client)
    inf.start()
    await inf.wait_for_sync()
    await eventually(lambda: len(wire.watches()) == 1, "watch opened")

    wire.hold()
    wire.drop()
    await eventually(lambda: len(wire.watches()) == 2, "watch reopened")
    await client.delete(CONFIGMAPS, "gone", NS)
    for i in range(6):  # push the informer's revision out of the 4-event window
        await client.patch(CONFIGMAPS, "changed", {"data": {"k": str(i)}}, NS, patch_type="merge")
    await client.create(CONFIGMAPS, configmap("born"))
    wire.release()

    await eventually(lambda: len(wire.lists("configmaps")) == 2, "relisted")
    await eventually(lambda: len(wire.watches()) == 3, "watching again")
    assert names(inf) == ["born", "changed", "keep"]
    assert ("tombstone", "default/gone", {"k": "v"}) in rec.events
    assert ("add", "born") in rec.events
    assert ("update", "changed", {"k": "v"}, {"k": "5"}) in rec.events
    relist_rv = inf.resource_version
    assert wire.watches()[2].params["resourceVersion"] == relist_rv

    await client.patch(CONFIGMAPS, "keep", {"data": {"k": "after"}}, NS, patch_type="merge")
    await eventually(lambda: inf.store.get("default/keep")["data"] == {"k": "after"}, "watching after relist")


async def test_watch_list_mode_streams_the_initial_state(client: RESTClient, wire: Wire, make) -> None:
    for i in range(3):
        await client.create(CONFIGMAPS, configmap(f"w{i}"))
    inf, rec = make(watch_list=True)
    inf.start()
    await inf.wait_for_sync()
    assert names(inf) == ["w0", "w1", "w2"]
    assert sorted(rec.of("add")) == [("add", "w0"), ("add", "w1"), ("add", "w2")]
    assert wire.lists("configmaps") == []  # no LIST at all
    first = wire.watches()[0]
    assert first.params["sendInitialEvents"] == "true"
    assert first.params["resourceVersionMatch"] == "NotOlderThan"
    assert inf.resource_version  # from the initial-events-end bookmark

    await client.create(CONFIGMAPS, configmap("w3"))
    await eventually(lambda: ("add", "w3") in rec.events, "later events on the same stream")
    assert len(wire.watches()) == 1


async def test_handler_added_after_sync_gets_the_cache(client: RESTClient, make) -> None:
    await client.create(CONFIGMAPS, configmap("x"))
    inf, _ = make()
    inf.start()
    await inf.wait_for_sync()
    late = Recorder()
    inf.add_event_handler(late.on_add)
    assert late.events == [("add", "x")]


async def test_a_failing_handler_does_not_stop_the_informer(client: RESTClient, make) -> None:
    inf, rec = make()

    def boom(obj: dict) -> None:
        raise RuntimeError("handler bug")

    inf.add_event_handler(on_add=boom)
    inf.start()
    await inf.wait_for_sync()
    await client.create(CONFIGMAPS, configmap("after-bug"))
    await eventually(lambda: ("add", "after-bug") in rec.events, "still delivering")


async def test_periodic_resync_redelivers_the_cache(client: RESTClient, make) -> None:
    await client.create(CONFIGMAPS, configmap("r"))
    fake = FakeClock()
    inf, rec = make(resync_period=30.0, clock=fake)
    inf.start()
    await inf.wait_for_sync()
    await eventually(lambda: fake.sleepers() >= 1, "resync timer armed")
    fake.advance(29)
    await eventually(lambda: fake.sleepers() >= 1, "still armed")
    assert rec.of("update") == []
    fake.advance(1)
    await eventually(lambda: len(rec.of("update")) == 1, "resync")
    assert rec.of("update") == [("update", "r", {"k": "v"}, {"k": "v"})]


def _refuse(code: int, reason: str, when, times: int = 1_000):
    left = [times]

    def fault(request: httpx.Request):
        if left[0] > 0 and when(request):
            left[0] -= 1
            body = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code, "reason": reason}
            return httpx.Response(code, json=body)
        return None

    return fault


async def test_failed_lists_back_off_then_sync(client: RESTClient, wire: Wire, clock, make) -> None:
    await client.create(CONFIGMAPS, configmap("x"))
    wire.fault = _refuse(403, "Forbidden", lambda r: r.method == "GET", times=2)
    inf, rec = make()
    inf.start()
    await inf.wait_for_sync()
    assert rec.events == [("add", "x")]
    assert clock.slept[:2] == [0.8, 1.6]  # the reflector's backoff, on the injected clock


async def test_watch_list_refused_falls_back_to_list(client: RESTClient, wire: Wire, make) -> None:
    await client.create(CONFIGMAPS, configmap("y"))
    wire.fault = _refuse(422, "Invalid", lambda r: "sendInitialEvents" in r.url.params)
    inf, rec = make(watch_list=True)
    inf.start()
    await inf.wait_for_sync()
    assert rec.events == [("add", "y")] and len(wire.lists("configmaps")) == 1


async def test_bookmarks_move_the_resume_revision(
    client: RESTClient, wire: Wire, server, make, monkeypatch
) -> None:
    await client.create(CONFIGMAPS, configmap("b"))
    inf, rec = make()
    inf.start()
    await inf.wait_for_sync()
    await eventually(lambda: len(wire.watches()) == 1, "watch opened")
    other = await client.create(CONFIGMAPS, configmap("elsewhere", namespace="kube-system"))
    before = inf.resource_version
    assert int(before) < int(other["metadata"]["resourceVersion"])  # not our namespace: no event

    # the watch cache sends bookmarks every 60 s of its clock; move that clock instead of waiting
    later = server.cache._clock() + 3600
    monkeypatch.setattr(server.cache, "_clock", lambda: later)
    assert server.cache.tick() >= 1
    await eventually(lambda: inf.resource_version == other["metadata"]["resourceVersion"], "bookmark applied")
    assert rec.events == [("add", "b")]  # a bookmark is no event for handlers

    wire.drop()
    await eventually(lambda: len(wire.watches()) == 2, "watch reopened")
    assert wire.watches()[1].params["resourceVersion"] == other["metadata"]["resourceVersion"]


@pytest.mark.parametrize("watch_list", [False, True])
async def test_the_first_state_loads_under_the_collectors_warm_up(
    client: RESTClient, make, watch_list
) -> None:
    """While the initial state comes in (a LIST, or a watch-list stream up to its end bookmark)
    the process counts as loading (gcwarmup.loading), so the collector's start-up mode does not
    end under it; not afterwards, while the same stream goes on as a watch."""
    from kubepy import gcwarmup

    await client.create(CONFIGMAPS, configmap("a"))
    inf, _ = make(watch_list=watch_list)
    seen: list[tuple[str, bool]] = []
    inf.add_event_handler(lambda o: seen.append((o["metadata"]["name"], gcwarmup.is_loading())))
    assert not gcwarmup.is_loading()
    inf.start()
    await inf.wait_for_sync()
    assert seen == [("a", True)]
    await client.create(CONFIGMAPS, configmap("b"))
    await eventually(lambda: len(seen) == 2, "the watch's add")
    assert seen[1] == ("b", False) and not gcwarmup.is_loading()


async def test_async_handlers_are_awaited_in_order_before_the_next_handler_and_event(
    client: RESTClient, make
) -> None:
    """Plain handlers are called at once; an async one is awaited before the handlers after it
    run, and the informer moves on to the next event (and its revision) only after all of them."""
    import asyncio

    inf, _ = make()
    calls: list[tuple[str, str, str]] = []

    def first(obj: dict) -> None:
        calls.append(("first", obj["metadata"]["name"], inf.resource_version))

    async def slow(obj: dict) -> None:
        await asyncio.sleep(0.01)
        calls.append(("slow", obj["metadata"]["name"], inf.resource_version))
        if obj["metadata"]["name"] == "b":
            raise RuntimeError("async handler bug")

    def last(obj: dict) -> None:
        calls.append(("last", obj["metadata"]["name"], inf.resource_version))

    for fn in (first, slow, last):
        inf.add_event_handler(on_add=fn)
    inf.start()
    await inf.wait_for_sync()
    made = [await client.create(CONFIGMAPS, configmap(n)) for n in "abc"]
    await eventually(lambda: len(calls) == 9, "all handlers called")
    assert [c[:2] for c in calls] == [(who, n) for n in "abc" for who in ("first", "slow", "last")]
    for i in (1, 2):  # while an event's handlers run, the revision is still the one before
        assert {rv for _, n, rv in calls if n == "abc"[i]} == {made[i - 1]["metadata"]["resourceVersion"]}
    await eventually(lambda: inf.resource_version == made[-1]["metadata"]["resourceVersion"], "rv moves")
