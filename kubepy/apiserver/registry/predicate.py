"""Label and field selectors turned into one predicate over stored objects (storage.SelectionPredicate)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kubepy.api import fields as fieldsel
from kubepy.api import labels
from kubepy.api.errors import bad_request
from kubepy.api.resource import Resource

Predicate = Callable[[dict[str, Any]], bool]


def field_set(res: Resource, obj: dict[str, Any]) -> dict[str, str]:
    """The fields a resource can be selected by: metadata.name/namespace plus its own."""
    meta = obj.get("metadata") or {}
    out = {"metadata.name": meta.get("name", "")}
    if res.namespaced:
        out["metadata.namespace"] = meta.get("namespace", "")
    for label, get in res.field_selectors.items():
        out[label] = get(obj)
    return out


def supported_fields(res: Resource) -> set[str]:
    s = {"metadata.name", *res.field_selectors}
    if res.namespaced:
        s.add("metadata.namespace")
    return s


def build(res: Resource, label_selector: str, field_selector: str) -> tuple[Predicate | None, str | None]:
    """The predicate (None = everything) and the single name it pins, if the field selector does."""
    try:
        lsel = labels.parse_selector(label_selector) if label_selector else None
    except labels.SelectorError as e:
        raise bad_request(str(e)) from None
    try:
        reqs = fieldsel.parse_field_selector(field_selector) if field_selector else []
    except fieldsel.FieldSelectorError as e:
        raise bad_request(str(e)) from None
    ok = supported_fields(res)
    for r in reqs:
        if r.field not in ok:
            raise bad_request(f"field label not supported: {r.field}")
    name = next((r.value for r in reqs if r.field == "metadata.name" and r.op in ("=", "==")), None)
    if lsel is not None and lsel.empty:
        lsel = None
    if lsel is None and not reqs:
        return None, None

    def pred(obj: dict[str, Any]) -> bool:
        if lsel is not None and not lsel.matches((obj.get("metadata") or {}).get("labels") or {}):
            return False
        return not reqs or fieldsel.matches(reqs, field_set(res, obj))

    if not reqs:  # labels alone: the watch cache matches them without decoding objects
        pred.label_selector = lsel  # type: ignore[attr-defined]
    else:  # the watch cache matches on the labels and field set it extracts once per object
        pred.field_selection = (lsel, fields_of(res), lambda fs: fieldsel.matches(reqs, fs))  # type: ignore[attr-defined]
    return pred, name


_FIELDS_OF: dict[int, tuple[Resource, Callable[[dict[str, Any]], dict[str, str]]]] = {}


def fields_of(res: Resource) -> Callable[[dict[str, Any]], dict[str, str]]:
    """One field-set extractor per resource, the same function every time: the watch cache keeps
    an object's field set for the extractor that made it."""
    hit = _FIELDS_OF.get(id(res))
    if hit is None or hit[0] is not res:
        hit = _FIELDS_OF[id(res)] = (res, partial(field_set, res))
    return hit[1]
