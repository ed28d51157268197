"""Strategic merge patch: JSON merge patch that knows, from the schema, how to merge lists.

Follows k8s.io/apimachinery strategicpatch.StrategicMergeMapPatch (the server side: parallel lists
merged, unmatched nulls dropped), with our resource schema answering the patch-strategy and
merge-key lookups Kubernetes reads from Go struct tags. Fields the schema does not know, and
everything inside Raw fields, merge like JSON merge patch (lists replace) while still honouring
directives. The algorithm mutates private copies, so callers' documents are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubepy.api.schema import Struct, Type
from kubepy.apiserver.patch import smp_order
from kubepy.apiserver.patch.errors import (
    ERR_NO_LIST_OF_LISTS,
    bad_arg_type,
    bad_patch_type,
    bad_request,
    failure,
    no_merge_key,
    unprocessable,
)
from kubepy.apiserver.patch.golang import copy_tree, go_equal, go_fmt, hash_key, json_kind
from kubepy.apiserver.patch.smp_directives import (
    DELETE_FROM_PRIMITIVE_LIST,
    DIRECTIVE,
    SET_ELEMENT_ORDER,
    apply_retain_keys,
    check_order,
    discard_nulls,
    extract_key,
    remove_directives,
)
from kubepy.apiserver.patch.smp_schema import kind_name, lookup, lookup_slice, strategy_of

_LIST_TYPE = "[]interface {}"


def apply_strategic_merge_patch(doc: dict[str, Any], patch: Any, schema: Struct | None) -> dict[str, Any]:
    """Apply a decoded strategic merge patch to `doc` under `schema`; inputs are not modified."""
    if patch is None:  # json.Unmarshal of null into a map leaves it empty
        patch = {}
    if not isinstance(patch, dict):
        raise bad_request(
            f"json: cannot unmarshal {json_kind(patch)} into Go value of type map[string]interface {{}}"
        )
    return merge_map(copy_tree(doc), copy_tree(patch), schema)


# ---- maps ------------------------------------------------------------------------------------
def merge_map(original: dict[str, Any] | None, patch: dict[str, Any], t: Type | None) -> dict[str, Any]:
    """mergeMap: a map-level `$patch`, then $retainKeys, $setElementOrder, then each key."""
    if DIRECTIVE in patch:
        return _map_directive(patch[DIRECTIVE], patch)
    if original is None:
        original = {}
    apply_retain_keys(original, patch)
    _merge_ordered_lists(original, patch, t)
    for key, value in list(patch.items()):
        is_delete_list = key.startswith(DELETE_FROM_PRIMITIVE_LIST)
        if is_delete_list:
            key = extract_key(key, DELETE_FROM_PRIMITIVE_LIST)
        if value is None:
            original.pop(key, None)
            continue
        if key not in original or not _same_type(original[key], value):
            if not is_delete_list:
                _put_new(original, key, value)
            continue
        current = original[key]
        if isinstance(current, dict):
            sub, strategies, _ = lookup(t, key)
            original[key] = value if strategy_of(strategies) == "replace" else merge_map(current, value, sub)
        elif isinstance(current, list):
            sub, strategies, merge_key = lookup_slice(t, key)
            strategy = strategy_of(strategies)
            original[key] = _merge_list_field(current, value, sub, strategy, merge_key, is_delete_list)[0]
        else:
            original[key] = value
    return original


def _map_directive(directive: Any, patch: dict[str, Any]) -> dict[str, Any]:
    """`$patch: replace` keeps the patch as the value, `$patch: delete` empties it."""
    if directive == "replace":
        del patch[DIRECTIVE]
        return patch
    if directive == "delete":
        return {}
    raise bad_patch_type(directive, patch)


def _same_type(a: Any, b: Any) -> bool:
    """reflect.TypeOf(a) == reflect.TypeOf(b) for decoded JSON (int64 and float64 differ)."""
    return type(a) is type(b)


def _put_new(original: dict[str, Any], key: str, value: Any) -> None:
    """A value with nothing to merge into: nulls dropped, directives stripped (or the key gone)."""
    value, keep = remove_directives(discard_nulls(value))
    if keep:
        original[key] = value
    else:
        original.pop(key, None)


# ---- $setElementOrder ------------------------------------------------------------------------
def _merge_ordered_lists(original: dict[str, Any], patch: dict[str, Any], t: Type | None) -> None:
    """mergePatchIntoOriginal: merge each list named by `$setElementOrder/<field>` and order it
    $setElementOrder first, then patch order, then live order."""
    for directive in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
        order = patch.pop(directive)
        if not isinstance(order, list):
            raise bad_arg_type(_LIST_TYPE, order)
        key = extract_key(directive, SET_ELEMENT_ORDER)
        in_original, in_patch = key in original, key in patch
        live = original.get(key)
        wanted = patch.get(key)
        if in_original and not isinstance(live, list):
            raise bad_arg_type(_LIST_TYPE, live)
        if in_patch and not isinstance(wanted, list):
            raise bad_arg_type(_LIST_TYPE, wanted)
        live_list: list[Any] = live if in_original else []
        patch_list: list[Any] = wanted if in_patch else []
        sub, strategies, merge_key = lookup_slice(t, key)
        strategy = strategy_of(strategies)
        check_order(patch_list, order, merge_key)
        server = live_list
        if in_original and in_patch:
            merged, server = _merge_list_field(live_list, patch_list, sub, strategy, merge_key, False)
        elif in_patch:
            merged = remove_directives(patch_list)[0]
        elif in_original:
            merged = live_list
        else:
            continue
        if merge_key:
            inside, outside = smp_order.partition_maps(merged, order, merge_key)
        else:
            inside, outside = smp_order.partition_primitives(merged, order)
        kind = _element_kind(live_list, patch_list)
        original[key] = smp_order.normalize_element_order(inside, outside, order, server, merge_key, kind)
        patch.pop(key, None)


# ---- lists -----------------------------------------------------------------------------------
def _merge_list_field(
    live: list[Any],
    patch: list[Any],
    item_type: Type | None,
    strategy: str,
    merge_key: str,
    is_delete_list: bool,
) -> tuple[list[Any], list[Any]]:
    """mergeSliceHandler: merge-strategy lists (and deletion lists) merge, others are replaced.

    Also returns what the caller's live slice shows afterwards (see _LiveSlice)."""
    if strategy != "merge" and not is_delete_list:
        return patch, live
    if not live and not patch:
        return live, live
    kind = _element_kind(live, patch)
    if kind == smp_order.MAP:
        if not merge_key:
            raise failure(f"cannot merge lists without merge key for {kind_name(item_type)}")
        return _merge_object_list(live, patch, merge_key, item_type)
    if is_delete_list:
        doomed = {hash_key(v) for v in patch}
        return [v for v in live if hash_key(v) not in doomed], live
    inside, outside = smp_order.partition_primitives(_dedupe(live + patch), patch)
    return smp_order.normalize_element_order(inside, outside, patch, live, "", kind), live


def _element_kind(*lists: list[Any]) -> str:
    """sliceElementType: all items share one JSON type, which must not be a list."""
    first: type | None = None
    for items in lists:
        for v in items:
            if first is None:
                first = type(v)
                if first is list:
                    raise unprocessable(ERR_NO_LIST_OF_LISTS)
            elif type(v) is not first:
                raise failure(f"list element types are not identical: {go_fmt(list(lists))}")
    if first is None:
        raise failure("no elements in any of the given slices")
    return smp_order.MAP if first is dict else smp_order.SCALAR


def _dedupe(items: list[Any]) -> list[Any]:
    """deduplicateScalars, including its habit of moving the last item into a duplicate's slot."""
    s = list(items)
    last = len(s) - 1
    i = 0
    while i < last:
        j = i + 1
        while j <= last:
            if go_equal(s[i], s[j]):
                s[j] = s[last]
                del s[last]
                last -= 1
                j -= 1
            j += 1
        i += 1
    return s


@dataclass
class _LiveSlice:
    """A Go slice sharing the live list's backing array.

    Go deletes list items in place and appends into the freed cells, so the caller's own slice of
    the live list ends up showing shifted and appended items; $setElementOrder then orders by that
    view, and Kubernetes' expected results depend on it. `cells` are the caller-visible cells;
    appends past them go to `spill`, memory the caller never sees.
    """

    cells: list[Any]
    length: int
    spill: list[Any] = field(default_factory=list)

    def items(self) -> list[Any]:
        return self.cells[: self.length] + self.spill

    def delete(self, at: int) -> None:
        self.cells[at : self.length - 1] = self.cells[at + 1 : self.length]
        self.length -= 1

    def append(self, item: Any) -> None:
        if self.length < len(self.cells):
            self.cells[self.length] = item
            self.length += 1
        else:
            self.spill.append(item)

    def put(self, at: int, item: Any) -> None:
        if at < self.length:
            self.cells[at] = item
        else:
            self.spill[at - self.length] = item


def _merge_object_list(
    live: list[Any], patch: list[Any], merge_key: str, item_type: Type | None
) -> tuple[list[Any], list[Any]]:
    """mergeSlice for objects: `$patch` items first, then merge by key or append, then order."""
    shared = _LiveSlice(list(live), len(live))
    plain: list[Any] = []
    replace = False
    for item in patch:
        if DIRECTIVE not in item:
            plain.append(item)
            continue
        directive = item[DIRECTIVE]
        if directive == "delete":
            if merge_key not in item:
                raise no_merge_key(item, merge_key)
            while (at := smp_order.find_by_key(shared.items(), merge_key, item[merge_key])) >= 0:
                shared.delete(at)
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise failure("merging lists cannot yet be specified in the patch")
        else:
            raise bad_patch_type(directive, item)
    if replace:  # the patch's own items become the list
        server, merged, plain = plain, plain, []
    else:
        server = shared.items()
        for item in plain:
            if merge_key not in item:
                raise no_merge_key(item, merge_key)
            at = smp_order.find_by_key(shared.items(), merge_key, item[merge_key])
            if at >= 0:
                shared.put(at, merge_map(shared.items()[at], item, item_type))
            else:
                shared.append(item)
        merged = shared.items()
    inside, outside = smp_order.partition_maps(merged, plain, merge_key)
    ordered = smp_order.normalize_element_order(inside, outside, plain, server, merge_key, smp_order.MAP)
    return ordered, shared.cells
