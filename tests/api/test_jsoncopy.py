"""json_copy: the orjson path gives exactly the Python walk's copy, and falls back to the walk for
every tree JSON cannot carry as it is."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from kubepy.api.jsoncopy import json_copy, walk_copy

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits too
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),  # not JSON: must be kept as a tuple
    ),
    max_leaves=25,
)


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down, NaN equal to NaN, dict key order included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def containers(v: Any) -> list[int]:
    out = []
    if isinstance(v, dict):
        out.append(id(v))
        for x in v.values():
            out += containers(x)
    elif isinstance(v, list):
        out.append(id(v))
        for x in v:
            out += containers(x)
    return out


@given(st.one_of(st.dictionaries(st.text(max_size=6), trees, max_size=5), st.lists(trees, max_size=5)))
def test_copy_is_the_walks_copy_and_shares_no_container(tree: Any) -> None:
    got = json_copy(tree)
    assert same(got, walk_copy(tree))
    assert same(got, tree)
    assert not set(containers(got)) & set(containers(tree))


def test_what_json_cannot_carry_is_kept() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    tree = {
        "nan": [math.nan],
        "inf": -math.inf,
        "big": 2**80,
        "t": (1, 2),
        "d": when,
        "x": {"y": [1.0, -0.0]},
    }
    got = json_copy(tree)
    assert same(got, tree) and got["d"] is when
    assert math.isnan(got["nan"][0]) and got["inf"] == -math.inf and got["big"] == 2**80
    got["x"]["y"].append(3)
    assert tree["x"]["y"] == [1.0, -0.0]


def test_scalars_come_back_as_they_are() -> None:
    for v in (None, 1, "s", 2.5, True):
        assert json_copy(v) is v


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
json_trees = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)


@given(json_trees)
def test_a_decoded_tree_is_copied_unchecked_as_the_checked_copy_would(tree: Any) -> None:
    decoded = orjson.loads(orjson.dumps(tree))  # what storage hands out
    out = json_copy(decoded, decoded=True)
    assert out == json_copy(decoded) == decoded
    assert orjson.dumps(out) == orjson.dumps(decoded)  # key order kept
    if isinstance(decoded, (dict, list)):
        assert out is not decoded
        _no_shared_containers(out, decoded)


def _no_shared_containers(a: Any, b: Any) -> None:
    if isinstance(a, dict):
        assert a is not b
        for k in a:
            _no_shared_containers(a[k], b[k])
    elif isinstance(a, list):
        assert a is not b
        for x, y in zip(a, b, strict=True):
            _no_shared_containers(x, y)
