"""put_bounded: a memo keeps at most `limit` entries, forgetting the oldest first."""

from __future__ import annotations

from kubepy.util.fifo import put_bounded


def test_the_oldest_entry_goes_first_once_full() -> None:
    memo: dict[str, int] = {}
    for i, k in enumerate("abc"):
        put_bounded(memo, k, i, 3)
    assert memo == {"a": 0, "b": 1, "c": 2}
    put_bounded(memo, "d", 3, 3)
    assert list(memo.items()) == [("b", 1), ("c", 2), ("d", 3)]
    put_bounded(memo, "e", 4, 1)  # a smaller limit drops one per put
    assert list(memo) == ["c", "d", "e"]


def test_a_large_memo_forgets_its_oldest_in_batches_and_keeps_the_newest() -> None:
    limit = 1024  # batches of limit // 64 = 16
    memo = {i: i for i in range(limit)}
    put_bounded(memo, "new", -1, limit)
    assert len(memo) == limit - 16 + 1
    assert list(memo)[:2] == [16, 17] and list(memo)[-1] == "new"
    for i in range(5 * limit):  # well past a full turn: always the oldest go, never more than a batch
        put_bounded(memo, ("k", i), i, limit)
        assert limit - 16 < len(memo) <= limit
    assert list(memo.values()) == sorted(memo.values())  # insertion order kept: oldest first
    assert memo[("k", 5 * limit - 1)] == 5 * limit - 1


def test_putting_a_key_already_there_keeps_its_place() -> None:
    memo = {"a": 0, "b": 1}
    put_bounded(memo, "a", 2, 3)
    assert list(memo.items()) == [("a", 2), ("b", 1)]
