"""Which fields a write added, modified and removed (typed.Compare).

Ownership moves along these sets: a manager loses what another write modified or removed, and an
apply conflicts where it would modify or add what someone else owns. `MISSING` stands for Go's
nil (the key is absent), which SMD keeps apart from an explicit JSON null.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from kubepy._fast import fieldset
from kubepy.api.schema import ListOf, Struct
from kubepy.apiserver.apply.fieldpath import EMPTY, FieldSet, Path, field_pe, recursive_difference
from kubepy.apiserver.apply.typed import (
    ASSOC,
    LEAF,
    LEAF_NODE,
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
from kubepy.util.fifo import put_bounded

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
    copying both to fill them cost more than the comparison itself. The walk is kubepy._fast's."""
    added, modified, removed = fieldset.compare_views(lhs, rhs, info_of(node))
    return Comparison(frozenset(added), frozenset(modified), frozenset(removed))


_INFOS: dict[Node, Any] = {}
_INFOS_MAX = 65536


def info_of(node: Node, impl: Any = fieldset) -> Any:
    """The walks' `Info` of `node` (of the twin `impl`), linked to the Infos of everything below
    it, built once per node; a struct that contains itself links to its own Info."""
    cache = _INFOS if impl is fieldset else _impl_cache(impl)
    hit = cache.get(node)
    if hit is not None:
        return hit
    info = impl.Info(impl.KIND_CODES[node.kind])
    put_bounded(cache, node, info, _INFOS_MAX)  # before the children: a struct may contain itself
    info.other = info_of(LEAF_NODE, impl) if node.kind != LEAF else info
    if node.kind == STRUCT:
        assert isinstance(node.type, Struct)
        info.children = {name: info_of(child(node, name), impl) for name in node.type.fields}
        info.plan = {name: None if sub is None else info_of(sub, impl) for name, sub in zero_plan(node)}
    elif node.kind == MAP:
        info.other = info_of(child(node, ""), impl)
    elif node.kind != LEAF:
        inner = item(node)
        info.item = info_of(inner, impl)
        info.pe_of = partial(item_pe, node)
        info.item_view = partial(_view_as, inner)
        info.keys_zero_filled = (
            node.kind == ASSOC
            and inner.kind == STRUCT
            and any(k in dict(zero_plan(inner)) for k in node.keys)
        )
        if node.kind == ASSOC and len(node.keys) == 1:
            info.one_key = node.keys[0]
    return info


_IMPL_CACHES: dict[Any, dict[Node, Any]] = {}


def _impl_cache(impl: Any) -> dict[Node, Any]:
    """The Infos of another twin than the loaded one (tests run both)."""
    return _IMPL_CACHES.setdefault(impl, {})


def _view_as(node: Node, value: Any) -> Any:
    return with_zero_structs(value, node)
