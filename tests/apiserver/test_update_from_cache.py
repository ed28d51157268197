"""Updates start from the watch cache's copy of the object, as Kubernetes' GuaranteedUpdate starts
from `cachedExistingObject`: no storage read while the cache is current (the storage contract
tests cover a stale copy)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.apiserver.conftest import configmap

NS = "/api/v1/namespaces/default"


@pytest.fixture
def storage_reads(server: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    get = server.storage.get

    async def counted(key: str) -> Any:
        reads.append(key)
        return await get(key)

    monkeypatch.setattr(server.storage, "get", counted)
    return reads


async def test_put_patch_and_status_read_no_storage_record(client: Any, storage_reads: list[str]) -> None:
    cm = (await client.post(f"{NS}/configmaps", json=configmap())).json()
    cm["data"] = {"k": "v2"}
    put = await client.put(f"{NS}/configmaps/cm1", json=cm)
    assert put.status_code == 200 and put.json()["data"] == {"k": "v2"}
    patch = await client.patch(
        f"{NS}/configmaps/cm1",
        json={"data": {"k": "v3"}},
        headers={"content-type": "application/merge-patch+json"},
    )
    assert patch.status_code == 200
    assert int(patch.json()["metadata"]["resourceVersion"]) > int(put.json()["metadata"]["resourceVersion"])
    assert (await client.get(f"{NS}/configmaps/cm1")).json()["data"] == {"k": "v3"}
    assert storage_reads == []


async def test_a_no_op_update_writes_nothing(client: Any, storage_reads: list[str]) -> None:
    cm = (await client.post(f"{NS}/configmaps", json=configmap())).json()
    again = await client.put(f"{NS}/configmaps/cm1", json=cm)
    assert again.status_code == 200
    assert again.json()["metadata"]["resourceVersion"] == cm["metadata"]["resourceVersion"]


async def test_binding_reads_no_storage_record(client: Any, storage_reads: list[str]) -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    assert (await client.post(f"{NS}/pods", json=pod)).status_code == 201
    bind = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "p"}, "target": {"name": "n1"}}
    assert (await client.post(f"{NS}/pods/p/binding", json=bind)).status_code == 201
    got = (await client.get(f"{NS}/pods/p")).json()
    assert got["spec"]["nodeName"] == "n1"
    assert [c["type"] for c in got["status"]["conditions"]] == ["PodScheduled"]
    assert storage_reads == []
    again = await client.post(f"{NS}/pods/p/binding", json=bind)
    assert again.status_code == 409 and 'already assigned to node "n1"' in again.json()["message"]
