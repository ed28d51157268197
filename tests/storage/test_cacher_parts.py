"""The watch cache's pure parts: filter decisions, event ring, key index, events, paging."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubepy.api import labels
from kubepy.storage import cached
from kubepy.storage import ring as ring_mod
from kubepy.storage.cached import (
    INITIAL_EVENTS_END,
    CachedObject,
    Change,
    WatchEvent,
    _Recent,
    bookmark_event,
    expired_event,
)
from kubepy.storage.fanout import Fanout, wake_delay
from kubepy.storage.interface import Compacted
from kubepy.storage.key_index import KeyIndex, bucket_of, prefix_end, under
from kubepy.storage.listing import page
from kubepy.storage.ring import EventRing
from kubepy.storage.watcher import TOO_SLOW, Watcher, classify, passes


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


def test_ring_lets_old_changes_drop_their_wire_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ring_mod, "LINE_KEEP", 2)
    ring = EventRing(10)
    changes = [Change("ADDED", obj(f"/registry/core/pods/a/p{i}", i), None) for i in range(1, 5)]
    lines = []
    for ch in changes:
        lines.append(ch.event().json_line())
        ring.append(ch)
    kept = [ch.event()._line is not None for ch in changes]
    assert kept == [False, False, True, True]  # the newest and the LINE_KEEP before it
    # a watcher resuming from the oldest still gets the same bytes (rebuilt)
    assert [ch.event().json_line() for ch in ring.since(0)] == lines


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


@given(st.text(alphabet="/ab", max_size=12))
def test_bucket_of_is_up_to_the_fourth_slash_else_the_last(key: str) -> None:
    slashes = [i for i, c in enumerate(key) if c == "/"]
    end = slashes[3] + 1 if len(slashes) >= 4 else (slashes[-1] + 1 if slashes else 0)
    assert bucket_of(key) == key[:end]


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


def test_index_count_of_resources_with_and_without_keys() -> None:
    idx = KeyIndex()
    assert idx.count("/registry/core/limitranges/a/") == 0
    idx.put(obj("/registry/core/limitranges/a/lr", 1))  # pending, not merged yet
    assert idx.count("/registry/core/limitranges/a/") == 1
    assert idx.count("/registry/core/limitranges/b/") == 0
    idx.put(obj("/registry/core/limitranges/b/lr", 2), "/registry/core/limitranges/")
    assert idx.count("/registry/core/limitranges/") == 2  # both, merged
    idx.remove("/registry/core/limitranges/a/lr")
    idx.remove("/registry/core/limitranges/b/lr")
    assert idx.count("/registry/core/limitranges/a/") == 0


# ---- objects and events ---------------------------------------------------------------------
def test_cached_object_decodes_once_and_shares() -> None:
    o = obj("/registry/core/pods/a/p", 3)
    assert o.obj is o.obj
    assert o.obj["metadata"]["resourceVersion"] == "3"
    assert (o.added().type, o.added().revision, o.added().value) == ("ADDED", 3, o.value)
    assert o.added().value is o.value  # the stored bytes, not a copy


def test_decoded_objects_are_kept_only_for_the_most_recent(monkeypatch: pytest.MonkeyPatch) -> None:
    recent = _Recent(2)
    monkeypatch.setattr(cached, "RECENT", recent)
    a, b, c = (obj(f"/registry/core/pods/a/p{i}", i) for i in range(3))
    first = a.obj
    assert a.obj is first and b.obj is b.obj
    assert c.obj  # a third decoded object: the oldest lets go of its dict
    assert a.obj is not first and a.obj == first
    recent.clear()
    assert c.obj == orjson.loads(c.value)


def test_labels_and_fields_are_extracted_once_without_keeping_the_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cached, "RECENT", _Recent(0))
    o = obj("/registry/core/pods/a/p", 3, spec={"nodeName": "n1"})
    o2 = obj("/registry/core/pods/a/q", 4, spec={"nodeName": "n1"})
    calls: list[str] = []

    def node_of(d: dict) -> dict[str, str]:
        calls.append(d["metadata"]["name"])
        return {"spec.nodeName": d["spec"]["nodeName"]}

    assert o.fields(node_of) == {"spec.nodeName": "n1"}
    assert o.fields(node_of) is o.fields(node_of) and calls == ["p"]
    assert o.fields(lambda d: {"x": "y"}) == {"x": "y"}  # another extractor: answered, not kept
    assert o.fields(node_of) == {"spec.nodeName": "n1"} and calls == ["p"]
    assert o2.fields(node_of)["spec.nodeName"] is o.fields(node_of)["spec.nodeName"]  # interned
    assert o.labels == {} and o._obj is None


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


# ---- label selectors on pre-extracted labels ------------------------------------------------
def labelled(n: int) -> tuple[list[str], dict[str, CachedObject]]:
    objs = {
        f"k{i:04d}": obj(f"k{i:04d}", i, metadata={"name": f"k{i:04d}", "labels": {"tier": str(i % 7)}})
        for i in range(n)
    }
    objs["k9999"] = obj("k9999", 1)  # no labels at all
    return sorted(objs), objs


@pytest.mark.parametrize("selector", ["tier=3", "tier!=3", "!tier", "tier in (1,5)"])
@pytest.mark.parametrize("limit", [0, 1, 5, 150, 2000])
def test_page_with_a_label_selector_matches_the_predicate_it_stands_for(selector: str, limit: int) -> None:
    """The bulk path (labels only, in blocks) pages exactly like the predicate, across blocks."""
    sel = labels.parse_selector(selector)
    keys, objs = labelled(2500)

    def plain(o: dict) -> bool:
        return sel.matches((o.get("metadata") or {}).get("labels") or {})

    def tagged(o: dict) -> bool:
        raise AssertionError("the labels path must not call the predicate")

    tagged.label_selector = sel  # type: ignore[attr-defined]
    want = page(keys, 3, len(keys), objs.__getitem__, limit, plain)
    got = page(keys, 3, len(keys), objs.__getitem__, limit, tagged)
    assert [o.key for o in got[0]] == [o.key for o in want[0]] and got[1:] == want[1:]


def test_labels_are_extracted_once_without_keeping_the_decoded_object() -> None:
    o = obj("k", 1, metadata={"name": "k", "labels": {"a": "b"}})
    assert o.labels == {"a": "b"} and o.labels is o.labels
    assert o._obj is None  # a selector over many objects does not hold them all decoded
    assert obj("k", 1).labels == {}
    decoded = obj("k", 1, metadata={"labels": {"x": "y"}})
    assert decoded.obj["metadata"]["labels"] == decoded.labels == {"x": "y"}


def test_passes_uses_labels_only_for_a_label_selector_predicate() -> None:
    o = obj("k", 1, metadata={"name": "k", "labels": {"app": "web"}})
    sel = labels.parse_selector("app=web")

    def by_labels(x: dict) -> bool:
        raise AssertionError("not called")

    by_labels.label_selector = sel  # type: ignore[attr-defined]
    assert passes(by_labels, o) and o._obj is None
    assert passes(lambda x: x["metadata"]["name"] == "k", o)
    assert not passes(lambda x: False, o)


# ---- batched reads and paced wake-ups -------------------------------------------------------
def test_take_returns_backlog_then_queue_up_to_the_limit() -> None:
    w = Watcher("/registry/core/pods/", [ev(1), ev(2), ev(3)], limit=10)
    for r in (4, 5, 6):
        w.push(ev(r))
    assert [e.revision for e in w.take(2)] == [1, 2]
    assert [e.revision for e in w.take(3)] == [3, 4, 5]
    assert w.pending() == 1
    assert [e.revision for e in w.take(10)] == [6]
    assert w.take(10) == [] and w.pending() == 0


def test_enqueue_reports_a_waiting_reader_and_closes_a_full_queue() -> None:
    w = Watcher("/registry/core/pods/", [], limit=1)
    assert w.enqueue(ev(1)) is False  # nobody waits
    assert w.enqueue(ev(2)) is False and w.closed_reason == TOO_SLOW


def test_wake_delay() -> None:
    assert wake_delay(10.0, 9.0, 0.005) == 0.0  # quiet for longer than the pace: at once
    assert wake_delay(10.0, 10.0, 0.005) == pytest.approx(0.005)
    assert wake_delay(10.002, 10.0, 0.005) == pytest.approx(0.003)
    assert wake_delay(10.0, float("-inf"), 0.005) == 0.0


def change(rev: int) -> Change:
    return Change("ADDED", obj(f"/registry/core/pods/ns/p{rev}", rev), None)


async def test_fanout_wakes_the_first_change_at_once_and_paces_the_next() -> None:
    f = Fanout(pace=3600.0)  # the next wake-up never comes by itself within the test
    w = Watcher("/registry/core/pods/", [], limit=100, on_close=f.discard)
    f.add(w)
    reader = asyncio.create_task(anext(w))
    await asyncio.sleep(0)
    f.dispatch(change(1))  # after a quiet pace: woken at once
    assert (await reader).revision == 1
    reader = asyncio.create_task(anext(w))
    await asyncio.sleep(0)
    f.dispatch(change(2))
    f.dispatch(change(3))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not reader.done() and w.pending() == 2  # queued, the reader not yet woken
    f.wake_due()  # what the timer does
    assert (await reader).revision == 2
    assert [e.revision for e in w.take(10)] == [3]
    w.close()
    assert len(f) == 0


async def test_fanout_with_no_pace_wakes_every_change() -> None:
    f = Fanout(pace=0.0)
    w = Watcher("/registry/core/pods/", [], limit=100, on_close=f.discard)
    f.add(w)
    for rev in (1, 2):
        reader = asyncio.create_task(anext(w))
        await asyncio.sleep(0)
        f.dispatch(change(rev))
        assert (await reader).revision == rev


async def test_close_all_wakes_readers_with_nothing_left() -> None:
    f = Fanout(pace=3600.0)
    w = Watcher("/registry/core/pods/", [], limit=100, on_close=f.discard)
    f.add(w)
    reader = asyncio.create_task(anext(w))
    await asyncio.sleep(0)
    f.dispatch(change(1))
    await reader
    f.dispatch(change(2))  # pending, no reader waiting
    f.close_all("cache stopped")
    assert [e async for e in w] == [] and w.closed_reason == "cache stopped"
