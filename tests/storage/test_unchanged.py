"""The no-op check of guaranteed_update: decoding skipped where the first difference decides, the
answer always that of comparing the decoded objects."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubepy.storage.base import (
    _differ_at_first_difference,
    _first_difference,
    _in_string,
    _unchanged,
)


def decoded_equal(a: bytes, b: bytes) -> bool:
    return orjson.loads(a) == orjson.loads(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # equal as objects, not as bytes: key order, 1 and 1.0, true and 1, false and 0, -0.0
        (b'{"a":1,"b":"x"}', b'{"b":"x","a":1}'),
        (b'{"a":[1,2]}', b'{"a":[1.0,2]}'),
        (b'{"a":true}', b'{"a":1}'),
        (b'{"a":[false]}', b'{"a":[0]}'),
        (b'{"a":-0.0}', b'{"a":0}'),
        (b'{"a":"\\u00e9"}', '{"a":"\u00e9"}'.encode()),
        (b'{"k":{"x":"1","y":"2"}}', b'{"k":{"y":"2","x":"1"}}'),
        (b'{"a":"x","b":[null]}', b'{"a": "x", "b": [ null ]}'),
        # different
        (b'{"a":"x"}', b'{"a":"y"}'),
        (b'{"a":"xy"}', b'{"a":"x"}'),
        (b'{"a":["x","y"]}', b'{"a":["x"]}'),
        (b'{"a":{"b":1}}', b'{"a":{"b":1,"c":2}}'),
        (b'{"a":{}}', b'{"a":{"b":1}}'),
        (b'{"a":[]}', b'{"a":[1]}'),
        (b'{"a":null}', b'{"a":0}'),
        (b'{"a":"1"}', b'{"a":1}'),
        (b'{"a":true}', b'{"a":false}'),
        (b'{"a":1}', b'{"a":2}'),
        (b'{"a":1}', b'{"b":1}'),
        (b'{"a":"x\\"y"}', b'{"a":"x\\"z"}'),
        ('{"a":"\u00e9"}'.encode(), '{"a":"\u00e8"}'.encode()),
    ],
)
def test_same_answer_as_decoding(a: bytes, b: bytes) -> None:
    assert _unchanged(a, b) is decoded_equal(a, b)
    assert _unchanged(b, a) is decoded_equal(a, b)


def test_decided_without_decoding_where_certain() -> None:
    # a changed string value, a list grown by one entry: the first difference tells
    assert _differ_at_first_difference(b'{"s":{"phase":"Pending"}}', b'{"s":{"phase":"Running"}}')
    assert _differ_at_first_difference(b'{"m":[{"a":1}],"z":2}', b'{"m":[{"a":1},{"b":2}],"z":2}')
    # also behind escaped quotes and backslashes (managedFields' list keys come first in a pod)
    escaped = b'{"m":{"k:{\\"ip\\":\\"1\\"}":{}},"t":"a\\\\","s":'
    assert _differ_at_first_difference(escaped + b'"Pending"}', escaped + b'"Running"}')
    assert _differ_at_first_difference(escaped + b'["x"]}', escaped + b'["x","y"]}')
    # a different key, a number spelled otherwise, inside an escape: left to the decoded comparison
    assert not _differ_at_first_difference(b'{"a":1,"b":2}', b'{"b":2,"a":1}')
    assert not _differ_at_first_difference(b'{"a":1}', b'{"a":1.0}')
    assert not _differ_at_first_difference(b'{"a":"\\u00e9"}', b'{"a":"\\u00e8"}')
    assert not _differ_at_first_difference(b'{"a":"x\\n"}', b'{"a":"x\\t"}')


def test_in_string() -> None:
    assert _in_string(b'{"a') is True
    assert _in_string(b'{"a":') is False
    assert _in_string(b'{"a\\"') is True  # an escaped quote
    assert _in_string(b'{"a\\\\"') is False  # an escaped backslash, then the closing quote
    assert _in_string(b'{"a\\') is None
    assert _in_string(b'{"a\\u00') is None
    assert _in_string(b'{"a\\u00e9') is True


def test_first_difference() -> None:
    assert _first_difference(b"abcd", b"abxd") == 2
    assert _first_difference(b"abc", b"abcd") == 3
    assert _first_difference(b"", b"a") == 0
    assert _first_difference(b"x", b"y") == 0


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.0, -0.0, 1.0, 2.5])
    | st.text(alphabet='ab"\\\u00e9\n\x01', max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet='ab"\\', max_size=2), inner, max_size=3)
    ),
    max_leaves=8,
)


def _respell(v: object, flip: int) -> object:
    """An equal value spelled otherwise: ints as floats, bools as ints, dict keys reversed."""
    if isinstance(v, bool):
        return int(v) if flip % 2 else v
    if isinstance(v, int):
        return float(v) if flip % 3 == 0 else v
    if isinstance(v, list):
        return [_respell(x, flip + i) for i, x in enumerate(v)]
    if isinstance(v, dict):
        items = [(k, _respell(x, flip + i)) for i, (k, x) in enumerate(v.items())]
        return dict(reversed(items) if flip % 2 else items)
    return v


@given(json_values, json_values, st.integers(0, 5))
def test_property_same_answer_as_decoding(x: object, y: object, flip: int) -> None:
    for a, b in (
        (orjson.dumps(x), orjson.dumps(y)),
        (orjson.dumps(x), orjson.dumps(_respell(x, flip))),
        (orjson.dumps({"m": x, "z": 1}), orjson.dumps({"m": y, "z": 1})),
        (orjson.dumps([x, y]), orjson.dumps([_respell(x, flip), y])),
        # whitespace between tokens (not what orjson writes, but JSON all the same)
        (json.dumps(x).encode(), orjson.dumps(x)),
        (json.dumps({"m": x, "z": 1}).encode(), orjson.dumps({"m": y, "z": 1})),
        (json.dumps([x, y], indent=1).encode(), orjson.dumps([_respell(x, flip), y])),
    ):
        assert _unchanged(a, b) is decoded_equal(a, b)
        assert _unchanged(b, a) is decoded_equal(a, b)
