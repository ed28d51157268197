"""Encoding costs on the request path: JSON out, the list body, decode/prune in, protobuf both ways."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from kubepy.api.catalog import all_resources
from kubepy.api.decode import canonical_order, decode
from kubepy.apiserver import protobuf_io

POD: dict[str, Any] = {
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "web-1",
        "namespace": "default",
        "labels": {"app": "web", "tier": "fe"},
        "uid": "0b6f1a4e-1111-2222-3333-444455556666",
        "resourceVersion": "42",
        "creationTimestamp": "2026-01-02T03:04:05Z",
    },
    "spec": {
        "containers": [
            {
                "name": "c",
                "image": "redis:7",
                "ports": [{"containerPort": 6379, "protocol": "TCP"}],
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent",
            }
        ],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
        "schedulerName": "default-scheduler",
        "terminationGracePeriodSeconds": 30,
        "securityContext": {},
        "enableServiceLinks": True,
    },
    "status": {"phase": "Pending", "qosClass": "Burstable"},
}
SCHEMA = next(r.schema for r in all_resources() if r.kind == "Pod" and r.group == "")


def test_json_encode_pod(benchmark: Any) -> None:
    out = benchmark(orjson.dumps, POD)
    assert orjson.loads(out) == POD


def test_list_body_1000(benchmark: Any) -> None:
    items = [orjson.dumps(POD)] * 1000
    body = benchmark(lambda: b'{"kind":"PodList","items":[' + b",".join(items) + b"]}")
    assert body.count(b'"kind":"Pod"') == 1000


def test_decode_and_prune_pod(benchmark: Any) -> None:
    def run() -> Any:
        obj = copy.deepcopy(POD)
        decode(obj, SCHEMA)
        return obj

    assert benchmark(run)["spec"]["containers"][0]["name"] == "c"


def test_canonical_order_pod(benchmark: Any) -> None:
    assert list(benchmark(canonical_order, POD, SCHEMA))[:2] == ["kind", "apiVersion"]


@pytest.mark.parametrize("direction", ["encode", "decode"])
def test_protobuf_pod(benchmark: Any, direction: str) -> None:
    data = protobuf_io.encode(POD)
    assert data is not None
    if direction == "encode":
        assert benchmark(protobuf_io.encode, POD) == data
    else:
        assert benchmark(protobuf_io.decode, data)["metadata"]["name"] == "web-1"
