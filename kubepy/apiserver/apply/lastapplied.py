"""kubectl's client-side apply annotation, as the field manager treats it on server-side apply.

A "kubectl" server-side apply may take over, without --force-conflicts, the fields the
last-applied annotation set that still hold those values (the migration from client-side apply),
and keeps an existing annotation current so a later client-side apply diffs against it.
"""

from __future__ import annotations

import orjson

from kubepy.apiserver.apply.compare import compare, with_zero_structs
from kubepy.apiserver.apply.extract import check_typed, field_set
from kubepy.apiserver.apply.fieldpath import EMPTY, FieldSet, go_json
from kubepy.apiserver.apply.typed import Node, json_copy

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def client_side_owned(live: dict, node: Node) -> FieldSet:
    """lastAppliedManager: the fields kubectl's last-applied annotation set that still hold the
    value it set. kubectl's first server-side apply may take these over without --force-conflicts,
    which is how an object moves from client-side to server-side apply."""
    annotations = (live.get("metadata") or {}).get("annotations") or {}
    raw = annotations.get(LAST_APPLIED) if isinstance(annotations, dict) else None
    if not isinstance(raw, str):
        return EMPTY
    try:
        last = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return EMPTY
    if not isinstance(last, dict) or check_typed(last, node):
        return EMPTY
    cmp = compare(last, with_zero_structs(live, node), node)
    return field_set(last, node) - cmp.modified - cmp.added - cmp.removed


def sync_last_applied(obj: dict, applied: dict, manager: str) -> None:
    """lastAppliedUpdater: kubectl's server-side apply keeps an existing client-side annotation
    current, so a later client-side apply still diffs against the right thing."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if manager != "kubectl" or LAST_APPLIED not in annotations:
        return
    body = json_copy(applied)
    meta = body.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
        meta["annotations"].pop(LAST_APPLIED, None)
    annotations[LAST_APPLIED] = go_json(body) + "\n"
