"""The swagger 2.0 document (/openapi/v2): every path and definition in one, as kube-openapi's
builder lays it out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubepy.api.resource import Resource
from kubepy.apiserver.openapi.definitions import V2, Schema, definitions, roots_of
from kubepy.apiserver.openapi.extra_types import COMMON
from kubepy.apiserver.openapi.operations import Op, Param, PathItem, discovery_path, resource_paths
from kubepy.apiserver.openapi.parameters import ANY

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
        "uniqueItems": True,
        "type": p.type,
        "description": p.description,
        "name": p.name,
        "in": p.where,
    }
    if p.required:
        out["required"] = True
    return out


def operation(op: Op) -> Schema:
    out: Schema = {
        "description": op.description,
        "consumes": list(op.consumes or ANY),
        "produces": list(op.produces),
        "schemes": ["https"],
        "tags": [op.tag],
        "operationId": op.operation_id,
    }
    params = [param(p) for p in op.params]
    if op.body:
        params.insert(
            0, {"name": "body", "in": "body", "required": op.method != "delete", "schema": V2.ref(op.body)}
        )
    if params:
        out["parameters"] = params
    responses: Schema = {}
    for code, desc, d in op.responses:
        responses[str(code)] = {"description": desc, "schema": V2.ref(d) if d else {"type": "string"}}
    responses["401"] = {"description": "Unauthorized"}
    out["responses"] = responses
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


def document(resources: Iterable[Resource], info: dict[str, str]) -> dict[str, Any]:
    rs = list(resources)
    gvs = sorted({(r.group, r.version) for r in rs})
    items = [discovery_path(g, v) for g, v in gvs]
    roots = list(COMMON)
    for r in rs:
        items.extend(resource_paths(r))
        roots.extend(roots_of(r))
    return {
        "swagger": "2.0",
        "info": info,
        "paths": {i.path: path_item(i) for i in items},
        "definitions": definitions(roots, V2, gvs),
        "securityDefinitions": SECURITY,
        "security": [{"BearerToken": []}],
    }
