"""Where merged list items end up: strategic merge patch's ordering rules.

Kubernetes (design proposal "preserve order in strategic merge patch") orders a merged list by
precedence $setElementOrder > order in the patch > order in the live list: items named by the
patch are sorted by the patch's order, server-only items keep their live order, and the two runs
are interleaved by live position; an item the live list lacks goes out as soon as it is reached,
which is why a new container lands before the existing ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubepy.apiserver.patch.errors import bad_arg_type, failure, no_merge_key
from kubepy.apiserver.patch.golang import go_equal, hash_key

MAP = "map"  # list element kind: objects, merged by key
SCALAR = "scalar"  # list element kind: primitives, merged as a set
_MAP_TYPE = "map[string]interface {}"


def item_id(item: Any, merge_key: str, kind: str) -> Any:
    """What identifies an item: its merge key value for objects, itself for primitives."""
    if kind == MAP:
        return item.get(merge_key) if isinstance(item, dict) else None
    return item


def positions(items: list[Any], merge_key: str, kind: str) -> dict[Any, int]:
    """First position of each identity in `items` (Go's linear `index`, precomputed)."""
    out: dict[Any, int] = {}
    for i, v in enumerate(items):
        out.setdefault(hash_key(item_id(v, merge_key, kind)), i)
    return out


def _position(table: dict[Any, int], item: Any, merge_key: str, kind: str) -> int:
    return table.get(hash_key(item_id(item, merge_key, kind)), -1)


def normalize_element_order(
    patch_items: list[Any],
    server_only: list[Any],
    patch_order: list[Any],
    server_order: list[Any],
    merge_key: str,
    kind: str,
) -> list[Any]:
    """Sort each run by its own order, then interleave them by live position."""
    patch_items = normalize_slice_order(patch_items, patch_order, merge_key, kind)
    server_only = normalize_slice_order(server_only, server_order, merge_key, kind)
    return merge_sorted(server_only, patch_items, server_order, merge_key, kind)


def normalize_slice_order(to_sort: list[Any], order: list[Any], merge_key: str, kind: str) -> list[Any]:
    """Stable sort by position in `order`; `$patch: delete` items go last."""
    to_delete: list[Any] = []
    if kind == MAP:
        validate_merge_key(merge_key, to_sort, order)
        to_sort, to_delete = split_deletions(to_sort)

    table = positions(order, merge_key, kind)
    keys = [_position(table, v, merge_key, kind) for v in to_sort]
    if all(k >= 0 for k in keys):  # a consistent order: any stable sort gives Go's result
        ranked = sorted(range(len(to_sort)), key=keys.__getitem__)
        return [to_sort[i] for i in ranked] + to_delete

    def less(a: Any, b: Any) -> bool:
        ia = _position(table, a, merge_key, kind)
        if ia >= 0:
            ib = _position(table, b, merge_key, kind)
            if ib >= 0:
                return ia < ib
        return True

    return go_stable_sort(to_sort, less) + to_delete


def merge_sorted(
    left: list[Any], right: list[Any], server_order: list[Any], merge_key: str, kind: str
) -> list[Any]:
    """Interleave server-only items (left) into patch items (right), keeping both runs' order."""
    table = positions(server_order, merge_key, kind)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li = _position(table, left[i], merge_key, kind)
            ri = _position(table, right[j], merge_key, kind)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def go_stable_sort(items: list[Any], less: Callable[[Any, Any], bool]) -> list[Any]:
    """sort.SliceStable's result, even for the lopsided `less` above (insertion sort, as Go uses
    for up to 20 items; longer lists only ever get a consistent `less` here)."""
    out = list(items)
    for i in range(1, len(out)):
        j = i
        while j > 0 and less(out[j], out[j - 1]):
            out[j], out[j - 1] = out[j - 1], out[j]
            j -= 1
    return out


def validate_merge_key(merge_key: str, *lists: list[Any]) -> None:
    """Every item of every list is an object carrying the merge key."""
    for items in lists:
        for item in items:
            if not isinstance(item, dict):
                raise bad_arg_type(_MAP_TYPE, item)
            if merge_key not in item:
                raise no_merge_key(item, merge_key)


def split_deletions(items: list[Any]) -> tuple[list[Any], list[Any]]:
    """(items kept, items marked `$patch: delete`)."""
    keep: list[Any] = []
    delete: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_arg_type(_MAP_TYPE, item)
        (delete if item.get("$patch") == "delete" else keep).append(item)
    return keep, delete


def partition_primitives(items: list[Any], by: list[Any]) -> tuple[list[Any], list[Any]]:
    """(items present in `by`, the others), each in `items` order."""
    present = {hash_key(v) for v in by}
    inside = [v for v in items if hash_key(v) in present]
    outside = [v for v in items if hash_key(v) not in present]
    return inside, outside


def partition_maps(items: list[Any], by: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    """(objects whose merge key value appears in `by`, the others), each in `items` order."""
    inside: list[Any] = []
    outside: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_arg_type(_MAP_TYPE, item)
        if merge_key not in item:
            raise no_merge_key(item, merge_key)
        found = find_by_key(by, merge_key, item[merge_key]) >= 0
        (inside if found else outside).append(item)
    return inside, outside


def find_by_key(items: list[Any], merge_key: str, value: Any) -> int:
    """Index of the first object whose merge key equals `value`, or -1."""
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise failure(f"value for key {i} is not a map")
        if merge_key in item and go_equal(item[merge_key], value):
            return i
    return -1
