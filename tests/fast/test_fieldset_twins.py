"""The managedFields walks (kubepy._fast.fieldset): the compiled module and its pure-Python twin
give the comparison of the filled Go views, the closed form of a create, and FieldsV1 objects
byte for byte alike, on random objects of real schemas (tests/apply/test_fast_paths.py's)."""

from __future__ import annotations

import copy
import importlib
from types import ModuleType

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kubepy.api.jsonkey import json_key
from kubepy.apiserver.apply import manager as mgr
from kubepy.apiserver.apply.compare import compare, info_of, with_zero_structs
from kubepy.apiserver.apply.created import created_fields
from kubepy.apiserver.apply.fieldpath import _subtree, pe_order, to_trie
from kubepy.apiserver.apply.typed import node_of
from tests.apply.test_fast_paths import _SHAPE_VALUES, POD, RES, case, nested_update_case, update_case
from tests.fast.conftest import compiled

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(params=["py", "c"])
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The walk module under test: each test runs once per twin."""
    if request.param == "py":
        return importlib.import_module("kubepy._fast.fieldset_py")
    mod = compiled("fieldset_c")
    if mod is None:
        pytest.skip("kubepy._fast.fieldset_c is not built (built with KUBEPY_NO_EXTENSIONS=1, or not built)")
    return mod


def _views(impl: ModuleType, lhs: dict, rhs: dict, kind: str) -> tuple[frozenset, frozenset, frozenset]:
    node = node_of(RES[kind].schema)
    a, m, r = impl.compare_views(lhs, rhs, info_of(node, impl))
    return frozenset(a), frozenset(m), frozenset(r)


def _filled(lhs: dict, rhs: dict, kind: str) -> tuple[frozenset, frozenset, frozenset]:
    node = node_of(RES[kind].schema)
    cmp = compare(with_zero_structs(lhs, node), with_zero_structs(rhs, node), node)
    return cmp.added, cmp.modified, cmp.removed


@SETTINGS
@given(c=nested_update_case())
@example(c=("Pod", {"spec": {"x": {"a": True}}}, {"spec": {"x": {"a": 1}}}))
@example(c=("Pod", POD, {**POD, "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}]}}))
@example(
    c=("Service", {"spec": {"ports": [{"port": 80}]}}, {"spec": {"ports": [{"port": 80}, {"port": 80}]}})
)
def test_compare_views_is_the_comparison_of_the_filled_views(impl: ModuleType, c: tuple) -> None:
    kind, old, new = c
    before = copy.deepcopy((old, new))
    for lhs, rhs in ((old, new), (new, old), ({}, new), (old, {})):
        assert _views(impl, lhs, rhs, kind) == _filled(lhs, rhs, kind)
    assert (old, new) == before  # nothing is filled in place


@SETTINGS
@given(c=update_case())
def test_compare_views_on_unrelated_objects(impl: ModuleType, c: tuple) -> None:
    kind, old, new, _ = c
    assert _views(impl, old, new, kind) == _filled(old, new, kind)


@SETTINGS
@given(c=case())
def test_created_fields_is_what_a_comparison_from_nothing_adds(impl: ModuleType, c: tuple) -> None:
    """Under the reset trie, as created.py asks: added and modified paths outside it."""
    kind, obj, reset = c
    node = node_of(RES[kind].schema)
    got = frozenset(impl.created_fields(obj, info_of(node, impl), to_trie(reset) if reset else None))
    a, m, _ = _filled({}, obj, kind)
    want = {p for p in a | m if not any(p[: len(q)] == q for q in reset)}
    assert got == want


def _reference_fields(fs: frozenset) -> dict:
    """FieldsV1 restated from Set.Iterate's order: members marked "." (never at the root), every
    level sorted by PathElement order."""
    out: dict = {}
    for path in sorted(fs, key=lambda p: [pe_order(pe) for pe in p]):
        node = out
        for pe in path:
            node = node.setdefault(pe, {})
    for path in fs:
        node = out
        for pe in path:
            node = node[pe]
        if node and path:
            node["."] = {}
    return _sorted(out)


def _sorted(node: dict) -> dict:
    out = {".": {}} if "." in node else {}
    for pe in sorted((k for k in node if k != "."), key=pe_order):
        out[pe] = _sorted(node[pe])
    return out


@SETTINGS
@given(c=case())
def test_fields_v1_bytes_are_the_same_from_both_twins(impl: ModuleType, c: tuple) -> None:
    kind, obj, reset = c
    fs = created_fields(obj, node_of(RES[kind].schema), reset)  # any set a write can own
    want = orjson.dumps(_reference_fields(fs))
    whole = impl.emit(impl.trie_of(fs, 0), pe_order, True)
    grouped = impl.encode_grouped(fs, _subtree, pe_order)
    assert orjson.dumps(whole) == want
    assert orjson.dumps(grouped) == want


def test_list_keys_remembered_per_list_name_the_same_items(impl: ModuleType) -> None:
    """An associative list keyed by one field remembers each key's path element: the second walk
    over the same and over new keys gives the sets of the first and of the long way."""
    kind = "Pod"
    old = {"status": {"podIPs": [{"ip": "10.0.0.1"}], "conditions": [{"type": "Ready", "status": "False"}]}}
    for ip, status in (("10.0.0.2", "True"), ("10.0.0.2", "True"), ("10.0.0.3", "False")):
        new = {"status": {"podIPs": [{"ip": ip}], "conditions": [{"type": "Ready", "status": status}]}}
        assert _views(impl, old, new, kind) == _filled(old, new, kind)
    # an integer key and the string of its digits name different items
    a = {"spec": {"containers": [{"name": "7", "image": "a"}]}}
    b = {"spec": {"containers": [{"name": 7, "image": "a"}]}}
    assert _views(impl, a, b, kind) == _filled(a, b, kind)
    assert _views(impl, b, a, kind) == _filled(b, a, kind)


def test_field_pes_are_shared_by_the_walks(impl: ModuleType) -> None:
    node = node_of(RES["Pod"].schema)
    a, m, _ = impl.compare_views(
        {"status": {"phase": "A"}}, {"status": {"phase": "B", "podIP": "x"}}, info_of(node, impl)
    )
    for path in a | m:
        for pe in path:
            assert pe is impl.FIELD_PES[pe[2:]]


class _Sub(dict):
    pass


@SETTINGS
@given(
    obj=st.dictionaries(st.sampled_from("abm"), _SHAPE_VALUES, max_size=3),
    drop=st.sampled_from([frozenset(), frozenset("m")]),
)
@example(obj={"a": {"b": [1, 2**70]}}, drop=frozenset())  # a list without exact JSON: no key
@example(obj={"a": _Sub(b=1)}, drop=frozenset())  # a dict subclass: no key
@example(obj={"m": _Sub(b=1), "a": [1]}, drop=frozenset("m"))  # ... unless left out
def test_shape_keys_are_the_same_from_both_twins(impl: ModuleType, obj: dict, drop: frozenset) -> None:
    """The create's shape key (the key of its field set's memo): both twins give the pure-Python
    twin's, the one test_shape_key_tells_skeletons_apart_exactly checks against the skeletons."""
    py = importlib.import_module("kubepy._fast.fieldset_py")
    want = py.shape_key(obj, drop, json_key)
    assert impl.shape_key(obj, drop, json_key) == want
    if want is not None:
        assert impl.shape_key(obj, drop, json_key) == mgr.shape_key(obj, drop)
