"""The contract every Storage engine passes (kubepy/storage/interface.py).

An engine's test module subclasses `StorageContract` and provides the fixture
`new_store(**settings) -> Storage` (settings: retention_seconds, retention_events, watch_buffer;
the clock is `self.clock`, a FakeClock). Nothing here knows which engine it runs against.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
import pytest

from kubepy.storage.interface import (
    Compacted,
    Event,
    FutureRevision,
    KeyExists,
    KeyNotFound,
    PreconditionFailed,
    Preconditions,
    Storage,
)
from tests.storage.fakes import FakeClock, pod

NewStore = Callable[..., Awaitable[Any]]


def rv(value: bytes) -> str:
    return orjson.loads(value)["metadata"]["resourceVersion"]


async def take(it: AsyncIterator[Event], n: int) -> list[Event]:
    return [await asyncio.wait_for(it.__anext__(), 5) for _ in range(n)]


async def nothing_more(it: AsyncIterator[Event]) -> bool:
    """True if the watch has no event ready (it is given the loop a few times)."""
    try:
        await asyncio.wait_for(it.__anext__(), 0.05)
    except TimeoutError:
        return True
    return False


def labelled(value: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def update(obj: dict[str, Any]) -> dict[str, Any]:
        obj["metadata"].setdefault("labels", {})["v"] = value
        return obj

    return update


class StorageContract:
    clock: FakeClock

    @pytest.fixture
    async def store(self, new_store: NewStore) -> Storage:
        return await new_store()

    # ---- create / get ------------------------------------------------------------------------
    async def test_create_stamps_revision_without_touching_the_callers_object(self, store: Storage) -> None:
        obj = pod("a")
        rec = await store.create("/pods/ns/a", obj)
        assert obj == pod("a")  # not mutated
        assert rec.key == "/pods/ns/a"
        assert rec.revision == 1 == store.current_revision()
        assert rec.obj() == {**pod("a"), "metadata": {**pod("a")["metadata"], "resourceVersion": "1"}}
        got = await store.get("/pods/ns/a")
        assert got == rec

    async def test_get_absent_is_none(self, store: Storage) -> None:
        assert await store.get("/pods/ns/missing") is None

    async def test_create_existing_raises_and_consumes_no_revision(self, store: Storage) -> None:
        await store.create("/pods/ns/a", pod("a"))
        with pytest.raises(KeyExists) as err:
            await store.create("/pods/ns/a", pod("a", spec={"x": 1}))
        assert err.value.key == "/pods/ns/a"
        assert store.current_revision() == 1
        rec = await store.get("/pods/ns/a")
        assert rec is not None and "spec" not in rec.obj()

    async def test_one_global_revision_counter(self, store: Storage) -> None:
        revs = [(await store.create(f"/{kind}/ns/x", pod("x"))).revision for kind in ("pods", "svc", "rc")]
        assert revs == [1, 2, 3]
        upd = await store.guaranteed_update("/svc/ns/x", labelled("1"))
        deleted = await store.delete("/pods/ns/x")
        assert (upd.revision, deleted.revision) == (4, 5)
        assert store.current_revision() == 5

    # ---- guaranteed_update -------------------------------------------------------------------
    async def test_update_writes_new_revision_from_a_fresh_copy(self, store: Storage) -> None:
        await store.create("/pods/ns/a", pod("a"))
        seen: list[dict[str, Any]] = []

        def update(obj: dict[str, Any]) -> dict[str, Any]:
            seen.append(obj)
            obj["spec"] = {"nodeName": "n1"}
            return obj

        rec = await store.guaranteed_update("/pods/ns/a", update)
        assert rec.revision == 2 and rv(rec.value) == "2"
        assert seen[0]["metadata"]["resourceVersion"] == "1"
        seen[0]["spec"]["nodeName"] = "mutated later"  # the stored bytes do not change
        got = await store.get("/pods/ns/a")
        assert got == rec and got.obj()["spec"] == {"nodeName": "n1"}

    async def test_update_absent_key(self, store: Storage) -> None:
        with pytest.raises(KeyNotFound):
            await store.guaranteed_update("/pods/ns/none", labelled("x"))

    async def test_update_preconditions(self, store: Storage) -> None:
        await store.create("/pods/ns/a", pod("a"))
        with pytest.raises(PreconditionFailed) as err:
            await store.guaranteed_update("/pods/ns/a", labelled("x"), Preconditions(uid="other"))
        assert (err.value.field, err.value.expected, err.value.actual) == ("UID", "other", "uid-a")
        with pytest.raises(PreconditionFailed) as err:
            await store.guaranteed_update("/pods/ns/a", labelled("x"), Preconditions(resource_version="7"))
        assert (err.value.field, err.value.actual) == ("ResourceVersion", "1")
        assert store.current_revision() == 1
        ok = await store.guaranteed_update(
            "/pods/ns/a", labelled("x"), Preconditions(uid="uid-a", resource_version="1")
        )
        assert ok.revision == 2

    async def test_try_update_error_aborts_without_writing(self, store: Storage) -> None:
        rec = await store.create("/pods/ns/a", pod("a"))
        events: list[Event] = []
        store.add_listener(events.extend)

        def refuse(obj: dict[str, Any]) -> dict[str, Any]:
            obj["spec"] = "half-done"
            raise ValueError("invalid")

        with pytest.raises(ValueError, match="invalid"):
            await store.guaranteed_update("/pods/ns/a", refuse)
        assert await store.get("/pods/ns/a") == rec
        assert store.current_revision() == 1 and events == []

    async def test_unchanged_result_writes_nothing(self, store: Storage) -> None:
        rec = await store.create("/pods/ns/a", pod("a"))
        events: list[Event] = []
        store.add_listener(events.extend)

        def same(obj: dict[str, Any]) -> dict[str, Any]:
            obj["metadata"]["resourceVersion"] = "999"  # ignored when comparing
            return obj

        assert await store.guaranteed_update("/pods/ns/a", same) == rec

        def reordered(obj: dict[str, Any]) -> dict[str, Any]:
            return dict(
                reversed(
                    [(k, dict(reversed(v.items())) if isinstance(v, dict) else v) for k, v in obj.items()]
                )
            )

        assert await store.guaranteed_update("/pods/ns/a", reordered) == rec
        assert store.current_revision() == 1 and events == []

    async def test_concurrent_updates_retry_and_lose_nothing(self, store: Storage) -> None:
        await store.create("/c/ns/n", {"metadata": {"name": "n"}, "count": 0})
        calls = 0

        def incr(obj: dict[str, Any]) -> dict[str, Any]:
            nonlocal calls
            calls += 1
            obj["count"] += 1
            return obj

        recs = await asyncio.gather(*(store.guaranteed_update("/c/ns/n", incr) for _ in range(10)))
        final = await store.get("/c/ns/n")
        assert final is not None and final.obj()["count"] == 10
        assert sorted(r.revision for r in recs) == list(range(2, 12))
        assert calls >= 10

    async def test_update_from_a_current_cached_record_writes_once(self, store: Storage) -> None:
        cur = await store.create("/pods/ns/a", pod("a"))
        calls: list[str] = []

        def update(obj: dict[str, Any]) -> dict[str, Any]:
            calls.append(obj["metadata"]["resourceVersion"])
            obj["spec"] = {"nodeName": "n1"}
            return obj

        rec = await store.guaranteed_update("/pods/ns/a", update, cached=cur)
        assert calls == ["1"] and rec.revision == 2
        assert (await store.get("/pods/ns/a")) == rec

    async def test_update_from_a_stale_cached_record_retries_from_storage(self, store: Storage) -> None:
        stale = await store.create("/pods/ns/a", pod("a"))
        await store.guaranteed_update("/pods/ns/a", labelled("1"))
        calls: list[str] = []

        def update(obj: dict[str, Any]) -> dict[str, Any]:
            calls.append(obj["metadata"]["resourceVersion"])
            obj["metadata"].setdefault("labels", {})["b"] = "2"
            return obj

        rec = await store.guaranteed_update("/pods/ns/a", update, cached=stale)
        assert calls == ["1", "2"] and rec.revision == 3
        labels = rec.obj()["metadata"]["labels"]
        assert labels["b"] == "2" and labels["v"] == "1"  # the write in between is kept

    async def test_a_no_op_or_failed_precondition_on_a_stale_cached_record_is_rechecked(
        self, store: Storage
    ) -> None:
        stale = await store.create("/pods/ns/a", pod("a"))
        current = await store.guaranteed_update("/pods/ns/a", labelled("1"))

        def keep(obj: dict[str, Any]) -> dict[str, Any]:
            return obj

        # a no-op found on the stale copy is confirmed on the current one, which is answered
        assert await store.guaranteed_update("/pods/ns/a", keep, cached=stale) == current
        assert await store.guaranteed_update("/pods/ns/a", keep, cached=stale, decided=True) == current
        # the precondition holds for the current object, not for the stale copy
        pre = Preconditions(resource_version=str(current.revision))
        rec = await store.guaranteed_update("/pods/ns/a", labelled("2"), pre, cached=stale)
        assert rec.revision == current.revision + 1
        with pytest.raises(PreconditionFailed):
            await store.guaranteed_update("/pods/ns/a", labelled("3"), pre, cached=stale)

    async def test_an_error_on_a_cached_record_stands_only_if_it_is_current(self, store: Storage) -> None:
        stale = await store.create("/pods/ns/a", pod("a"))
        current = await store.guaranteed_update("/pods/ns/a", labelled("1"))
        seen: list[str] = []

        def refuse_unlabelled(obj: dict[str, Any]) -> dict[str, Any]:
            seen.append(obj["metadata"]["resourceVersion"])
            if "labels" not in obj["metadata"]:
                raise ValueError("no labels")
            obj["metadata"]["labels"]["w"] = "x"
            return obj

        # refused on the stale copy, done on the current one
        rec = await store.guaranteed_update("/pods/ns/a", refuse_unlabelled, cached=stale)
        assert seen == ["1", "2"] and rec.revision == current.revision + 1

        def refuse(obj: dict[str, Any]) -> dict[str, Any]:
            seen.append(obj["metadata"]["resourceVersion"])
            raise ValueError("never")

        seen.clear()
        with pytest.raises(ValueError, match="never"):  # a current copy: refused once, not retried
            await store.guaranteed_update("/pods/ns/a", refuse, cached=rec)
        assert seen == [str(rec.revision)] and store.current_revision() == rec.revision

    async def test_decided_update_trusts_the_caller_about_changes(self, store: Storage) -> None:
        rec = await store.create("/pods/ns/a", pod("a"))
        events: list[Event] = []
        store.add_listener(events.extend)

        def same_object(obj: dict[str, Any]) -> dict[str, Any]:
            obj["spec"] = "not written: the object given back means no change"
            return obj

        assert await store.guaranteed_update("/pods/ns/a", same_object, decided=True) == rec
        assert store.current_revision() == 1 and events == []

        def equal_copy(obj: dict[str, Any]) -> dict[str, Any]:
            return dict(obj)  # another object: written although equal, as the caller decided

        upd = await store.guaranteed_update("/pods/ns/a", equal_copy, decided=True)
        assert upd.revision == 2 and [e.type for e in events] == ["MODIFIED"]
        written, before = orjson.loads(upd.value), orjson.loads(rec.value)
        written["metadata"].pop("resourceVersion"), before["metadata"].pop("resourceVersion")
        assert written == before

    async def test_update_of_key_deleted_meanwhile_is_not_found(self, store: Storage) -> None:
        await store.create("/pods/ns/a", pod("a"))

        async def update() -> None:
            await store.guaranteed_update("/pods/ns/a", labelled("x"))

        results = await asyncio.gather(store.delete("/pods/ns/a"), update(), return_exceptions=True)
        # either the update won the race (then the delete removed it) or it found nothing
        assert await store.get("/pods/ns/a") is None
        assert results[1] is None or isinstance(results[1], KeyNotFound)

    # ---- delete ------------------------------------------------------------------------------
    async def test_delete_returns_last_object_at_the_delete_revision(self, store: Storage) -> None:
        await store.create("/pods/ns/a", pod("a"))
        before = await store.guaranteed_update("/pods/ns/a", labelled("1"))
        events: list[Event] = []
        store.add_listener(events.extend)
        rec = await store.delete("/pods/ns/a")
        assert rec.revision == 3 and rv(rec.value) == "3"
        assert rec.obj()["metadata"]["labels"] == {"v": "1"}
        assert await store.get("/pods/ns/a") is None
        [ev] = events
        assert (ev.type, ev.key, ev.value, ev.revision) == ("DELETED", "/pods/ns/a", rec.value, 3)
        assert ev.prev_value == before.value

    async def test_delete_absent(self, store: Storage) -> None:
        with pytest.raises(KeyNotFound):
            await store.delete("/pods/ns/none")

    async def test_delete_preconditions_and_validation_refuse(self, store: Storage) -> None:
        rec = await store.create("/pods/ns/a", pod("a"))
        with pytest.raises(PreconditionFailed):
            await store.delete("/pods/ns/a", Preconditions(uid="x"))
        with pytest.raises(PreconditionFailed):
            await store.delete("/pods/ns/a", Preconditions(resource_version="5"))
        seen: list[dict[str, Any]] = []

        def refuse(obj: dict[str, Any]) -> None:
            seen.append(obj)
            raise PermissionError("has finalizers")

        with pytest.raises(PermissionError):
            await store.delete("/pods/ns/a", validate=refuse)
        assert seen[0]["metadata"]["name"] == "a"
        assert await store.get("/pods/ns/a") == rec and store.current_revision() == 1
        done = await store.delete("/pods/ns/a", Preconditions("uid-a", "1"), validate=lambda o: None)
        assert done.revision == 2

    # ---- events & listeners ------------------------------------------------------------------
    async def test_events_carry_prev_value_and_commit_time(self, store: Storage) -> None:
        events: list[Event] = []
        store.add_listener(events.extend)
        a = await store.create("/pods/ns/a", pod("a"))
        self.clock.advance(5)
        b = await store.guaranteed_update("/pods/ns/a", labelled("1"))
        assert [(e.type, e.revision, e.prev_value) for e in events] == [
            ("ADDED", 1, None),
            ("MODIFIED", 2, a.value),
        ]
        assert events[1].value == b.value
        assert events[1].timestamp - events[0].timestamp == 5

    async def test_listener_sees_the_batch_before_the_write_returns(self, store: Storage) -> None:
        seen: list[int] = []
        store.add_listener(lambda batch: seen.extend(e.revision for e in batch))

        async def write(i: int) -> None:
            rec = await store.create(f"/pods/ns/{i}", pod(str(i)))
            assert rec.revision in seen  # already delivered when the await returns

        await asyncio.gather(*(write(i) for i in range(20)))
        assert seen == list(range(1, 21))  # in order, each once

    async def test_failing_listener_does_not_break_writes(self, store: Storage) -> None:
        def boom(batch: list[Event]) -> None:
            raise RuntimeError("listener bug")

        got: list[Event] = []
        store.add_listener(boom)
        store.add_listener(got.extend)
        rec = await store.create("/pods/ns/a", pod("a"))
        assert rec.revision == 1 and [e.revision for e in got] == [1]

    # ---- list --------------------------------------------------------------------------------
    async def fill(self, store: Storage) -> None:
        for name in ("c", "a", "b"):
            await store.create(f"/pods/ns1/{name}", pod(name))
        await store.create("/pods/ns2/a", pod("a"))
        await store.create("/podsx/ns1/a", pod("a"))  # shares the string prefix "/pods"

    async def test_list_is_sorted_and_prefix_scoped(self, store: Storage) -> None:
        await self.fill(store)
        res = await store.list("/pods/")
        assert [r.key for r in res.records] == ["/pods/ns1/a", "/pods/ns1/b", "/pods/ns1/c", "/pods/ns2/a"]
        assert (res.revision, res.more, res.remaining) == (5, False, 0)
        assert [r.revision for r in res.records] == [2, 3, 1, 4]
        assert [r.key for r in (await store.list("/pods/ns1/")).records] == [
            "/pods/ns1/a",
            "/pods/ns1/b",
            "/pods/ns1/c",
        ]
        assert (await store.list("/nothing/")).records == []

    async def test_load_is_the_current_list_in_the_callers_shape(self, store: Storage) -> None:
        await self.fill(store)
        await store.guaranteed_update("/pods/ns1/b", labelled("x"))
        await store.delete("/pods/ns1/c")
        made, revision = await store.load("/pods/", lambda k, r, v: (k, r, v))
        listed = await store.list("/pods/")
        assert made == [(r.key, r.revision, r.value) for r in listed.records]
        assert [k for k, _, _ in made] == ["/pods/ns1/a", "/pods/ns1/b", "/pods/ns2/a"]
        assert revision == listed.revision == 7
        assert (await store.load("/nothing/", lambda k, r, v: k)) == ([], 7)

    async def test_list_pages(self, store: Storage) -> None:
        await self.fill(store)
        first = await store.list("/pods/", limit=3)
        assert [r.key for r in first.records] == ["/pods/ns1/a", "/pods/ns1/b", "/pods/ns1/c"]
        assert (first.more, first.remaining, first.revision) == (True, 1, 5)
        nxt = await store.list("/pods/", first.revision, 3, first.records[-1].key + "\x00")
        assert [r.key for r in nxt.records] == ["/pods/ns2/a"]
        assert (nxt.more, nxt.remaining) == (False, 0)
        exact = await store.list("/pods/", limit=4)
        assert (len(exact.records), exact.more) == (4, False)
        before_prefix = await store.list("/pods/ns2/", start_key="/a")
        assert [r.key for r in before_prefix.records] == ["/pods/ns2/a"]

    async def test_list_at_an_older_revision_rolls_the_log_back(self, store: Storage) -> None:
        await self.fill(store)  # revisions 1-5
        old_a = await store.get("/pods/ns1/a")
        await store.guaranteed_update("/pods/ns1/a", labelled("new"))  # 6
        await store.delete("/pods/ns1/b")  # 7
        await store.create("/pods/ns1/d", pod("d"))  # 8
        await store.guaranteed_update("/pods/ns1/a", labelled("newer"))  # 9
        await store.create("/pods/ns1/b", pod("b", spec="again"))  # 10

        at5 = await store.list("/pods/ns1/", revision=5)
        assert at5.revision == 5
        assert [(r.key, r.revision) for r in at5.records] == [
            ("/pods/ns1/a", 2),
            ("/pods/ns1/b", 3),
            ("/pods/ns1/c", 1),
        ]
        assert at5.records[0] == old_a
        assert all(rv(r.value) == str(r.revision) for r in at5.records)
        at7 = await store.list("/pods/ns1/", revision=7)
        assert [(r.key, r.revision) for r in at7.records] == [("/pods/ns1/a", 6), ("/pods/ns1/c", 1)]
        assert at7.records[0].obj()["metadata"]["labels"] == {"v": "new"}
        now = await store.list("/pods/ns1/")
        assert [(r.key, r.revision) for r in now.records] == [
            ("/pods/ns1/a", 9),
            ("/pods/ns1/b", 10),
            ("/pods/ns1/c", 1),
            ("/pods/ns1/d", 8),
        ]
        assert await store.list("/pods/ns1/", revision=10) == now

    async def test_paging_at_an_older_revision_is_consistent(self, store: Storage) -> None:
        for i in range(6):
            await store.create(f"/cm/ns/{i}", {"metadata": {"name": str(i)}})
        first = await store.list("/cm/", limit=2)  # at revision 6
        await store.delete("/cm/ns/2")
        await store.create("/cm/ns/25", {"metadata": {"name": "25"}})
        await store.guaranteed_update("/cm/ns/3", labelled("later"))
        keys, page = [r.key for r in first.records], first
        while page.more:
            page = await store.list("/cm/", first.revision, 2, page.records[-1].key + "\x00")
            assert page.revision == 6
            keys += [r.key for r in page.records]
            assert all(r.revision <= 6 for r in page.records)
        assert keys == [f"/cm/ns/{i}" for i in range(6)]
        second = await store.list("/cm/", 6, 2, "/cm/ns/2")
        assert ([r.key for r in second.records], second.remaining) == (["/cm/ns/2", "/cm/ns/3"], 2)

    async def test_list_future_revision(self, store: Storage) -> None:
        await self.fill(store)
        with pytest.raises(FutureRevision) as err:
            await store.list("/pods/", revision=6)
        assert (err.value.requested, err.value.current) == (6, 5)

    async def test_list_below_the_window_is_compacted(self, store: Storage) -> None:
        await self.fill(store)
        assert await store.compact(3) == 3 == store.oldest_revision()
        at3 = await store.list("/pods/ns1/", revision=3)
        assert [r.key for r in at3.records] == ["/pods/ns1/a", "/pods/ns1/b", "/pods/ns1/c"]
        with pytest.raises(Compacted) as err:
            await store.list("/pods/", revision=2)
        assert (err.value.requested, err.value.oldest) == (2, 3)

    # ---- watch -------------------------------------------------------------------------------
    async def test_watch_replays_then_follows_live(self, store: Storage) -> None:
        await self.fill(store)
        w = store.watch("/pods/ns1/", 1)
        replay = await take(w, 2)
        assert [(e.type, e.key, e.revision) for e in replay] == [
            ("ADDED", "/pods/ns1/a", 2),
            ("ADDED", "/pods/ns1/b", 3),
        ]
        assert await nothing_more(w)
        await store.create("/pods/ns2/z", pod("z"))  # other prefix
        upd = await store.guaranteed_update("/pods/ns1/c", labelled("1"))
        gone = await store.delete("/pods/ns1/a")
        live = await take(w, 2)
        assert [(e.type, e.key, e.revision) for e in live] == [
            ("MODIFIED", "/pods/ns1/c", 7),
            ("DELETED", "/pods/ns1/a", 8),
        ]
        assert live[0].value == upd.value and live[1].value == gone.value
        assert live[0].prev_value is not None and rv(live[0].prev_value) == "1"

    async def test_watch_from_current_gets_only_new_events(self, store: Storage) -> None:
        await self.fill(store)
        w = store.watch("/pods/", store.current_revision())
        assert await nothing_more(w)
        await store.create("/pods/ns1/new", pod("new"))
        [ev] = await take(w, 1)
        assert (ev.type, ev.revision) == ("ADDED", 6)

    async def test_watch_under_concurrent_writes_has_no_gaps_or_duplicates(self, store: Storage) -> None:
        for i in range(10):
            await store.create(f"/w/ns/{i}", {"metadata": {"name": str(i)}})
        w = store.watch("/w/", 0)

        async def writer(i: int) -> None:
            for j in range(5):
                await store.guaranteed_update(f"/w/ns/{i}", labelled(str(j)))

        got: list[Event] = []
        writers = asyncio.gather(*(writer(i) for i in range(10)))
        while len(got) < 60:
            got += await take(w, 1)
        await writers
        assert [e.revision for e in got] == list(range(1, 61))
        assert await nothing_more(w)

    async def test_slow_watcher_catches_up_from_the_log(self, new_store: NewStore) -> None:
        store = await new_store(watch_buffer=3)
        w = store.watch("/s/", 0)
        await store.create("/s/0", {"metadata": {}})
        assert [e.revision for e in await take(w, 1)] == [1]
        for i in range(1, 20):  # overflows the buffer of 3
            await store.create(f"/s/{i}", {"metadata": {}})
        assert [e.revision for e in await take(w, 19)] == list(range(2, 21))
        await store.create("/s/x", {"metadata": {}})
        assert [e.revision for e in await take(w, 1)] == [21]

    async def test_slow_watcher_past_the_window_gets_compacted(self, new_store: NewStore) -> None:
        store = await new_store(watch_buffer=2)
        w = store.watch("/s/", 0)
        await store.create("/s/0", {"metadata": {}})
        await take(w, 1)
        for i in range(1, 10):
            await store.create(f"/s/{i}", {"metadata": {}})
        await store.compact(5)
        with pytest.raises(Compacted):
            await take(w, 9)

    async def test_watch_older_than_the_window(self, store: Storage) -> None:
        await self.fill(store)
        await store.compact(4)
        w = store.watch("/pods/", 3)
        with pytest.raises(Compacted) as err:
            await w.__anext__()
        assert (err.value.requested, err.value.oldest) == (3, 4)
        assert await nothing_more(store.watch("/pods/", 4))  # revision 5 is under /podsx/
        assert [e.key for e in await take(store.watch("/", 4), 1)] == ["/podsx/ns1/a"]

    async def test_watch_ends_when_the_store_closes(self, store: Storage) -> None:
        await self.fill(store)
        w = store.watch("/pods/", 5)
        pending = asyncio.ensure_future(w.__anext__())
        await asyncio.sleep(0)
        await store.close()
        with pytest.raises(StopAsyncIteration):
            await asyncio.wait_for(pending, 5)

    async def test_writes_after_close_are_refused(self, store: Storage) -> None:
        await store.close()
        with pytest.raises(RuntimeError):
            await store.create("/pods/ns/a", pod("a"))

    # ---- retention / compaction --------------------------------------------------------------
    async def test_compaction_by_event_count(self, new_store: NewStore) -> None:
        store = await new_store(retention_events=4)
        for i in range(10):
            await store.create(f"/r/{i}", {"metadata": {}})
        assert store.oldest_revision() == 0
        assert await store.compact() == 6 == store.oldest_revision()
        assert [e.revision for e in await take(store.watch("/r/", 6), 4)] == [7, 8, 9, 10]
        with pytest.raises(Compacted):
            await store.list("/r/", revision=5)
        assert len((await store.list("/r/")).records) == 10  # current data is never compacted

    async def test_compaction_by_age(self, new_store: NewStore) -> None:
        store = await new_store(retention_seconds=60)
        for i in range(3):
            await store.create(f"/r/{i}", {"metadata": {}})
        self.clock.advance(30)
        for i in range(3, 5):
            await store.create(f"/r/{i}", {"metadata": {}})
        assert await store.compact() == 0  # nothing older than 60 s yet
        self.clock.advance(31)  # revisions 1-3 are 61 s old, 4-5 are 31 s old
        assert await store.compact() == 3
        self.clock.advance(30)
        assert await store.compact() == 5 == store.current_revision()
        w = store.watch("/r/", 5)
        await store.create("/r/9", {"metadata": {}})
        assert [e.revision for e in await take(w, 1)] == [6]

    async def test_explicit_compaction_never_goes_back_or_past_current(self, store: Storage) -> None:
        await self.fill(store)
        assert await store.compact(2) == 2
        assert await store.compact(1) == 2
        assert await store.compact(99) == 5
        assert (await store.list("/pods/", revision=5)).revision == 5
        rec = await store.create("/pods/ns1/z", pod("z"))
        assert rec.revision == 6

    # ---- history, checked against a model -----------------------------------------------------
    async def test_every_revision_in_the_window_lists_as_it_was(self, store: Storage) -> None:
        """A seeded random mix of writes; after each, the model's state is recorded. Then every
        revision still in the window lists (whole and page by page) exactly as it was then."""
        rnd = random.Random(7)
        model: dict[str, bytes] = {}
        snapshots: dict[int, dict[str, bytes]] = {0: {}}
        for _ in range(80):
            key = f"/h/{rnd.choice('ab')}/{rnd.randrange(6)}"
            if key not in model:
                rec = await store.create(key, {"metadata": {"name": key}, "n": rnd.random()})
                model[key] = rec.value
            elif rnd.random() < 0.3:
                await store.delete(key)
                del model[key]
            else:
                rec = await store.guaranteed_update(key, lambda o: {**o, "n": rnd.random()})
                model[key] = rec.value
            snapshots[store.current_revision()] = dict(model)
        await store.compact(30)
        for rev, snap in snapshots.items():
            if rev < 30:
                with pytest.raises(Compacted):
                    await store.list("/h/", revision=rev or 1)
                continue
            for prefix in ("/h/", "/h/a/"):
                want = sorted((k, v) for k, v in snap.items() if k.startswith(prefix))
                whole = await store.list(prefix, revision=rev)
                assert [(r.key, r.value) for r in whole.records] == want
                assert all(rv(r.value) == str(r.revision) for r in whole.records)
                paged, start = [], ""
                while True:
                    page = await store.list(prefix, rev, 4, start)
                    paged += [(r.key, r.value) for r in page.records]
                    assert page.remaining == len(want) - len(paged)
                    if not page.more:
                        break
                    start = page.records[-1].key + "\x00"
                assert paged == want
