"""A JSON value's bytes as an exact memo key: equal keys mean equal values, type and key order
included, so a pure function of the value may be answered from what it returned for the key."""

from __future__ import annotations

import math
from typing import Any

import orjson

#: what orjson would otherwise write as a plain JSON value: a datetime (an explicit YAML
#: !!timestamp) as its string, a str or int subclass or a dataclass as what it holds
_EXACT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS


def json_key(value: Any) -> bytes | None:
    """orjson's bytes for `value`, or None when they would not tell it apart from another value:
    integers beyond 64 bits (orjson refuses them), NaN or infinities (written as null), and
    datetimes, subclasses and dataclasses (written as the JSON value they resemble)."""
    try:
        raw = orjson.dumps(value, option=_EXACT)
    except TypeError:
        return None
    if b"null" in raw and _non_finite(value):
        return None
    return raw


def _non_finite(v: Any) -> bool:
    """Whether a float inside `v` is NaN or infinite: a loop, not a call per leaf, since every pod
    (a null lastProbeTime) and every Event (a null eventTime) comes this way."""
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        items: Any = v.values()
    elif isinstance(v, list):
        items = v
    else:
        return False
    for x in items:
        t = type(x)
        if t is str or t is int or t is bool or x is None:
            continue
        if t is float:
            if not math.isfinite(x):
                return True
        elif _non_finite(x):
            return True
    return False
