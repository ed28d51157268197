"""The field set of an object (typed.ToFieldSet) and the checks an applied object must pass.

What is a member follows SMD exactly, because ownership hinges on it: every scalar and atomic
value, every map key and list item, and a struct field only when it is null or an empty object
(otherwise owning its children is what owning it means).
"""

from __future__ import annotations

from typing import Any

from kubepy.apiserver.apply.fieldpath import FieldSet, Path, Trie, field_pe, pe_string, to_trie
from kubepy.apiserver.apply.typed import (
    ASSOC,
    LEAF,
    MAP,
    SET,
    STRUCT,
    Node,
    TypedError,
    child,
    declared,
    descend,
    item,
    item_pe,
)


def field_set(value: Any, node: Node) -> FieldSet:
    out: set[Path] = set()
    _walk(value, node, (), out)
    return frozenset(out)


def _walk(value: Any, node: Node, path: Path, out: set[Path]) -> None:
    if node.kind == LEAF:
        out.add(path)
    elif node.kind in (STRUCT, MAP):
        if isinstance(value, dict):
            for k, v in value.items():
                p = path + (field_pe(k),)
                _walk(v, child(node, k), p, out)
                if v is None or (isinstance(v, dict) and not v) or not declared(node, k):
                    out.add(p)
        elif value is not None:
            out.add(path)  # not the shape the schema says: own it whole
    elif isinstance(value, list):
        _walk_items(value, node, path, out)
    elif value is not None:
        out.add(path)


def _walk_items(items: list, node: Node, path: Path, out: set[Path]) -> None:
    pes = [_pe_or_none(node, v) for v in items]
    seen: set[str] = set()
    dups: set[str] = set()
    for pe in pes:
        if pe is not None:
            if pe in seen:
                dups.add(pe)
            seen.add(pe)
    for pe in dups:
        out.add(path + (pe,))  # a duplicated item is owned whole, never looked into
    inner = item(node)
    for pe, v in zip(pes, items, strict=True):
        if pe is None or pe in dups:
            continue
        p = path + (pe,)
        _walk(v, inner, p, out)
        out.add(p)


def _pe_or_none(node: Node, value: Any) -> str | None:
    try:
        return item_pe(node, value)
    except ValueError:
        return None


def ensure_named_members(fs: FieldSet, node: Node) -> FieldSet:
    """Set.EnsureNamedFieldsAreMembers: a struct field with owned children counts as owned too."""
    out = set(fs)
    _named_members(to_trie(fs), node, (), out)
    return frozenset(out)


def _named_members(trie: Trie, n: Node, prefix: Path, out: set[Path]) -> None:
    # module level: a recursive inner function would be a reference cycle left for the collector
    for pe, sub in trie.items():
        if pe == "." or len(sub) == ("." in sub):
            continue  # the member marker, or a leaf: nothing below to imply anything
        path = prefix + (pe,)
        if pe.startswith("f:") and declared(n, pe[2:]):
            out.add(path)
        _named_members(sub, descend(n, pe), path, out)


def check_typed(value: Any, node: Node, path: str = "") -> list[TypedError]:
    """The errors SMD's typed conversion reports for an applied object: unnamable list items and
    duplicate keys (the live object may hold duplicates; an applied one may not)."""
    errs: list[TypedError] = []
    if node.kind in (STRUCT, MAP) and isinstance(value, dict):
        for k, v in value.items():
            errs += check_typed(v, child(node, k), path + "." + k)
    elif node.kind in (SET, ASSOC) and isinstance(value, list):
        seen: set[str] = set()
        inner = item(node)
        for i, v in enumerate(value):
            try:
                pe = item_pe(node, v)
            except ValueError as e:
                errs.append(TypedError(path, f"element {i}: {e}"))
                return errs
            if pe in seen:
                errs.append(TypedError(path, f"duplicate entries for key {pe_string(pe)}"))
            seen.add(pe)
            errs += check_typed(v, inner, path + pe_string(pe))
    return errs
