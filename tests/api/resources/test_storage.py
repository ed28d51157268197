"""PersistentVolume and PersistentVolumeClaim: defaults, validation, update rules, tables."""

import copy
from datetime import UTC, datetime

import pytest

from kubepy.api.resource import Context
from kubepy.api.resources.core_storage import RESOURCES, access_modes_string

PV, PVC = RESOURCES
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def create(res, obj):
    obj = copy.deepcopy(obj)
    obj.setdefault("metadata", {}).setdefault("name", "v")
    obj["metadata"]["creationTimestamp"] = "2026-01-01T10:00:00Z"
    res.strategy.default(obj)
    res.strategy.prepare_for_create(obj, Context())
    return obj, [e.message() for e in res.strategy.validate(obj, Context())]


def pv(**spec):
    base = {
        "capacity": {"storage": "5Gi"},
        "accessModes": ["ReadWriteOnce"],
        "nfs": {"server": "nfs-server.localhost", "path": "/"},
    }
    return {"metadata": {"name": "pv0001"}, "spec": {**base, **spec}}


def pvc(**spec):
    base = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    return {"metadata": {"name": "claim"}, "spec": {**base, **spec}}


def test_pv_defaults_and_status():
    out, errs = create(PV, pv())
    assert errs == []
    assert out["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert out["spec"]["volumeMode"] == "Filesystem"
    assert out["status"] == {"phase": "Pending"}
    assert PV.namespaced is False and PV.short_names == ("pv",)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"accessModes": []}, "spec.accessModes: Required value"),
        (
            {"accessModes": ["ReadWriteSome"]},
            'spec.accessModes: Unsupported value: "ReadWriteSome": supported values: "ReadOnlyMany", "ReadWriteMany", '
            '"ReadWriteOnce", "ReadWriteOncePod"',
        ),
        ({"capacity": {}}, "spec.capacity: Required value"),
        ({"nfs": None}, "spec: Required value: must specify a volume type"),
        ({"hostPath": {"path": "/tmp"}}, "spec.nfs: Forbidden: may not specify more than 1 volume type"),
        (
            {"persistentVolumeReclaimPolicy": "Keep"},
            'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
        ),
        (
            {"volumeMode": "Raw"},
            'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
        ),
    ],
)
def test_pv_validation(spec, message):
    obj = pv()
    obj["spec"].update(spec)
    obj["spec"] = {k: v for k, v in obj["spec"].items() if v is not None}
    _, errs = create(PV, obj)
    assert message in errs, errs


def test_pv_source_is_immutable():
    old, _ = create(PV, pv())
    new = copy.deepcopy(old)
    new["spec"]["nfs"]["path"] = "/other"
    errs = [e.message() for e in PV.strategy.validate_update(new, old, Context())]
    assert len(errs) == 1
    assert errs[0].startswith(
        "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n"
    )


def test_pv_table():
    out, _ = create(PV, pv(storageClassName="slow", claimRef={"namespace": "default", "name": "claim"}))
    out["status"] = {"phase": "Bound"}
    row = [c.cell(out, NOW) for c in PV.columns]
    assert row == [
        "pv0001",
        "5Gi",
        "RWO",
        "Retain",
        "Bound",
        "default/claim",
        "slow",
        "<unset>",
        "",
        "120m",
        "Filesystem",
    ]
    assert [c.name for c in PV.columns] == [
        "Name",
        "Capacity",
        "Access Modes",
        "Reclaim Policy",
        "Status",
        "Claim",
        "StorageClass",
        "VolumeAttributesClass",
        "Reason",
        "Age",
        "VolumeMode",
    ]


def test_pvc_defaults_validation_and_table():
    out, errs = create(PVC, pvc())
    assert errs == []
    assert out["spec"]["volumeMode"] == "Filesystem"
    assert out["status"] == {"phase": "Pending"}
    assert [c.cell(out, NOW) for c in PVC.columns] == [
        "claim",
        "Pending",
        "",
        "",
        "",
        "",
        "<unset>",
        "120m",
        "Filesystem",
    ]
    out["spec"]["volumeName"] = "pv0001"
    out["status"] = {
        "phase": "Bound",
        "capacity": {"storage": "5Gi"},
        "accessModes": ["ReadWriteOnce", "ReadWriteMany"],
    }
    assert [c.cell(out, NOW) for c in PVC.columns][:5] == ["claim", "Bound", "pv0001", "5Gi", "RWO,RWX"]
    assert PVC.short_names == ("pvc",) and PVC.namespaced


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"resources": {}}, "spec.resources[storage]: Required value"),
        (
            {"resources": {"requests": {"storage": "0"}}},
            'spec.resources[storage]: Invalid value: "0": must be greater than zero',
        ),
        ({"accessModes": []}, "spec.accessModes: Required value: at least 1 access mode is required"),
        (
            {"accessModes": ["ReadWriteOncePod", "ReadWriteOnce"]},
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
        ),
    ],
)
def test_pvc_validation(spec, message):
    obj = pvc()
    obj["spec"].update(spec)
    _, errs = create(PVC, obj)
    assert message in errs, errs


def test_pvc_update_rules():
    old, _ = create(PVC, pvc())
    new = copy.deepcopy(old)
    new["spec"]["volumeName"] = "pv0001"  # binding an unbound claim is allowed
    assert PVC.strategy.validate_update(new, old, Context()) == []
    new = copy.deepcopy(old)
    new["spec"]["accessModes"] = ["ReadWriteMany"]
    errs = [e.message() for e in PVC.strategy.validate_update(new, old, Context())]
    assert errs[0].startswith(
        "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName "
        "for bound claims"
    )


def test_access_modes_order():
    assert (
        access_modes_string(["ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"])
        == "RWO,ROX,RWX,RWOP"
    )


def test_pv_more_rules():
    _, errs = create(PV, pv(capacity={"storage": "0"}))
    assert 'spec.capacity[storage]: Invalid value: "0": must be greater than zero' in errs
    _, errs = create(PV, pv(nfs=None, local={"path": "/mnt/disk"}))
    assert "spec.nodeAffinity: Required value: Local volume requires node affinity" in errs
    _, errs = create(PV, pv(nfs=None, hostPath={"path": "/"}, persistentVolumeReclaimPolicy="Recycle"))
    assert (
        "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"
        in errs
    )


def test_bound_claim_may_grow_but_not_shrink():
    old, _ = create(PVC, pvc())
    old["spec"]["volumeName"] = "pv0001"
    old["status"] = {"phase": "Bound", "capacity": {"storage": "1Gi"}}
    new = copy.deepcopy(old)
    new["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert PVC.strategy.validate_update(new, old, Context()) == []
    new["spec"]["resources"]["requests"]["storage"] = "512Mi"
    errs = [e.message() for e in PVC.strategy.validate_update(new, old, Context())]
    assert errs == ["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]
