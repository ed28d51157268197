"""LIST answers decoded once per process: each item's bytes are decoded the first time only.

In `kubepy up` the controller-manager, the scheduler and the kubelets each keep every pod in an
informer. Watch events are decoded once per process and shared (watch.decode_shared), so a cluster
that got to its state through watches holds one copy of each pod; but each informer's initial
LIST decoded its own, so after a restart of 150,000 pods every pod was decoded three times and
held three times until it next changed (2.7 GiB more than before the restart).

An in-process informer's LIST answer goes through `decode_list`: the answer is split into its
items' bytes and each item is looked up by the SHA-256 of its bytes; an item decoded before (by
another informer's list) is handed out again, the same dict. Equal bytes decode to equal objects,
and informers' objects are shared and never mutated. The split relies on the apiserver's layout
(`{...,"items":[` then the items, each starting with the same `{"kind":…,"metadata":` prefix,
then `]}`) and checks it: any item that does not decode to an object on its own, or an answer of
another shape, is decoded whole instead, exactly as before.

Informers that list the same thing while one such LIST is in flight (in `kubepy up` the
scheduler's, the kubelets' and the controller-manager's pods at a restart) wait for its answer
instead of asking again (`LISTS`): the state as of when that list began, as client-go's
reflector gets from its first list at resourceVersion 0 (served from the watch cache, however
far behind); each then watches from its revision, so nothing after it is missed. The answer is
the same list object: informers only read it.

The memo keeps only objects held elsewhere too: entries nobody else refers to any more (replaced
in every store since) are dropped once it has doubled since the last sweep, and every
SWEEP_PERIOD seconds while it holds anything, so what the informers let go of is not kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

import orjson

from kubepy.client.trim import trim_items, trim_managed_fields

Obj = dict[str, Any]
Key = tuple[bytes, bytes]  # (the items' common prefix, the SHA-256 of the rest of the item)

ITEMS = b'"items":['
METADATA = b'"metadata":'
#: Entries below which the memo is not swept as it grows.
MIN_SWEEP = 4096
#: Seconds between sweeps while the memo holds anything.
SWEEP_PERIOD = 30.0

_getrefcount = sys.getrefcount
#: The item digest: SHA-256 runs in hardware on today's x86 and ARM CPUs (twice blake2b's speed
#: on a 3.5 KB pod); one per item of every in-process LIST page, 450,000 at a 150,000-pod restart.
_sha256 = hashlib.sha256


def _refcounts(objs: dict[Key, Obj]) -> list[tuple[Key, int]]:
    return [(k, _getrefcount(o)) for k, o in objs.items()]


#: What _refcounts says of an object only the memo holds (measured, not assumed: the loop's own
#: references depend on the interpreter).
_ALONE = _refcounts({(b"", b""): {}})[0][1]


class SharedDecoder:
    """A memo of decoded LIST items by the digest of their bytes."""

    __slots__ = ("_objs", "_swept_size", "_timer", "_timer_loop", "_trim")

    def __init__(self, trim: bool = False) -> None:
        #: Items lose metadata.managedFields as they are decoded (trim.py).
        self._trim = trim
        self._objs: dict[Key, Obj] = {}
        self._swept_size = 0
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    def __len__(self) -> int:
        return len(self._objs)

    def decode_list(self, body: bytes) -> Any:
        """The decoded answer, as orjson.loads(body) (None when it is not JSON, as the client's
        other answers), with items decoded before reused."""
        out = self._split(body)
        if out is None:
            try:
                whole = orjson.loads(body)
            except orjson.JSONDecodeError:
                return None
            return trim_items(whole) if self._trim else whole
        if len(self._objs) >= max(MIN_SWEEP, 2 * self._swept_size):
            self.sweep()
        self._arm()
        return out

    def _arm(self) -> None:
        """Sweep again in SWEEP_PERIOD seconds, on the running loop (none outside one; a timer
        left on a loop that has since closed never fires, so one is armed on this loop)."""
        if not self._objs:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._timer is not None and self._timer_loop is loop:
            return
        self._timer_loop = loop
        self._timer = loop.call_later(SWEEP_PERIOD, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self.sweep()
        self._arm()

    def _split(self, body: bytes) -> Obj | None:
        start = body.find(ITEMS)
        if start < 0 or not body.endswith(b"]}"):
            return None
        start += len(ITEMS)
        try:
            envelope = orjson.loads(body[:start] + b"]}")
        except orjson.JSONDecodeError:
            return None
        if type(envelope) is not dict or envelope.get("items") != []:  # noqa: E721
            return None
        region = body[start:-2]
        if not region:
            return envelope
        end = region.find(METADATA)
        if end < 0 or region[:1] != b"{":
            return None
        prefix = region[: end + len(METADATA)]
        parts = region.split(b"}," + prefix)
        # every item is prefix + rest + "}": the first part still has the prefix, the last its "}"
        parts[0] = parts[0][len(prefix) :]
        if not parts[-1].endswith(b"}"):
            return None
        parts[-1] = parts[-1][:-1]
        objs = self._objs
        items = []
        for rest in parts:
            key = (prefix, _sha256(rest).digest())
            obj = objs.get(key)
            if obj is None:
                try:  # a piece cut inside an item leaves a bracket open: never valid JSON
                    obj = orjson.loads(prefix + rest + b"}")
                except orjson.JSONDecodeError:
                    return None
                if type(obj) is not dict:  # noqa: E721
                    return None
                if self._trim:
                    trim_managed_fields(obj)
                objs[key] = obj
            items.append(obj)
        envelope["items"] = items
        return envelope

    def sweep(self) -> int:
        """Drop the entries whose object nobody else holds; how many were dropped."""
        objs = self._objs
        dead = [k for k, n in _refcounts(objs) if n <= _ALONE]
        for k in dead:
            del objs[k]
        self._swept_size = len(objs)
        return len(dead)


#: The process's memo (informers over an in-process transport use it).
SHARED = SharedDecoder()
#: The same for informers trimming managedFields (trim.py): their items are other objects.
SHARED_TRIMMED = SharedDecoder(trim=True)


T = TypeVar("T")


class _Abandoned(Exception):
    """The list a caller waited for was cancelled (its informer stopped): list anew."""


class SharedLists:
    """Concurrent calls with equal keys share the first one's answer or failure (a singleflight)."""

    __slots__ = ("_flights",)

    def __init__(self) -> None:
        self._flights: dict[Hashable, asyncio.Future[Any]] = {}

    def __len__(self) -> int:
        return len(self._flights)

    async def share(self, key: Hashable | None, fetch: Callable[[], Awaitable[T]]) -> T:
        """fetch(), or the answer of the call with the same key in flight (None: never shared).
        A waiter's cancellation leaves the flight alone; the flight's own cancellation sends its
        waiters to fetch for themselves."""
        if key is None:
            return await fetch()
        loop = asyncio.get_running_loop()
        while True:
            flight = self._flights.get(key)
            if flight is None or flight.get_loop() is not loop:  # a closed loop's: not ours
                break
            try:
                return await asyncio.shield(flight)
            except _Abandoned:
                continue
        flight = self._flights[key] = loop.create_future()
        try:
            answer = await fetch()
        except asyncio.CancelledError:
            flight.set_exception(_Abandoned())
            raise
        except BaseException as e:
            flight.set_exception(e)
            raise
        else:
            flight.set_result(answer)
            return answer
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
            if flight.done() and not flight.cancelled():
                flight.exception()  # nobody waiting is fine: not "never retrieved"


#: The process's LISTs in flight (in-process informers share them).
LISTS = SharedLists()
