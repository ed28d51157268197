"""Null map values in a request body are stored as Go's zero values (they used to reach
validation as None and answer 500)."""

from __future__ import annotations

PODS = "/api/v1/namespaces/default/pods"


async def test_null_quantity_and_label_are_zero_values(client):
    body = {
        "metadata": {"name": "p", "labels": {"a": None}},
        "spec": {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"memory": None}}}]},
    }
    r = await client.post(PODS, json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["metadata"]["labels"] == {"a": ""}
    # requests default to the limits, as Kubernetes defaults them
    assert made["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "0"},
        "requests": {"memory": "0"},
    }
    got = await client.get(f"{PODS}/p")
    assert got.json()["spec"]["containers"][0]["resources"]["limits"] == {"memory": "0"}
