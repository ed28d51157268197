"""managedFields for non-apply writes: every create/update/patch records who set which fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubepy.apiserver import apply as ssa
from kubepy.util.duration import rfc3339

if TYPE_CHECKING:
    from kubepy.apiserver.registry.store import Store

Obj = dict[str, Any]


def on_create(store: Store, obj: Obj, manager: str, now: str, requested: Obj | None = None) -> Obj:
    """Sets `obj`'s managedFields in place (a create owns its object); `requested`: the object as
    the manager asked for it, when admission has changed it since."""
    return ssa.track_create(
        obj,
        manager=manager,
        schema=store.res.schema,
        api_version=store.res.api_version,
        now=now,
        requested=requested,
    )


def on_update(
    store: Store, old: Obj | None, new: Obj, manager: str, subresource: str, now: str | None = None
) -> Obj:
    """`now`: the write's own timestamp when the caller already read the clock."""
    return ssa.track_update(
        old,
        new,
        manager=manager,
        schema=store.res.schema,
        api_version=store.res.api_version,
        now=now or rfc3339(store.env.now()),
        subresource=subresource,
    )
