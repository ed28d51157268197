"""The pure pieces under the engines: stamping, retention, rollback, paging, record formats, and
the group committer on its own."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubepy.storage import codec, group_commit
from kubepy.storage.codec import check_preconditions, encode, fill, restamp, stamp
from kubepy.storage.group_commit import GroupCommitter
from kubepy.storage.history import merge, paginate, range_start, state_before
from kubepy.storage.interface import Event, PreconditionFailed, Preconditions, Record
from kubepy.storage.lmdb_engine import LmdbStorage
from kubepy.storage.lmdb_format import (
    BadRecord,
    decode_entry,
    decode_stored,
    encode_entry,
    encode_stored,
    entry_key,
    entry_timestamp,
)
from kubepy.storage.ops import LogEntry, Stored
from kubepy.storage.retention import RetentionPolicy, explicit_target


# ---- codec ------------------------------------------------------------------------------------
def test_stamp_copies_and_sets_the_revision() -> None:
    obj = {"kind": "Pod", "metadata": {"name": "a", "resourceVersion": "3", "labels": {"x": "y"}}}
    data = stamp(obj, 12)
    assert orjson.loads(data)["metadata"] == {"name": "a", "resourceVersion": "12", "labels": {"x": "y"}}
    assert obj["metadata"]["resourceVersion"] == "3"
    assert orjson.loads(stamp({"kind": "X"}, 1)) == {"kind": "X", "metadata": {"resourceVersion": "1"}}
    assert orjson.loads(restamp(data, 13))["metadata"]["resourceVersion"] == "13"


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_objects = st.fixed_dictionaries(
    {"kind": st.text(max_size=5)},
    optional={
        "metadata": st.dictionaries(
            st.sampled_from(["name", "uid", "resourceVersion", "x"]), _json, max_size=4
        ),
        "spec": _json,
    },
)


@given(_objects, st.integers(1, 2**63 - 1))
def test_fill_gives_the_bytes_stamp_gives(obj: dict[str, object], revision: int) -> None:
    assert fill(encode(obj), revision) == stamp(obj, revision)


@given(_objects, st.integers(1, 10**6), st.integers(1, 10**6))
def test_restamp_by_splice_gives_the_bytes_stamp_gives(
    obj: dict[str, object], current: int, revision: int
) -> None:
    """Whether the stored revision's text occurs once (spliced) or more (decoded again)."""
    value = stamp(obj, current)
    assert (
        restamp(value, revision, current) == restamp(value, revision) == stamp(orjson.loads(value), revision)
    )


def test_restamp_with_the_revision_text_elsewhere_decodes() -> None:
    value = stamp({"metadata": {"name": "a"}, "spec": {"resourceVersion": "7"}}, 7)
    assert orjson.loads(restamp(value, 9, 7)) == {
        "metadata": {"name": "a", "resourceVersion": "9"},
        "spec": {"resourceVersion": "7"},
    }


def test_an_object_holding_the_placeholder_is_still_stamped_right() -> None:
    obj = {"metadata": {"name": "a"}, "data": {"k": codec._HOLE}}
    enc = encode(obj)
    assert enc.obj is obj
    assert orjson.loads(fill(enc, 5)) == {
        "metadata": {"name": "a", "resourceVersion": "5"},
        "data": {"k": codec._HOLE},
    }


@pytest.mark.parametrize(
    ("pre", "field"),
    [
        (Preconditions(uid="u2"), "UID"),
        (Preconditions(resource_version="4"), "ResourceVersion"),
        (Preconditions(uid="u1", resource_version="4"), "ResourceVersion"),
    ],
)
def test_preconditions_refused(pre: Preconditions, field: str) -> None:
    with pytest.raises(PreconditionFailed) as err:
        check_preconditions("/k", {"metadata": {"uid": "u1", "resourceVersion": "5"}}, pre)
    assert err.value.field == field and err.value.key == "/k"


def test_preconditions_met() -> None:
    obj = {"metadata": {"uid": "u1", "resourceVersion": "5"}}
    for pre in (None, Preconditions(), Preconditions("u1"), Preconditions("u1", "5")):
        check_preconditions("/k", obj, pre)


# ---- retention --------------------------------------------------------------------------------
def test_retention_drops_old_or_beyond_the_count() -> None:
    p = RetentionPolicy(seconds=60, events=3)
    assert p.drops(7, 1000.0, current=10, now=1000.0)  # not among the newest 3 (8, 9, 10)
    assert not p.drops(8, 1000.0, current=10, now=1000.0)
    assert p.drops(9, 939.0, current=10, now=1000.0)  # 61 s old
    assert not p.drops(9, 940.0, current=10, now=1000.0)
    with pytest.raises(ValueError):
        RetentionPolicy(seconds=-1)


def test_explicit_target_is_clamped() -> None:
    assert explicit_target(5, compacted=2, current=9) == 5
    assert explicit_target(1, compacted=2, current=9) == 2
    assert explicit_target(50, compacted=2, current=9) == 9
    with pytest.raises(ValueError):
        explicit_target(-1, 0, 9)


# ---- history ----------------------------------------------------------------------------------
def entry(type_: str, key: str, rev: int, prev: bytes | None = None, prev_rev: int = 0) -> LogEntry:
    return LogEntry(Event(type_, key, b"v%d" % rev, rev, prev), prev_rev)  # type: ignore[arg-type]


def test_state_before_takes_the_first_change_after_the_revision() -> None:
    entries = [
        entry("MODIFIED", "/a/1", 6, b"v2", 2),
        entry("ADDED", "/a/2", 7),
        entry("DELETED", "/a/1", 8, b"v6", 6),
        entry("MODIFIED", "/b/1", 9, b"v3", 3),
        entry("DELETED", "/a/0", 10, b"v1", 1),
    ]
    assert state_before(entries, "/a/", "/a/1") == {"/a/1": Record("/a/1", b"v2", 2), "/a/2": None}


def test_merge_overrides_and_inserts_in_order() -> None:
    current = [("/a", "A"), ("/c", "C"), ("/e", "E")]
    states: dict[str, Record | None] = {"/c": None, "/b": Record("/b", b"B", 1), "/f": Record("/f", b"F", 2)}
    merged = [(k, v if isinstance(v, str) else v.value) for k, v in merge(current, states)]
    assert merged == [("/a", "A"), ("/b", b"B"), ("/e", "E"), ("/f", b"F")]


def test_paginate_and_range_start() -> None:
    assert paginate(iter(range(5)), 0) == (list(range(5)), 0)  # type: ignore[arg-type]
    assert paginate(iter(range(5)), 2) == ([0, 1], 3)  # type: ignore[arg-type]
    assert paginate(iter(range(2)), 2) == ([0, 1], 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        paginate(iter([]), -1)
    assert range_start("/pods/", "") == "/pods/"
    assert range_start("/pods/", "/pods/b") == "/pods/b"


# ---- lmdb record formats ----------------------------------------------------------------------
def test_stored_round_trip_and_damage() -> None:
    s = Stored(b'{"a":1}', 9, 4)
    data = encode_stored(s)
    assert decode_stored(data) == s
    with pytest.raises(BadRecord):
        decode_stored(data[:-1] + b"2")
    with pytest.raises(BadRecord):
        decode_stored(data[:5])


@given(
    type_=st.sampled_from(["ADDED", "MODIFIED", "DELETED"]),
    key=st.text(min_size=1, max_size=40),
    value=st.binary(max_size=100),
    prev=st.binary(max_size=100),
    ts=st.floats(allow_nan=False, allow_infinity=False),
    rev=st.integers(1, 2**63),
)
def test_log_entry_round_trip(type_: str, key: str, value: bytes, prev: bytes, ts: float, rev: int) -> None:
    key = key.encode("utf-8", "replace").decode()
    e = LogEntry(Event(type_, key, value, rev, None if type_ == "ADDED" else prev, ts), rev - 1)  # type: ignore[arg-type]
    data = encode_entry(e)
    assert decode_entry(rev, data) == e
    assert entry_key(data) == key and entry_timestamp(data) == ts
    with pytest.raises(BadRecord):
        decode_entry(rev, data[:-1] + bytes([data[-1] ^ 1]))


# ---- group commit -----------------------------------------------------------------------------
async def test_group_committer_batches_and_fails_ops_alone() -> None:
    batches: list[list[int]] = []
    seen_by_callback: list[int] = []
    gate = threading.Event()

    def apply(ops: list[int]) -> list[int | BaseException]:
        gate.wait(5)  # hold the first batch so the rest queue up behind it
        batches.append(ops)
        return [ValueError(op) if op == 3 else op * 10 for op in ops]

    def committed(results: list[int | BaseException]) -> None:
        seen_by_callback.extend(r for r in results if isinstance(r, int))

    gc: GroupCommitter[int, int] = GroupCommitter(apply, committed)

    async def submit(op: int) -> int:
        res = await gc.submit(op)
        assert res in seen_by_callback  # the callback ran before the future resolved
        return res

    first = asyncio.ensure_future(submit(0))
    await asyncio.sleep(0.01)
    rest = [asyncio.ensure_future(submit(i)) for i in range(1, 6)]
    await asyncio.sleep(0)
    gate.set()
    assert await first == 0
    results = await asyncio.gather(*rest, return_exceptions=True)
    assert results[:2] == [10, 20] and isinstance(results[2], ValueError) and results[3:] == [40, 50]
    assert batches == [[0], [1, 2, 3, 4, 5]]
    await gc.stop()
    with pytest.raises(RuntimeError):
        await gc.submit(9)


async def test_group_committer_whole_batch_failure() -> None:
    def apply(ops: list[int]) -> list[int | BaseException]:
        raise OSError("disk full")

    gc: GroupCommitter[int, int] = GroupCommitter(apply, lambda results: None)
    results = await asyncio.gather(gc.submit(1), gc.submit(2), return_exceptions=True)
    assert all(isinstance(r, OSError) for r in results)
    await gc.stop()


async def test_group_committer_stop_finishes_queued_writes() -> None:
    """stop() while a batch is in the thread and more wait behind it: every write is applied and
    answered, in order, by one long-lived thread; then the thread ends."""
    gate = threading.Event()
    applied: list[int] = []
    threads: set[int] = set()

    def apply(ops: list[int]) -> list[int | BaseException]:
        gate.wait(5)
        threads.add(threading.get_ident())
        applied.extend(ops)
        return [op + 100 for op in ops]

    gc: GroupCommitter[int, int] = GroupCommitter(apply, lambda results: None)
    first = asyncio.ensure_future(gc.submit(0))
    await asyncio.sleep(0.01)  # batch [0] is in the thread
    rest = [asyncio.ensure_future(gc.submit(i)) for i in range(1, 4)]
    await asyncio.sleep(0)
    stopping = asyncio.ensure_future(gc.stop())
    await asyncio.sleep(0.01)
    assert not stopping.done()  # waits for the queued writes
    gate.set()
    await stopping
    assert [await first, *[await r for r in rest]] == [100, 101, 102, 103]
    assert applied == [0, 1, 2, 3] and len(threads) == 1
    assert not gc._thread.is_alive()


async def test_group_committer_does_not_wait_for_the_loop_between_batches() -> None:
    """The thread applies the next batch while the loop has not yet taken the previous answers;
    the loop still sees the batches committed in order, each before its writers are answered."""
    first_in, release_first, second_applied = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def apply(ops: list[int]) -> list[int | BaseException]:
        if ops == [1]:
            first_in.set()
            release_first.wait(5)
        else:
            second_applied.set()
        return ops

    def committed(results: list[int | BaseException]) -> None:
        order.append(f"committed {results}")

    gc: GroupCommitter[int, int] = GroupCommitter(apply, committed)

    async def submit(op: int) -> None:
        await gc.submit(op)
        order.append(f"answered {op}")

    async def until(cond: Callable[[], bool]) -> None:
        for _ in range(5000):
            if cond():
                return
            await asyncio.sleep(0.001)
        raise AssertionError("never happened")

    first = asyncio.ensure_future(submit(1))
    await until(first_in.is_set)  # [1] is in the thread
    second = asyncio.ensure_future(submit(2))
    await until(lambda: gc._queue.qsize() == 1)  # [2] is queued behind it
    release_first.set()
    # the loop is held from here, so it cannot take batch [1]'s answer: the thread goes on regardless
    assert second_applied.wait(5), "the writer thread waited for the loop"
    await asyncio.gather(first, second)
    at = order.index
    assert sorted(order) == ["answered 1", "answered 2", "committed [1]", "committed [2]"]
    assert at("committed [1]") < at("committed [2]")
    assert at("committed [1]") < at("answered 1") and at("committed [2]") < at("answered 2")
    await gc.stop()


def test_while_waiting_lowers_the_switch_interval_and_restores_it() -> None:
    before = sys.getswitchinterval()
    with group_commit.while_waiting(), group_commit.while_waiting():  # two waiting threads
        assert sys.getswitchinterval() == pytest.approx(min(before, group_commit.WAIT_SWITCH_INTERVAL))
    assert sys.getswitchinterval() == before
    with pytest.raises(OSError), group_commit.while_waiting():
        raise OSError("disk full")
    assert sys.getswitchinterval() == before


async def test_lmdb_revision_follows_the_answered_batches(tmp_path: Path) -> None:
    """What readers are told moves with the batch being answered, not with the writer thread,
    which may be a batch further."""
    store = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)
    seen: list[tuple[int, int]] = []
    store.add_listener(lambda events: seen.append((events[-1].revision, store.current_revision())))
    try:
        await asyncio.gather(*(store.create(f"/r/{i}", {"metadata": {}}) for i in range(3)))
        await store.create("/r/x", {"metadata": {}})
        assert seen == [(3, 3), (4, 4)]
        assert await store.compact(2) == 2 and store.oldest_revision() == 2
    finally:
        await store.close()


def test_decoders_copy_out_of_buffers() -> None:
    """Reads hand LMDB's buffers (valid only inside the transaction) to the decoders: what they
    return must be bytes of their own, equal to what was written."""
    stored = Stored(b'{"a":1}', 5, 3)
    got = decode_stored(memoryview(bytearray(encode_stored(stored))))
    assert type(got.value) is bytes and got == stored
    entry = LogEntry(Event("MODIFIED", "/k", b'{"b":2}', 9, b'{"b":1}', 1.5), 4)
    raw = bytearray(encode_entry(entry))
    back = decode_entry(9, memoryview(raw))
    assert back == entry and type(back.event.value) is bytes and type(back.event.prev_value) is bytes
    assert entry_key(memoryview(raw)) == "/k"
    raw[:] = b"\0" * len(raw)  # the buffer goes away: the decoded copies stay intact
    assert back == entry
