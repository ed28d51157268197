"""§5.1: the kube-dns Service with the book's fixed cluster IP 20.1.0.100 (this module's server runs
with --service-cluster-ip-range=20.1.0.0/16, the book's DNS chapter range), and cluster-info
listing the cluster add-ons of kube-system."""

from __future__ import annotations

import re

from conformance import LiveServer
from conformance.kubectl.book import lifecycle
from conformance.kubectl.runner import BOOK, Kubectl, normalize

SERVER_ARGS = ["--service-cluster-ip-range=20.1.0.0/16"]


def test_manifest(kubectl: Kubectl) -> None:
    lifecycle(kubectl, "dns/skydns-svc.yaml")


def test_kube_dns_service_table(kubectl: Kubectl) -> None:
    kubectl("create", "-f", str(BOOK / "dns/skydns-svc.yaml"))
    assert normalize(kubectl("get", "svc", "kube-dns", "-n", "kube-system"), keep_ips=["20.1.0.100"]) == [
        "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE",
        "kube-dns | ClusterIP | 20.1.0.100 | <none> | 53/UDP,53/TCP | <age>",
    ]


def test_cluster_info_lists_add_ons(kubectl: Kubectl, server: LiveServer) -> None:
    """Services of kube-system labelled kubernetes.io/cluster-service=true are listed by their
    kubernetes.io/name, with the proxy URL of their first port."""
    url = server.url
    if kubectl.run("get", "svc", "kube-dns", "-n", "kube-system").rc != 0:
        kubectl("create", "-f", str(BOOK / "dns/skydns-svc.yaml"))
    kubectl("create", "-f", str(BOOK / "monitoring/kube-ui-svc.yaml"))
    out = re.sub(r"\x1b\[[0-9;]*m", "", kubectl("cluster-info"))
    assert out.splitlines() == [
        f"Kubernetes control plane is running at {url}",
        f"KubeDNS is running at {url}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy",
        f"KubeUI is running at {url}/api/v1/namespaces/kube-system/services/kube-ui/proxy",
        "",
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
    ]
