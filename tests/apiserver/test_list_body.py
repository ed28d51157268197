"""A LIST's JSON body: the stored bytes joined once, with the list's head and tail."""

from __future__ import annotations

from types import SimpleNamespace

import orjson
import pytest

from kubepy.apiserver.handlers.resource import list_body
from tests.apiserver.conftest import configmap

CM = "/api/v1/namespaces/default/configmaps"
ENTRY = SimpleNamespace(res=SimpleNamespace(list_kind="PodList", api_version="v1"))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 200])
@pytest.mark.parametrize(("token", "remaining"), [("", 0), ("tok", 0), ("tok", 12)])
def test_list_body_is_the_items_in_a_list_document(n: int, token: str, remaining: int) -> None:
    items = [orjson.dumps({"kind": "Pod", "metadata": {"name": f"p{i}"}}) for i in range(n)]
    body = list_body(ENTRY, items, 42, token, remaining)  # type: ignore[arg-type]
    head = b'{"kind":"PodList","apiVersion":"v1","metadata":%s,"items":[' % orjson.dumps(
        {
            "resourceVersion": "42",
            **({"continue": token} if token else {}),
            **({"remainingItemCount": remaining} if token and remaining else {}),
        }
    )
    assert body == head + b",".join(items) + b"]}"
    doc = orjson.loads(body)
    assert doc["kind"] == "PodList" and doc["metadata"]["resourceVersion"] == "42"
    assert [i["metadata"]["name"] for i in doc["items"]] == [f"p{i}" for i in range(n)]
    assert doc["metadata"].get("continue") == (token or None)
    assert doc["metadata"].get("remainingItemCount") == (remaining or None)


async def test_a_list_is_one_json_document_with_its_length(client):
    n = 130
    for i in range(n):
        r = await client.post(CM, json=configmap(f"c{i:03d}"))
        assert r.status_code == 201
    r = await client.get(CM)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert int(r.headers["content-length"]) == len(r.content)
    assert [i["metadata"]["name"] for i in r.json()["items"]] == [f"c{i:03d}" for i in range(n)]
    y = await client.get(CM, headers={"Accept": "application/yaml"})  # YAML: converted
    assert y.status_code == 200 and y.headers["content-type"] == "application/yaml"
    assert b"c000" in y.content
