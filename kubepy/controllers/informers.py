"""Shared informers: one watch per resource, however many controllers read it (client-go's
SharedInformerFactory). Indexers asked for by several controllers are merged into one store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from kubepy.client.cache import STANDARD_INDEXERS, IndexFunc
from kubepy.client.clock import Clock
from kubepy.client.informer import Informer
from kubepy.client.resources import ResourceRef
from kubepy.client.rest import RESTClient

T = TypeVar("T")


class SharedInformers:
    def __init__(self, client: RESTClient, clock: Clock, *, resync_period: float = 0.0) -> None:
        self.client = client
        self.clock = clock
        self.resync_period = resync_period
        self._informers: dict[ResourceRef, Informer] = {}
        self._derived: dict[str, Any] = {}
        self._started = False

    def get(self, ref: ResourceRef, indexers: Mapping[str, IndexFunc] | None = None) -> Informer:
        """The informer of `ref` (with the standard indexes plus `indexers`); started at once if
        the factory already runs (late comers, e.g. the garbage collector's discovered kinds)."""
        inf = self._informers.get(ref)
        if inf is None:
            inf = Informer(
                self.client,
                ref,
                indexers=STANDARD_INDEXERS,
                resync_period=self.resync_period,
                clock=self.clock,
                trim_managed_fields=True,  # as kube-controller-manager's factory (client/trim.py)
            )
            self._informers[ref] = inf
            if self._started:
                inf.start()
        missing = {n: f for n, f in (indexers or {}).items() if n not in inf.store._indexers}
        if missing:
            inf.store.add_indexers(missing)
        return inf

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """State kept from informer events that several controllers read (the replication
        managers' pod index): made, and its handlers registered, once per factory."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]

    def start(self) -> None:
        self._started = True
        for inf in self._informers.values():
            inf.start()

    async def wait_for_sync(self, refs: Iterable[ResourceRef] | None = None) -> None:
        targets = [self._informers[r] for r in refs] if refs is not None else list(self._informers.values())
        await asyncio.gather(*(i.wait_for_sync() for i in targets))

    def informers(self) -> dict[ResourceRef, Informer]:
        return dict(self._informers)

    async def stop(self) -> None:
        self._started = False
        await asyncio.gather(*(i.stop() for i in self._informers.values()))
