"""The watch cache against a storage engine: reads, rolled-back lists, watches, bookmarks, slow
watchers. Every test runs on the small fake and on MemoryStorage."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from kubepy.storage.cached import INITIAL_EVENTS_END, WatchEvent
from kubepy.storage.cacher import Cacher, expired_watcher
from kubepy.storage.interface import Compacted, FutureRevision
from kubepy.storage.memory import MemoryStorage
from kubepy.storage.watcher import STOPPED, TOO_SLOW, Watcher
from tests.storage.fake_storage import FakeStorage

PODS = "/registry/core/pods/"


def key(ns: str, name: str) -> str:
    return f"{PODS}{ns}/{name}"


def pod(ns: str, name: str, **labels: str) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
    }


def relabel(**labels: str):
    def update(o: dict[str, Any]) -> dict[str, Any]:
        o["metadata"]["labels"] = labels
        return o

    return update


def app_is(value: str):
    def predicate(o: dict[str, Any]) -> bool:
        return o["metadata"].get("labels", {}).get("app") == value

    return predicate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["fake", "memory"])
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    s = FakeStorage() if request.param == "fake" else MemoryStorage(compact_interval=None)
    yield s
    await s.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def make(storage: Any, clock: Clock) -> AsyncIterator[Any]:
    made: list[Cacher] = []

    async def _make(**kw: Any) -> Cacher:
        kw.setdefault("clock", clock)
        kw.setdefault("tick_period", None)
        c = Cacher(storage, **kw)
        await c.start()
        made.append(c)
        return c

    yield _make
    for c in made:
        await c.stop()


@pytest.fixture
async def cacher(make: Any) -> Cacher:
    return await make()


async def drain(w: Watcher) -> list[WatchEvent]:
    """Every event readable now, without waiting for more."""
    return [await anext(w) for _ in range(w.pending())]


def summary(events: list[WatchEvent]) -> list[tuple[str, str, int]]:
    out = []
    for ev in events:
        meta = orjson.loads(ev.value)["metadata"]
        assert meta["resourceVersion"] == str(ev.revision)
        out.append((ev.type, meta.get("name", ""), ev.revision))
    return out


async def ended(w: Watcher) -> bool:
    try:
        await anext(w)
    except StopAsyncIteration:
        return True
    return False


# ---- start and reads ------------------------------------------------------------------------
async def test_start_loads_existing_objects(storage: Any, make: Any) -> None:
    r1 = await storage.create(key("a", "p1"), pod("a", "p1"))
    await storage.create("/registry/core/nodes/n1", {"kind": "Node", "metadata": {"name": "n1"}})
    c = await make()
    assert c.revision() == storage.current_revision() == 2
    got = c.get(key("a", "p1"))
    assert got is not None
    assert (got.key, got.revision, got.value) == (r1.key, r1.revision, r1.value)
    assert got.obj["metadata"]["resourceVersion"] == "1"
    assert c.count("/registry/") == 2
    assert c.oldest_revision() == 2


async def test_watch_needs_a_started_cache_and_start_runs_once(storage: Any) -> None:
    c = Cacher(storage, tick_period=None)
    with pytest.raises(RuntimeError):
        c.watch(PODS, None)
    await c.start()
    assert c.ready
    with pytest.raises(RuntimeError):
        await c.start()
    await c.stop()
    assert not c.ready
    with pytest.raises(RuntimeError):
        c.watch(PODS, None)


async def test_writes_are_visible_once_acknowledged(storage: Any, cacher: Cacher) -> None:
    rec = await storage.create(key("a", "p1"), pod("a", "p1"))
    assert cacher.get(key("a", "p1")).value == rec.value
    assert cacher.revision() == rec.revision
    rec = await storage.guaranteed_update(key("a", "p1"), relabel(app="x"))
    assert cacher.get(key("a", "p1")).value == rec.value
    await storage.delete(key("a", "p1"))
    assert cacher.get(key("a", "p1")) is None
    assert cacher.revision() == 3


async def test_list_is_sorted_and_scoped(storage: Any, cacher: Cacher) -> None:
    for ns, name in [("b", "p2"), ("a", "p9"), ("b", "p1"), ("c", "p1")]:
        await storage.create(key(ns, name), pod(ns, name))
    await storage.create(
        "/registry/core/podtemplates/a/t", {"kind": "PodTemplate", "metadata": {"name": "t"}}
    )
    res = cacher.list(PODS)
    assert [o.key for o in res.items] == [key("a", "p9"), key("b", "p1"), key("b", "p2"), key("c", "p1")]
    assert (res.revision, res.more, res.remaining) == (5, False, 0)
    assert [o.key for o in cacher.list(key("b", "")).items] == [key("b", "p1"), key("b", "p2")]
    assert cacher.count(PODS) == 4 and cacher.count(key("b", "")) == 2
    assert cacher.list("/registry/core/secrets/").items == []
    assert len(cacher.list("/registry/").items) == 5


async def test_list_pages_with_start_key(storage: Any, cacher: Cacher) -> None:
    for i in range(7):
        await storage.create(key("a", f"p{i}"), pod("a", f"p{i}"))
    first = cacher.list(PODS, limit=3)
    assert [o.obj["metadata"]["name"] for o in first.items] == ["p0", "p1", "p2"]
    assert (first.more, first.remaining) == (True, 4)
    seen, start, rev = [], "", first.revision
    while True:
        res = cacher.list(PODS, revision=rev, limit=3, start_key=start)
        seen += [o.key for o in res.items]
        if not res.more:
            break
        start = res.items[-1].key + "\x00"
    assert seen == [key("a", f"p{i}") for i in range(7)]
    assert res.remaining == 0


async def test_list_with_predicate_limits_matching_items(storage: Any, cacher: Cacher) -> None:
    for i in range(10):
        await storage.create(key("a", f"p{i}"), pod("a", f"p{i}", app="web" if i % 3 == 0 else "db"))
    res = cacher.list(PODS, predicate=app_is("web"))
    assert [o.obj["metadata"]["name"] for o in res.items] == ["p0", "p3", "p6", "p9"]
    res = cacher.list(PODS, predicate=app_is("web"), limit=2)
    assert [o.obj["metadata"]["name"] for o in res.items] == ["p0", "p3"]
    assert (res.more, res.remaining) == (True, 0)
    res = cacher.list(PODS, predicate=app_is("web"), limit=4)
    assert len(res.items) == 4 and res.more is False
    res = cacher.list(PODS, predicate=app_is("web"), limit=1, start_key=key("a", "p4"))
    assert [o.obj["metadata"]["name"] for o in res.items] == ["p6"] and res.more is True


async def test_list_at_every_revision_in_the_ring_is_that_state(storage: Any, cacher: Cacher) -> None:
    def now() -> dict[str, bytes]:
        return {o.key: o.value for o in cacher.list(PODS).items}

    snapshots = {cacher.revision(): now()}
    await storage.create(key("a", "p1"), pod("a", "p1"))
    snapshots[cacher.revision()] = now()
    await storage.create(key("b", "p2"), pod("b", "p2"))
    snapshots[cacher.revision()] = now()
    await storage.guaranteed_update(key("a", "p1"), relabel(app="x"))
    snapshots[cacher.revision()] = now()
    await storage.create("/registry/core/nodes/n1", {"kind": "Node", "metadata": {"name": "n1"}})
    snapshots[cacher.revision()] = now()
    await storage.delete(key("b", "p2"))
    snapshots[cacher.revision()] = now()
    await storage.create(key("a", "p0"), pod("a", "p0"))
    snapshots[cacher.revision()] = now()
    await storage.guaranteed_update(key("a", "p1"), relabel(app="y"))
    snapshots[cacher.revision()] = now()
    del snapshots[0]  # revision 0 asks for the current state, not the empty one
    for rev, state in snapshots.items():
        res = cacher.list(PODS, revision=rev)
        assert {o.key: o.value for o in res.items} == state, rev
        assert [o.key for o in res.items] == sorted(state)
        assert res.revision == rev
    # scoped to a namespace and paged, at an old revision
    res = cacher.list(key("a", ""), revision=3, limit=1)
    assert [o.key for o in res.items] == [key("a", "p1")] and res.more is False
    res = cacher.list(PODS, revision=4, limit=1, start_key=key("a", "p1\x00"))
    assert [o.key for o in res.items] == [key("b", "p2")]
    assert orjson.loads(res.items[0].value)["metadata"]["resourceVersion"] == "2"
    res = cacher.list(PODS, revision=3, predicate=app_is("x"))
    assert [o.key for o in res.items] == [key("a", "p1")]


async def test_list_outside_the_ring(storage: Any, make: Any) -> None:
    c = await make(capacity=3)
    for i in range(6):
        await storage.create(key("a", f"p{i}"), pod("a", f"p{i}"))
    assert c.oldest_revision() == 3
    assert len(c.list(PODS, revision=3).items) == 3
    with pytest.raises(Compacted) as exc:
        c.list(PODS, revision=2)
    assert str(exc.value) == "too old resource version: 2 (3)"
    with pytest.raises(FutureRevision):
        c.list(PODS, revision=7)


async def test_a_busy_resource_does_not_expire_a_quiet_ones_history(storage: Any, make: Any) -> None:
    """Kubernetes keeps a watch cache per resource: Lease renewals by the thousand leave a paged
    pod list's snapshot and a quiet resource's watch resumable."""
    c = await make(capacity=4)
    for i in range(3):
        await storage.create(key("a", f"p{i}"), pod("a", f"p{i}"))
    first = c.list(PODS, limit=2)
    assert first.revision == 3 and first.more
    leases = "/registry/coordination.k8s.io/leases/kube-node-lease/"
    await storage.create(f"{leases}n1", {"kind": "Lease", "metadata": {"name": "n1"}, "spec": {"v": 0}})
    for i in range(1, 20):
        await storage.guaranteed_update(f"{leases}n1", lambda o, i=i: {**o, "spec": {"v": i}})
    await storage.delete(key("a", "p2"))  # the next page still shows p2, as at revision 3
    rest = c.list(PODS, revision=first.revision, start_key=first.items[-1].key + "\x00")
    assert [o.key for o in rest.items] == [key("a", "p2")]
    w = c.watch(PODS, 3)
    assert [(e.type, e.revision) for e in [await anext(w)]] == [("DELETED", 24)]
    w.close()
    assert c.oldest_revision(PODS) == 0 and c.oldest_revision(leases) == 19  # 20 renewals, 4 kept
    assert c.oldest_revision("/registry/") == 19
    with pytest.raises(Compacted):
        c.watch(leases, 3)
    with pytest.raises(Compacted):  # a watch over every resource is as old as its youngest ring
        c.list("/registry/", revision=3)


async def test_keys_outside_registry_only_advance_the_revision(storage: Any, cacher: Cacher) -> None:
    await storage.create("/other/thing", {"kind": "X", "metadata": {"name": "thing"}})
    assert cacher.revision() == 1
    assert cacher.get("/other/thing") is None and cacher.count("/") == 0


async def test_events_committed_during_the_initial_list_are_not_lost() -> None:
    class Racing(FakeStorage):
        async def load(self, prefix: str, make: Any) -> tuple[list[Any], int]:
            snapshot = await super().load(prefix, make)
            await self.create(key("a", "late"), pod("a", "late"))  # commits after the snapshot
            return snapshot

    s = Racing()
    await s.create(key("a", "early"), pod("a", "early"))
    c = Cacher(s, tick_period=None)
    await c.start()
    assert [o.obj["metadata"]["name"] for o in c.list(PODS).items] == ["early", "late"]
    assert c.revision() == 2
    await c.stop()


async def test_wait_for_revision(storage: Any, cacher: Cacher) -> None:
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await cacher.wait_for_revision(1)  # already there
    waiting = asyncio.create_task(cacher.wait_for_revision(3))
    await storage.create(key("a", "p2"), pod("a", "p2"))
    await asyncio.sleep(0)
    assert not waiting.done()
    await storage.create(key("a", "p3"), pod("a", "p3"))
    await waiting
    with pytest.raises(FutureRevision) as exc:
        await cacher.wait_for_revision(9, timeout=0.01)
    assert (exc.value.requested, exc.value.current) == (9, 3)


# ---- watches --------------------------------------------------------------------------------
@pytest.mark.parametrize("start", [None, 0])
async def test_watch_from_now_replays_state_then_follows(
    storage: Any, cacher: Cacher, start: int | None
) -> None:
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await storage.create(key("a", "p2"), pod("a", "p2"))
    await storage.create(key("b", "p3"), pod("b", "p3"))
    w = cacher.watch(key("a", ""), start)
    assert summary(await drain(w)) == [("ADDED", "p1", 1), ("ADDED", "p2", 2)]
    await storage.guaranteed_update(key("a", "p1"), relabel(app="x"))
    await storage.create(key("b", "p4"), pod("b", "p4"))  # another namespace
    await storage.delete(key("a", "p2"))
    await storage.create("/registry/core/nodes/n1", {"kind": "Node", "metadata": {"name": "n1"}})
    assert summary(await drain(w)) == [("MODIFIED", "p1", 4), ("DELETED", "p2", 6)]
    deleted = orjson.loads((await cacher.watch(key("a", ""), 5).__anext__()).value)
    assert deleted["metadata"] == {"name": "p2", "namespace": "a", "labels": {}, "resourceVersion": "6"}


async def test_watch_from_revision_replays_the_ring(storage: Any, cacher: Cacher) -> None:
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await storage.create(key("a", "p2"), pod("a", "p2"))
    await storage.guaranteed_update(key("a", "p1"), relabel(app="x"))
    await storage.delete(key("a", "p2"))
    w = cacher.watch(PODS, 2)
    assert summary(await drain(w)) == [("MODIFIED", "p1", 3), ("DELETED", "p2", 4)]
    await storage.create(key("a", "p5"), pod("a", "p5"))
    assert summary(await drain(w)) == [("ADDED", "p5", 5)]
    assert summary(await drain(cacher.watch(PODS, 5))) == []


async def test_watch_too_old_raises_and_expired_watcher_reports_410(storage: Any, make: Any) -> None:
    c = await make(capacity=2)
    for i in range(5):
        await storage.create(key("a", f"p{i}"), pod("a", f"p{i}"))
    assert summary(await drain(c.watch(PODS, 3))) == [("ADDED", "p3", 4), ("ADDED", "p4", 5)]
    with pytest.raises(Compacted) as exc:
        c.watch(PODS, 2)
    assert (exc.value.requested, exc.value.oldest) == (2, 3)
    w = expired_watcher(exc.value)
    events = [ev async for ev in w]
    assert [ev.type for ev in events] == ["ERROR"]
    assert orjson.loads(events[0].json_line()) == {
        "type": "ERROR",
        "object": {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "too old resource version: 2 (3)",
            "reason": "Expired",
            "code": 410,
        },
    }


async def test_watch_from_a_future_revision_raises(storage: Any, cacher: Cacher) -> None:
    await storage.create(key("a", "p1"), pod("a", "p1"))
    with pytest.raises(FutureRevision):
        cacher.watch(PODS, 2)
    with pytest.raises(FutureRevision):
        cacher.watch(PODS, 2, send_initial_events=True)


async def test_send_initial_events_ends_with_annotated_bookmark(storage: Any, cacher: Cacher) -> None:
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await storage.create(key("a", "p2"), pod("a", "p2"))
    await storage.create("/registry/core/nodes/n1", {"kind": "Node", "metadata": {"name": "n1"}})
    w = cacher.watch(PODS, None, send_initial_events=True, allow_bookmarks=True)
    events = await drain(w)
    assert [ev.type for ev in events] == ["ADDED", "ADDED", "BOOKMARK"]
    assert orjson.loads(events[-1].value) == {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": "3", "annotations": {INITIAL_EVENTS_END: "true"}},
    }
    await storage.create(key("a", "p3"), pod("a", "p3"))
    assert summary(await drain(w)) == [("ADDED", "p3", 4)]
    # "not older than 2": the current state, then the bookmark at the current revision
    events = await drain(cacher.watch(PODS, 2, send_initial_events=True, allow_bookmarks=True))
    assert [ev.type for ev in events] == ["ADDED"] * 3 + ["BOOKMARK"] and events[-1].revision == 4
    # without allow_bookmarks there is nothing to mark the end with
    events = await drain(cacher.watch(PODS, 0, send_initial_events=True))
    assert [ev.type for ev in events] == ["ADDED"] * 3


async def test_filtered_watch_sees_objects_enter_and_leave(storage: Any, cacher: Cacher) -> None:
    live = cacher.watch(PODS, None, predicate=app_is("web"))
    await storage.create(key("a", "p1"), pod("a", "p1", app="db"))  # 1: never matched
    await storage.guaranteed_update(key("a", "p1"), relabel(app="web"))  # 2: enters
    await storage.guaranteed_update(key("a", "p1"), relabel(app="web", tier="x"))  # 3: stays
    await storage.guaranteed_update(key("a", "p1"), relabel(app="db"))  # 4: leaves
    await storage.guaranteed_update(key("a", "p1"), relabel(app="cache"))  # 5: still out
    await storage.create(key("a", "p2"), pod("a", "p2", app="web"))  # 6
    await storage.delete(key("a", "p2"))  # 7: deleted while matching
    await storage.delete(key("a", "p1"))  # 8: deleted while not matching
    expected = [
        ("ADDED", "p1", 2),
        ("MODIFIED", "p1", 3),
        ("DELETED", "p1", 4),
        ("ADDED", "p2", 6),
        ("DELETED", "p2", 7),
    ]
    events = await drain(live)
    assert summary(events) == expected
    # leaving: the previous content (still matching), stamped with the change's revision
    left = orjson.loads(events[2].value)
    assert left["metadata"]["labels"] == {"app": "web", "tier": "x"}
    # the same decisions when replayed from the ring
    assert summary(await drain(cacher.watch(PODS, 1, predicate=app_is("web")))) == expected


async def test_initial_state_is_filtered(storage: Any, cacher: Cacher) -> None:
    await storage.create(key("a", "p1"), pod("a", "p1", app="web"))
    await storage.create(key("a", "p2"), pod("a", "p2", app="db"))
    assert summary(await drain(cacher.watch(PODS, None, predicate=app_is("web")))) == [("ADDED", "p1", 1)]


async def test_one_key_lists_and_watches_only_that_object(storage: Any, cacher: Cacher) -> None:
    w = cacher.watch(key("a", "p1"), None)
    await storage.create(key("a", "p10"), pod("a", "p10"))
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await storage.guaranteed_update(key("a", "p10"), relabel(app="x"))
    await storage.delete(key("a", "p1"))
    assert summary(await drain(w)) == [("ADDED", "p1", 2), ("DELETED", "p1", 4)]
    assert [o.key for o in cacher.list(key("a", "p10")).items] == [key("a", "p10")]
    assert cacher.list(key("a", "p1")).items == [] and cacher.count(key("a", "p1")) == 0
    assert [o.key for o in cacher.list(key("a", "p1"), revision=2).items] == [key("a", "p1")]
    assert summary(await drain(cacher.watch(key("a", "p1"), 1))) == [("ADDED", "p1", 2), ("DELETED", "p1", 4)]


async def test_wide_watch_sees_every_resource(storage: Any, cacher: Cacher) -> None:
    w = cacher.watch("/registry/", None)
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await storage.create("/registry/core/nodes/n1", {"kind": "Node", "metadata": {"name": "n1"}})
    assert summary(await drain(w)) == [("ADDED", "p1", 1), ("ADDED", "n1", 2)]


async def test_events_are_serialized_once_for_all_watchers(storage: Any, cacher: Cacher) -> None:
    await storage.create(key("a", "p0"), pod("a", "p0", app="db"))
    plain = [cacher.watch(PODS, None), cacher.watch(key("a", ""), None)]
    filtered = [cacher.watch(PODS, None, predicate=app_is("web")) for _ in range(2)]
    initial = [await drain(w) for w in plain]
    # the synthetic ADDED of p0 carries the stored bytes themselves; its wire line is built per
    # watcher and not kept, so the cache never holds a second copy of every object
    assert initial[0][0].value is initial[1][0].value is cacher.get(key("a", "p0")).value
    assert initial[0][0].json_line() == initial[1][0].json_line()
    assert initial[0][0].json_line() is not initial[0][0].json_line()
    await storage.create(key("a", "p1"), pod("a", "p1", app="db"))
    await storage.guaranteed_update(key("a", "p1"), relabel(app="web"))
    a, b = [await drain(w) for w in plain]
    assert [x is y for x, y in zip(a, b, strict=True)] == [True, True]
    assert a[1].json_line() is b[1].json_line()
    fa, fb = [await drain(w) for w in filtered]
    assert fa[0].type == "ADDED" and fa[0] is fb[0] and fa[0].json_line() is fb[0].json_line()
    # a replaying watcher shares the ring's events too
    assert (await drain(cacher.watch(PODS, 1)))[-1] is a[1]


async def test_a_failing_predicate_closes_only_its_watcher(storage: Any, cacher: Cacher) -> None:
    def broken(o: dict[str, Any]) -> bool:
        return o["metadata"]["labels"]["app"] == "web"  # KeyError for unlabelled pods

    bad = cacher.watch(PODS, None, predicate=broken)
    good = cacher.watch(PODS, None)
    await storage.create(key("a", "p1"), pod("a", "p1", app="web"))
    await storage.create(key("a", "p2"), pod("a", "p2"))
    await storage.create(key("a", "p3"), pod("a", "p3", app="web"))
    assert bad.closed_reason == "predicate failed" and await ended(bad)
    assert summary(await drain(good)) == [("ADDED", "p1", 1), ("ADDED", "p2", 2), ("ADDED", "p3", 3)]
    assert cacher.count(PODS) == 3 and cacher.watcher_count() == 1


async def test_close_ends_iteration_and_forgets_the_watcher(storage: Any, cacher: Cacher) -> None:
    w = cacher.watch(PODS, None)
    assert cacher.watcher_count() == 1
    reader = asyncio.create_task(anext(w))
    await asyncio.sleep(0)
    w.close()
    with pytest.raises(StopAsyncIteration):
        await reader
    assert w.closed_reason == "closed" and cacher.watcher_count() == 0
    await storage.create(key("a", "p1"), pod("a", "p1"))
    assert await ended(w)


async def test_slow_watcher_is_closed_without_blocking_others(storage: Any, make: Any) -> None:
    c = await make(watcher_queue=3)
    slow = c.watch(PODS, None)
    fast = c.watch(PODS, None)
    got: list[WatchEvent] = []
    for i in range(5):
        await storage.create(key("a", f"p{i}"), pod("a", f"p{i}"))
        got += await drain(fast)
        if i == 2:
            assert slow.pending() == 3 and slow.closed_reason is None
    assert slow.closed_reason == TOO_SLOW
    assert slow.pending() == 0 and await ended(slow)
    assert [ev.revision for ev in got] == [1, 2, 3, 4, 5]
    assert fast.closed_reason is None and c.watcher_count() == 1
    # the backlog a watch starts with does not count against the bound
    late = c.watch(PODS, None)
    assert len(await drain(late)) == 5 and late.closed_reason is None


async def test_stop_closes_every_watcher(storage: Any) -> None:
    c = Cacher(storage, tick_period=None)
    await c.start()
    w1, w2 = c.watch(PODS, None), c.watch("/registry/", None)
    reader = asyncio.create_task(anext(w1))
    await asyncio.sleep(0)
    await c.stop()
    with pytest.raises(StopAsyncIteration):
        await reader
    assert (w1.closed_reason, w2.closed_reason) == (STOPPED, STOPPED)
    assert await ended(w2)
    await storage.create(key("a", "p1"), pod("a", "p1"))
    assert c.get(key("a", "p1")) is None  # no longer following storage


# ---- bookmarks ------------------------------------------------------------------------------
async def test_periodic_bookmarks_follow_the_clock(storage: Any, make: Any, clock: Clock) -> None:
    c = await make(bookmark_interval=60.0)
    w1 = c.watch(PODS, None, allow_bookmarks=True)
    w2 = c.watch(
        "/registry/apps/deployments/", None, allow_bookmarks=True, bookmark_type=("apps/v1", "Deployment")
    )
    w3 = c.watch(PODS, None, allow_bookmarks=True)
    plain = c.watch(PODS, None)
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await drain(w1), await drain(w3)
    clock.now += 59.0
    assert c.tick() == 0
    clock.now += 1.0
    assert c.tick() == 3
    b1, b2, b3 = (await drain(w1))[0], (await drain(w2))[0], (await drain(w3))[0]
    assert b1.type == "BOOKMARK" and b1 is b3
    assert orjson.loads(b1.value) == {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}}
    assert orjson.loads(b2.value) == {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"resourceVersion": "1"},
    }
    assert [ev.type for ev in await drain(plain)] == ["ADDED"]  # no bookmarks were asked for
    assert c.tick() == 0  # next one is due a full interval later
    await storage.create(key("a", "p2"), pod("a", "p2"))
    clock.now += 60.0
    assert c.tick() == 3
    assert [ev.type for ev in await drain(w1)] == ["ADDED", "BOOKMARK"]
    assert (await drain(w2))[0].revision == 2


async def test_bookmark_is_skipped_not_fatal_when_queue_is_full(
    storage: Any, make: Any, clock: Clock
) -> None:
    c = await make(watcher_queue=2, bookmark_interval=1.0)
    w = c.watch(PODS, None, allow_bookmarks=True)
    await storage.create(key("a", "p1"), pod("a", "p1"))
    await storage.create(key("a", "p2"), pod("a", "p2"))
    clock.now += 1.0
    assert c.tick() == 0
    assert w.closed_reason is None
    assert [ev.type for ev in await drain(w)] == ["ADDED", "ADDED"]
    clock.now += 1.0
    assert c.tick() == 1


async def test_background_task_ticks(storage: Any, clock: Clock) -> None:
    c = Cacher(storage, clock=clock, bookmark_interval=5.0, tick_period=0.001)
    await c.start()
    w = c.watch(PODS, None, allow_bookmarks=True)
    clock.now += 5.0
    event = await asyncio.wait_for(anext(w), 5.0)
    assert event.type == "BOOKMARK"
    await c.stop()
