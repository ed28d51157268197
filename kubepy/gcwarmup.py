"""The garbage collector while a process loads its state (then kubepy.gcsteady takes over).

CPython walks its whole oldest generation each time it grew by a quarter since the last full
walk. A process loading millions of long-lived objects (the watch cache, then in `kubepy up` the
informers' initial lists: three times 150,000 decoded pods at issue 4's size) walks a growing heap
again and again: a cold restart spent most of its CPU in the collector (billed to the orjson
decodes that triggered it), and ended with a heap each later full walk still has to cover.

While warming up, automatic collection is off. Every `period` seconds the young generations are
collected (a cycle among what was allocated since the previous tick is freed) and whatever
survives is frozen: moved to the permanent generation, never walked again (refcounting still frees
it). A tick costs what was allocated during it, never the whole heap. Warm-up ends once the process
is quiet - fewer than `quiet` new tracked objects per tick, `quiet_ticks` ticks in a row - or after
`limit` seconds; automatic collection is then on again. A tick taken while something is `loading()`
never counts as quiet: opening the storage allocates few tracked objects for seconds (bytes, in a
thread), and a warm-up that ended there left the informers' lists to the full collections. The
price: a cycle still alive at a tick that becomes garbage later is never freed, so this covers
start-up only, which leaves little of that.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WarmUp:
    #: Seconds between young collections (each followed by a freeze).
    period: float = 1.0
    #: Net new tracked objects per tick below which the process counts as quiet.
    quiet: int = 200_000
    #: Quiet ticks in a row that end the warm-up.
    quiet_ticks: int = 5
    #: Seconds after which the warm-up ends anyway.
    limit: float = 300.0


_loading = 0


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """Mark start-up work in progress (a storage open, an informer's list): the warm-up does not
    end meanwhile. Costs a counter; harmless once the warm-up is over."""
    global _loading
    _loading += 1
    try:
        yield
    finally:
        _loading -= 1


def is_loading() -> bool:
    return _loading > 0


def is_over(growth: Sequence[int], policy: WarmUp) -> bool:
    """Whether the last `quiet_ticks` ticks' net allocations (oldest first) were all quiet."""
    n = policy.quiet_ticks
    return len(growth) >= n and all(g < policy.quiet for g in list(growth)[-n:])


def collect_young_and_freeze() -> int:
    """One tick: the net new tracked objects since the last one, then collect them and freeze
    the survivors."""
    grown = gc.get_count()[0]  # allocations minus deallocations since the last collection
    gc.collect(1)
    gc.freeze()
    return grown


async def warm_up(
    policy: WarmUp = WarmUp(),
    *,
    tick: Callable[[], int] = collect_young_and_freeze,
    clock: Callable[[], float] = time.monotonic,
    busy: Callable[[], bool] = is_loading,
) -> None:
    """Run the warm-up (see the module docstring); automatic collection is on again when it
    returns or is cancelled."""
    was_enabled = gc.isenabled()
    gc.disable()
    started = clock()
    growth: deque[int] = deque(maxlen=policy.quiet_ticks)
    try:
        while True:
            await asyncio.sleep(policy.period)
            try:
                grown = tick()
            except Exception:  # never silently: end the warm-up, collect as usual
                log.exception("start-up collection tick failed")
                return
            growth.append(max(grown, policy.quiet) if busy() else grown)  # loading: never quiet
            if is_over(growth, policy) or clock() - started >= policy.limit:
                log.info(
                    "start-up collection over after %.0fs: %d objects frozen",
                    clock() - started,
                    gc.get_freeze_count(),
                )
                return
    finally:
        if was_enabled:
            gc.enable()
