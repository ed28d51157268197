"""RESTClient verbs, errors and watch against the real in-process apiserver."""

from __future__ import annotations

import httpx
import pytest

from kubepy import kubeconfig
from kubepy.client import errors
from kubepy.client.errors import ApiError
from kubepy.client.resources import CONFIGMAPS, NAMESPACES, ref, ref_of
from kubepy.client.rest import RESTClient
from tests.client.conftest import configmap

NS = "default"


async def test_create_get_list_update(client: RESTClient) -> None:
    created = await client.create(CONFIGMAPS, configmap("a", {"x": "1"}))
    assert created["metadata"]["uid"] and created["metadata"]["namespace"] == NS
    got = await client.get(CONFIGMAPS, "a", NS)
    assert got["data"] == {"x": "1"}
    got["data"]["x"] = "2"
    updated = await client.update(CONFIGMAPS, got)
    assert updated["data"] == {"x": "2"}
    assert int(updated["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    listed = await client.list(CONFIGMAPS, NS)
    assert listed["kind"] == "ConfigMapList"
    assert [i["metadata"]["name"] for i in listed["items"]] == ["a"]


async def test_user_agent_names_the_field_manager(client: RESTClient) -> None:
    created = await client.create(CONFIGMAPS, configmap("ua"))
    assert created["metadata"]["managedFields"][0]["manager"] == "kubepy-test"


async def test_stale_update_is_a_conflict(client: RESTClient) -> None:
    first = await client.create(CONFIGMAPS, configmap("c"))
    await client.patch(CONFIGMAPS, "c", {"data": {"k": "new"}}, NS, patch_type="merge")
    first["data"] = {"k": "stale"}
    with pytest.raises(ApiError) as exc:
        await client.update(CONFIGMAPS, first)
    assert exc.value.code == 409 and errors.is_conflict(exc.value)
    assert "the object has been modified" in exc.value.message


async def test_errors_carry_the_status(client: RESTClient) -> None:
    with pytest.raises(ApiError) as exc:
        await client.get(CONFIGMAPS, "missing", NS)
    e = exc.value
    assert (e.code, e.reason, e.message) == (404, "NotFound", 'configmaps "missing" not found')
    assert errors.is_not_found(e) and e.details["name"] == "missing"

    await client.create(CONFIGMAPS, configmap("dup"))
    with pytest.raises(ApiError) as exc:
        await client.create(CONFIGMAPS, configmap("dup"))
    assert errors.is_already_exists(exc.value) and exc.value.code == 409

    with pytest.raises(ApiError) as exc:
        await client.create(CONFIGMAPS, configmap("Not_Valid"))
    assert errors.is_invalid(exc.value) and exc.value.code == 422
    assert exc.value.details["causes"][0]["field"] == "metadata.name"


async def test_update_status(client: RESTClient) -> None:
    ns = await client.create(
        NAMESPACES, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "st"}}
    )
    ns["status"] = {"phase": "Active", "conditions": [{"type": "Custom", "status": "True"}]}
    ns["metadata"]["labels"] = {"ignored": "by-status"}
    out = await client.update_status(NAMESPACES, ns)
    assert out["status"]["conditions"][0]["type"] == "Custom"
    assert "ignored" not in (out["metadata"].get("labels") or {})


async def test_four_patch_types(client: RESTClient) -> None:
    await client.create(CONFIGMAPS, configmap("p", {"a": "1"}, labels={"l": "1"}))
    out = await client.patch(CONFIGMAPS, "p", {"data": {"b": "2"}}, NS, patch_type="merge")
    assert out["data"] == {"a": "1", "b": "2"}
    out = await client.patch(CONFIGMAPS, "p", [{"op": "remove", "path": "/data/a"}], NS, patch_type="json")
    assert out["data"] == {"b": "2"}
    out = await client.patch(CONFIGMAPS, "p", {"metadata": {"labels": {"m": "2"}}}, NS)  # strategic
    assert out["metadata"]["labels"] == {"l": "1", "m": "2"}
    applied = configmap("p", {"c": "3"})
    out = await client.patch(CONFIGMAPS, "p", applied, NS, patch_type="apply", field_manager="mgr")
    assert out["data"]["c"] == "3"
    with pytest.raises(ApiError) as exc:
        await client.patch(
            CONFIGMAPS, "p", [{"op": "test", "path": "/data/b", "value": "x"}], NS, patch_type="json"
        )
    assert exc.value.code == 422 and errors.is_invalid(exc.value)


async def test_server_side_apply_conflict_and_force(client: RESTClient) -> None:
    await client.apply(CONFIGMAPS, configmap("s", {"k": "one"}), field_manager="alice")
    with pytest.raises(ApiError) as exc:
        await client.apply(CONFIGMAPS, configmap("s", {"k": "two"}), field_manager="bob")
    assert exc.value.code == 409 and exc.value.reason == "Conflict"
    assert 'conflict with "alice"' in exc.value.message
    out = await client.apply(CONFIGMAPS, configmap("s", {"k": "two"}), field_manager="bob", force=True)
    assert out["data"] == {"k": "two"}
    managers = {m["manager"] for m in out["metadata"]["managedFields"]}
    assert "bob" in managers


async def test_delete_and_delete_collection(client: RESTClient) -> None:
    for i in range(3):
        await client.create(CONFIGMAPS, configmap(f"d{i}", labels={"batch": "x" if i < 2 else "y"}))
    await client.delete(CONFIGMAPS, "d2", NS)
    with pytest.raises(ApiError) as exc:
        await client.get(CONFIGMAPS, "d2", NS)
    assert errors.is_not_found(exc.value)
    with pytest.raises(ApiError) as exc:
        await client.delete(CONFIGMAPS, "d2", NS)
    assert errors.is_not_found(exc.value)
    await client.delete_collection(CONFIGMAPS, NS, label_selector="batch=x")
    assert (await client.list(CONFIGMAPS, NS))["items"] == []


async def test_delete_precondition(client: RESTClient) -> None:
    await client.create(CONFIGMAPS, configmap("pre"))
    with pytest.raises(ApiError) as exc:
        await client.delete(CONFIGMAPS, "pre", NS, preconditions={"uid": "not-the-uid"})
    assert exc.value.code == 409


async def test_list_all_pages(client: RESTClient, wire) -> None:
    for i in range(5):
        await client.create(CONFIGMAPS, configmap(f"pg{i}"))
    before = len(wire.lists("configmaps"))
    items, rv = await client.list_all(CONFIGMAPS, NS, page_size=2)
    pages = wire.lists("configmaps")[before:]
    assert [i["metadata"]["name"] for i in items] == [f"pg{i}" for i in range(5)]
    assert len(pages) == 3 and "continue" in pages[1].params and pages[0].params["limit"] == "2"
    assert int(rv) >= max(int(i["metadata"]["resourceVersion"]) for i in items)


async def test_watch_events_in_order(client: RESTClient) -> None:
    rv = (await client.list(CONFIGMAPS, NS))["metadata"]["resourceVersion"]
    async with client.watch(CONFIGMAPS, NS, resource_version=rv) as events:
        await client.create(CONFIGMAPS, configmap("w"))
        await client.patch(CONFIGMAPS, "w", {"data": {"k": "2"}}, NS, patch_type="merge")
        await client.delete(CONFIGMAPS, "w", NS)
        seen = []
        async for t, obj in events:
            seen.append((t, obj["metadata"]["name"]))
            if len(seen) == 3:
                break
    assert seen == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


async def test_watch_one_name(client: RESTClient) -> None:
    rv = (await client.list(CONFIGMAPS, NS))["metadata"]["resourceVersion"]
    async with client.watch(CONFIGMAPS, NS, name="mine", resource_version=rv) as events:
        await client.create(CONFIGMAPS, configmap("other"))
        await client.create(CONFIGMAPS, configmap("mine"))
        async for ev in events:
            assert ev.object["metadata"]["name"] == "mine"
            break


async def test_watch_list_ends_with_the_bookmark(client: RESTClient) -> None:
    for i in range(3):
        await client.create(CONFIGMAPS, configmap(f"wl{i}"))
    names = []
    async with client.watch(CONFIGMAPS, NS, send_initial_events=True) as events:
        async for ev in events:
            if ev.type == "BOOKMARK":
                assert ev.ends_initial_events and ev.resource_version
                break
            assert ev.type == "ADDED"
            names.append(ev.object["metadata"]["name"])
    assert sorted(names) == ["wl0", "wl1", "wl2"]


async def test_watch_from_a_compacted_revision_raises_expired(small_client: RESTClient) -> None:
    first = await small_client.create(CONFIGMAPS, configmap("old"))
    for i in range(8):
        await small_client.patch(CONFIGMAPS, "old", {"data": {"k": str(i)}}, NS, patch_type="merge")
    with pytest.raises(ApiError) as exc:
        async with small_client.watch(
            CONFIGMAPS, NS, resource_version=first["metadata"]["resourceVersion"]
        ) as ev:
            async for _ in ev:
                pass
    assert errors.is_expired(exc.value) and exc.value.code == 410


async def test_watch_http_error(client: RESTClient) -> None:
    with pytest.raises(ApiError) as exc:
        async with client.watch(CONFIGMAPS, NS, label_selector="a in (") as ev:
            async for _ in ev:
                pass
    assert exc.value.code == 400


def _status(code: int, reason: str) -> httpx.Response:
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code,
        "reason": reason,
        "message": "x",
    }
    return httpx.Response(code, json=body)


def _fail(times: int, make):
    left = [times]

    def fault(request: httpx.Request):
        if left[0] > 0:
            left[0] -= 1
            return make(request)
        return None

    return fault


async def test_get_retries_5xx_with_backoff(client: RESTClient, wire, clock) -> None:
    await client.create(CONFIGMAPS, configmap("r"))
    wire.fault = _fail(3, lambda r: _status(503, "ServiceUnavailable"))
    got = await client.get(CONFIGMAPS, "r", NS)
    assert got["metadata"]["name"] == "r"
    assert len(clock.slept) == 3
    assert clock.slept[0] < clock.slept[1] < clock.slept[2]  # exponential


async def test_post_is_not_retried_on_5xx_but_is_on_429(client: RESTClient, wire, clock) -> None:
    wire.fault = _fail(1, lambda r: _status(503, "ServiceUnavailable"))
    with pytest.raises(ApiError) as exc:
        await client.create(CONFIGMAPS, configmap("once"))
    assert exc.value.code == 503 and clock.slept == []

    def too_many(r: httpx.Request) -> httpx.Response:
        resp = _status(429, "TooManyRequests")
        resp.headers["Retry-After"] = "3"
        return resp

    wire.fault = _fail(1, too_many)
    created = await client.create(CONFIGMAPS, configmap("once"))
    assert created["metadata"]["name"] == "once" and clock.slept == [3.0]


async def test_connection_errors(client: RESTClient, wire, clock) -> None:
    def refuse(r: httpx.Request):
        raise httpx.ConnectError("connection refused", request=r)

    wire.fault = _fail(2, refuse)
    assert (await client.list(CONFIGMAPS, NS))["kind"] == "ConfigMapList"
    assert len(clock.slept) == 2
    wire.fault = _fail(1, refuse)
    with pytest.raises(httpx.ConnectError):
        await client.create(CONFIGMAPS, configmap("never"))
    wire.fault = _fail(100, refuse)
    with pytest.raises(httpx.ConnectError):
        await client.get(CONFIGMAPS, "x", NS)
    assert len(clock.slept) == 2 + client.retry.max_retries


async def test_from_kubeconfig(tmp_path, wire) -> None:
    path = kubeconfig.write(tmp_path / "kubeconfig", kubeconfig.build("http://kubepy"))
    async with RESTClient.from_kubeconfig(path, transport=wire) as c:
        assert (await c.get(NAMESPACES, "default"))["metadata"]["name"] == "default"
    assert wire.sent[-1].path == "/api/v1/namespaces/default"


def test_refs_from_the_catalog() -> None:
    leases = ref("coordination.k8s.io/v1", "leases")
    assert leases.namespaced and leases.kind == "Lease"
    assert ref("v1", "Node") == ref("v1", "nodes")
    assert ref_of({"apiVersion": "apps/v1", "kind": "Deployment"}).plural == "deployments"
    with pytest.raises(KeyError):
        ref("v1", "widgets")


async def test_discovery_gives_the_same_refs_as_the_catalog(client: RESTClient) -> None:
    core = await client.discover("v1")
    assert core["pods"] == ref("v1", "pods") and core["Node"] == ref("v1", "nodes")
    apps = await client.discover("apps/v1")
    assert apps["deployments"] == ref("apps/v1", "deployments")
    assert "deployments/scale" not in apps


def test_the_client_stays_above_the_server() -> None:
    """Components reach the apiserver only through its API: the client imports neither the
    apiserver nor storage (a fresh interpreter, so other tests' imports do not count)."""
    import subprocess
    import sys

    code = (
        "import sys, kubepy.client.rest, kubepy.client.informer, kubepy.client.leaderelection,"
        " kubepy.client.workqueue, kubepy.client.asgi\n"
        "from kubepy.client.resources import ref; ref('v1', 'pods')\n"
        "print([m for m in sys.modules if m.startswith(('kubepy.apiserver', 'kubepy.storage'))])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
