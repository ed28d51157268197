"""Bounded memos: a dict that forgets its oldest entry once full (insertion order is age)."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def put_bounded(memo: dict[K, V], key: K, value: V, limit: int) -> None:
    """`memo[key] = value`, dropping the oldest entry first when `memo` already holds `limit`."""
    if len(memo) >= limit:
        del memo[next(iter(memo))]
    memo[key] = value
