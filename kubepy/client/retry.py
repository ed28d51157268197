"""When a failed request is tried again, and after how long: pure decisions, no I/O.

Like client-go's request retry: a 429 was never processed, so any verb may retry it; 5xx answers
and broken connections are retried only for idempotent verbs, since a POST or PATCH may have
happened before the failure. A Retry-After header or retryAfterSeconds wins over the backoff.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRIABLE_5XX = frozenset({500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 5
    base: float = 0.1  # seconds before the first retry
    cap: float = 5.0  # longest wait between tries
    jitter: float = 0.2  # up to +20%
    rand: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.cap)
        d = min(self.base * (2**attempt), self.cap)
        return d * (1 + self.jitter * self.rand())


NO_RETRY = RetryPolicy(max_retries=0)


def should_retry_status(method: str, code: int) -> bool:
    if code == 429:
        return True
    return code in RETRIABLE_5XX and method in IDEMPOTENT


def should_retry_error(method: str) -> bool:
    """A connection error (refused, reset, timed out) before an answer came."""
    return method in IDEMPOTENT


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(int(value))
    except ValueError:
        return None
