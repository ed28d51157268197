"""LIST (selectors, pagination, resourceVersion) and WATCH (resume, 410, bookmarks, initial events)."""

from __future__ import annotations

from tests.apiserver.conftest import Stream, configmap

CM = "/api/v1/namespaces/default/configmaps"


async def _seed(client, n: int = 6) -> None:
    for i in range(n):
        r = await client.post(
            CM, json=configmap(f"c{i}", labels={"tier": "fe" if i % 3 == 0 else "be", "i": str(i)})
        )
        assert r.status_code == 201


async def test_list_kind_and_revision(client):
    await _seed(client, 2)
    r = await client.get(CM)
    body = r.json()
    assert body["kind"] == "ConfigMapList" and body["apiVersion"] == "v1"
    assert [i["metadata"]["name"] for i in body["items"]] == ["c0", "c1"]
    assert int(body["metadata"]["resourceVersion"]) >= max(
        int(i["metadata"]["resourceVersion"]) for i in body["items"]
    )


async def test_label_selectors(client):
    await _seed(client)
    names = lambda r: [i["metadata"]["name"] for i in r.json()["items"]]  # noqa: E731
    assert names(await client.get(CM, params={"labelSelector": "tier=fe"})) == ["c0", "c3"]
    assert names(await client.get(CM, params={"labelSelector": "tier!=fe"})) == ["c1", "c2", "c4", "c5"]
    assert names(await client.get(CM, params={"labelSelector": "i in (1,2)"})) == ["c1", "c2"]
    assert names(await client.get(CM, params={"labelSelector": "i notin (1,2),tier=be"})) == ["c4", "c5"]
    assert names(await client.get(CM, params={"labelSelector": "!tier"})) == []
    r = await client.get(CM, params={"labelSelector": "tier in fe"})
    assert r.status_code == 400


async def test_field_selectors(client):
    await _seed(client, 3)
    r = await client.get(CM, params={"fieldSelector": "metadata.name=c1"})
    assert [i["metadata"]["name"] for i in r.json()["items"]] == ["c1"]
    r = await client.get(CM, params={"fieldSelector": "metadata.name!=c1"})
    assert [i["metadata"]["name"] for i in r.json()["items"]] == ["c0", "c2"]
    r = await client.get(CM, params={"fieldSelector": "spec.foo=x"})
    assert r.status_code == 400
    assert r.json()["message"] == "field label not supported: spec.foo"


async def test_all_namespaces_list(client):
    await _seed(client, 2)
    r = await client.get("/api/v1/configmaps")
    assert r.status_code == 200
    assert {i["metadata"]["name"] for i in r.json()["items"]} >= {"c0", "c1"}
    r = await client.get("/api/v1/namespaces")
    assert {i["metadata"]["name"] for i in r.json()["items"]} >= {
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
    }


async def test_pagination_is_consistent_at_first_page_revision(client):
    await _seed(client, 5)
    r1 = (await client.get(CM, params={"limit": 2})).json()
    assert [i["metadata"]["name"] for i in r1["items"]] == ["c0", "c1"]
    assert r1["metadata"]["remainingItemCount"] == 3
    token = r1["metadata"]["continue"]
    # a write between pages does not show up in later pages
    await client.post(CM, json=configmap("c2a"))
    await client.delete(f"{CM}/c3")
    r2 = (await client.get(CM, params={"limit": 2, "continue": token})).json()
    assert [i["metadata"]["name"] for i in r2["items"]] == ["c2", "c3"]
    r3 = (await client.get(CM, params={"limit": 2, "continue": r2["metadata"]["continue"]})).json()
    assert [i["metadata"]["name"] for i in r3["items"]] == ["c4"]
    assert "continue" not in r3["metadata"]
    assert (
        r1["metadata"]["resourceVersion"]
        == r2["metadata"]["resourceVersion"]
        == r3["metadata"]["resourceVersion"]
    )


async def test_bad_continue_token_is_422(client):
    r = await client.get(CM, params={"limit": 1, "continue": "garbage!!"})
    assert r.status_code == 422


async def test_expired_continue_is_410(small_client):
    client = small_client
    await _seed(client, 3)
    token = (await client.get(CM, params={"limit": 1})).json()["metadata"]["continue"]
    # push the first page's revision out of the 4-event window
    for i in range(6):
        await client.post(CM, json=configmap(f"z{i}"))
    r = await client.get(CM, params={"limit": 1, "continue": token})
    assert r.status_code == 410
    assert r.json()["reason"] == "Expired"


async def test_resource_version_match_rules(client):
    r = await client.get(CM, params={"resourceVersionMatch": "Exact"})
    assert r.status_code == 422
    assert "resourceVersionMatch is forbidden unless resourceVersion is provided" in r.json()["message"]
    await _seed(client, 1)
    rv = (await client.get(CM)).json()["metadata"]["resourceVersion"]
    await client.post(CM, json=configmap("later"))
    r = await client.get(CM, params={"resourceVersion": rv, "resourceVersionMatch": "Exact"})
    assert r.status_code == 200
    assert [i["metadata"]["name"] for i in r.json()["items"]] == ["c0"]
    assert r.json()["metadata"]["resourceVersion"] == rv


async def test_get_with_future_resource_version_times_out_504(server, client):
    r = await client.get(f"{CM}/x", params={"resourceVersion": "999999"})
    assert r.status_code == 504
    assert "Too large resource version" in r.json()["message"]


async def test_watch_streams_changes_and_resumes(server, client):
    await _seed(client, 1)
    rv = (await client.get(CM)).json()["metadata"]["resourceVersion"]
    s = await Stream.open(server.app, CM, f"watch=true&resourceVersion={rv}")
    await client.post(CM, json=configmap("w1"))
    cur = (await client.get(f"{CM}/w1")).json()
    await client.put(f"{CM}/w1", json=dict(cur, data={"k": "2"}))
    await client.delete(f"{CM}/w1")
    types = [(await s.event())["type"] for _ in range(3)]
    assert types == ["ADDED", "MODIFIED", "DELETED"]
    await s.close()
    # resume from the ADDED event's revision: only the later two arrive
    s2 = await Stream.open(server.app, CM, f"watch=1&resourceVersion={cur['metadata']['resourceVersion']}")
    evs = [await s2.event() for _ in range(2)]
    assert [e["type"] for e in evs] == ["MODIFIED", "DELETED"]
    assert evs[1]["object"]["metadata"]["name"] == "w1"
    await s2.close()


async def test_watch_without_rv_sends_current_state_first(server, client):
    await _seed(client, 2)
    s = await Stream.open(server.app, CM, "watch=true")
    evs = [await s.event() for _ in range(2)]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [("ADDED", "c0"), ("ADDED", "c1")]
    await s.close()


async def test_watch_label_selector_enter_and_leave(server, client):
    await client.post(CM, json=configmap("m", labels={"on": "no"}))
    s = await Stream.open(server.app, CM, "watch=true&labelSelector=on%3Dyes&resourceVersion=0")
    cur = (await client.get(f"{CM}/m")).json()
    cur["metadata"]["labels"] = {"on": "yes"}
    cur = (await client.put(f"{CM}/m", json=cur)).json()
    cur["metadata"]["labels"] = {"on": "no"}
    await client.put(f"{CM}/m", json=cur)
    assert [(await s.event())["type"] for _ in range(2)] == ["ADDED", "DELETED"]
    await s.close()


async def test_watch_from_compacted_revision_sends_410_error_event(small_server, small_client):
    for i in range(8):
        await small_client.post(CM, json=configmap(f"x{i}"))
    s = await Stream.open(small_server.app, CM, "watch=true&resourceVersion=2")
    ev = await s.event()
    assert ev["type"] == "ERROR"
    assert ev["object"]["code"] == 410 and ev["object"]["reason"] == "Expired"
    assert await s.event() is None
    await s.close()


async def test_watch_timeout_seconds_ends_stream(server, client):
    s = await Stream.open(server.app, CM, "watch=true&timeoutSeconds=1&resourceVersion=1")
    assert await s.event(timeout=3) is None
    await s.close()


async def test_send_initial_events_ends_with_bookmark(server, client):
    await _seed(client, 2)
    q = "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
    s = await Stream.open(server.app, CM, q)
    evs = [await s.event() for _ in range(3)]
    assert [e["type"] for e in evs] == ["ADDED", "ADDED", "BOOKMARK"]
    bm = evs[2]["object"]
    assert bm["kind"] == "ConfigMap" and bm["apiVersion"] == "v1"
    assert bm["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    await s.close()


async def test_send_initial_events_requires_not_older_than(client):
    r = await client.get(CM, params={"watch": "true", "sendInitialEvents": "true"})
    assert r.status_code == 422
