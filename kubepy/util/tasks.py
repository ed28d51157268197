"""Background tasks: starting them, a periodic one, and stopping them (cancel, then wait until they
have ended)."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskStarter:
    """`start(coro)`: asyncio.ensure_future for a component starting a task per pod (a bind, an
    Event burst), without asking for the running loop every time: in CPython 3.11 that costs a
    getpid syscall. The loop is asked again once the one remembered no longer runs (a component
    outliving its loop, in tests)."""

    __slots__ = ("_loop",)

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None

    def __call__(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        loop = self._loop
        if loop is None or not loop.is_running():
            loop = self._loop = asyncio.get_running_loop()
        return loop.create_task(coro)


async def repeat(period: float, action: Callable[[], Awaitable[Any] | Any], what: str) -> None:
    """Call `action` every `period` seconds until cancelled, awaiting what it returns when that
    is awaitable. An error is logged as "`what` failed" and the next round comes as usual: a
    periodic task never dies silently."""
    while True:
        await asyncio.sleep(period)
        try:
            result = action()
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("%s failed", what)


async def cancel_and_wait(*tasks: asyncio.Future[Any] | None) -> None:
    """Cancel `tasks` (None entries skipped) and wait for all of them to end, so nothing they
    hold is still in use when the caller goes on. Their cancellation is swallowed; an error one
    of them ended with is raised (the first, once all have ended); the caller's own cancellation
    while waiting propagates."""
    live = [t for t in tasks if t is not None]
    for t in live:
        t.cancel()
    if not live:
        return
    for outcome in await asyncio.gather(*live, return_exceptions=True):
        if isinstance(outcome, Exception):
            raise outcome
