"""The REST client every component talks to the apiserver through (never kubepy.apiserver itself).

One method per verb over httpx; the transport is injectable (StreamingASGITransport in tests and
in-process `kubepy up`, sockets in production). Over an in-process transport the non-streaming
verbs skip httpx and hand the app the very scope httpx would have built (StreamingASGITransport.call).
Failures raise ApiError carrying the Status; 429, 5xx and broken connections are retried with
backoff when the verb allows it (retry.py).
"""

from __future__ import annotations

import functools
import os
import random
import re
from collections.abc import Awaitable, Hashable, Mapping
from typing import Any, Literal
from urllib.parse import urlencode

import httpx
import orjson

from kubepy import kubeconfig
from kubepy.client import retry as rt
from kubepy.client.asgi import Reply, StreamingASGITransport
from kubepy.client.clock import REAL, Clock
from kubepy.client.errors import ApiError, from_response, is_expired
from kubepy.client.peek import name_of
from kubepy.client.resources import ResourceRef, from_discovery, path
from kubepy.client.shared import SHARED, SHARED_TRIMMED
from kubepy.client.trim import trim_items
from kubepy.client.watch import WatchStream
from kubepy.util.fifo import put_bounded

Obj = dict[str, Any]
PatchType = Literal["json", "merge", "strategic", "apply"]

VERSION = "v0.1"
PATCH_CONTENT_TYPES: Mapping[str, str] = {
    "json": "application/json-patch+json",
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


def user_agent(component: str) -> str:
    """ "kubepy-controller-manager/v0.1": what the apiserver logs and audits the caller as."""
    return f"kubepy-{component}/{VERSION}"


def _params(**kw: Any) -> dict[str, str]:
    """Query parameters with Go's spelling of booleans; empty values left out."""
    out: dict[str, str] = {}
    for k, v in kw.items():
        if v is None or v == "" or v is False:
            continue
        out[k] = "true" if v is True else str(v)
    return out


def _namespace_of(ref: ResourceRef, obj: Obj, namespace: str) -> str:
    if not ref.namespaced:
        return ""
    return namespace or (obj.get("metadata") or {}).get("namespace") or "default"


def _name_of(obj: Obj) -> str:
    name = (obj.get("metadata") or {}).get("name")
    if not name:
        raise ValueError("the object has no metadata.name")
    return name


class RESTClient:
    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str = user_agent("client"),
        token: str = "",
        verify: bool | str = True,
        timeout: float = 30.0,
        retry: rt.RetryPolicy = rt.RetryPolicy(),  # noqa: B008 - frozen dataclass, shared safely
        clock: Clock = REAL,
        watch_timeout: float = 300.0,
    ) -> None:
        headers = {"User-Agent": user_agent, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            transport=transport,
            headers=headers,
            timeout=timeout,
            verify=verify,
        )
        self._direct = _DirectASGI.of(self._http, transport)
        self.retry = retry
        self.clock = clock
        #: Watches without timeoutSeconds ask for a random time in [t, 2t), as client-go's reflector.
        self.watch_timeout = watch_timeout

    @classmethod
    def from_kubeconfig(
        cls, file: str | os.PathLike[str], *, context: str | None = None, **kw: Any
    ) -> RESTClient:
        """The server (and bearer token, if any) of a kubeconfig context."""
        config = kubeconfig.read(file)
        server = kubeconfig.server_of(config, context)
        ctx_name = context or config.get("current-context") or ""
        token = ""
        for c in config.get("contexts") or ():
            if c.get("name") == ctx_name:
                user = (c.get("context") or {}).get("user")
                for u in config.get("users") or ():
                    if u.get("name") == user:
                        token = (u.get("user") or {}).get("token") or ""
        kw.setdefault("token", token)
        return cls(server, **kw)

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def in_process(self) -> bool:
        """Requests reach an apiserver in this process: its components may share decoded objects
        (watch.decode_shared, shared.SHARED)."""
        return self._direct is not None

    @property
    def peer(self) -> Hashable | None:
        """In process, who answers and as whom: the app and this client's headers but its
        User-Agent. Clients with equal peers get equal answers to equal requests (informers
        share a LIST in flight, shared.LISTS); None over the network."""
        if self._direct is None:
            return None
        headers = tuple(h for h in self._direct.headers if h[0] != b"user-agent")
        return id(self._direct.transport.app), headers

    async def __aenter__(self) -> RESTClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- one request with retries -------------------------------------------------------------
    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        decode: bool = True,
        shared: bool = False,
        trim: bool = False,
        raw: bool = False,
    ) -> Any:
        """Send, retrying what may be retried; the decoded JSON answer (None with decode=False,
        for a caller that only needs the write to succeed; its bytes with `raw`), or ApiError.
        `shared`: a LIST answer whose items may be objects shared with the process's other
        informers (shared.py); `trim`: a LIST answer whose items lose metadata.managedFields
        (trim.py)."""
        content = None if body is None else orjson.dumps(body)
        attempt = 0
        while True:
            try:
                if self._direct is not None and self._direct.serves(url):
                    resp: Any = await self._direct.send(method, url, params, content, content_type)
                else:
                    headers = {"Content-Type": content_type} if content is not None else None
                    resp = await self._http.request(
                        method, url, params=params, content=content, headers=headers
                    )
            except httpx.TransportError:
                if attempt >= self.retry.max_retries or not rt.should_retry_error(method):
                    raise
                await self.clock.sleep(self.retry.delay(attempt))
                attempt += 1
                continue
            if resp.status_code < 400:
                if raw:
                    return resp.content
                if shared and resp.content:
                    return (SHARED_TRIMMED if trim else SHARED).decode_list(resp.content)
                if trim:
                    return trim_items(_decode(resp))
                return _decode(resp) if decode else None
            decoded = _decode(resp)
            err = from_response(resp.status_code, decoded, resp.text, method)
            if attempt >= self.retry.max_retries or not rt.should_retry_status(method, resp.status_code):
                raise err
            after = rt.parse_retry_after(
                resp.header("retry-after") if type(resp) is Reply else resp.headers.get("retry-after")
            )
            await self.clock.sleep(self.retry.delay(attempt, after if after is not None else err.retry_after))
            attempt += 1

    async def discover(self, api_version: str) -> dict[str, ResourceRef]:
        """Refs (by plural and by kind) of what one group-version serves, from its discovery
        document: for resources kubepy.api does not declare."""
        url = f"/apis/{api_version}" if "/" in api_version else f"/api/{api_version}"
        return from_discovery(api_version, await self.request("GET", url))

    # ---- verbs --------------------------------------------------------------------------------
    async def get(self, ref: ResourceRef, name: str, namespace: str = "", *, subresource: str = "") -> Obj:
        return await self.request("GET", path(ref, namespace, name, subresource))

    async def list(
        self,
        ref: ResourceRef,
        namespace: str = "",
        *,
        label_selector: str = "",
        field_selector: str = "",
        limit: int = 0,
        continue_: str = "",
        resource_version: str = "",
        resource_version_match: str = "",
        shared: bool = False,
        trim_managed_fields: bool = False,
    ) -> Obj:
        """One page (all of it when `limit` is 0); `metadata.continue` names the next page.
        `shared` (informers): in process, items already decoded for another informer are handed
        out as the same objects, which nobody may mutate (shared.py). `trim_managed_fields`:
        items without metadata.managedFields (trim.py)."""
        params = _params(
            labelSelector=label_selector,
            fieldSelector=field_selector,
            limit=limit or None,
            resourceVersion=resource_version,
            resourceVersionMatch=resource_version_match,
        )
        if continue_:
            params["continue"] = continue_
        shared = shared and self.in_process
        return await self.request(
            "GET", path(ref, namespace), params=params, shared=shared, trim=trim_managed_fields
        )

    async def list_all(
        self,
        ref: ResourceRef,
        namespace: str = "",
        *,
        page_size: int = 500,
        label_selector: str = "",
        field_selector: str = "",
        shared: bool = False,
        trim_managed_fields: bool = False,
    ) -> tuple[list[Obj], str]:
        """Every item, page by page, and the list's resourceVersion. If a continue token expires
        half-way, the whole list is fetched again in one request (client-go's ListPager).
        `shared`, `trim_managed_fields`: as for list()."""
        items: list[Obj] = []
        token = ""
        while True:
            try:
                page = await self.list(
                    ref,
                    namespace,
                    label_selector=label_selector,
                    field_selector=field_selector,
                    limit=page_size,
                    continue_=token,
                    shared=shared,
                    trim_managed_fields=trim_managed_fields,
                )
            except ApiError as e:
                if not (token and is_expired(e)):
                    raise
                page = await self.list(
                    ref,
                    namespace,
                    label_selector=label_selector,
                    field_selector=field_selector,
                    shared=shared,
                    trim_managed_fields=trim_managed_fields,
                )
                return list(page.get("items") or []), page["metadata"].get("resourceVersion", "")
            items.extend(page.get("items") or [])
            meta = page.get("metadata") or {}
            token = meta.get("continue") or ""
            if not token:
                return items, meta.get("resourceVersion", "")

    async def create(
        self,
        ref: ResourceRef,
        obj: Obj,
        namespace: str = "",
        *,
        dry_run: bool = False,
        field_manager: str = "",
    ) -> Obj:
        ns = _namespace_of(ref, obj, namespace)
        params = _params(dryRun="All" if dry_run else None, fieldManager=field_manager)
        return await self.request("POST", path(ref, ns), params=params, body=obj)

    async def create_named(self, ref: ResourceRef, obj: Obj, namespace: str = "") -> str:
        """Create `obj`; the name it got (its generateName filled in), for a caller that needs
        nothing else of the answer: read from the answer's head when it shows it (peek.py)."""
        ns = _namespace_of(ref, obj, namespace)
        answer = await self.request("POST", path(ref, ns), body=obj, raw=True)
        return name_of(answer, ref.kind, ref.api_version)

    async def update(
        self,
        ref: ResourceRef,
        obj: Obj,
        namespace: str = "",
        *,
        subresource: str = "",
        dry_run: bool = False,
        field_manager: str = "",
    ) -> Obj:
        """PUT; a metadata.resourceVersion in `obj` makes it conditional (409 Conflict if stale)."""
        ns = _namespace_of(ref, obj, namespace)
        params = _params(dryRun="All" if dry_run else None, fieldManager=field_manager)
        return await self.request("PUT", path(ref, ns, _name_of(obj), subresource), params=params, body=obj)

    async def update_status(self, ref: ResourceRef, obj: Obj, namespace: str = "", **kw: Any) -> Obj:
        return await self.update(ref, obj, namespace, subresource="status", **kw)

    async def patch(
        self,
        ref: ResourceRef,
        name: str,
        patch: Any,
        namespace: str = "",
        *,
        patch_type: PatchType = "strategic",
        subresource: str = "",
        field_manager: str = "",
        force: bool = False,
        dry_run: bool = False,
    ) -> Obj:
        params = _params(fieldManager=field_manager, force=force or None, dryRun="All" if dry_run else None)
        return await self.request(
            "PATCH",
            path(ref, namespace, name, subresource),
            params=params,
            body=patch,
            content_type=PATCH_CONTENT_TYPES[patch_type],
        )

    async def apply(
        self,
        ref: ResourceRef,
        obj: Obj,
        namespace: str = "",
        *,
        field_manager: str,
        force: bool = False,
        subresource: str = "",
        dry_run: bool = False,
    ) -> Obj:
        """Server-side apply: the fields in `obj` become owned by `field_manager` (JSON is YAML)."""
        ns = _namespace_of(ref, obj, namespace)
        return await self.patch(
            ref,
            _name_of(obj),
            obj,
            ns,
            patch_type="apply",
            field_manager=field_manager,
            force=force,
            subresource=subresource,
            dry_run=dry_run,
        )

    async def delete(
        self,
        ref: ResourceRef,
        name: str,
        namespace: str = "",
        *,
        grace_period_seconds: int | None = None,
        propagation_policy: str = "",
        preconditions: Mapping[str, str] | None = None,
        dry_run: bool = False,
    ) -> Obj:
        """The deleted object (or the Status some kinds answer with)."""
        return await self.request(
            "DELETE",
            path(ref, namespace, name),
            body=_delete_options(grace_period_seconds, propagation_policy, preconditions, dry_run),
        )

    async def delete_collection(
        self,
        ref: ResourceRef,
        namespace: str = "",
        *,
        label_selector: str = "",
        field_selector: str = "",
        grace_period_seconds: int | None = None,
        propagation_policy: str = "",
    ) -> Obj:
        params = _params(labelSelector=label_selector, fieldSelector=field_selector)
        return await self.request(
            "DELETE",
            path(ref, namespace),
            params=params,
            body=_delete_options(grace_period_seconds, propagation_policy, None, False),
        )

    def watch(
        self,
        ref: ResourceRef,
        namespace: str = "",
        *,
        name: str = "",
        resource_version: str = "",
        label_selector: str = "",
        field_selector: str = "",
        allow_bookmarks: bool = True,
        send_initial_events: bool | None = None,
        timeout_seconds: int | None = None,
        trim_managed_fields: bool = False,
    ) -> WatchStream:
        """`async with client.watch(PODS, "ns", resource_version=rv) as events: async for t, obj in events`.

        With `send_initial_events=True` the current state arrives first as ADDED events, closed by a
        BOOKMARK annotated k8s.io/initial-events-end (the streaming "watch-list").
        `trim_managed_fields`: objects without metadata.managedFields (trim.py).
        """
        if name:
            field_selector = ",".join(s for s in (f"metadata.name={name}", field_selector) if s)
        if timeout_seconds is None:
            timeout_seconds = int(self.watch_timeout * (1 + random.random()))
        params = _params(
            watch=True,
            resourceVersion=resource_version,
            labelSelector=label_selector,
            fieldSelector=field_selector,
            allowWatchBookmarks=allow_bookmarks,
            timeoutSeconds=timeout_seconds,
        )
        if send_initial_events is not None:
            params["sendInitialEvents"] = "true" if send_initial_events else "false"
            params["resourceVersionMatch"] = "NotOlderThan"
        timeout = httpx.Timeout(self._http.timeout.connect, read=None)
        request = self._http.build_request("GET", path(ref, namespace), params=params, timeout=timeout)
        return WatchStream(self._http, request, shared=self.in_process, trim=trim_managed_fields)


#: Paths httpx sends as they are (RFC 3986 unreserved and sub-delims, ":" and "@"; no "." segment).
_PLAIN_PATH = re.compile(r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9\-._~!$&'()*+,;=:@]*)+")
#: paths found plain before (a pure function of the path: shared by every client in the process)
_SERVED: dict[str, bool] = {}
_SERVED_MAX = 1024
#: header tuples kept per client (content type, length)
_SIZED_MAX = 512


class _DirectASGI:
    """Requests to an in-process app without httpx, exactly as httpx would have sent them: its
    headers (Host, Accept-Encoding, Connection, User-Agent, Accept, Authorization), the query
    encoded as httpx encodes it, Content-Length as httpx adds it."""

    __slots__ = ("transport", "headers", "server", "_sized")

    def __init__(
        self, transport: StreamingASGITransport, headers: list[tuple[bytes, bytes]], server: tuple[str, int]
    ) -> None:
        self.transport = transport
        #: what every request carries. The header lists are handed to the app as they are,
        #: request after request: an app reads a scope's headers, never changes them.
        self.headers = headers
        self.server = server
        #: the header lists of requests with a body, by (content type, length): a component
        #: sends bodies of few types and lengths again and again
        self._sized: dict[tuple[str | None, int], list[tuple[bytes, bytes]]] = {}

    @classmethod
    def of(cls, http: httpx.AsyncClient, transport: httpx.AsyncBaseTransport | None) -> _DirectASGI | None:
        """For a StreamingASGITransport under a base URL without a path; else None (use httpx)."""
        if not isinstance(transport, StreamingASGITransport) or http.base_url.raw_path not in (b"", b"/"):
            return None
        hooks = http.event_hooks
        if http.base_url.scheme != "http" or http.auth is not None or hooks["request"] or hooks["response"]:
            return None
        probe = http.build_request("GET", "/")
        url = probe.url
        return cls(transport, [(k.lower(), v) for k, v in probe.headers.raw], (url.host, url.port or 80))

    @staticmethod
    def serves(url: str) -> bool:
        """A plain absolute path, nothing in it httpx would escape, normalize or take as a query."""
        if url in _SERVED:  # (most requests go to a path sent before: Events, pod creates)
            return True
        if _PLAIN_PATH.fullmatch(url) is None:
            return False
        put_bounded(_SERVED, url, True, _SERVED_MAX)
        return True

    def send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        content: bytes | None,
        content_type: str,
    ) -> Awaitable[Reply]:
        """The transport's call, to await (no coroutine of its own: one frame less per request)."""
        if content is not None:
            headers = self._with_body(content_type, len(content))
        elif method in ("POST", "PUT", "PATCH"):
            headers = self._with_body(None, 0)
        else:
            headers = self.headers
        query = urlencode(params).encode() if params else b""
        raw = url.encode()
        return self.transport.call(method, url, raw, query, headers, content or b"", self.server)

    def _with_body(self, content_type: str | None, length: int) -> list[tuple[bytes, bytes]]:
        """The headers of a request with a body, as httpx sends them: Content-Type and
        Content-Length after the others; no body (content type None) on a verb that takes one:
        only Content-Length, right after Host."""
        found = self._sized.get((content_type, length))
        if found is None:
            base = self.headers
            if content_type is not None:
                found = [
                    *base,
                    (b"content-type", _header_value(content_type)),
                    (b"content-length", b"%d" % length),
                ]
            else:
                found = [base[0], (b"content-length", b"0"), *base[1:]]
            put_bounded(self._sized, (content_type, length), found, _SIZED_MAX)
        return found


@functools.lru_cache(maxsize=64)
def _header_value(value: str) -> bytes:
    """A header value as bytes (the few content types clients send, encoded once)."""
    return value.encode("latin-1")


def _delete_options(
    grace: int | None, propagation: str, preconditions: Mapping[str, str] | None, dry_run: bool
) -> Obj | None:
    opts: Obj = {}
    if grace is not None:
        opts["gracePeriodSeconds"] = grace
    if propagation:
        opts["propagationPolicy"] = propagation
    if preconditions:
        opts["preconditions"] = dict(preconditions)
    if dry_run:
        opts["dryRun"] = ["All"]
    if not opts:
        return None
    return {"kind": "DeleteOptions", "apiVersion": "v1", **opts}


def _decode(resp: Any) -> Any:
    if not resp.content:
        return None
    try:
        return orjson.loads(resp.content)
    except orjson.JSONDecodeError:
        return None
