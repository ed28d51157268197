"""The collector's steady mode: survivors frozen at once, swept back when the frozen heap grew.

Freezing is process-wide, so whatever installs the mode runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

from kubepy.gcsteady import Steady, should_sweep

POLICY = Steady(growth=0.25, interval=100.0, check=10.0)


def _python(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_a_sweep_needs_a_quarter_more_frozen_and_the_interval() -> None:
    assert not should_sweep(1250, 1000, 500.0, 0.0, POLICY)  # grown exactly a quarter
    assert should_sweep(1251, 1000, 500.0, 0.0, POLICY)
    assert not should_sweep(5000, 1000, 99.0, 0.0, POLICY)  # too soon
    assert should_sweep(5000, 1000, 100.0, 0.0, POLICY)
    assert not should_sweep(900, 1000, 10_000.0, 0.0, POLICY)  # shrunk: at rest, no sweep


def test_survivors_are_frozen_and_a_sweep_frees_cycles_among_them() -> None:
    code = """
import asyncio, gc, weakref
from kubepy import gcsteady

class C: pass

async def main():
    gc.collect()
    before = gc.get_threshold()
    task = asyncio.create_task(gcsteady.steady(gcsteady.Steady(young=100, check=3600)))
    await asyncio.sleep(0)
    during = gc.get_threshold()[0]
    keep = [[i] for i in range(1000)]  # ten young collections on the way
    frozen = gc.get_freeze_count()
    a = C(); a.me = a; ref = weakref.ref(a)
    more = [[i] for i in range(300)]  # a young collection with the cycle alive: frozen
    del a
    gc.collect()
    alive_after_collect = ref() is not None
    gcsteady.sweep()
    freed_by_sweep = ref() is None
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    restored = gc.get_threshold() == before and gcsteady.freeze_survivors not in gc.callbacks
    print(during == 100, frozen >= 900, alive_after_collect, freed_by_sweep, restored, len(keep) + len(more))

asyncio.run(main())
"""
    assert _python(code) == ["True", "True", "True", "True", "True", "1300"]


def test_sweeps_when_due_and_restores_the_collector_when_cancelled() -> None:
    code = """
import asyncio, gc
from kubepy import gcsteady

now = 0.0
current = 1000  # frozen objects when the mode starts
sweeps = []

async def sleep(seconds):
    global now, current
    now += seconds
    if now == 10.0:
        current = 1300  # grown a quarter, too soon after the start
    if now == 150.0:
        current = 1400  # grown a quarter past the last sweep, too soon after it
    if now > 230.0:
        raise asyncio.CancelledError

def frozen():
    return current

def do_sweep():
    global current
    sweeps.append(now)
    current = 1040
    return current

async def main():
    callbacks = list(gc.callbacks)
    thresholds = gc.get_threshold()
    task = asyncio.create_task(gcsteady.steady(
        gcsteady.Steady(growth=0.25, interval=100.0, check=10.0),
        clock=lambda: now, sleep=sleep, frozen=frozen, do_sweep=do_sweep))
    await asyncio.gather(task, return_exceptions=True)
    print(sweeps, gc.callbacks == callbacks, gc.get_threshold() == thresholds)

asyncio.run(main())
"""
    assert _python(code) == ["[100.0,", "200.0]", "True", "True"]
