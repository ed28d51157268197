"""EventRecorder: events as client-go writes them, repeats patched, floods combined and dropped."""

from __future__ import annotations

import gc

import pytest

from kubepy.client import events as ev_mod
from kubepy.client.clock import FakeClock
from kubepy.client.events import AGGREGATE_PREFIX, EventCorrelator, EventRecorder, object_reference
from kubepy.client.resources import EVENTS, ref

RC = {
    "apiVersion": "v1",
    "kind": "ReplicationController",
    "metadata": {"name": "frontend", "namespace": "default", "uid": "u1", "resourceVersion": "7"},
}


def _event(message: str = "m", reason: str = "R", name: str = "frontend") -> dict:
    return {
        "metadata": {"name": f"{name}.1", "namespace": "default"},
        "involvedObject": {"kind": "ReplicationController", "name": name, "namespace": "default"},
        "source": {"component": "c"},
        "type": "Normal",
        "reason": reason,
        "message": message,
        "count": 1,
        "firstTimestamp": "t0",
        "lastTimestamp": "t0",
    }


def test_object_reference_takes_kind_from_caller_when_missing() -> None:
    item = {"metadata": {"name": "p", "namespace": "ns", "uid": "u"}}
    assert object_reference(item, kind="Pod", api_version="v1") == {
        "kind": "Pod",
        "namespace": "ns",
        "name": "p",
        "uid": "u",
        "apiVersion": "v1",
    }


def test_repeat_patches_the_event_already_written() -> None:
    c = EventCorrelator(FakeClock())
    first = c.correlate(_event())
    assert not first.patch and not first.skip
    c.update_state({**first.event, "metadata": {"name": "frontend.1", "resourceVersion": "5"}})
    again = c.correlate({**_event(), "metadata": {"name": "frontend.2", "namespace": "default"}})
    assert again.patch
    assert again.event["count"] == 2
    assert again.event["metadata"]["name"] == "frontend.1"
    assert again.event["firstTimestamp"] == "t0"


@pytest.mark.parametrize(
    ("other", "patch"),
    [
        (_event(message="other"), False),
        (_event(reason="Other"), False),
        (_event(name="backend"), False),
        (_event(), True),
    ],
)
def test_only_exact_repeats_are_deduplicated(other: dict, patch: bool) -> None:
    c = EventCorrelator(FakeClock())
    c.update_state(c.correlate(_event()).event)
    assert c.correlate(other).patch is patch


def test_ten_distinct_messages_are_combined() -> None:
    c = EventCorrelator(FakeClock())
    results = [c.correlate(_event(message=f"m{i}")) for i in range(12)]
    messages = [r.event["message"] for r in results]
    assert messages[:9] == [f"m{i}" for i in range(9)]
    assert messages[9] == AGGREGATE_PREFIX + "m9"
    assert messages[11] == AGGREGATE_PREFIX + "m11"
    # counted under their own key, then all under the similar events' key
    assert [r.key for r in results[:9]] == [ev_mod.event_key(_event(message=f"m{i}")) for i in range(9)]
    assert {r.key for r in results[9:]} == {ev_mod.aggregate_key(_event())}


def test_combined_events_collapse_into_one_counted_event() -> None:
    c = EventCorrelator(FakeClock())
    for i in range(9):
        r = c.correlate(_event(message=f"m{i}"))
        c.update_state(r.event, r.key)
    first = c.correlate(_event(message="m9"))
    assert first.event["message"] == AGGREGATE_PREFIX + "m9" and not first.patch
    c.update_state({**first.event, "metadata": {"name": "agg", "resourceVersion": "3"}}, first.key)
    second = c.correlate(_event(message="m10"))
    assert second.patch and second.event["metadata"]["name"] == "agg" and second.event["count"] == 2
    assert second.event["message"] == AGGREGATE_PREFIX + "m10"


def test_a_repeated_message_counts_once_towards_combining() -> None:
    c = EventCorrelator(FakeClock())
    results = [c.correlate(_event(message="m" if i % 2 else f"m{i}")) for i in range(14)]
    assert [r.event["message"] for r in results] == ["m" if i % 2 else f"m{i}" for i in range(14)]
    assert c.correlate(_event(message="m16")).event["message"] == "m16"  # the 9th distinct one
    assert c.correlate(_event(message="m17")).event["message"] == AGGREGATE_PREFIX + "m17"


def test_what_the_caches_keep_is_not_walked_by_the_collector() -> None:
    """Every recorder keeps an entry per event written (thousands per kubelet): plain tuples of
    strings and numbers, which the collector stops tracking once it met them."""
    c = EventCorrelator(FakeClock())
    for i in range(12):
        r = c.correlate(_event(message=f"m{i}", name=f"o{i % 3}"))
        c.update_state({**r.event, "metadata": {"name": f"e{i}", "resourceVersion": str(i)}}, r.key)
    gc.collect()
    caches = (c._aggregates, c._logged, c._buckets)
    assert all(len(cache) for cache in caches)
    assert not any(gc.is_tracked(v) or gc.is_tracked(k) for cache in caches for k, v in cache.items())


def test_aggregation_window_restarts_after_ten_minutes() -> None:
    clock = FakeClock()
    c = EventCorrelator(clock)
    for i in range(9):
        c.correlate(_event(message=f"m{i}"))
    clock.advance(ev_mod.AGGREGATE_INTERVAL + 1)
    assert c.correlate(_event(message="m9")).event["message"] == "m9"


def test_spam_filter_drops_after_burst_and_refills() -> None:
    clock = FakeClock()
    c = EventCorrelator(clock)
    results = [c.correlate(_event(message=f"x{i % 3}")).skip for i in range(ev_mod.SPAM_BURST + 2)]
    assert results.count(True) == 2 and not any(results[: ev_mod.SPAM_BURST])
    clock.advance(ev_mod.SPAM_REFILL)
    assert not c.correlate(_event()).skip


async def test_recorder_writes_and_aggregates_against_the_apiserver(client) -> None:
    clock = FakeClock()
    rec = EventRecorder(client, "replication-controller", clock)
    rc = await client.create(
        ref("v1", "replicationcontrollers"),
        {
            **RC,
            "metadata": {"name": "frontend"},
            "spec": {
                "replicas": 0,
                "selector": {"app": "f"},
                "template": {
                    "metadata": {"labels": {"app": "f"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        },
        "default",
    )
    first = await rec.event(rc, "Normal", "SuccessfulCreate", "Created pod: frontend-abcde")
    assert first is not None
    assert first["metadata"]["name"].startswith("frontend.")
    assert first["involvedObject"]["uid"] == rc["metadata"]["uid"]
    assert first["source"] == {"component": "replication-controller"}
    assert first["count"] == 1 and first["firstTimestamp"] == "2026-01-02T03:04:05Z"
    clock.advance(30)
    second = await rec.event(rc, "Normal", "SuccessfulCreate", "Created pod: frontend-abcde")
    assert second is not None
    assert second["metadata"]["name"] == first["metadata"]["name"]
    assert second["count"] == 2
    assert second["lastTimestamp"] == "2026-01-02T03:04:35Z"
    assert second["firstTimestamp"] == "2026-01-02T03:04:05Z"
    await rec.event(rc, "Warning", "FailedCreate", "Error creating: quota")
    items, _ = await client.list_all(EVENTS, "default")
    assert sorted((e["reason"], e["count"]) for e in items) == [("FailedCreate", 1), ("SuccessfulCreate", 2)]


async def test_cluster_scoped_objects_get_events_in_default(client) -> None:
    rec = EventRecorder(client, "node-controller", FakeClock())
    node = {"metadata": {"name": "n1", "uid": "nu"}}
    written = await rec.event(
        node, "Normal", "RegisteredNode", "Node n1 event", kind="Node", api_version="v1"
    )
    assert written is not None and written["metadata"]["namespace"] == "default"
    assert written["involvedObject"]["kind"] == "Node"


async def test_repeat_after_the_event_vanished_creates_it_again(client) -> None:
    rec = EventRecorder(client, "c", FakeClock())
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "default", "uid": "u"}}
    first = await rec.event(pod, "Normal", "Pulled", "done")
    await client.delete(EVENTS, first["metadata"]["name"], "default")
    again = await rec.event(pod, "Normal", "Pulled", "done")
    assert again is not None and again["count"] == 2
    assert (await client.get(EVENTS, first["metadata"]["name"], "default"))["count"] == 2


async def test_recording_failure_is_swallowed(client) -> None:
    rec = EventRecorder(client, "c", FakeClock())
    bad = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "Not_Valid"}}
    assert await rec.event(bad, "Normal", "R", "m") is None


def test_two_recorders_never_name_two_events_alike():
    from kubepy.client.clock import FakeClock
    from kubepy.client.events import EventRecorder

    clock = FakeClock()
    a, b = EventRecorder(None, "a", clock), EventRecorder(None, "b", clock)  # type: ignore[arg-type]
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "uid": "n1"}}
    names = {r.make_event(node, "Normal", "R", "m")["metadata"]["name"] for r in (a, b, a, b)}
    assert len(names) == 4


def test_time_str_follows_every_second() -> None:
    """Timestamps are formatted once per second and reused: any other second (even a different
    field only) is formatted anew."""
    from datetime import UTC, datetime, timedelta

    from kubepy.client.events import time_str

    t = datetime(2026, 11, 26, 3, 4, 5, 999_999, tzinfo=UTC)
    assert time_str(t) == "2026-11-26T03:04:05Z"
    assert time_str(t.replace(microsecond=0)) == "2026-11-26T03:04:05Z"
    assert time_str(t + timedelta(microseconds=1)) == "2026-11-26T03:04:06Z"
    assert time_str(t.replace(year=2024)) == "2024-11-26T03:04:05Z"
    assert time_str(t.replace(day=27)) == "2026-11-27T03:04:05Z"
    assert time_str(t) == "2026-11-26T03:04:05Z"


async def test_emit_writes_in_the_background_in_order_and_counts_repeats(client) -> None:
    """emit returns at once; the drain writes the events in the order emitted, correlating each
    against the ones before it (a repeat patches the first), and flush waits for all of them."""
    rec = EventRecorder(client, "kubelet", FakeClock(), host="node-1")
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "default", "uid": "u"}}
    for reason in ("Pulled", "Created", "Started", "Pulled"):
        rec.emit(pod, "Normal", reason, f"{reason} c")
    items, _ = await client.list_all(EVENTS, "default")
    assert items == []  # nothing written before the loop ran the drain
    await rec.flush()
    items, _ = await client.list_all(EVENTS, "default")
    by_name = sorted(items, key=lambda e: e["metadata"]["name"])
    assert [(e["reason"], e["count"]) for e in by_name] == [("Pulled", 2), ("Created", 1), ("Started", 1)]
    assert all(e["source"] == {"component": "kubelet", "host": "node-1"} for e in items)
    rec.emit(pod, "Normal", "Killing", "Stopping container c")
    await rec.flush()
    items, _ = await client.list_all(EVENTS, "default")
    assert sorted(e["reason"] for e in items) == ["Created", "Killing", "Pulled", "Started"]


async def test_event_without_answer_returns_what_was_sent(client) -> None:
    rec = EventRecorder(client, "default-scheduler", FakeClock())
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "default", "uid": "u"}}
    sent = await rec.event(pod, "Normal", "Scheduled", "assigned", answer=False)
    again = await rec.event(pod, "Normal", "Scheduled", "assigned", answer=False)
    assert sent is not None and again is not None and "resourceVersion" not in sent["metadata"]
    [stored] = (await client.list_all(EVENTS, "default"))[0]
    assert stored["metadata"]["name"] == sent["metadata"]["name"] == again["metadata"]["name"]
    assert (stored["count"], again["count"], stored["message"]) == (2, 2, "assigned")


async def test_emitted_repeats_count_on_from_what_was_sent(client) -> None:
    """The drain does not read the server's answers: each repeat still patches the one event
    with the next count, also after the event vanished and was written anew."""
    rec = EventRecorder(client, "kubelet", FakeClock(), host="node-1")
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "default", "uid": "u"}}

    async def emitted() -> list[tuple[str, int, str]]:
        rec.emit(pod, "Normal", "Pulled", "Pulled c")
        await rec.flush()
        items, _ = await client.list_all(EVENTS, "default")
        return [(e["metadata"]["name"], e["count"], e["firstTimestamp"]) for e in items]

    [(name, count, first)] = await emitted()
    assert count == 1
    assert await emitted() == [(name, 2, first)]
    await client.delete(EVENTS, name, "default")
    assert await emitted() == [(name, 3, first)]
    assert await emitted() == [(name, 4, first)]


async def test_emitted_event_that_fails_is_dropped_and_the_drain_goes_on(client) -> None:
    rec = EventRecorder(client, "c", FakeClock())
    bad = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "Not_Valid"}}
    good = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "q", "namespace": "default"}}
    rec.emit(bad, "Normal", "R", "m")
    rec.emit(good, "Normal", "R", "m")
    await rec.flush()
    items, _ = await client.list_all(EVENTS, "default")
    assert [e["involvedObject"]["name"] for e in items] == ["q"]


async def test_emit_drops_events_beyond_the_queue_bound(client, monkeypatch) -> None:
    """client-go's broadcaster holds at most maxQueuedEvents and drops the rest (DropIfChannelFull)."""
    monkeypatch.setattr(ev_mod, "MAX_QUEUED_EVENTS", 3)
    rec = EventRecorder(client, "kubelet", FakeClock(), host="node-1")
    pods = [
        {
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"u{i}"},
        }
        for i in range(5)
    ]
    for pod in pods:  # nothing is written before the loop runs the drain: the queue fills
        rec.emit(pod, "Normal", "Pulled", "Pulled c")
    await rec.flush()
    items, _ = await client.list_all(EVENTS, "default")
    assert sorted(e["involvedObject"]["name"] for e in items) == ["p0", "p1", "p2"]
    rec.emit(pods[4], "Normal", "Pulled", "Pulled c")  # room again once written
    await rec.flush()
    items, _ = await client.list_all(EVENTS, "default")
    assert sorted(e["involvedObject"]["name"] for e in items) == ["p0", "p1", "p2", "p4"]


async def test_an_event_the_spam_filter_drops_is_neither_made_nor_written(client, monkeypatch) -> None:
    """event() asks the spam filter before it builds the Event (a controller's SuccessfulCreate
    beyond its owner's first 25 is made for nothing otherwise), taking one token per event as
    correlate does: the burst, then nothing, then one more per refill period."""
    clock = FakeClock()
    rec = EventRecorder(client, "replication-controller", clock)
    made = []
    make = rec._make
    monkeypatch.setattr(rec, "_make", lambda *a: made.append(a[3]) or make(*a))
    messages = [f"Created pod: frontend-{i}" for i in range(ev_mod.SPAM_BURST + 3)]
    results = [await rec.event(RC, "Normal", "SuccessfulCreate", m, answer=False) for m in messages]
    assert [r is not None for r in results] == [True] * ev_mod.SPAM_BURST + [False] * 3
    assert made == messages[: ev_mod.SPAM_BURST]
    items, _ = await client.list_all(EVENTS, "default")
    assert sum(e["count"] for e in items) == ev_mod.SPAM_BURST  # (similar ones combined)
    clock.advance(ev_mod.SPAM_REFILL)
    assert await rec.event(RC, "Normal", "SuccessfulCreate", "again", answer=False) is not None
    assert await rec.event(RC, "Normal", "SuccessfulCreate", "and again", answer=False) is None


def test_the_recorders_key_is_the_correlators_key_of_its_events() -> None:
    """The (source, object) key a recorder computes from the reference is the one correlate
    would read off the Event it makes (with and without a host)."""
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "ns", "uid": "u"}}
    for rec in (
        EventRecorder(None, "kubelet", FakeClock(), host="n1"),
        EventRecorder(None, "c", FakeClock()),
    ):  # type: ignore[arg-type]
        for obj, ref_ in ((pod, {}), ({"metadata": {"name": "n"}}, {"kind": "Node", "api_version": "v1"})):
            involved = object_reference(obj, **ref_)
            assert rec._key(involved) == ev_mod._object_key(rec._make(involved, "Normal", "R", "m"))
