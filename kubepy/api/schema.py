"""The type language every resource declaration is written in.

One declaration feeds strategic merge patch (merge keys and strategies), server-side apply (list and
map types), field validation (known fields), OpenAPI and `kubectl explain` (types, formats,
descriptions) and protobuf (field numbers). Nothing here knows about any particular resource.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Prim:
    """A JSON scalar; `format` follows OpenAPI (int32, int64, date-time, byte, int-or-string...)."""

    type: str  # "string" | "integer" | "number" | "boolean"
    format: str = ""
    ref: str = ""  # OpenAPI definition name when Kubernetes publishes one (Quantity, Time, ...)
    enum: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListOf:
    item: Type


@dataclass(frozen=True, slots=True)
class MapOf:
    """map[string]value."""

    value: Type


@dataclass(frozen=True, slots=True)
class Raw:
    """Arbitrary JSON kept as sent (RawExtension, JSON); unknown fields inside are not errors."""

    ref: str = ""


@dataclass(frozen=True, slots=True)
class Field:
    type: Type
    description: str = ""
    required: bool = False
    # Strategic merge patch metadata (x-kubernetes-patch-strategy / -patch-merge-key).
    patch_strategy: str = ""  # "merge" | "replace" | "retainKeys" | "merge,retainKeys"
    patch_merge_key: str = ""
    # Server-side apply metadata (x-kubernetes-list-type / -list-map-keys / -map-type).
    list_type: str = ""  # "atomic" | "set" | "map"; "" = atomic
    list_map_keys: tuple[str, ...] = ()
    map_type: str = ""  # "granular" | "atomic" for map fields
    proto: int = 0  # protobuf field number in Kubernetes' generated.proto; 0 = unknown
    #: The Go field is inlined in JSON but travels in protobuf inside an embedded message with
    #: this number (Volume.VolumeSource = 2); `proto` is then the number inside it.
    embed: int = 0
    #: The Go field is a pointer: an explicit zero (replicas: 0) is kept, not dropped as unset.
    pointer: bool = False


@dataclass(frozen=True, slots=True)
class Struct:
    """A Go struct: `name` is the OpenAPI definition name, e.g. io.k8s.api.core.v1.PodSpec."""

    name: str
    description: str
    fields: Mapping[str, Field]
    map_type: str = ""  # "atomic" when the struct is replaced as a whole by apply
    gvk: tuple[str, str, str] | None = None  # (group, version, kind) for top-level kinds

    def __hash__(self) -> int:  # fields is a dict; identity is the definition name
        return hash(self.name)

    def field(self, name: str) -> Field | None:
        return self.fields.get(name)


Type = Prim | ListOf | MapOf | Struct | Raw

# ---- scalars -------------------------------------------------------------------------------
STRING = Prim("string")
INT32 = Prim("integer", "int32")
INT64 = Prim("integer", "int64")
BOOL = Prim("boolean")
DOUBLE = Prim("number", "double")
BYTES = Prim("string", "byte")
TIME = Prim("string", "date-time", ref="io.k8s.apimachinery.pkg.apis.meta.v1.Time")
MICROTIME = Prim("string", "date-time", ref="io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime")
QUANTITY = Prim("string", "", ref="io.k8s.apimachinery.pkg.api.resource.Quantity")
INT_OR_STRING = Prim("string", "int-or-string", ref="io.k8s.apimachinery.pkg.util.intstr.IntOrString")
DURATION = Prim("string", "", ref="io.k8s.apimachinery.pkg.apis.meta.v1.Duration")


def enum(*values: str) -> Prim:
    return Prim("string", enum=values)


# ---- builders ------------------------------------------------------------------------------
def f(
    type: Type,
    description: str = "",
    *,
    required: bool = False,
    strategy: str = "",
    key: str = "",
    list_type: str = "",
    map_keys: tuple[str, ...] = (),
    map_type: str = "",
    proto: int = 0,
    embed: int = 0,
    pointer: bool = False,
) -> Field:
    """Shorthand for Field; `key` is the strategic-merge merge key."""
    return Field(
        type, description, required, strategy, key, list_type, map_keys, map_type, proto, embed, pointer
    )


def struct(
    name: str,
    description: str,
    fields: Mapping[str, Field] | None = None,
    /,
    *,
    map_type: str = "",
    gvk: tuple[str, str, str] | None = None,
    **kw: Field,
) -> Struct:
    """Fields may be given as a dict (for names that are Python keywords) and/or as keywords."""
    merged: dict[str, Field] = dict(fields or {})
    merged.update(kw)
    return Struct(name, description, merged, map_type, gvk)


def list_of(item: Type) -> ListOf:
    return ListOf(item)


def map_of(value: Type) -> MapOf:
    return MapOf(value)


# ---- navigation ----------------------------------------------------------------------------
def child(t: Type | None, name: str) -> tuple[Field | None, Type | None]:
    """The field and type of `name` inside `t` (a struct field, or a map value)."""
    if isinstance(t, Struct):
        fd = t.fields.get(name)
        return fd, (fd.type if fd else None)
    if isinstance(t, MapOf):
        return None, t.value
    return None, None


def at_path(root: Type, path: tuple[str, ...]) -> Type | None:
    """Type found by walking struct fields, map values and list items (ints in the path)."""
    t: Type | None = root
    for part in path:
        if isinstance(t, ListOf):
            t = t.item
            continue
        _, t = child(t, part)
        if t is None:
            return None
    return t


def walk_structs(root: Type) -> Iterator[Struct]:
    """Every struct reachable from `root`, each once (for OpenAPI definitions)."""
    seen: set[str] = set()
    stack: list[Type] = [root]
    while stack:
        t = stack.pop()
        if isinstance(t, ListOf):
            stack.append(t.item)
        elif isinstance(t, MapOf):
            stack.append(t.value)
        elif isinstance(t, Struct) and t.name not in seen:
            seen.add(t.name)
            yield t
            stack.extend(fd.type for fd in t.fields.values())


@dataclass(slots=True)
class SchemaRegistry:
    """Top-level kinds by (group, version, kind)."""

    kinds: dict[tuple[str, str, str], Struct] = field(default_factory=dict)

    def add(self, s: Struct) -> None:
        assert s.gvk is not None, s.name
        self.kinds[s.gvk] = s
