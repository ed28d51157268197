"""What the schema says about a field for strategic merge patch: its type, strategy and merge key.

Kubernetes reads these from Go struct tags (patchStrategy, patchMergeKey); we read them from the
resource declaration. Members the schema does not know, and everything under a Raw field, have no
metadata, so they merge like JSON merge patch.
"""

from __future__ import annotations

from kubepy.api.schema import ListOf, MapOf, Prim, Struct, Type
from kubepy.apiserver.patch.errors import failure
from kubepy.apiserver.patch.golang import go_fmt


def lookup(t: Type | None, key: str) -> tuple[Type | None, str, str]:
    """(type, patch strategy, merge key) of member `key` of `t`; unknown members have none."""
    if isinstance(t, Struct):
        fd = t.fields.get(key)
        if fd is None:
            return None, "", ""
        return fd.type, fd.patch_strategy, fd.patch_merge_key
    if isinstance(t, MapOf):
        return t.value, "", ""
    return None, "", ""


def lookup_slice(t: Type | None, key: str) -> tuple[Type | None, str, str]:
    """Like lookup, but the type returned is that of the list's items."""
    sub, strategy, merge_key = lookup(t, key)
    return (sub.item if isinstance(sub, ListOf) else None), strategy, merge_key


def strategy_of(strategies: str) -> str:
    """The strategy besides retainKeys (which only matters when a patch is computed)."""
    parts = strategies.split(",")
    if len(parts) == 1:
        return "" if parts[0] == "retainKeys" else parts[0]
    if len(parts) == 2 and "retainKeys" in parts:
        return parts[1] if parts[0] == "retainKeys" else parts[0]
    raise failure(f"unexpected patch strategy: {go_fmt(parts)}")


def kind_name(t: Type | None) -> str:
    """reflect.Kind of a list's item type, for "cannot merge lists without merge key for ..."."""
    if isinstance(t, MapOf):
        return "map"
    if isinstance(t, Prim):
        if t.type == "integer":
            return "int32" if t.format == "int32" else "int64"
        return {"boolean": "bool", "number": "float64"}.get(t.type, "string")
    return "struct"
