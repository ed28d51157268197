"""Controller expectations: how many creates and which deletes a controller is still waiting to
see through its informer (client-go's UIDTrackingControllerExpectations).

A controller that just created 3 pods must not count them missing before the watch delivers
them, or it would create 3 more. While expectations are unsatisfied the controller does not
create or delete; they lapse after a TTL (5 minutes) in case a watch event was lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubepy.client.clock import Clock

EXPECTATIONS_TTL = 300.0


@dataclass
class _Expected:
    adds: int
    deletes: set[str]
    at: float


class Expectations:
    def __init__(self, clock: Clock, ttl: float = EXPECTATIONS_TTL) -> None:
        self.clock = clock
        self.ttl = ttl
        self._by_key: dict[str, _Expected] = {}

    def satisfied(self, key: str) -> bool:
        """True when nothing is pending, the expectations lapsed, or none were ever set."""
        e = self._by_key.get(key)
        if e is None:
            return True
        if e.adds <= 0 and not e.deletes:
            return True
        return self.clock.now() - e.at > self.ttl

    def expect_creations(self, key: str, n: int) -> None:
        self._by_key[key] = _Expected(n, set(), self.clock.now())

    def expect_deletions(self, key: str, pod_keys: list[str]) -> None:
        self._by_key[key] = _Expected(0, set(pod_keys), self.clock.now())

    def creation_observed(self, key: str) -> None:
        e = self._by_key.get(key)
        if e is not None:
            e.adds -= 1

    lower_creations = creation_observed

    def deletion_observed(self, key: str, pod_key: str) -> None:
        e = self._by_key.get(key)
        if e is not None:
            e.deletes.discard(pod_key)

    def pending(self, key: str) -> tuple[int, int]:
        """(creates, deletes) still expected."""
        e = self._by_key.get(key)
        return (0, 0) if e is None else (max(e.adds, 0), len(e.deletes))

    def delete(self, key: str) -> None:
        self._by_key.pop(key, None)
