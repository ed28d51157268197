"""Table columns many kinds share (NAME, AGE) and the cell formatting helpers of printers.go."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from kubepy.api.resource import Column, Obj
from kubepy.util.duration import age

NAME_DOC = "Name must be unique within a namespace; see metadata.name."
AGE_DOC = "Time since the object was created; see metadata.creationTimestamp."

NAME = Column("Name", "string", lambda o, now: o.get("metadata", {}).get("name", ""), NAME_DOC, "name")
AGE = Column(
    "Age", "string", lambda o, now: age(o.get("metadata", {}).get("creationTimestamp"), now), AGE_DOC
)


def since(timestamp: str | None, now: datetime) -> str:
    """translateTimestampSince: "<unknown>" for a missing time."""
    return age(timestamp, now)


def format_labels(labels: dict[str, Any] | None) -> str:
    """labels.FormatLabels: sorted k=v pairs, "<none>" when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def list_with_more(items: Iterable[str], limit: int = 3, unset: str = "<unset>") -> str:
    """listWithMoreString: the first `limit` items and "+ N more..."."""
    items = list(items)
    shown = ",".join(items[:limit])
    if len(items) > limit:
        return f"{shown} + {len(items) - limit} more..."
    return shown or unset


def get(obj: Obj, *path: str, default: Any = None) -> Any:
    """Nested lookup tolerant of missing or null levels."""
    cur: Any = obj
    for p in path:
        if not isinstance(cur, dict):
            return default
        cur = cur.get(p)
        if cur is None:
            return default
    return cur


def ensure(obj: Obj, key: str) -> dict[str, Any]:
    """obj[key] as a dict, created (or replaced when null) if needed."""
    value = obj.get(key)
    if not isinstance(value, dict):
        value = obj[key] = {}
    return value
