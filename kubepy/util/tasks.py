"""Background tasks: a periodic one, and stopping them (cancel, then wait until they have ended)."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


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
