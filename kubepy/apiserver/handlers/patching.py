"""PATCH: pick the patch type from Content-Type and run it inside the store's update loop, so a
patch is re-applied to the newest object after a lost race, as Kubernetes does."""

from __future__ import annotations

import copy
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.apiserver import apply as ssa
from kubepy.apiserver.apply.typed import json_copy
from kubepy.apiserver.http import Request, decode_body
from kubepy.apiserver.params import WriteOptions
from kubepy.apiserver.patch import decode_patch_body, jsonpatch, mergepatch, strategic
from kubepy.apiserver.registry.registry import Entry
from kubepy.apiserver.registry.store import WriteResult
from kubepy.util.duration import rfc3339

Obj = dict[str, Any]

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"
APPLY_CBOR = "application/apply-patch+cbor"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC, APPLY)


def unsupported_patch(ct: str) -> fe.StatusError:
    return fe.StatusError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: "
        f"{', '.join(PATCH_TYPES)}",
    )


async def patch(e: Entry, req: Request, opts: WriteOptions, manager: str, subresource: str) -> WriteResult:
    ct = req.content_type
    if ct not in PATCH_TYPES:
        raise unsupported_patch(ct)
    if ct != APPLY and "force" in req.query:  # ValidatePatchOptions: even force=false
        raise fe.invalid_error(
            "PatchOptions",
            "",
            [fe.forbidden("force", "may not be specified for non-apply patch")],
            group="meta.k8s.io",
        )
    doc = decode_body(req) if ct == APPLY else decode_patch_body(req.body)
    if ct == APPLY:
        return await _apply(e, req, doc, opts, subresource)
    schema = e.res.schema
    warnings: list[str] = []
    # a merge patch without nulls is given to the first attempt to merge in as it is; a retry
    # (a lost race, rare) decodes the body again
    givable = ct == MERGE_PATCH and b"null" not in req.body
    given = [False]

    def mutate(current: Obj | None) -> Obj:
        if current is None:
            raise e.store._not_found(req.info.name)
        if ct == JSON_PATCH:
            new = jsonpatch.apply_json_patch(current, doc)
        elif ct == MERGE_PATCH:
            if given[0]:
                src, take = decode_patch_body(req.body), False
            else:
                src, take = doc, givable
                given[0] = givable
            # storage decoded `current` from JSON, unless the resource is seen through another's
            new = mergepatch.apply_merge_patch(
                json_copy(current, decoded=e.res.from_stored is None), src, own=True, take=take
            )
        else:
            new = strategic.apply_strategic_merge_patch(current, doc, schema)
        if not isinstance(new, dict):
            raise fe.bad_request("the patched object is not a JSON object")
        # the value Kubernetes reports: the patched object, or for a strategic merge patch the
        # patch (decoding drops unknown fields from `new`, so it is written out first)
        shown = (doc if ct == STRATEGIC else new) if opts.field_validation == "Strict" else None
        text = orjson.dumps(shown).decode() if shown is not None else ""
        try:
            warnings.extend(e.store._check_decoded(new, opts))
        except fe.StatusError as err:
            raise _as_patch_error(err, text) from None
        return new

    return await e.store.update(
        req.info.namespace,
        req.info.name,
        mutate,
        opts,
        manager,
        subresource=subresource,
        decoded_warnings=warnings,
        create_allowed=False,
    )


def _as_patch_error(err: fe.StatusError, value: str) -> fe.StatusError:
    """Kubernetes reports fieldValidation=Strict refusing a patched object as 422 Invalid on the
    field "patch", not as the 400 a create or update gets."""
    if err.code != 400 or not err.message.startswith("strict decoding error"):
        return err
    return fe.invalid_error("", "", [fe.invalid("patch", value, err.message)])


async def _apply(e: Entry, req: Request, doc: Any, opts: WriteOptions, subresource: str) -> WriteResult:
    if not opts.field_manager:
        raise fe.invalid_error(
            "PatchOptions",
            "",
            [fe.required("fieldManager", "is required for apply patch")],
            group="meta.k8s.io",
        )
    if not isinstance(doc, dict):
        raise fe.bad_request("couldn't get version/kind; json parse error: expected an object")
    applied = copy.deepcopy(doc)
    warnings = e.store._check_decoded(applied, opts)
    now = rfc3339(e.store.env.now())
    meta = applied.get("metadata") or {}
    if meta.get("name") and meta["name"] != req.info.name:
        raise fe.bad_request(
            f"the name of the object ({meta['name']}) does not match the name on the URL ({req.info.name})"
        )

    def mutate(current: Obj | None) -> Obj:
        body = copy.deepcopy(applied)
        body.setdefault("metadata", {})["name"] = req.info.name
        if e.res.namespaced:
            body["metadata"].setdefault("namespace", req.info.namespace)
        new = ssa.apply(
            json_copy(current) if current is not None else None,
            body,
            manager=opts.field_manager,
            force=opts.force,
            schema=e.res.schema,
            api_version=e.res.api_version,
            now=now,
            subresource=subresource,
        )
        if current is not None and not meta.get("resourceVersion"):  # a given one is a precondition
            new.setdefault("metadata", {})["resourceVersion"] = (current.get("metadata") or {}).get(
                "resourceVersion"
            )
        return new

    from kubepy.apiserver.handlers.resource import ensure_namespace

    if e.store.env.cache.get(e.store.key(req.info.namespace, req.info.name)) is None:
        await ensure_namespace(e, req)
    return await e.store.update(
        req.info.namespace,
        req.info.name,
        mutate,
        opts,
        opts.field_manager,
        subresource=subresource,
        decoded_warnings=warnings,
        create_allowed=not subresource,
        apply=True,
    )
