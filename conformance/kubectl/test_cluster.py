"""Issue 4's "Tested by": the book's cluster scenarios with the real kubectl 1.37 against a whole
`kubepy up --nodes 3` (apiserver, controller-manager, scheduler, three simulated kubelets).

The scenarios share one cluster and run in file order; each works in its own namespace except the
guestbook ones (the book runs it in default), and a scenario that changes a node (cordon) undoes
it. Only kubectl 1.37 runs here: the other minors are covered API-wide by the other modules, and a
cluster per minor would cost minutes. Outputs are compared with what Kubernetes prints wherever
they are deterministic (ages, IPs and pod names normalised away).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.kubectl.cluster import Cluster, eventually, start_cluster
from conformance.kubectl.runner import BOOK, Kubectl, normalize, table

VERSION = "1.37"
NODES = ("node-1", "node-2", "node-3")
GUESTBOOK = (
    "redis-master-controller.yaml",
    "redis-master-service.yaml",
    "redis-slave-controller.yaml",
    "redis-slave-service.yaml",
    "frontend-controller.yaml",
    "frontend-service.yaml",
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = start_cluster(tmp_path_factory.mktemp("kubepy-up"), nodes=len(NODES))
    yield c
    c.stop()


@pytest.fixture(scope="module")
def k(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    """kubectl 1.37 on the kubeconfig `kubepy up` wrote, once all three nodes are Ready."""
    from kubepy import kubectl as fetcher

    try:
        binary = fetcher.fetch(VERSION)
    except (fetcher.KubectlUnavailable, OSError) as e:
        pytest.skip(f"kubectl {VERSION} cannot be fetched: {e}")
    k = Kubectl(binary, VERSION, cluster.kubeconfig, tmp_path_factory.mktemp("home-cluster"))
    eventually(lambda: ready_nodes(k) == set(NODES) or None, what="three Ready nodes")
    return k


# ---- reading the cluster through kubectl ----------------------------------------------------------
def ready_nodes(k: Kubectl) -> set[str]:
    r = k.run("get", "nodes", "--no-headers")
    return (
        {ln.split()[0] for ln in r.lines if len(ln.split()) > 1 and ln.split()[1] == "Ready"}
        if r.rc == 0
        else set()
    )


def pods(k: Kubectl, namespace: str, selector: str = "") -> list[dict]:
    args = ["get", "pods", "-n", namespace, "-o", "json"] + (["-l", selector] if selector else [])
    return json.loads(k(*args))["items"]


def running(k: Kubectl, namespace: str, selector: str, count: int) -> list[dict] | None:
    """The pods when exactly `count` match, none is terminating, and all are Running on a node."""
    items = pods(k, namespace, selector)
    live = [p for p in items if not p["metadata"].get("deletionTimestamp")]
    if len(items) != count or len(live) != count:
        return None
    if all(p["status"].get("phase") == "Running" and p["spec"].get("nodeName") for p in items):
        return items
    return None


def wait_running(k: Kubectl, namespace: str, selector: str, count: int) -> list[dict]:
    return eventually(lambda: running(k, namespace, selector, count), what=f"{count} Running {selector} pods")


def jsonpath(k: Kubectl, *args: str, path: str) -> str:
    return k(*args, "-o", f"jsonpath={path}")


# ---- the guestbook (book §1.4) -------------------------------------------------------------------
@pytest.fixture(scope="module")
def guestbook(k: Kubectl) -> Kubectl:
    for name in GUESTBOOK:
        out = k("create", "-f", str(BOOK / "guestbook" / name))
        kind = "replicationcontroller" if "controller" in name else "service"
        assert (
            out.strip()
            == f"{kind}/{name.removesuffix('-controller.yaml').removesuffix('-service.yaml')} created"
        )
    return k


def test_guestbook_pods_run_on_simulated_nodes(guestbook: Kubectl) -> None:
    k = guestbook
    for app, n in (("redis-master", 1), ("redis-slave", 2), ("frontend", 3)):
        ps = wait_running(k, "default", f"name={app}", n)
        assert {p["spec"]["nodeName"] for p in ps} <= set(NODES)
        assert all(p["status"].get("podIP") and p["status"].get("hostIP") for p in ps)
        ips = sorted(p["status"]["podIP"] for p in ps)

        def endpoints_filled(app: str = app, ips: list[str] = ips) -> bool:
            got = jsonpath(k, "get", "endpoints", app, path="{.subsets[*].addresses[*].ip}").split()
            assert sorted(got) == ips, f"endpoints of {app}: {got}, pods: {ips}"
            return True

        eventually(endpoints_filled)
    assert table(k("get", "rc")) == [
        "NAME | DESIRED | CURRENT | READY | AGE",
        "frontend | 3 | 3 | 3 | <age>",
        "redis-master | 1 | 1 | 1 | <age>",
        "redis-slave | 2 | 2 | 2 | <age>",
    ]
    assert table(k("get", "svc", "frontend", "redis-master")) == [
        "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE",
        "frontend | NodePort | <ip> | <none> | 80:30001/TCP | <age>",
        "redis-master | ClusterIP | <ip> | <none> | 6379/TCP | <age>",
    ]
    wide = table(k("get", "pods", "-l", "name=frontend", "-o", "wide"))
    assert wide[0] == "NAME | READY | STATUS | RESTARTS | AGE | IP | NODE | NOMINATED NODE | READINESS GATES"
    for row in wide[1:]:
        cells = row.split(" | ")
        assert cells[1:5] == ["1/1", "Running", "0", "<age>"] and cells[5] == "<ip>", row
        assert cells[6] in NODES and cells[7:] == ["<none>", "<none>"], row


def test_scale_rc_up_and_back(guestbook: Kubectl) -> None:
    k = guestbook
    wait_running(k, "default", "name=frontend", 3)
    assert k("scale", "rc", "frontend", "--replicas=5").strip() == "replicationcontroller/frontend scaled"
    wait_running(k, "default", "name=frontend", 5)
    eventually(lambda: table(k("get", "rc", "frontend"))[1] == "frontend | 5 | 5 | 5 | <age>" or None)
    assert k("scale", "rc", "frontend", "--replicas=3").strip() == "replicationcontroller/frontend scaled"
    wait_running(k, "default", "name=frontend", 3)
    eventually(lambda: table(k("get", "rc", "frontend"))[1] == "frontend | 3 | 3 | 3 | <age>" or None)


def test_deleted_pod_is_replaced(guestbook: Kubectl) -> None:
    k = guestbook
    before = {p["metadata"]["name"] for p in wait_running(k, "default", "name=frontend", 3)}
    victim = sorted(before)[0]
    assert k("delete", "pod", victim).strip() == k.deleted("pod", victim)
    after = {p["metadata"]["name"] for p in wait_running(k, "default", "name=frontend", 3)}
    assert victim not in after and len(after - before) == 1


# ---- Deployments: rollout status / history / undo ---------------------------------------------------
def test_rollout_set_image_history_undo(k: Kubectl) -> None:
    ns = "rollout"
    k("create", "namespace", ns)
    n = ["-n", ns]
    k(*n, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2")
    done = 'deployment "web" successfully rolled out'
    assert k(*n, "rollout", "status", "deployment/web", "--timeout=90s", timeout=100).splitlines()[-1] == done
    assert (
        k(*n, "set", "image", "deployment/web", "nginx=nginx:1.26").strip()
        == "deployment.apps/web image updated"
    )
    assert k(*n, "rollout", "status", "deployment/web", "--timeout=90s", timeout=100).splitlines()[-1] == done
    assert normalize(k(*n, "rollout", "history", "deployment/web")) == [
        "deployment.apps/web",
        "REVISION | CHANGE-CAUSE",
        "1 | <none>",
        "2 | <none>",
    ]
    images = {p["spec"]["containers"][0]["image"] for p in wait_running(k, ns, "app=web", 2)}
    assert images == {"nginx:1.26"}
    assert k(*n, "rollout", "undo", "deployment/web").strip() == "deployment.apps/web rolled back"
    assert k(*n, "rollout", "status", "deployment/web", "--timeout=90s", timeout=100).splitlines()[-1] == done
    assert normalize(k(*n, "rollout", "history", "deployment/web")) == [
        "deployment.apps/web",
        "REVISION | CHANGE-CAUSE",
        "2 | <none>",
        "3 | <none>",
    ]
    path = "{.spec.template.spec.containers[0].image}"
    assert jsonpath(k, *n, "get", "deployment", "web", path=path) == "nginx:1.25"
    eventually(
        lambda: (
            {p["spec"]["containers"][0]["image"] for p in wait_running(k, ns, "app=web", 2)} == {"nginx:1.25"}
        )
    )
    rs = table(k(*n, "get", "rs", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision"))
    assert [r.split(" | ")[1:4] for r in rs[1:]] == [["0", "0", "0"], ["2", "2", "2"]]


# ---- namespaces ------------------------------------------------------------------------------------
def test_deleting_a_namespace_empties_it(k: Kubectl) -> None:
    k("create", "namespace", "doomed")
    k("-n", "doomed", "run", "p1", "--image=nginx")
    k("-n", "doomed", "create", "configmap", "c1", "--from-literal=a=b")
    wait_running(k, "doomed", "run=p1", 1)
    assert k("delete", "namespace", "doomed", timeout=100).strip() == k.deleted(
        "namespace", "doomed", namespace=None
    )

    def gone() -> bool:
        r = k.run("get", "namespace", "doomed")
        assert (
            r.rc == 1 and r.message.strip() == 'Error from server (NotFound): namespaces "doomed" not found'
        ), r
        return True

    eventually(gone)
    assert (
        k.run("get", "pods,configmaps", "-n", "doomed").message.strip()
        == "No resources found in doomed namespace."
    )


# ---- nodes: cordon (§4.3.1), nodeSelector (§4.3.5) ----------------------------------------------------
def test_cordon_keeps_new_pods_off_the_node(k: Kubectl) -> None:
    assert k("cordon", "node-1").strip() == "node/node-1 cordoned"
    try:
        rows = [r.split(" | ")[:3] for r in table(k("get", "nodes"))]
        assert rows == [
            ["NAME", "STATUS", "ROLES"],
            ["node-1", "Ready,SchedulingDisabled", "<none>"],
            ["node-2", "Ready", "<none>"],
            ["node-3", "Ready", "<none>"],
        ]
        k("create", "namespace", "cordoned")
        k("-n", "cordoned", "create", "deployment", "spread", "--image=nginx", "--replicas=6")
        placed = {p["spec"]["nodeName"] for p in wait_running(k, "cordoned", "app=spread", 6)}
        assert placed and "node-1" not in placed
    finally:
        assert k("uncordon", "node-1").strip() == "node/node-1 uncordoned"
    assert table(k("get", "node", "node-1"))[1].split(" | ")[1] == "Ready"


def test_node_selector_places_pods_on_the_labelled_node(k: Kubectl) -> None:
    assert k("label", "node", "node-2", "zone=north").strip() == "node/node-2 labeled"
    k("create", "namespace", "zoned")
    manifest = BOOK / "misc" / "redis-master-controller-nodeselector.yaml"
    assert (
        k("-n", "zoned", "create", "-f", str(manifest)).strip()
        == "replicationcontroller/redis-master created"
    )
    assert [p["spec"]["nodeName"] for p in wait_running(k, "zoned", "name=redis-master", 1)] == ["node-2"]
    k("-n", "zoned", "scale", "rc", "redis-master", "--replicas=3")
    assert {p["spec"]["nodeName"] for p in wait_running(k, "zoned", "name=redis-master", 3)} == {"node-2"}


# ---- ResourceQuota status (book §5.4 misc/quota.json) ----------------------------------------------
def _pod_with_requests(directory: Path, name: str) -> Path:
    from conformance.kubectl.runner import write_yaml

    container = {
        "name": "c",
        "image": "nginx",
        "resources": {
            "requests": {"cpu": "250m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
    }
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [container]}}
    return write_yaml(directory, f"{name}.yaml", pod)


def test_quota_status_counts_usage(k: Kubectl, tmp_path: Path) -> None:
    n = ["-n", "quota-ns"]
    k("create", "namespace", "quota-ns")
    assert k(*n, "create", "-f", str(BOOK / "misc" / "quota.json")).strip() == "resourcequota/quota created"
    for name in ("p1", "p2"):
        k(*n, "create", "-f", str(_pod_with_requests(tmp_path, name)))
    k(*n, "create", "service", "clusterip", "s1", "--tcp=80:80")
    expected = [
        "Name: | quota",
        "Namespace: | quota-ns",
        "Resource | Used | Hard",
        "-------- | ---- | ----",
        "cpu | 500m | 20",
        "memory | 256Mi | 1Gi",
        "pods | 2 | 10",
        "replicationcontrollers | 0 | 20",
        "resourcequotas | 1 | 1",
        "services | 1 | 5",
    ]

    def counted() -> bool:
        # not `normalize`: it would read 500m as an age
        got = [" | ".join(re.split(r" {2,}", ln.strip())) for ln in k(*n, "describe", "quota").splitlines()]
        assert got == expected, got
        return True

    eventually(counted)


# ---- a node that stops heartbeating (last: it takes the node monitor's 40 s grace period) --------------
def test_node_that_stops_heartbeating_becomes_unknown(k: Kubectl) -> None:
    """The node lifecycle controller marks node-3 NotReady (its conditions Unknown, "Kubelet
    stopped posting node status.") and taints it unreachable once the 40 s grace period passes
    without a Lease renewal. Evicting its pods would take the 300 s of tolerationSeconds the
    DefaultTolerationSeconds admission gives every pod, in real time, so only the node's condition
    and taints are checked here."""
    assert (
        k("annotate", "node", "node-3", "kubepy.io/simulate-heartbeat=stopped").strip()
        == "node/node-3 annotated"
    )

    def not_ready() -> bool:
        row = table(k("get", "node", "node-3"))[1].split(" | ")
        assert row[:2] == ["node-3", "NotReady"], row
        return True

    eventually(not_ready, timeout=150, poll=1.0)
    node = json.loads(k("get", "node", "node-3", "-o", "json"))
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown",
        "NodeStatusUnknown",
        "Kubelet stopped posting node status.",
    )

    def tainted() -> bool:
        taints = json.loads(k("get", "node", "node-3", "-o", "jsonpath={.spec.taints}") or "[]")
        got = sorted((t["key"], t["effect"]) for t in taints)
        want = [
            ("node.kubernetes.io/unreachable", "NoExecute"),
            ("node.kubernetes.io/unreachable", "NoSchedule"),
        ]
        assert got == want, got
        return True

    eventually(tainted)
    rows = [r.split(" | ")[:2] for r in table(k("get", "nodes"))[1:]]
    assert rows == [["node-1", "Ready"], ["node-2", "Ready"], ["node-3", "NotReady"]]
