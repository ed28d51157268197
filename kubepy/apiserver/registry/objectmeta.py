"""Pure metadata bookkeeping the generic store does for every kind (rest.BeforeCreate/BeforeUpdate)."""

from __future__ import annotations

import os
import random
from collections import deque
from collections.abc import Callable
from typing import Any

Obj = dict[str, Any]

#: utilrand.String's alphabet: no vowels (no words) and no confusable 0/1/3.
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
GENERATE_NAME_RETRIES = 8


_SUFFIX_BATCH = 256
_suffixes: deque[str] = deque()
#: a random byte's low five bits pick a letter (utilrand.String's 5-bit index); 27..31 are
#: dropped, as utilrand.String rejects them, so every letter stays equally likely
_LETTER_OF = bytes(ord(_ALPHANUMS[b & 31]) if (b & 31) < len(_ALPHANUMS) else 0 for b in range(256))
_REJECTED = bytes(b for b in range(256) if (b & 31) >= len(_ALPHANUMS))


def random_suffix(n: int = 5, rng: random.Random | None = None) -> str:
    """utilrand.String(n). The usual five letters are drawn ~256 suffixes at a time, from one
    read of random bytes mapped to letters in one pass (`bytes.translate`)."""
    if rng is not None or n != 5:
        return "".join((rng or random).choices(_ALPHANUMS, k=n))
    try:
        return _suffixes.popleft()  # atomic: safe from any thread
    except IndexError:
        chars = os.urandom(5 * _SUFFIX_BATCH * 32 // len(_ALPHANUMS)).translate(_LETTER_OF, _REJECTED)
        text = chars.decode("ascii")
        _suffixes.extend(text[i : i + 5] for i in range(0, len(text) - 4, 5))
        return _suffixes.popleft()


def generate_name(base: str, suffix: Callable[[], str]) -> str:
    """names.SimpleNameGenerator: the base cut to leave room for the suffix within 63 chars."""
    max_base = 63 - 5
    return base[:max_base] + suffix()


def fill_create(meta: Obj, *, uid: str, now: str, namespace: str, namespaced: bool) -> None:
    """System fields a client may not choose at creation."""
    meta.pop("deletionTimestamp", None)
    meta.pop("deletionGracePeriodSeconds", None)
    meta.pop("selfLink", None)
    meta["uid"] = uid
    meta["creationTimestamp"] = now
    if namespaced:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)


def uuid4_text(raw: bytes) -> str:
    """The text of `uuid.UUID(bytes=raw, version=4)` for 16 random bytes, without building a UUID."""
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab89ab89ab89ab'[int(h[16], 16)]}{h[17:20]}-{h[20:]}"


_UID_BATCH = 256
_uids: deque[str] = deque()


def new_uid() -> str:
    """A random (version 4) UID. The random bytes are read 256 UIDs at a time: os.urandom is a
    syscall that drops the GIL, and under load each re-acquisition waits behind the storage writer."""
    try:
        return _uids.popleft()  # atomic: safe from any thread
    except IndexError:
        raw = os.urandom(16 * _UID_BATCH)
        _uids.extend(uuid4_text(raw[i : i + 16]) for i in range(0, len(raw), 16))
        return _uids.popleft()


def fill_update(meta: Obj, old: Obj) -> None:
    """An update never changes identity, creation time, deletion marks or generation."""
    if not meta.get("uid"):
        meta["uid"] = old.get("uid")
    if old.get("creationTimestamp"):
        meta["creationTimestamp"] = old["creationTimestamp"]
    for key in ("deletionTimestamp", "deletionGracePeriodSeconds"):
        if key in old:
            meta[key] = old[key]
        else:
            meta.pop(key, None)
    if "generation" in old:
        meta["generation"] = old["generation"]
    else:
        meta.pop("generation", None)
    meta.pop("selfLink", None)


_ABSENT = object()


def spec_changed(new: Obj, old: Obj) -> bool:
    """Anything outside metadata and status differs: the desired state changed."""
    keys = (set(new) | set(old)) - {"metadata", "status", "apiVersion", "kind"}
    return any(new.get(k) != old.get(k) for k in keys)


def semantically_equal(a: Obj, b: Obj) -> bool:
    """Equal apart from resourceVersion and managedFields timestamps (a no-op write). Most writes
    change status or spec: an unequal one answers at once, before metadata is copied to compare."""
    for k in ("status", "spec"):
        x, y = a.get(k, _ABSENT), b.get(k, _ABSENT)
        if x is not y and x != y:  # as the dict comparison below would find them
            return False

    def strip(o: Obj) -> Obj:
        m = dict(o.get("metadata") or {})
        m.pop("resourceVersion", None)
        mf = m.pop("managedFields", None) or []
        m["managedFields"] = [{k: v for k, v in e.items() if k != "time"} for e in mf]
        return {**o, "metadata": m}

    return strip(a) == strip(b)
