"""Which fields a write added, modified and removed (typed.Compare).

Ownership moves along these sets: a manager loses what another write modified or removed, and an
apply conflicts where it would modify or add what someone else owns. `MISSING` stands for Go's
nil (the key is absent), which SMD keeps apart from an explicit JSON null.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from kubepy.api.schema import ListOf, Struct
from kubepy.apiserver.apply.fieldpath import EMPTY, FIELD_PES, FieldSet, Path, field_pe, recursive_difference
from kubepy.apiserver.apply.typed import (
    ASSOC,
    LEAF,
    MAP,
    SET,
    STRUCT,
    Node,
    by_value,
    child,
    item,
    item_pe,
    json_equal,
    node_of,
)

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


@dataclass(frozen=True, slots=True)
class Comparison:
    added: FieldSet = EMPTY
    modified: FieldSet = EMPTY
    removed: FieldSet = EMPTY

    def exclude(self, prefixes: FieldSet) -> Comparison:
        """Comparison.ExcludeFields: forget changes at or under reset fields."""
        return Comparison(
            recursive_difference(self.added, prefixes),
            recursive_difference(self.modified, prefixes),
            recursive_difference(self.removed, prefixes),
        )


@lru_cache(maxsize=8192)
def zero_plan(node: Node) -> tuple[tuple[str, Node | None], ...]:
    """The by-value struct fields (with their node) and required lists (None) of a struct."""
    assert isinstance(node.type, Struct)
    plan: list[tuple[str, Node | None]] = []
    for name, fd in node.type.fields.items():
        if by_value(fd) and (sub := node_of(fd.type, fd)).kind == STRUCT:
            plan.append((name, sub))
        elif fd.required and isinstance(fd.type, ListOf):
            plan.append((name, None))
    return tuple(plan)


def with_zero_structs(value: Any, node: Node) -> Any:
    """`value` as a Go object would read: struct fields held by value are there, if only empty, and
    required lists are null rather than absent (no omitempty). Comparing such views keeps "spec
    appeared" out of the changes, as Kubernetes does."""
    if node.kind == STRUCT and isinstance(value, dict):
        out = {k: with_zero_structs(v, child(node, k)) for k, v in value.items()}
        for name, sub in zero_plan(node):
            if name not in out:
                out[name] = None if sub is None else with_zero_structs({}, sub)
        return out
    if node.kind == MAP and isinstance(value, dict):
        return {k: with_zero_structs(v, child(node, k)) for k, v in value.items()}
    if node.kind in (SET, ASSOC) and isinstance(value, list):
        inner = item(node)
        return [with_zero_structs(v, inner) for v in value]
    return value


def compare(lhs: Any, rhs: Any, node: Node) -> Comparison:
    acc: dict[str, set[Path]] = {"added": set(), "modified": set(), "removed": set()}
    _compare(lhs, rhs, node, (), acc)
    return Comparison(frozenset(acc["added"]), frozenset(acc["modified"]), frozenset(acc["removed"]))


def _leaf(lhs: Any, rhs: Any, path: Path, acc: dict[str, set[Path]]) -> None:
    if lhs is MISSING:
        acc["added"].add(path)
    elif rhs is MISSING:
        acc["removed"].add(path)
    elif not json_equal(lhs, rhs):
        acc["modified"].add(path)


def _shape(v: Any, t: type) -> Any:
    """The value if it is a `t`, else None (null, absent, or the wrong shape)."""
    return v if isinstance(v, t) else None


def _wrong_shape(v: Any, t: type) -> bool:
    return v is not MISSING and v is not None and not isinstance(v, t)


def _compare(lhs: Any, rhs: Any, node: Node, path: Path, acc: dict[str, set[Path]]) -> None:
    container = dict if node.kind in (STRUCT, MAP) else list
    if node.kind == LEAF or _wrong_shape(lhs, container) or _wrong_shape(rhs, container):
        _leaf(lhs, rhs, path, acc)
        return
    lv, rv = _shape(lhs, container), _shape(rhs, container)
    if not lv and not rv:
        _leaf(lhs, rhs, path, acc)  # empty or null on both sides: compared as a leaf
        return
    if container is dict:
        for k in {**(lv or {}), **(rv or {})}:
            lc = lv.get(k, MISSING) if lv else MISSING
            rc = rv.get(k, MISSING) if rv else MISSING
            _compare(lc, rc, child(node, k), path + (field_pe(k),), acc)
    else:
        _compare_items(lv or [], rv or [], node, path, acc)
    if lhs is MISSING:
        acc["added"].add(path)
    elif rhs is MISSING:
        acc["removed"].add(path)


def _index(items: list, node: Node) -> dict[str, list]:
    out: dict[str, list] = {}
    for v in items:
        try:
            out.setdefault(item_pe(node, v), []).append(v)
        except ValueError:
            continue
    return out


def _compare_items(lhs: list, rhs: list, node: Node, path: Path, acc: dict[str, set[Path]]) -> None:
    lmap, rmap = _index(lhs, node), _index(rhs, node)
    inner = item(node)
    for pe in {**lmap, **rmap}:
        ll, rl = lmap.get(pe, []), rmap.get(pe, [])
        p = path + (pe,)
        if len(ll) <= 1 and len(rl) <= 1:
            _compare(ll[0] if ll else MISSING, rl[0] if rl else MISSING, inner, p, acc)
        elif len(ll) >= 2 and len(rl) >= 2:
            if not json_equal(ll, rl):
                acc["modified"].add(p)
        elif len(ll) >= 2:
            if rl:
                _compare(MISSING, rl[0], inner, p, acc)
            acc["removed"].add(p)
        else:
            if ll:
                _compare(ll[0], MISSING, inner, p, acc)
            acc["added"].add(p)


# ---- the same comparison over Go views, without building them ---------------------------------
def compare_views(lhs: Any, rhs: Any, node: Node) -> Comparison:
    """`compare(with_zero_structs(lhs), with_zero_structs(rhs))`, filling the zero structs and
    null required lists only where the walk meets them: an update compares two whole objects, and
    copying both to fill them cost more than the comparison itself."""
    acc: dict[str, set[Path]] = {"added": set(), "modified": set(), "removed": set()}
    _cmp_view(lhs, rhs, node, (), acc)
    return Comparison(frozenset(acc["added"]), frozenset(acc["modified"]), frozenset(acc["removed"]))


@lru_cache(maxsize=8192)
def _plan(node: Node) -> dict[str, Node | None]:
    return dict(zero_plan(node)) if node.kind == STRUCT else {}


@lru_cache(maxsize=8192)
def _keys_zero_filled(node: Node) -> bool:
    """An associative list whose key fields are themselves filled in the Go view of an item."""
    if node.kind != ASSOC:
        return False
    inner = item(node)
    return inner.kind == STRUCT and any(k in _plan(inner) for k in node.keys)


def _cmp_view(lhs: Any, rhs: Any, node: Node, path: Path, acc: dict[str, set[Path]]) -> None:
    kind = node.kind
    if lhs is MISSING:
        # everything on the right is added: created.py's closed form of this walk
        _created.added(rhs, node, path, None, acc["added"])
        return
    if rhs is MISSING:  # the same walk, mirrored: everything on the left is removed
        _created.added(lhs, node, path, None, acc["removed"])
        return
    if kind == LEAF:
        _leaf(lhs, rhs, path, acc)  # below a leaf the views are the values themselves
        return
    container = dict if kind in (STRUCT, MAP) else list
    if _wrong_shape(lhs, container) or _wrong_shape(rhs, container):
        # a filled dict equals nothing that is not a dict: the values decide as the views would
        _leaf(lhs, rhs, path, acc)
        return
    lv, rv = _shape(lhs, container), _shape(rhs, container)
    plan = _plan(node) if kind == STRUCT else None
    if not lv and not rv and not (plan and (lv is not None or rv is not None)):
        _leaf(lhs, rhs, path, acc)  # empty or null on both sides (a filled struct is not empty)
        return
    if container is dict:
        _cmp_view_members(lv, rv, node, plan, path, acc)
    else:
        _cmp_view_items(lv or [], rv or [], node, path, acc)
    if lhs is MISSING:
        acc["added"].add(path)
    elif rhs is MISSING:
        acc["removed"].add(path)


def _cmp_view_members(
    lv: dict | None,
    rv: dict | None,
    node: Node,
    plan: dict[str, Node | None] | None,
    path: Path,
    acc: dict[str, set[Path]],
) -> None:
    """_cmp_view's walk over the members of two dicts (a struct's or a map's): each key of the Go
    views (the value, the zero a struct's field is filled with, or MISSING), skipping equal ones
    without a call. It runs once per key of every object a write touches."""
    info = _created._info(node)
    children, other = info.children, info.other
    pes = FIELD_PES
    keys = {**(lv or {}), **(rv or {})}
    if plan:
        keys.update(dict.fromkeys(plan))
    for k in keys:
        lc = MISSING if lv is None else lv.get(k, MISSING)
        rc = MISSING if rv is None else rv.get(k, MISSING)
        if plan and k in plan:  # a struct's zero-filled field: {} (filled in turn) or a null list
            if lc is MISSING and lv is not None:
                lc = None if plan[k] is None else {}
            if rc is MISSING and rv is not None:
                rc = None if plan[k] is None else {}
        if lc is MISSING:
            if rc is not MISSING:  # _cmp_view's first step, without the call
                _created.added(
                    rc, children.get(k, other), path + (pes.get(k) or field_pe(k),), None, acc["added"]
                )
            continue
        if rc is MISSING:
            _created.added(
                lc, children.get(k, other), path + (pes.get(k) or field_pe(k),), None, acc["removed"]
            )
            continue
        t = type(lc)
        if t is type(rc):
            if t is str or t is int or t is float or lc is None:  # not bool: True == 1
                if lc == rc:  # most of a write's leaves: nothing to record, no call to make
                    continue
            elif (t is dict or t is list) and _same_json(lc, rc):
                continue  # an untouched subtree: equal views compare to no change
        _cmp_view(lc, rc, children.get(k, other), path + (pes.get(k) or field_pe(k),), acc)


def _same_json(a: Any, b: Any) -> bool:
    """Two containers with the same JSON (type, key order and all), whose views are then equal:
    `==` turns most unequal pairs away in C, the JSON tells True from 1 where `==` cannot."""
    if type(a) is not type(b) or type(a) not in (dict, list) or a != b:
        return False
    try:
        return orjson.dumps(a) == orjson.dumps(b)
    except TypeError:  # integers beyond 64 bits: walk them
        return False


def _view_index(items: list, node: Node) -> dict[str, list]:
    out: dict[str, list] = {}
    filled = _keys_zero_filled(node)
    inner = item(node) if filled else None
    for v in items:
        try:
            pe = item_pe(node, with_zero_structs(v, inner) if inner is not None else v)
        except ValueError:
            continue
        out.setdefault(pe, []).append(v)
    return out


def _cmp_view_items(lhs: list, rhs: list, node: Node, path: Path, acc: dict[str, set[Path]]) -> None:
    lmap, rmap = _view_index(lhs, node), _view_index(rhs, node)
    inner = item(node)
    for pe in {**lmap, **rmap}:
        ll, rl = lmap.get(pe, []), rmap.get(pe, [])
        p = path + (pe,)
        if len(ll) <= 1 and len(rl) <= 1:
            if not ll:  # added or removed whole: _cmp_view's first step, without the call
                _created.added(rl[0], inner, p, None, acc["added"])
            elif not rl:
                _created.added(ll[0], inner, p, None, acc["removed"])
            elif not _same_json(ll[0], rl[0]):  # else an item left as it was
                _cmp_view(ll[0], rl[0], inner, p, acc)
        elif len(ll) >= 2 and len(rl) >= 2:
            lz = [with_zero_structs(v, inner) for v in ll]
            if not json_equal(lz, [with_zero_structs(v, inner) for v in rl]):
                acc["modified"].add(p)
        elif len(ll) >= 2:
            if rl:
                _cmp_view(MISSING, rl[0], inner, p, acc)
            acc["removed"].add(p)
        else:
            if ll:
                _cmp_view(ll[0], MISSING, inner, p, acc)
            acc["added"].add(p)


# last: created.py builds on this module (read as an attribute, so either may be imported first)
from kubepy.apiserver.apply import created as _created  # noqa: E402
