"""Server-side apply and managedFields tracking: what the handlers call.

The layering follows apimachinery's field manager chain (version check, last-applied sync, tracking
from the first apply, update-entry cap, manager identity, timestamps, metadata stripping, then the
merge itself), flattened into two pure functions over plain dicts with the clock passed in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kubepy._fast import fieldset
from kubepy.api import errors as fe
from kubepy.api.errors import StatusError
from kubepy.api.jsonkey import json_key
from kubepy.api.schema import Struct
from kubepy.apiserver.apply import updater
from kubepy.apiserver.apply.conflicts import conflict_error
from kubepy.apiserver.apply.created import created_fields
from kubepy.apiserver.apply.extract import check_typed
from kubepy.apiserver.apply.fieldpath import EMPTY, FieldSet, field_pe
from kubepy.apiserver.apply.lastapplied import client_side_owned, sync_last_applied
from kubepy.apiserver.apply.managed import (
    APPLY,
    UPDATE,
    Managed,
    Owned,
    cap_update_managers,
    decode_managed,
    encode_managed,
    identity,
)
from kubepy.apiserver.apply.merge import drop_nulls
from kubepy.apiserver.apply.typed import STRUCT, Node, json_copy, node_of
from kubepy.apiserver.apply.unmoved import unmoved
from kubepy.util.fifo import put_bounded

BEFORE_FIRST_APPLY = "before-first-apply"


def _meta_paths(*names: str) -> frozenset:
    return frozenset((field_pe("metadata"), field_pe(n)) for n in names)


# Never owned by anyone: identity, server-set bookkeeping and managedFields itself (stripmeta.go).
STRIPPED: FieldSet = frozenset(
    {(field_pe("apiVersion"),), (field_pe("kind"),), (field_pe("metadata"),)}
) | _meta_paths(
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "clusterName",
    "generation",
    "managedFields",
    "resourceVersion",
)


@lru_cache(maxsize=1024)
def reset_fields(schema: Struct, subresource: str) -> FieldSet:
    """Fields a write through `subresource` cannot change, so never owns: status for the main
    resource, everything but status for /status (the generic form of strategies' GetResetFields)."""
    if subresource == "":
        return frozenset({(field_pe("status"),)}) if "status" in schema.fields else EMPTY
    if subresource == "status":
        return frozenset((field_pe(n),) for n in schema.fields if n != "status")
    return EMPTY


# ---- helpers --------------------------------------------------------------------------------
def _body(obj: dict | None) -> dict:
    """A copy of `obj` without metadata.managedFields."""
    out = json_copy(obj) if obj else {}
    meta = out.get("metadata")
    if isinstance(meta, dict):
        meta.pop("managedFields", None)
    return out


def _view(obj: dict | None) -> dict:
    """`obj` without metadata.managedFields, sharing everything else with it: what a comparison
    reads, and a result whose metadata alone is its own (nothing below is written)."""
    if not obj:
        return {}
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return dict(obj)
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}


def _store(obj: dict, managed: Managed, fresh: str | None = None) -> dict:
    entries = encode_managed(managed, fresh)
    meta = obj.setdefault("metadata", {})
    meta.pop("managedFields", None)  # then appended, where track_update's copy has it
    if entries is not None:
        meta["managedFields"] = entries
    return obj


def _decode_or_empty(entries: Any) -> Managed:
    try:
        return decode_managed(entries)
    except ValueError:
        return Managed()


def _is_reset(entries: Any) -> bool:
    """isResetManagedFields: `[]` or `[{}]` sent by a client clears ownership."""
    return isinstance(entries, list) and (entries == [] or entries == [{}])


def _decode_live_or_new(old: dict | None, new: dict, from_live_only: bool) -> Managed:
    live_entries = ((old or {}).get("metadata") or {}).get("managedFields")
    if from_live_only:
        return _decode_or_empty(live_entries)
    new_entries = (new.get("metadata") or {}).get("managedFields")
    if _is_reset(new_entries):
        return Managed()
    try:
        managed = decode_managed(new_entries)
    except ValueError:
        managed = Managed()
    return managed if managed.fields else _decode_or_empty(live_entries)


def _credit_update(
    old: dict,
    new: dict,
    managed: Managed,
    manager: str,
    api_version: str,
    subresource: str,
    now: str,
    node: Node,
    reset: FieldSet,
) -> None:
    """The Update chain: take the fields this write changed and add them to `manager`'s entry."""
    ident = identity(manager or "unknown", UPDATE, api_version, subresource)
    cmp = updater.changes(old, new, node, reset)
    fs = unmoved(managed, ident, cmp, STRIPPED)
    if fs is not None:  # nothing changes hands: the entries stay, the writer's time moves
        if fs:
            managed.times[ident] = now
        return
    fs = updater.update(old, new, managed, api_version, node, reset, cmp) - STRIPPED
    if fs:
        prev = managed.fields.get(ident)
        managed.fields[ident] = Owned(fs | prev.fields if prev else fs, api_version, False)
        managed.times[ident] = now
    cap_update_managers(managed)


#: Metadata never owned (STRIPPED) and different in every object: left out of a create's shape key.
_VOLATILE = frozenset(("name", "uid", "creationTimestamp", "resourceVersion", "generation", "selfLink"))
#: per kind (its node), so that kinds whose objects never repeat evict no Pod's shape
_SHAPES: dict[Node, dict[tuple[FieldSet, Any], FieldSet]] = {}
_SHAPES_MAX = 256
_METADATA = frozenset(("metadata",))


def skeleton(d: dict, drop: frozenset = frozenset()) -> dict:
    """What created_fields reads of the dict `d` (keys in `drop` left out): keys, nulls, empty
    containers and which values are dicts, lists or scalars, but no scalar's value (a leaf is
    owned whatever it holds). Lists stay as they are: set values and merge keys name their
    members. Objects with one skeleton (every Event, whatever its message, names and times)
    create one field set."""
    out: dict = {}
    for k, x in d.items():
        if k in drop:
            continue
        if isinstance(x, dict):
            out[k] = skeleton(x)
        elif x is None or isinstance(x, list):
            out[k] = x
        else:
            out[k] = 0
    return out


_NO_KEYS: frozenset = frozenset()


def shape_key(d: dict, drop: frozenset = _NO_KEYS) -> tuple | None:
    """A hashable key equal for two dicts exactly when their skeletons (`skeleton(d, drop)`) are
    equal, built without building the skeleton: the keys in order, then each value that is not a
    scalar with its key (a dict's own shape key, None, or a list's JSON). None when a list has
    no exact JSON (json_key). The walk is kubepy._fast's (every Event's create makes one)."""
    return fieldset.shape_key(d, drop, json_key)


def _created_set(obj: dict, node: Node, reset: FieldSet) -> FieldSet:
    """created_fields(obj) - STRIPPED, remembered per skeleton (see `skeleton`) of the object
    without the metadata no one owns. The key is the whole object's `shape_key`, which tells
    apart finer than that skeleton (the volatile keys are in it, though not their values): equal
    keys still mean equal skeletons, and the objects of one writer carry the same volatile keys."""
    meta = obj.get("metadata")
    raw = shape_key(obj)
    if raw is None:  # no exact key: walk it
        return created_fields(obj, node, reset) - STRIPPED
    key = (reset, raw)
    shapes = _SHAPES.setdefault(node, {})
    fs = shapes.get(key)
    if fs is None:
        if isinstance(meta, dict):
            shape = skeleton(obj, _METADATA)
            shape["metadata"] = skeleton(meta, _VOLATILE)
        else:
            shape = skeleton(obj)
        # the volatile fields only add their own paths, all of them STRIPPED
        fs = created_fields(shape, node, reset) - STRIPPED
        put_bounded(shapes, key, fs, _SHAPES_MAX)
    return fs


def _created(
    obj: dict, manager: str, api_version: str, subresource: str, now: str, node: Node, reset: FieldSet
) -> Managed:
    """_credit_update from nothing live and nothing owned, in one walk (see created.py)."""
    managed = Managed()
    fs = _created_set(obj, node, reset)
    if fs:
        ident = identity(manager or "unknown", UPDATE, api_version, subresource)
        managed.fields[ident] = Owned(fs, api_version, False)
        managed.times[ident] = now
    return managed


# ---- the two entry points -------------------------------------------------------------------
def track_update(
    old: dict | None,
    new: dict,
    *,
    manager: str,
    schema: Struct,
    api_version: str,
    now: str,
    subresource: str = "",
    reset: FieldSet | None = None,
) -> dict:
    """Record a create/update/patch by `manager`; returns `new` with managedFields (a new object
    and metadata; what lies below is shared with `new`, which is not changed).

    managedFields sent with the write are kept when they decode (that is how clients edit them),
    `[]` or `[{}]` clears them, anything else falls back to the live object's. An existing object
    that has no managedFields stays untracked until its first apply."""
    node = node_of(schema)
    reset = reset_fields(schema, subresource) if reset is None else reset
    managed = _decode_live_or_new(old, new, subresource != "")
    result = _view(new)
    if old is None and not managed.fields and node.kind == STRUCT:
        return _store(result, _created(result, manager, api_version, subresource, now, node, reset))
    live = _view(old)
    if not managed.fields and ((live.get("metadata") or {}).get("uid")):
        return result
    ident = identity(manager or "unknown", UPDATE, api_version, subresource)
    again = ident in managed.fields  # a writer that writes this object again (a Lease's holder)
    _credit_update(live, result, managed, manager, api_version, subresource, now, node, reset)
    # its entry is read back by its next write: remember it now. A first write (a pod's first
    # status) may be the last: its entry is remembered when a next write reads it, if any.
    return _store(result, managed, ident if again else None)


#: a create's one managedFields entry per (field set, manager, apiVersion), with some time in
#: its place: every create of one shape by one manager writes the same entry but for the time
_CREATED_ENTRIES: dict[tuple[FieldSet, str, str], dict[str, Any]] = {}
_CREATED_ENTRIES_MAX = 1024


def _created_entries(
    obj: dict, manager: str, api_version: str, now: str, node: Node, reset: FieldSet
) -> list[dict[str, Any]] | None:
    """encode_managed(_created(obj, ...)) for a create (no subresource), from a template entry
    once the field set is known: a copy keeps the template's key order with the time replaced."""
    fs = _created_set(obj, node, reset)
    if not fs:
        return None
    key = (fs, manager, api_version)
    template = _CREATED_ENTRIES.get(key)
    if template is None:
        entries = encode_managed(_created(obj, manager, api_version, "", now, node, reset))
        if entries is not None and len(entries) == 1 and "time" in entries[0]:
            # a copy: the caller's entry is its own
            put_bounded(_CREATED_ENTRIES, key, entries[0].copy(), _CREATED_ENTRIES_MAX)
        return entries
    entry = template.copy()
    entry["time"] = now
    return [entry]


def track_create(
    obj: dict,
    *,
    manager: str,
    schema: Struct,
    api_version: str,
    now: str,
    requested: dict | None = None,
) -> dict:
    """track_update(None, ...) for a create, without copying: sets `obj`'s managedFields in
    place and returns `obj`. `requested` is the object the manager asked for when admission
    changed it since (its fields are the ones owned); it is not changed."""
    src = obj if requested is None else requested
    meta = obj.setdefault("metadata", {})
    src_meta = src.get("metadata")
    node = node_of(schema)
    if node.kind == STRUCT and not (isinstance(src_meta, dict) and "managedFields" in src_meta):
        entries = _created_entries(src, manager, api_version, now, node, reset_fields(schema, ""))
    else:  # managedFields sent by the client: the long way
        tracked = track_update(None, src, manager=manager, schema=schema, api_version=api_version, now=now)
        entries = (tracked.get("metadata") or {}).get("managedFields")
    meta.pop("managedFields", None)  # then appended, where track_update's copy has it
    if entries is not None:
        meta["managedFields"] = entries
    return obj


def _split_api_version(api_version: str) -> tuple[str, str] | None:
    """schema.ParseGroupVersion; None when it does not parse."""
    if not api_version:
        return "", ""
    parts = api_version.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return None


def _gvk_string(api_version: str, kind: str) -> str:
    gv = _split_api_version(api_version) or ("", "")
    return f"{gv[0]}/{gv[1]}, Kind={kind}"


def _check_kind(applied: dict, schema: Struct, api_version: str) -> None:
    """versionCheckManager: the body must be the kind and version the request addressed."""
    kind = schema.gvk[2] if schema.gvk else applied.get("kind", "")
    got_av, got_kind = applied.get("apiVersion") or "", applied.get("kind") or ""
    got = _split_api_version(got_av) if isinstance(got_av, str) else None
    if got is None or got != _split_api_version(api_version) or got_kind != kind:
        raise fe.bad_request(f"invalid object type: {_gvk_string(str(got_av) if got else '', str(got_kind))}")


def _check_patch(applied: dict, node: Node, api_version: str) -> None:
    meta = applied.get("metadata")
    if isinstance(meta, dict) and meta.get("managedFields") is not None:
        raise fe.bad_request("metadata.managedFields must be nil")
    errs = check_typed(applied, node)
    if errs:
        text = str(errs[0]) if len(errs) == 1 else "errors:\n" + "\n".join("  " + str(e) for e in errs)
        raise _unknown_error(f"failed to create typed patch object ({_where(applied, api_version)}): {text}")


def _where(obj: dict, api_version: str) -> str:
    """objectGVKNN: "namespace/name; group/version, Kind=kind"."""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    kind = obj.get("kind", "")
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}; {_gvk_string(api_version, kind)}"


def _unknown_error(message: str) -> StatusError:
    """What the apiserver answers for an error that is not a Status: 500 with no reason."""
    return StatusError(500, "", message)


def apply(
    live: dict | None,
    applied: dict,
    *,
    manager: str,
    force: bool,
    schema: Struct,
    api_version: str,
    now: str,
    subresource: str = "",
    reset: FieldSet | None = None,
) -> dict:
    """Server-side apply of `applied` by `manager` onto `live` (None to create). Returns the new
    object with managedFields; raises StatusError 409 on conflicts unless `force`."""
    if not isinstance(applied, dict):
        raise fe.bad_request("apply patch must be an object")
    _check_kind(applied, schema, api_version)
    node = node_of(schema)
    reset = reset_fields(schema, subresource) if reset is None else reset
    try:
        managed = decode_managed(((live or {}).get("metadata") or {}).get("managedFields"))
    except ValueError as e:
        raise _unknown_error(f"failed to decode managed fields: {e}") from None
    body = _body(live)
    if not managed.fields:  # start tracking: whatever is there belongs to "before-first-apply"
        _credit_update({}, body, managed, BEFORE_FIRST_APPLY, api_version, subresource, now, node, reset)
    _check_patch(applied, node, api_version)
    ident = identity(manager or "unknown", APPLY, api_version, subresource)
    before = Managed(dict(managed.fields), dict(managed.times))
    try:
        new = updater.apply(body, applied, managed, ident, api_version, force, node, reset)
    except updater.Conflicts as c:
        allowed = client_side_owned(body, node) if manager == "kubectl" else EMPTY
        left = [x for x in c.conflicts if x.path not in allowed]
        if left:
            raise conflict_error(left) from None
        managed = before  # every conflict is a field kubectl's client-side apply set: take it over
        new = updater.apply(body, applied, managed, ident, api_version, True, node, reset)
    except ValueError as e:  # the applied object passed check_typed, so the live one is at fault
        raise _unknown_error(
            f"failed to create typed live object ({_where(body, api_version)}): {e}"
        ) from None
    owned = managed.fields.get(ident)
    if owned is not None:
        fs = owned.fields - STRIPPED
        if fs:
            managed.fields[ident] = Owned(fs, owned.api_version, owned.applied)
        else:
            del managed.fields[ident]
    if new is not None:
        managed.times[ident] = now
        result = drop_nulls(new, node)
    else:
        result = body
    sync_last_applied(result, applied, manager)
    return _store(result, managed, ident)
