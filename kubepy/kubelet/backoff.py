"""The crash-loop backoff (kubelet's flowcontrol.Backoff for container restarts), pure state.

The first restart of a container is immediate; each further one waits twice as long as the last,
from 10 s up to 300 s, counted from when the container exited. A container that stayed up long
enough (twice the cap since the last restart) starts over from 10 s.
"""

from __future__ import annotations

from dataclasses import dataclass

INITIAL = 10.0
MAX = 300.0


@dataclass(slots=True)
class _Entry:
    delay: float
    last_update: float


class Backoff:
    def __init__(self, initial: float = INITIAL, cap: float = MAX) -> None:
        self.initial = initial
        self.cap = cap
        self._entries: dict[tuple[str, str], _Entry] = {}

    def in_backoff_since(self, key: tuple[str, str], finished_at: float, now: float) -> float | None:
        """When the wait after an exit at `finished_at` ends, if it has not yet; else None."""
        e = self._entries.get(key)
        if e is None or now - e.last_update > 2 * self.cap:
            return None
        until = finished_at + e.delay
        return until if now < until else None

    def delay(self, key: tuple[str, str]) -> float:
        e = self._entries.get(key)
        return e.delay if e else 0.0

    def next(self, key: tuple[str, str], now: float) -> None:
        """A restart happens now: the following one waits longer."""
        e = self._entries.get(key)
        if e is None or now - e.last_update > 2 * self.cap:
            self._entries[key] = _Entry(self.initial, now)
        else:
            e.delay = min(e.delay * 2, self.cap)
            e.last_update = now

    def forget_pod(self, pod_uid: str) -> None:
        for key in [k for k in self._entries if k[0] == pod_uid]:
            del self._entries[key]
