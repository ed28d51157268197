"""Ownership bookkeeping for one write (merge/update.go's Updater), on plain field sets.

`update` records a non-apply write; `apply` merges a configuration, prunes what its manager no
longer applies and checks conflicts. Objects are plain dicts that carry no managedFields; the
caller decodes and encodes those. All managers are read in the one schema of the request: kubepy
serves each kind in one shape, so there is no version conversion to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from kubepy.apiserver.apply.compare import Comparison, compare_views
from kubepy.apiserver.apply.extract import ensure_named_members, field_set
from kubepy.apiserver.apply.fieldpath import EMPTY, FieldSet, Path, iterate, recursive_difference
from kubepy.apiserver.apply.managed import Managed, Owned
from kubepy.apiserver.apply.merge import merge, remove_items
from kubepy.apiserver.apply.typed import MAP, STRUCT, Node, json_equal


@dataclass(frozen=True, slots=True)
class Conflict:
    manager: str  # identity
    path: Path


CURRENT = "current-operation"


class Conflicts(Exception):
    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(f"{len(conflicts)} conflict(s)")
        self.conflicts = conflicts


def changes(old: Any, new: Any, node: Node, reset: FieldSet) -> Comparison:
    """What a write from `old` to `new` added, modified and removed, outside `reset`."""
    old, new, dropped = _without_equal_fields(old, new, node, reset)
    cmp = compare_views(old, new, node)
    return cmp if dropped else cmp.exclude(reset)


def _settle(
    old: Any,
    new: Any,
    managed: Managed,
    workflow: str,
    force: bool,
    node: Node,
    reset: FieldSet,
    cmp: Comparison | None = None,
) -> Comparison:
    """Updater.update: take changed fields from other managers (or refuse) and forget removed
    ones. `cmp`: changes(old, new, node, reset) when the caller has it already."""
    if cmp is None:
        cmp = changes(old, new, node, reset)
    changed = cmp.modified | cmp.added
    conflicts: dict[str, FieldSet] = {}
    for m, owned in managed.fields.items():
        if m != workflow:
            hit = owned.fields & changed
            if hit:
                conflicts[m] = hit
    if conflicts and not force:
        raise Conflicts([Conflict(m, p) for m in sorted(conflicts) for p in iterate(conflicts[m])])
    for m in list(managed.fields):
        if m == workflow:
            continue
        owned = managed.fields[m]
        lost = conflicts.get(m, EMPTY)
        if not lost and owned.fields and owned.fields.isdisjoint(cmp.removed):
            continue  # loses nothing: the entry stays as it is (its set is not copied)
        left = owned.fields - lost - cmp.removed
        if left:
            managed.fields[m] = Owned(left, owned.api_version, owned.applied)
        else:
            del managed.fields[m]
    return cmp


def _without_equal_fields(old: Any, new: Any, node: Node, reset: FieldSet = EMPTY) -> tuple[Any, Any, bool]:
    """Both objects without the top-level fields they hold equal: an equal field compares to no
    change (absent from both, it zero-fills the same on both sides), and most writes touch one
    field of many. Equal means equal values with equal JSON, key order included, which implies
    json_equal. A reset top-level field goes too, since every change at or under it is excluded
    (a /status write compares the status alone); the flag says whether that left nothing of
    `reset` to exclude."""
    if node.kind not in (STRUCT, MAP) or not isinstance(old, dict) or not isinstance(new, dict):
        return old, new, not reset
    drop = {p[0][2:] for p in reset if len(p) == 1 and p[0].startswith("f:")}
    dropped = len(drop) == len(reset)
    for k, v in new.items():
        # `==` in C turns most unequal pairs away before both are encoded (as compare._same_json)
        if k not in drop and k in old and v == (ov := old[k]) and _dumps(v) == _dumps(ov):
            drop.add(k)
    if not drop:
        return old, new, dropped
    kept_old = {k: v for k, v in old.items() if k not in drop}
    return kept_old, {k: v for k, v in new.items() if k not in drop}, dropped


def _dumps(v: Any) -> object:
    """JSON bytes, or a fresh object (never equal to anything) when orjson cannot encode it."""
    try:
        return orjson.dumps(v)
    except TypeError:
        return object()


def update(
    old: Any,
    new: Any,
    managed: Managed,
    api_version: str,
    node: Node,
    reset: FieldSet,
    cmp: Comparison | None = None,
) -> FieldSet:
    """Updater.Update run for the anonymous current operation: other managers lose what this write
    changed or removed; the fields it set are returned for the caller to credit. Mutates `managed`."""
    cmp = _settle(old, new, managed, CURRENT, True, node, reset, cmp)
    return cmp.modified | cmp.added  # nothing at or under `reset` is left in it


def apply(
    live: Any,
    config: dict,
    managed: Managed,
    manager: str,
    api_version: str,
    force: bool,
    node: Node,
    reset: FieldSet,
) -> Any:
    """Updater.Apply: the new object, or None when it equals `live`. Mutates `managed`."""
    merged = merge(live, config, node)
    last = managed.fields.get(manager)
    fs = recursive_difference(field_set(config, node), reset)
    managed.fields[manager] = Owned(fs, api_version, True)
    if last is not None and last.fields:
        merged = _prune(merged, managed, last.fields, node)
    _settle(live, merged, managed, manager, force, node, reset)
    return None if json_equal(live, merged) else merged


def _prune(merged: Any, managed: Managed, last: FieldSet, node: Node) -> Any:
    """Drop what the applier owned last time and nobody owns now (prune + add-back steps)."""

    def named(fs: FieldSet) -> FieldSet:
        return ensure_named_members(fs, node)

    last_n = named(last)
    merged_set = named(field_set(merged, node))
    owned_now: FieldSet = frozenset().union(*(o.fields for o in managed.fields.values()))
    pruned = remove_items(merged, last_n, node)
    pruned = remove_items(merged, merged_set - (named(field_set(pruned, node)) | named(owned_now)), node)
    dangling = (merged_set - named(field_set(pruned, node))) & last_n
    return remove_items(merged, dangling, node)
