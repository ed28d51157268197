"""Current objects by key, with sorted keys per resource.

Keys look like /registry/<group>/<plural>/[<namespace>/]<name>. Each resource ("bucket", the key up
to its fourth slash) keeps its own sorted key list, so listing one resource or one namespace of it
is a bisect into that list and never touches another resource; an insert only moves that
resource's keys. Prefixes spanning several resources (e.g. "/registry/") are rare (start-up, tools)
and merge the buckets they cover.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable

from kubepy.storage.cached import CachedObject


def bucket_of(key: str) -> str:
    """The resource part of a key: up to and including its fourth slash (else its last slash).
    Unrolled: every write to the watch cache asks it, and a loop costs twice as much."""
    f = key.find
    i = f("/")
    if i >= 0:
        i = f("/", i + 1)
        if i >= 0:
            i = f("/", i + 1)
            if i >= 0:
                i = f("/", i + 1)
                if i >= 0:
                    return key[: i + 1]
    return key[: key.rfind("/") + 1]


def under(key: str, prefix: str) -> bool:
    """Whether `key` lies under `prefix` as a path (Kubernetes' hasPathPrefix): a prefix ending in
    "/" (or empty) covers every key starting with it; "/a/b" covers "/a/b" and "/a/b/...", not "/a/bc",
    so watching or listing one object's key never picks up its longer-named neighbours."""
    if not key.startswith(prefix):
        return False
    return is_dir(prefix) or len(key) == len(prefix) or key[len(prefix)] == "/"


def is_dir(prefix: str) -> bool:
    return prefix == "" or prefix[-1] == "/"


def prefix_end(prefix: str) -> str:
    """The smallest string above every string starting with `prefix` (prefix non-empty)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class KeyIndex:
    """Objects by key; keys of each resource kept sorted.

    New keys wait in a per-resource pending list until the sorted keys are next read: a stream of
    creates then costs an append each, not a memmove of the whole resource's keys each."""

    __slots__ = ("_objs", "_buckets", "_pending")

    def __init__(self) -> None:
        self._objs: dict[str, CachedObject] = {}
        self._buckets: dict[str, list[str]] = {}
        self._pending: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._objs)

    def get(self, key: str) -> CachedObject | None:
        return self._objs.get(key)

    def put(self, obj: CachedObject, bucket: str | None = None) -> CachedObject | None:
        """Store `obj` under its key (`bucket`: its bucket_of, when the caller has it); returns
        the object it replaced."""
        prev = self._objs.get(obj.key)
        self._objs[obj.key] = obj
        if prev is None:
            b = bucket_of(obj.key) if bucket is None else bucket
            pending = self._pending.get(b)
            if pending is None:
                self._pending[b] = [obj.key]
            else:
                pending.append(obj.key)
        return prev

    def load(self, objs: list[CachedObject]) -> None:
        """Fill the empty index with `objs`, given in ascending key order (as storage lists
        them): each resource's keys are then one contiguous run, taken by a bisect and a slice
        instead of a put and a sort per key (650,000 objects at a cold start)."""
        if self._objs:
            raise ValueError("KeyIndex.load needs an empty index")
        self._objs = {o.key: o for o in objs}
        keys = list(self._objs)
        buckets, i, n = self._buckets, 0, len(keys)
        while i < n:
            b = bucket_of(keys[i])
            # a full bucket (four slashes) covers every key starting with it; a shorter one
            # (a key with fewer slashes) only that key, as longer keys below it have their own
            j = bisect_left(keys, prefix_end(b), i + 1) if b.count("/") == 4 else i + 1
            run = buckets.get(b)
            if run is None:
                buckets[b] = keys[i:j]
            else:
                run += keys[i:j]
            i = j

    def _sorted(self, bucket: str) -> list[str] | None:
        """The bucket's sorted keys, its pending keys merged in: one by one while they are few
        (as cheap as inserting them then), else by one sort (linear on a sorted list plus a tail)."""
        pending = self._pending.pop(bucket, None)
        keys = self._buckets.get(bucket)
        if pending is None:
            return keys
        if keys is None:
            keys = self._buckets[bucket] = sorted(pending)
        elif len(pending) * 16 < len(keys):
            for k in pending:
                insort(keys, k)
        else:
            keys += pending
            keys.sort()
        return keys

    def remove(self, key: str) -> CachedObject | None:
        """Drop `key`; returns the object it held."""
        prev = self._objs.pop(key, None)
        if prev is not None:
            b = bucket_of(key)
            keys = self._sorted(b)
            assert keys is not None
            del keys[bisect_left(keys, key)]
            if not keys:
                del self._buckets[b]
        return prev

    def clear(self) -> None:
        self._objs.clear()
        self._buckets.clear()
        self._pending.clear()

    def span(self, prefix: str, start: str = "") -> tuple[list[str], int, int]:
        """Sorted keys under `prefix` (see under()) from `start` on (inclusive), as `keys[lo:hi]`.

        Within one resource the bucket's own list comes back, not a copy: read it before the
        next write.
        """
        first = max(prefix, start)
        if prefix.count("/") >= 4:
            keys = self._sorted(bucket_of(prefix))
            if not keys:
                return [], 0, 0
            lo, hi = bisect_left(keys, first), bisect_left(keys, prefix_end(prefix))
            if is_dir(prefix):
                return keys, lo, hi
            keys = [k for k in keys[lo:hi] if under(k, prefix)]
            return keys, 0, len(keys)
        for b in list(self._pending):
            self._sorted(b)
        merged = sorted(
            k
            for b, ks in self._buckets.items()
            if b.startswith(prefix) or prefix.startswith(b)
            for k in ks
            if k >= first and under(k, prefix)
        )
        return merged, 0, len(merged)

    def count(self, prefix: str) -> int:
        """How many keys lie under `prefix`."""
        _, lo, hi = self.span(prefix)
        return hi - lo

    def getter(self) -> Callable[[str], CachedObject]:
        """A lookup for keys known to be present (KeyError otherwise)."""
        return self._objs.__getitem__
