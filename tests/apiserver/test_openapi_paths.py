"""Paths and operations: Kubernetes' operationIds, parameters, bodies, responses, extensions, and
the fieldValidation support kubectl looks for before it sends fieldValidation=Strict."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from kubepy.api.catalog import all_resources
from kubepy.apiserver.openapi import OpenAPI
from kubepy.apiserver.openapi.operations import group_part, tag

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@pytest.fixture(scope="module")
def oa() -> OpenAPI:
    return OpenAPI(all_resources(), "v1.37.0")


@pytest.fixture(scope="module")
def v2(oa: OpenAPI) -> dict[str, Any]:
    return orjson.loads(oa.v2.body)


@pytest.fixture(scope="module")
def v3(oa: OpenAPI) -> dict[str, dict[str, Any]]:
    return {k: orjson.loads(s.body) for k, s in oa.v3.items()}


def ops(doc: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId → (path, method, operation)."""
    out = {}
    for path, item in doc["paths"].items():
        for m in METHODS:
            if m in item:
                assert item[m]["operationId"] not in out, item[m]["operationId"]
                out[item[m]["operationId"]] = (path, m, item[m])
    return out


def param_names(op: dict[str, Any]) -> set[str]:
    return {p["name"] for p in op.get("parameters", [])}


def test_names():
    assert group_part("") == "Core"
    assert group_part("apps") == "Apps"
    assert group_part("rbac.authorization.k8s.io") == "RbacAuthorization"
    assert group_part("flowcontrol.apiserver.k8s.io") == "FlowcontrolApiserver"
    assert group_part("events.k8s.io") == "Events"
    assert tag("rbac.authorization.k8s.io", "v1") == "rbacAuthorization_v1"
    assert tag("", "v1") == "core_v1"


GOLDEN = {
    "listCoreV1NamespacedPod": ("/api/v1/namespaces/{namespace}/pods", "get", "list"),
    "createCoreV1NamespacedPod": ("/api/v1/namespaces/{namespace}/pods", "post", "post"),
    "deleteCoreV1CollectionNamespacedPod": (
        "/api/v1/namespaces/{namespace}/pods",
        "delete",
        "deletecollection",
    ),
    "readCoreV1NamespacedPod": ("/api/v1/namespaces/{namespace}/pods/{name}", "get", "get"),
    "replaceCoreV1NamespacedPod": ("/api/v1/namespaces/{namespace}/pods/{name}", "put", "put"),
    "patchCoreV1NamespacedPod": ("/api/v1/namespaces/{namespace}/pods/{name}", "patch", "patch"),
    "deleteCoreV1NamespacedPod": ("/api/v1/namespaces/{namespace}/pods/{name}", "delete", "delete"),
    "listCoreV1PodForAllNamespaces": ("/api/v1/pods", "get", "list"),
    "watchCoreV1NamespacedPodList": ("/api/v1/watch/namespaces/{namespace}/pods", "get", "watchlist"),
    "watchCoreV1NamespacedPod": ("/api/v1/watch/namespaces/{namespace}/pods/{name}", "get", "watch"),
    "watchCoreV1PodListForAllNamespaces": ("/api/v1/watch/pods", "get", "watchlist"),
    "readCoreV1NamespacedPodStatus": ("/api/v1/namespaces/{namespace}/pods/{name}/status", "get", "get"),
    "patchCoreV1NamespacedPodStatus": ("/api/v1/namespaces/{namespace}/pods/{name}/status", "patch", "patch"),
    "createCoreV1NamespacedPodBinding": (
        "/api/v1/namespaces/{namespace}/pods/{name}/binding",
        "post",
        "post",
    ),
    "createCoreV1NamespacedPodEviction": (
        "/api/v1/namespaces/{namespace}/pods/{name}/eviction",
        "post",
        "post",
    ),
    "readCoreV1NamespacedPodLog": ("/api/v1/namespaces/{namespace}/pods/{name}/log", "get", "get"),
    "connectCoreV1GetNamespacedPodExec": (
        "/api/v1/namespaces/{namespace}/pods/{name}/exec",
        "get",
        "connect",
    ),
    "connectCoreV1PostNamespacedPodAttach": (
        "/api/v1/namespaces/{namespace}/pods/{name}/attach",
        "post",
        "connect",
    ),
    "connectCoreV1GetNamespacedPodPortforward": (
        "/api/v1/namespaces/{namespace}/pods/{name}/portforward",
        "get",
        "connect",
    ),
    "connectCoreV1GetNamespacedPodProxyWithPath": (
        "/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}",
        "get",
        "connect",
    ),
    "patchCoreV1NamespacedPodEphemeralcontainers": (
        "/api/v1/namespaces/{namespace}/pods/{name}/ephemeralcontainers",
        "patch",
        "patch",
    ),
    "listCoreV1Node": ("/api/v1/nodes", "get", "list"),
    "readCoreV1Node": ("/api/v1/nodes/{name}", "get", "get"),
    "watchCoreV1NodeList": ("/api/v1/watch/nodes", "get", "watchlist"),
    "replaceCoreV1NodeStatus": ("/api/v1/nodes/{name}/status", "put", "put"),
    "connectCoreV1DeleteNodeProxy": ("/api/v1/nodes/{name}/proxy", "delete", "connect"),
    "replaceCoreV1NamespaceFinalize": ("/api/v1/namespaces/{name}/finalize", "put", "put"),
    "createCoreV1NamespacedServiceAccountToken": (
        "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token",
        "post",
        "post",
    ),
    "readCoreV1NamespacedReplicationControllerScale": (
        "/api/v1/namespaces/{namespace}/replicationcontrollers/{name}/scale",
        "get",
        "get",
    ),
    "getCoreV1APIResources": ("/api/v1/", "get", None),
}


def test_golden_core_operations(v3, v2):
    for doc in (v3["api/v1"], v2):
        found = ops(doc)
        for op_id, (path, method, action) in GOLDEN.items():
            assert op_id in found, op_id
            assert found[op_id][:2] == (path, method), op_id
            assert found[op_id][2].get("x-kubernetes-action") == action, op_id
            assert found[op_id][2]["tags"] == ["core_v1"]


def test_golden_apps_and_virtual(v3):
    apps = ops(v3["apis/apps/v1"])
    path, _, op = apps["createAppsV1NamespacedDeployment"]
    assert path == "/apis/apps/v1/namespaces/{namespace}/deployments"
    assert op["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert op["tags"] == ["apps_v1"]
    _, _, scale = apps["patchAppsV1NamespacedDeploymentScale"]
    assert scale["x-kubernetes-group-version-kind"] == {
        "group": "autoscaling",
        "kind": "Scale",
        "version": "v1",
    }
    assert scale["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/io.k8s.api.autoscaling.v1.Scale"
    }
    assert "readAppsV1NamespacedDeploymentScale" in apps
    assert "listAppsV1DeploymentForAllNamespaces" in apps
    authn = ops(v3["apis/authentication.k8s.io/v1"])
    assert set(authn) == {
        "createAuthenticationV1SelfSubjectReview",
        "createAuthenticationV1TokenReview",
        "getAuthenticationV1APIResources",
    }
    core = ops(v3["api/v1"])
    cs = {k for k in core if "ComponentStatus" in k}
    assert cs == {"listCoreV1ComponentStatus", "readCoreV1ComponentStatus"}


def test_each_resource_has_its_operations(v3):
    for r in all_resources():
        gv = f"apis/{r.group}/{r.version}" if r.group else f"api/{r.version}"
        found = ops(v3[gv])
        g = group_part(r.group) + r.version.capitalize()
        ns = "Namespaced" if r.namespaced else ""
        expected = {
            "list": f"list{g}{ns}{r.kind}",
            "create": f"create{g}{ns}{r.kind}",
            "get": f"read{g}{ns}{r.kind}",
            "update": f"replace{g}{ns}{r.kind}",
            "patch": f"patch{g}{ns}{r.kind}",
            "delete": f"delete{g}{ns}{r.kind}",
            "deletecollection": f"delete{g}Collection{ns}{r.kind}",
            "watch": f"watch{g}{ns}{r.kind}",
        }
        for verb, op_id in expected.items():
            assert (op_id in found) == (verb in r.verbs), (r.kind, verb, op_id)
        for verb, op_id in expected.items():
            if verb in r.verbs:
                gvk = found[op_id][2]["x-kubernetes-group-version-kind"]
                assert gvk == {"group": r.group, "kind": r.kind, "version": r.version}


def test_parameters_per_verb(v3, v2):
    for doc in (v3["api/v1"], v2):
        found = ops(doc)
        write = {"dryRun", "fieldManager", "fieldValidation"}
        assert param_names(found["createCoreV1NamespacedPod"][2]) - {"body"} == write
        assert param_names(found["replaceCoreV1NamespacedPod"][2]) - {"body"} == write
        assert param_names(found["patchCoreV1NamespacedPod"][2]) - {"body"} == write | {"force"}
        listing = {
            "labelSelector",
            "fieldSelector",
            "watch",
            "allowWatchBookmarks",
            "resourceVersion",
            "resourceVersionMatch",
            "sendInitialEvents",
            "timeoutSeconds",
            "limit",
            "continue",
        }
        assert param_names(found["listCoreV1NamespacedPod"][2]) == listing
        assert param_names(found["deleteCoreV1NamespacedPod"][2]) - {"body"} == {
            "gracePeriodSeconds",
            "orphanDependents",
            "propagationPolicy",
            "dryRun",
        }
        assert {"labelSelector", "gracePeriodSeconds", "propagationPolicy", "continue"} <= param_names(
            found["deleteCoreV1CollectionNamespacedPod"][2]
        )
        item = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]
        assert [p["name"] for p in item["parameters"]] == ["name", "namespace", "pretty"]
        assert all(p.get("required") for p in item["parameters"] if p["in"] == "path")
        assert {"container", "follow", "tailLines", "previous"} <= param_names(
            found["readCoreV1NamespacedPodLog"][2]
        )
        assert {"command", "stdin", "tty"} <= param_names(found["connectCoreV1PostNamespacedPodExec"][2])


def test_field_validation_on_every_write(v3, v2):
    docs = [*v3.values(), v2]
    for doc in docs:
        for op_id, (_, method, op) in ops(doc).items():
            if method in ("post", "put", "patch") and op.get("x-kubernetes-action") != "connect":
                assert "fieldValidation" in param_names(op), op_id
                assert "dryRun" in param_names(op), op_id


def test_v3_operation_shapes(v3):
    found = ops(v3["api/v1"])
    _, _, create = found["createCoreV1NamespacedPod"]
    assert create["requestBody"] == {
        "content": {"*/*": {"schema": {"$ref": "#/components/schemas/io.k8s.api.core.v1.Pod"}}},
        "required": True,
    }
    assert set(create["responses"]) == {"200", "201", "202"}
    assert set(create["responses"]["201"]["content"]) == {
        "application/json",
        "application/yaml",
        "application/vnd.kubernetes.protobuf",
    }
    _, _, patch = found["patchCoreV1NamespacedPod"]
    assert set(patch["requestBody"]["content"]) == {
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/apply-patch+yaml",
    }
    p = next(p for p in patch["parameters"] if p["name"] == "fieldValidation")
    assert p == {
        "name": "fieldValidation",
        "in": "query",
        "description": p["description"],
        "schema": {"type": "string", "uniqueItems": True},
    }
    _, _, lst = found["listCoreV1NamespacedPod"]
    assert "application/json;stream=watch" in lst["responses"]["200"]["content"]
    _, _, watch = found["watchCoreV1NamespacedPod"]
    assert watch["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "meta.v1.WatchEvent"
    )
    # DELETE answers with the object when the declaration says so, else with a Status
    _, _, delete = found["deleteCoreV1NamespacedService"]
    assert delete["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "core.v1.Service"
    )
    _, _, delete = found["deleteCoreV1NamespacedConfigMap"]
    assert delete["responses"]["202"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "meta.v1.Status"
    )
    _, _, log = found["readCoreV1NamespacedPodLog"]
    assert log["responses"]["200"]["content"]["text/plain"]["schema"] == {"type": "string"}
    assert v3["api/v1"]["openapi"] == "3.0.0"


def test_v2_operation_shapes(v2):
    found = ops(v2)
    _, _, create = found["createAppsV1NamespacedDeployment"]
    body = create["parameters"][0]
    assert body == {
        "name": "body",
        "in": "body",
        "required": True,
        "schema": {"$ref": "#/definitions/io.k8s.api.apps.v1.Deployment"},
    }
    assert create["responses"]["401"] == {"description": "Unauthorized"}
    assert create["schemes"] == ["https"]
    assert create["consumes"] == ["*/*"]
    _, _, patch = found["patchAppsV1NamespacedDeployment"]
    assert "application/strategic-merge-patch+json" in patch["consumes"]
    q = next(p for p in patch["parameters"] if p["name"] == "fieldValidation")
    assert q == {
        "uniqueItems": True,
        "type": "string",
        "description": q["description"],
        "name": "fieldValidation",
        "in": "query",
    }


def _kubectl_supports(doc: dict[str, Any], gvk: dict[str, str], param: str) -> bool:
    """cli-runtime's supportsQueryParamV3: the first PATCH operation of the GVK decides."""
    for item in doc["paths"].values():
        op = item.get("patch")
        if op is None or op.get("x-kubernetes-group-version-kind") != gvk:
            continue
        return param in param_names(op)
    return False


def test_kubectl_sees_field_validation_for_every_patchable_kind(v3):
    for r in all_resources():
        if "patch" not in r.verbs:
            continue
        gv = f"apis/{r.group}/{r.version}" if r.group else f"api/{r.version}"
        gvk = {"group": r.group, "kind": r.kind, "version": r.version}
        assert _kubectl_supports(v3[gv], gvk, "fieldValidation"), r.kind


def test_root_lists_every_group_version(oa):
    root = orjson.loads(oa.v3_root.body)
    served = {f"apis/{r.group}/{r.version}" if r.group else f"api/{r.version}" for r in all_resources()}
    groups = {f"apis/{r.group}" for r in all_resources() if r.group}
    assert set(root["paths"]) == served | groups | {"api", "apis", "version"}
    for key, entry in root["paths"].items():
        assert entry == {"serverRelativeURL": f"/openapi/v3/{key}?hash={oa.v3[key].etag}"}


def test_discovery_documents(v3):
    cases = {
        "api": ("/api/", "getCoreAPIVersions", "APIVersions"),
        "apis": ("/apis/", "getAPIVersions", "APIGroupList"),
        "apis/apps": ("/apis/apps/", "getAppsAPIGroup", "APIGroup"),
        "apis/coordination.k8s.io": ("/apis/coordination.k8s.io/", "getCoordinationAPIGroup", "APIGroup"),
        "version": ("/version/", "getCodeVersion", "Info"),
    }
    for key, (path, op_id, kind) in cases.items():
        op = v3[key]["paths"][path]["get"]
        assert op["operationId"] == op_id
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.rsplit(".", 1)[1] == kind
        assert ref.removeprefix("#/components/schemas/") in v3[key]["components"]["schemas"]
    api_v1 = ops(v3["api/v1"])["getCoreV1APIResources"][2]
    assert api_v1["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "APIResourceList"
    )
