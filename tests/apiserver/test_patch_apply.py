"""PATCH over HTTP: the three classic types inside the update loop, and server-side apply."""

from __future__ import annotations

from tests.apiserver.conftest import configmap

CM = "/api/v1/namespaces/default/configmaps"
SVC = "/api/v1/namespaces/default/services"
JSONP = {"Content-Type": "application/json-patch+json"}
MERGE = {"Content-Type": "application/merge-patch+json"}
SMP = {"Content-Type": "application/strategic-merge-patch+json"}
APPLY = {"Content-Type": "application/apply-patch+yaml"}


def service(name: str = "web", ports: list | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": name}, "ports": ports or [{"name": "http", "port": 80}]},
    }


async def test_merge_patch_labels(client):
    await client.post(CM, json=configmap())
    r = await client.patch(
        f"{CM}/cm1", json={"metadata": {"labels": {"a": "1"}}, "data": {"k": None, "n": "2"}}, headers=MERGE
    )
    assert r.status_code == 200
    assert r.json()["metadata"]["labels"] == {"a": "1"}
    assert r.json()["data"] == {"n": "2"}


async def test_json_patch_and_failed_test_op(client):
    await client.post(CM, json=configmap())
    ops = [
        {"op": "test", "path": "/data/k", "value": "v"},
        {"op": "replace", "path": "/data/k", "value": "w"},
    ]
    r = await client.patch(f"{CM}/cm1", json=ops, headers=JSONP)
    assert r.status_code == 200 and r.json()["data"] == {"k": "w"}
    r = await client.patch(
        f"{CM}/cm1", json=[{"op": "test", "path": "/data/k", "value": "nope"}], headers=JSONP
    )
    assert r.status_code == 422
    assert (await client.get(f"{CM}/cm1")).json()["data"] == {"k": "w"}


async def test_strategic_merge_by_key(client):
    await client.post(SVC, json=service(ports=[{"name": "http", "port": 80}, {"name": "https", "port": 443}]))
    patch = {"spec": {"ports": [{"port": 443, "targetPort": 8443}]}}
    r = await client.patch(f"{SVC}/web", json=patch, headers=SMP)
    assert r.status_code == 200, r.text
    ports = {p["port"]: p for p in r.json()["spec"]["ports"]}
    assert ports[443]["targetPort"] == 8443 and ports[443]["name"] == "https"
    assert ports[80]["targetPort"] == 80


async def test_patch_with_stale_resource_version_conflicts(client):
    created = (await client.post(CM, json=configmap())).json()
    await client.patch(f"{CM}/cm1", json={"data": {"k": "2"}}, headers=MERGE)
    stale = {"metadata": {"resourceVersion": created["metadata"]["resourceVersion"]}, "data": {"k": "3"}}
    r = await client.patch(f"{CM}/cm1", json=stale, headers=MERGE)
    assert r.status_code == 409 and r.json()["reason"] == "Conflict"


async def test_patch_missing_object_is_404_and_bad_type_is_415(client):
    assert (await client.patch(f"{CM}/ghost", json={}, headers=MERGE)).status_code == 404
    await client.post(CM, json=configmap())
    r = await client.patch(f"{CM}/cm1", content=b"{}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


async def test_patch_result_is_validated(client):
    await client.post(SVC, json=service())
    r = await client.patch(f"{SVC}/web", json={"spec": {"type": "Bogus"}}, headers=MERGE)
    assert r.status_code == 422
    assert (await client.get(f"{SVC}/web")).json()["spec"]["type"] == "ClusterIP"


async def test_server_side_apply_create_conflict_force(client):
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sa\ndata:\n  k: one\n"
    r = await client.patch(f"{CM}/sa?fieldManager=alice", content=body, headers=APPLY)
    assert r.status_code == 201, r.text
    mf = r.json()["metadata"]["managedFields"]
    assert [(m["manager"], m["operation"]) for m in mf] == [("alice", "Apply")]
    # re-apply the same body: nothing changes
    r2 = await client.patch(f"{CM}/sa?fieldManager=alice", content=body, headers=APPLY)
    assert r2.status_code == 200
    assert r2.json()["metadata"]["resourceVersion"] == r.json()["metadata"]["resourceVersion"]
    other = body.replace(b"one", b"two")
    r3 = await client.patch(f"{CM}/sa?fieldManager=bob", content=other, headers=APPLY)
    assert r3.status_code == 409
    assert r3.json()["message"].startswith('Apply failed with 1 conflict: conflict with "alice"')
    assert r3.json()["details"]["causes"][0]["field"] == ".data.k"
    r4 = await client.patch(f"{CM}/sa?fieldManager=bob&force=true", content=other, headers=APPLY)
    assert r4.status_code == 200 and r4.json()["data"] == {"k": "two"}


async def test_apply_requires_field_manager(client):
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sa\n"
    r = await client.patch(f"{CM}/sa", content=body, headers=APPLY)
    assert r.status_code == 422
    assert "fieldManager: Required value" in r.json()["message"]


async def test_update_records_managed_fields_from_user_agent(client):
    r = await client.post(CM, json=configmap(), headers={"User-Agent": "kubectl/v1.37.1 (linux/amd64)"})
    mf = r.json()["metadata"]["managedFields"]
    assert mf[0]["manager"] == "kubectl" and mf[0]["operation"] == "Update"
    assert mf[0]["fieldsV1"] == {"f:data": {".": {}, "f:k": {}}}
