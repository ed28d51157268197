"""Payoff (api/remember.py): a JSON-keyed memo that stops looking values up while they keep
being new, and the decode memos that use it answer the same either way."""

from __future__ import annotations

import orjson

from kubepy.api import decode
from kubepy.api.remember import Payoff


def test_payoff_skips_after_a_probe_of_misses_then_measures_again() -> None:
    p = Payoff(probe=4, ratio=2, skip=3)
    for _ in range(4):
        assert not p.skipping()
        p.note(False)
    assert [p.skipping() for _ in range(4)] == [True, True, True, False]
    # measured again: one hit in four is below one in two, two in four is not
    for hit in (True, False, False, False):
        p.note(hit)
    assert p.skipping()
    for _ in range(2):
        p.skipping()
    assert not p.skipping()
    for hit in (True, True, False, False):
        p.note(hit)
    assert not p.skipping()


def test_a_memo_that_hits_never_skips() -> None:
    p = Payoff(probe=8, ratio=16, skip=100)
    p.note(False)
    for _ in range(1000):
        p.note(True)
        assert not p.skipping()


def _counting_orderer() -> tuple[list[int], object, object]:
    calls = [0]

    def order(value: dict) -> dict:
        calls[0] += 1
        return dict(sorted(value.items()))

    run, run_to_encode, _ = decode._remembered(order)
    return calls, run, run_to_encode


def test_remembered_order_passes_by_new_values_and_resumes() -> None:
    calls, run, run_to_encode = _counting_orderer()
    probe, skip = Payoff().probe, Payoff().skip
    for i in range(probe):  # every value new: nothing pays
        assert run({"b": i, "a": 1}) == {"a": 1, "b": i}
    assert calls[0] == probe
    # passed by: even a value seen before is ordered afresh, with the same answer
    assert run({"b": 0, "a": 1}) == {"a": 1, "b": 0}
    assert calls[0] == probe + 1
    for _ in range(skip - 1):
        run({"b": 0, "a": 1})
    assert calls[0] == probe + skip
    # measured again: the remembered value is answered without ordering
    out = run({"b": 0, "a": 1})
    assert out == {"a": 1, "b": 0} and calls[0] == probe + skip
    # the encoding twin keeps its own count: it still looks values up, and gives the same bytes
    before = calls[0]
    assert orjson.dumps(run_to_encode({"b": 0, "a": 1})) == b'{"a":1,"b":0}'
    assert calls[0] == before


def test_remembered_check_passes_by_new_values_with_the_same_answers() -> None:
    calls = [0]

    def check(value: dict) -> dict:
        calls[0] += 1
        return {k: v for k, v in value.items() if k != "drop"}

    run = decode._remembered_check(check)
    probe, skip = Payoff().probe, Payoff().skip
    for i in range(probe):
        assert run({"a": i, "drop": 1}) == {"a": i}
    assert calls[0] == probe
    for _ in range(skip):
        assert run({"a": 0, "drop": 1}) == {"a": 0}
    assert calls[0] == probe + skip
    assert run({"a": 0, "drop": 1}) == {"a": 0}
    assert calls[0] == probe + skip  # looked up again, and remembered from before
