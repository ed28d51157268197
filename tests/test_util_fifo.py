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
