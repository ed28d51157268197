"""The collector's start-up mode: young collections plus freezes until the process is quiet."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from kubepy import gcwarmup
from kubepy.gcwarmup import WarmUp, is_over

POLICY = WarmUp(period=0.0, quiet=100, quiet_ticks=3, limit=1000.0)


def test_over_after_enough_quiet_ticks_in_a_row() -> None:
    assert not is_over([], POLICY)
    assert not is_over([5, 5], POLICY)
    assert is_over([5, 5, 5], POLICY)
    assert not is_over([5, 500, 5], POLICY)
    assert is_over([10_000, 5, 5, 99], POLICY)
    assert not is_over([5, 5, 100], POLICY)  # at the threshold is not quiet


def _run(growth: list[int], policy: WarmUp, clock=None) -> int:
    ticks = iter(growth)
    seen = 0

    def tick() -> int:
        nonlocal seen
        seen += 1
        return next(ticks)

    kw = {"clock": clock} if clock else {}
    asyncio.run(gcwarmup.warm_up(policy, tick=tick, **kw))
    return seen


def test_ends_once_quiet_and_collects_automatically_again() -> None:
    import gc

    assert gc.isenabled()
    assert _run([10**6, 10**6, 5, 7, 9, 10**6], POLICY) == 5
    assert gc.isenabled()


def test_ends_at_the_limit_even_when_busy() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 10.0
        return now[0]

    policy = WarmUp(period=0.0, quiet=100, quiet_ticks=3, limit=35.0)
    assert _run([10**6] * 100, policy, clock) == 4  # 10 s per clock read: 40 s at the 4th tick


def test_a_failing_tick_ends_the_warm_up_with_collection_on() -> None:
    import gc

    def tick() -> int:
        raise RuntimeError("boom")

    asyncio.run(gcwarmup.warm_up(POLICY, tick=tick))
    assert gc.isenabled()


def test_a_tick_collects_young_cycles_and_freezes_survivors() -> None:
    """In a fresh interpreter (freezing is process-wide): a young cycle is freed, a live object
    ends frozen, and the tick reports what was allocated since the previous collection."""
    code = (
        "import gc, weakref\n"
        "from kubepy import gcwarmup\n"
        "gc.disable(); gc.collect()\n"
        "class C: pass\n"
        "a = C(); a.me = a; r = weakref.ref(a); del a\n"
        "keep = [[i] for i in range(1000)]\n"
        "grown = gcwarmup.collect_young_and_freeze()\n"
        "print(r() is None, grown >= 1000, gc.get_freeze_count() >= 1000, gc.get_count()[0] < 10)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"] * 4


def test_ticks_while_loading_are_never_quiet() -> None:
    """A storage open or an informer's list allocates little the collector tracks for seconds:
    the warm-up must not end meanwhile, and ends once the loading is over and ticks stay quiet."""
    loading = iter([True, True, True, True, False, False, False])
    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 5

    asyncio.run(gcwarmup.warm_up(POLICY, tick=tick, busy=lambda: next(loading)))
    assert ticks == 7


def test_loading_is_counted_across_nested_holders() -> None:
    assert not gcwarmup.is_loading()
    with gcwarmup.loading():
        with gcwarmup.loading():
            assert gcwarmup.is_loading()
        assert gcwarmup.is_loading()
    assert not gcwarmup.is_loading()
    try:
        with gcwarmup.loading():
            raise ValueError
    except ValueError:
        pass
    assert not gcwarmup.is_loading()
