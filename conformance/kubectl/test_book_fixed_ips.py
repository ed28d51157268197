"""The book's Services with fixed cluster IPs outside 10.254.0.0/16 (10.0.171.239, 10.2.0.100): this
module's server runs with --service-cluster-ip-range=10.0.0.0/12, which holds both."""

from __future__ import annotations

import json

import pytest

from conformance.kubectl.book import lifecycle
from conformance.kubectl.runner import BOOK, Kubectl, normalize

SERVER_ARGS = ["--service-cluster-ip-range=10.0.0.0/12"]


@pytest.mark.parametrize(
    "manifest", ["misc/my-service-loadbalancer.json", "misc/mywebservice-cluster-service.yaml"]
)
def test_manifest(kubectl: Kubectl, manifest: str) -> None:
    lifecycle(kubectl, manifest)


def test_load_balancer_service_table(kubectl: Kubectl) -> None:
    """§1.4.5: the status in the file is not the client's to set, so the external IP is pending
    until a cloud controller fills status.loadBalancer."""
    f = str(BOOK / "misc/my-service-loadbalancer.json")
    assert kubectl("create", "-f", f) == "service/my-service created\n"
    assert normalize(kubectl("get", "svc", "my-service"), keep_ips=["10.0.171.239"]) == [
        "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE",
        "my-service | LoadBalancer | 10.0.171.239 | <pending> | 80:30061/TCP | <age>",
    ]
    assert json.loads(kubectl("get", "svc", "my-service", "-o", "jsonpath={.status}")) == {"loadBalancer": {}}
    taken = kubectl.run("create", "service", "clusterip", "other", "--tcp=80:80", "--clusterip=10.0.171.239")
    assert taken.rc == 1
    # the value is printed as Go's %#v ([]string{...}) or, in newer releases, as JSON
    assert taken.err.startswith(
        'error: failed to create ClusterIP service: Service "other" is invalid: spec.clusterIPs: Invalid value: '
    )
    assert taken.err.endswith(": failed to allocate IP 10.0.171.239: provided IP is already allocated\n")
    kubectl("delete", "-f", f)


def test_cluster_ip_outside_the_range(kubectl: Kubectl) -> None:
    out = kubectl.run("create", "service", "clusterip", "far", "--tcp=80:80", "--clusterip=10.254.0.50")
    assert out.rc == 1
    assert out.err.startswith(
        'error: failed to create ClusterIP service: Service "far" is invalid: spec.clusterIPs: Invalid value: '
    )
    assert out.err.endswith(
        ": failed to allocate IP 10.254.0.50: the provided IP (10.254.0.50) is not in "
        "the valid range. The range of valid IPs is 10.0.0.0/12\n"
    )
