"""The PATCH handler gives a merge patch away (`take`, see tests/patch/test_merge_take.py) only
when its body holds no null, and only to its first attempt: a retry after a lost race decodes the
body again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kubepy.apiserver.handlers import patching
from kubepy.apiserver.server import APIServer

# ---- the PATCH handler -----------------------------------------------------------------------
NS = "/api/v1/namespaces/default"
MERGE = {"content-type": "application/merge-patch+json"}


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    seen: list[bytes] = []
    decode = patching.decode_patch_body

    def counted(body: bytes) -> Any:
        seen.append(body)
        return decode(body)

    monkeypatch.setattr(patching, "decode_patch_body", counted)
    return seen


async def _configmap(client: httpx.AsyncClient) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"a": "1"}}
    assert (await client.post(f"{NS}/configmaps", json=cm)).status_code == 201


async def test_a_patch_retried_after_a_lost_race_is_decoded_again(
    server: APIServer, client: httpx.AsyncClient, decodes: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _configmap(client)
    storage = server.storage
    update = storage.guaranteed_update
    raced: list[bool] = []

    async def losing_once(key: str, try_update: Any, *args: Any, cached: Any = None, **kw: Any) -> Any:
        if not raced and "configmaps" in key:  # an attempt on the cached copy, then another writer
            raced.append(True)
            try_update(cached.obj())
            await update(key, lambda cur: {**cur, "data": {**cur["data"], "other": "writer"}})
            cached = None
        return await update(key, try_update, *args, cached=cached, **kw)

    monkeypatch.setattr(storage, "guaranteed_update", losing_once)
    r = await client.patch(f"{NS}/configmaps/cm", json={"data": {"b": "y"}}, headers=MERGE)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"a": "1", "other": "writer", "b": "y"}
    assert raced and len(decodes) == 2  # the handler's decode, then the retry's own


async def test_every_retry_after_the_first_decodes_again(
    server: APIServer, client: httpx.AsyncClient, decodes: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _configmap(client)
    update = server.storage.guaranteed_update
    attempts: list[Any] = []

    async def three_attempts(key: str, try_update: Any, *args: Any, cached: Any = None, **kw: Any) -> Any:
        if "configmaps" in key:
            for _ in range(2):  # two attempts whose writes lose; each result is handed back changed
                out = try_update(cached.obj())
                attempts.append(out)
                out["data"]["b"] = "spoilt"
        return await update(key, try_update, *args, cached=cached, **kw)

    monkeypatch.setattr(server.storage, "guaranteed_update", three_attempts)
    r = await client.patch(f"{NS}/configmaps/cm", json={"data": {"b": "y"}}, headers=MERGE)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"a": "1", "b": "y"}
    assert len(attempts) == 2 and len(decodes) == 3


async def test_a_patch_is_decoded_once_without_a_race(
    client: httpx.AsyncClient, decodes: list[bytes]
) -> None:
    await _configmap(client)
    r = await client.patch(f"{NS}/configmaps/cm", json={"data": {"b": "2"}}, headers=MERGE)
    assert r.status_code == 200 and r.json()["data"] == {"a": "1", "b": "2"}
    assert len(decodes) == 1


async def test_a_patch_with_nulls_is_copied_and_pruned(
    client: httpx.AsyncClient, decodes: list[bytes]
) -> None:
    await _configmap(client)
    r = await client.patch(
        f"{NS}/configmaps/cm",
        json={"data": {"a": None, "b": "2"}, "metadata": {"labels": {"l": None}}},
        headers=MERGE,
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"b": "2"} and "labels" not in r.json()["metadata"]
    assert len(decodes) == 1
