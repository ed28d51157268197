"""Listing at an older revision by rolling the log back, and paging: pure functions over iterators.

A list at revision R is the current key/values with every key changed after R replaced by its
state at R: the `prev_value` of the first event after R touching it (absent if that event was its
creation). Only keys changed after R need the log; everything else is read straight from the
current data, so paging through a large list at a fixed revision stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from kubepy.storage.interface import Record
from kubepy.storage.ops import LogEntry

T = TypeVar("T")


def range_start(prefix: str, start_key: str) -> str:
    """The first key a list may return: `start_key` is inclusive and never before `prefix`."""
    return max(prefix, start_key)


def state_before(entries: Iterable[LogEntry], prefix: str, start: str) -> dict[str, Record | None]:
    """For keys in range changed by `entries` (ascending, all after the wanted revision): their
    record at that revision, or None if they did not exist then."""
    states: dict[str, Record | None] = {}
    for entry in entries:
        ev = entry.event
        key = ev.key
        if key in states or key < start or not key.startswith(prefix):
            continue
        if ev.type == "ADDED" or ev.prev_value is None:
            states[key] = None
        else:
            states[key] = Record(key, ev.prev_value, entry.prev_revision)
    return states


def merge(
    current: Iterable[tuple[str, T]], states: dict[str, Record | None]
) -> Iterator[tuple[str, T | Record]]:
    """`current` (sorted by key) with `states` taking precedence; None states are absent."""
    extra = sorted(((k, r) for k, r in states.items() if r is not None), key=lambda kr: kr[0])
    i = 0
    for key, item in current:
        while i < len(extra) and extra[i][0] < key:
            yield extra[i]
            i += 1
        if key not in states:
            yield key, item
    yield from extra[i:]


def paginate(items: Iterator[tuple[str, T]], limit: int) -> tuple[list[tuple[str, T]], int]:
    """The first `limit` items (all when 0) and how many follow them."""
    if limit < 0:
        raise ValueError(f"limit must not be negative: {limit}")
    if not limit:
        return list(items), 0
    page = list(islice(items, limit))
    return page, sum(1 for _ in items)
