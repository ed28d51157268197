"""A shared informer: a reflector keeping a Store in step with the apiserver, and event handlers.

The reflector (client-go tools/cache/reflector.go) LISTs page by page, then WATCHes from the list's
resourceVersion with bookmarks. A watch that ends or breaks resumes from the last revision seen; a
410 Expired (the revision fell out of the server's window) means events were lost, so it lists
again and diffs: objects gone meanwhile reach on_delete as DeletedFinalStateUnknown tombstones.
In watch-list mode the initial state streams as events instead (sendInitialEvents=true) and the
store is replaced when the k8s.io/initial-events-end bookmark arrives.

Handlers should only enqueue keys (STYLE.md §3); they may be plain or async functions.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from kubepy import gcwarmup
from kubepy.client.cache import DeletedFinalStateUnknown, IndexFunc, Store, key_of
from kubepy.client.clock import REAL, Clock
from kubepy.client.errors import ApiError, is_expired
from kubepy.client.resources import ResourceRef, path
from kubepy.client.rest import RESTClient
from kubepy.client.shared import LISTS
from kubepy.client.watch import WatchEvent
from kubepy.util.tasks import cancel_and_wait

log = logging.getLogger(__name__)
Obj = dict[str, Any]

#: The smallest LIST page of an informer in the apiserver's process. Each page is a round trip
#: through the one event loop, which at a restart of 150,000 pods also runs 5,000 kubelets'
#: heartbeats: in pages of 500 the list waited on the loop far longer than it worked; in pages
#: of 5,000 the Lease renewals waited on the list (measured at a 150,000-pod restart).
IN_PROCESS_PAGE = 2000
#: The reflector's backoff after a failed list or watch (client-go: 800 ms doubling to 30 s).
BACKOFF_BASE = 0.8
BACKOFF_CAP = 30.0


@dataclass(frozen=True, slots=True)
class Handler:
    on_add: Callable[[Obj], Any] | None = None
    on_update: Callable[[Obj, Obj], Any] | None = None
    on_delete: Callable[[Obj | DeletedFinalStateUnknown], Any] | None = None


class _Incomplete(Exception):
    """A watch-list stream ended before its initial-events-end bookmark."""


class Informer:
    def __init__(
        self,
        client: RESTClient,
        ref: ResourceRef,
        namespace: str = "",
        *,
        label_selector: str = "",
        field_selector: str = "",
        indexers: Mapping[str, IndexFunc] | None = None,
        resync_period: float = 0.0,
        page_size: int = 500,
        watch_list: bool = False,
        trim_managed_fields: bool = False,
        clock: Clock | None = None,
    ) -> None:
        self.client = client
        self.ref = ref
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.store = Store(indexers)
        self.resync_period = resync_period
        self.page_size = page_size
        self.watch_list = watch_list
        #: Cached objects without metadata.managedFields (client/trim.py), as the informers of
        #: kube-controller-manager and kube-scheduler keep them.
        self.trim_managed_fields = trim_managed_fields
        self.clock = clock or client.clock or REAL
        #: The revision to resume watching from: the last list's, then of every event seen.
        self.resource_version = ""
        self._handlers: list[Handler] = []
        #: The handlers of each kind ("on_add", ...), in the order added: a dispatch walks only
        #: those it calls.
        self._by_kind: dict[str, list[Callable[..., Any]]] = {"on_add": [], "on_update": [], "on_delete": []}
        self._synced = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # ---- public ------------------------------------------------------------------------------
    def add_event_handler(
        self,
        on_add: Callable[[Obj], Any] | None = None,
        on_update: Callable[[Obj, Obj], Any] | None = None,
        on_delete: Callable[[Obj | DeletedFinalStateUnknown], Any] | None = None,
    ) -> None:
        """Register handlers; added after the sync, they first get every cached object as an add."""
        h = Handler(on_add, on_update, on_delete)
        self._handlers.append(h)
        for which, fn in (("on_add", on_add), ("on_update", on_update), ("on_delete", on_delete)):
            if fn is not None:
                self._by_kind[which].append(fn)
        if self.has_synced() and on_add is not None:
            for obj in self.store.list():
                result = on_add(obj)
                if inspect.isawaitable(result):  # an async handler: run it, do not drop it
                    asyncio.ensure_future(result)

    def has_synced(self) -> bool:
        """The first full state (list or initial events) is in the store and was handed out."""
        return self._synced.is_set()

    async def wait_for_sync(self) -> None:
        await self._synced.wait()

    def start(self) -> None:
        if self._tasks:
            return
        self._tasks.append(asyncio.ensure_future(self._reflect()))
        if self.resync_period > 0:
            self._tasks.append(asyncio.ensure_future(self._resync_loop()))

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        await cancel_and_wait(*tasks)

    # ---- the reflector -----------------------------------------------------------------------
    async def _reflect(self) -> None:
        failures = 0
        use_watch_list = self.watch_list
        while True:
            try:
                if use_watch_list:
                    await self._watch_list()
                else:
                    await self._list()
                failures = 0
                await self._watch_until_expired()
                log.info(
                    "%s: watch expired at revision %s, relisting", self.ref.plural, self.resource_version
                )
                self.resource_version = ""
                continue
            except ApiError as e:
                if is_expired(e):
                    self.resource_version = ""
                    continue
                if use_watch_list and e.code in (400, 422) and not self.has_synced():
                    log.info(
                        "%s: the server refused a streaming list (%s); listing instead", self.ref.plural, e
                    )
                    use_watch_list = False
                    continue
                log.warning("%s: list/watch failed: %s", self.ref.plural, e)
            except (httpx.TransportError, _Incomplete) as e:
                log.warning("%s: list/watch failed: %s", self.ref.plural, e)
            await self.clock.sleep(min(BACKOFF_BASE * 2**failures, BACKOFF_CAP))
            failures += 1

    async def _list(self) -> None:
        with gcwarmup.loading():  # the collector's start-up mode lasts while informers load
            fresh, rv = await LISTS.share(self._list_key(), self._list_all)
            await self._replace(fresh, rv)

    def _list_key(self) -> Hashable | None:
        """In process, informers listing the same thing at once share one LIST (shared.py)."""
        peer = self.client.peer
        if peer is None:
            return None
        return (
            peer,
            path(self.ref, self.namespace),
            self.label_selector,
            self.field_selector,
            self.trim_managed_fields,
        )

    async def _list_all(self) -> tuple[dict[str, Obj], str]:
        """Every item by its key (computed once for all informers sharing the list)."""
        page = self.page_size
        if self.client.peer is not None and 0 < page < IN_PROCESS_PAGE:
            page = IN_PROCESS_PAGE
        items, rv = await self.client.list_all(
            self.ref,
            self.namespace,
            page_size=page,
            label_selector=self.label_selector,
            field_selector=self.field_selector,
            shared=True,  # one decoded copy per item for the process's informers (shared.py)
            trim_managed_fields=self.trim_managed_fields,
        )
        return {key_of(o): o for o in items}, rv

    async def _watch_list(self) -> None:
        """The initial state as a stream of ADDED events, replacing the store at the end bookmark;
        the same stream then goes on as an ordinary watch."""
        initial: dict[str, Obj] = {}
        done = False
        with contextlib.ExitStack() as initial_load:
            initial_load.enter_context(gcwarmup.loading())
            async with self._watch(send_initial_events=True) as events:
                async for ev in events:
                    if done:
                        pending = self._apply(ev)
                        if pending is not None:
                            await pending
                    elif ev.ends_initial_events:
                        await self._replace(initial, ev.resource_version)
                        done = True
                        initial_load.close()
                    elif ev.type in ("ADDED", "MODIFIED"):
                        initial[key_of(ev.object)] = ev.object
                    elif ev.type == "DELETED":
                        initial.pop(key_of(ev.object), None)
        if not done:
            raise _Incomplete("the stream ended before k8s.io/initial-events-end")

    async def _watch_until_expired(self) -> None:
        """Watch from the current revision, resuming after every end or break; returns on 410.
        A stream that brought nothing at all backs off first, so a server closing watches at
        once (shutting down, overloaded) is not hammered."""
        failures = 0
        while True:
            got = False
            try:
                async with self._watch() as events:
                    async for batch in events.batches():
                        got = True
                        for ev in batch:
                            pending = self._apply(ev)
                            if pending is not None:  # an async handler
                                await pending
            except ApiError as e:
                if is_expired(e):
                    return
                raise
            except httpx.TransportError as e:
                log.info("%s: watch connection failed (%s); retrying", self.ref.plural, e)
            if got:
                failures = 0
                continue
            await self.clock.sleep(min(BACKOFF_BASE * 2**failures, BACKOFF_CAP))
            failures += 1

    def _watch(self, send_initial_events: bool | None = None) -> Any:
        return self.client.watch(
            self.ref,
            self.namespace,
            resource_version=self.resource_version,
            label_selector=self.label_selector,
            field_selector=self.field_selector,
            allow_bookmarks=True,
            send_initial_events=send_initial_events,
            trim_managed_fields=self.trim_managed_fields,
        )

    # ---- store updates and handler dispatch --------------------------------------------------
    def _apply(self, ev: WatchEvent) -> Awaitable[None] | None:
        """The event into the store and to the handlers, at once; what is left to await when a
        handler is async (the rest then runs after it, in the same order). Most handlers only
        enqueue: no coroutine per event and informer then."""
        t = ev.type
        if t == "ADDED" or t == "MODIFIED":
            old = self.store.add(ev.object)
            if old is None:
                pending = self._emit_now("on_add", (ev.object,))
            else:
                pending = self._emit_now("on_update", (old, ev.object))
        elif t == "DELETED":
            self.store.delete(ev.object)
            pending = self._emit_now("on_delete", (ev.object,))
        else:
            pending = None
        if pending is not None:
            return self._advance_after(pending, ev)
        if rv := ev.resource_version:
            self.resource_version = rv
        return None

    async def _advance_after(self, pending: Awaitable[None], ev: WatchEvent) -> None:
        await pending
        if rv := ev.resource_version:
            self.resource_version = rv

    async def _replace(self, fresh: Mapping[str, Obj], rv: str) -> None:
        """Make the store exactly `fresh` (objects by key): adds, updates, and tombstones for what
        vanished."""
        for key, obj in fresh.items():
            old = self.store.put(key, obj)
            if old is None:
                await self._emit("on_add", obj)
            else:
                await self._emit("on_update", old, obj)
        for key in [k for k in self.store.keys() if k not in fresh]:
            old = self.store.delete(key)
            if old is not None:
                await self._emit("on_delete", DeletedFinalStateUnknown(key, old))
        self.resource_version = rv
        self._synced.set()

    async def _resync_loop(self) -> None:
        """Every period, hand every cached object to on_update (old == new), as client-go's resync:
        a controller that missed acting on something gets another chance."""
        while True:
            await self.clock.sleep(self.resync_period)
            if self.has_synced():
                for obj in self.store.list():
                    await self._emit("on_update", obj, obj)

    async def _emit(self, which: str, *args: Any) -> None:
        pending = self._emit_now(which, args)
        if pending is not None:
            await pending

    def _emit_now(
        self, which: str, args: tuple[Any, ...], handlers: Iterator[Callable[..., Any]] | None = None
    ) -> Awaitable[None] | None:
        """Call the handlers (the rest of `handlers`, else all of kind `which`); at the first one
        answering an awaitable, what awaits it and then calls the others. (A list iterator: a
        handler added meanwhile gets this event too, as it would in a loop over the list.)"""
        it = iter(self._by_kind[which]) if handlers is None else handlers
        for fn in it:
            try:
                result = fn(*args)
            except Exception:  # a handler bug must not stop the informer
                log.exception("%s: %s handler failed", self.ref.plural, which)
                continue
            if result is not None and inspect.isawaitable(result):  # most handlers return None
                return self._emit_rest(which, args, result, it)
        return None

    async def _emit_rest(
        self,
        which: str,
        args: tuple[Any, ...],
        result: Awaitable[Any],
        handlers: Iterator[Callable[..., Any]],
    ) -> None:
        try:
            await result
        except Exception:  # a handler bug must not stop the informer
            log.exception("%s: %s handler failed", self.ref.plural, which)
        pending = self._emit_now(which, args, handlers)
        if pending is not None:
            await pending
