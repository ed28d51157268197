"""The watch cache's history, one event ring per resource.

Kubernetes runs a watch cache per resource, each with its own ring, so a busy resource (5,000
nodes renew a Lease every 10 s: 500 writes/s) never pushes a quiet one's history out: an informer
of ReplicationControllers resumes from its last revision, and a paged LIST of 150,000 pods keeps
its snapshot, however many Leases were renewed meanwhile. One ring shared by every resource would
roll over in seconds at that rate and answer both with 410 Gone.

A ring's floor is the oldest revision its resource can be read at; a resource with no ring yet
has had no change since the cache started, so `base` (the start revision) is its floor. A prefix
spanning several resources (rare: tools, "/registry/") is as old as its youngest ring.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from operator import attrgetter

from kubepy.storage.cached import Change
from kubepy.storage.fanout import slot_of
from kubepy.storage.key_index import bucket_of, under
from kubepy.storage.ring import EventRing

_revision = attrgetter("revision")


class ResourceRings:
    """An EventRing of at most `capacity` changes per resource ("bucket", see key_index)."""

    __slots__ = ("capacity", "base", "_rings")

    def __init__(self, capacity: int, base: int = 0) -> None:
        if capacity < 1:
            raise ValueError("ring capacity must be positive")
        self.capacity = capacity
        #: The revision the cache started at: every resource's history begins there.
        self.base = base
        self._rings: dict[str, EventRing] = {}

    def __len__(self) -> int:
        return sum(len(r) for r in self._rings.values())

    def reset(self, base: int) -> None:
        """Forget every change; history now starts at `base` (a fresh list)."""
        self._rings.clear()
        self.base = base

    def append(self, change: Change, bucket: str | None = None) -> None:
        """Add the newest change to its resource's ring (`bucket`: bucket_of its key, if known)."""
        if bucket is None:
            bucket = bucket_of(change.key)
        ring = self._rings.get(bucket)
        if ring is None:
            ring = self._rings[bucket] = EventRing(self.capacity, self.base)
        ring.append(change)

    def floor(self, prefix: str) -> int:
        """The oldest revision every key under `prefix` can be read or watched from."""
        return max((r.floor for r in self._covering(prefix)), default=self.base)

    def since(self, prefix: str, revision: int) -> list[Change]:
        """The changes of the resources under `prefix` after `revision`, oldest first (caller
        checked floor(); the changes may include keys of the resource outside `prefix`)."""
        rings = self._covering(prefix)
        if len(rings) == 1:
            return rings[0].since(revision)
        return list(heapq.merge(*(r.since(revision) for r in rings), key=_revision))

    def newest_first(self, prefix: str, after: int) -> Iterator[Change]:
        """The changes of the resources under `prefix` after `after`, newest first."""
        rings = self._covering(prefix)
        if len(rings) == 1:
            return rings[0].newest_first(after)
        return heapq.merge(*(r.newest_first(after) for r in rings), key=_revision, reverse=True)

    def _covering(self, prefix: str) -> list[EventRing]:
        """The rings whose resource holds keys under `prefix`."""
        if slot_of(prefix):
            ring = self._rings.get(bucket_of(prefix))
            return [] if ring is None else [ring]
        return [r for bucket, r in self._rings.items() if under(bucket, prefix)]
