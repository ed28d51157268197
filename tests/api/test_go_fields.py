"""Go field facts in the declarations: pointers, inlined (embedded) structs, and omitempty.

Kubernetes' JSON encoder drops an `omitempty` field holding "", 0 or false, but writes a pointer
field's explicit zero (Deployment replicas: 0) and a field without omitempty (RC status.replicas)
always; protobuf carries an inlined struct's fields (Volume's VolumeSource) inside that struct's
own message. These tests check canonical_order, the stored objects and the wire against that.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kubepy.api.catalog import all_resources
from kubepy.api.decode import canonical_order
from kubepy.api.protobuf import CONTENT_TYPE, codec, wire
from kubepy.api.resources.core_pod_types import EphemeralContainer, Probe
from kubepy.api.resources.core_volumes import PersistentVolumeSpec, Volume
from kubepy.api.schema import Prim, Struct, walk_structs
from kubepy.apiserver.protobuf_io import kinds
from tests.apiserver.conftest import client, clock, server  # noqa: F401  (fixtures)


def schema(kind: str, group: str = "") -> Struct:
    return next(r.schema for r in all_resources() if (r.kind, r.group) == (kind, group))


def nest(path: tuple[str | int, ...], value: Any) -> Any:
    """{"a": [{"b": value}]} for ("a", 0, "b")."""
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def dig(obj: Any, path: tuple[str | int, ...]) -> Any:
    """The value at `path`, or KeyError when a key on the way is missing."""
    for part in path:
        obj = obj[part]
    return obj


# (kind, group, path, value, kept): kept = Go writes the field
CASES = [
    ("Node", "", ("spec", "unschedulable"), False, False),  # bool, omitempty
    ("Node", "", ("spec", "unschedulable"), True, True),
    ("Deployment", "apps", ("spec", "replicas"), 0, True),  # *int32
    ("Deployment", "apps", ("spec", "minReadySeconds"), 0, False),  # int32, omitempty
    ("ReplicationController", "", ("status", "replicas"), 0, True),  # no omitempty: required
    ("ReplicationController", "", ("status", "readyReplicas"), 0, False),
    ("Pod", "", ("spec", "hostNetwork"), False, False),
    ("Pod", "", ("spec", "containers", 0, "stdin"), False, False),
    ("Pod", "", ("spec", "containers", 0, "name"), "", True),  # required
    ("Pod", "", ("spec", "containers", 0, "workingDir"), "", False),
    ("Pod", "", ("metadata", "deletionGracePeriodSeconds"), 0, True),  # *int64
    ("Pod", "", ("metadata", "generateName"), "", False),
    ("Pod", "", ("status", "containerStatuses", 0, "restartCount"), 0, True),  # required
    ("Pod", "", ("status", "containerStatuses", 0, "ready"), False, True),  # required
    ("Pod", "", ("status", "containerStatuses", 0, "started"), False, True),  # *bool
    ("Service", "", ("spec", "ports", 0, "nodePort"), 0, False),
    ("Service", "", ("spec", "ports", 0, "port"), 0, True),  # required
    ("Service", "", ("spec", "ports", 0, "targetPort"), 0, True),  # IntOrString: a struct in Go
    ("Job", "batch", ("spec", "suspend"), False, True),  # *bool
    ("Job", "batch", ("spec", "parallelism"), 0, True),  # *int32
    ("ConfigMap", "", ("immutable",), False, True),  # *bool
    ("StatefulSet", "apps", ("status", "availableReplicas"), 0, True),  # +optional, no omitempty
    ("Event", "", ("reportingComponent",), "", True),  # +optional, no omitempty
    ("Event", "", ("count",), 0, False),
    ("EndpointSlice", "discovery.k8s.io", ("endpoints",), [], True),  # no omitempty
    ("ConfigMap", "", ("data",), {}, False),
]


@pytest.mark.parametrize(
    ("kind", "group", "path", "value", "kept"),
    CASES,
    ids=[f"{c[0]}.{'.'.join(map(str, c[2]))}={c[3]!r}" for c in CASES],
)
def test_canonical_order_omits_as_go_json_does(
    kind: str, group: str, path: tuple, value: Any, kept: bool
) -> None:
    out = canonical_order(nest(path, value), schema(kind, group))
    if kept:
        got = dig(out, path)
        assert got == value and type(got) is type(value)
    else:
        with pytest.raises(KeyError):
            dig(out, path)


def test_zero_omission_leaves_siblings_and_order_alone() -> None:
    spec = {"hostNetwork": False, "containers": [{"name": "c", "image": "x", "tty": False}], "hostPID": True}
    out = canonical_order({"spec": spec}, schema("Pod"))
    assert out["spec"] == {"containers": [{"name": "c", "image": "x"}], "hostPID": True}


# ---- the declarations --------------------------------------------------------------------
def test_pointers_are_declared_on_scalars_only() -> None:
    marked = {
        f"{s.name}.{n}"
        for r in all_resources()
        for s in walk_structs(r.schema)
        for n, fd in s.fields.items()
        if fd.pointer
    }
    assert "io.k8s.api.apps.v1.DeploymentSpec.replicas" in marked
    assert "io.k8s.api.batch.v1.JobSpec.suspend" in marked
    assert "io.k8s.api.core.v1.NodeSpec.unschedulable" not in marked
    for r in all_resources():
        for s in walk_structs(r.schema):
            for n, fd in s.fields.items():
                assert not fd.pointer or isinstance(fd.type, Prim), f"{s.name}.{n}"


def test_embedded_fields_carry_their_inner_numbers() -> None:
    for host, emb in ((Volume, 2), (PersistentVolumeSpec, 2), (Probe, 1), (EphemeralContainer, 1)):
        inner = {n: fd.proto for n, fd in host.fields.items() if fd.embed}
        assert inner and {host.fields[n].embed for n in inner} == {emb}, host.name
        assert 0 not in inner.values() and len(set(inner.values())) == len(inner), host.name
    assert (Volume.fields["hostPath"].proto, Volume.fields["image"].proto) == (1, 30)
    assert PersistentVolumeSpec.fields["local"].proto == 20
    assert (Probe.fields["exec"].proto, Probe.fields["grpc"].proto) == (1, 4)
    assert EphemeralContainer.fields["targetContainerName"].embed == 0
    assert not Volume.fields["name"].embed and not Probe.fields["periodSeconds"].embed


def test_local_object_reference_name_is_embedded_everywhere() -> None:
    names = [
        "SecretProjection",
        "ConfigMapVolumeSource",
        "ConfigMapProjection",
        "ConfigMapKeySelector",
        "SecretKeySelector",
        "ConfigMapEnvSource",
        "SecretEnvSource",
    ]
    structs = {s.name.rsplit(".", 1)[-1]: s for s in walk_structs(schema("Pod"))}
    for n in names:
        fd = structs[n].fields["name"]
        assert (fd.embed, fd.proto) == (1, 1), n


# ---- on the wire -------------------------------------------------------------------------
def fields_of(data: bytes) -> dict[int, Any]:
    return {num: val for num, _, val in wire.iter_fields(data)}


def test_volume_source_travels_in_its_own_message() -> None:
    vol = {"name": "data", "hostPath": {"path": "/srv"}}
    top = fields_of(codec.encode_message(Volume, vol))
    assert top[1] == b"data"
    source = fields_of(top[2])  # VolumeSource, Volume's field 2
    assert fields_of(source[1]) == {1: b"/srv"}  # hostPath = 1 inside it
    assert codec.decode_message(Volume, codec.encode_message(Volume, vol)) == vol


def test_configmap_key_selector_name_travels_in_local_object_reference() -> None:
    from kubepy.api.resources.core_pod_types import ConfigMapKeySelector

    sel = {"name": "cfg", "key": "k"}
    top = fields_of(codec.encode_message(ConfigMapKeySelector, sel))
    assert fields_of(top[1]) == {1: b"cfg"} and top[2] == b"k"


def test_probe_handler_decodes_from_gos_bytes() -> None:
    """A liveness probe {exec: {command: [true]}, periodSeconds: 10} as gogo writes it."""
    exec_action = wire.bytes_field(1, b"true")
    raw = wire.bytes_field(1, wire.bytes_field(1, exec_action)) + wire.varint_field(4, 10)
    assert codec.decode_message(Probe, raw) == {"exec": {"command": ["true"]}, "periodSeconds": 10}


def deployment(name: str, replicas: int) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


def test_protobuf_keeps_zero_replicas() -> None:
    body = kinds().encode(deployment("z", 0))
    assert body is not None
    assert kinds().decode(body)["spec"]["replicas"] == 0


# ---- through the apiserver ---------------------------------------------------------------
async def test_stored_objects_follow_omitempty(client: httpx.AsyncClient) -> None:  # noqa: F811
    r = await client.post(
        "/api/v1/nodes", json={"metadata": {"name": "n1"}, "spec": {"unschedulable": False}}
    )
    assert r.status_code == 201, r.text
    assert "unschedulable" not in r.json().get("spec", {})
    pod = {
        "metadata": {"name": "p"},
        "spec": {"hostNetwork": False, "containers": [{"name": "c", "image": "redis", "stdin": False}]},
    }
    r = await client.post("/api/v1/namespaces/default/pods", json=pod)
    assert r.status_code == 201, r.text
    got = (await client.get("/api/v1/namespaces/default/pods/p")).json()
    assert "hostNetwork" not in got["spec"] and "stdin" not in got["spec"]["containers"][0]
    assert got["metadata"]["resourceVersion"] == r.json()["metadata"]["resourceVersion"] != ""
    assert list(got["metadata"]).index("resourceVersion") < list(got["metadata"]).index("creationTimestamp")


async def test_stored_objects_keep_pointer_zeros(client: httpx.AsyncClient) -> None:  # noqa: F811
    r = await client.post("/apis/apps/v1/namespaces/default/deployments", json=deployment("z", 0))
    assert r.status_code == 201, r.text
    assert r.json()["spec"]["replicas"] == 0
    r = await client.patch(
        "/apis/apps/v1/namespaces/default/deployments/z",
        json={"spec": {"replicas": 0, "minReadySeconds": 0}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["spec"]["replicas"] == 0 and "minReadySeconds" not in r.json()["spec"]
    job = {
        "metadata": {"name": "j"},
        "spec": {
            "suspend": False,
            "template": {
                "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}
            },
        },
    }
    r = await client.post("/apis/batch/v1/namespaces/default/jobs", json=job)
    assert r.status_code == 201, r.text
    assert r.json()["spec"]["suspend"] is False


async def test_protobuf_create_stores_zero_replicas(client: httpx.AsyncClient) -> None:  # noqa: F811
    body = kinds().encode(deployment("zp", 0))
    r = await client.post(
        "/apis/apps/v1/namespaces/default/deployments", content=body, headers={"Content-Type": CONTENT_TYPE}
    )
    assert r.status_code == 201, r.text
    got = (await client.get("/apis/apps/v1/namespaces/default/deployments/zp")).json()
    assert got["spec"]["replicas"] == 0
    r = await client.get("/apis/apps/v1/namespaces/default/deployments/zp", headers={"Accept": CONTENT_TYPE})
    assert r.headers["content-type"] == CONTENT_TYPE
    assert kinds().decode(r.content)["spec"]["replicas"] == 0
