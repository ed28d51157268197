"""OpenAPI 3.0 documents, one per group-version, as kube-openapi's builder3 lays them out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubepy.api.resource import Resource
from kubepy.api.schema import Struct
from kubepy.apiserver.openapi.definitions import V3, Schema, definitions, roots_of
from kubepy.apiserver.openapi.extra_types import COMMON
from kubepy.apiserver.openapi.operations import (
    Op,
    Param,
    PathItem,
    discovery_path,
    gv_prefix,
    resource_paths,
    root_paths,
)

SECURITY = {
    "BearerToken": {
        "type": "apiKey",
        "description": "Bearer Token authentication",
        "name": "authorization",
        "in": "header",
    }
}


def param(p: Param) -> Schema:
    out: Schema = {
        "name": p.name,
        "in": p.where,
        "description": p.description,
        "schema": {"type": p.type, "uniqueItems": True},
    }
    if p.required:
        out["required"] = True
    return out


def _content(types: Iterable[str], definition: str) -> Schema:
    schema = V3.ref(definition) if definition else {"type": "string"}
    return {t: {"schema": schema} for t in types}


def operation(op: Op) -> Schema:
    out: Schema = {"description": op.description, "operationId": op.operation_id, "tags": [op.tag]}
    if op.params:
        out["parameters"] = [param(p) for p in op.params]
    if op.body:
        out["requestBody"] = {"content": _content(op.consumes, op.body)}
        if op.method != "delete":  # DeleteOptions may be left out
            out["requestBody"]["required"] = True
    out["responses"] = {
        str(code): {"description": desc, "content": _content(op.produces, d)}
        for code, desc, d in op.responses
    }
    if op.action:
        out["x-kubernetes-action"] = op.action
    if op.gvk is not None:
        g, v, k = op.gvk
        out["x-kubernetes-group-version-kind"] = {"group": g, "kind": k, "version": v}
    return out


def path_item(item: PathItem) -> Schema:
    out: Schema = {op.method: operation(op) for op in item.ops}
    if item.params:
        out["parameters"] = [param(p) for p in sorted(item.params, key=lambda p: (p.name, p.where))]
    return out


def document(
    items: Iterable[PathItem],
    roots: Iterable[Struct],
    info: dict[str, str],
    served: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """An OpenAPI 3.0 document: the given paths plus every schema reachable from `roots`."""
    return {
        "openapi": "3.0.0",
        "info": info,
        "paths": {i.path: path_item(i) for i in items},
        "components": {"schemas": definitions(roots, V3, served), "securitySchemes": SECURITY},
        "security": [{"BearerToken": []}],
    }


def gv_document(
    group: str,
    version: str,
    resources: list[Resource],
    info: dict[str, str],
    served: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    """The document served at /openapi/v3/<api/v1 | apis/g/v>: paths plus the schemas they use."""
    items = [discovery_path(group, version)]
    roots = list(COMMON)
    for r in resources:
        items.extend(resource_paths(r))
        roots.extend(roots_of(r))
    return document(items, roots, info, served)


def root_documents(groups: list[str], info: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The documents of the discovery endpoints (api, apis, apis/<group>, version) by root key."""
    return {key: document([item], [answer], info) for key, (item, answer) in root_paths(groups).items()}


def gv_key(group: str, version: str) -> str:
    """Key of a group-version in the root discovery document: api/v1, apis/apps/v1."""
    return gv_prefix(group, version).lstrip("/")
