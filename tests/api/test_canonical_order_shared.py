"""canonical_order(shared=True), the update's: the bytes of ordering afresh, the value left as it
was, and only the containers that were out of order (and those on the way to them) copied."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubepy.api import decode
from kubepy.api.decode import canonical_order
from tests.api.test_canonical_order_memo import _afresh
from tests.apply.test_fast_paths import EVERY, RES, value_of

POD = RES["Pod"].schema


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(EVERY)), st.data())
def test_shared_order_gives_the_bytes_of_ordering_afresh(kind: str, data: st.DataObject) -> None:
    schema = EVERY[kind].schema
    obj = data.draw(value_of(schema, 6))
    if not isinstance(obj, dict):
        obj = {}
    keys = data.draw(st.permutations(list(obj)))
    obj = {k: obj[k] for k in keys}
    want = orjson.dumps(_afresh(copy.deepcopy(obj), schema))
    before = orjson.dumps(obj)
    for _ in range(2):  # the second time remembered
        got = canonical_order(obj, schema, shared=True)
        assert orjson.dumps(got) == want
        assert orjson.dumps(obj) == before  # the value is left as it was
        assert got is not obj
        if isinstance(obj.get("metadata"), dict):
            assert got["metadata"] is not obj["metadata"]


def _pod(node: str = "n1") -> dict[str, Any]:
    return canonical_order(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p", "namespace": "default", "labels": {"b": "2", "a": "1"}},
            "spec": {
                "containers": [{"name": "c", "image": "i", "resources": {}}],
                "nodeName": node,
                "tolerations": [{"key": "k", "operator": "Exists"}],
            },
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
        },
        POD,
    )


def test_a_value_in_order_is_shared_not_copied() -> None:
    for node in ("shared-1", "shared-1"):  # first seen, then remembered
        pod = _pod(node)
        got = canonical_order(pod, POD, shared=True)
        assert got is not pod and got["metadata"] is not pod["metadata"]
        assert got["metadata"]["labels"] is pod["metadata"]["labels"]
        assert got["spec"] is pod["spec"] and got["status"] is pod["status"]
        assert got == pod


def test_only_the_way_to_what_was_out_of_order_is_copied() -> None:
    pod = _pod("shared-2")
    c = pod["spec"]["containers"][0]
    pod["spec"]["containers"][0] = {"image": c["image"], "name": c["name"], "resources": c["resources"]}
    pod["status"]["conditions"].append({"status": "False", "type": "Initialized"})
    want = orjson.dumps(_afresh(copy.deepcopy(pod), POD))
    got = canonical_order(pod, POD, shared=True)
    assert orjson.dumps(got) == want
    assert got["spec"] is not pod["spec"] and got["spec"]["containers"][0] is not c
    assert got["spec"]["tolerations"] is pod["spec"]["tolerations"]
    assert got["spec"]["containers"][0]["resources"] is c["resources"]
    conds = got["status"]["conditions"]
    assert conds is not pod["status"]["conditions"] and conds[0] is pod["status"]["conditions"][0]
    assert list(conds[1]) == ["type", "status"]


def test_remembered_in_order_the_sharing_twin_hands_out_the_value() -> None:
    calls = [0]

    def order(v: dict) -> dict:
        calls[0] += 1
        return dict(sorted(v.items()))

    run, run_to_encode, run_sharing = decode._remembered(order)
    value = {"a": 1, "b": {"c": 2}}
    first = run_sharing(value)  # ordered (by the plain orderer: no sharing one given)
    assert first == value and calls[0] == 1
    assert run_sharing(value) is value and calls[0] == 1  # remembered as in order
    # the other twins answer from the same memory: a fresh copy, and the value's bytes
    again = run(value)
    assert again == value and again is not value and again["b"] is not value["b"]
    assert orjson.dumps(run_to_encode(value)) == orjson.dumps(value)
    assert calls[0] == 1
    out_of_order = {"b": 1, "a": 2}
    assert list(run_sharing(out_of_order)) == ["a", "b"] and calls[0] == 2
    got = run_sharing(dict(out_of_order))  # remembered as its ordered JSON: a fresh copy
    assert list(got) == ["a", "b"] and calls[0] == 2
