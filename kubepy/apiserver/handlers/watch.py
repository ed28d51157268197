"""WATCH over chunked HTTP and over WebSocket, served from the watch cache."""

from __future__ import annotations

import asyncio
import base64
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.api.protobuf import WATCH_CONTENT_TYPE
from kubepy.apiserver import params, partial, protobuf_io, table
from kubepy.apiserver.http import Request, StreamResponse
from kubepy.apiserver.registry.predicate import build as build_predicate
from kubepy.apiserver.registry.registry import Entry
from kubepy.storage.cacher import Watcher, expired_watcher
from kubepy.storage.interface import Compacted, FutureRevision

#: Kubernetes closes a watch after a random time between --min-request-timeout and twice it.
MIN_REQUEST_TIMEOUT = 1800

#: At most this many events share one chunk (one transport write).
CHUNK_EVENTS = 256


async def open_watcher(e: Entry, req: Request) -> tuple[Watcher, float]:
    """Validate the request and register the watcher; errors here become an HTTP error reply."""
    opts = params.list_options(req.query, watch=True)
    pred, _ = build_predicate(e.res, opts.label_selector, opts.field_selector)
    if req.info.name:  # /watch/namespaces/ns/pods/name: one object
        name = req.info.name
        inner = pred

        def pred(obj: dict, inner=inner, name=name) -> bool:  # type: ignore[no-redef]
            return (obj.get("metadata") or {}).get("name") == name and (inner is None or inner(obj))

    pred = e.store.stored_predicate(pred)
    rv = params.parse_resource_version(opts.resource_version)
    cache = e.store.env.cache
    initial = bool(opts.send_initial_events)
    if rv > cache.revision():
        await e.store._wait(rv)
    revision: int | None
    if initial:
        revision = None
    elif opts.resource_version == "":
        revision = None
    elif rv == 0:
        revision = 0
    else:
        revision = rv
    try:
        w = cache.watch(
            e.store.prefix(req.info.namespace),
            revision,
            predicate=pred,
            send_initial_events=initial,
            allow_bookmarks=opts.allow_bookmarks,
            bookmark_type=(e.res.api_version, e.res.kind),
        )
    except Compacted as exc:
        w = expired_watcher(exc)
    except FutureRevision:
        raise fe.timeout(f"Too large resource version: {rv}, current: {cache.revision()}") from None
    timeout = opts.timeout_seconds
    if timeout is None or timeout <= 0:
        timeout = MIN_REQUEST_TIMEOUT * (1 + random.random())
    return w, float(timeout)


def partial_lines(version: str) -> Callable[[object], bytes]:
    """Watch events carrying PartialObjectMetadata (client-go's metadata informers)."""

    def line(ev: object) -> bytes:
        if ev.type in ("BOOKMARK", "ERROR"):  # type: ignore[attr-defined]
            return ev.json_line()  # type: ignore[attr-defined]
        obj = partial.partial(orjson.loads(ev.value), version)  # type: ignore[attr-defined]
        return orjson.dumps({"type": ev.type, "object": obj}) + b"\n"  # type: ignore[attr-defined]

    return line


def table_lines(e: Entry, req: Request, version: str) -> Callable[[object], bytes]:
    """Watch events whose objects are one-row Tables (kubectl get -w); columns on the first only."""
    first = [True]
    include = table.include_object(req.query)

    def line(ev: object) -> bytes:
        t = ev.type  # type: ignore[attr-defined]
        if t in ("BOOKMARK", "ERROR"):
            return ev.json_line()  # type: ignore[attr-defined]
        obj = orjson.loads(ev.value)  # type: ignore[attr-defined]
        tb = table.table(
            e.res,
            [obj],
            e.store.env.now(),
            version=version,
            include=include,
            resource_version=(obj.get("metadata") or {}).get("resourceVersion", ""),
            with_columns=first[0],
        )
        first[0] = False
        return orjson.dumps({"type": t, "object": tb}) + b"\n"

    return line


async def stream(
    w: Watcher,
    timeout: float,
    encode: Callable[[bytes], bytes] = lambda b: b,
    line: Callable[[object], bytes] | None = None,
) -> AsyncIterator[bytes]:
    """Event lines until the timeout, the watcher's end, or the caller stops iterating.

    The timeout is one timer closing the watcher, not a timed wait per event: with a hundred
    watchers at a thousand events a second, per-event timers were most of the cost."""
    loop = asyncio.get_running_loop()
    timer = loop.call_later(timeout, w.close)
    try:
        async for ev in w:
            # what is already queued goes into the same chunk: one send per wake-up, not per event
            more = w.take(CHUNK_EVENTS - 1) if w.pending() else None
            if line is None:
                chunk = b"".join([ev.json_line(), *[m.json_line() for m in more]]) if more else ev.json_line()
            else:
                chunk = b"".join([line(ev), *[line(m) for m in more]]) if more else line(ev)
            yield encode(chunk)
    finally:
        timer.cancel()
        w.close()


class ConvertedEvent:
    """A watch event of a resource stored as another, in the watched resource's shape."""

    __slots__ = ("type", "revision", "value")

    def __init__(self, ev: Any, convert: Callable[[dict], dict]) -> None:
        self.type = ev.type
        self.revision = ev.revision
        keep = ev.type in ("BOOKMARK", "ERROR")
        self.value = ev.value if keep else orjson.dumps(convert(orjson.loads(ev.value)))

    def json_line(self) -> bytes:
        return b'{"type":"%s","object":%s}\n' % (self.type.encode(), self.value)


class ConvertingWatcher:
    """The watcher's events converted on the way out; pending/close pass through."""

    def __init__(self, w: Watcher, convert: Callable[[dict], dict]) -> None:
        self.w = w
        self.convert = convert

    def __aiter__(self) -> ConvertingWatcher:
        return self

    async def __anext__(self) -> ConvertedEvent:
        return ConvertedEvent(await self.w.__anext__(), self.convert)

    def take(self, limit: int) -> list[ConvertedEvent]:
        return [ConvertedEvent(ev, self.convert) for ev in self.w.take(limit)]

    def pending(self) -> int:
        return self.w.pending()

    def close(self, reason: str = "closed") -> None:
        self.w.close(reason)


async def watch(e: Entry, req: Request) -> StreamResponse:
    w, timeout = await open_watcher(e, req)
    if e.res.from_stored is not None:
        w = ConvertingWatcher(w, e.res.from_stored)  # type: ignore[assignment]
    accept = req.headers.get("accept", "")
    pv = partial.wants_partial(accept)
    if pv:
        return StreamResponse(
            200, stream(w, timeout, line=partial_lines(pv)), partial.content_type(pv, False), cancel=w.close
        )
    tv = table.wants_table(accept)
    if tv:
        return StreamResponse(
            200, stream(w, timeout, line=table_lines(e, req, tv)), table.content_type(tv), cancel=w.close
        )
    if req.wants_protobuf() and protobuf_io.can_stream(e.res.schema):
        return StreamResponse(
            200, stream(w, timeout, line=protobuf_io.watch_frame), WATCH_CONTENT_TYPE, cancel=w.close
        )
    return StreamResponse(200, stream(w, timeout), "application/json", cancel=w.close)


def ws_encoder(protocol: str) -> Callable[[bytes], bytes]:
    if protocol == "base64.binary.k8s.io":
        return base64.b64encode
    return lambda b: b
