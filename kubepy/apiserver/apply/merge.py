"""Merging an applied configuration into the live object, and removing owned items from it.

`merge` is typed.Merge with the applied side winning every leaf: structs and granular maps merge
key by key, sets and associative lists item by item (keeping the live order but moving the items
both sides share into the applied order), atomic values are replaced whole. `remove_items` is
typed.RemoveItems, the tool apply uses to drop what a manager stopped applying.
"""

from __future__ import annotations

from typing import Any

from kubepy.api.schema import Struct
from kubepy.apiserver.apply.compare import MISSING
from kubepy.apiserver.apply.fieldpath import FieldSet, Trie, field_pe, to_trie
from kubepy.apiserver.apply.typed import LEAF, MAP, STRUCT, Node, by_value, child, item, item_pe

_DUP: Any = None  # a live item whose key is duplicated merges like a null


def merge(lhs: Any, rhs: Any, node: Node) -> Any:
    """Merged value, or MISSING when neither side has one."""
    if node.kind == LEAF:
        return rhs if rhs is not MISSING else lhs
    container = dict if node.kind in (STRUCT, MAP) else list
    lv = lhs if isinstance(lhs, container) else None
    rv = rhs if isinstance(rhs, container) else None
    if not lv and not rv:  # empty or null (or not a container) on both sides: a leaf
        return rhs if rhs is not MISSING else lhs
    if container is dict:
        return _merge_map(lv or {}, rv or {}, node)
    return _merge_list(lv or [], rv or [], node)


def _merge_map(lhs: dict, rhs: dict, node: Node) -> Any:
    out: dict = {}
    for k in {**lhs, **rhs}:
        v = merge(lhs.get(k, MISSING), rhs.get(k, MISSING), child(node, k))
        if v is not MISSING:
            out[k] = v
    return out if out else MISSING


def _merge_list(lhs: list, rhs: list, node: Node) -> Any:
    inner = item(node)
    rpes = [item_pe(node, v) for v in rhs]
    robs = dict(zip(rpes, rhs, strict=True))
    lpes = [item_pe(node, v) for v in lhs]
    lobs: dict[str, Any] = {}
    for pe, v in zip(lpes, lhs, strict=True):
        lobs[pe] = _DUP if pe in lobs else v
    shared = iter([pe for pe in rpes if pe in lobs])
    next_shared = next(shared, None)
    merged_rhs: set[str] = set()
    out: list = []

    def emit(lc: Any, rc: Any) -> None:
        v = merge(lc, rc, inner)
        if v is not MISSING:
            out.append(v)

    li = ri = 0
    while li < len(lpes) or ri < len(rpes):
        if li < len(lpes) and ri < len(rpes):
            pe = lpes[li]
            if pe == rpes[ri]:  # same item next on both sides: merge it here
                merged_rhs.add(pe)
                emit(lobs[pe], robs[pe])
                li, ri = li + 1, ri + 1
                next_shared = next(shared, None)
                continue
            if pe in robs and next_shared is not None and next_shared != pe:
                li += 1  # shared item the applied order places later
                continue
        if li < len(lpes):
            pe = lpes[li]
            if pe not in robs:  # live-only item stays where it is
                emit(lhs[li], MISSING)
                li += 1
                continue
            if pe in merged_rhs:
                li += 1
        if ri < len(rpes):
            pe = rpes[ri]
            merged_rhs.add(pe)
            emit(lobs.get(pe, MISSING), robs[pe])
            ri += 1
            if next_shared is not None and next_shared == pe:
                next_shared = next(shared, None)
    return out if out else MISSING


# ---- removal --------------------------------------------------------------------------------
def remove_items(value: Any, fs: FieldSet, node: Node) -> Any:
    """`value` without the members of `fs`; emptied containers become null, as in SMD."""
    return _remove(value, to_trie(fs), node)


def _remove(value: Any, trie: Trie, node: Node) -> Any:
    if node.kind == LEAF:
        return value
    if node.kind in (STRUCT, MAP):
        if not isinstance(value, dict) or not value:
            return None
        out: dict = {}
        for k, v in value.items():
            sub = trie.get(field_pe(k))
            if sub is not None and "." in sub:
                continue
            out[k] = _remove(v, sub, child(node, k)) if sub else v
        return out or None
    if not isinstance(value, list) or not value:
        return None
    inner = item(node)
    items: list = []
    for v in value:
        try:
            sub = trie.get(item_pe(node, v))
        except ValueError:
            sub = None
        if sub is not None and "." in sub:
            continue
        items.append(_remove(v, sub, inner) if sub else v)
    return items or None


def drop_nulls(value: Any, node: Node) -> Any:
    """What decoding into Go types does to nulls left by merging and pruning: they vanish, except
    that a struct held by value reads back as an empty one."""
    if node.kind == STRUCT and isinstance(value, dict):
        assert isinstance(node.type, Struct)
        out: dict = {}
        for k, v in value.items():
            fd = node.type.fields.get(k)
            if v is not None:
                out[k] = drop_nulls(v, child(node, k))
            elif fd is not None and by_value(fd) and child(node, k).kind == STRUCT:
                out[k] = {}
        return out
    if node.kind == MAP and isinstance(value, dict):
        return {k: drop_nulls(v, child(node, k)) for k, v in value.items() if v is not None}
    if node.kind not in (LEAF, STRUCT, MAP) and isinstance(value, list):
        inner = item(node)
        return [drop_nulls(v, inner) for v in value if v is not None]
    return value
