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
from tests.apply.test_fast_paths import RES, value_of


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


def test_remembered_results_are_fresh_objects() -> None:
    schema = RES["Pod"].schema
    pod = {"spec": {"containers": [{"name": "c", "image": "i"}], "restartPolicy": "Always"}}
    first = canonical_order(copy.deepcopy(pod), schema)
    first["spec"]["containers"][0]["image"] = "changed"
    again = canonical_order(copy.deepcopy(pod), schema)
    assert again["spec"]["containers"][0]["image"] == "i"
    assert list(again["spec"]) == ["containers", "restartPolicy"]
