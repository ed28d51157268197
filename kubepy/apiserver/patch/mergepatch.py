"""RFC 7386 JSON merge patch, as evanphx/json-patch.v4's MergePatch applies it for Kubernetes.

Two library traits are visible to clients and kept: a patch that is not an object or array is
rejected (400 "Invalid JSON Patch") instead of replacing the whole document, and nulls are pruned
from objects nested anywhere in a newly added value, arrays included.
"""

from __future__ import annotations

from typing import Any

from kubepy.apiserver.patch.errors import bad_request, failure
from kubepy.apiserver.patch.golang import copy_tree


def apply_merge_patch(doc: Any, patch: Any) -> Any:
    """Apply a decoded merge patch to `doc`; neither input is modified."""
    if doc is None:
        raise failure("Invalid JSON Document")
    if isinstance(patch, list):
        return _prune(copy_tree(patch))
    if not isinstance(patch, dict):
        raise bad_request("Invalid JSON Patch")
    if not isinstance(doc, dict):
        return _prune(copy_tree(patch))
    return _merge_into(copy_tree(doc), copy_tree(patch))


def _merge_into(doc: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
            continue
        current = doc.get(key)
        doc[key] = _prune(value) if current is None else _merge(current, value)
    return doc


def _merge(current: Any, patch: Any) -> Any:
    if not isinstance(current, dict):
        return _prune(patch)
    if not isinstance(patch, dict):
        return patch
    return _merge_into(current, patch)


def _prune(value: Any) -> Any:
    """Drop null members of every object inside `value`; null array elements stay."""
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is None]:
            del value[key]
        for v in value.values():
            _prune(v)
    elif isinstance(value, list):
        for v in value:
            _prune(v)
    return value
