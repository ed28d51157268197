"""The headers every non-streaming answer carries."""

from __future__ import annotations


async def test_response_headers_carry_type_length_and_one_cache_control(client):
    """Every answer names its media type and length, and says no-cache once unless the handler
    chose its own cache-control (the OpenAPI documents do)."""
    for _ in range(2):  # the second answer uses the remembered header bytes
        r = await client.post(
            "/api/v1/namespaces/default/configmaps",
            json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "h-"}},
        )
        assert r.status_code == 201
        assert r.headers["content-type"] == "application/json"
        assert int(r.headers["content-length"]) == len(r.content)
        assert r.headers.get_list("cache-control") == ["no-cache, private"]
    y = await client.get("/api/v1/namespaces/default/configmaps", headers={"Accept": "application/yaml"})
    assert y.headers["content-type"] == "application/yaml"
    assert y.headers.get_list("cache-control") == ["no-cache, private"]
    url = (await client.get("/openapi/v3")).json()["paths"]["api/v1"]["serverRelativeURL"]
    doc = await client.get(url)  # a handler's own cache-control, not ours beside it
    assert doc.headers.get_list("cache-control") == ["public, immutable"]
