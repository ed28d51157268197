"""Go's rendering of JSON values, which Kubernetes' patch error messages embed."""

from __future__ import annotations

from typing import Any

import pytest

from kubepy.apiserver.patch.golang import go_equal, go_float, go_fmt, go_quote, go_type


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (1.5, "1.5"),
        (-2.25, "-2.25"),
        (123456.0, "123456"),
        (1e6, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (1e21, "1e+21"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (1.5e-7, "1.5e-07"),
        (0.1, "0.1"),
        (-0.0, "-0"),
    ],
)
def test_floats_print_like_fmt_v(value: float, text: str) -> None:
    assert go_float(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": [1, "x"], "a": {"d": None, "c": True}}, "map[a:map[c:true d:<nil>] b:[1 x]]"),
        ([], "[]"),
        ({}, "map[]"),
        ("s", "s"),
        (2.0, "2"),
    ],
)
def test_values_print_like_fmt_v(value: Any, text: str) -> None:
    assert go_fmt(value) == text


def test_s_verb_flags_non_strings() -> None:
    assert go_fmt(7, "s") == "%!s(int64=7)"
    assert go_fmt(1.5, "s") == "%!s(float64=1.5)"
    assert go_fmt(True, "s") == "%!s(bool=true)"
    assert go_fmt(None, "s") == "%!s(<nil>)"
    assert go_fmt({"a": 1}, "s") == "map[a:%!s(int64=1)]"


def test_reflect_type_names() -> None:
    assert [go_type(v) for v in ({}, [], "", 1, 1.0, True, None)] == [
        "map[string]interface {}",
        "[]interface {}",
        "string",
        "int64",
        "float64",
        "bool",
        "%!s(<nil>)",
    ]


def test_interface_equality_keeps_dynamic_types_apart() -> None:
    assert go_equal(1, 1) and go_equal("a", "a") and go_equal(None, None)
    assert not go_equal(1, 1.0) and not go_equal(1, True) and not go_equal(0, False)


def test_quote() -> None:
    assert go_quote('a"b\\c\n') == '"a\\"b\\\\c\\n"'
