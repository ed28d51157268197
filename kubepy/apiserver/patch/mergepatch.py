"""RFC 7386 JSON merge patch, as evanphx/json-patch.v4's MergePatch applies it for Kubernetes.

Two library traits are visible to clients and kept: a patch that is not an object or array is
rejected (400 "Invalid JSON Patch") instead of replacing the whole document, and nulls are pruned
from objects nested anywhere in a newly added value, arrays included.
"""

from __future__ import annotations

from typing import Any

from kubepy.apiserver.patch.errors import bad_request, failure
from kubepy.apiserver.patch.golang import copy_tree


def apply_merge_patch(doc: Any, patch: Any, *, own: bool = False, take: bool = False) -> Any:
    """Apply a decoded merge patch to `doc`; neither input is modified. Only `doc` is copied
    whole (unless `own`: the caller hands over a copy of its own, merged into as it is); what
    the patch brings is copied (and pruned) as it is put in, unless `take`: the caller gives the
    patch away and it holds no null anywhere (a body without the bytes `null`), so its values
    go in as they are and the result owns them (copying a kubelet's status patch was more than
    half of merging it)."""
    if doc is None:
        raise failure("Invalid JSON Document")
    put = _taken if take else _pruned_copy
    if isinstance(patch, list):
        return put(patch)
    if not isinstance(patch, dict):
        raise bad_request("Invalid JSON Patch")
    if not isinstance(doc, dict):
        return put(patch)
    return _merge_into(doc if own else copy_tree(doc), patch, put)


def _taken(value: Any) -> Any:
    """`value` itself: the patch was given away and has no null to prune."""
    return value


def _merge_into(doc: dict[str, Any], patch: dict[str, Any], put: Any) -> dict[str, Any]:
    """Merge `patch` into `doc` (a copy of our own), leaving `patch` as it is unless `put`
    takes its values."""
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
            continue
        current = doc.get(key)
        doc[key] = put(value) if current is None else _merge(current, value, put)
    return doc


def _merge(current: Any, patch: Any, put: Any) -> Any:
    if not isinstance(current, dict):
        return put(patch)
    if not isinstance(patch, dict):  # an array replaces an object as it is: no pruning
        return patch if put is _taken else copy_tree(patch)
    return _merge_into(current, patch, put)


def _pruned_copy(value: Any) -> Any:
    """A copy of `value` without the null members of any object inside it; null array elements
    stay."""
    if isinstance(value, dict):
        return {
            k: _pruned_copy(v) if isinstance(v, _CONTAINERS) else v for k, v in value.items() if v is not None
        }
    if isinstance(value, list):
        return [_pruned_copy(v) if isinstance(v, _CONTAINERS) else v for v in value]
    return value


_CONTAINERS = (dict, list)  # scalars are shared: no call per leaf
