"""Bounded memos: a dict that forgets its oldest entries once full (insertion order is age)."""

from __future__ import annotations

from itertools import islice
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

#: A full memo forgets this share of its limit at once (at least one entry). Finding a dict's
#: oldest key walks past every slot its earlier deletions emptied (CPython compacts a dict only
#: when it grows): one entry at a time, a full memo of 4,096 paid ~8 us per put, one of 65,536
#: ~100 us. In batches the walk is shared by the whole batch.
EVICT_SHIFT = 6


def put_bounded(memo: dict[K, V], key: K, value: V, limit: int) -> None:
    """`memo[key] = value`; when `memo` already holds `limit` entries, its oldest 1/64 of
    `limit` (at least one) are dropped first."""
    if len(memo) >= limit:
        for old in list(islice(memo, max(1, limit >> EVICT_SHIFT))):
            del memo[old]
    memo[key] = value
