"""Dry-run on create and delete, delete with a propagation policy and with preconditions,
graceful deletion of a bound pod, finalizers, and delete_collection with a label selector."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from conformance.python_client.helpers import book, configmap, pod, status_of


def _gone(read: Any, *args: Any) -> bool:
    try:
        read(*args)
    except ApiException as e:
        assert e.status == 404
        return True
    return False


def test_dry_run_create_writes_nothing(core: Any, ns: str):
    before = core.list_namespaced_config_map(ns).metadata.resource_version
    out = core.create_namespaced_config_map(ns, configmap("dry"), dry_run="All")
    # the object is built as a real create would build it ...
    assert out.metadata.name == "dry" and out.metadata.namespace == ns
    assert out.metadata.uid and out.metadata.creation_timestamp is not None
    # ... but never stored
    assert not out.metadata.resource_version
    assert _gone(core.read_namespaced_config_map, "dry", ns)
    assert core.list_namespaced_config_map(ns).metadata.resource_version == before


def test_dry_run_create_allocates_no_node_port(core: Any, ns: str):
    svc = book("guestbook/frontend-service.yaml")
    svc["spec"]["ports"][0]["nodePort"] = 30044
    dry = core.create_namespaced_service(ns, svc, dry_run="All")
    assert dry.spec.ports[0].node_port == 30044 and dry.spec.cluster_ip
    real = core.create_namespaced_service(ns, svc)  # the port and an IP are still free
    assert real.spec.ports[0].node_port == 30044


def test_dry_run_create_still_validates(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(ns, configmap("Not_Valid"), dry_run="All")
    assert e.value.status == 422


def test_bad_dry_run_value_is_invalid(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(ns, configmap("dry-bogus"), dry_run="Bogus")
    assert e.value.status == 422
    st = status_of(e.value)
    assert st["details"]["kind"] == "CreateOptions" and st["details"]["group"] == "meta.k8s.io"
    assert _gone(core.read_namespaced_config_map, "dry-bogus", ns)


def test_dry_run_delete_keeps_the_object(core: Any, ns: str):
    created = core.create_namespaced_config_map(ns, configmap("dry-del"))
    reply = core.delete_namespaced_config_map("dry-del", ns, dry_run="All")
    assert reply["status"] == "Success" and reply["details"]["name"] == "dry-del"
    got = core.read_namespaced_config_map("dry-del", ns)
    assert got.metadata.resource_version == created.metadata.resource_version


def test_delete_preconditions(core: Any, ns: str):
    cm = core.create_namespaced_config_map(ns, configmap("pre"))
    uid, rv = cm.metadata.uid, cm.metadata.resource_version

    with pytest.raises(ApiException) as e:
        core.delete_namespaced_config_map(
            "pre", ns, body=client.V1DeleteOptions(preconditions=client.V1Preconditions(uid="wrong-uid"))
        )
    assert e.value.status == 409
    assert status_of(e.value)["message"] == (
        f'Operation cannot be fulfilled on configmaps "pre": Precondition failed: '
        f"UID in precondition: wrong-uid, UID in object meta: {uid}"
    )

    core.patch_namespaced_config_map("pre", ns, {"data": {"k": "changed"}})
    with pytest.raises(ApiException) as e:
        core.delete_namespaced_config_map(
            "pre", ns, body=client.V1DeleteOptions(preconditions=client.V1Preconditions(resource_version=rv))
        )
    assert e.value.status == 409
    assert "Precondition failed: ResourceVersion in precondition: " + rv in status_of(e.value)["message"]
    assert not _gone(core.read_namespaced_config_map, "pre", ns)

    core.delete_namespaced_config_map(
        "pre", ns, body=client.V1DeleteOptions(preconditions=client.V1Preconditions(uid=uid))
    )
    assert _gone(core.read_namespaced_config_map, "pre", ns)


@pytest.mark.parametrize("policy", ["Background", "Foreground", "Orphan"])
def test_delete_with_propagation_policy(core: Any, ns: str, policy: str):
    name = f"prop-{policy.lower()}"
    rc = book("guestbook/redis-master-controller.yaml")
    rc["metadata"]["name"] = name
    core.create_namespaced_replication_controller(ns, rc)
    reply = core.delete_namespaced_replication_controller(name, ns, propagation_policy=policy)
    assert reply["kind"] in ("Status", "ReplicationController")
    # without a garbage collector the object is gone at once; with one, it waits for it behind
    # the policy's finalizer (Kubernetes' EnableGarbageCollection)
    try:
        left = core.read_namespaced_replication_controller(name, ns)
    except ApiException as e:
        assert e.status == 404
        return
    assert left.metadata.deletion_timestamp is not None
    assert left.metadata.finalizers == [{"Foreground": "foregroundDeletion", "Orphan": "orphan"}[policy]]


def test_bad_propagation_policy_is_invalid(core: Any, ns: str):
    core.create_namespaced_config_map(ns, configmap("prop-bad"))
    with pytest.raises(ApiException) as e:
        core.delete_namespaced_config_map("prop-bad", ns, propagation_policy="Sideways")
    assert e.value.status == 422
    assert "propagationPolicy" in status_of(e.value)["message"]
    assert not _gone(core.read_namespaced_config_map, "prop-bad", ns)


def test_finalizers_hold_the_object_until_removed(core: Any, ns: str):
    body = configmap("fin")
    body["metadata"]["finalizers"] = ["example.com/keep"]
    core.create_namespaced_config_map(ns, body)
    core.delete_namespaced_config_map("fin", ns)
    held = core.read_namespaced_config_map("fin", ns)
    assert held.metadata.deletion_timestamp is not None
    assert held.metadata.finalizers == ["example.com/keep"]
    # deleting again changes nothing; clearing the finalizer lets it go
    core.delete_namespaced_config_map("fin", ns)
    assert (
        core.read_namespaced_config_map("fin", ns).metadata.deletion_timestamp
        == held.metadata.deletion_timestamp
    )
    core.patch_namespaced_config_map("fin", ns, {"metadata": {"finalizers": None}})
    assert _gone(core.read_namespaced_config_map, "fin", ns)


def test_graceful_deletion_of_a_bound_pod(core: Any, ns: str):
    """An unscheduled pod goes at once; a bound one waits for its kubelet (grace period)."""
    core.create_namespaced_pod(ns, pod("loose"))
    core.delete_namespaced_pod("loose", ns)
    assert _gone(core.read_namespaced_pod, "loose", ns)

    bound = pod("bound")
    bound["spec"]["nodeName"] = "node-1"
    core.create_namespaced_pod(ns, bound)
    reply = core.delete_namespaced_pod("bound", ns, grace_period_seconds=20)
    assert isinstance(reply, client.V1Pod)
    assert reply.metadata.deletion_grace_period_seconds == 20
    assert reply.metadata.deletion_timestamp is not None
    held = core.read_namespaced_pod("bound", ns)
    assert held.metadata.deletion_timestamp == reply.metadata.deletion_timestamp
    # what the kubelet does once the containers stopped: delete with grace 0
    core.delete_namespaced_pod("bound", ns, grace_period_seconds=0)
    assert _gone(core.read_namespaced_pod, "bound", ns)


def test_delete_collection_with_label_selector(core: Any, ns: str):
    for i in range(4):
        core.create_namespaced_config_map(ns, configmap(f"coll-{i}", labels={"batch": "a" if i < 3 else "b"}))
    core.delete_collection_namespaced_config_map(ns, label_selector="batch=a")
    left = core.list_namespaced_config_map(ns, label_selector="batch")
    assert [o.metadata.name for o in left.items] == ["coll-3"]


def test_delete_collection_dry_run(core: Any, ns: str):
    for i in range(2):
        core.create_namespaced_config_map(ns, configmap(f"dcoll-{i}", labels={"dry": "coll"}))
    core.delete_collection_namespaced_config_map(ns, label_selector="dry=coll", dry_run="All")
    assert len(core.list_namespaced_config_map(ns, label_selector="dry=coll").items) == 2


def test_delete_missing_is_404(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.delete_namespaced_config_map("never", ns)
    assert e.value.status == 404
    assert status_of(e.value)["message"] == 'configmaps "never" not found'


def test_terminating_namespace_refuses_new_content(core: Any):
    core.create_namespace({"metadata": {"name": "ns-doomed"}})
    core.create_namespaced_config_map("ns-doomed", configmap("before"))
    core.delete_namespace("ns-doomed")
    assert core.read_namespace("ns-doomed").status.phase == "Terminating"
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map("ns-doomed", configmap("after"))
    assert e.value.status == 403
    st = status_of(e.value)
    assert st["reason"] == "Forbidden"
    assert st["message"] == (
        'configmaps "after" is forbidden: unable to create new content in namespace ns-doomed '
        "because it is being terminated"
    )
    # what is there can still be read and changed (the namespace controller deletes it)
    assert core.patch_namespaced_config_map("before", "ns-doomed", {"data": {"k": "2"}}).data == {"k": "2"}
