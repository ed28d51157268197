"""The `$`-keys of strategic merge patch that are not about a single map or list item.

$retainKeys, $deleteFromPrimitiveList/<field>, $setElementOrder/<field> checks, and the clean-up
applied to a patch value that is taken whole (nulls dropped, `$patch` objects removed).
"""

from __future__ import annotations

from typing import Any

from kubepy.apiserver.patch import smp_order
from kubepy.apiserver.patch.errors import (
    ERR_PRIMITIVE_LIST,
    ERR_RETAIN_KEYS,
    ERR_SET_ELEMENT_ORDER,
    bad_arg_type,
    bad_request,
    failure,
    no_merge_key,
)
from kubepy.apiserver.patch.golang import go_equal, go_fmt

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"


def discard_nulls(value: Any) -> Any:
    """Drop null members at every depth: a null with nothing to delete means nothing (in place)."""
    if isinstance(value, dict):
        for k in [k for k, v in value.items() if v is None]:
            del value[k]
        for v in value.values():
            discard_nulls(v)
    elif isinstance(value, list):
        for v in value:
            discard_nulls(v)
    return value


def remove_directives(value: Any) -> tuple[Any, bool]:
    """Drop every object carrying `$patch` (and say so when `value` itself is one)."""
    if isinstance(value, dict):
        if DIRECTIVE in value:
            return None, False
        for k in list(value):
            v, keep = remove_directives(value[k])
            if keep:
                value[k] = v
            else:
                del value[k]
        return value, True
    if isinstance(value, list):
        kept = (remove_directives(v) for v in value)
        return [v for v, keep in kept if keep], True
    return value, True


def extract_key(key: str, prefix: str) -> str:
    """The field a `$prefix/field` directive key is about."""
    head, sep, rest = key.partition("/")
    if not sep or head != prefix:
        raise bad_request(
            ERR_PRIMITIVE_LIST if prefix == DELETE_FROM_PRIMITIVE_LIST else ERR_SET_ELEMENT_ORDER
        )
    return rest


def apply_retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    """`$retainKeys`: clear every field of `original` not listed; the patch may only set listed ones."""
    if RETAIN_KEYS not in patch:
        return
    retain = patch.pop(RETAIN_KEYS)
    if not isinstance(retain, list):
        raise bad_request(ERR_RETAIN_KEYS)
    keep = {k for k in retain if isinstance(k, str)}
    for k, v in patch.items():
        if v is None or k.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
            continue
        if k not in keep:
            raise bad_request(ERR_RETAIN_KEYS)
    for k in [k for k in original if k not in keep]:
        del original[k]


def check_order(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
    """The patch list, minus deletions and directives, must follow `$setElementOrder`."""
    if not order or not patch_list:
        return
    items = smp_order.split_deletions(patch_list)[0] if merge_key else patch_list
    pi = si = 0
    while pi < len(items) and si < len(order):
        if isinstance(items[pi], dict) and DIRECTIVE in items[pi]:
            pi += 1
            continue
        if same_key(items[pi], order[si], merge_key):
            pi += 1
        si += 1
    if pi < len(items) and si >= len(order):
        raise failure(
            f"The order in patch list:\n{go_fmt(patch_list)}\n doesn't match "
            f"{SET_ELEMENT_ORDER} list:\n{go_fmt(order)}\n"
        )


def same_key(left: Any, right: Any, merge_key: str) -> bool:
    """mergeKeyValueEqual: same merge key value (or the same primitive without a key)."""
    if not merge_key:
        return go_equal(left, right)
    for item in (left, right):
        if not isinstance(item, dict):
            raise bad_arg_type("map[string]interface {}", item)
        if merge_key not in item:
            raise no_merge_key(item, merge_key)
    return go_equal(left[merge_key], right[merge_key])
