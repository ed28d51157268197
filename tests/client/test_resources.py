"""Resource paths and refs (pure)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@given(st.text(max_size=12), st.text(min_size=1, max_size=12))
def test_names_are_quoted_as_urllib_quotes_them(namespace: str, name: str) -> None:
    ns_part = f"/namespaces/{quote(namespace, safe='')}" if namespace else ""
    assert path(PODS, namespace, name) == f"/api/v1{ns_part}/pods/{quote(name, safe='')}"


@pytest.mark.parametrize("name", ["a b", "x/y", "é", "%", "p-1.2_~", "?#", ""])
def test_a_name_needing_escapes_is_quoted(name: str) -> None:
    assert path(PODS, name) == f"/api/v1/namespaces/{quote(name, safe='')}/pods" if name else "/api/v1/pods"
