"""canonical_order remembers how it ordered a kind's top-level structs: the answers are those of
ordering afresh, fresh objects every time, on random objects of real schemas."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubepy.api import decode
from kubepy.api.decode import canonical_order
from tests.apply.test_fast_paths import EVERY, RES, value_of


def _afresh(obj: dict, schema: Any) -> dict:
    """canonical_order without remembering anything."""
    out = decode._orderer(schema)(obj)
    head = {k: out[k] for k in ("kind", "apiVersion") if k in out}
    return {**head, **{k: v for k, v in out.items() if k not in head}}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(RES)), st.data())
def test_remembered_order_equals_ordering_afresh(kind: str, data: st.DataObject) -> None:
    schema = RES[kind].schema
    obj = data.draw(value_of(schema, 6))
    if not isinstance(obj, dict):
        obj = {}
    want = orjson.dumps(_afresh(copy.deepcopy(obj), schema))
    first = canonical_order(copy.deepcopy(obj), schema)
    second = canonical_order(copy.deepcopy(obj), schema)  # remembered by now
    assert orjson.dumps(first) == want == orjson.dumps(second)
    # for encoding only: remembered structs come as fragments of their JSON, same bytes out
    encoded = canonical_order(copy.deepcopy(obj), schema, to_encode=True)
    assert orjson.dumps(encoded) == want


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(RES)), st.data())
def test_order_to_encode_first_equals_ordering_afresh(kind: str, data: st.DataObject) -> None:
    """The encoding twin meeting a value first (it orders and remembers it), then the plain
    orderer meeting it remembered: both give the bytes of ordering afresh."""
    schema = RES[kind].schema
    obj = data.draw(value_of(schema, 6))
    if not isinstance(obj, dict):
        obj = {}
    want = orjson.dumps(_afresh(copy.deepcopy(obj), schema))
    assert orjson.dumps(canonical_order(copy.deepcopy(obj), schema, to_encode=True)) == want
    assert orjson.dumps(canonical_order(copy.deepcopy(obj), schema)) == want


def test_remembered_results_are_fresh_objects() -> None:
    schema = RES["Pod"].schema
    pod = {"spec": {"containers": [{"name": "c", "image": "i"}], "restartPolicy": "Always"}}
    first = canonical_order(copy.deepcopy(pod), schema)
    first["spec"]["containers"][0]["image"] = "changed"
    again = canonical_order(copy.deepcopy(pod), schema)
    assert again["spec"]["containers"][0]["image"] == "i"
    assert list(again["spec"]) == ["containers", "restartPolicy"]


def _reference(value: Any, t: Any) -> Any:
    """Go's encoder spelled out: fields in declaration order (unknown ones last), omitempty
    applied, map keys sorted, recursively; no layouts, no memo."""
    from kubepy.api.schema import ListOf, MapOf, Struct

    if isinstance(t, Struct) and isinstance(value, dict):
        index = {k: i for i, k in enumerate(t.fields)}
        out = {}
        for k in sorted(value, key=lambda k: index.get(k, len(index))):
            fd = t.fields.get(k)
            if fd is None:
                out[k] = value[k]
            elif not decode._omitted(value[k], fd, decode._keeps_zero(t, k, fd)):
                out[k] = _reference(value[k], fd.type)
        return out
    if isinstance(t, ListOf) and isinstance(value, list):
        return [_reference(v, t.item) for v in value]
    if isinstance(t, MapOf) and isinstance(value, dict):
        return {k: _reference(value[k], t.value) for k in sorted(value)}
    return value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(EVERY)), st.data())
def test_struct_layouts_order_as_go_does(kind: str, data: st.DataObject) -> None:
    """Every real schema, keys in random order, values falsy or not, the same key sequence met
    again (its layout remembered): Go's order and omissions."""
    schema = EVERY[kind].schema
    obj = data.draw(value_of(schema, 6))
    if not isinstance(obj, dict):
        obj = {}
    keys = data.draw(st.permutations(list(obj)))
    obj = {k: obj[k] for k in keys}
    want = orjson.dumps(_reference(copy.deepcopy(obj), schema))
    for _ in range(2):
        got = decode._orderer(schema)(copy.deepcopy(obj))
        assert orjson.dumps(got) == want
