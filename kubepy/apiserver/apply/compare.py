"""Which fields a write added, modified and removed (typed.Compare).

Ownership moves along these sets: a manager loses what another write modified or removed, and an
apply conflicts where it would modify or add what someone else owns. `MISSING` stands for Go's
nil (the key is absent), which SMD keeps apart from an explicit JSON null.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kubepy.api.schema import ListOf, Struct
from kubepy.apiserver.apply.fieldpath import EMPTY, FieldSet, Path, field_pe, recursive_difference
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
