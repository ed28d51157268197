"""Schema-driven protobuf: golden bytes worked out by hand, round trips of real kinds, the rules
for zero values, embedded structs and fields the declarations cannot number."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest

from kubepy.api.catalog import all_resources
from kubepy.api.protobuf import MAGIC, Kinds, ProtobufError, codec, envelope, wellknown, wire
from kubepy.api.schema import INT32, STRING, Field, Struct, f, list_of, map_of, struct
from kubepy.apiserver.openapi import extra_types as x

KINDS = Kinds(
    [r.schema for r in all_resources()] + [x.Scale, x.TokenRequest], any_version=[x.Status, x.DeleteOptions]
)
T0 = "2026-01-02T03:04:05Z"
T0_SECONDS = b"\xa5\xeb\xdc\xca\x06"  # varint of 1767323045


def schema(api_version: str, kind: str) -> Struct:
    s = KINDS.lookup(api_version, kind)
    assert s is not None, (api_version, kind)
    return s


# ---- golden bytes ---------------------------------------------------------------------------
def test_configmap_envelope_golden() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "foo"}, "data": {"a": "b"}}
    raw = bytes.fromhex("0a050a03666f6f") + bytes.fromhex("12060a0161120162")
    type_meta = b"\x0a\x02v1\x12\x09ConfigMap"
    expected = MAGIC + b"\x0a\x0f" + type_meta + b"\x12\x0f" + raw + b"\x1a\x00\x22\x00"
    assert KINDS.encode(cm) == expected
    assert KINDS.decode(expected) == cm


def test_status_golden() -> None:
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "m",
        "reason": "NotFound",
        "details": {"name": "x", "kind": "pods"},
        "code": 404,
    }
    raw = (
        b"\x0a\x00"
        + b"\x12\x07Failure"
        + b"\x1a\x01m"
        + b"\x22\x08NotFound"
        + b"\x2a\x09"
        + b"\x0a\x01x"
        + b"\x1a\x04pods"
        + b"\x30\x94\x03"
    )
    assert codec.encode_message(x.Status, status) == raw
    assert KINDS.decode(envelope.wrap("v1", "Status", raw)) == status


def test_well_known_messages_golden() -> None:
    assert wellknown.encode_time(T0, micro=False) == b"\x08" + T0_SECONDS + b"\x10\x00"
    assert wellknown.decode_time(b"\x08" + T0_SECONDS + b"\x10\x00", micro=False) == T0
    assert wellknown.decode_time(b"", micro=False) is None  # Go's zero Time → JSON null
    micro = wellknown.encode_time("2026-01-02T03:04:05.123456Z", micro=True)
    assert micro == b"\x08" + T0_SECONDS + b"\x10" + wire.encode_varint(123456000)
    assert wellknown.decode_time(micro, micro=True) == "2026-01-02T03:04:05.123456Z"
    assert wellknown.encode_int_or_string(8080) == b"\x08\x00\x10\x90\x3f\x1a\x00"
    assert wellknown.encode_int_or_string("http") == b"\x08\x01\x10\x00\x1a\x04http"
    assert wellknown.decode_int_or_string(b"\x08\x01\x10\x00\x1a\x04http") == "http"
    assert wellknown.decode_int_or_string(b"\x08\x00\x10\x90\x3f\x1a\x00") == 8080
    assert wellknown.encode_quantity("100m") == b"\x0a\x04100m"
    assert wellknown.decode_quantity(b"\x0a\x04100m") == "100m"


def test_time_with_offset_is_normalised_to_utc() -> None:
    payload = wellknown.encode_time("2026-01-02T05:04:05+02:00", micro=False)
    assert wellknown.decode_time(payload, micro=False) == T0


@pytest.mark.parametrize(
    ("text", "nanos", "canonical"),
    [
        ("0", 0, "0s"),
        ("1h", 3600 * 10**9, "1h0m0s"),
        ("90s", 90 * 10**9, "1m30s"),
        ("1.5s", 1_500_000_000, "1.5s"),
        ("300ms", 300_000_000, "300ms"),
        ("2us", 2000, "2µs"),
        ("-1m", -60 * 10**9, "-1m0s"),
        ("1h2m3.004s", 3723_004_000_000, "1h2m3.004s"),
    ],
)
def test_duration_is_go_duration(text: str, nanos: int, canonical: str) -> None:
    assert wellknown.parse_duration(text) == nanos
    assert wellknown.format_duration(nanos) == canonical
    assert wellknown.decode_duration(wellknown.encode_duration(text)) == canonical


@pytest.mark.parametrize("bad", ["", "1", "1x", "h", "1h-2m"])
def test_bad_duration_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        wellknown.parse_duration(bad)


def test_map_entries_sorted_and_lists_not_packed() -> None:
    meta = codec.encode_message(schema("v1", "Pod").fields["metadata"].type, {"labels": {"b": "2", "a": "1"}})  # type: ignore[arg-type]
    assert meta == b"\x5a\x06\x0a\x01a\x12\x011" + b"\x5a\x06\x0a\x01b\x12\x012"
    psc = codec.encode_message(
        schema("v1", "Pod").fields["spec"].type.fields["securityContext"].type,  # type: ignore[union-attr]
        {"supplementalGroups": [1, 2]},
    )
    assert psc == b"\x20\x01\x20\x02"  # one tag per element, as gogo writes proto2 repeated scalars


def test_packed_numbers_are_accepted() -> None:
    psc = schema("v1", "Pod").fields["spec"].type.fields["securityContext"].type  # type: ignore[union-attr]
    assert codec.decode_message(psc, b"\x22\x02\x01\x02") == {"supplementalGroups": [1, 2]}  # type: ignore[arg-type]


def test_secret_bytes_are_base64_in_json_and_plain_on_the_wire() -> None:
    s = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "Yg==", "e": ""}}
    raw = envelope.unwrap(KINDS.encode(s)).raw
    assert b"\x12\x06\x0a\x01a\x12\x01b" in raw  # entry {key "a", value b"b"}
    assert b"\x12\x03\x0a\x01e" in raw  # Go writes no value for an empty []byte
    assert KINDS.decode(KINDS.encode(s)) == s


# ---- decoding what Go writes ----------------------------------------------------------------
def test_go_zero_fields_decode_to_what_json_would_say() -> None:
    """ObjectMeta as gogo writes it for {name: foo}: every non-pointer field, creationTimestamp as
    an empty Time. JSON would have said {"name": "foo", "creationTimestamp": null}."""
    meta = (
        b"\x0a\x03foo"
        + b"\x12\x00"
        + b"\x1a\x00"
        + b"\x22\x00"
        + b"\x2a\x00"
        + b"\x32\x00"
        + b"\x38\x00"
        + b"\x42\x00"
    )
    raw = b"\x0a" + bytes([len(meta)]) + meta + b"\x12\x06\x0a\x01a\x12\x01b"
    assert KINDS.decode(envelope.wrap("v1", "ConfigMap", raw)) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "foo", "creationTimestamp": None},
        "data": {"a": "b"},
    }


def test_map_values_and_list_items_keep_their_zero() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"empty": ""}}
    assert KINDS.decode(KINDS.encode(cm)) == cm


def test_unknown_field_numbers_are_skipped() -> None:
    raw = b"\x0a\x05\x0a\x03foo" + wire.varint_field(99, 7) + wire.bytes_field(98, b"x")
    assert KINDS.decode(envelope.wrap("v1", "ConfigMap", raw))["metadata"] == {"name": "foo"}


def test_wrong_magic_wire_type_and_kind_are_errors() -> None:
    with pytest.raises(wire.WireError):
        KINDS.decode(b'{"kind": "Pod"}')
    with pytest.raises(ProtobufError):
        KINDS.decode(envelope.wrap("v1", "ConfigMap", b"\x08\x01"))  # metadata as a varint
    with pytest.raises(ProtobufError):
        KINDS.decode(envelope.wrap("v1", "NoSuchKind", b""))
    with pytest.raises(ProtobufError):
        KINDS.encode({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": 1}})


def test_meta_kinds_are_found_in_any_group_version() -> None:
    body = KINDS.encode(
        {
            "apiVersion": "apps/v1",
            "kind": "DeleteOptions",
            "propagationPolicy": "Foreground",
            "gracePeriodSeconds": 0,
            "dryRun": ["All"],
        }
    )
    assert KINDS.decode(body) == {
        "apiVersion": "apps/v1",
        "kind": "DeleteOptions",
        "gracePeriodSeconds": 0,  # a pointer in Go: an explicit 0 (delete now) survives
        "propagationPolicy": "Foreground",
        "dryRun": ["All"],
    }


# ---- round trips of real kinds ----------------------------------------------------------------
META = {
    "name": "x",
    "namespace": "default",
    "uid": "0f1e2d3c-0000-4000-8000-000000000001",
    "resourceVersion": "42",
    "generation": 3,
    "creationTimestamp": T0,
    "labels": {"app": "web", "tier": "front"},
    "annotations": {"note": "hello"},
    "ownerReferences": [
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "name": "rs",
            "uid": "u1",
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ],
    "finalizers": ["example.com/f"],
    "managedFields": [
        {
            "manager": "kubectl",
            "operation": "Update",
            "apiVersion": "v1",
            "time": T0,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {".": {}}}},
        }
    ],
}
CONTAINER = {
    "name": "web",
    "image": "nginx:1.27",
    "command": ["nginx"],
    "args": ["-g", "daemon off;"],
    "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
    "env": [
        {"name": "A", "value": "1"},
        {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
    ],
    "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m"}},
    "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": True}],
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
    "imagePullPolicy": "IfNotPresent",
    "securityContext": {"runAsUser": 1000, "privileged": True},
}
POD_SPEC = {
    "containers": [CONTAINER],
    "restartPolicy": "Always",
    "terminationGracePeriodSeconds": 30,
    "dnsPolicy": "ClusterFirst",
    "nodeSelector": {"disk": "ssd"},
    "serviceAccountName": "default",
    "nodeName": "node-1",
    "hostNetwork": True,
    "schedulerName": "default-scheduler",
    "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 60}],
    "securityContext": {"supplementalGroups": [1, 2], "fsGroup": 2000},
}
TEMPLATE = {"metadata": {"labels": {"app": "web"}, "creationTimestamp": None}, "spec": POD_SPEC}
SELECTOR = {
    "matchLabels": {"app": "web"},
    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}],
}

OBJECTS = [
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": META,
        "spec": POD_SPEC,
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.5",
            "startTime": T0,
            "conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": T0, "lastProbeTime": None}
            ],
            "containerStatuses": [
                {
                    "name": "web",
                    "ready": True,
                    "restartCount": 2,
                    "image": "nginx:1.27",
                    "imageID": "sha",
                    "state": {"running": {"startedAt": T0}},
                }
            ],
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": META,
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "clusterIP": "10.254.0.10",
            "clusterIPs": ["10.254.0.10"],
            "ports": [
                {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP", "nodePort": 30080},
                {"name": "alt", "port": 8080, "targetPort": 8080, "protocol": "TCP"},
            ],
            "sessionAffinity": "None",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
        },
        "status": {"loadBalancer": {}},
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": META,
        "data": {"a": "1", "b": "two"},
        "binaryData": {"bin": "AAEC"},
        "immutable": True,
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": META,
        "type": "Opaque",
        "data": {"password": "c2VjcmV0"},
    },
    {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": META,
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    },
    {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": META,
        "secrets": [{"name": "tok"}],
        "imagePullSecrets": [{"name": "reg"}],
        "automountServiceAccountToken": True,
    },
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": META,
        "spec": {
            "replicas": 3,
            "selector": SELECTOR,
            "template": TEMPLATE,
            "revisionHistoryLimit": 10,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}},
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "replicas": 3,
            "readyReplicas": 2,
            "observedGeneration": 3,
            "conditions": [
                {
                    "type": "Available",
                    "status": "True",
                    "lastUpdateTime": T0,
                    "lastTransitionTime": T0,
                    "reason": "MinimumReplicasAvailable",
                    "message": "ok",
                }
            ],
        },
    },
    {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": META,
        "spec": {
            "parallelism": 2,
            "completions": 4,
            "backoffLimit": 6,
            "selector": SELECTOR,
            "template": {**TEMPLATE, "spec": {**POD_SPEC, "restartPolicy": "OnFailure"}},
            "completionMode": "NonIndexed",
            "suspend": True,
        },
        "status": {"active": 1, "succeeded": 2, "startTime": T0},
    },
    {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "metadata": {"creationTimestamp": None},
        "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}},
        "status": {"allowed": True, "reason": "system:masters"},
    },
    {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "SelfSubjectReview",
        "metadata": {"creationTimestamp": None},
        "status": {
            "userInfo": {"username": "alice", "groups": ["g1", "g2"], "extra": {"scopes": ["a", "b"]}}
        },
    },
    {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "metadata": {"name": "sa"},
        "spec": {"audiences": ["https://kubernetes.default.svc"], "expirationSeconds": 3600},
        "status": {"token": "abc", "expirationTimestamp": T0},
    },
    {
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {"name": "d"},
        "spec": {"replicas": 5},
        "status": {"replicas": 3, "selector": "app=web"},
    },
    {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "l"},
        "spec": {
            "holderIdentity": "me",
            "leaseDurationSeconds": 15,
            "renewTime": "2026-01-02T03:04:05.250000Z",
        },
    },
    {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods "x" is invalid',
        "reason": "Invalid",
        "code": 422,
        "details": {
            "name": "x",
            "kind": "Pod",
            "causes": [
                {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"}
            ],
        },
    },
]


@pytest.mark.parametrize("obj", OBJECTS, ids=[o["kind"] for o in OBJECTS])
def test_round_trip(obj: dict) -> None:
    body = KINDS.encode(obj)
    assert body.startswith(MAGIC)
    unk = envelope.unwrap(body)
    assert (unk.api_version, unk.kind) == (obj["apiVersion"], obj["kind"])
    assert KINDS.decode(body) == obj


def test_list_round_trip() -> None:
    items = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in OBJECTS[:1]] * 2
    lst = {
        "apiVersion": "v1",
        "kind": "PodList",
        "metadata": {"resourceVersion": "7", "continue": "tok", "remainingItemCount": 4},
        "items": items,
    }
    raw = envelope.unwrap(KINDS.encode(lst)).raw
    assert raw.startswith(b"\x0a")  # ListMeta first, then the items as field 2
    assert KINDS.decode(KINDS.encode(lst)) == lst
    empty = {"apiVersion": "apps/v1", "kind": "DeploymentList", "metadata": {"resourceVersion": "1"}}
    assert KINDS.decode(KINDS.encode({**empty, "items": []})) == empty


def test_zero_scalars_are_dropped_on_decode() -> None:
    dep = copy.deepcopy(OBJECTS[6])
    dep["spec"]["paused"] = False
    dep["spec"]["minReadySeconds"] = 0
    dep["metadata"]["generateName"] = ""
    back = KINDS.decode(KINDS.encode(dep))
    assert back == OBJECTS[6]


# ---- what the declarations cannot say yet ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EmbeddedField(Field):
    """A Field as the declarations will spell embedded Go structs and pointers."""

    embed: int = 0
    pointer: bool = False


def test_embedded_struct_travels_in_its_own_message() -> None:
    """Volume inlines VolumeSource (field 2) in JSON; on the wire it is a nested message."""
    vol = struct(
        "test.Volume",
        "",
        name=f(STRING, proto=1),
        hostPath=EmbeddedField(struct("test.HostPath", "", path=f(STRING, proto=1)), proto=1, embed=2),
        emptyDir=EmbeddedField(struct("test.EmptyDir", "", medium=f(STRING, proto=1)), proto=2, embed=2),
    )
    obj = {"name": "data", "hostPath": {"path": "/srv"}}
    raw = codec.encode_message(vol, obj)
    assert raw == b"\x0a\x04data" + b"\x12\x08" + b"\x0a\x06\x0a\x04/srv"
    assert codec.decode_message(vol, raw) == obj


def test_pointer_fields_keep_an_explicit_zero() -> None:
    spec = struct(
        "test.Spec", "", replicas=EmbeddedField(INT32, proto=1, pointer=True), minReady=f(INT32, proto=2)
    )
    assert codec.decode_message(spec, b"\x08\x00\x10\x00") == {"replicas": 0}


def test_unnumbered_fields_refuse_to_lose_data() -> None:
    s = struct("test.Gappy", "", name=f(STRING, proto=1), source=f(map_of(STRING)))
    assert codec.unnumbered_fields(s) == ["test.Gappy.source"]
    assert codec.encode_message(s, {"name": "a"}) == b"\x0a\x01a"
    with pytest.raises(ProtobufError, match="source"):
        codec.encode_message(s, {"name": "a", "source": {"k": "v"}})
    with pytest.raises(ProtobufError, match="source"):
        codec.decode_message(s, b"\x0a\x01a\x12\x00")


def test_nested_lists_travel_wrapped_like_extra_value() -> None:
    s = struct("test.Extra", "", extra=f(map_of(list_of(STRING)), proto=4))
    raw = codec.encode_message(s, {"extra": {"k": ["a", "b"]}})
    assert raw == b"\x22\x0b" + b"\x0a\x01k" + b"\x12\x06" + b"\x0a\x01a\x0a\x01b"
    assert codec.decode_message(s, raw) == {"extra": {"k": ["a", "b"]}}
