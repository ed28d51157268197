"""Stopping background tasks: cancel, then wait until they have really ended."""

from __future__ import annotations

import asyncio
from typing import Any


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
