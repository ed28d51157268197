"""What a caller needs of an answer, read from its first bytes instead of decoding it whole.

A replication manager creating a pod needs only the generated name of the pod it got back (for
its SuccessfulCreate event); decoding the whole answer (a pod of ~30 containers, its
managedFields included) costs more than the rest of the controller's work for that pod. The
apiserver writes every object kind, apiVersion, then metadata, name first (Go field order), so the
name is in plain sight at the head. Anything else - another order, an escape in the name - is
left to the full decode: the answer is the same either way.
"""

from __future__ import annotations

import orjson


def head_name(raw: bytes, kind: str, api_version: str) -> str | None:
    """metadata.name of the JSON object `raw` when it begins exactly
    `{"kind":<kind>,"apiVersion":<api_version>,"metadata":{"name":"…"` with no escape in the
    name; None otherwise (decode it then)."""
    head = b'{"kind":"%s","apiVersion":"%s","metadata":{"name":"' % (kind.encode(), api_version.encode())
    if not raw.startswith(head):
        return None
    end = raw.find(b'"', len(head))
    if end < 0:
        return None
    name = raw[len(head) : end]
    if b"\\" in name:
        return None
    try:
        return name.decode()
    except UnicodeDecodeError:
        return None


def name_of(raw: bytes, kind: str, api_version: str) -> str:
    """metadata.name of the object `raw`: from its head when plain, else from a full decode."""
    name = head_name(raw, kind, api_version)
    if name is not None:
        return name
    obj = orjson.loads(raw)
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    name = meta.get("name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) else ""
