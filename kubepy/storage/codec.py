"""Object <-> stored bytes: stamping resourceVersion and checking preconditions.

The engines store exactly the bytes a client is sent, so the revision is stamped into the JSON at
write time. Stamping copies only the top level and `metadata`: the caller's dict is never mutated.
"""

from __future__ import annotations

from typing import Any

import orjson

from kubepy.storage.interface import Obj, PreconditionFailed, Preconditions


def stamp(obj: Obj, revision: int) -> bytes:
    """`obj` encoded with `metadata.resourceVersion = str(revision)`; `obj` is left untouched."""
    meta: dict[str, Any] = dict(obj.get("metadata") or {})
    meta["resourceVersion"] = str(revision)
    return orjson.dumps({**obj, "metadata": meta})


def restamp(value: bytes, revision: int) -> bytes:
    """Stored bytes re-encoded with another revision (a DELETED event carries the delete's)."""
    return stamp(orjson.loads(value), revision)


def check_preconditions(key: str, current: Obj, pre: Preconditions | None) -> None:
    """PreconditionFailed unless the uid / resourceVersion asked for match `current`."""
    if pre is None:
        return
    meta = current.get("metadata") or {}
    if pre.uid is not None and pre.uid != meta.get("uid", ""):
        raise PreconditionFailed(key, "UID", pre.uid, str(meta.get("uid", "")))
    if pre.resource_version is not None and pre.resource_version != meta.get("resourceVersion", ""):
        raise PreconditionFailed(
            key, "ResourceVersion", pre.resource_version, str(meta.get("resourceVersion", ""))
        )
