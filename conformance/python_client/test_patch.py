"""Every patch type through the official client: JSON patch (a list body), merge patch
(`_content_type`), strategic merge patch (the client's default for a dict body) and server-side
apply (`field_manager=`, application/apply-patch+yaml), with apply conflicts and force.
Includes the book's Java client replay (§3.3.3, api-client/*.json)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from kubernetes.client.rest import ApiException

from conformance.python_client.helpers import book, configmap, status_of

MERGE = "application/merge-patch+json"
APPLY = "application/apply-patch+yaml"


# ---- JSON patch -----------------------------------------------------------------------------
def test_json_patch_operations(core: Any, ns: str):
    core.create_namespaced_config_map(ns, configmap("jp", {"a": "1", "b": "2"}))
    out = core.patch_namespaced_config_map(
        "jp",
        ns,
        [
            {"op": "test", "path": "/data/a", "value": "1"},
            {"op": "replace", "path": "/data/a", "value": "10"},
            {"op": "remove", "path": "/data/b"},
            {"op": "add", "path": "/data/c", "value": "3"},
            {"op": "copy", "from": "/data/c", "path": "/data/d"},
            {"op": "move", "from": "/data/d", "path": "/data/e"},
            {"op": "add", "path": "/metadata/labels", "value": {"patched": "json"}},
        ],
    )
    assert out.data == {"a": "10", "c": "3", "e": "3"}
    assert out.metadata.labels == {"patched": "json"}


def test_json_patch_failed_test_op_changes_nothing(core: Any, ns: str):
    before = core.create_namespaced_config_map(ns, configmap("jp-test", {"a": "1"}))
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map(
            "jp-test",
            ns,
            [
                {"op": "replace", "path": "/data/a", "value": "2"},
                {"op": "test", "path": "/data/a", "value": "1"},
            ],
        )
    assert e.value.status == 422
    after = core.read_namespaced_config_map("jp-test", ns)
    assert after.data == {"a": "1"}
    assert after.metadata.resource_version == before.metadata.resource_version


def test_the_books_json_patch_example_on_a_missing_path_is_422(core: Any, ns: str):
    core.create_namespaced_config_map(ns, configmap("jp-book"))
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map("jp-book", ns, book("api-client/json-patch-op-example.json"))
    assert e.value.status == 422
    assert status_of(e.value)["reason"] == "Invalid"


# ---- merge patch vs strategic merge patch ----------------------------------------------------
def _rc_with(containers: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": name},
        "spec": {
            "replicas": 1,
            "selector": {"app": name},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}},
        },
    }


def _book_smp_docs() -> tuple[dict[str, Any], dict[str, Any]]:
    original = book("api-client/smp-example-original.yaml")["spec"]["containers"]
    patch = book("api-client/smp-example-patch.yaml")
    return original, {"spec": {"template": patch}}


def test_merge_patch_replaces_lists(core: Any, ns: str):
    """§3.2.3: a JSON merge patch replaces the containers list wholesale."""
    original, patch = _book_smp_docs()
    core.create_namespaced_replication_controller(ns, _rc_with(original, "mp"))
    out = core.patch_namespaced_replication_controller("mp", ns, patch, _content_type=MERGE)
    assert [(c.name, c.image) for c in out.spec.template.spec.containers] == [
        ("log-tailer", "log-tailer-1.0")
    ]


def test_strategic_merge_patch_merges_lists_by_key(core: Any, ns: str):
    """§3.2.3: a strategic merge patch merges containers by name (log-tailer joins nginx).
    New items come first, then the ones only the server had (apimachinery's normalizeElementOrder)."""
    original, patch = _book_smp_docs()
    core.create_namespaced_replication_controller(ns, _rc_with(original, "smp"))
    out = core.patch_namespaced_replication_controller("smp", ns, patch)  # dict body: strategic
    assert [(c.name, c.image) for c in out.spec.template.spec.containers] == [
        ("log-tailer", "log-tailer-1.0"),
        ("nginx", "nginx-1.0"),
    ]
    # the merged-in container got its defaults too
    assert out.spec.template.spec.containers[1].termination_message_path == "/dev/termination-log"


def test_strategic_merge_patch_directives(core: Any, ns: str):
    original, patch = _book_smp_docs()
    rc = _rc_with(
        original + [{"name": "side", "image": "busybox", "env": [{"name": "A", "value": "1"}]}], "dir"
    )
    core.create_namespaced_replication_controller(ns, rc)
    out = core.patch_namespaced_replication_controller(
        "dir",
        ns,
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {"name": "nginx", "$patch": "delete"},
                            {"name": "side", "env": [{"name": "B", "value": "2"}]},
                        ]
                    }
                }
            }
        },
    )
    containers = out.spec.template.spec.containers
    assert [c.name for c in containers] == ["side"]
    assert [(e.name, e.value) for e in containers[0].env] == [("B", "2"), ("A", "1")]  # env merges by name

    out = core.patch_namespaced_replication_controller(
        "dir",
        ns,
        {"spec": {"template": {"spec": {"containers": [{"name": "side", "env": [{"$patch": "replace"}]}]}}}},
    )
    assert not out.spec.template.spec.containers[0].env  # (omitted when empty: test_fidelity.py)


def test_strategic_merge_patch_null_deletes_a_key(core: Any, ns: str):
    core.create_namespaced_config_map(ns, configmap("smp-null", {"a": "1", "b": "2"}))
    out = core.patch_namespaced_config_map("smp-null", ns, {"data": {"a": None, "c": "3"}})
    assert out.data == {"b": "2", "c": "3"}


def test_book_java_client_replay(core: Any):
    """JAVA-012..020 (§3.3.3): create, merge-patch labels, strategic-merge the image, replace,
    and PUT status, with the book's bodies (live uid/resourceVersion substituted, API-097)."""
    ns_body = book("api-client/namespace.json")
    core.create_namespace(ns_body)
    ns = ns_body["metadata"]["name"]
    core.create_namespaced_pod(ns, book("api-client/podInNs.json"))
    core.create_namespaced_pod(ns, book("api-client/pod4ClusterService.json"))
    listed = core.list_namespaced_pod(ns, label_selector="k8s-cs=kube-cluster-service")
    assert [p.metadata.name for p in listed.items] == ["pod-sample-4-cluster-service"]

    name = "pod-sample-in-namespace"
    out = core.patch_namespaced_pod(name, ns, book("api-client/pod4MergeJsonPatch.json"), _content_type=MERGE)
    assert out.metadata.labels["kkk"] == "bbb4444"
    assert out.metadata.labels["k8s-sa5555mple-app"] == "kube-service-sample"

    # the book's extra patchStrategy/patchMergeKey keys are unknown fields: ignored
    out = core.patch_namespaced_pod(name, ns, book("api-client/pod4StrategicMerge.json"))
    assert [(c.name, c.image) for c in out.spec.containers] == [("mycontainer", "192.168.1.128:1180/centos")]

    live = core.read_namespaced_pod(name, ns)
    live.spec.containers[0].image = "192.168.1.128:1180/kubernetes/example-guestbook-php-redis"
    out = core.replace_namespaced_pod(name, ns, live)
    assert out.spec.containers[0].image.endswith("example-guestbook-php-redis")

    status = book("api-client/pod4Status.json")
    status["metadata"]["uid"] = out.metadata.uid
    status["metadata"]["resourceVersion"] = out.metadata.resource_version
    out = core.replace_namespaced_pod_status(name, ns, status)
    assert out.status.phase == "Unknown"
    assert (out.status.pod_ip, out.status.host_ip) == ("10.1.10.79", "192.168.1.129")
    assert out.spec.node_name is None  # a status write leaves spec alone
    assert out.spec.containers[0].image.endswith("example-guestbook-php-redis")


# ---- server-side apply -----------------------------------------------------------------------
def _apply(core: Any, ns: str, body: dict[str, Any], manager: str, **kwargs: Any) -> Any:
    """Server-side apply. The client sends a dict as JSON, which is YAML; it refuses YAML text."""
    name = body["metadata"]["name"]
    return core.patch_namespaced_config_map(
        name, ns, body, field_manager=manager, _content_type=APPLY, **kwargs
    )


def _managers(obj: Any) -> dict[str, tuple[str, set[str]]]:
    """manager -> (operation, top-level data keys it owns)."""
    out = {}
    for mf in obj.metadata.managed_fields or ():
        fields = mf.fields_v1 or {}
        data_keys = {k[2:] for k in (fields.get("f:data") or {}) if k.startswith("f:")}
        out[mf.manager] = (mf.operation, data_keys)
    return out


def test_apply_creates_tracks_owners_and_removes_what_it_stops_applying(core: Any, ns: str):
    body = configmap("ssa", {"owned": "1", "dropped": "x"})
    created = _apply(core, ns, body, "mgr-a")
    assert created.data == {"owned": "1", "dropped": "x"}
    assert _managers(created) == {"mgr-a": ("Apply", {"owned", "dropped"})}
    assert created.metadata.managed_fields[0].api_version == "v1"
    assert created.metadata.managed_fields[0].fields_type == "FieldsV1"

    # a second apply of a smaller intent removes the field only mgr-a owned
    smaller = copy.deepcopy(body)
    del smaller["data"]["dropped"]
    out = _apply(core, ns, smaller, "mgr-a")
    assert out.data == {"owned": "1"}

    # an Update by someone else is recorded as such
    out = core.patch_namespaced_config_map("ssa", ns, {"data": {"other": "2"}}, field_manager="editor")
    assert _managers(out)["editor"] == ("Update", {"other"})


def test_apply_conflict_is_409_then_force_takes_ownership(core: Any, ns: str):
    _apply(core, ns, configmap("ssa-c", {"k": "a"}), "mgr-a")
    with pytest.raises(ApiException) as e:
        _apply(core, ns, configmap("ssa-c", {"k": "b"}), "mgr-b")
    assert e.value.status == 409
    st = status_of(e.value)
    assert st["reason"] == "Conflict"
    assert st["message"] == 'Apply failed with 1 conflict: conflict with "mgr-a": .data.k'
    assert st["details"]["causes"] == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "mgr-a"', "field": ".data.k"}
    ]
    assert core.read_namespaced_config_map("ssa-c", ns).data == {"k": "a"}

    # the same value is shared ownership, not a conflict
    shared = _apply(core, ns, configmap("ssa-c", {"k": "a"}), "mgr-c")
    assert _managers(shared)["mgr-c"] == ("Apply", {"k"}) and _managers(shared)["mgr-a"] == ("Apply", {"k"})

    forced = _apply(core, ns, configmap("ssa-c", {"k": "b"}), "mgr-b", force=True)
    assert forced.data == {"k": "b"}
    owners = _managers(forced)
    assert owners["mgr-b"] == ("Apply", {"k"})
    assert "k" not in owners.get("mgr-a", ("", set()))[1]
    assert "k" not in owners.get("mgr-c", ("", set()))[1]


def test_apply_needs_a_field_manager(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map("ssa-none", ns, configmap("ssa-none"), _content_type=APPLY)
    assert e.value.status == 422
    st = status_of(e.value)
    assert st["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
    )
    assert st["details"]["group"] == "meta.k8s.io" and st["details"]["kind"] == "PatchOptions"


def test_force_on_another_patch_type_is_invalid(core: Any, ns: str):
    core.create_namespaced_config_map(ns, configmap("force-smp"))
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map("force-smp", ns, {"data": {"a": "b"}}, force=True)
    assert e.value.status == 422
    assert status_of(e.value)["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch'
    )
    assert core.read_namespaced_config_map("force-smp", ns).data == {"k": "v"}


def test_patch_of_a_missing_object_is_404(core: Any, ns: str):
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map("ghost", ns, {"data": {"a": "b"}})
    assert e.value.status == 404
    assert status_of(e.value)["message"] == 'configmaps "ghost" not found'


def test_patch_with_a_stale_resource_version_conflicts(core: Any, ns: str):
    old = core.create_namespaced_config_map(ns, configmap("p-stale"))
    core.patch_namespaced_config_map("p-stale", ns, {"data": {"k": "2"}})
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map(
            "p-stale",
            ns,
            {"metadata": {"resourceVersion": old.metadata.resource_version}, "data": {"k": "3"}},
        )
    assert e.value.status == 409
    assert status_of(e.value)["message"] == (
        'Operation cannot be fulfilled on configmaps "p-stale": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
