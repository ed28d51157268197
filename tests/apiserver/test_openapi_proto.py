"""The gnostic openapi.v2.Document encoding, read back with a small wire-format decoder."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson
import pytest

from kubepy.api.catalog import all_resources
from kubepy.apiserver.openapi import OpenAPI
from kubepy.apiserver.openapi.proto_v2 import _varint, encode_document

Msg = dict[int, list[Any]]


def decode(buf: bytes) -> Msg:
    """Fields of one message: number → values (bytes for length-delimited, int for varints)."""
    out: Msg = defaultdict(list)
    i = 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _read_varint(buf, i)
            out[num].append(v)
        elif wire == 2:
            n, i = _read_varint(buf, i)
            out[num].append(buf[i : i + n])
            i += n
        else:  # pragma: no cover - the encoder writes no other wire types
            raise AssertionError(wire)
    return out


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def named(entries: list[bytes]) -> dict[str, bytes]:
    """Repeated Named* messages (1: name, 2: value) as a dict."""
    out = {}
    for e in entries:
        m = decode(e)
        out[m[1][0].decode()] = m[2][0] if 2 in m else b""
    return out


@pytest.fixture(scope="module")
def doc() -> tuple[dict[str, Any], Msg]:
    oa = OpenAPI(all_resources(), "v1.37.0")
    assert oa.v2_proto is not None
    return orjson.loads(oa.v2.body), decode(oa.v2_proto.body)


def test_varint():
    assert _varint(1) == b"\x01"
    assert _varint(300) == b"\xac\x02"
    assert _read_varint(_varint(2**40 + 5), 0) == (2**40 + 5, 6)


def test_document_header(doc):
    _, pb = doc
    assert pb[1] == [b"2.0"]
    info = decode(pb[2][0])
    assert info[1] == [b"Kubernetes"] and info[2] == [b"v1.37.0"]


def test_definitions_round_trip(doc):
    js, pb = doc
    defs = named(decode(pb[9][0])[1])
    assert set(defs) == set(js["definitions"])
    pod = decode(defs["io.k8s.api.core.v1.Pod"])
    assert pod[4] == [js["definitions"]["io.k8s.api.core.v1.Pod"]["description"].encode()]
    assert decode(pod[22][0])[1] == [b"object"]  # TypeItem
    ext = named(pod[31])
    gvk = decode(ext["x-kubernetes-group-version-kind"])[2][0]  # Any.yaml; JSON is YAML
    assert orjson.loads(gvk) == [{"group": "", "kind": "Pod", "version": "v1"}]
    props = named(decode(pod[25][0])[1])
    assert set(props) == {"apiVersion", "kind", "metadata", "spec", "status"}
    meta = decode(props["metadata"])
    assert meta[1] == [b"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]
    spec = decode(defs["io.k8s.api.core.v1.PodSpec"])
    containers = decode(named(decode(spec[25][0])[1])["containers"])
    ext = {k: orjson.loads(decode(v)[2][0]) for k, v in named(containers[31]).items()}
    assert ext["x-kubernetes-patch-merge-key"] == "name"
    assert ext["x-kubernetes-patch-strategy"] == "merge"
    assert b"containers" in spec[19]  # required


def test_patch_operation_carries_gvk_and_field_validation(doc):
    """What kubectl 1.24-1.26 read from the protobuf v2 document to decide on fieldValidation."""
    _, pb = doc
    paths = named(decode(pb[8][0])[2])
    item = decode(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"])
    patch = decode(item[8][0])
    assert patch[5] == [b"patchAppsV1NamespacedDeployment"]
    ext = {k: orjson.loads(decode(v)[2][0]) for k, v in named(patch[13]).items()}
    assert ext["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert ext["x-kubernetes-action"] == "patch"
    query_names = []
    for p in patch[8]:  # ParametersItem → Parameter
        param = decode(decode(p)[1][0])
        if 2 in param:  # NonBodyParameter → QueryParameterSubSchema (3)
            sub = decode(decode(param[2][0])[3][0])
            query_names.append(sub[4][0].decode())
        else:  # BodyParameter
            body = decode(param[1][0])
            assert body[2] == [b"body"] and body[4] == [1]
    assert {"dryRun", "fieldManager", "fieldValidation", "force"} <= set(query_names)
    path_params = [decode(decode(decode(p)[1][0])[2][0]) for p in item[9]]
    path_subs = [decode(pp[4][0]) for pp in path_params if 4 in pp]
    assert {s[4][0] for s in path_subs} == {b"name", b"namespace"}
    assert all(s[1] == [1] for s in path_subs)  # required


def test_encoding_of_small_document():
    out = encode_document(
        {
            "swagger": "2.0",
            "info": {"title": "T", "version": "v"},
            "paths": {},
            "definitions": {"a.B": {"type": "object", "additionalProperties": True}},
        }
    )
    m = decode(out)
    defs = named(decode(m[9][0])[1])
    b = decode(defs["a.B"])
    assert decode(b[21][0]) == {2: [1]}
