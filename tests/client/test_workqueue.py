"""Work queue semantics (pure, on a fake clock): dedupe, one worker per key, delays, backoff."""

from __future__ import annotations

import asyncio

import pytest

from kubepy.client.clock import FakeClock
from kubepy.client.ratelimit import BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter
from kubepy.client.workqueue import ShutDown, WorkQueue
from tests.client.conftest import eventually


def queue(clock: FakeClock | None = None) -> WorkQueue:
    return WorkQueue(clock or FakeClock(), ItemExponentialFailureRateLimiter())


async def test_waiting_keys_are_deduplicated_fifo() -> None:
    q = queue()
    for k in ["a", "b", "a", "c", "b"]:
        q.add(k)
    assert len(q) == 3
    assert [q.get_nowait() for _ in range(3)] == ["a", "b", "c"]
    assert q.get_nowait() is None


async def test_a_key_being_processed_is_not_handed_out_again_until_done() -> None:
    q = queue()
    q.add("a")
    assert q.get_nowait() == "a"
    q.add("a")
    q.add("a")
    assert len(q) == 0 and q.get_nowait() is None  # dirty, but held back
    q.done("a")
    assert len(q) == 1 and q.get_nowait() == "a"
    q.done("a")
    assert q.get_nowait() is None  # processed once more, not twice


async def test_concurrent_workers_never_share_a_key() -> None:
    q = queue()
    busy: set[str] = set()
    overlaps: list[str] = []
    processed: list[str] = []
    readds = [60]  # the keys re-add themselves while in flight, 60 times in all

    async def worker() -> None:
        while True:
            try:
                key = await q.get()
            except ShutDown:
                return
            if key in busy:
                overlaps.append(key)
            busy.add(key)
            for _ in range(3):
                await asyncio.sleep(0)
                if readds[0] > 0:
                    readds[0] -= 1
                    q.add(key)  # re-added while in flight: must wait for done()
            busy.discard(key)
            processed.append(key)
            q.done(key)

    workers = [asyncio.ensure_future(worker()) for _ in range(4)]
    for k in "abcabc":
        q.add(k)
    await eventually(lambda: readds[0] == 0 and len(q) == 0 and not q.processing(), "queue drained")
    q.shutdown()
    await asyncio.gather(*workers)
    assert overlaps == []
    assert sorted(set(processed)) == ["a", "b", "c"]
    assert len(processed) > 6  # re-adds during processing were processed again, after done()


async def test_get_waits_for_an_add() -> None:
    q = queue()
    got = asyncio.ensure_future(q.get())
    await asyncio.sleep(0)
    assert not got.done()
    q.add("x")
    assert await asyncio.wait_for(got, 2) == "x"


async def test_shutdown_drains_then_stops_workers() -> None:
    q = queue()
    q.add("a")
    waiting = asyncio.ensure_future(queue_get_after_first(q))
    q.shutdown()
    q.add("late")  # ignored
    assert await asyncio.wait_for(waiting, 2) == ["a", "shutdown"]


async def queue_get_after_first(q: WorkQueue) -> list[str]:
    out = [await q.get()]
    try:
        await q.get()
    except ShutDown:
        out.append("shutdown")
    return out


async def test_add_after_waits_for_the_clock() -> None:
    clock = FakeClock()
    q = queue(clock)
    q.add_after("a", 5)
    assert len(q) == 0 and q.waiting() == 1
    clock.advance(4.9)
    await asyncio.sleep(0)
    assert len(q) == 0
    clock.advance(0.1)
    await eventually(lambda: len(q) == 1, "delayed key queued")
    assert q.get_nowait() == "a" and q.waiting() == 0


async def test_the_earliest_delay_wins_and_is_queued_once() -> None:
    clock = FakeClock()
    q = queue(clock)
    q.add_after("b", 10)
    q.add_after("b", 2)
    q.add_after("b", 7)
    clock.advance(2)
    await eventually(lambda: len(q) == 1, "earlier delay fired")
    assert q.get_nowait() == "b"
    q.done("b")
    clock.advance(10)
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(q) == 0 and q.waiting() == 0


async def test_rate_limited_requeue_backs_off_per_key() -> None:
    clock = FakeClock()
    q = queue(clock)
    q.add_rate_limited("k")
    q.add_rate_limited("k")  # second failure while waiting: keeps the earlier (5 ms) time
    assert q.num_requeues("k") == 2
    clock.advance(0.005)
    await eventually(lambda: len(q) == 1, "first retry after 5 ms")
    q.forget("k")
    assert q.num_requeues("k") == 0


def test_exponential_backoff_sequence() -> None:
    rl = ItemExponentialFailureRateLimiter(0.005, 1000.0)
    seq = [rl.when("k") for _ in range(20)]
    assert seq[:5] == pytest.approx([0.005, 0.01, 0.02, 0.04, 0.08])
    assert all(b == min(2 * a, 1000.0) for a, b in zip(seq, seq[1:], strict=False))
    assert seq[-1] == 1000.0 and max(seq) == 1000.0
    assert rl.when("other") == 0.005  # per item
    rl.forget("k")
    assert rl.when("k") == 0.005


def test_bucket_limits_overall_rate() -> None:
    clock = FakeClock()
    rl = BucketRateLimiter(qps=10, burst=3, clock=clock)
    assert [rl.when(i) for i in range(3)] == [0, 0, 0]
    assert rl.when(3) == pytest.approx(0.1)
    assert rl.when(4) == pytest.approx(0.2)
    clock.advance(1.0)  # refills up to the burst
    assert rl.when(5) == 0


def test_max_of_takes_the_longest() -> None:
    clock = FakeClock()
    rl = MaxOfRateLimiter(ItemExponentialFailureRateLimiter(0.005, 1000.0), BucketRateLimiter(10, 1, clock))
    assert rl.when("a") == 0.005
    assert rl.when("a") == pytest.approx(0.1)  # the bucket is now the slower one


async def test_a_key_wakes_one_idle_worker_and_a_cancelled_one_passes_it_on() -> None:
    q = queue()
    got: dict[int, object] = {}

    async def worker(n: int) -> None:
        got[n] = await q.get()

    workers = [asyncio.ensure_future(worker(n)) for n in range(3)]
    await asyncio.sleep(0)
    assert len(q._waiters) == 3
    q.add("a")
    assert len(q._waiters) == 2  # one woken, two still asleep
    workers[0].cancel()  # the woken one dies before it runs: another must take the key
    await eventually(lambda: len(got) == 1, "the key taken by another worker")
    assert list(got.values()) == ["a"] and 0 not in got
    q.add("b")
    await eventually(lambda: len(got) == 2, "the next key")
    assert sorted(map(str, got.values())) == ["a", "b"]
    await asyncio.gather(*workers, return_exceptions=True)
    q.shutdown()
