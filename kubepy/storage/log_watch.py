"""Watch streams fed by committed batches, falling back to the log when a consumer is behind.

A watcher registers before it reads anything, then replays the log after its start revision in
chunks; from then on committed batches are pushed into a bounded buffer. Events are ordered by
revision and a watcher remembers the last revision it passed on, so anything seen twice (in a log
read and again in the buffer) is skipped and nothing can fall in between. A consumer too slow for
its buffer is never buffered without bound: its buffer is dropped and it goes back to reading the
log, which raises Compacted if it fell out of the retention window meanwhile.

A watcher is an async iterator object, not a generator, so cancelling one `__anext__` (a timeout
around it) leaves the stream usable.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from kubepy.storage.interface import Compacted, Event

#: read_log(after, prefix, limit) -> (events under prefix, last revision scanned, caught up).
#: Scans at most `limit` log entries after `after`; raises Compacted if `after` is too old.
ReadLog = Callable[[int, str, int], tuple[list[Event], int, bool]]


class Watcher:
    def __init__(
        self,
        prefix: str,
        after: int,
        read_log: ReadLog,
        release: Callable[[Watcher], None],
        capacity: int = 10_000,
        chunk: int = 1000,
    ) -> None:
        self.prefix = prefix
        self.position = after  # every event up to here was handed out or queued in `_ready`
        self.capacity = capacity
        self.buffer: deque[Event] = deque()  # live events, bounded by capacity
        self.lagging = True  # the log holds events the buffer does not
        self.closed = False
        self._ready: deque[Event] = deque()  # the last log chunk read, to hand out first
        self._read_log = read_log
        self._release = release
        self._chunk = chunk
        self._wake = asyncio.Event()

    def offer(self, events: list[Event]) -> None:
        """Called in the loop with every committed batch."""
        if self.lagging or self.closed:
            return
        prefix = self.prefix
        for ev in events:
            if ev.key.startswith(prefix):
                if len(self.buffer) >= self.capacity:
                    self.buffer.clear()
                    self.lagging = True
                    break
                self.buffer.append(ev)
        self._wake.set()

    def close(self) -> None:
        """End the stream (after what is already buffered)."""
        self.closed = True
        self._wake.set()
        self._release(self)

    def __aiter__(self) -> Watcher:
        return self

    async def __anext__(self) -> Event:
        while True:
            if self._ready:
                return self._ready.popleft()
            if self.lagging:
                if self.closed:
                    raise StopAsyncIteration
                self._catch_up()
            elif self.buffer:
                ev = self.buffer.popleft()
                if ev.revision > self.position:
                    self.position = ev.revision
                    return ev
            elif self.closed:
                raise StopAsyncIteration
            else:
                self._wake.clear()
                await self._wake.wait()

    def _catch_up(self) -> None:
        """Read the next log chunk; synchronous, so no batch is offered while it runs."""
        self.lagging = False
        try:
            found, scanned, caught_up = self._read_log(self.position, self.prefix, self._chunk)
        except Compacted:
            self.close()
            raise
        self.lagging = not caught_up
        self._ready.extend(ev for ev in found if ev.revision > self.position)
        self.position = max(self.position, scanned)

    async def aclose(self) -> None:
        self.close()
