"""REST verbs on a resource collection or object (apiserver endpoints/handlers: get, create, ...)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.api.jsonkey import json_key
from kubepy.apiserver import params, partial, table
from kubepy.apiserver.apply.typed import json_copy
from kubepy.apiserver.handlers import patching
from kubepy.apiserver.http import JSON, Request, Response, decode_body, raw_response, takes_json
from kubepy.apiserver.registry.registry import Entry
from kubepy.apiserver.registry.store import WriteResult

Obj = dict[str, Any]


def manager_name(req: Request, opts: params.WriteOptions) -> str:
    """fieldManager, or the user agent's first word as Kubernetes derives it."""
    if opts.field_manager:
        return opts.field_manager
    return _agent_manager(req.headers.get("user-agent", ""))


@lru_cache(maxsize=256)  # clients send a handful of distinct User-Agent values
def _agent_manager(ua: str) -> str:
    return (ua.split("/")[0] if ua else "unknown")[:128]


@lru_cache(maxsize=256)
def _plain(accept: str) -> bool:
    """Whether a client sending this Accept takes an object as its stored JSON: it prefers no
    metadata-only view, Table, YAML or protobuf (what nearly every request asks)."""
    return takes_json(accept) and partial.wants_partial(accept) is None and table.wants_table(accept) is None


def _write_response(status: int, res: WriteResult, req: Request) -> Response:
    accept = req.headers.get("accept", "")
    if _plain(accept):
        return Response(status, res.body, JSON)
    pv = partial.wants_partial(accept)
    if pv:  # a metadata-only client (client-go's metadata client) patching
        body = partial.partial(orjson.loads(res.body), pv)
        resp = Response(status, orjson.dumps(body), partial.content_type(pv, False))
    else:
        resp = raw_response(status, res.body, req)
    return resp


def check_body_type(e: Entry, obj: Any) -> Obj:
    """The body must be an object of this resource's kind and group/version (or leave them unset)."""
    r = e.res
    if not isinstance(obj, dict):
        raise fe.bad_request(
            f'{r.kind} in version "{r.version}" cannot be handled as a {r.kind}: '
            "json: cannot unmarshal into Go value of type struct"
        )
    api_version = obj.get("apiVersion") or r.api_version
    kind = obj.get("kind") or r.kind
    if api_version != r.api_version:
        raise fe.bad_request(
            f"the API version in the data ({api_version}) does not match the expected API version ({r.api_version})"
        )
    if kind != r.kind:
        raise fe.bad_request(
            f'{kind} in version "{r.version}" cannot be handled as a {r.kind}: '
            f"the object provided is unrecognized (must be of type {r.kind})"
        )
    return obj


def check_name(body: Obj, req: Request) -> None:
    """rest.checkName: the body's name and namespace must agree with the URL."""
    meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    name = meta.get("name") or ""
    if name and name != req.info.name:
        raise fe.bad_request(
            f"the name of the object ({name}) does not match the name on the URL ({req.info.name})"
        )
    ns = meta.get("namespace") or ""
    if ns and req.info.namespace and ns != req.info.namespace:
        raise fe.bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"
        )


def table_response(e: Entry, req: Request, objs: list[Obj], version: str, **meta: Any) -> Response:
    t = table.table(
        e.res, objs, e.store.env.now(), version=version, include=table.include_object(req.query), **meta
    )
    return Response(200, orjson.dumps(t), table.content_type(version))


async def get(e: Entry, req: Request) -> Response:
    item = await e.store.get(req.info.namespace, req.info.name, params.first(req.query, "resourceVersion"))
    accept = req.headers.get("accept", "")
    if _plain(accept):
        return Response(200, item.value, JSON)
    pv = partial.wants_partial(accept)
    if pv:
        return Response(200, orjson.dumps(partial.partial(item.obj, pv)), partial.content_type(pv, False))
    tv = table.wants_table(accept)
    if tv:
        return table_response(e, req, [item.obj], tv, resource_version=str(item.revision))
    return raw_response(200, item.value, req)


def _list_head(e: Entry, revision: int, token: str, remaining: int) -> bytes:
    meta: Obj = {"resourceVersion": str(revision)}
    if token:
        meta["continue"] = token
        if remaining:
            meta["remainingItemCount"] = remaining
    return b'{"kind":"%s","apiVersion":"%s","metadata":%s,"items":[' % (
        e.res.list_kind.encode(),
        e.res.api_version.encode(),
        orjson.dumps(meta),
    )


def list_body(e: Entry, items: list[bytes], revision: int, token: str = "", remaining: int = 0) -> bytes:
    """The list's JSON, built with one copy of the items: head and tail ride on the first and
    last item rather than on the whole body, so a 15 MB list is not copied three times. It goes
    out in one write: sent in pieces, uvicorn's flow control made the loop wake per piece and
    the transfer slower, for no CPU saved."""
    head = _list_head(e, revision, token, remaining)
    if len(items) < 2:
        return head + b"".join(items) + b"]}"
    return b",".join([head + items[0], *items[1:-1], items[-1] + b"]}"])


async def list_(e: Entry, req: Request) -> Response:
    opts = params.list_options(req.query, watch=False)
    page = await e.store.list(req.info.namespace, opts)
    accept = req.headers.get("accept", "")
    pv = partial.wants_partial(accept)
    if pv:
        meta: Obj = {"resourceVersion": str(page.revision)}
        if page.continue_token:
            meta["continue"] = page.continue_token
            if page.remaining:
                meta["remainingItemCount"] = page.remaining
        body = partial.partial_list([orjson.loads(b) for b in page.items], pv, meta)
        return Response(200, orjson.dumps(body), partial.content_type(pv, True))
    tv = table.wants_table(accept)
    if tv:
        return table_response(
            e,
            req,
            [orjson.loads(b) for b in page.items],
            tv,
            resource_version=str(page.revision),
            continue_token=page.continue_token,
            remaining=page.remaining,
        )
    return raw_response(
        200, list_body(e, page.items, page.revision, page.continue_token, page.remaining), req
    )


async def create(e: Entry, req: Request) -> Response:
    opts = params.write_options(req.query)
    manager = manager_name(req, opts)
    ns = req.info.namespace
    # a JSON body: the same bytes as a create answered from memory before (a controller's pods)
    # passed every check up to the memo's lookup then, and pass them again without decoding
    raw = req.body if req.content_type in _JSON_BODY else None
    if raw is not None and (known := e.store.known(ns, raw, opts, manager)) is not None:
        await ensure_namespace(e, req)
        pending = e.store.create_known(known, opts)
        if pending is not None:
            return _write_response(201, await pending, req)
    obj = check_body_type(e, decode_body(req))
    await ensure_namespace(e, req, obj)
    res = await e.store.create(ns, obj, opts, manager, raw=raw)
    return _write_response(201, res, req)


#: request content types whose body is decoded as JSON (decode_body)
_JSON_BODY = frozenset(("", JSON))


async def ensure_namespace(e: Entry, req: Request, obj: Obj | None = None) -> None:
    """NamespaceLifecycle admission: the namespace must exist and not be terminating. `obj` is
    the decoded body (JSON, YAML or protobuf), whose name the Forbidden message carries."""
    ns = req.info.namespace
    if not e.res.namespaced or not ns:
        return
    cache = e.store.env.cache
    item = cache.get(f"/registry/core/namespaces/{ns}")
    if item is None:
        raise fe.not_found_error("namespaces", ns)
    if (item.obj.get("status") or {}).get("phase") == "Terminating":
        name = ((obj.get("metadata") or {}).get("name") or "") if isinstance(obj, dict) else _body_name(req)
        raise fe.StatusError(
            403,
            "Forbidden",
            f'{e.res.plural} "{name}" is forbidden: unable to create new content in namespace {ns} '
            "because it is being terminated",
            {
                "name": name,
                "kind": e.res.plural,
                "causes": [
                    {
                        "reason": "NamespaceTerminating",
                        "message": f"namespace {ns} is being terminated",
                        "field": "metadata.namespace",
                    }
                ],
            },
        )


def _body_name(req: Request) -> str:
    try:
        b = orjson.loads(req.body)
        return (b.get("metadata") or {}).get("name") or ""
    except Exception:  # noqa: BLE001 - best effort for a message
        return req.info.name


async def update(e: Entry, req: Request, subresource: str = "") -> Response:
    opts = params.write_options(req.query)
    body = check_body_type(e, decode_body(req))
    check_name(body, req)
    warnings = e.store._check_decoded_body(body, opts)
    if (
        not e.store.env.cache.get(e.store.key(req.info.namespace, req.info.name))
        and e.res.strategy.allow_create_on_update
    ):
        await ensure_namespace(e, req, body)

    uid = (body.get("metadata") or {}).get("uid")
    fresh_body = _body_copies(body, "yaml" in req.content_type)

    def mutate(current: Obj | None) -> Obj:
        # a PUT body's uid is a precondition, checked before its resourceVersion (Kubernetes'
        # defaultUpdatedObjectInfo.Preconditions, checked first by GuaranteedUpdate)
        actual = (current or {}).get("metadata", {}).get("uid", "")
        if current is not None and uid and uid != actual:
            raise e.store._precondition_conflict(req.info.name, "uid", uid, actual)
        return fresh_body()

    res = await e.store.update(
        req.info.namespace,
        req.info.name,
        mutate,
        opts,
        manager_name(req, opts),
        subresource=subresource,
        decoded_warnings=warnings,
    )
    return _write_response(201 if res.created else 200, res, req)


def _body_copies(body: Obj, yaml: bool) -> Callable[[], Obj]:
    """The PUT body for each attempt of the update loop, which changes what it is given: the body
    itself the first time (nothing else reads it), then fresh copies of it as it came, taken
    from its JSON. YAML may share one value under two keys (anchors), which only a deep copy
    keeps as it is; JSON that orjson would not write back exactly is copied as it is."""
    raw = None if yaml else json_key(body)
    kept = None if raw is not None else (copy.deepcopy if yaml else json_copy)(body)
    first = [body]

    def fresh() -> Obj:
        if first:
            return first.pop()
        if raw is not None:
            return orjson.loads(raw)
        return (copy.deepcopy if yaml else json_copy)(kept)

    return fresh


async def patch(e: Entry, req: Request, subresource: str = "") -> Response:
    opts = params.write_options(req.query)
    res = await patching.patch(e, req, opts, manager_name(req, opts), subresource)
    return _write_response(201 if res.created else 200, res, req)


async def delete(e: Entry, req: Request) -> Response:
    body = decode_body(req) if req.body.strip() else None
    dopts = params.delete_options(req.query, body if isinstance(body, dict) else None)
    code, out = await e.store.delete(req.info.namespace, req.info.name, dopts)
    return raw_response(code, out, req)


async def delete_collection(e: Entry, req: Request) -> Response:
    body = decode_body(req) if req.body.strip() else None
    dopts = params.delete_options(req.query, body if isinstance(body, dict) else None)
    lopts = params.list_options(req.query, watch=False)
    page = await e.store.delete_collection(req.info.namespace, lopts, dopts)
    return raw_response(200, list_body(e, page.items, page.revision), req)
