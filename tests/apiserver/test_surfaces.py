"""Non-resource paths, discovery (legacy and aggregated) and server-side Table printing."""

from __future__ import annotations

from tests.apiserver.conftest import Stream, configmap

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
AGG = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)


async def test_version_with_and_without_slash(client):
    for path in ("/version", "/version/"):
        r = await client.get(path)
        assert r.status_code == 200
        assert r.json()["major"] == "1" and r.json()["gitVersion"].startswith("v1.")


async def test_health_endpoints(client):
    for path in ("/healthz", "/livez", "/readyz"):
        r = await client.get(path)
        assert (r.status_code, r.text) == (200, "ok")
    r = await client.get("/readyz?verbose")
    assert "readyz check passed" in r.text


async def test_readyz_fails_until_started(server, client):
    server.ready = False
    assert (await client.get("/readyz")).status_code == 500
    assert (await client.get("/livez")).status_code == 200
    server.ready = True


async def test_metrics_count_requests(client):
    await client.get("/api/v1/namespaces/default/configmaps")
    text = (await client.get("/metrics")).text
    assert "# TYPE apiserver_request_total counter" in text
    line = next(
        x
        for x in text.splitlines()
        if x.startswith("apiserver_request_total{") and 'resource="configmaps"' in x
    )
    assert 'verb="LIST"' in line and 'code="200"' in line
    assert "apiserver_request_duration_seconds_bucket" in text


async def test_legacy_discovery(client):
    api = (await client.get("/api")).json()
    assert api["kind"] == "APIVersions" and api["versions"] == ["v1"]
    v1 = (await client.get("/api/v1")).json()
    assert v1["kind"] == "APIResourceList" and v1["groupVersion"] == "v1"
    byname = {r["name"]: r for r in v1["resources"]}
    assert byname["configmaps"]["shortNames"] == ["cm"]
    assert byname["configmaps"]["namespaced"] is True
    assert byname["namespaces"]["namespaced"] is False
    assert "services/status" in byname
    apis = (await client.get("/apis")).json()
    assert apis["kind"] == "APIGroupList"


async def test_aggregated_discovery(client):
    r = await client.get("/api", headers={"Accept": AGG})
    assert r.headers["content-type"] == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    body = r.json()
    assert body["kind"] == "APIGroupDiscoveryList" and body["apiVersion"] == "apidiscovery.k8s.io/v2"
    core = body["items"][0]["versions"][0]
    assert core["version"] == "v1" and core["freshness"] == "Current"
    cm = next(x for x in core["resources"] if x["resource"] == "configmaps")
    assert cm["responseKind"] == {"group": "", "version": "v1", "kind": "ConfigMap"}
    assert cm["scope"] == "Namespaced" and "list" in cm["verbs"]
    r = await client.get("/apis", headers={"Accept": AGG.replace("v=v2;", "v=v2beta1;", 1).split(",", 1)[1]})
    assert r.headers["content-type"].endswith("v=v2beta1;as=APIGroupDiscoveryList")
    assert all(i["metadata"]["name"] for i in r.json()["items"])


async def test_table_list_get_and_include_object(client, clock):
    await client.post(
        "/api/v1/namespaces/default/configmaps", json=configmap("t1", data={"a": "1", "b": "2"})
    )
    clock.advance(300)
    r = await client.get("/api/v1/namespaces/default/configmaps", headers={"Accept": TABLE})
    assert r.headers["content-type"] == "application/json;as=Table;v=v1;g=meta.k8s.io"
    t = r.json()
    assert t["kind"] == "Table" and t["apiVersion"] == "meta.k8s.io/v1"
    assert [c["name"] for c in t["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert t["rows"][0]["cells"] == ["t1", 2, "5m"]
    assert t["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    r = await client.get(
        "/api/v1/namespaces/default/configmaps/t1?includeObject=Object", headers={"Accept": TABLE}
    )
    assert r.json()["rows"][0]["object"]["data"] == {"a": "1", "b": "2"}


async def test_table_watch_rows(server, client):
    s = Stream(server.app, "/api/v1/namespaces/default/configmaps", "watch=true")
    # Stream sends no Accept header: plain events; the Table form is checked through the handler
    await s.close()
    from kubepy.apiserver.handlers.watch import table_lines
    from kubepy.apiserver.http import Request
    from kubepy.apiserver.requestinfo import parse
    from kubepy.storage.cached import WatchEvent

    await client.post("/api/v1/namespaces/default/configmaps", json=configmap("w"))
    entry = server.registry.lookup("", "v1", "configmaps")
    req = Request("GET", "/", {}, {}, b"", parse("GET", "/api/v1/namespaces/default/configmaps", True))
    line = table_lines(entry, req, "v1")
    item = server.cache.get("/registry/core/configmaps/default/w")
    import orjson

    first = orjson.loads(line(WatchEvent("ADDED", item.revision, item.value)))
    second = orjson.loads(line(WatchEvent("MODIFIED", item.revision, item.value)))
    assert first["object"]["columnDefinitions"] and second["object"]["columnDefinitions"] is None
    assert first["object"]["rows"][0]["cells"][0] == "w"


async def test_service_account_token(client, server):
    import base64

    import orjson

    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"}}
    assert (await client.post("/api/v1/namespaces/default/serviceaccounts", json=sa)).status_code == 201
    r = await client.post(
        "/api/v1/namespaces/default/serviceaccounts/robot/token",
        json={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["kind"] == "TokenRequest" and body["spec"]["expirationSeconds"] == 3600
    payload = body["status"]["token"].split(".")[1]
    claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["sub"] == "system:serviceaccount:default:robot"
    assert claims["exp"] - claims["iat"] == 3600
    r = await client.post(
        "/api/v1/namespaces/default/serviceaccounts/robot/token", json={"spec": {"expirationSeconds": 60}}
    )
    assert r.status_code == 422
    assert (
        await client.post("/api/v1/namespaces/default/serviceaccounts/ghost/token", json={})
    ).status_code == 404


async def test_deprecated_resources_warn(client):
    r = await client.get("/api/v1/namespaces/default/endpoints")
    assert r.headers["warning"] == (
        '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"'
    )
    assert "warning" not in (await client.get("/api/v1/namespaces/default/configmaps")).headers


PARTIAL = (
    "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
)


async def test_partial_object_metadata(client, server):
    await client.post("/api/v1/namespaces/default/configmaps", json=configmap("pm", labels={"a": "b"}))
    r = await client.get("/api/v1/namespaces/default/configmaps/pm", headers={"Accept": PARTIAL})
    assert r.headers["content-type"] == "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
    body = r.json()
    assert body["kind"] == "PartialObjectMetadata" and body["apiVersion"] == "meta.k8s.io/v1"
    assert body["metadata"]["labels"] == {"a": "b"} and "data" not in body
    lst = (
        await client.get(
            "/api/v1/namespaces/default/configmaps",
            headers={"Accept": PARTIAL.replace("PartialObjectMetadata;", "PartialObjectMetadataList;")},
        )
    ).json()
    assert lst["kind"] == "PartialObjectMetadataList"
    assert [i["metadata"]["name"] for i in lst["items"]] == ["pm"] and "data" not in lst["items"][0]
    import orjson

    from kubepy.apiserver.handlers.watch import partial_lines
    from kubepy.storage.cached import WatchEvent

    item = server.cache.get("/registry/core/configmaps/default/pm")
    ev = orjson.loads(partial_lines("v1")(WatchEvent("ADDED", item.revision, item.value)))
    assert ev["object"]["kind"] == "PartialObjectMetadata" and "data" not in ev["object"]


async def test_events_apis_share_one_stored_event(client, server):
    ev = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "e1"},
        "eventTime": "2026-01-02T03:04:05.000000Z",
        "reportingController": "kubepy.io/test",
        "reportingInstance": "t-1",
        "action": "Testing",
        "reason": "Shared",
        "note": "hello",
        "regarding": {"apiVersion": "v1", "kind": "Pod", "name": "p", "namespace": "default"},
        "type": "Normal",
    }
    r = await client.post("/apis/events.k8s.io/v1/namespaces/default/events", json=ev)
    assert r.status_code == 201, r.text
    assert r.json()["note"] == "hello" and "message" not in r.json()
    core = (await client.get("/api/v1/namespaces/default/events/e1")).json()
    assert core["apiVersion"] == "v1" and core["message"] == "hello" and core["involvedObject"]["name"] == "p"
    lst = (
        await client.get(
            "/apis/events.k8s.io/v1/namespaces/default/events", params={"fieldSelector": "regarding.name=p"}
        )
    ).json()
    assert [i["metadata"]["name"] for i in lst["items"]] == ["e1"] and lst["items"][0]["note"] == "hello"
    s = await Stream.open(server.app, "/apis/events.k8s.io/v1/namespaces/default/events", "watch=true")
    added = await s.event()
    assert added["object"]["apiVersion"] == "events.k8s.io/v1" and added["object"]["note"] == "hello"
    await s.close()
    r = await client.delete("/apis/events.k8s.io/v1/namespaces/default/events/e1")
    assert r.status_code == 200
    assert (await client.get("/api/v1/namespaces/default/events/e1")).status_code == 404


async def test_service_account_token_bound_to_an_object(client, server):
    """boundObjectRef as Kubernetes' TokenREST checks it: the object must exist (its 404), carry
    the given uid (409), be a core Pod, Secret or Node (400); the claims name it, and a pod's
    node (its uid too while the node exists)."""
    import base64

    import orjson

    def claims_of(body: dict) -> dict:
        payload = body["status"]["token"].split(".")[1]
        return orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["kubernetes.io"]

    url = "/api/v1/namespaces/default/serviceaccounts/default/token"
    sa = {"metadata": {"name": "default"}}
    await client.post("/api/v1/namespaces/default/serviceaccounts", json=sa)
    node = (await client.post("/api/v1/nodes", json={"metadata": {"name": "n1"}})).json()
    spec = {"nodeName": "n1", "containers": [{"name": "c", "image": "i"}]}
    pod = (
        await client.post("/api/v1/namespaces/default/pods", json={"metadata": {"name": "p"}, "spec": spec})
    ).json()
    ref = {"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": pod["metadata"]["uid"]}
    r = await client.post(url, json={"spec": {"boundObjectRef": ref}})
    assert r.status_code == 201, r.text
    assert r.json()["spec"]["boundObjectRef"] == ref
    got = claims_of(r.json())
    assert list(got) == ["namespace", "serviceaccount", "pod", "node"]
    assert got["pod"] == {"name": "p", "uid": pod["metadata"]["uid"]}
    assert got["node"] == {"name": "n1", "uid": node["metadata"]["uid"]}

    r = await client.post(url, json={"spec": {"boundObjectRef": {**ref, "uid": "other"}}})
    assert r.status_code == 409
    assert r.json()["message"] == (
        'Operation cannot be fulfilled on Pod "p": the UID in the bound object reference (other) does'
        " not match the UID in record. The object might have been deleted and then recreated"
    )
    r = await client.post(
        url, json={"spec": {"boundObjectRef": {"apiVersion": "v1", "kind": "Pod", "name": "x"}}}
    )
    assert (r.status_code, r.json()["message"]) == (404, 'pods "x" not found')
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "name": "c"}
    r = await client.post(url, json={"spec": {"boundObjectRef": cm}})
    assert (r.status_code, r.json()["message"]) == (
        400,
        "cannot bind token to object of type /v1, Kind=ConfigMap",
    )
    r = await client.post(
        url, json={"spec": {"boundObjectRef": {"apiVersion": "v1", "kind": "Node", "name": "n1"}}}
    )
    assert claims_of(r.json())["node"] == {"name": "n1", "uid": node["metadata"]["uid"]}
    spec = {"nodeName": "ghost", "containers": [{"name": "c", "image": "i"}]}
    await client.post("/api/v1/namespaces/default/pods", json={"metadata": {"name": "q"}, "spec": spec})
    r = await client.post(
        url, json={"spec": {"boundObjectRef": {"apiVersion": "v1", "kind": "Pod", "name": "q"}}}
    )
    assert claims_of(r.json())["node"] == {"name": "ghost"}  # no uid: the node does not exist
