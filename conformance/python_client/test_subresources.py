"""The scale, status and binding subresources through the official client."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from conformance.python_client.helpers import book, pod, status_of


def test_rc_scale_read_patch_replace(core: Any, ns: str):
    rc = core.create_namespaced_replication_controller(ns, book("guestbook/frontend-controller.yaml"))
    scale = core.read_namespaced_replication_controller_scale("frontend", ns)
    assert isinstance(scale, client.V1Scale)
    assert (scale.kind, scale.api_version) == ("Scale", "autoscaling/v1")
    assert scale.metadata.name == "frontend" and scale.metadata.namespace == ns
    assert scale.metadata.uid == rc.metadata.uid
    assert scale.metadata.resource_version == rc.metadata.resource_version
    assert scale.spec.replicas == 3
    assert scale.status.replicas == 0  # no controller manager runs against this server
    assert scale.status.selector == "name=frontend"

    patched = core.patch_namespaced_replication_controller_scale("frontend", ns, {"spec": {"replicas": 5}})
    assert patched.spec.replicas == 5
    got = core.read_namespaced_replication_controller("frontend", ns)
    assert got.spec.replicas == 5
    assert got.metadata.generation == 2  # the desired state changed
    assert int(got.metadata.resource_version) > int(rc.metadata.resource_version)

    patched.spec.replicas = 1
    replaced = core.replace_namespaced_replication_controller_scale("frontend", ns, patched)
    assert replaced.spec.replicas == 1
    assert core.read_namespaced_replication_controller("frontend", ns).spec.replicas == 1

    # the Scale read before is stale now: optimistic concurrency applies to the subresource too
    scale.spec.replicas = 7
    with pytest.raises(ApiException) as e:
        core.replace_namespaced_replication_controller_scale("frontend", ns, scale)
    assert e.value.status == 409
    body = status_of(e.value)
    assert body["reason"] == "Conflict"
    assert body["message"] == (
        'Operation cannot be fulfilled on replicationcontrollers "frontend": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert core.read_namespaced_replication_controller("frontend", ns).spec.replicas == 1


def test_scale_of_a_missing_rc_is_404(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.read_namespaced_replication_controller_scale("nope", ns)
    assert e.value.status == 404
    assert status_of(e.value)["message"] == 'replicationcontrollers "nope" not found'


def test_negative_scale_is_invalid(core: Any, ns: str):
    core.create_namespaced_replication_controller(ns, book("guestbook/redis-master-controller.yaml"))
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_replication_controller_scale("redis-master", ns, {"spec": {"replicas": -1}})
    assert e.value.status == 422
    body = status_of(e.value)
    assert body["reason"] == "Invalid"
    assert body["details"]["causes"][0]["field"] == "spec.replicas"


def test_deployment_scale(apps: Any, ns: str):
    apps.create_namespaced_deployment(
        ns,
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        },
    )
    scale = apps.read_namespaced_deployment_scale("web", ns)
    assert scale.spec.replicas == 2 and scale.status.selector == "app=web"
    apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 4}})
    assert apps.read_namespaced_deployment("web", ns).spec.replicas == 4


def test_pod_status_replace_and_patch(core: Any, ns: str):
    p = core.create_namespaced_pod(ns, pod("status-pod"))
    assert p.status.phase == "Pending"
    p.status.phase = "Running"
    p.status.pod_ip = "10.1.0.7"
    p.status.host_ip = "192.168.0.5"
    p.spec.active_deadline_seconds = 99  # spec changes are ignored by a status write
    updated = core.replace_namespaced_pod_status("status-pod", ns, p)
    assert updated.status.phase == "Running"
    assert updated.status.pod_ip == "10.1.0.7"
    assert updated.spec.active_deadline_seconds is None
    assert int(updated.metadata.resource_version) > int(p.metadata.resource_version)

    patched = core.patch_namespaced_pod_status(
        "status-pod",
        ns,
        {"status": {"conditions": [{"type": "Ready", "status": "True"}]}},
    )
    assert patched.status.phase == "Running"
    assert [(c.type, c.status) for c in patched.status.conditions] == [("Ready", "True")]

    # and the main resource keeps status as it is
    got = core.read_namespaced_pod("status-pod", ns)
    got.status.phase = "Failed"
    got.metadata.labels = {"app": "web", "changed": "yes"}
    replaced = core.replace_namespaced_pod("status-pod", ns, got)
    assert replaced.status.phase == "Running"
    assert replaced.metadata.labels["changed"] == "yes"

    read_status = core.read_namespaced_pod_status("status-pod", ns)
    assert read_status.status.phase == "Running"


def test_rc_status_write_keeps_spec(core: Any, ns: str):
    rc = book("guestbook/redis-slave-controller.yaml")
    created = core.create_namespaced_replication_controller(ns, rc)
    assert created.status.replicas == 0
    created.status.replicas = 2
    created.status.ready_replicas = 2
    created.status.observed_generation = 1
    created.spec.replicas = 9
    out = core.replace_namespaced_replication_controller_status(created.metadata.name, ns, created)
    assert (out.status.replicas, out.status.ready_replicas, out.status.observed_generation) == (2, 2, 1)
    assert out.spec.replicas == 2
    assert out.metadata.generation == 1  # a status write is no new desired state


def _binding(pod_name: str, node: str) -> client.V1Binding:
    return client.V1Binding(
        metadata=client.V1ObjectMeta(name=pod_name),
        target=client.V1ObjectReference(api_version="v1", kind="Node", name=node),
    )


def test_pod_binding_assigns_the_node(core: Any, ns: str):
    core.create_namespaced_pod(ns, pod("bind-me"))
    # Kubernetes answers a binding with a Status, not the Binding the client's signature promises,
    # and the client cannot deserialize it (V1Binding.target is required): read it raw.
    resp = core.create_namespaced_pod_binding(
        "bind-me", ns, _binding("bind-me", "node-1"), _preload_content=False
    )
    assert resp.status == 201
    reply = json.loads(resp.data)
    assert (reply["kind"], reply["status"], reply["code"]) == ("Status", "Success", 201)

    got = core.read_namespaced_pod("bind-me", ns)
    assert got.spec.node_name == "node-1"
    scheduled = [c for c in got.status.conditions or () if c.type == "PodScheduled"]
    assert [c.status for c in scheduled] == ["True"]

    with pytest.raises(ApiException) as e:
        core.create_namespaced_pod_binding(
            "bind-me", ns, _binding("bind-me", "node-2"), _preload_content=False
        )
    assert e.value.status == 409
    body = status_of(e.value)
    assert body["reason"] == "Conflict"
    assert body["message"] == (
        'Operation cannot be fulfilled on pods/binding "bind-me": pod bind-me is already assigned to node "node-1"'
    )
    assert core.read_namespaced_pod("bind-me", ns).spec.node_name == "node-1"


def test_legacy_bindings_collection(core: Any, ns: str):
    core.create_namespaced_pod(ns, pod("bind-legacy"))
    resp = core.create_namespaced_binding(ns, _binding("bind-legacy", "node-7"), _preload_content=False)
    assert resp.status == 201
    assert core.read_namespaced_pod("bind-legacy", ns).spec.node_name == "node-7"


def test_binding_a_missing_pod_is_404(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.create_namespaced_pod_binding("ghost", ns, _binding("ghost", "node-1"), _preload_content=False)
    assert e.value.status == 404
    assert status_of(e.value)["message"] == 'pods "ghost" not found'


def test_status_of_a_kind_without_status_is_404(server_url: str, ns: str, core: Any):
    core.create_namespaced_config_map(ns, {"metadata": {"name": "nostatus"}, "data": {"a": "b"}})
    r = httpx.get(f"{server_url}/api/v1/namespaces/{ns}/configmaps/nostatus/status")
    assert r.status_code == 404
    assert r.json()["reason"] == "NotFound"


@pytest.mark.parametrize(("kind", "snake"), [("ReplicaSet", "replica_set"), ("StatefulSet", "stateful_set")])
def test_apps_scale(apps: Any, ns: str, kind: str, snake: str):
    name = f"scale-{snake.replace('_', '')}"
    spec: dict[str, Any] = {
        "replicas": 2,
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        },
    }
    if kind == "StatefulSet":
        spec["serviceName"] = name
    getattr(apps, f"create_namespaced_{snake}")(
        ns, {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}
    )
    scale = getattr(apps, f"read_namespaced_{snake}_scale")(name, ns)
    assert (scale.spec.replicas, scale.status.replicas, scale.status.selector) == (2, 0, f"app={name}")
    getattr(apps, f"patch_namespaced_{snake}_scale")(
        name, ns, [{"op": "replace", "path": "/spec/replicas", "value": 0}]
    )
    obj = getattr(apps, f"read_namespaced_{snake}")(name, ns)
    assert obj.spec.replicas == 0
    assert obj.metadata.generation == 2


def test_deployment_status_write(apps: Any, ns: str):
    d = apps.create_namespaced_deployment(
        ns,
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "dstatus"},
            "spec": {
                "selector": {"matchLabels": {"app": "ds"}},
                "template": {
                    "metadata": {"labels": {"app": "ds"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        },
    )
    out = apps.patch_namespaced_deployment_status(
        "dstatus", ns, {"status": {"replicas": 1, "readyReplicas": 1, "observedGeneration": 1}}
    )
    assert (out.status.replicas, out.status.ready_replicas, out.status.observed_generation) == (1, 1, 1)
    assert out.metadata.generation == d.metadata.generation == 1
    # the main resource ignores status
    out = apps.patch_namespaced_deployment("dstatus", ns, {"status": {"replicas": 9}})
    assert out.status.replicas == 1
