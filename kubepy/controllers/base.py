"""The loop every controller shares: keys from a WorkQueue to `sync(key)`, failures requeued with
backoff, successes forgotten (client-go's processNextWorkItem). Subclasses only implement `sync`
and register informer handlers that enqueue keys."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from typing import Any

from kubepy.client.cache import DeletedFinalStateUnknown, key_of
from kubepy.client.clock import Clock
from kubepy.client.informer import Informer
from kubepy.client.workqueue import ShutDown, WorkQueue

log = logging.getLogger(__name__)
Obj = dict[str, Any]


def unwrap(obj: Obj | DeletedFinalStateUnknown) -> Obj:
    """The object of a delete, tombstone or not."""
    return obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj


class Controller:
    #: The name in logs, events and `--controllers`.
    name = "controller"
    #: Workers running sync concurrently (--concurrent-*-syncs).
    workers = 5

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.queue = WorkQueue(clock)
        self._informers: list[Informer] = []

    def watches(self, *informers: Informer) -> None:
        """Informers whose first sync the workers wait for."""
        self._informers.extend(informers)

    def enqueue(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        self.queue.add(key_of(obj) if isinstance(obj, dict) else obj.key)

    async def sync(self, key: Hashable) -> float | None:
        """Bring one object to its desired state; raise to be retried with backoff, or return a
        delay after which the key is looked at again (None: nothing to wait for)."""
        raise NotImplementedError

    async def run(self) -> None:
        await asyncio.gather(*(i.wait_for_sync() for i in self._informers))
        log.info("%s: caches synced, starting %d workers", self.name, self.workers)
        try:
            await asyncio.gather(*(self._worker() for _ in range(self.workers)))
        finally:
            self.queue.shutdown()

    async def process_one(self) -> bool:
        """Sync the next key; False once the queue is shut down."""
        try:
            key = await self.queue.get()
        except ShutDown:
            return False
        try:
            again = await self.sync(key)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.info("%s: sync %r failed, requeued: %s", self.name, key, e)
            log.debug("%s: sync %r failure", self.name, key, exc_info=True)
            self.queue.add_rate_limited(key)
        else:
            self.queue.forget(key)
            if again is not None:
                self.queue.add_after(key, again)
        finally:
            self.queue.done(key)
        return True

    async def _worker(self) -> None:
        while await self.process_one():
            pass
