"""Resource paths and refs (pure)."""

from __future__ import annotations

import pytest

from kubepy.client.resources import LEASES, NODES, PODS, from_discovery, path


@pytest.mark.parametrize(
    ("args", "want"),
    [
        ((PODS,), "/api/v1/pods"),
        ((PODS, "ns"), "/api/v1/namespaces/ns/pods"),
        ((PODS, "ns", "p1", "status"), "/api/v1/namespaces/ns/pods/p1/status"),
        ((NODES, "ignored", "n1"), "/api/v1/nodes/n1"),
        (
            (LEASES, "kube-system", "kube-scheduler"),
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler",
        ),
    ],
)
def test_path(args, want) -> None:
    assert path(*args) == want


def test_subresource_needs_a_name() -> None:
    with pytest.raises(ValueError):
        path(PODS, "ns", "", "status")


def test_from_discovery_skips_subresources() -> None:
    doc = {
        "resources": [
            {"name": "widgets", "namespaced": True, "kind": "Widget"},
            {"name": "widgets/status", "namespaced": True, "kind": "Widget"},
        ]
    }
    refs = from_discovery("example.com/v1", doc)
    assert set(refs) == {"widgets", "Widget"}
    assert path(refs["widgets"], "ns", "w") == "/apis/example.com/v1/namespaces/ns/widgets/w"
