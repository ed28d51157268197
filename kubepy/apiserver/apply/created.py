"""The fields a create sets: track_update's fast path when nothing is live and nothing is owned.

The general path compares the Go view of an empty object with the Go view of the new one
(`compare(with_zero_structs({}), with_zero_structs(new))`) and keeps what was added or modified
outside the reset fields. With an empty left side that comparison has a closed form, walked here
once over the raw object: no zero-filled copies, no comparison sets, no prefix filtering
afterwards. tests/apply/test_created.py checks it equals the general path on random objects of
several real schemas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kubepy.api.schema import Struct
from kubepy.apiserver.apply.compare import with_zero_structs, zero_plan
from kubepy.apiserver.apply.fieldpath import FIELD_PES, FieldSet, Path, Trie, field_pe, to_trie
from kubepy.apiserver.apply.typed import ASSOC, LEAF, LEAF_NODE, MAP, STRUCT, Node, child, item, item_pe


@dataclass(frozen=True, slots=True, eq=False)
class _Info:
    """What the walk needs of a node, looked up once per node instead of once per key."""

    node: Node
    children: dict[str, Node]  # declared struct fields
    other: Node  # the node of any other key: a map's values, a struct's undeclared fields
    plan: dict[str, Node | None]  # zero_plan as a dict (structs only)
    item: Node | None  # list item node (sets and associative lists)
    keys_zero_filled: bool  # a list-map key is itself a zero-filled field of the item


@lru_cache(maxsize=4096)
def _info(node: Node) -> _Info:
    children: dict[str, Node] = {}
    other, plan, it, kzf = LEAF_NODE, {}, None, False
    if node.kind == STRUCT:
        assert isinstance(node.type, Struct)
        children = {name: child(node, name) for name in node.type.fields}
        plan = dict(zero_plan(node))
    elif node.kind == MAP:
        other = child(node, "")
    elif node.kind != LEAF:
        it = item(node)
        if node.kind == ASSOC and it.kind == STRUCT:
            kzf = any(k in dict(zero_plan(it)) for k in node.keys)
    return _Info(node, children, other, plan, it, kzf)


def created_fields(obj: dict, node: Node, reset: FieldSet) -> FieldSet:
    """What `compare(zero, new).added | .modified` would be for `obj` under the struct `node`,
    minus every path at or under one of `reset`."""
    out: set[Path] = set()
    _template(obj, _info(node), (), to_trie(reset) if reset else None, out)
    return frozenset(out)


def _template(v: Any, info: _Info, path: Path, rt: Trie | None, out: set[Path]) -> None:
    """Left side: the zero struct of a STRUCT node; right side: the view of `v`."""
    if v is not None and not isinstance(v, dict):
        out.add(path)  # wrong shape: a modified leaf
        return
    plan = info.plan
    if v is None:
        if not plan:
            out.add(path)  # {} became null
        return  # otherwise only removals
    children, other = info.children, info.other
    for k, x in v.items():
        pe = FIELD_PES.get(k) or field_pe(k)
        srt = None
        if rt is not None:
            srt = rt.get(pe)
            if srt is not None and "." in srt:
                continue  # a reset field: nothing at or under it counts
        p = path + (pe,)
        if k in plan:
            sub = plan[k]
            if sub is None:
                _null_list(x, children[k], p, srt, out)
            else:
                _template(x, _info(sub), p, srt, out)
        else:
            added(x, children.get(k, other), p, srt, out)


def _null_list(v: Any, node: Node, path: Path, rt: Trie | None, out: set[Path]) -> None:
    """Left side: null (a required list left out); right side: the view of `v`."""
    if node.kind == LEAF:
        if v is not None:
            out.add(path)
        return
    if not _children_added(v, _info(node), path, rt, out) and v is not None:
        out.add(path)


def added(v: Any, node: Node, path: Path, rt: Trie | None, out: set[Path]) -> None:
    """Left side: absent; everything on the right is added, this path included (compare_views'
    walk from a missing left side, which calls it)."""
    if node.kind != LEAF:
        _children_added(v, _info(node), path, rt, out)
    out.add(path)


def _children_added(v: Any, info: _Info, path: Path, rt: Trie | None, out: set[Path]) -> bool:
    """Add the children of a container whose left side has none; False when the value is compared
    as a leaf instead (a wrong shape, or an empty or null value)."""
    if isinstance(v, dict):
        if info.item is not None:
            return False  # a map where a list belongs
        plan = info.plan
        if not v and not plan:
            return False
        children, other = info.children, info.other
        if rt is None:  # no reset field below: `added` inlined, leaves without a call
            pes = FIELD_PES
            for k, x in v.items():
                p = path + (pes.get(k) or field_pe(k),)
                node = children.get(k, other)
                if node.kind != LEAF:
                    _children_added(x, _info(node), p, None, out)
                out.add(p)
        else:
            for k, x in v.items():
                _added_child(k, x, children.get(k, other), path, rt, out)
        for k, sub in plan.items():
            if k not in v:
                _added_child(k, {} if sub is not None else None, children[k], path, rt, out)
        return True
    if isinstance(v, list) and info.item is not None and v:
        _items_added(v, info, path, rt, out)
        return True
    return False


def _added_child(k: str, x: Any, node: Node, path: Path, rt: Trie | None, out: set[Path]) -> None:
    pe = FIELD_PES.get(k) or field_pe(k)
    srt = None
    if rt is not None:
        srt = rt.get(pe)
        if srt is not None and "." in srt:
            return
    added(x, node, path + (pe,), srt, out)


def _items_added(items: list, info: _Info, path: Path, rt: Trie | None, out: set[Path]) -> None:
    inner = info.item
    assert inner is not None
    node = info.node
    groups: dict[str, list] = {}
    for v in items:
        try:
            pe = item_pe(node, with_zero_structs(v, inner) if info.keys_zero_filled else v)
        except ValueError:
            continue  # an item without a name is not compared
        groups.setdefault(pe, []).append(v)
    for pe, vs in groups.items():
        srt = None
        if rt is not None:
            srt = rt.get(pe)
            if srt is not None and "." in srt:
                continue
        if len(vs) == 1:
            added(vs[0], inner, path + (pe,), srt, out)
        else:
            out.add(path + (pe,))  # duplicates are one added element, not looked into
