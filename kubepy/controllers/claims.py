"""Adoption and release by ownerReferences (ControllerRefManager): an owner claims the objects
matching its selector that have no controller, and lets go of its own that stopped matching."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kubepy.api.labels import Selector
from kubepy.client.errors import ApiError
from kubepy.client.resources import ResourceRef
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P

Obj = dict[str, Any]


async def patch_owner(client: RESTClient, ref: ResourceRef, obj: Obj, owner_ref: Obj) -> Obj | None:
    """Add an ownerReference (or remove one, with "$patch": "delete"); the uid guards against an
    object recreated under the same name. None when the object is gone or changed identity."""
    m = P.meta(obj)
    patch = {"metadata": {"ownerReferences": [owner_ref], "uid": m.get("uid")}}
    try:
        return await client.patch(ref, m.get("name", ""), patch, m.get("namespace", ""))
    except ApiError as e:
        if e.code in (404, 409, 422):
            return None
        raise


async def claim(
    client: RESTClient,
    ref: ResourceRef,
    owner: Obj,
    owner_ref: Obj,
    selector: Selector,
    objs: list[Obj],
    can_adopt: Callable[[], Awaitable[bool]],
) -> list[Obj]:
    """The objects `owner` controls after adopting matching orphans and releasing strays."""
    uid = P.meta(owner).get("uid")
    deleting = bool(P.meta(owner).get("deletionTimestamp"))
    out: list[Obj] = []
    adopt_ok: bool | None = None
    for obj in objs:
        labels = P.meta(obj).get("labels") or {}
        cref = P.controller_ref(obj)
        if cref is not None:
            if cref.get("uid") != uid:
                continue
            if selector.matches(labels):
                out.append(obj)
            elif not deleting:
                await patch_owner(client, ref, obj, {"$patch": "delete", "uid": uid})
            continue
        if deleting or P.meta(obj).get("deletionTimestamp") or not selector.matches(labels):
            continue
        if adopt_ok is None:
            adopt_ok = await can_adopt()
        if adopt_ok:
            adopted = await patch_owner(client, ref, obj, owner_ref)
            if adopted is not None:
                out.append(adopted)
    return out
