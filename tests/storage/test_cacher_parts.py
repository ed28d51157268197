"""The watch cache's pure parts: filter decisions, event ring, key index, events, paging."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from kubepy.storage.cached import (
    INITIAL_EVENTS_END,
    CachedObject,
    Change,
    WatchEvent,
    bookmark_event,
    expired_event,
)
from kubepy.storage.interface import Compacted
from kubepy.storage.key_index import KeyIndex, bucket_of, prefix_end, under
from kubepy.storage.listing import page
from kubepy.storage.ring import EventRing
from kubepy.storage.watcher import TOO_SLOW, Watcher, classify


def obj(key: str, rev: int, **extra: object) -> CachedObject:
    body = {"kind": "Pod", "metadata": {"name": key.rsplit("/", 1)[-1], "resourceVersion": str(rev)}}
    body.update(extra)
    return CachedObject(key, rev, orjson.dumps(body))


# ---- classify -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "cur", "prev", "expected"),
    [
        ("ADDED", True, None, "ADDED"),
        ("ADDED", False, None, None),
        ("MODIFIED", True, False, "ADDED"),  # entered the selector
        ("MODIFIED", True, True, "MODIFIED"),
        ("MODIFIED", False, True, "DELETED"),  # left the selector
        ("MODIFIED", False, False, None),
        ("MODIFIED", True, None, "ADDED"),  # no previous object known
        ("DELETED", True, True, "DELETED"),
        ("DELETED", False, True, "DELETED"),  # a deletion is judged by the object before it
        ("DELETED", True, False, None),
        ("DELETED", True, None, None),
    ],
)
def test_classify(change: str, cur: bool, prev: bool | None, expected: str | None) -> None:
    assert classify(change, cur, prev) == expected


# ---- ring -----------------------------------------------------------------------------------
def changes(*revs: int) -> list[Change]:
    return [Change("ADDED", obj(f"/registry/core/pods/ns/p{r}", r), None) for r in revs]


def test_ring_keeps_everything_below_capacity() -> None:
    ring = EventRing(5, floor=10)
    for ch in changes(11, 12, 13):
        ring.append(ch)
    assert len(ring) == 3
    assert ring.floor == 10
    assert ring.covers(10) and not ring.covers(9)
    assert [c.revision for c in ring.since(10)] == [11, 12, 13]
    assert [c.revision for c in ring.since(12)] == [13]
    assert ring.since(13) == []
    assert [c.revision for c in ring.newest_first(11)] == [13, 12]


def test_ring_drops_oldest_and_raises_floor_like_kubernetes() -> None:
    ring = EventRing(3)
    for ch in changes(2, 4, 6, 8, 10):
        ring.append(ch)
    assert len(ring) == 3
    assert [c.revision for c in ring.since(0)] == [6, 8, 10]
    # oldest kept is 6: resuming from 5 is still complete, from 4 is not
    assert ring.floor == 5
    assert ring.covers(5) and not ring.covers(4)
    assert [c.revision for c in ring.since(7)] == [8, 10]


def test_ring_survives_many_wraps() -> None:
    ring = EventRing(4)
    for ch in changes(*range(1, 101)):
        ring.append(ch)
    assert [c.revision for c in ring.since(0)] == [97, 98, 99, 100]
    assert [c.revision for c in ring.newest_first(0)] == [100, 99, 98, 97]
    assert ring.floor == 96
    ring.reset(200)
    assert len(ring) == 0 and ring.floor == 200 and ring.since(0) == []


def test_ring_rejects_zero_capacity() -> None:
    with pytest.raises(ValueError):
        EventRing(0)


# ---- key index ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "bucket"),
    [
        ("/registry/core/pods/ns/name", "/registry/core/pods/"),
        ("/registry/core/nodes/n1", "/registry/core/nodes/"),
        ("/registry/core/pods/", "/registry/core/pods/"),
        ("/registry/ranges/serviceips", "/registry/ranges/"),
        ("/x", "/"),
    ],
)
def test_bucket_of(key: str, bucket: str) -> None:
    assert bucket_of(key) == bucket


@pytest.mark.parametrize(
    ("key", "prefix", "expected"),
    [
        ("/registry/core/pods/a/p1", "/registry/core/pods/", True),
        ("/registry/core/pods/a/p1", "/registry/core/pods", True),
        ("/registry/core/podtemplates/a/t", "/registry/core/pods", False),
        ("/registry/core/pods/a/p1", "/registry/core/pods/a/p1", True),
        ("/registry/core/pods/a/p10", "/registry/core/pods/a/p1", False),
        ("/registry/core/pods/a/p1/x", "/registry/core/pods/a/p1", True),
        ("/registry/core/pods/a/p1", "", True),
        ("/registry/core/pods/a/p1", "/registry/core/pods/b/", False),
    ],
)
def test_under_is_a_path_prefix(key: str, prefix: str, expected: bool) -> None:
    assert under(key, prefix) is expected


def test_prefix_end_bounds_the_prefix() -> None:
    end = prefix_end("/registry/core/pods/")
    assert end == "/registry/core/pods0"
    assert "/registry/core/pods/\uffff" < end


def index_with(*keys: str) -> KeyIndex:
    idx = KeyIndex()
    for i, k in enumerate(keys, 1):
        idx.put(obj(k, i))
    return idx


KEYS = (
    "/registry/core/pods/b/p2",
    "/registry/core/pods/a/p1",
    "/registry/core/pods/b/p1",
    "/registry/core/podtemplates/a/t",
    "/registry/apps/deployments/a/d",
    "/registry/core/nodes/n1",
    "/registry/ranges/serviceips",
)


def span_keys(idx: KeyIndex, prefix: str, start: str = "") -> list[str]:
    keys, lo, hi = idx.span(prefix, start)
    return keys[lo:hi]


def test_index_spans_one_resource_sorted() -> None:
    idx = index_with(*KEYS)
    assert span_keys(idx, "/registry/core/pods/") == [
        "/registry/core/pods/a/p1",
        "/registry/core/pods/b/p1",
        "/registry/core/pods/b/p2",
    ]
    assert span_keys(idx, "/registry/core/pods/b/") == [
        "/registry/core/pods/b/p1",
        "/registry/core/pods/b/p2",
    ]
    assert span_keys(idx, "/registry/core/pods/", "/registry/core/pods/b/p1") == [
        "/registry/core/pods/b/p1",
        "/registry/core/pods/b/p2",
    ]
    assert span_keys(idx, "/registry/core/pods/c/") == []
    assert span_keys(idx, "/registry/core/secrets/") == []
    assert idx.count("/registry/core/pods/") == 3
    assert idx.count("/registry/core/pods/b/") == 2


def test_index_span_of_one_key_skips_longer_names() -> None:
    idx = index_with("/registry/core/pods/a/p1", "/registry/core/pods/a/p10", "/registry/core/pods/a/p2")
    assert span_keys(idx, "/registry/core/pods/a/p1") == ["/registry/core/pods/a/p1"]
    assert idx.count("/registry/core/pods/a/p1") == 1
    assert span_keys(idx, "/registry/core/pods/a/p3") == []


def test_index_spans_several_resources() -> None:
    idx = index_with(*KEYS)
    assert span_keys(idx, "/registry/") == sorted(KEYS)
    assert span_keys(idx, "/registry/core/") == sorted(k for k in KEYS if k.startswith("/registry/core/"))
    assert span_keys(idx, "/registry/ranges/serviceips") == ["/registry/ranges/serviceips"]
    assert span_keys(idx, "/registry/ranges/service") == []  # a path prefix, not a string prefix
    assert span_keys(idx, "/registry/", "/registry/core/p") == sorted(
        k for k in KEYS if k >= "/registry/core/p"
    )
    assert idx.count("/registry/") == len(KEYS)


def test_index_put_replace_remove() -> None:
    idx = index_with("/registry/core/pods/a/p1")
    first = idx.get("/registry/core/pods/a/p1")
    newer = obj("/registry/core/pods/a/p1", 9)
    assert idx.put(newer) is first
    assert idx.get("/registry/core/pods/a/p1") is newer
    assert idx.count("/registry/core/pods/") == 1
    assert idx.remove("/registry/core/pods/a/p1") is newer
    assert idx.remove("/registry/core/pods/a/p1") is None
    assert idx.get("/registry/core/pods/a/p1") is None
    assert idx.count("/registry/") == 0 and len(idx) == 0


# ---- objects and events ---------------------------------------------------------------------
def test_cached_object_decodes_once_and_shares() -> None:
    o = obj("/registry/core/pods/a/p", 3)
    assert o.obj is o.obj
    assert o.obj["metadata"]["resourceVersion"] == "3"
    assert o.added() is o.added()
    assert (o.added().type, o.added().revision, o.added().value) == ("ADDED", 3, o.value)


def test_json_line_is_the_wire_format_built_once() -> None:
    ev = WatchEvent("MODIFIED", 4, b'{"kind":"Pod"}')
    line = ev.json_line()
    assert line == b'{"type":"MODIFIED","object":{"kind":"Pod"}}\n'
    assert ev.json_line() is line
    assert orjson.loads(line) == {"type": "MODIFIED", "object": {"kind": "Pod"}}


def test_change_events_are_built_once_per_type() -> None:
    prev = obj("/registry/core/pods/a/p", 3, spec={"v": 1})
    cur = obj("/registry/core/pods/a/p", 5, spec={"v": 2})
    ch = Change("MODIFIED", cur, prev)
    assert ch.event() is ch.event() is ch.event_as("MODIFIED")
    assert ch.event_as("ADDED") is ch.event_as("ADDED")
    assert ch.event_as("ADDED").value == cur.value
    left = ch.event_as("DELETED")
    assert left is ch.event_as("DELETED")
    # leaving the selector: the previous content, stamped with this change's revision
    assert orjson.loads(left.value) == {
        "kind": "Pod",
        "metadata": {"name": "p", "resourceVersion": "5"},
        "spec": {"v": 1},
    }
    assert left.revision == 5


def test_bookmark_event() -> None:
    ev = bookmark_event(42, "apps/v1", "Deployment")
    assert ev.type == "BOOKMARK" and ev.revision == 42
    assert orjson.loads(ev.value) == {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"resourceVersion": "42"},
    }
    end = bookmark_event(7, "v1", "Pod", initial_end=True)
    assert orjson.loads(end.value)["metadata"] == {
        "resourceVersion": "7",
        "annotations": {INITIAL_EVENTS_END: "true"},
    }


def test_expired_event_is_a_410_status() -> None:
    ev = expired_event(Compacted(3, 17))
    assert ev.type == "ERROR"
    assert orjson.loads(ev.value) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "too old resource version: 3 (17)",
        "reason": "Expired",
        "code": 410,
    }


# ---- paging ---------------------------------------------------------------------------------
def paged(n: int) -> tuple[list[str], dict[str, CachedObject]]:
    objs = {f"k{i:02d}": obj(f"k{i:02d}", i, n=i) for i in range(n)}
    return sorted(objs), objs


def test_page_without_predicate_counts_remaining() -> None:
    keys, objs = paged(10)
    items, more, remaining = page(keys, 2, 9, objs.__getitem__, 3, None)
    assert [o.key for o in items] == ["k02", "k03", "k04"]
    assert (more, remaining) == (True, 4)
    items, more, remaining = page(keys, 2, 9, objs.__getitem__, 0, None)
    assert len(items) == 7 and (more, remaining) == (False, 0)
    items, more, remaining = page(keys, 2, 9, objs.__getitem__, 7, None)
    assert len(items) == 7 and (more, remaining) == (False, 0)


def test_page_with_predicate_limits_matches() -> None:
    keys, objs = paged(20)

    def even(o: dict) -> bool:
        return o["n"] % 2 == 0

    items, more, remaining = page(keys, 0, 20, objs.__getitem__, 3, even)
    assert [o.obj["n"] for o in items] == [0, 2, 4]
    assert (more, remaining) == (True, 0)
    # the last matching item fills the page exactly: nothing more matches after it
    items, more, _ = page(keys, 0, 20, objs.__getitem__, 10, even)
    assert [o.obj["n"] for o in items] == list(range(0, 20, 2))
    assert more is False
    items, more, _ = page(keys, 0, 20, objs.__getitem__, 0, lambda o: o["n"] > 17)
    assert [o.obj["n"] for o in items] == [18, 19] and more is False


# ---- watcher --------------------------------------------------------------------------------
def ev(rev: int, type: str = "ADDED") -> WatchEvent:
    return WatchEvent(type, rev, b"{}")


async def test_watcher_yields_backlog_then_queue_and_bounds_only_the_queue() -> None:
    w = Watcher("/registry/core/pods/", [ev(1), ev(2), ev(3)], limit=2)
    assert w.push(ev(4)) and w.push(ev(5))
    assert w.pending() == 5
    assert [(await anext(w)).revision for _ in range(5)] == [1, 2, 3, 4, 5]
    assert w.push(ev(6)) and w.push(ev(7))
    assert not w.offer(ev(8, "BOOKMARK")) and w.closed_reason is None  # full: bookmark skipped
    assert not w.push(ev(8))  # full: closed
    assert w.closed_reason == TOO_SLOW and w.pending() == 0
    assert not w.push(ev(9)) and not w.offer(ev(9))
    with pytest.raises(StopAsyncIteration):
        await anext(w)


async def test_watcher_wakes_a_waiting_reader_and_closes_once() -> None:
    closed: list[Watcher] = []
    w = Watcher("/registry/core/pods/", [], limit=5, on_close=closed.append)
    reader = asyncio.create_task(anext(w))
    await asyncio.sleep(0)
    assert not reader.done()
    w.push(ev(1))
    assert (await reader).revision == 1
    w.close()
    w.close(TOO_SLOW)
    assert w.closed_reason == "closed" and closed == [w]
    assert [e async for e in w] == []


async def test_finished_watcher_drains_then_ends() -> None:
    w = Watcher.finished([ev(1, "ERROR")])
    assert [e.type async for e in w] == ["ERROR"]
    assert w.closed_reason == "finished"
