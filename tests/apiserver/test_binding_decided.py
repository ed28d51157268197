"""pods/binding hands storage a new object, so storage skips comparing it with the stored one
(`guaranteed_update(decided=True)`): a binding always changes the pod, or fails."""

from __future__ import annotations

from typing import Any

import pytest

from kubepy.api.catalog import all_resources
from kubepy.api.decode import canonical_order
from kubepy.storage import base

NS = "/api/v1/namespaces/default"
POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p"},
    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
}
BIND = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "p"}, "target": {"name": "n1"}}


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    unchanged = base._unchanged

    def counted(new: bytes, current: bytes) -> bool:
        calls.append(1)
        return unchanged(new, current)

    monkeypatch.setattr(base, "_unchanged", counted)
    return calls


async def test_a_binding_writes_without_comparing(client: Any, comparisons: list[int]) -> None:
    created = (await client.post(f"{NS}/pods", json=POD)).json()
    assert (await client.post(f"{NS}/pods/p/binding", json=BIND)).status_code == 201
    got = (await client.get(f"{NS}/pods/p")).json()
    assert got["spec"]["nodeName"] == "n1"
    assert [c["type"] for c in got["status"]["conditions"]] == ["PodScheduled"]
    assert int(got["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    assert comparisons == []


async def test_a_second_binding_is_refused_and_writes_nothing(client: Any) -> None:
    assert (await client.post(f"{NS}/pods", json=POD)).status_code == 201
    assert (await client.post(f"{NS}/pods/p/binding", json=BIND)).status_code == 201
    bound = (await client.get(f"{NS}/pods/p")).json()
    again = await client.post(f"{NS}/pods/p/binding", json={**BIND, "target": {"name": "n2"}})
    assert again.status_code == 409 and 'already assigned to node "n1"' in again.json()["message"]
    assert (await client.get(f"{NS}/pods/p")).json() == bound


async def test_a_dry_run_binding_changes_nothing(client: Any) -> None:
    created = (await client.post(f"{NS}/pods", json=POD)).json()
    r = await client.post(f"{NS}/pods/p/binding?dryRun=All", json=BIND)
    assert r.status_code == 201
    assert (await client.get(f"{NS}/pods/p")).json() == created


async def test_a_bound_pod_is_served_in_kubernetes_key_order(client: Any) -> None:
    """spec.nodeName and status.conditions land where Go's encoder writes them, not last."""
    assert (await client.post(f"{NS}/pods", json=POD)).status_code == 201
    assert (await client.post(f"{NS}/pods/p/binding", json=BIND)).status_code == 201
    got = (await client.get(f"{NS}/pods/p")).json()
    pod_schema = next(r for r in all_resources() if r.kind == "Pod" and r.group == "").schema
    ordered = canonical_order(got, pod_schema)
    assert list(got["spec"]) == list(ordered["spec"])
    assert list(got["status"]) == list(ordered["status"])
    assert list(got["spec"]).index("nodeName") < len(got["spec"]) - 1  # not merely appended
