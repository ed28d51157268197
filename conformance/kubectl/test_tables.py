"""`kubectl get` tables of the book's kinds, as a kube-apiserver with no controllers, scheduler or
kubelets prints them (Pods Pending on no node, workloads with no replicas yet, quotas not yet
counted). The server builds these Tables; kubectl only pads them."""

from __future__ import annotations

import pytest

from conformance.kubectl.book import ensure_namespace
from conformance.kubectl.runner import BOOK, Kubectl, normalize


@pytest.fixture(scope="module")
def ns(kubectl: Kubectl) -> str:
    """A namespace of the book's objects (no `kubernetes` Service in it)."""
    ensure_namespace(kubectl, "tables")
    for rel in (
        "misc/redis-slave-pod.yaml",
        "guestbook/frontend-service.yaml",
        "guestbook/redis-master-controller.yaml",
        "security/secrets.yaml",
        "security/serviceaccount.json",
        "misc/limits.yaml",
        "misc/quota.json",
    ):
        kubectl("create", "-f", str(BOOK / rel), "-n", "tables")
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2", "-n", "tables")
    return "tables"


def get(kubectl: Kubectl, ns: str, *args: str) -> list[str]:
    return normalize(kubectl("get", *args, "-n", ns))


def test_pod(kubectl: Kubectl, ns: str) -> None:
    assert get(kubectl, ns, "pods") == [
        "NAME | READY | STATUS | RESTARTS | AGE",
        "redis-slave | 0/1 | Pending | 0 | <age>",
    ]
    assert get(kubectl, ns, "pods", "-o", "wide") == [
        "NAME | READY | STATUS | RESTARTS | AGE | IP | NODE | NOMINATED NODE | READINESS GATES",
        "redis-slave | 0/1 | Pending | 0 | <age> | <none> | <none> | <none> | <none>",
    ]


def test_node_port_service(kubectl: Kubectl, ns: str) -> None:
    assert get(kubectl, ns, "svc") == [
        "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE",
        "frontend | NodePort | <ip> | <none> | 80:30001/TCP | <age>",
    ]


def test_deployment(kubectl: Kubectl, ns: str) -> None:
    assert get(kubectl, ns, "deployments", "-o", "wide") == [
        "NAME | READY | UP-TO-DATE | AVAILABLE | AGE | CONTAINERS | IMAGES | SELECTOR",
        "web | 0/2 | 0 | 0 | <age> | nginx | nginx | app=web",
    ]


def test_secret_and_service_account(kubectl: Kubectl, ns: str) -> None:
    assert get(kubectl, ns, "secrets") == ["NAME | TYPE | DATA | AGE", "mysecret | Opaque | 2 | <age>"]
    assert get(kubectl, ns, "serviceaccounts") == ["NAME | SECRETS | AGE", "build-robot | 0 | <age>"]


def test_limit_range(kubectl: Kubectl, ns: str) -> None:
    assert get(kubectl, ns, "limits") == ["NAME | CREATED AT", "mylimits | <time>"]


def test_resource_quota_before_the_quota_controller(kubectl: Kubectl, ns: str) -> None:
    """REQUEST and LIMIT list status.hard (used/hard), which the quota controller fills: until it
    runs both cells are empty (the padding of empty cells collapses in `normalize`)."""
    assert get(kubectl, ns, "quota") == ["NAME | REQUEST | LIMIT | AGE", "quota | <age>"]


def test_get_all(kubectl: Kubectl, ns: str) -> None:
    """The `all` category: pods, replication controllers, services, then the apps kinds."""
    assert get(kubectl, ns, "all") == [
        "NAME | READY | STATUS | RESTARTS | AGE",
        "pod/redis-slave | 0/1 | Pending | 0 | <age>",
        "",
        "NAME | DESIRED | CURRENT | READY | AGE",
        "replicationcontroller/redis-master | 1 | 0 | 0 | <age>",
        "",
        "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE",
        "service/frontend | NodePort | <ip> | <none> | 80:30001/TCP | <age>",
        "",
        "NAME | READY | UP-TO-DATE | AVAILABLE | AGE",
        "deployment.apps/web | 0/2 | 0 | 0 | <age>",
    ]


def test_node(kubectl: Kubectl) -> None:
    kubectl("create", "-f", str(BOOK / "misc/node-e2e-example.json"))
    assert normalize(kubectl("get", "nodes", "-o", "wide")) == [
        "NAME | STATUS | ROLES | AGE | VERSION | INTERNAL-IP | EXTERNAL-IP | OS-IMAGE | KERNEL-VERSION | "
        "CONTAINER-RUNTIME",
        "e2e-test-wojtekt-minion-etd6 | Ready | <none> | <age> | v0.15.0-484-g0c8ee980d705a3-dirty | <none> | "
        "<ip> | Debian GNU/Linux 7 (wheezy) | 3.16.0-0.bpo.4-amd64 | docker://1.5.0",
    ]
    kubectl("delete", "node", "e2e-test-wojtekt-minion-etd6")


def test_field_selectors_per_kind(kubectl: Kubectl, ns: str) -> None:
    """Each kind's own selectable fields (pods: status.phase, spec.nodeName...; secrets: type)."""
    assert get(kubectl, ns, "pods", "--field-selector=status.phase=Pending", "-o", "name") == [
        "pod/redis-slave"
    ]
    assert get(kubectl, ns, "pods", "--field-selector=spec.nodeName=", "-o", "name") == ["pod/redis-slave"]
    assert get(kubectl, ns, "secrets", "--field-selector=type=Opaque", "-o", "name") == ["secret/mysecret"]
    assert get(kubectl, ns, "rc", "--field-selector=status.replicas=0", "-o", "name") == [
        "replicationcontroller/redis-master"
    ]
    active = kubectl("get", "namespaces", "--field-selector=status.phase=Active", "-o", "name").splitlines()
    assert "namespace/tables" in active
    bad = kubectl.run("get", "pods", "-n", ns, "--field-selector=spec.image=x")
    assert bad.rc == 1
    assert bad.err == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", '
        'field selector "spec.image=x": field label not supported: spec.image\n'
    )


def test_dry_run_delete_all(kubectl: Kubectl, ns: str) -> None:
    out = kubectl("delete", "secrets", "--all", "-n", ns, "--dry-run=server")
    assert out == kubectl.deleted("secret", "mysecret", ns) + " (server dry run)\n"
    assert get(kubectl, ns, "secrets", "-o", "name") == ["secret/mysecret"]
