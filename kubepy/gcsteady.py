"""The garbage collector once a long-running process is warm (after gcwarmup).

Refcounting frees nearly all of a component's garbage, so a young collection mostly walks objects
that survive it: the caches' decoded objects. CPython then walks each survivor again in the middle
generation and again in every full collection, in pauses that grow with the heap, on the one event
loop, straight into pod startup latency. Here whatever survives a collection is frozen at once
(moved to the permanent generation), so each object is walked once, in a pause the size of one
young generation. In issue 4's 30,000-pod end-to-end run that took the collector from 2.7 s to
2.1 s and its longest pause from 350–410 ms to 170–200 ms. A smaller young generation shortens the
pauses further but costs more in all (50,000: 3.7–4.1 s, 120 ms): each collection also walks
what is in flight at that moment.

Freezing gives up finding cycles among frozen objects that become garbage later; a sweep takes
them back: the heap is unfrozen, fully collected and frozen again once the frozen heap has grown
by `growth` since the last sweep (CPython's own rule for full collections) and at least `interval`
seconds have passed. A process at rest does not grow, so it is not swept; leaked cycles grow the
frozen heap, so they are bounded by the same quarter CPython allows its oldest generation.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Steady:
    #: Net new tracked objects that start a (young) collection: the size of one pause.
    young: int = 200_000
    #: A sweep needs the frozen heap this much bigger than after the previous sweep...
    growth: float = 0.25
    #: ...and this many seconds since it.
    interval: float = 300.0
    #: Seconds between sweep checks.
    check: float = 10.0


def should_sweep(frozen: int, baseline: int, now: float, last: float, policy: Steady) -> bool:
    """Whether the frozen heap (`frozen` objects; `baseline` after the last sweep at `last`) is
    due a sweep at `now`."""
    return frozen > baseline * (1 + policy.growth) and now - last >= policy.interval


def freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    """gc callback: once a collection is over, what it left behind is frozen."""
    if phase == "stop":
        gc.freeze()


def sweep() -> int:
    """Collect the whole heap, frozen part included; the frozen count after it."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


async def steady(
    policy: Steady = Steady(),
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    frozen: Callable[[], int] = gc.get_freeze_count,
    do_sweep: Callable[[], int] = sweep,
) -> None:
    """Run the steady mode until cancelled; the collector's thresholds and callbacks are as they
    were once it returns."""
    thresholds = gc.get_threshold()
    gc.set_threshold(policy.young, *thresholds[1:])
    gc.callbacks.append(freeze_survivors)
    baseline, last = frozen(), clock()
    try:
        while True:
            await sleep(policy.check)
            if should_sweep(frozen(), baseline, clock(), last, policy):
                started = clock()
                before = frozen()
                baseline, last = do_sweep(), clock()
                log.info("collector sweep: %d frozen objects → %d in %.2fs", before, baseline, last - started)
    finally:
        gc.callbacks.remove(freeze_survivors)
        gc.set_threshold(*thresholds)
