"""Setting one field of a stored object where Go's encoder would write it.

Stored objects keep the key order Kubernetes serializes (a struct's fields in declaration order,
see decode.canonical_order), so `-o json` reads like Kubernetes' own. A handler that changes one
field of such an object (the binding sets spec.nodeName and status.conditions) puts the key in
its place instead of at the end, for the cost of one pass over the struct's keys rather than a
whole canonical_order.
"""

from __future__ import annotations

from typing import Any

from kubepy.api.schema import Struct


def with_field(obj: dict[str, Any], key: str, value: Any, struct: Struct) -> dict[str, Any]:
    """A copy of `obj` with `key` set to `value`: in its place when `key` was there, else before
    the first key that `struct` declares after it (at the end when there is none, or when
    `struct` does not declare `key`). `obj` is left as it is."""
    if key in obj or key not in struct.fields:
        out = dict(obj)
        out[key] = value
        return out
    later = _later(struct, key)
    out = {}
    for k, v in obj.items():
        if later is not None and k in later:
            out[key] = value
            later = None
        out[k] = v
    if later is not None:
        out[key] = value
    return out


_LATER: dict[tuple[str, str], frozenset[str]] = {}


def _later(struct: Struct, key: str) -> frozenset[str]:
    """The fields `struct` declares after `key` (remembered per struct and key)."""
    found = _LATER.get((struct.name, key))
    if found is None:
        names = list(struct.fields)
        found = _LATER[(struct.name, key)] = frozenset(names[names.index(key) + 1 :])
    return found
