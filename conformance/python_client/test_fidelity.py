"""Details a client notices: how bodies are decoded and encoded, and the one Event resource
behind two APIs."""

from __future__ import annotations

from typing import Any

import httpx
from kubernetes import client

from conformance.python_client.helpers import book


def test_book_endpoints_upper_case_ip(server_url: str, ns: str):
    """misc/my-service-endpoints.json as printed ("IP"): Kubernetes 1.0 decoded JSON keys
    case-insensitively and took it; today's Kubernetes decodes case-sensitively, drops "IP" as an
    unknown field (a Warning) and then finds no ip (422). kubepy follows today's behaviour."""
    r = httpx.post(
        f"{server_url}/api/v1/namespaces/{ns}/endpoints", json=book("misc/my-service-endpoints.json")
    )
    assert r.status_code == 422, r.text
    assert 'unknown field \\"subsets[0].addresses[0].IP\\"' in r.headers["warning"]
    assert "subsets[0].addresses[0].ip" in r.json()["message"]


def test_events_are_one_resource_in_two_apis(api_client: Any, ns: str):
    """Kubernetes stores core/v1 and events.k8s.io/v1 Events once: each API sees the other's."""
    core, events = client.CoreV1Api(api_client), client.EventsV1Api(api_client)
    events.create_namespaced_event(
        ns,
        {
            "apiVersion": "events.k8s.io/v1",
            "kind": "Event",
            "metadata": {"name": "both.1"},
            "eventTime": "2026-01-02T03:04:05.000000Z",
            "reportingController": "kubepy.io/conformance",
            "reportingInstance": "conformance-1",
            "action": "Testing",
            "reason": "Crossed",
            "regarding": {"apiVersion": "v1", "kind": "Pod", "name": "x", "namespace": ns},
            "note": "seen from core",
            "type": "Normal",
        },
    )
    legacy = core.read_namespaced_event("both.1", ns)
    assert (legacy.reason, legacy.message, legacy.involved_object.name) == ("Crossed", "seen from core", "x")
    assert legacy.reporting_component == "kubepy.io/conformance"

    core.create_namespaced_event(
        ns,
        {
            "metadata": {"name": "both.2"},
            # events.k8s.io/v1 requires eventTime, which a core/v1 client may leave out
            "eventTime": "2026-01-02T03:04:05.000000Z",
            "reportingComponent": "kubelet",
            "reportingInstance": "node-a",
            "action": "Testing",
            "involvedObject": {"kind": "Pod", "name": "y", "namespace": ns},
            "reason": "Legacy",
            "message": "seen from events.k8s.io",
            "type": "Warning",
            "source": {"component": "kubelet", "host": "node-a"},
        },
    )
    new = events.read_namespaced_event("both.2", ns)
    assert (new.reason, new.note, new.regarding.name, new.type) == (
        "Legacy",
        "seen from events.k8s.io",
        "y",
        "Warning",
    )
    assert new.deprecated_source.component == "kubelet"


def test_omitempty_fields_are_omitted(api_client: Any, ns: str):
    """Go encodes `omitempty` fields holding an empty map or list, false or 0 as nothing at all:
    a client reads None back, never {}, [] or False."""
    core = client.CoreV1Api(api_client)
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "empty", "labels": {}}, "data": {}})
    assert cm.metadata.labels is None
    assert cm.data is None
    p = core.create_namespaced_pod(
        ns, {"metadata": {"name": "empty"}, "spec": {"containers": [{"name": "c", "image": "x", "env": []}]}}
    )
    assert p.spec.containers[0].env is None
    # the same for false booleans (`unschedulable,omitempty`)
    n = core.create_node({"metadata": {"name": "empty-node"}, "spec": {"unschedulable": False}})
    assert n.spec.unschedulable is None
