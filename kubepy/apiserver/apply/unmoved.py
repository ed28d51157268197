"""The update that moves no ownership: track_update's fast path for the steady writes.

A Lease renewal by its holder, a kubelet status patch that changes values only, an Event count
bump: the writer changes fields it owns already, adds none and removes none, and nobody else owns
what it touches. The Updater would then rebuild every manager's set unchanged (each loses nothing),
credit the writer with what it owns already and restamp its entry. `unmoved` recognises that case
from the write's comparison alone and says what the writer is credited with, so the caller only
moves the time; tests/apply/test_unmoved.py checks the result equals the general path's.
"""

from __future__ import annotations

from kubepy.apiserver.apply.compare import Comparison
from kubepy.apiserver.apply.fieldpath import FieldSet
from kubepy.apiserver.apply.managed import MAX_UPDATE_MANAGERS, Managed


def unmoved(managed: Managed, ident: str, cmp: Comparison, stripped: FieldSet) -> FieldSet | None:
    """The fields `ident` sets (changed minus `stripped`, already all its own) when the write takes
    no field from any entry, `ident`'s included, and leaves every entry as it was; None when the
    general path has work to do (or when an entry is empty or the update entries are over the cap,
    which the general path would also change)."""
    own = managed.fields.get(ident)
    if own is None and not (cmp.added <= stripped and cmp.modified <= stripped):
        return None  # a first write of fields by this writer (a pod's first status): no set built
    changed = cmp.modified | cmp.added
    fs = changed - stripped if changed else changed
    if fs and (own is None or not fs <= own.fields):
        return None
    touched = changed | cmp.removed
    updaters = 0
    for m, owned in managed.fields.items():
        if not owned.fields:
            return None  # the general path drops it
        if not owned.fields.isdisjoint(touched - fs if m == ident else touched):
            return None
        updaters += not owned.applied
    if updaters > MAX_UPDATE_MANAGERS:
        return None
    return fs
