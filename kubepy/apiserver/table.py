"""Server-side Table printing (meta.k8s.io Table), from each resource's declared columns.

kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints the cells as they come;
the columns are part of the declaration, so every resource prints like Kubernetes without code here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubepy.api.resource import Column, Resource
from kubepy.apiserver import negotiate

TABLE_VERSIONS = ("v1", "v1beta1")
_DEFAULT_COLUMNS = (
    Column(
        "Name",
        "string",
        lambda o, now: (o.get("metadata") or {}).get("name", ""),
        "Name must be unique within a namespace.",
        "name",
    ),
    Column(
        "Created At",
        "date",
        lambda o, now: (o.get("metadata") or {}).get("creationTimestamp"),
        "When the object was created.",
    ),
)


def wants_table(accept: str) -> str | None:
    """The Table version the client prefers, when it asks for a Table before anything else."""
    return negotiate.wants(accept, "meta.k8s.io", ("Table",), TABLE_VERSIONS)


def content_type(version: str) -> str:
    return f"application/json;as=Table;v={version};g=meta.k8s.io"


def columns(res: Resource) -> tuple[Column, ...]:
    return res.columns or _DEFAULT_COLUMNS


def column_definitions(res: Resource) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "type": c.type,
            "format": c.format,
            "description": c.description,
            "priority": c.priority,
        }
        for c in columns(res)
    ]


def _row_object(obj: dict[str, Any], include: str, version: str) -> dict[str, Any] | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": obj.get("metadata") or {},
    }


def row(res: Resource, obj: dict[str, Any], now: datetime, include: str, version: str) -> dict[str, Any]:
    cells = []
    for c in columns(res):
        try:
            cells.append(c.cell(obj, now))
        except Exception:  # noqa: BLE001 - a broken cell must not break the listing
            cells.append("<unknown>")
    r: dict[str, Any] = {"cells": cells}
    o = _row_object(obj, include, version)
    if o is not None:
        r["object"] = o
    return r


def table(
    res: Resource,
    objs: list[dict[str, Any]],
    now: datetime,
    *,
    version: str = "v1",
    include: str = "Metadata",
    resource_version: str = "",
    continue_token: str = "",
    remaining: int = 0,
    with_columns: bool = True,
) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if resource_version:
        meta["resourceVersion"] = resource_version
    if continue_token:
        meta["continue"] = continue_token
        if remaining:
            meta["remainingItemCount"] = remaining
    return {
        "kind": "Table",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": meta,
        "columnDefinitions": column_definitions(res) if with_columns else None,
        "rows": [row(res, o, now, include, version) for o in objs],
    }


def include_object(query: dict[str, list[str]]) -> str:
    v = (query.get("includeObject") or ["Metadata"])[0]
    return v if v in ("None", "Object", "Metadata") else "Metadata"
