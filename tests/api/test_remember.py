"""The write path's memos give what the functions they remember give: remember_in_place (pod
defaulting), remember_valid_update (pod spec update rules) and decode's remembered checks."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubepy.api import decode as decode_module
from kubepy.api.catalog import all_resources
from kubepy.api.decode import decode
from kubepy.api.errors import FieldError, invalid
from kubepy.api.quantity import canonical
from kubepy.api.remember import remember_in_place
from kubepy.api.resources.core_pod_defaults import _default_pod_spec_once, default_pod
from kubepy.api.validation.memo import remember_valid_update
from kubepy.api.validation.pod import validate_pod_spec_update

POD = next(r for r in all_resources() if r.kind == "Pod" and r.plural == "pods")

CONTAINER = st.fixed_dictionaries(
    {"name": st.sampled_from(["a", "b"]), "image": st.sampled_from(["nginx", "redis:7", ""])},
    optional={
        "imagePullPolicy": st.sampled_from(["Always", "Never"]),
        "ports": st.lists(
            st.fixed_dictionaries(
                {"containerPort": st.sampled_from([80, 443])},
                optional={"protocol": st.sampled_from(["TCP", "UDP"]), "hostPort": st.just(80)},
            ),
            max_size=2,
        ),
        "resources": st.fixed_dictionaries(
            {},
            optional={
                "limits": st.dictionaries(
                    st.sampled_from(["cpu", "memory"]), st.sampled_from(["1", "100m", "0.5m"])
                ),
                "requests": st.dictionaries(st.sampled_from(["cpu"]), st.sampled_from(["1", "2"])),
            },
        ),
        "readinessProbe": st.fixed_dictionaries({}, optional={"httpGet": st.just({"port": 80})}),
    },
)
SPEC = st.fixed_dictionaries(
    {"containers": st.lists(CONTAINER, max_size=2)},
    optional={
        "hostNetwork": st.booleans(),
        "restartPolicy": st.sampled_from(["Never", "Always"]),
        "nodeName": st.sampled_from(["n1", "n2"]),
        "tolerations": st.lists(st.fixed_dictionaries({"key": st.sampled_from(["k", "j"])}), max_size=2),
        "enableServiceLinks": st.booleans(),
        "volumes": st.lists(st.fixed_dictionaries({"name": st.just("v")}, optional={"secret": st.just({})})),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SPEC, min_size=1, max_size=6))
def test_remembered_pod_defaults_equal_defaulting_each_time(specs: list[dict]) -> None:
    """Every spec (seen before or not, already defaulted or not) comes out as the plain function
    makes it, key order included, and nothing is shared between the results."""
    outs = []
    for spec in specs + specs + [copy.deepcopy(s) for s in specs]:
        want = copy.deepcopy(spec)
        _default_pod_spec_once(want)
        pod = {"spec": copy.deepcopy(spec)}
        default_pod(pod)
        assert orjson.dumps(pod["spec"]) == orjson.dumps(want)
        again = copy.deepcopy(pod)
        default_pod(again)  # defaulted twice: as defaulted once
        assert orjson.dumps(again) == orjson.dumps(pod)
        outs.append(pod["spec"])
    outs[0].setdefault("containers", []).append({"name": "changed"})
    assert all(o is not outs[0] for o in outs[1:])


def test_remember_in_place_fills_the_same_dict_and_counts_its_calls() -> None:
    calls: list[Any] = []

    def fill(v: dict) -> None:
        calls.append(dict(v))
        v.setdefault("b", [1])
        v["a"] = v.get("a", 0) + 0

    run = remember_in_place(fill, size=2)
    first, second = {"a": 1}, {"a": 1}
    run(first)
    run(second)
    assert first == second == {"a": 1, "b": [1]} and len(calls) == 1
    assert first["b"] is not second["b"]  # fresh containers each time
    third = {"a": 1, "b": [1]}
    run(third)  # already filled: left as it is
    assert third == {"a": 1, "b": [1]} and len(calls) == 2
    run({"a": True})  # True is not 1: another key
    run({"a": 2})  # evicts the oldest
    run({"a": 1})
    assert len(calls) == 5


def test_remember_valid_update_keeps_only_clean_pairs() -> None:
    seen: list[Any] = []

    def validate(new: Any, old: Any, path: str) -> list[FieldError]:
        seen.append(path)
        return [invalid(path, new, "changed")] if new != old else []

    run = remember_valid_update(validate)
    assert run({"x": 1}, {"x": 1}, "spec") == run({"x": 1}, {"x": 1}, "spec") == []
    assert len(seen) == 1
    assert run({"x": 1}, {"x": True}, "spec") == []  # equal in Python, not in JSON: asked again
    assert len(seen) == 2
    assert run({"x": 2}, {"x": 1}, "spec") and run({"x": 2}, {"x": 1}, "spec")
    assert len(seen) == 4  # errors are never remembered


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SPEC, SPEC)
def test_remembered_spec_update_rules_equal_the_plain_ones(a: dict, b: dict) -> None:
    run = remember_valid_update(validate_pod_spec_update)
    for new, old in ((a, b), (a, a), (b, a), (a, b), (a, a)):
        got = [(e.field, e.detail) for e in run(new, old, "spec")]
        assert got == [(e.field, e.detail) for e in validate_pod_spec_update(new, old, "spec")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(SPEC, min_size=1, max_size=4),
    st.sampled_from([None, {"unknown": 1}, {"containers": "x"}, {"overhead": {"cpu": "1000m"}}]),
)
def test_decode_with_remembered_spec_checks_equals_the_plain_check(specs: list[dict], extra: Any) -> None:
    """decode answers a spec it passed before from its memo: the pod (quantities normalized),
    the unknown fields and the type error are those the unremembered checker gives."""
    for spec in specs + specs:
        body = copy.deepcopy(spec)
        if extra is not None:
            body.update(copy.deepcopy(extra))
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": body}
        plain = copy.deepcopy(pod)
        got = decode(pod, POD.schema, canonical)
        real = decode_module._kind_checker
        try:
            decode_module._kind_checker = decode_module._checker
            want = decode(plain, POD.schema, canonical)
        finally:
            decode_module._kind_checker = real
        assert orjson.dumps(pod) == orjson.dumps(plain)
        assert (got.unknown, got.type_error) == (want.unknown, want.type_error)
