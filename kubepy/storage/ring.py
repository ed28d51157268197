"""The event ring: the last `capacity` changes, in revision order, searchable by revision.

Kubernetes' watchCache keeps a cyclic buffer of events so a watch can resume from any revision
still inside it and anything older gets 410 Gone (`watch_cache.go`). A list with a moving start
offset does the same here: appends are O(1), dropped entries are cut off in amortized O(1), and
finding where a revision starts is a bisect.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from operator import attrgetter

from kubepy.storage.cached import Change

_revision = attrgetter("revision")

#: Changes keeping the wire lines built for their watchers: live watchers are sent a change long
#: before this many newer ones arrive, so older lines would only be a second copy of the bytes.
LINE_KEEP = 1024


class EventRing:
    """The newest `capacity` changes; `floor` is the oldest revision a reader may start from."""

    __slots__ = ("capacity", "floor", "_buf", "_start")

    def __init__(self, capacity: int, floor: int = 0) -> None:
        if capacity < 1:
            raise ValueError("ring capacity must be positive")
        self.capacity = capacity
        #: Every change with a revision above `floor` is still here.
        self.floor = floor
        self._buf: list[Change] = []
        self._start = 0

    def __len__(self) -> int:
        return len(self._buf) - self._start

    def reset(self, floor: int) -> None:
        """Forget every change; history now starts at `floor` (a fresh list)."""
        self._buf.clear()
        self._start = 0
        self.floor = floor

    def append(self, change: Change) -> None:
        """Add the newest change, dropping the oldest when full; the change `LINE_KEEP` older
        lets go of its wire lines (see Change.release)."""
        buf = self._buf
        buf.append(change)
        old = len(buf) - 1 - LINE_KEEP
        if old >= self._start:
            buf[old].release()
        if len(buf) - self._start > self.capacity:
            self._start += 1
            # Like Kubernetes: the oldest resumable revision is just below the oldest kept change.
            self.floor = buf[self._start].revision - 1
            if self._start >= self.capacity:
                del buf[: self._start]
                self._start = 0

    def covers(self, revision: int) -> bool:
        """Whether every change after `revision` is still here."""
        return revision >= self.floor

    def since(self, revision: int) -> list[Change]:
        """The changes with a revision above `revision`, oldest first (caller checks covers())."""
        i = bisect_right(self._buf, revision, lo=self._start, key=_revision)
        return self._buf[i:]

    def newest_first(self, after: int) -> Iterator[Change]:
        """The changes with a revision above `after`, newest first."""
        buf = self._buf
        stop = bisect_right(buf, after, lo=self._start, key=_revision)
        for i in range(len(buf) - 1, stop - 1, -1):
            yield buf[i]
