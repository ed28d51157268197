"""Generic store semantics over HTTP: create/get/list/update/delete, metadata, errors."""

from __future__ import annotations

import orjson

from tests.apiserver.conftest import configmap

CM = "/api/v1/namespaces/default/configmaps"


async def test_create_fills_system_metadata(client, clock):
    r = await client.post(CM, json=configmap())
    assert r.status_code == 201
    obj = r.json()
    meta = obj["metadata"]
    assert list(obj)[:3] == ["kind", "apiVersion", "metadata"]
    assert meta["namespace"] == "default"
    assert len(meta["uid"]) == 36
    assert meta["creationTimestamp"] == "2026-01-02T03:04:05Z"
    assert int(meta["resourceVersion"]) > 0
    assert "generation" not in meta  # configmaps do not track generation
    got = await client.get(f"{CM}/cm1")
    assert got.status_code == 200
    assert got.json() == obj


async def test_namespace_defaults_from_url_and_mismatch_is_400(client):
    body = configmap()
    body["metadata"]["namespace"] = "kube-system"
    r = await client.post(CM, json=body)
    assert r.status_code == 400
    assert r.json()["message"] == (
        "the namespace of the provided object does not match the namespace sent on the request"
    )


async def test_missing_namespace_is_404(client):
    r = await client.post("/api/v1/namespaces/nope/configmaps", json=configmap())
    assert r.status_code == 404
    assert r.json()["message"] == 'namespaces "nope" not found'
    assert r.json()["details"] == {"name": "nope", "kind": "namespaces"}


async def test_not_found_status_matches_kubernetes(client):
    r = await client.get(f"{CM}/missing")
    assert r.status_code == 404
    assert r.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'configmaps "missing" not found',
        "reason": "NotFound",
        "details": {"name": "missing", "kind": "configmaps"},
        "code": 404,
    }


async def test_already_exists(client):
    assert (await client.post(CM, json=configmap())).status_code == 201
    r = await client.post(CM, json=configmap())
    assert r.status_code == 409
    assert r.json()["reason"] == "AlreadyExists"
    assert r.json()["message"] == 'configmaps "cm1" already exists'


async def test_generate_name_gets_five_char_suffix(client):
    body = configmap()
    del body["metadata"]["name"]
    body["metadata"]["generateName"] = "frontend-"
    names = set()
    for _ in range(5):
        r = await client.post(CM, json=body)
        assert r.status_code == 201
        name = r.json()["metadata"]["name"]
        assert name.startswith("frontend-") and len(name) == len("frontend-") + 5
        assert set(name[9:]) <= set("bcdfghjklmnpqrstvwxz2456789")
        names.add(name)
    assert len(names) == 5


async def test_generate_name_retries_on_collision(server, client):
    suffixes = iter(["aaaaa", "aaaaa", "bbbbb"])
    server.registry.env.suffix = lambda: next(suffixes)
    body = configmap()
    del body["metadata"]["name"]
    body["metadata"]["generateName"] = "x-"
    assert (await client.post(CM, json=body)).json()["metadata"]["name"] == "x-aaaaa"
    assert (await client.post(CM, json=body)).json()["metadata"]["name"] == "x-bbbbb"


async def test_invalid_name_is_422_with_causes(client):
    r = await client.post(CM, json=configmap("Bad_Name"))
    assert r.status_code == 422
    body = r.json()
    assert body["reason"] == "Invalid"
    assert body["message"].startswith(
        'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": '
        "a lowercase RFC 1123 subdomain must consist of"
    )
    assert body["details"]["causes"][0]["field"] == "metadata.name"
    assert body["details"]["causes"][0]["reason"] == "FieldValueInvalid"


async def test_name_required(client):
    body = configmap()
    del body["metadata"]["name"]
    r = await client.post(CM, json=body)
    assert r.status_code == 422
    assert "metadata.name: Required value: name or generateName is required" in r.json()["message"]


async def test_update_with_stale_resource_version_conflicts(client):
    created = (await client.post(CM, json=configmap())).json()
    first = dict(created, data={"k": "v2"})
    r1 = await client.put(f"{CM}/cm1", json=first)
    assert r1.status_code == 200
    assert int(r1.json()["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    stale = dict(created, data={"k": "v3"})
    r2 = await client.put(f"{CM}/cm1", json=stale)
    assert r2.status_code == 409
    assert r2.json()["message"] == (
        'Operation cannot be fulfilled on configmaps "cm1": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert (await client.get(f"{CM}/cm1")).json()["data"] == {"k": "v2"}


async def test_update_keeps_system_fields_and_noop_keeps_revision(client):
    created = (await client.post(CM, json=configmap())).json()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1"}, "data": {"k": "v"}}
    r = await client.put(f"{CM}/cm1", json=body)
    assert r.status_code == 200
    meta = r.json()["metadata"]
    assert meta["uid"] == created["metadata"]["uid"]
    assert meta["creationTimestamp"] == created["metadata"]["creationTimestamp"]
    assert meta["resourceVersion"] == created["metadata"]["resourceVersion"]  # nothing changed


async def test_update_name_mismatch_is_400(client):
    created = (await client.post(CM, json=configmap())).json()
    r = await client.put(f"{CM}/other", json=created)
    assert r.status_code == 400
    assert r.json()["message"] == "the name of the object (cm1) does not match the name on the URL (other)"


async def test_update_missing_is_404(client):
    r = await client.put(f"{CM}/ghost", json=configmap("ghost"))
    assert r.status_code == 404


async def test_delete_returns_status_and_removes(client):
    created = (await client.post(CM, json=configmap())).json()
    r = await client.delete(f"{CM}/cm1")
    assert r.status_code == 200
    assert r.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": "cm1", "kind": "configmaps", "uid": created["metadata"]["uid"]},
    }
    assert (await client.get(f"{CM}/cm1")).status_code == 404
    assert (await client.delete(f"{CM}/cm1")).status_code == 404


async def test_delete_preconditions(client):
    created = (await client.post(CM, json=configmap())).json()
    r = await client.request("DELETE", f"{CM}/cm1", json={"preconditions": {"uid": "nope"}})
    assert r.status_code == 409
    assert r.json()["message"] == (
        'Operation cannot be fulfilled on configmaps "cm1": Precondition failed: UID in precondition: nope, '
        f"UID in object meta: {created['metadata']['uid']}"
    )
    r = await client.request(
        "DELETE",
        f"{CM}/cm1",
        json={"preconditions": {"resourceVersion": created["metadata"]["resourceVersion"]}},
    )
    assert r.status_code == 200


async def test_finalizers_keep_object_until_cleared(client, clock):
    body = configmap()
    body["metadata"]["finalizers"] = ["example.com/hold"]
    created = (await client.post(CM, json=body)).json()
    r = await client.delete(f"{CM}/cm1")
    assert r.status_code == 200
    held = r.json()
    assert held["metadata"]["deletionTimestamp"] == "2026-01-02T03:04:05Z"
    assert held["metadata"]["deletionGracePeriodSeconds"] == 0
    # still readable; clearing the finalizer removes it
    cur = (await client.get(f"{CM}/cm1")).json()
    cur["metadata"]["finalizers"] = []
    r = await client.put(f"{CM}/cm1", json=cur)
    assert r.status_code == 200
    assert (await client.get(f"{CM}/cm1")).status_code == 404
    assert created["metadata"]["uid"] == held["metadata"]["uid"]


async def test_a_patch_clearing_the_last_finalizer_finishes_the_deletion(client):
    """The update that leaves a deleting object without finalizers deletes it, whichever write
    path it takes; one that keeps a finalizer (or changes nothing) leaves it deleting."""
    body = configmap()
    body["metadata"]["finalizers"] = ["example.com/a", "example.com/b"]
    await client.post(CM, json=body)
    await client.delete(f"{CM}/cm1")
    merge = {"Content-Type": "application/merge-patch+json"}
    r = await client.patch(f"{CM}/cm1", content=b'{"data":{"k":"v2"}}', headers=merge)
    assert r.status_code == 200 and r.json()["metadata"]["deletionTimestamp"]
    r = await client.patch(f"{CM}/cm1", content=b'{"data":{"k":"v2"}}', headers=merge)  # no-op
    assert r.status_code == 200
    r = await client.patch(
        f"{CM}/cm1", content=b'{"metadata":{"finalizers":["example.com/b"]}}', headers=merge
    )
    assert r.status_code == 200 and r.json()["metadata"]["finalizers"] == ["example.com/b"]
    assert (await client.get(f"{CM}/cm1")).status_code == 200
    r = await client.patch(f"{CM}/cm1", content=b'{"metadata":{"finalizers":null}}', headers=merge)
    assert r.status_code == 200
    assert (await client.get(f"{CM}/cm1")).status_code == 404


async def test_no_new_finalizers_while_deleting(client):
    body = configmap()
    body["metadata"]["finalizers"] = ["example.com/hold"]
    await client.post(CM, json=body)
    await client.delete(f"{CM}/cm1")
    cur = (await client.get(f"{CM}/cm1")).json()
    cur["metadata"]["finalizers"] = ["example.com/hold", "example.com/more"]
    r = await client.put(f"{CM}/cm1", json=cur)
    assert r.status_code == 422
    assert "no new finalizers can be added if the object is being deleted" in r.json()["message"]


async def test_dry_run_writes_nothing(client):
    r = await client.post(f"{CM}?dryRun=All", json=configmap())
    assert r.status_code == 201
    assert "resourceVersion" not in r.json()["metadata"]
    assert (await client.get(f"{CM}/cm1")).status_code == 404
    await client.post(CM, json=configmap())
    r = await client.delete(f"{CM}/cm1?dryRun=All")
    assert r.status_code == 200
    assert (await client.get(f"{CM}/cm1")).status_code == 200
    cur = (await client.get(f"{CM}/cm1")).json()
    r = await client.put(f"{CM}/cm1?dryRun=All", json=dict(cur, data={"x": "y"}))
    assert r.status_code == 200 and r.json()["data"] == {"x": "y"}
    assert (await client.get(f"{CM}/cm1")).json()["data"] == {"k": "v"}


async def test_yaml_body_and_yaml_response(client):
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y1\ndata:\n  when: 2015-04-22T11:49:39Z\n"
    r = await client.post(CM, content=body, headers={"Content-Type": "application/yaml"})
    assert r.status_code == 201
    assert r.json()["data"]["when"] == "2015-04-22T11:49:39Z"  # timestamps stay strings
    r = await client.get(f"{CM}/y1", headers={"Accept": "application/yaml"})
    assert r.headers["content-type"] == "application/yaml"
    assert b"name: y1" in r.content


async def test_malformed_json_is_400(client):
    r = await client.post(CM, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["reason"] == "BadRequest"
    assert r.json()["message"].startswith("couldn't get version/kind; json parse error")


async def test_unknown_content_type_is_415(client):
    r = await client.post(CM, content=b"x", headers={"Content-Type": "text/html"})
    assert r.status_code == 415
    assert r.json()["reason"] == "UnsupportedMediaType"


async def test_body_over_3mib_is_413_and_writes_nothing(client):
    big = configmap(data={"k": "x" * (3 * 1024 * 1024 + 10)})
    r = await client.post(CM, content=orjson.dumps(big), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["reason"] == "RequestEntityTooLarge"
    assert (await client.get(f"{CM}/cm1")).status_code == 404


async def test_wrong_kind_and_version_are_400(client):
    r = await client.post(CM, json={**configmap(), "kind": "Secret"})
    assert r.status_code == 400
    r = await client.post(CM, json={**configmap(), "apiVersion": "apps/v1"})
    assert r.status_code == 400
    assert (
        r.json()["message"]
        == "the API version in the data (apps/v1) does not match the expected API version (v1)"
    )


async def test_type_error_is_400_like_go_decoding(client):
    r = await client.post(CM, json={**configmap(), "data": {"k": 5}})
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field'
    )


async def test_unknown_fields_warn_by_default_and_strict_rejects(client):
    body = {**configmap(), "bogus": 1}
    r = await client.post(CM, json=body)
    assert r.status_code == 201
    assert r.headers["warning"] == '299 - "unknown field \\"bogus\\""'
    assert "bogus" not in r.json()
    r = await client.post(f"{CM}?fieldValidation=Strict", json={**configmap("cm2"), "bogus": 1})
    assert r.status_code == 400
    assert r.json()["message"] == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"'
    )


async def test_method_not_allowed(client):
    r = await client.put(CM, json=configmap())
    assert r.status_code == 405
    assert r.json()["reason"] == "MethodNotAllowed"


async def test_unknown_resource_is_404(client):
    r = await client.get("/api/v1/widgets")
    assert r.status_code == 404
    assert r.json()["message"] == "the server could not find the requested resource"


async def test_inflight_limit_gives_429(server, client):
    server.app.inflight = server.config.max_requests_inflight
    r = await client.get(f"{CM}")
    assert r.status_code == 429
    assert r.json()["reason"] == "TooManyRequests"
    assert r.headers["retry-after"] == "1"
    server.app.inflight = 0
    assert (await client.get(f"{CM}")).status_code == 200


async def test_delete_collection_by_label(client):
    for i in range(4):
        await client.post(CM, json=configmap(f"c{i}", labels={"grp": "a" if i % 2 else "b"}))
    r = await client.delete(f"{CM}?labelSelector=grp%3Da")
    assert r.status_code == 200
    assert sorted(i["metadata"]["name"] for i in r.json()["items"]) == ["c1", "c3"]
    left = (await client.get(CM)).json()["items"]
    assert sorted(i["metadata"]["name"] for i in left) == ["c0", "c2"]


async def test_fields_in_go_struct_order_and_empty_collections_omitted(client):
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"labels": {}, "name": "e"}, "data": {}}
    r = await client.post(CM, json=body)
    obj = r.json()
    assert "data" not in obj and "labels" not in obj["metadata"]
    assert list(obj["metadata"]) == [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "managedFields",
    ]
    got = (await client.get(f"{CM}/e")).json()
    assert list(got["metadata"]) == list(obj["metadata"])
