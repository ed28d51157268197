"""A JSON value's bytes as an exact memo key: equal keys mean equal values, type and key order
included, so a pure function of the value may be answered from what it returned for the key."""

from __future__ import annotations

import math
from typing import Any

import orjson


def json_key(value: Any) -> bytes | None:
    """orjson's bytes for `value`, or None when they would not tell it apart from another value:
    integers beyond 64 bits (orjson refuses them) and NaN or infinities (written as null)."""
    try:
        raw = orjson.dumps(value)
    except TypeError:
        return None
    if b"null" in raw and _non_finite(value):
        return None
    return raw


def _non_finite(v: Any) -> bool:
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(_non_finite(x) for x in v.values())
    if isinstance(v, list):
        return any(_non_finite(x) for x in v)
    return False
