"""A null list item or map value decodes to its type's Go zero value, on both decode paths (the
quick check and the full walk), so validation never meets a None where a string belongs."""

from __future__ import annotations

import pytest

from kubepy.api import quantity
from kubepy.api.decode import decode
from kubepy.api.resources.core_config import Secret
from kubepy.api.resources.core_pod import Pod


def _pod(*, unknown: bool) -> dict:
    c = {
        "name": "c",
        "image": "redis:7",
        "args": ["a", None],
        "resources": {"requests": {"memory": None}, "limits": {"cpu": None, "memory": "1024Mi"}},
    }
    if unknown:
        c["bogus"] = 1  # the quick check bails on it: the full walk decodes the body
    meta = {"name": "p", "labels": {"a": None}, "annotations": {"b": None}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [c], "nodeSelector": {"n": None}},
    }


@pytest.mark.parametrize("unknown", [False, True], ids=["quick", "walk"])
def test_null_scalars_in_maps_and_lists_become_zero_values(unknown):
    obj = _pod(unknown=unknown)
    res = decode(obj, Pod, quantity.canonical)
    assert res.type_error is None
    assert res.unknown == (["spec.containers[0].bogus"] if unknown else [])
    c = obj["spec"]["containers"][0]
    assert c["args"] == ["a", ""]
    assert c["resources"] == {"requests": {"memory": "0"}, "limits": {"cpu": "0", "memory": "1Gi"}}
    assert obj["metadata"]["labels"] == {"a": ""} and obj["metadata"]["annotations"] == {"b": ""}
    assert obj["spec"]["nodeSelector"] == {"n": ""}


@pytest.mark.parametrize("unknown", [False, True], ids=["quick", "walk"])
def test_null_bytes_and_structs_stay_null(unknown):
    """[]byte's and a struct's zero values are not scalars to write: a Secret's null data value
    is written back as null (as Go marshals a nil []byte); a null container is left to
    validation (its required fields)."""
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": None}}
    if unknown:
        secret["bogus"] = 1
    assert decode(secret, Secret, quantity.canonical).type_error is None
    assert secret["data"] == {"k": None}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [None]}}
    if unknown:
        pod["bogus"] = 1
    assert decode(pod, Pod, quantity.canonical).type_error is None
    assert pod["spec"]["containers"] == [None]
