"""validate_object_meta remembers only valid inputs: errors come back every time, per rule."""

from __future__ import annotations

from kubepy.api.validation.meta import validate_object_meta
from kubepy.api.validation.names import name_is_dns_label, name_is_dns_subdomain


def _fields(errs: list) -> list[str]:
    return [e.field for e in errs]


def test_errors_repeat_after_valid_inputs_were_remembered() -> None:
    good = {"generateName": "web-", "name": "web-x", "namespace": "ns1", "labels": {"app": "web"}}
    for _ in range(3):
        assert validate_object_meta(dict(good), True, name_is_dns_subdomain) == []
    bad = {"generateName": "Web_", "name": "web-x", "namespace": "Bad_NS", "labels": {"app": "we b"}}
    for _ in range(3):
        fields = _fields(validate_object_meta(dict(bad), True, name_is_dns_subdomain))
        assert fields == ["metadata.generateName", "metadata.namespace", "metadata.labels"]


def test_a_name_valid_for_one_rule_is_still_checked_by_another() -> None:
    meta = {"generateName": "a.b-", "name": "ab", "namespace": "ns1"}
    assert validate_object_meta(dict(meta), True, name_is_dns_subdomain) == []
    assert _fields(validate_object_meta(dict(meta), True, name_is_dns_label)) == ["metadata.generateName"]


def test_label_sets_differing_in_one_value_are_checked_apart() -> None:
    ok = {"name": "a", "namespace": "ns1", "labels": {"app": "web", "tier": "db"}}
    assert validate_object_meta(ok, True, name_is_dns_subdomain) == []
    bad = {"name": "a", "namespace": "ns1", "labels": {"app": "web", "tier": "d b"}}
    assert _fields(validate_object_meta(bad, True, name_is_dns_subdomain)) == ["metadata.labels"]


def test_annotations_owners_and_finalizers_are_checked_after_a_clean_repeat() -> None:
    good = {"name": "a", "namespace": "ns1", "labels": {"app": "web"}}
    assert validate_object_meta(dict(good), True, name_is_dns_subdomain) == []
    bad = {
        **good,
        "annotations": {"bad key!": "v"},
        "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "", "uid": "u"}],
        "finalizers": ["bad finalizer!"],
    }
    fields = _fields(validate_object_meta(bad, True, name_is_dns_subdomain))
    assert fields == ["metadata.annotations", "metadata.ownerReferences[0].name", "metadata.finalizers[0]"]
    assert _fields(validate_object_meta({"name": "a"}, False, name_is_dns_subdomain)) == []
    assert _fields(validate_object_meta({"name": "a", "namespace": "x"}, False, name_is_dns_subdomain)) == [
        "metadata.namespace"
    ]
