"""json_key: bytes that key a JSON value exactly, or None."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kubepy.api.jsonkey import json_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"x": 1}, {"x": True}),
        ({"x": 1}, {"x": 1.0}),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # key order is part of the key
        ({"x": None}, {"x": "null"}),
    ],
)
def test_different_values_have_different_keys(a: dict, b: dict) -> None:
    assert json_key(a) != json_key(b)


def test_equal_values_share_a_key() -> None:
    assert json_key({"a": [1, {"b": None}]}) == json_key({"a": [1, {"b": None}]}) is not None


@pytest.mark.parametrize(
    "value", [{"x": float("nan")}, {"x": [None, float("inf")]}, {"x": -float("inf"), "y": None}, {"x": 2**70}]
)
def test_values_orjson_cannot_write_faithfully_have_none(value: dict) -> None:
    assert json_key(value) is None


class _Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"at": datetime(2001, 12, 14, tzinfo=UTC)},  # an explicit YAML !!timestamp
        {"x": [_Text("a")]},
    ],
)
def test_values_orjson_would_write_as_another_json_value_have_none(value: dict) -> None:
    """A datetime would be written as its string, a str subclass as the string it holds: the same
    key as a body with that string, which decoding answers differently."""
    assert json_key(value) is None
