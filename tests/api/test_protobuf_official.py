"""Cross-check against Google's protobuf runtime (a test-only dependency) with descriptors written
by hand from Kubernetes' generated.proto: the same values give the same bytes, and our bytes parse.
"""

from __future__ import annotations

from typing import Any

import pytest

pb = pytest.importorskip("google.protobuf")

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # noqa: E402

from kubepy.api.catalog import all_resources  # noqa: E402
from kubepy.api.protobuf import Kinds, codec, envelope  # noqa: E402
from kubepy.apiserver.openapi import extra_types as x  # noqa: E402

F = descriptor_pb2.FieldDescriptorProto
OPT, REP = F.LABEL_OPTIONAL, F.LABEL_REPEATED
STR, BYTES, I32, I64, BOOL, MSG = (
    F.TYPE_STRING,
    F.TYPE_BYTES,
    F.TYPE_INT32,
    F.TYPE_INT64,
    F.TYPE_BOOL,
    F.TYPE_MESSAGE,
)
PKG = "kubepytest"


def _msg(fp: descriptor_pb2.FileDescriptorProto, name: str, *fields: tuple, maps: dict | None = None) -> None:
    m = fp.message_type.add(name=name)
    for fname, num, ftype, label, *ref in fields:
        fd = m.field.add(name=fname, number=num, type=ftype, label=label)
        if ref:
            fd.type_name = f".{PKG}.{ref[0]}"
    for fname, (num, vtype, *vref) in (maps or {}).items():
        entry = m.nested_type.add(name=fname.capitalize() + "Entry")
        entry.options.map_entry = True
        entry.field.add(name="key", number=1, type=STR, label=OPT)
        v = entry.field.add(name="value", number=2, type=vtype, label=OPT)
        if vref:
            v.type_name = f".{PKG}.{vref[0]}"
        m.field.add(name=fname, number=num, type=MSG, label=REP, type_name=f".{PKG}.{name}.{entry.name}")


def _classes() -> dict[str, Any]:
    fp = descriptor_pb2.FileDescriptorProto(name="kubepytest.proto", package=PKG, syntax="proto2")
    _msg(fp, "Time", ("seconds", 1, I64, OPT), ("nanos", 2, I32, OPT))
    _msg(fp, "Quantity", ("string", 1, STR, OPT))
    _msg(fp, "IntOrString", ("type", 1, I64, OPT), ("intVal", 2, I32, OPT), ("strVal", 3, STR, OPT))
    _msg(
        fp,
        "ObjectMeta",
        ("name", 1, STR, OPT),
        ("namespace", 3, STR, OPT),
        ("uid", 5, STR, OPT),
        ("generation", 7, I64, OPT),
        ("creationTimestamp", 8, MSG, OPT, "Time"),
        ("finalizers", 14, STR, REP),
        maps={"labels": (11, STR), "annotations": (12, STR)},
    )
    _msg(
        fp,
        "ConfigMap",
        ("metadata", 1, MSG, OPT, "ObjectMeta"),
        ("immutable", 4, BOOL, OPT),
        maps={"data": (2, STR), "binaryData": (3, BYTES)},
    )
    _msg(
        fp,
        "ServicePort",
        ("name", 1, STR, OPT),
        ("protocol", 2, STR, OPT),
        ("port", 3, I32, OPT),
        ("targetPort", 4, MSG, OPT, "IntOrString"),
        ("nodePort", 5, I32, OPT),
    )
    _msg(fp, "ResourceRequirements", maps={"limits": (1, MSG, "Quantity"), "requests": (2, MSG, "Quantity")})
    _msg(fp, "PodSecurityContext", ("runAsUser", 2, I64, OPT), ("supplementalGroups", 4, I64, REP))
    _msg(
        fp, "ListMeta", ("selfLink", 1, STR, OPT), ("resourceVersion", 2, STR, OPT), ("continue", 3, STR, OPT)
    )
    _msg(fp, "StatusCause", ("reason", 1, STR, OPT), ("message", 2, STR, OPT), ("field", 3, STR, OPT))
    _msg(
        fp,
        "StatusDetails",
        ("name", 1, STR, OPT),
        ("kind", 3, STR, OPT),
        ("causes", 4, MSG, REP, "StatusCause"),
    )
    _msg(
        fp,
        "Status",
        ("metadata", 1, MSG, OPT, "ListMeta"),
        ("status", 2, STR, OPT),
        ("message", 3, STR, OPT),
        ("reason", 4, STR, OPT),
        ("details", 5, MSG, OPT, "StatusDetails"),
        ("code", 6, I32, OPT),
    )
    _msg(fp, "TypeMeta", ("apiVersion", 1, STR, OPT), ("kind", 2, STR, OPT))
    _msg(
        fp,
        "Unknown",
        ("typeMeta", 1, MSG, OPT, "TypeMeta"),
        ("raw", 2, BYTES, OPT),
        ("contentEncoding", 3, STR, OPT),
        ("contentType", 4, STR, OPT),
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fp)
    names = [m.name for m in fp.message_type]
    return {n: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PKG}.{n}")) for n in names}


PB = _classes()
KINDS = Kinds([r.schema for r in all_resources()], any_version=[x.Status])
POD = KINDS.lookup("v1", "Pod")
SERVICE = KINDS.lookup("v1", "Service")
assert POD is not None and SERVICE is not None


def _ser(m: Any) -> bytes:
    return m.SerializeToString(deterministic=True)


def test_configmap_matches_official_runtime() -> None:
    ours = {
        "metadata": {
            "name": "cfg",
            "namespace": "ns",
            "generation": 2,
            "creationTimestamp": "2026-01-02T03:04:05Z",
            "labels": {"z": "1", "a": "2"},
            "finalizers": ["f1", "f2"],
        },
        "data": {"k2": "v2", "k1": "v1"},
        "binaryData": {"b": "AAE="},
        "immutable": False,
    }
    theirs = PB["ConfigMap"]()
    meta = theirs.metadata
    meta.name, meta.namespace, meta.generation = "cfg", "ns", 2
    meta.creationTimestamp.seconds, meta.creationTimestamp.nanos = 1767323045, 0
    meta.labels.update({"z": "1", "a": "2"})
    meta.finalizers.extend(["f1", "f2"])
    theirs.data.update({"k2": "v2", "k1": "v1"})
    theirs.binaryData["b"] = b"\x00\x01"
    theirs.immutable = False
    cm = KINDS.lookup("v1", "ConfigMap")
    assert cm is not None
    assert codec.encode_message(cm, ours) == _ser(theirs)
    parsed = PB["ConfigMap"].FromString(codec.encode_message(cm, ours))
    assert parsed.metadata.labels["a"] == "2" and parsed.binaryData["b"] == b"\x00\x01"


def test_service_port_int_or_string_and_quantities_match() -> None:
    port_t = SERVICE.fields["spec"].type.fields["ports"].type.item  # type: ignore[union-attr]
    for target, (kind, ival, sval) in (("http", (1, 0, "http")), (8080, (0, 8080, ""))):
        theirs = PB["ServicePort"](name="web", protocol="TCP", port=80, nodePort=30080)
        theirs.targetPort.type, theirs.targetPort.intVal, theirs.targetPort.strVal = kind, ival, sval
        ours = {"name": "web", "protocol": "TCP", "port": 80, "targetPort": target, "nodePort": 30080}
        assert codec.encode_message(port_t, ours) == _ser(theirs)
    res_t = POD.fields["spec"].type.fields["containers"].type.item.fields["resources"].type  # type: ignore[union-attr]
    theirs = PB["ResourceRequirements"]()
    theirs.limits["memory"].string = "1Gi"
    theirs.limits["cpu"].string = "2"
    theirs.requests["cpu"].string = "500m"
    ours = {"limits": {"memory": "1Gi", "cpu": "2"}, "requests": {"cpu": "500m"}}
    assert codec.encode_message(res_t, ours) == _ser(theirs)


def test_repeated_int64_is_not_packed_in_proto2() -> None:
    psc_t = POD.fields["spec"].type.fields["securityContext"].type  # type: ignore[union-attr]
    theirs = PB["PodSecurityContext"](runAsUser=-1, supplementalGroups=[1, 300, -5])
    ours = {"runAsUser": -1, "supplementalGroups": [1, 300, -5]}
    assert codec.encode_message(psc_t, ours) == _ser(theirs)
    assert codec.decode_message(psc_t, _ser(theirs)) == ours


def test_status_envelope_matches_official_runtime() -> None:
    status = {
        "apiVersion": "v1",
        "kind": "Status",
        "metadata": {},
        "status": "Failure",
        "message": "bad",
        "reason": "Invalid",
        "code": 422,
        "details": {
            "name": "p",
            "kind": "Pod",
            "causes": [{"reason": "FieldValueRequired", "field": "spec"}],
        },
    }
    st = PB["Status"](status="Failure", message="bad", reason="Invalid", code=422)
    st.metadata.SetInParent()
    st.details.name, st.details.kind = "p", "Pod"
    st.details.causes.add(reason="FieldValueRequired", field="spec")
    unk = PB["Unknown"](raw=_ser(st), contentEncoding="", contentType="")
    unk.typeMeta.apiVersion, unk.typeMeta.kind = "v1", "Status"
    assert KINDS.encode(status) == envelope.MAGIC + _ser(unk)
    assert KINDS.decode(envelope.MAGIC + _ser(unk)) == status
