"""managedFields bookkeeping for create, update and patch, and the helpers around it."""

from __future__ import annotations

import copy

import pytest

from kubepy.apiserver.apply import (
    default_manager,
    manager_or_user_agent,
    reset_fields,
    track_update,
    validate_managed_fields,
)
from kubepy.apiserver.apply.fieldpath import decode_fields
from tests.apply.schemas import Deployment

T0, T1, T2 = "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"


def update(old: dict | None, new: dict, manager: str, now: str = T1, sub: str = "") -> dict:
    return track_update(
        old, new, manager=manager, schema=Deployment, api_version="apps/v1", now=now, subresource=sub
    )


def created() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": "u1",
            "resourceVersion": "1",
            "generation": 1,
            "creationTimestamp": T0,
            "labels": {"app": "web"},
        },
        "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}},
        "status": {"replicas": 0},
    }


def entry(obj: dict, manager: str) -> dict:
    return next(e for e in obj["metadata"]["managedFields"] if e["manager"] == manager)


def test_create_owns_every_field_it_set_except_identity_and_status() -> None:
    obj = update(None, created(), "kubectl-create", T0)
    [e] = obj["metadata"]["managedFields"]
    assert (e["manager"], e["operation"], e["apiVersion"], e["time"]) == (
        "kubectl-create",
        "Update",
        "apps/v1",
        T0,
    )
    assert decode_fields(e["fieldsV1"]) == {
        ("f:metadata", "f:labels"),
        ("f:metadata", "f:labels", "f:app"),
        ("f:spec", "f:replicas"),
        ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}'),
        ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:name"),
        ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image"),
    }
    # the object itself is untouched apart from managedFields
    rest = copy.deepcopy(obj)
    del rest["metadata"]["managedFields"]
    assert rest == created()


def test_input_is_not_mutated() -> None:
    new = created()
    snapshot = copy.deepcopy(new)
    update(None, new, "m")
    assert new == snapshot


def test_update_takes_changed_fields_from_others_and_merges_into_own_entry() -> None:
    obj = update(None, created(), "creator", T0)
    edited = copy.deepcopy(obj)
    edited["spec"]["replicas"] = 3
    edited["metadata"]["labels"]["tier"] = "fe"
    obj2 = update(obj, edited, "editor", T1)
    assert ("f:spec", "f:replicas") not in decode_fields(entry(obj2, "creator")["fieldsV1"])
    assert decode_fields(entry(obj2, "editor")["fieldsV1"]) == {
        ("f:spec", "f:replicas"),
        ("f:metadata", "f:labels", "f:tier"),
    }
    assert entry(obj2, "creator")["time"] == T0
    # a second edit by the same manager adds to its one entry and moves its time
    again = copy.deepcopy(obj2)
    again["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"
    obj3 = update(obj2, again, "editor", T2)
    assert [e["manager"] for e in obj3["metadata"]["managedFields"]] == ["creator", "editor"]
    e = entry(obj3, "editor")
    assert e["time"] == T2
    assert ("f:spec", "f:replicas") in decode_fields(e["fieldsV1"])


def test_unchanged_update_changes_nothing() -> None:
    obj = update(None, created(), "creator", T0)
    same = update(obj, copy.deepcopy(obj), "someone", T1)
    assert same["metadata"]["managedFields"] == obj["metadata"]["managedFields"]


def test_removed_fields_leave_their_owners_and_empty_entries_go() -> None:
    obj = update(None, created(), "creator", T0)
    edited = copy.deepcopy(obj)
    edited["metadata"]["labels"]["tier"] = "fe"
    obj = update(obj, edited, "labeler", T1)
    gone = copy.deepcopy(obj)
    del gone["metadata"]["labels"]["tier"]
    obj = update(obj, gone, "cleaner", T2)
    assert [e["manager"] for e in obj["metadata"]["managedFields"]] == ["creator"]


def test_status_write_is_kept_apart() -> None:
    obj = update(None, created(), "creator", T0)
    new = copy.deepcopy(obj)
    new["status"] = {"replicas": 1}
    obj2 = update(obj, new, "kubelet", T1, sub="status")
    e = entry(obj2, "kubelet")
    assert e["subresource"] == "status"
    assert decode_fields(e["fieldsV1"]) == {("f:status", "f:replicas")}
    # same manager on the main resource is a different entry
    new2 = copy.deepcopy(obj2)
    new2["spec"]["replicas"] = 2
    obj3 = update(obj2, new2, "kubelet", T2)
    assert [(x["manager"], x.get("subresource", "")) for x in obj3["metadata"]["managedFields"]] == [
        ("creator", ""),
        ("kubelet", "status"),
        ("kubelet", ""),
    ]


def test_entries_sort_apply_first_then_by_time_then_manager() -> None:
    obj = created()
    obj["metadata"]["managedFields"] = [
        {
            "manager": "z",
            "operation": "Update",
            "apiVersion": "apps/v1",
            "time": T0,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:spec": {"f:replicas": {}}},
        },
        {
            "manager": "b",
            "operation": "Update",
            "apiVersion": "apps/v1",
            "time": T1,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {"f:app": {}}}},
        },
        {
            "manager": "a",
            "operation": "Update",
            "apiVersion": "apps/v1",
            "time": T1,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:spec": {"f:template": {}}},
        },
        {
            "manager": "x",
            "operation": "Apply",
            "apiVersion": "apps/v1",
            "time": T2,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:status": {}},
        },
    ]
    edited = copy.deepcopy(obj)
    edited["metadata"]["labels"]["new"] = "1"
    out = update(obj, edited, "c", T2)
    assert [e["manager"] for e in out["metadata"]["managedFields"]] == ["x", "z", "a", "b", "c"]


def test_untracked_object_stays_untracked_on_update() -> None:
    old = created()
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 2
    out = update(old, new, "kubectl-edit")
    assert "managedFields" not in out["metadata"]


@pytest.mark.parametrize("reset", [[], [{}]])
def test_client_can_reset_managed_fields(reset: list) -> None:
    obj = update(None, created(), "creator", T0)
    new = copy.deepcopy(obj)
    new["metadata"]["managedFields"] = reset
    new["spec"]["replicas"] = 2
    out = update(obj, new, "editor", T1)
    assert "managedFields" not in out["metadata"]


def test_client_supplied_managed_fields_are_used_when_valid() -> None:
    obj = update(None, created(), "creator", T0)
    new = copy.deepcopy(obj)
    new["metadata"]["managedFields"] = [
        {
            "manager": "restored",
            "operation": "Apply",
            "apiVersion": "apps/v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:spec": {"f:replicas": {}}},
        }
    ]
    out = update(obj, new, "editor", T1)
    assert [(e["manager"], e["operation"]) for e in out["metadata"]["managedFields"]] == [
        ("restored", "Apply")
    ]


@pytest.mark.parametrize(
    "bad",
    [
        [
            {
                "manager": "x",
                "operation": "Patch",
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {},
            }
        ],
        [
            {
                "manager": "x",
                "operation": "Update",
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV2",
                "fieldsV1": {},
            }
        ],
        [{"manager": "x", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {}}],
        [
            {
                "manager": "x",
                "operation": "Update",
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:a": 1},
            }
        ],
    ],
)
def test_malformed_client_managed_fields_fall_back_to_live(bad: list) -> None:
    obj = update(None, created(), "creator", T0)
    new = copy.deepcopy(obj)
    new["metadata"]["managedFields"] = bad
    out = update(obj, new, "editor", T1)
    assert out["metadata"]["managedFields"] == obj["metadata"]["managedFields"]


def test_subresource_writes_ignore_client_managed_fields() -> None:
    obj = update(None, created(), "creator", T0)
    new = copy.deepcopy(obj)
    new["metadata"]["managedFields"] = []
    new["status"] = {"replicas": 5}
    out = update(obj, new, "ctrl", T1, sub="status")
    assert [e["manager"] for e in out["metadata"]["managedFields"]] == ["creator", "ctrl"]


def test_update_entries_are_capped_into_ancient_changes() -> None:
    obj = update(None, created(), "creator", "2026-01-01T00:00:00Z")
    for i in range(11):
        new = copy.deepcopy(obj)
        new["metadata"]["labels"][f"l{i}"] = "x"
        obj = update(obj, new, f"m{i:02d}", f"2026-01-01T01:{i:02d}:00Z")
    managers = [e["manager"] for e in obj["metadata"]["managedFields"]]
    assert len(managers) == 10
    # the oldest three (creator, m00, m01) went into one bucket: the bucket itself takes a slot,
    # and it carries the time of the newest entry folded into it
    assert managers[0] == "ancient-changes"
    bucket = obj["metadata"]["managedFields"][0]
    assert bucket["time"] == "2026-01-01T01:01:00Z"
    fs = decode_fields(bucket["fieldsV1"])
    assert ("f:spec", "f:replicas") in fs and ("f:metadata", "f:labels", "f:l1") in fs
    assert managers[1:] == [f"m{i:02d}" for i in range(2, 11)]


def test_unknown_manager_name() -> None:
    obj = update(None, created(), "", T0)
    assert obj["metadata"]["managedFields"][0]["manager"] == "unknown"


def test_reset_fields_generic_rule() -> None:
    assert reset_fields(Deployment, "") == {("f:status",)}
    assert reset_fields(Deployment, "status") == {
        ("f:apiVersion",),
        ("f:kind",),
        ("f:metadata",),
        ("f:spec",),
    }
    assert reset_fields(Deployment, "scale") == frozenset()


# ---- helpers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ua", "manager"),
    [
        ("kubectl/v1.31.0 (linux/amd64) kubernetes/6911225", "kubectl"),
        ("Go-http-client/1.1", "Go-http-client"),
        (
            "kube-controller-manager/v1.31.0 (linux/amd64) kubernetes/6911225/system:serviceaccount:x",
            "kube-controller-manager",
        ),
        ("curl", "curl"),
        ("", ""),
        ("bad\x07name\n/1", "badname"),
        ("é" * 100, "é" * 64),  # 128 bytes of UTF-8, not 128 characters
    ],
)
def test_default_manager(ua: str, manager: str) -> None:
    assert default_manager(ua) == manager


def test_manager_or_user_agent() -> None:
    assert manager_or_user_agent("kubectl-edit", "kubectl/v1.31") == "kubectl-edit"
    assert manager_or_user_agent("", "kubectl/v1.31") == "kubectl"


def test_validate_managed_fields() -> None:
    obj = {
        "metadata": {
            "managedFields": [
                {"manager": "ok", "operation": "Update", "fieldsType": "FieldsV1"},
                {
                    "manager": "m" * 129,
                    "operation": "Patch",
                    "fieldsType": "FieldsV2",
                    "subresource": "s" * 257,
                },
                {"manager": "tab\there", "operation": "Apply"},
            ]
        }
    }
    errs = validate_managed_fields(obj)
    assert [(e.type, e.field) for e in errs] == [
        ("Invalid", "metadata.managedFields[1].operation"),
        ("Invalid", "metadata.managedFields[1].fieldsType"),
        ("TooLong", "metadata.managedFields[1].manager"),
        ("TooLong", "metadata.managedFields[1].subresource"),
        ("Invalid", "metadata.managedFields[2].manager"),
    ]
    assert (
        errs[0].message()
        == 'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`'
    )
    assert (
        errs[1].message()
        == 'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`'
    )
    assert errs[4].message() == (
        'metadata.managedFields[2].manager: Invalid value: "tab\\there": invalid character U+0009 (at position 3)'
    )
