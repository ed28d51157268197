"""The ASGI application: body limits, in-flight limits, routing, errors → Status, metrics.

Pure ASGI (no framework routing) because watches are long-lived streams and because every
microsecond on the GET path counts against the benchmark's hello-world ceiling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import TYPE_CHECKING, Any

import orjson

from kubepy.api import errors as fe
from kubepy.api.errors import StatusError
from kubepy.apiserver import loopback, metrics, warnings
from kubepy.apiserver.handlers import proxy, token
from kubepy.apiserver.handlers import resource as rh
from kubepy.apiserver.handlers import subresources as sub
from kubepy.apiserver.handlers import watch as wh
from kubepy.apiserver.http import Request, Response, StreamResponse, error_response, parse_query
from kubepy.apiserver.requestinfo import RequestInfo, parse
from kubepy.util.fifo import put_bounded

if TYPE_CHECKING:
    from kubepy.apiserver.server import APIServer

log = logging.getLogger("kubepy.apiserver")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

NOT_FOUND = StatusError(404, "NotFound", "the server could not find the requested resource", {})
METHOD_NOT_ALLOWED = StatusError(
    405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {}
)
_METRIC_VERBS = {
    "get": "GET",
    "list": "LIST",
    "watch": "WATCH",
    "create": "POST",
    "update": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "deletecollection": "DELETE",
}


class App:
    def __init__(self, server: APIServer) -> None:
        self.server = server
        self.inflight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An HTTP request is served right here (every request passes: no coroutine of its own
        for the dispatch); WebSocket watches and lifespan in their own methods."""
        if scope["type"] != "http":
            await self._other(scope, receive, send)
            return
        start = perf_counter()
        method = scope["method"]
        raw_query = scope.get("query_string")
        if raw_query:
            query = parse_query(raw_query)
            watch_q = (query.get("watch") or [""])[0].lower() in ("1", "true")
        else:
            query = {}
            watch_q = False
        info = parse(method, scope["path"], watch_q)
        long_running = info.verb == "watch"
        cfg = self.server.config
        # a request takes a slot when one is free; when none is, system:masters is served without one
        counted = not long_running and self.inflight < cfg.max_requests_inflight
        if counted:
            self.inflight += 1
            gauge = metrics.DEFAULT.inflight_cell(_KINDS.get(method, "mutating"))
            gauge[0] += 1
        elif not long_running and not loopback.privileged(scope):
            await _send(send, error_response(fe.too_many_requests()))
            return
        code = 500
        recorded = warnings.begin()
        try:
            headers = _headers(scope.get("headers", ()))
            try:
                body = await _read_body(receive, headers, cfg.max_body_bytes)
                req = Request(method, scope["path"], query, headers, body, info)
                resp = await self._route(req)
            except StatusError as e:
                resp = error_response(e, headers.get("accept", ""))
            except Exception as e:  # noqa: BLE001 - every failure becomes a Status, never a crash
                log.exception("internal error serving %s %s", method, scope["path"])
                resp = error_response(fe.internal_error(str(e)), headers.get("accept", ""))
            code = resp.status
            found = warnings.take(recorded)
            if found:
                resp.headers.extend(found)
            if type(resp) is StreamResponse:
                await self._stream(resp, info, receive, send)
            else:
                await send({"type": "http.response.start", "status": code, "headers": _head(resp)})
                await send({"type": "http.response.body", "body": resp.body})
        finally:
            if counted:
                self.inflight -= 1
                gauge[0] -= 1
            if info.is_resource:
                metrics.observe_request(
                    _METRIC_VERBS.get(info.verb) or info.verb.upper(),
                    info.group,
                    info.version,
                    info.resource,
                    info.subresource,
                    _scope(info),
                    code,
                    perf_counter() - start,
                )

    async def _other(self, scope: Scope, receive: Receive, send: Send) -> None:
        t = scope["type"]
        if t == "websocket":
            await self._websocket(scope, receive, send)
        elif t == "lifespan":
            await _lifespan(receive, send)

    async def _stream(self, resp: StreamResponse, info: RequestInfo, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", resp.content_type.encode()), (b"cache-control", b"no-cache, private")]
        headers += [(k.encode(), v.encode()) for k, v in resp.headers]
        await send({"type": "http.response.start", "status": resp.status, "headers": headers})
        metrics.DEFAULT.watchers(info.resource, 1, group=info.group, version=info.version, scope=_scope(info))
        if resp.cancel is not None:  # one task watches for the client leaving; none per chunk
            chunks = resp.chunks
            cancel = resp.cancel
            gone = asyncio.ensure_future(_wait_disconnect(receive, False))
            gone.add_done_callback(lambda t: None if t.cancelled() else cancel())
        else:
            chunks = _until_disconnect(resp.chunks, receive)
            gone = None
        try:
            async for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass
        finally:
            if gone is not None:
                gone.cancel()
            metrics.DEFAULT.watchers(
                info.resource, -1, group=info.group, version=info.version, scope=_scope(info)
            )

    def _route(self, req: Request) -> Awaitable[Response | StreamResponse]:
        """The handler's awaitable for this request (a plain function: a request passes through
        no coroutine of its own on its way to the handler); what it refuses, it raises."""
        info = req.info
        if not info.is_resource:
            return self.server.nonresource(req)
        entry = self.server.registry.lookup(info.group, info.version, info.resource)
        if entry is None:
            raise NOT_FOUND
        res = entry.res
        if not res.namespaced and info.namespace and info.resource != "namespaces":
            raise NOT_FOUND
        if res.deprecation:
            warnings.add(res.deprecation)
        s = info.subresource
        if s:
            return self._subresource(entry, req, s)
        verb = info.verb
        if verb not in res.verbs or (verb in ("update", "patch") and not info.name):
            raise METHOD_NOT_ALLOWED
        if res.virtual is not None:
            return self.server.virtual(entry, req)
        if res.kind == "Binding":  # legacy bindings collection: a pods/binding by body name
            pods = self.server.registry.lookup("", "v1", "pods")
            return sub.binding(pods, req)
        if verb == "create":
            if info.name:
                raise METHOD_NOT_ALLOWED
            return rh.create(entry, req)
        if verb in ("get", "list"):
            return self._read(entry, req, verb)
        if verb == "watch":
            return wh.watch(entry, req)
        if verb == "update":
            return rh.update(entry, req)
        if verb == "patch":
            return rh.patch(entry, req)
        if verb == "delete":
            return rh.delete(entry, req)
        if verb == "deletecollection":
            return rh.delete_collection(entry, req)
        raise METHOD_NOT_ALLOWED

    async def _read(self, entry: Any, req: Request, verb: str) -> Response:
        computed = await self.server.computed(entry, req)
        if computed is not None:
            return computed
        return await (rh.get if verb == "get" else rh.list_)(entry, req)

    def _subresource(self, entry: Any, req: Request, s: str) -> Awaitable[Response]:
        if s not in entry.res.subresources:
            raise NOT_FOUND
        if s == "status":
            return sub.status(entry, req)
        if s == "scale":
            return sub.scale(entry, req)
        if s == "binding" and req.method == "POST":
            return sub.binding(entry, req, req.info.name)
        if s == "finalize" and req.method == "PUT":
            return sub.finalize(entry, req)
        if s == "token" and req.method == "POST":
            return token.create_token(entry, req, self.server.token_key, self.server.registry.lookup)
        if s == "proxy":
            return self._proxy(entry, req)
        if s in sub.KUBELET_ROUTED:
            return sub.kubelet_routed(entry, req)
        raise METHOD_NOT_ALLOWED

    async def _proxy(self, entry: Any, req: Request) -> Response:
        info = req.info
        scheme, name, port = proxy.split_name(info.name)
        cache = self.server.cache
        assert cache is not None
        store = entry.store
        item = cache.get(store.key(info.namespace, name))
        if item is None:
            raise fe.not_found_error(entry.res.plural, name, entry.res.group)
        kind = entry.res.kind
        if kind == "Service":
            eps = cache.get(f"/registry/core/endpoints/{info.namespace}/{name}")
            host, p = proxy.service_target(item.obj, eps.obj if eps else None, port)
        elif kind == "Pod":
            host, p = proxy.pod_target(item.obj, port)
        elif kind == "Node":
            host, p = proxy.node_target(item.obj, port)
        else:
            raise NOT_FOUND
        return await proxy.forward(req, scheme, host, p, proxy.rest_of_path(info.parts))

    # ---- WebSocket watch -------------------------------------------------------------------
    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        msg = await receive()
        if msg["type"] != "websocket.connect":
            return
        query = parse_query(scope.get("query_string", b""))
        info = parse("GET", scope["path"], True)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        protocol = next((p for p in offered if p in ("base64.binary.k8s.io", "binary.k8s.io")), None)
        entry = (
            self.server.registry.lookup(info.group, info.version, info.resource) if info.is_resource else None
        )
        try:
            if entry is None or info.verb != "watch":
                raise NOT_FOUND
            w, timeout = await wh.open_watcher(
                entry, Request("GET", scope["path"], query, headers, b"", info)
            )
            if entry.res.from_stored is not None:
                w = wh.ConvertingWatcher(w, entry.res.from_stored)
        except StatusError as e:
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": e.code,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "websocket.http.response.body", "body": orjson.dumps(e.status())})
            return
        accept: dict[str, Any] = {"type": "websocket.accept"}
        if protocol:
            accept["subprotocol"] = protocol
        await send(accept)
        encode = wh.ws_encoder(protocol or "")
        # The client leaving and the timeout both close the watcher, which ends the loop: one
        # task and one timer per watch, none per event.
        gone = asyncio.ensure_future(_wait_disconnect(receive, True))
        gone.add_done_callback(lambda t: None if t.cancelled() else w.close())
        timer = asyncio.get_running_loop().call_later(timeout, w.close)
        try:
            async for ev in w:
                data = encode(ev.json_line())  # one message per event, as Kubernetes sends
                if protocol == "base64.binary.k8s.io" or protocol is None:
                    await send({"type": "websocket.send", "text": data.decode()})
                else:
                    await send({"type": "websocket.send", "bytes": data})
            if not gone.done():
                await send({"type": "websocket.close", "code": 1000})
        except OSError:
            pass
        finally:
            timer.cancel()
            gone.cancel()
            w.close()


async def _until_disconnect(chunks: Any, receive: Receive, ws: bool = False) -> Any:
    """Iterate `chunks` until they end or the client goes away."""
    gone = asyncio.ensure_future(_wait_disconnect(receive, ws))
    it = chunks.__aiter__()
    try:
        while not gone.done():
            nxt = asyncio.ensure_future(it.__anext__())
            await asyncio.wait({nxt, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not nxt.done():
                nxt.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await nxt
                return
            try:
                chunk = nxt.result()
            except StopAsyncIteration:
                return
            yield chunk
    finally:
        gone.cancel()
        aclose = getattr(it, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(RuntimeError, asyncio.CancelledError):
                await aclose()


async def _wait_disconnect(receive: Receive, ws: bool) -> None:
    while True:
        msg = await receive()
        if msg["type"] in ("http.disconnect", "websocket.disconnect"):
            return


#: request headers as text by their raw pairs: a client sends the same few header lists again
#: and again (the in-process clients' are the same objects each time). The dicts are shared
#: between requests: nothing may change a request's headers.
_HEADERS: dict[tuple[Any, ...], dict[str, str]] = {}
_HEADERS_MAX = 1024


def _headers(raw: Any) -> dict[str, str]:
    """The request's headers by lower-case name (a repeated name: its last value)."""
    pairs = tuple(raw)
    try:
        found = _HEADERS.get(pairs)
        hashable = True
    except TypeError:  # pairs given as lists: nothing to key on
        found, hashable = None, False
    if found is None:
        found = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in pairs}
        if hashable:
            put_bounded(_HEADERS, pairs, found, _HEADERS_MAX)
    return found


#: apiserver_current_inflight_requests' request_kind by method (any other: "mutating")
_KINDS = {"GET": "readOnly", "HEAD": "readOnly", "OPTIONS": "readOnly"}


def _scope(info: RequestInfo) -> str:
    if info.name:
        return "resource"
    return "namespace" if info.namespace else "cluster"


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    length = headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise fe.too_large(f"Request entity too large: limit is {limit}")
    msg = await receive()
    if msg["type"] == "http.disconnect":
        return b""
    chunk = msg.get("body", b"")
    if len(chunk) > limit:
        raise fe.too_large(f"Request entity too large: limit is {limit}")
    if not msg.get("more_body"):  # the usual request: its whole body in one message
        return chunk if type(chunk) is bytes else bytes(chunk)
    chunks = [chunk]
    size = len(chunk)
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            break
        chunk = msg.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise fe.too_large(f"Request entity too large: limit is {limit}")
        chunks.append(chunk)
        if not msg.get("more_body"):
            break
    return b"".join(chunks)


#: content types as header bytes (a handful of distinct values)
_CONTENT_TYPES: dict[str, bytes] = {}
_NO_CACHE = (b"cache-control", b"no-cache, private")


async def _send(send: Send, resp: Response) -> None:
    await send({"type": "http.response.start", "status": resp.status, "headers": _head(resp)})
    await send({"type": "http.response.body", "body": resp.body})


def _head(resp: Response) -> list[tuple[bytes, bytes]]:
    """A sized response's headers."""
    ct = _CONTENT_TYPES.get(resp.content_type)
    if ct is None:
        ct = resp.content_type.encode()
        if len(_CONTENT_TYPES) < 64:
            _CONTENT_TYPES[resp.content_type] = ct
    headers = [(b"content-type", ct), (b"content-length", b"%d" % len(resp.body))]
    extra = resp.headers
    if extra:
        headers += [(k.encode(), v.encode()) for k, v in extra]
    # Kubernetes sets cache-control only when the handler left it unset
    if not extra or not any(k.lower() == "cache-control" for k, _ in extra):
        headers.append(_NO_CACHE)
    return headers


async def _lifespan(receive: Receive, send: Send) -> None:
    """Storage is opened by APIServer.start(), outside the HTTP server; lifespan is a formality."""
    while True:
        msg = await receive()
        if msg["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif msg["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
