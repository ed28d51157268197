"""Creates of a body seen before, answered from what the full pipeline made of it.

A ReplicationController's or ReplicaSet's pods are all created from one template: their create
bodies are the same bytes (generateName, labels, ownerReferences, spec). Decoding, defaulting,
admission, spec validation, canonicalization, the managedFields field set and the key order are
pure functions of that body, the namespace, the write options, the manager and what admission
read (`admission.memo_state`). Only four values differ per object: its name, uid,
creationTimestamp and the managedFields time (the same clock reading as creationTimestamp). So a
body seen twice is remembered as the object the full pipeline stored, and a third create of it
builds its object from that one with its own four values, redoing only what reads the name:
metadata validation and the strategy's create warnings.

Only a strategy that says so (`Strategy.create_memo`) and a store without hooks take part; a
result is remembered only when those four values appear nowhere else in it (checked on its
JSON), so none of them can have been copied into another field.

A body whose name is generated also comes again as the same request bytes: such a request is
looked up by its bytes (`RawKey`), so a repeat skips the decoding and the key's JSON too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from kubepy.api.jsonkey import json_key
from kubepy.util.fifo import put_bounded

Obj = dict[str, Any]

#: what stands for any non-empty string name in a key: the name only changes what is redone
_NAME = "\x00"
#: bodies remembered per store (each ~1-2 KB: an object with pre-encoded spec and status)
REMEMBERED = 256
#: bodies seen once (by their key's hash: a few bytes each), waiting for a second sighting
SEEN = 4096


class Key(NamedTuple):
    """Everything the deterministic part of a create depends on."""

    namespace: str
    manager: str
    options: tuple[str, bool]  # fieldValidation, force
    admission: tuple[Any, ...]  # admission.memo_state
    body: bytes  # body_key


class RawKey(NamedTuple):
    """A create request as it came: what decoding it and everything before the memo's lookup
    depend on (a JSON body's bytes decode to one value, checked against one URL namespace)."""

    namespace: str  # the URL's
    manager: str
    options: tuple[str, bool]
    body: bytes


@dataclass(frozen=True, slots=True)
class Remembered:
    """What the full pipeline made of a body."""

    #: the object handed to storage; its metadata and managedFields entry are copied per create
    obj: Obj
    #: metadata as metadata validation saw it (before managedFields), for the name's check
    checked_meta: Obj
    #: the decoding's warnings (unknown fields), recorded again for each create
    warnings: tuple[str, ...]
    #: JSON of the object just before it was named, for a generateName retry's admission check;
    #: None when the body names the object
    base: bytes | None


def body_key(obj: Obj) -> bytes | None:
    """The body's exact JSON with a non-empty string name replaced by a placeholder (restored at
    once, in place: key order unchanged); None when no exact JSON exists."""
    meta = obj.get("metadata")
    name = meta.get("name") if type(meta) is dict else None
    if type(name) is not str or not name:
        return json_key(obj)
    meta["name"] = _NAME
    try:
        return json_key(obj)
    finally:
        meta["name"] = name


class CreateMemo:
    """One store's remembered creates, bounded."""

    __slots__ = ("_seen", "_kept", "_raw")

    def __init__(self) -> None:
        self._seen: dict[int, None] = {}
        self._kept: dict[Key, Remembered] = {}
        self._raw: dict[RawKey, Key] = {}

    def get(self, key: Key) -> Remembered | None:
        return self._kept.get(key)

    def key_of(self, raw: RawKey) -> Key | None:
        """The key a request of these bytes was answered under before (it may be gone since)."""
        return self._raw.get(raw)

    def note(self, raw: RawKey, key: Key) -> None:
        """A request of these bytes was answered from `key`'s result."""
        put_bounded(self._raw, raw, key, REMEMBERED)

    def worth_keeping(self, key: Key) -> bool:
        """Whether this create's result should be kept: its body was seen before. A body seen
        once is only noted, so creates of bodies that never repeat build nothing to keep (a
        hash shared by two keys only keeps a result one create early, never a wrong one)."""
        h = hash(key)
        if h in self._seen:
            return True
        put_bounded(self._seen, h, None, SEEN)
        return False

    def keep(self, key: Key, rem: Remembered) -> None:
        self._seen.pop(hash(key), None)
        put_bounded(self._kept, key, rem, REMEMBERED)


def remembered(
    obj: Obj, checked_meta: Obj, warnings: list[str], base: bytes | None, *, name: str, uid: str, now: str
) -> Remembered | None:
    """`obj` (as stored, made for `name`, `uid` and `now`) as a Remembered, or None when another
    object could not be made from it by replacing those values: metadata not a plain dict, a
    managedFields list other than one entry of this write, or one of the values found anywhere
    but in its own fields."""
    meta = obj.get("metadata")
    if type(meta) is not dict:
        return None
    if meta.get("name") != name or meta.get("uid") != uid or meta.get("creationTimestamp") != now:
        return None
    times = 1
    if "managedFields" in meta:
        mf = meta["managedFields"]
        if type(mf) is not list or len(mf) != 1 or type(mf[0]) is not dict or mf[0].get("time") != now:
            return None
        times = 2
    try:
        raw = orjson.dumps(obj)
    except TypeError:
        return None
    for value, count in ((name, 1), (uid, 1), (now, times)):
        if raw.count(orjson.dumps(value)) != count:
            return None
    return Remembered(obj, checked_meta, tuple(warnings), base)


def build(rem: Remembered, name: str, uid: str, now: str) -> Obj:
    """A new object from `rem` for this create: fresh top level and metadata (and managedFields
    entry), everything else shared with the remembered object, which storage only encodes."""
    obj = rem.obj.copy()
    meta = obj["metadata"].copy()
    meta["name"] = name
    meta["uid"] = uid
    meta["creationTimestamp"] = now
    mf = meta.get("managedFields")
    if mf is not None:
        entry = mf[0].copy()
        entry["time"] = now
        meta["managedFields"] = [entry]
    obj["metadata"] = meta
    return obj


def checked_meta(rem: Remembered, name: str, uid: str, now: str) -> Obj:
    """The metadata the full pipeline would validate for this create."""
    meta = rem.checked_meta.copy()
    meta["name"] = name
    meta["uid"] = uid
    meta["creationTimestamp"] = now
    return meta


def named_base(base: bytes, name: str, uid: str, now: str) -> Obj:
    """The object as `create` has it just before validation, for this create's values (a
    generateName retry's admission check)."""
    obj = orjson.loads(base)
    meta = obj["metadata"]
    meta["uid"] = uid
    meta["creationTimestamp"] = now
    meta["name"] = name
    return obj
