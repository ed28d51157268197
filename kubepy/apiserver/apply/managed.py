"""metadata.managedFields in and out: one entry per manager identity, as apimachinery keeps them.

A manager's identity is the JSON of its entry without fields, time and type (and without apiVersion
for appliers, who keep one entry across versions), exactly the string Kubernetes builds, because
conflict messages and the cap on update entries sort by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson

from kubepy.api.jsonkey import json_key
from kubepy.apiserver.apply.fieldpath import FieldSet, decode_fields, go_json, shared_fields
from kubepy.util.fifo import put_bounded

APPLY, UPDATE = "Apply", "Update"
MAX_UPDATE_MANAGERS = 10
ANCIENT_CHANGES = "ancient-changes"


@dataclass(frozen=True, slots=True)
class Owned:
    """A manager's field set (fieldpath.VersionedSet)."""

    fields: FieldSet
    api_version: str
    applied: bool


@dataclass(slots=True)
class Managed:
    """Decoded managedFields: sets and times by manager identity."""

    fields: dict[str, Owned] = field(default_factory=dict)
    times: dict[str, str | None] = field(default_factory=dict)


def identity(manager: str, operation: str, api_version: str, subresource: str = "") -> str:
    """BuildManagerIdentifier: Go's json.Marshal of the entry's identifying fields; remembered
    for strings (every update asks for its writer's, and writers are few), built afresh for
    whatever else a client's entry holds."""
    if type(manager) is type(operation) is type(api_version) is type(subresource) is str:
        return _identity(manager, operation, api_version, subresource)
    return _build_identity(manager, operation, api_version, subresource)


@lru_cache(maxsize=4096)
def _identity(manager: str, operation: str, api_version: str, subresource: str) -> str:
    return _build_identity(manager, operation, api_version, subresource)


def _build_identity(manager: str, operation: str, api_version: str, subresource: str) -> str:
    d: dict[str, str] = {}
    if manager:
        d["manager"] = manager
    if operation:
        d["operation"] = operation
    if api_version and operation != APPLY:
        d["apiVersion"] = api_version
    if subresource:
        d["subresource"] = subresource
    return go_json(d, sort_keys=False)


@lru_cache(maxsize=4096)
def describe(ident: str) -> dict[str, str]:
    """The entry fields an identity names (shared: callers read it, never change it)."""
    return orjson.loads(ident)


#: Entries decoded before, by their JSON: every write reads every entry of the object again, and
#: all but the writer's own are as the last write left them; the writer's own is remembered as it
#: is written (`encode_managed(fresh=)`). Oldest go first past the cap, which leaves room for an
#: entry per node's Lease in a 5,000-node cluster.
_ENTRIES: dict[bytes, tuple[str, Owned, str | None]] = {}
_ENTRIES_MAX = 16384


def decode_managed(entries: Any) -> Managed:
    """DecodeManagedFields; ValueError with Kubernetes' message on a malformed entry."""
    out = Managed()
    if entries is None:
        return out
    if not isinstance(entries, list):
        raise ValueError("managedFields must be a list")
    for i, e in enumerate(entries):
        raw = json_key(e) if isinstance(e, dict) else None
        hit = _ENTRIES.get(raw) if raw is not None else None
        if hit is None:
            hit = _decode_entry(i, e)
            if raw is not None:
                put_bounded(_ENTRIES, raw, hit, _ENTRIES_MAX)
        ident, owned, t = hit
        out.fields[ident] = owned
        out.times[ident] = t
    return out


def _decode_entry(i: int, e: Any) -> tuple[str, Owned, str | None]:
    """Entry `i`: its identity, field set and time (a pure function of the entry)."""
    if not isinstance(e, dict):
        raise ValueError(f"managed fields entry {i} must be an object")
    op = e.get("operation")
    if op not in (APPLY, UPDATE):
        raise ValueError("operation must be `Apply` or `Update`")
    if not e.get("apiVersion"):
        raise ValueError("apiVersion must not be empty")
    ftype = e.get("fieldsType") or ""
    if ftype == "":
        raise ValueError(f"missing fieldsType in managed fields entry {i}")
    if ftype != "FieldsV1":
        raise ValueError(f'invalid fieldsType "{ftype}" in managed fields entry {i}')
    ident = identity(e.get("manager") or "", op, e["apiVersion"], e.get("subresource") or "")
    try:
        fs = decode_fields(e.get("fieldsV1") or {})
    except ValueError as err:
        raise ValueError(f"error decoding versioned set: error decoding set: {err}") from None
    return ident, Owned(fs, e["apiVersion"], op == APPLY), e.get("time")


@lru_cache(maxsize=4096)
def _seconds(t: str | None) -> int:
    if not t:
        return 0
    return int(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp())


def encode_managed(managed: Managed, fresh: str | None = None) -> list[dict[str, Any]] | None:
    """encodeManagedFields: entries in Kubernetes' order; None when nothing is managed. The
    entries share their fieldsV1 with every other entry of the same set (never change them).
    `fresh`: the identity this write stamped, whose entry the next write reads back."""
    if not managed.fields:
        return None
    out: list[dict[str, Any]] = []
    for ident, owned in managed.fields.items():
        who = describe(ident)
        e: dict[str, Any] = {}
        if who.get("manager"):
            e["manager"] = who["manager"]
        e["operation"] = APPLY if owned.applied else who.get("operation", UPDATE)
        e["apiVersion"] = owned.api_version
        t = managed.times.get(ident)
        if t:
            e["time"] = t
        e["fieldsType"] = "FieldsV1"
        e["fieldsV1"] = shared_fields(owned.fields)
        if who.get("subresource"):
            e["subresource"] = who["subresource"]
        out.append(e)
        if ident == fresh and _round_trips(ident, owned, t, who) and (raw := json_key(e)) is not None:
            put_bounded(_ENTRIES, raw, (ident, owned, t), _ENTRIES_MAX)
    out.sort(
        key=lambda e: (
            e["operation"],
            _seconds(e.get("time")),
            e.get("manager", ""),
            e["apiVersion"],
            e.get("subresource", ""),
        )
    )
    return out


def _round_trips(ident: str, owned: Owned, t: str | None, who: dict[str, str]) -> bool:
    """Whether decoding the entry written for `ident` gives back (ident, owned, t) exactly: its
    operation and version say what the identity says, a time is written, and no member is the
    root (which FieldsV1 cannot spell)."""
    op = who.get("operation")
    return (
        bool(t)
        and owned.applied == (op == APPLY)
        and (op == APPLY or who.get("apiVersion") == owned.api_version)
        and () not in owned.fields
    )


def cap_update_managers(managed: Managed, limit: int = MAX_UPDATE_MANAGERS) -> Managed:
    """capManagersManager: fold the oldest update entries into "ancient-changes" per version."""
    updaters = [m for m, o in managed.fields.items() if not o.applied]
    if len(updaters) <= limit:
        return managed
    updaters.sort(key=lambda m: (_seconds(managed.times.get(m)), m))
    first_per_version: set[str] = set()
    length = len(updaters)
    for m in updaters:
        if length <= limit:
            break
        owned, t = managed.fields[m], managed.times.get(m)
        bucket = identity(ANCIENT_CHANGES, UPDATE, owned.api_version)
        prev = managed.fields.get(bucket)
        fs = owned.fields | prev.fields if prev is not None else owned.fields
        del managed.fields[m]
        managed.times.pop(m, None)
        managed.fields[bucket] = Owned(fs, owned.api_version, owned.applied)
        managed.times[bucket] = t
        length -= 1
        if owned.api_version not in first_per_version:
            first_per_version.add(owned.api_version)
            length += 1
    return managed
