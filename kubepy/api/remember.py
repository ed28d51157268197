"""Remembering what an in-place filler did to a JSON value: a pod's every status write, relabel
and binding carries the spec it was created with, so defaulting it again changes nothing, and the
pods of one template share theirs; the work is done once per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from kubepy.api.jsonkey import json_key
from kubepy.util.fifo import put_bounded

Filler = Callable[[dict[str, Any]], None]


def remember_in_place(fill: Filler, size: int = 4096) -> Filler:
    """`fill(value)`, answered for a value it saw before from what it made of it then.

    `fill` must change nothing but `value` and depend on nothing else. The key is the value's
    JSON (type and key order included, so equal keys mean equal values); a remembered result is
    written into the same dict, as fresh containers, in the order `fill` left. A value that
    `fill` left as it was costs one encoding. Oldest entries go first past `size`."""
    seen: dict[bytes, bytes | None] = {}  # None: fill changed nothing

    def run(value: dict[str, Any]) -> None:
        raw = json_key(value)
        if raw is None:
            fill(value)
            return
        if raw in seen:
            out = seen[raw]
            if out is not None:
                fresh = orjson.loads(out)
                value.clear()
                value.update(fresh)
            return
        fill(value)
        out = json_key(value)
        if out is None:
            return
        put_bounded(seen, raw, None if out == raw else out, size)

    return run
