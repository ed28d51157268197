"""decode's quick check of a clean body and its full walk agree on what a body becomes."""

from __future__ import annotations

import copy

from kubepy.api import quantity
from kubepy.api.decode import canonical_order, decode
from kubepy.api.resources.core_pod import Pod


def _pod(**container) -> dict:
    c = {"name": "c", "image": "redis:7", **container}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [c]}}


def test_clean_body_is_normalized_in_place():
    obj = _pod(resources={"limits": {"cpu": "0.5", "memory": "1024Mi"}, "requests": {"cpu": 1}}, tty=None)
    res = decode(obj, Pod, quantity.canonical)
    assert (res.unknown, res.type_error) == ([], None)
    c = obj["spec"]["containers"][0]
    assert c["resources"] == {"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "1"}}
    assert "tty" not in c  # null decodes to Go's zero value: omitted


def test_same_quantity_twice_gives_the_same_canonical_form():
    for _ in range(2):  # the second time the canonical form is remembered
        obj = _pod(resources={"limits": {"cpu": "0.5"}})
        assert decode(obj, Pod, quantity.canonical).type_error is None
        assert obj["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "500m"


def test_unknown_fields_are_all_named_after_quantities_were_normalized():
    obj = _pod(resources={"limits": {"cpu": "0.5"}}, bogus=1)
    obj["spec"]["alsoBogus"] = True
    res = decode(obj, Pod, quantity.canonical)
    assert res.unknown == ["spec.containers[0].bogus", "spec.alsoBogus"]
    assert "bogus" not in obj["spec"]["containers"][0] and "alsoBogus" not in obj["spec"]
    assert obj["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "500m"


def test_type_errors_and_float_integers_take_the_full_walk():
    obj = _pod(ports=[{"containerPort": 80.0}])
    assert decode(obj, Pod, quantity.canonical).type_error is None
    assert obj["spec"]["containers"][0]["ports"][0]["containerPort"] == 80
    assert type(obj["spec"]["containers"][0]["ports"][0]["containerPort"]) is int
    bad = _pod(ports=[{"containerPort": "80"}])
    msg = decode(bad, Pod, quantity.canonical).type_error
    assert msg == (
        "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort"
        " of type int32"
    )
    bad = _pod(resources={"limits": {"cpu": "lots"}})
    assert decode(bad, Pod, quantity.canonical).type_error


def test_canonical_order_follows_go_field_order_and_omits_zero_values():
    obj = _pod(imagePullPolicy="", ports=[], stdin=False, workingDir="")
    obj["spec"]["containers"][0] = dict(reversed(list(obj["spec"]["containers"][0].items())))
    obj["metadata"]["labels"] = {"b": "2", "a": "1"}
    before = copy.deepcopy(obj)
    out = canonical_order(obj, Pod)
    assert list(out) == ["kind", "apiVersion", "metadata", "spec"]
    assert out["spec"]["containers"] == [{"name": "c", "image": "redis:7"}]
    assert list(out["metadata"]["labels"]) == ["a", "b"]
    assert obj == before  # a new object: the input is left as it was


def test_quick_check_drops_nulls_and_refuses_a_wrong_string_like_the_walk():
    """Nulls beside normalized values are dropped in one pass; a number where a string belongs
    is the walk's type error, whichever field comes first."""
    obj = _pod(resources={"limits": {"cpu": "0.5"}}, tty=None, workingDir=None, stdin=None)
    obj["spec"]["hostname"] = None
    res = decode(obj, Pod, quantity.canonical)
    assert (res.unknown, res.type_error) == ([], None)
    c = obj["spec"]["containers"][0]
    assert c == {"name": "c", "image": "redis:7", "resources": {"limits": {"cpu": "500m"}}}
    assert "hostname" not in obj["spec"]
    bad = _pod(workingDir=None, image=7)
    res = decode(bad, Pod, quantity.canonical)
    assert res.type_error is not None and "string" in res.type_error and ".image" in res.type_error
