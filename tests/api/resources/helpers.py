"""Run a declared resource the way the generic store does, without storage: default,
prepare, validate; and render its table cells."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from kubepy.api.errors import FieldError
from kubepy.api.resource import Context, Resource

BOOK = Path("/work/shared/book")
NOW = datetime(2015, 4, 22, 12, 0, 0, tzinfo=UTC)
CREATED = "2015-04-22T11:49:39Z"


def load(rel: str) -> dict[str, Any]:
    text = (BOOK / rel).read_text()
    return json.loads(text) if rel.endswith(".json") else yaml.safe_load(text)


def ctx(namespace: str = "default", subresource: str = "") -> Context:
    return Context(namespace=namespace, now=NOW, subresource=subresource)


def create(res: Resource, obj: dict[str, Any], namespace: str = "default") -> tuple[dict, list[FieldError]]:
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    meta.setdefault("creationTimestamp", CREATED)
    if res.namespaced:
        meta.setdefault("namespace", namespace)
    res.strategy.default(obj)
    res.strategy.prepare_for_create(obj, ctx(namespace))
    errs = res.strategy.validate(obj, ctx(namespace))
    res.strategy.canonicalize(obj)
    return obj, errs


def update(res: Resource, new: dict, old: dict, subresource: str = "") -> tuple[dict, list[FieldError]]:
    new = copy.deepcopy(new)
    res.strategy.default(new)
    c = ctx(subresource=subresource)
    if subresource == "status":
        res.strategy.prepare_for_status_update(new, old, c)
        return new, res.strategy.validate_status_update(new, old, c)
    res.strategy.prepare_for_update(new, old, c)
    return new, res.strategy.validate_update(new, old, c)


def messages(errs: list[FieldError]) -> list[str]:
    return [e.message() for e in errs]


def row(res: Resource, obj: dict, now: datetime = NOW) -> dict[str, Any]:
    return {c.name: c.cell(obj, now) for c in res.columns}
