"""How apply sees a schema type: a leaf, a struct, a granular map, a set or an associative list.

The schema language keeps list and map types on the Field that holds a value, so a Node pairs the
type with what its field says. The rules follow kube-openapi's conversion of the OpenAPI schema:
lists are atomic unless they are sets or maps (or patch-strategy merge lists), maps and structs are
granular unless marked atomic, and Raw JSON is one atomic leaf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kubepy.api.jsoncopy import json_copy as json_copy  # re-exported: its users import it here
from kubepy.api.schema import Field, ListOf, MapOf, Struct, Type
from kubepy.apiserver.apply.fieldpath import key_pe, value_pe

LEAF, STRUCT, MAP, SET, ASSOC = "leaf", "struct", "map", "set", "assoc"

# Defaults Kubernetes publishes for list-map key fields (OpenAPI `default`), used when an item
# omits the key: a port without protocol is the TCP port.
KEY_DEFAULTS: dict[tuple[str, str], Any] = {
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.ServicePort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.EndpointPort", "protocol"): "TCP",
    ("io.k8s.api.discovery.v1.EndpointPort", "protocol"): "TCP",
}


# Struct types Kubernetes embeds by value (not by pointer): a Go object always carries them, empty
# or not, so their appearance is never a change. Used when the field declares no `default: {}`.
_BY_VALUE_SUFFIXES = (
    "Spec",
    "Status",
    ".ObjectMeta",
    ".DeploymentStrategy",
    ".DaemonSetUpdateStrategy",
    ".StatefulSetUpdateStrategy",
    ".ResourceRequirements",
)


@dataclass(frozen=True, slots=True)
class Node:
    kind: str
    type: Type | None = None
    keys: tuple[str, ...] = ()
    #: the hash, taken once: every lru_cache below hashes nodes on each call
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.kind, self.type, self.keys)))

    def __hash__(self) -> int:
        return self._hash


LEAF_NODE = Node(LEAF)


class TypedError(ValueError):
    """A value that cannot be read against its schema, reported with its path like SMD does."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@lru_cache(maxsize=8192)
def node_of(t: Type | None, fd: Field | None = None) -> Node:
    """Classify `t`, held by field `fd` (None for map values and list items)."""
    if isinstance(t, Struct):
        atomic = t.map_type == "atomic" or (fd is not None and fd.map_type == "atomic")
        return LEAF_NODE if atomic else Node(STRUCT, t)
    if isinstance(t, MapOf):
        return LEAF_NODE if fd is not None and fd.map_type == "atomic" else Node(MAP, t)
    if isinstance(t, ListOf) and fd is not None:
        lt = fd.list_type
        if not lt and "merge" in fd.patch_strategy:
            lt = "map" if fd.patch_merge_key else "set"
        if lt == "set":
            return Node(SET, t)
        if lt == "map":
            keys = fd.list_map_keys or ((fd.patch_merge_key,) if fd.patch_merge_key else ())
            return Node(ASSOC, t, keys) if keys else Node(SET, t)
    return LEAF_NODE  # scalars, Raw, atomic lists and anything unknown


@lru_cache(maxsize=65536)
def child(node: Node, name: str) -> Node:
    """The node of key `name` inside a struct or map node; undeclared struct fields are leaves."""
    if node.kind == STRUCT:
        assert isinstance(node.type, Struct)
        fd = node.type.fields.get(name)
        return node_of(fd.type, fd) if fd is not None else LEAF_NODE
    if node.kind == MAP:
        assert isinstance(node.type, MapOf)
        return node_of(node.type.value)
    return LEAF_NODE


def by_value(fd: Field) -> bool:
    """Whether Go always serializes this struct field (OpenAPI `default: {}`)."""
    default = getattr(fd, "default", None)
    if default is not None:
        return default == {}
    return isinstance(fd.type, Struct) and fd.type.name.endswith(_BY_VALUE_SUFFIXES)


def declared(node: Node, name: str) -> bool:
    """A named struct field (as opposed to a map key or an undeclared field)."""
    return node.kind == STRUCT and name in node.type.fields  # type: ignore[union-attr]


@lru_cache(maxsize=8192)
def item(node: Node) -> Node:
    assert isinstance(node.type, ListOf)
    return node_of(node.type.item)


def descend(node: Node, pe: str) -> Node:
    """The node reached from `node` through path element `pe`."""
    if pe.startswith("f:"):
        return child(node, pe[2:])
    if node.kind in (SET, ASSOC):
        return item(node)
    return LEAF_NODE


def _key_default(node: Node, key: str) -> Any:
    it = node.type.item if isinstance(node.type, ListOf) else None
    if not isinstance(it, Struct):
        return None
    fd = it.fields.get(key)
    default = getattr(fd, "default", None) if fd is not None else None
    return default if default is not None else KEY_DEFAULTS.get((it.name, key))


def item_pe(node: Node, value: Any) -> str:
    """listItemToPathElement: the "k:" or "v:" element naming a list item; ValueError if none."""
    if node.kind == ASSOC:
        if value is None:
            raise ValueError("associative list with keys may not have a null element")
        if not isinstance(value, dict):
            raise ValueError("associative list with keys may not have non-map elements")
        if len(node.keys) == 1:  # most lists: one key, a name or a number
            v = value.get(node.keys[0])
            if type(v) is str or type(v) is int:
                return _one_key_pe(node.keys[0], v)
        keys: dict[str, Any] = {}
        for k in node.keys:
            if k in value:
                keys[k] = value[k]
            else:
                default = _key_default(node, k)
                if default is not None:
                    keys[k] = default
        if not keys:
            quoted = " ".join(f'"{k}"' for k in node.keys)
            raise ValueError(
                f"associative list with keys has an element that omits all key fields [{quoted}] "
                "(and doesn't have default values for any key fields)"
            )
        return key_pe(keys)
    if isinstance(value, dict):
        raise ValueError("associative list without keys has an element that's a map type")
    if isinstance(value, list):
        raise ValueError("not supported: associative list with lists as elements")
    if value is None:
        raise ValueError("associative list without keys has an element that's an explicit null")
    return value_pe(value)


@lru_cache(maxsize=16384, typed=True)
def _one_key_pe(key: str, value: str | int) -> str:
    return key_pe({key: value})


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values that, unlike ==, tells true from 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(json_equal, a, b))
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and a == b
    return type(a) is type(b) and a == b
