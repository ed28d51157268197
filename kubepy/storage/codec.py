"""Object <-> stored bytes: stamping resourceVersion and checking preconditions.

The engines store exactly the bytes a client is sent, so the revision is stamped into the JSON at
write time. Stamping copies only the top level and `metadata`: the caller's dict is never mutated.

An object is encoded once, in the event loop, with a placeholder where its resourceVersion goes
(`encode`); the writer thread, which learns the revision, only splices the digits in (`fill`).
That keeps the JSON encoding out of the thread that commits, where it would hold the GIL the loop
needs, and lets guaranteed_update use one encoding both to detect a no-op and to write.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import orjson

from kubepy.storage.interface import Obj, PreconditionFailed, Preconditions

# A random placeholder, never sent anywhere: it can occur in an object only by the placeholder we
# put there, and `encode` checks it occurs exactly once before relying on its position.
_HOLE = secrets.token_hex(16)
_QUOTED_HOLE = f'"{_HOLE}"'.encode()


def stamp(obj: Obj, revision: int) -> bytes:
    """`obj` encoded with `metadata.resourceVersion = str(revision)`; `obj` is left untouched."""
    return _dumps(obj, str(revision))


def _dumps(obj: Obj, resource_version: str) -> bytes:
    meta: dict[str, Any] = dict(obj.get("metadata") or {})
    meta["resourceVersion"] = resource_version
    return orjson.dumps({**obj, "metadata": meta})


@dataclass(frozen=True, slots=True)
class Encoded:
    """An object's JSON split around its resourceVersion's digits: `head` ends with the opening
    quote, `tail` starts with the closing one. `obj` is kept only when the split was impossible."""

    head: bytes
    tail: bytes
    obj: Obj | None = None


def encode(obj: Obj) -> Encoded:
    """`obj` encoded once, ready to be stamped with any revision by `fill`."""
    data = _dumps(obj, _HOLE)
    at = data.find(_QUOTED_HOLE)
    if data.find(_QUOTED_HOLE, at + 1) != -1:  # the object itself holds the placeholder
        return Encoded(b"", b"", obj)
    return Encoded(data[: at + 1], data[at + len(_QUOTED_HOLE) - 1 :])


def fill(enc: Encoded, revision: int) -> bytes:
    """The bytes `stamp(obj, revision)` gives, without encoding again."""
    if enc.obj is not None:
        return stamp(enc.obj, revision)
    return b"".join((enc.head, str(revision).encode(), enc.tail))


def restamp(value: bytes, revision: int, current: int | None = None) -> bytes:
    """Stored bytes with another revision (a DELETED event carries the delete's). When the stored
    revision `current` is known and its `"resourceVersion":"<current>"` occurs once (it occurs
    at least in metadata: stored bytes are always stamped with their mod revision), the digits
    are spliced; otherwise the object is decoded and stamped again (same bytes either way)."""
    if current is not None:
        pair = b'"resourceVersion":"%d"' % current
        at = value.find(pair)
        if at != -1 and value.find(pair, at + 1) == -1:
            digits, end = at + 19, at + len(pair) - 1  # after the opening quote; the closing one
            return b"".join((value[:digits], str(revision).encode(), value[end:]))
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
