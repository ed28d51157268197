"""Lists with label and field selectors, limit/continue pagination, and the errors clients see:
ApiException status codes and the Status body Kubernetes sends with them."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from conformance.python_client.helpers import book, configmap, pod, status_of


@pytest.fixture(scope="module")
def labelled(core: Any, ns: str) -> list[str]:
    """Six pods: app=web/db × tier=front/back, two of them bound to node-1."""
    spec = [
        ("web-1", {"app": "web", "tier": "front"}),
        ("web-2", {"app": "web", "tier": "front"}),
        ("web-3", {"app": "web", "tier": "back"}),
        ("db-1", {"app": "db", "tier": "back"}),
        ("db-2", {"app": "db"}),
        ("cache-1", {"app": "cache", "tier": "back"}),
    ]
    for name, labels in spec:
        body = pod(name, labels)
        if name in ("web-1", "db-1"):
            body["spec"]["nodeName"] = "node-1"
        core.create_namespaced_pod(ns, body)
    return [name for name, _ in spec]


def _names(lst: Any) -> set[str]:
    return {o.metadata.name for o in lst.items}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("app=web", {"web-1", "web-2", "web-3"}),
        ("app==web,tier=front", {"web-1", "web-2"}),
        ("app!=web", {"db-1", "db-2", "cache-1"}),
        ("tier in (front,back),app notin (web)", {"db-1", "cache-1"}),
        ("tier", {"web-1", "web-2", "web-3", "db-1", "cache-1"}),
        ("!tier", {"db-2"}),
        ("app=nothing", set()),
    ],
)
def test_label_selectors(core: Any, ns: str, labelled: list[str], selector: str, expected: set[str]):
    assert _names(core.list_namespaced_pod(ns, label_selector=selector)) == expected


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("metadata.name=web-2", {"web-2"}),
        ("spec.nodeName=node-1", {"web-1", "db-1"}),
        ("spec.nodeName=", {"web-2", "web-3", "db-2", "cache-1"}),  # unscheduled, as the scheduler asks
        ("status.phase=Pending,metadata.name!=db-2", {"web-1", "web-2", "web-3", "db-1", "cache-1"}),
    ],
)
def test_field_selectors(core: Any, ns: str, labelled: list[str], selector: str, expected: set[str]):
    assert _names(core.list_namespaced_pod(ns, field_selector=selector)) == expected


def test_label_and_field_selectors_together(core: Any, ns: str, labelled: list[str]):
    lst = core.list_namespaced_pod(ns, label_selector="app=web", field_selector="spec.nodeName=node-1")
    assert _names(lst) == {"web-1"}


def test_unknown_field_selector_is_400(core: Any, ns: str, labelled: list[str]):
    with pytest.raises(ApiException) as e:
        core.list_namespaced_pod(ns, field_selector="spec.bogus=1")
    assert e.value.status == 400
    body = status_of(e.value)
    assert body["reason"] == "BadRequest"
    assert body["message"] == "field label not supported: spec.bogus"


def test_bad_label_selector_is_400(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.list_namespaced_pod(ns, label_selector="a in (b")
    assert e.value.status == 400
    assert status_of(e.value)["reason"] == "BadRequest"


def test_list_across_namespaces_with_selector(core: Any, ns: str, labelled: list[str]):
    lst = core.list_pod_for_all_namespaces(label_selector="app=db")
    assert {(o.metadata.namespace, o.metadata.name) for o in lst.items} >= {(ns, "db-1"), (ns, "db-2")}
    assert all(o.metadata.labels["app"] == "db" for o in lst.items)


def test_pagination_walks_every_item_once_at_one_revision(core: Any, ns: str):
    for i in range(11):
        core.create_namespaced_config_map(ns, configmap(f"page-{i:02d}", labels={"page": "yes"}))
    first = core.list_namespaced_config_map(ns, label_selector="page=yes", limit=4)
    assert len(first.items) == 4
    assert first.metadata._continue
    assert first.metadata.remaining_item_count is None  # unknown when a selector filters
    rv = first.metadata.resource_version

    # a write between pages is not seen: every page is served at the first page's revision
    core.create_namespaced_config_map(ns, configmap("page-99", labels={"page": "yes"}))
    core.delete_namespaced_config_map("page-10", ns)

    seen = [o.metadata.name for o in first.items]
    token = first.metadata._continue
    pages = 1
    while token:
        page = core.list_namespaced_config_map(ns, label_selector="page=yes", limit=4, _continue=token)
        assert page.metadata.resource_version == rv
        seen += [o.metadata.name for o in page.items]
        token = page.metadata._continue
        pages += 1
    assert pages == 3
    assert seen == [f"page-{i:02d}" for i in range(11)]  # ordered by name, each once

    now = _names(core.list_namespaced_config_map(ns, label_selector="page=yes"))
    assert "page-99" in now and "page-10" not in now


def test_remaining_item_count_without_selectors(core: Any):
    core.create_namespace({"metadata": {"name": "ns-pages"}})
    for i in range(5):
        core.create_namespaced_config_map("ns-pages", configmap(f"c{i}"))
    first = core.list_namespaced_config_map("ns-pages", limit=2)
    assert [o.metadata.name for o in first.items] == ["c0", "c1"]
    assert first.metadata.remaining_item_count == 3
    second = core.list_namespaced_config_map("ns-pages", limit=2, _continue=first.metadata._continue)
    assert second.metadata.remaining_item_count == 1
    last = core.list_namespaced_config_map("ns-pages", limit=2, _continue=second.metadata._continue)
    assert [o.metadata.name for o in last.items] == ["c4"]
    assert last.metadata._continue is None


def test_limit_larger_than_the_list_has_no_continue(core: Any, ns: str):
    for i in range(3):
        core.create_namespaced_config_map(ns, configmap(f"small-{i}", labels={"small": "yes"}))
    lst = core.list_namespaced_config_map(ns, label_selector="small=yes", limit=10)
    assert len(lst.items) == 3
    assert lst.metadata._continue is None
    assert lst.metadata.remaining_item_count is None


def test_malformed_continue_token_is_400(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.list_namespaced_config_map(ns, limit=2, _continue="not-a-token")
    assert e.value.status in (400, 422)  # BadRequest from storage, or Invalid ListOptions
    st = status_of(e.value)
    assert st["reason"] in ("BadRequest", "Invalid")
    assert "continue" in st["message"]


def test_not_found(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.read_namespaced_pod("x", ns)
    assert e.value.status == 404
    assert status_of(e.value) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods "x" not found',
        "reason": "NotFound",
        "details": {"name": "x", "kind": "pods"},
        "code": 404,
    }


def test_not_found_in_a_group(apps: Any, ns: str):
    with pytest.raises(ApiException) as e:
        apps.read_namespaced_deployment("x", ns)
    body = status_of(e.value)
    assert body["message"] == 'deployments.apps "x" not found'
    assert body["details"] == {"name": "x", "group": "apps", "kind": "deployments"}


def test_missing_namespace_is_404(core: Any):
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map("no-such-ns", configmap("a"))
    assert e.value.status == 404
    assert status_of(e.value)["message"] == 'namespaces "no-such-ns" not found'


def test_already_exists(core: Any, ns: str):
    core.create_namespaced_config_map(ns, configmap("twice"))
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(ns, configmap("twice"))
    assert e.value.status == 409
    body = status_of(e.value)
    assert (body["reason"], body["message"]) == ("AlreadyExists", 'configmaps "twice" already exists')
    assert body["details"] == {"name": "twice", "kind": "configmaps"}


def test_stale_resource_version_conflicts(core: Any, ns: str):
    first = core.create_namespaced_config_map(ns, configmap("stale", {"v": "1"}))
    second = core.read_namespaced_config_map("stale", ns)
    second.data = {"v": "2"}
    core.replace_namespaced_config_map("stale", ns, second)
    first.data = {"v": "3"}
    with pytest.raises(ApiException) as e:
        core.replace_namespaced_config_map("stale", ns, first)
    assert e.value.status == 409
    body = status_of(e.value)
    assert body["reason"] == "Conflict"
    assert body["message"] == (
        'Operation cannot be fulfilled on configmaps "stale": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert body["details"] == {"name": "stale", "kind": "configmaps"}
    assert core.read_namespaced_config_map("stale", ns).data == {"v": "2"}


def test_invalid_is_422_with_causes(core: Any, ns: str):
    body = pod("Bad_Name")
    body["spec"]["containers"][0]["image"] = ""
    with pytest.raises(ApiException) as e:
        core.create_namespaced_pod(ns, body)
    assert e.value.status == 422
    st = status_of(e.value)
    assert st["reason"] == "Invalid"
    assert st["details"]["name"] == "Bad_Name" and st["details"]["kind"] == "Pod"
    causes = {(c["field"], c["reason"]) for c in st["details"]["causes"]}
    assert ("metadata.name", "FieldValueInvalid") in causes
    assert ("spec.containers[0].image", "FieldValueRequired") in causes
    assert st["message"].startswith('Pod "Bad_Name" is invalid: [')
    assert "spec.containers[0].image: Required value" in st["message"]


def test_service_node_port_out_of_range_is_invalid(core: Any, ns: str):
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "np"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]},
    }
    with pytest.raises(ApiException) as e:
        core.create_namespaced_service(ns, body)
    assert e.value.status == 422
    st = status_of(e.value)
    assert st["details"]["causes"][0]["field"] == "spec.ports[0].nodePort"
    assert "provided port is not in the valid range. The range of valid ports is 30000-32767" in st["message"]


def test_node_port_in_use_is_invalid(core: Any, ns: str):
    def svc(name: str) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name},
            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30077}], "selector": {"a": "b"}},
        }

    core.create_namespaced_service(ns, svc("np-a"))
    with pytest.raises(ApiException) as e:
        core.create_namespaced_service(ns, svc("np-b"))
    assert e.value.status == 422
    assert "provided port is already allocated" in status_of(e.value)["message"]


def test_typed_exception_classes(core: Any, ns: str):
    """The client maps codes to ApiException subclasses; they carry the same Status."""
    with pytest.raises(client.exceptions.NotFoundException):
        core.read_namespaced_secret("nope", ns)
    core.create_namespaced_secret(ns, {"metadata": {"name": "s"}, "stringData": {"k": "v"}})
    with pytest.raises(client.exceptions.ConflictException):
        core.create_namespaced_secret(ns, {"metadata": {"name": "s"}, "stringData": {"k": "v"}})


def test_list_at_an_exact_past_revision(core: Any):
    core.create_namespace({"metadata": {"name": "ns-exact"}})
    core.create_namespaced_config_map("ns-exact", configmap("first"))
    then = core.list_namespaced_config_map("ns-exact").metadata.resource_version
    core.create_namespaced_config_map("ns-exact", configmap("second"))
    core.delete_namespaced_config_map("first", "ns-exact")
    past = core.list_namespaced_config_map("ns-exact", resource_version=then, resource_version_match="Exact")
    assert past.metadata.resource_version == then
    assert [o.metadata.name for o in past.items] == ["first"]
    now = core.list_namespaced_config_map("ns-exact")
    assert [o.metadata.name for o in now.items] == ["second"]


def test_resource_version_match_needs_a_resource_version(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.list_namespaced_config_map(ns, resource_version_match="Exact")
    assert e.value.status == 422
    assert (
        "resourceVersionMatch is forbidden unless resourceVersion is provided"
        in status_of(e.value)["message"]
    )


def test_pagination_across_namespaces(core: Any, ns: str):
    for target in (ns, "default"):
        for i in range(3):
            core.create_namespaced_config_map(target, configmap(f"x-ns-{i}", labels={"xns": "yes"}))
    seen: list[tuple[str, str]] = []
    token = None
    while True:
        page = core.list_config_map_for_all_namespaces(label_selector="xns=yes", limit=2, _continue=token)
        assert len(page.items) <= 2
        seen += [(o.metadata.namespace, o.metadata.name) for o in page.items]
        token = page.metadata._continue
        if not token:
            break
    expected = sorted((n, f"x-ns-{i}") for n in (ns, "default") for i in range(3))
    assert seen == expected  # ordered by namespace, then name; each once


def test_generate_name(core: Any, ns: str):
    made = {
        core.create_namespaced_config_map(ns, {"metadata": {"generateName": "gen-"}}).metadata.name
        for _ in range(3)
    }
    assert len(made) == 3
    assert all(n.startswith("gen-") and len(n) == len("gen-") + 5 for n in made)


def test_cluster_ip_outside_the_range_is_invalid(core: Any):
    """The book's mywebservice (§2.1.2) asks for 10.2.0.100, outside this cluster's 10.254.0.0/16."""
    svc = book("misc/mywebservice-cluster-service.yaml")
    with pytest.raises(ApiException) as e:
        core.create_namespaced_service("kube-system", svc)
    assert e.value.status == 422
    st = status_of(e.value)
    assert st["details"]["causes"][0]["field"] == "spec.clusterIPs"
    assert (
        "failed to allocate IP 10.2.0.100: the provided IP (10.2.0.100) is not in the valid range. "
        "The range of valid IPs is 10.254.0.0/16" in st["message"]
    )
    svc["spec"]["clusterIP"] = "10.254.2.100"
    made = core.create_namespaced_service("kube-system", svc)
    assert made.spec.cluster_ip == "10.254.2.100"
    with pytest.raises(ApiException) as e:
        other = book("misc/mywebservice-cluster-service.yaml")
        other["metadata"]["name"] = "same-ip"
        other["spec"]["clusterIP"] = "10.254.2.100"
        core.create_namespaced_service("kube-system", other)
    assert e.value.status == 422
    assert "provided IP is already allocated" in status_of(e.value)["message"]


def test_field_selectors_of_other_kinds(core: Any, ns: str):
    """The extra field labels Kubernetes serves per kind (its GetAttrs / field label conversion)."""
    core.create_namespaced_secret(ns, {"metadata": {"name": "fs-opaque"}, "stringData": {"a": "b"}})
    core.create_namespaced_secret(
        ns,
        {
            "metadata": {"name": "fs-basic"},
            "type": "kubernetes.io/basic-auth",
            "stringData": {"username": "u"},
        },
    )
    got = core.list_namespaced_secret(ns, field_selector="type=kubernetes.io/basic-auth")
    assert [s.metadata.name for s in got.items] == ["fs-basic"]

    core.create_namespaced_event(
        ns,
        {
            "metadata": {"name": "fs-ev.1"},
            "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": ns},
            "reason": "BackOff",
            "message": "Back-off restarting failed container",
            "type": "Warning",
            "source": {"component": "kubelet"},
        },
    )
    for selector in (
        "involvedObject.kind=Pod,involvedObject.name=web-1",
        "reason=BackOff",
        "type=Warning",
        "source=kubelet",
    ):
        assert [e.metadata.name for e in core.list_namespaced_event(ns, field_selector=selector).items] == [
            "fs-ev.1"
        ], selector

    phases = {n.metadata.name for n in core.list_namespace(field_selector="status.phase=Active").items}
    assert {"default", ns} <= phases


def test_node_unschedulable_from_the_book(core: Any):
    """§4.3.1: `kubectl replace` with unschedule_node.yaml, `kubectl patch` with the JSON body;
    the scheduler finds schedulable nodes with spec.unschedulable=false."""
    node = book("misc/unschedule_node.yaml")
    node["spec"]["unschedulable"] = False
    core.create_node(node)
    free = {n.metadata.name for n in core.list_node(field_selector="spec.unschedulable=false").items}
    assert "kubernetes-minion1" in free

    out = core.patch_node("kubernetes-minion1", book("misc/node-unschedulable-patch.json"))
    assert out.spec.unschedulable is True
    free = {n.metadata.name for n in core.list_node(field_selector="spec.unschedulable=false").items}
    assert "kubernetes-minion1" not in free

    live = core.read_node("kubernetes-minion1")
    replacement = book("misc/unschedule_node.yaml")
    replacement["metadata"]["resourceVersion"] = live.metadata.resource_version
    replacement["spec"]["unschedulable"] = False
    assert not core.replace_node("kubernetes-minion1", replacement).spec.unschedulable
