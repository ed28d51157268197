"""Schema language → OpenAPI schema objects, for swagger 2.0 and OpenAPI 3.0 alike.

The two dialects differ only where kube-openapi makes them differ: the ref prefix, refs that carry
siblings (v3 wraps them in allOf, builder3's wrapRefs), and the named scalars Quantity and
IntOrString (v3 spells their alternatives with oneOf).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kubepy.api.resource import Resource
from kubepy.api.resources.meta import META, ListMeta
from kubepy.api.schema import (
    STRING,
    Field,
    ListOf,
    MapOf,
    Prim,
    Raw,
    Struct,
    Type,
    f,
    list_of,
    struct,
    walk_structs,
)
from kubepy.apiserver.openapi import extra_types

Schema = dict[str, Any]
GVK = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Dialect:
    """Where refs point and whether refs with siblings must be wrapped (OpenAPI 3)."""

    ref_prefix: str
    v3: bool

    def ref(self, name: str) -> Schema:
        return {"$ref": self.ref_prefix + name}


V2 = Dialect("#/definitions/", v3=False)
V3 = Dialect("#/components/schemas/", v3=True)

QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"

#: Named scalars and opaque types: (description, swagger 2.0 schema, OpenAPI 3 schema).
NAMED: dict[str, tuple[str, Schema, Schema]] = {
    META + "Time": (
        "A timestamp in RFC 3339 form with second precision.",
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date-time"},
    ),
    META + "MicroTime": (
        "A timestamp in RFC 3339 form with microsecond precision.",
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date-time"},
    ),
    META + "Duration": ("A duration in Go's notation, e.g. 1h30m.", {"type": "string"}, {"type": "string"}),
    QUANTITY: (
        "A fixed-point number with an optional SI or binary suffix (100m, 1.5, 64Mi); the form "
        "resource requests, limits and capacities are written in.",
        {"type": "string"},
        {"oneOf": [{"type": "string"}, {"type": "number"}]},
    ),
    INT_OR_STRING: (
        "Either an integer or a string, e.g. a port number or a port name, a count or a percentage.",
        {"type": "string", "format": "int-or-string"},
        {"oneOf": [{"type": "integer"}, {"type": "string"}], "format": "int-or-string"},
    ),
    META + "FieldsV1": (
        "A set of fields in the trie form server-side apply records field ownership in.",
        {"type": "object"},
        {"type": "object"},
    ),
    "io.k8s.apimachinery.pkg.runtime.RawExtension": (
        "An embedded object of any kind, kept as sent.",
        {"type": "object"},
        {"type": "object"},
    ),
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": (
        "Any JSON value.",
        {},
        {},
    ),
}


def named_schema(name: str, d: Dialect) -> Schema:
    desc, v2, v3 = NAMED[name]
    return {"description": desc, **(v3 if d.v3 else v2)}


def type_schema(t: Type, d: Dialect) -> Schema:
    """The schema of a value of type `t`; structs and named scalars become refs."""
    if isinstance(t, Prim):
        if t.ref:
            return d.ref(t.ref)
        out: Schema = {"type": t.type}
        if t.format:
            out["format"] = t.format
        if t.enum:
            out["enum"] = list(t.enum)
        return out
    if isinstance(t, Struct):
        return d.ref(t.name)
    if isinstance(t, ListOf):
        return {"type": "array", "items": type_schema(t.item, d)}
    if isinstance(t, MapOf):
        return {"type": "object", "additionalProperties": type_schema(t.value, d)}
    if isinstance(t, Raw):
        if t.ref:
            return d.ref(t.ref)
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    raise TypeError(f"not a schema type: {t!r}")


def field_schema(fd: Field, d: Dialect) -> Schema:
    """A property: its type plus description and the patch/apply extensions of the declaration."""
    out = type_schema(fd.type, d)
    extra: Schema = {}
    if fd.description:
        extra["description"] = fd.description
    if fd.patch_strategy:
        extra["x-kubernetes-patch-strategy"] = fd.patch_strategy
    if fd.patch_merge_key:
        extra["x-kubernetes-patch-merge-key"] = fd.patch_merge_key
    if fd.list_type:
        extra["x-kubernetes-list-type"] = fd.list_type
    if fd.list_map_keys:
        extra["x-kubernetes-list-map-keys"] = list(fd.list_map_keys)
    if fd.map_type:
        extra["x-kubernetes-map-type"] = fd.map_type
    if not extra:
        return out
    if "$ref" in out and d.v3:
        return {"allOf": [out], **extra}
    return {**out, **extra}


def struct_schema(s: Struct, d: Dialect, gvks: Iterable[GVK] = ()) -> Schema:
    out: Schema = {"description": s.description, "type": "object"}
    if s.fields:
        out["properties"] = {name: field_schema(fd, d) for name, fd in s.fields.items()}
    required = [name for name, fd in s.fields.items() if fd.required]
    if required:
        out["required"] = required
    kinds = list(gvks) or ([s.gvk] if s.gvk else [])
    if kinds:
        out["x-kubernetes-group-version-kind"] = [{"group": g, "kind": k, "version": v} for g, v, k in kinds]
    if s.map_type:
        out["x-kubernetes-map-type"] = s.map_type
    return out


def list_struct(r: Resource) -> Struct:
    """The <Kind>List type of a resource, as Kubernetes declares every one of them."""
    return struct(
        r.schema.name + "List",
        f"A list of {r.kind} objects.",
        apiVersion=f(STRING, "Versioned schema of this representation."),
        kind=f(STRING, "REST resource kind this object represents."),
        metadata=f(ListMeta, "Standard list metadata.", proto=1),
        items=f(list_of(r.schema), f"The {r.kind} objects.", required=True, proto=2),
        gvk=(r.group, r.version, r.list_kind),
    )


def refs_in(t: Type) -> Iterator[str]:
    """Names of the named scalars and raw types reachable from `t` (structs are walked apart)."""
    for s in walk_structs(t):
        for fd in s.fields.values():
            inner = fd.type
            while isinstance(inner, (ListOf, MapOf)):
                inner = inner.item if isinstance(inner, ListOf) else inner.value
            if isinstance(inner, (Prim, Raw)) and inner.ref:
                yield inner.ref


def roots_of(r: Resource) -> list[Struct]:
    """Top-level types a resource's operations mention (object, list, subresource bodies)."""
    out = [r.schema] if r.virtual is not None else [r.schema, list_struct(r)]
    out.extend(
        extra_types.SUBRESOURCE_BODIES[s] for s in r.subresources if s in extra_types.SUBRESOURCE_BODIES
    )
    return out


def definitions(
    roots: Iterable[Struct], d: Dialect, served: Iterable[tuple[str, str]] = ()
) -> dict[str, Schema]:
    """Every definition reachable from `roots`, by Kubernetes' definition name.

    `served` are the group-versions that also serve DeleteOptions and WatchEvent (Kubernetes
    registers both in every group-version and lists each one in their extension).
    """
    shared = list(served)
    out: dict[str, Schema] = {}
    named: set[str] = set()
    for root in roots:
        for s in walk_structs(root):
            if s.name in out:
                continue
            gvks: list[GVK] = []
            if s.name in (extra_types.DeleteOptions.name, extra_types.WatchEvent.name):
                kind = s.name.rsplit(".", 1)[1]
                gvks = sorted({("", "v1", kind), *((g, v, kind) for g, v in shared)})
            out[s.name] = struct_schema(s, d, gvks)
        named.update(refs_in(root))
    for name in sorted(named):
        out[name] = named_schema(name, d) if name in NAMED else {"type": "object"}
    return out
