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


class Payoff:
    """Whether a memo keyed by JSON still pays for the encoding its lookups cost. Some values are
    new in nearly every write (a pod's status, a Lease's spec, a node's heartbeat), and a memo of
    them encodes each twice for nothing. After `probe` lookups with fewer than one hit in `ratio`,
    the memo is passed by (`skipping()`) for the next `skip` values, then measured again. Only
    the speed depends on it: a memo answers what the work it saves would."""

    __slots__ = ("hits", "lookups", "probe", "ratio", "skip", "skipped")

    def __init__(self, probe: int = 256, ratio: int = 16, skip: int = 4096) -> None:
        self.probe, self.ratio, self.skip = probe, ratio, skip
        self.hits = self.lookups = self.skipped = 0

    def skipping(self) -> bool:
        """Whether to pass the memo by for this value (counts the value as passed by)."""
        if self.skipped:
            self.skipped -= 1
            return True
        return False

    def note(self, hit: bool) -> None:
        """One lookup's outcome."""
        self.lookups += 1
        self.hits += hit
        if self.lookups >= self.probe:
            if self.hits * self.ratio < self.lookups:
                self.skipped = self.skip
            self.hits = self.lookups = 0
