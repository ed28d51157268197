"""The decode struct walks (kubepy._fast.structwalk): the compiled module and its pure-Python twin
check (drop nulls, replace values, bail) and order (Go's field order, zero values omitted, shared
where in order) alike; the facade loads what was built and api/decode.py walks with it."""

from __future__ import annotations

import copy
import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kubepy._fast as fast
from kubepy._fast import structwalk
from kubepy.api import decode
from tests.fast.conftest import compiled


@pytest.fixture(params=["py", "c"])
def impl(request: pytest.FixtureRequest) -> ModuleType:
    if request.param == "py":
        return importlib.import_module("kubepy._fast.structwalk_py")
    mod = compiled("structwalk_c")
    if mod is None:
        pytest.skip(
            "kubepy._fast.structwalk_c is not built (built with KUBEPY_NO_EXTENSIONS=1, or not built)"
        )
    return mod


def _doubled(impl: ModuleType) -> Any:
    def double(v: Any) -> Any:
        if type(v) is not int:
            raise impl.Bail
        return v * 2

    return double


def _subs(impl: ModuleType) -> dict[str, Any]:
    """A struct "s" (string), "n" (unchecked), "d" (an int, replaced by its double), "x" (the same
    struct inside: it contains itself)."""
    subs: dict[str, Any] = {"s": impl.is_str, "n": None, "d": _doubled(impl)}
    subs["x"] = impl.StructCheck(subs)
    return subs


def test_a_clean_struct_is_checked_in_place(impl: ModuleType) -> None:
    check = impl.StructCheck(_subs(impl))
    obj = {"d": 2, "s": None, "n": [1, None], "x": {"s": "b", "n": None, "d": 5}}
    inner = obj["x"]
    out = check(obj)
    assert out is obj and obj["x"] is inner
    assert obj == {"d": 4, "n": [1, None], "x": {"s": "b", "d": 10}}
    assert list(obj) == ["d", "n", "x"]  # replaced values keep their place, nulls go


@pytest.mark.parametrize(
    "obj",
    [
        {"s": "a", "unknown": 1},
        {"s": 1},
        {"d": "2"},
        {"x": []},
        {"x": {"s": None, "y": 1}},
    ],
)
def test_what_only_the_full_walk_reports_bails(impl: ModuleType, obj: dict) -> None:
    with pytest.raises(impl.Bail):
        impl.StructCheck(_subs(impl))(obj)
    with pytest.raises(impl.Bail):
        impl.StructCheck({})([])


_KEYS = st.sampled_from(["s", "n", "d", "x", "z"])
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a"])),
    lambda inner: st.one_of(st.lists(inner, max_size=2), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=8,
)


def _outcome(mod: ModuleType, obj: Any) -> tuple[str, Any]:
    value = copy.deepcopy(obj)
    try:
        out = mod.StructCheck(_subs(mod))(value)
    except mod.Bail:
        return "bail", None
    assert out is value
    return "ok", (value, [list(v) for v in value.values() if type(v) is dict])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(obj=st.one_of(st.dictionaries(_KEYS, _VALUES, max_size=4), _VALUES))
def test_both_twins_check_alike(impl: ModuleType, obj: Any) -> None:
    py = importlib.import_module("kubepy._fast.structwalk_py")
    assert _outcome(impl, obj) == _outcome(py, obj)


def _order(mod: ModuleType, sharing: bool) -> Any:
    """A struct: "a" (a string, omitted when empty), "b" (a list, omitted when empty), "c" (never
    omitted), "s" (the same struct inside); "z" is not declared (it goes last)."""
    plan: dict[str, Any] = {}
    so = mod.StructOrder({"s": 0, "c": 1, "b": 2, "a": 3}, plan, sharing, 4)
    plan.update({"a": (2, None), "b": (1, None), "c": (0, None), "s": (0, so)})
    return so


_ORDER_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-1, 1), st.sampled_from(["", "x"]), st.just([])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.sampled_from("abcsz"), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(obj=st.dictionaries(st.sampled_from("abcsz"), _ORDER_VALUES, max_size=5), sharing=st.booleans())
def test_both_twins_order_alike(impl: ModuleType, obj: dict, sharing: bool) -> None:
    py = importlib.import_module("kubepy._fast.structwalk_py")
    before = orjson.dumps(obj)
    want = _order(py, False)(copy.deepcopy(obj))
    for _ in range(2):  # the second time from the remembered layout
        got = _order(impl, sharing)(obj)
        assert orjson.dumps(got) == orjson.dumps(want)
        assert [list(v) for v in got.values() if type(v) is dict] == [
            list(v) for v in want.values() if type(v) is dict
        ]
        assert orjson.dumps(obj) == before  # the value is left as it was
        if not sharing:
            assert got is not obj


def test_sharing_order_hands_back_a_value_in_order(impl: ModuleType) -> None:
    inner = {"s": {"c": 1}, "c": 2, "a": "x"}
    obj = {"s": inner, "c": 0, "b": [1]}
    assert _order(impl, True)(obj) is obj
    plain = _order(impl, False)(obj)
    assert plain == obj and plain is not obj and plain["s"] is not inner
    swapped = {"c": 0, "s": inner}
    got = _order(impl, True)(swapped)
    assert list(got) == ["s", "c"] and got["s"] is inner
    omitting = {"s": inner, "a": "", "b": [], "c": 0, "z": 1}
    assert _order(impl, True)(omitting) == {"s": inner, "c": 0, "z": 1}


def test_facade_loads_what_was_built() -> None:
    if fast.extensions_disabled():
        pytest.skip("KUBEPY_NO_EXTENSIONS=1 forces the pure-Python twins")
    expected = "c" if "structwalk_c" in fast.built_modules() else "py"
    assert structwalk.IMPLEMENTATION == expected
    assert structwalk.StructCheck.__module__ == f"kubepy._fast.structwalk_{expected}"


def test_decode_walks_with_the_loaded_twin() -> None:
    assert decode._Bail is structwalk.Bail and decode._is_str is structwalk.is_str
    assert isinstance(decode._struct_checker({}), structwalk.StructCheck)
    assert isinstance(decode._struct_orderer({}, {}), structwalk.StructOrder)


def test_no_extensions_forces_the_twin() -> None:
    env = {**os.environ, "KUBEPY_NO_EXTENSIONS": "1"}
    code = "from kubepy._fast import structwalk; print(structwalk.IMPLEMENTATION, structwalk.StructCheck.__module__)"
    root = Path(fast.__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["py", "kubepy._fast.structwalk_py"]
