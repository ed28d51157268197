"""How long a failing key waits before its next try (client-go util/workqueue rate limiters).

Pure bookkeeping over an injected clock: the queue asks `when(key)` and sleeps that long.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

from kubepy.client.clock import REAL, Clock


class RateLimiter(Protocol):
    def when(self, item: Hashable) -> float: ...

    def forget(self, item: Hashable) -> None: ...

    def num_requeues(self, item: Hashable) -> int: ...


class ItemExponentialFailureRateLimiter:
    """base · 2^failures per item, capped: 5 ms, 10 ms, 20 ms ... 1000 s until `forget`."""

    def __init__(self, base: float = 0.005, cap: float = 1000.0) -> None:
        self.base = base
        self.cap = cap
        self._failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        exp = self._failures.get(item, 0)
        self._failures[item] = exp + 1
        if exp >= 64:  # 2**64 · base overflows any cap
            return self.cap
        return min(self.base * (2**exp), self.cap)

    def forget(self, item: Hashable) -> None:
        self._failures.pop(item, None)

    def num_requeues(self, item: Hashable) -> int:
        return self._failures.get(item, 0)


class BucketRateLimiter:
    """An overall token bucket (qps, burst) shared by all keys: a storm of failures cannot
    hammer the apiserver even when each key's own backoff is still short."""

    def __init__(self, qps: float = 10.0, burst: int = 100, clock: Clock = REAL) -> None:
        self.qps = qps
        self.burst = burst
        self.clock = clock
        self._tokens = float(burst)
        self._last = clock.now()

    def when(self, item: Hashable) -> float:
        now = self.clock.now()
        self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.qps)
        self._last = now
        self._tokens -= 1  # reserve, even into debt: the wait grows with the debt
        return 0.0 if self._tokens >= 0 else -self._tokens / self.qps

    def forget(self, item: Hashable) -> None:
        pass

    def num_requeues(self, item: Hashable) -> int:
        return 0


class MaxOfRateLimiter:
    """The longest wait any of the limiters asks for."""

    def __init__(self, *limiters: RateLimiter) -> None:
        self.limiters = limiters

    def when(self, item: Hashable) -> float:
        return max(limiter.when(item) for limiter in self.limiters)

    def forget(self, item: Hashable) -> None:
        for limiter in self.limiters:
            limiter.forget(item)

    def num_requeues(self, item: Hashable) -> int:
        return max(limiter.num_requeues(item) for limiter in self.limiters)


def default_controller_rate_limiter(clock: Clock = REAL) -> RateLimiter:
    """client-go's DefaultControllerRateLimiter: per-item 5 ms..1000 s and 10 qps / burst 100."""
    return MaxOfRateLimiter(
        ItemExponentialFailureRateLimiter(0.005, 1000.0), BucketRateLimiter(10.0, 100, clock)
    )
