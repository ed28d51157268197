"""Go renderings used in error messages: %q, %#v of []string, field.Invalid, aggregates."""

from __future__ import annotations

import pytest

from kubepy._fast import gofmt


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("abc", '"abc"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("\n\t\r\a\b\f\v", '"\\n\\t\\r\\a\\b\\f\\v"'),
        ("\x00\x7f", '"\\x00\\x7f"'),
        ("é日本", '"é日本"'),
        ("\u200b", '"\\u200b"'),
        ("\U000e0001", '"\\U000e0001"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert gofmt.go_quote(text) == quoted


@pytest.mark.parametrize(
    ("values", "rendered"),
    [
        (None, "[]string(nil)"),
        ([], "[]string{}"),
        (["a"], '[]string{"a"}'),
        (["a", 'b"'], '[]string{"a", "b\\""}'),
    ],
)
def test_go_string_slice(values: list[str] | None, rendered: str) -> None:
    assert gofmt.go_string_slice(values) == rendered


def test_field_invalid_and_aggregate() -> None:
    e = gofmt.field_invalid("key", gofmt.go_quote("a:"), "bad")
    assert e == 'key: Invalid value: "a:": bad'
    assert gofmt.aggregate([e]) == e
    assert gofmt.aggregate([e, "x", e]) == f"[{e}, x]"
