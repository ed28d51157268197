"""Lists from the watch cache: the state at a revision, and one page of it.

A list at an older revision (a paged list's later pages, or an exact-revision read) is the
current state with the ring's newer changes undone, restricted to the prefix; Kubernetes serves
the same reads from watch-cache snapshots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubepy.storage.cached import CachedObject
from kubepy.storage.key_index import KeyIndex, under
from kubepy.storage.rings import ResourceRings
from kubepy.storage.watcher import Predicate, label_selector, passes

Span = tuple[list[str], int, int, Callable[[str], CachedObject]]


def span_at(
    index: KeyIndex, rings: ResourceRings, prefix: str, start_key: str, undo_after: int | None
) -> Span:
    """Sorted keys under `prefix` from `start_key` on, as `keys[lo:hi]`, with a lookup; as of the
    current state, or with every change after `undo_after` rolled back (the caller checked the
    rings cover it)."""
    keys, lo, hi = index.span(prefix, start_key)
    get = index.getter()
    if undo_after is None:
        return keys, lo, hi, get
    # Newest first, so each key ends with its value from before the oldest change after
    # `undo_after`: its value then (None: it did not exist yet).
    first = max(prefix, start_key)
    undo: dict[str, CachedObject | None] = {}
    for ch in rings.newest_first(prefix, undo_after):
        k = ch.key
        if k >= first and under(k, prefix):
            undo[k] = ch.prev
    if not undo:
        return keys, lo, hi, get
    merged = [k for k in keys[lo:hi] if k not in undo or undo[k] is not None]
    merged += [k for k, o in undo.items() if o is not None and index.get(k) is None]
    merged.sort()

    def get_then(k: str) -> CachedObject:
        o = undo.get(k)
        return o if o is not None else get(k)

    return merged, 0, len(merged), get_then


def page(
    keys: list[str],
    lo: int,
    hi: int,
    get: Callable[[str], CachedObject],
    limit: int,
    predicate: Predicate | None,
) -> tuple[list[CachedObject], bool, int]:
    """Items of `keys[lo:hi]` passing `predicate`, at most `limit` (0: all): (items, more, remaining).

    Without a predicate `remaining` counts the items after the page (Kubernetes'
    remainingItemCount); with one it is 0 (unknown) and `more` means another item does match.
    """
    if predicate is None:
        end = hi if limit <= 0 else min(hi, lo + limit)
        return [get(k) for k in keys[lo:end]], end < hi, hi - end
    sel = label_selector(predicate)
    if sel is not None:
        return _select(keys, lo, hi, get, limit, sel)
    items: list[CachedObject] = []
    for i in range(lo, hi):
        o = get(keys[i])
        if passes(predicate, o):
            if 0 < limit == len(items):
                return items, True, 0
            items.append(o)
    return items, False, 0


#: Objects whose labels go to the compiled selector at once, so a small page stops early.
_BLOCK = 1024


def _select(
    keys: list[str], lo: int, hi: int, get: Callable[[str], CachedObject], limit: int, sel: Any
) -> tuple[list[CachedObject], bool, int]:
    """page() for a label-selector-only predicate: pre-extracted labels, matched in bulk."""
    items: list[CachedObject] = []
    for start in range(lo, hi, _BLOCK):
        objs = [get(k) for k in keys[start : min(hi, start + _BLOCK)]]
        items += [objs[i] for i in sel.select_indices([o.labels for o in objs])]
        if 0 < limit < len(items):
            return items[:limit], True, 0
    return items, False, 0
