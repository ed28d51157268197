"""Service cluster IP and node port allocation through the API (the book's guestbook uses 30001)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from kubepy.util import yamlio

SVC = "/api/v1/namespaces/default/services"
BOOK = Path(__file__).resolve().parents[3] / "shared" / "book"


def svc(name: str, **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"ports": [{"port": 80}], "selector": {"app": name}, **spec},
    }


async def test_cluster_ip_allocated_from_range(client):
    r = await client.post(SVC, json=svc("a"))
    assert r.status_code == 201
    spec = r.json()["spec"]
    assert ipaddress.ip_address(spec["clusterIP"]) in ipaddress.ip_network("10.254.0.0/16")
    assert spec["clusterIPs"] == [spec["clusterIP"]]
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"
    assert spec["clusterIP"] != "10.254.0.1"  # the kubernetes service holds the first address


async def test_kubernetes_service_holds_first_ip(client):
    r = await client.get(f"{SVC}/kubernetes")
    assert r.json()["spec"]["clusterIP"] == "10.254.0.1"
    assert r.json()["spec"]["ports"][0]["port"] == 443


async def test_requested_ip_taken_or_out_of_range_is_422(client):
    assert (await client.post(SVC, json=svc("a", clusterIP="10.254.3.3"))).status_code == 201
    r = await client.post(SVC, json=svc("b", clusterIP="10.254.3.3"))
    assert r.status_code == 422
    assert r.json()["message"] == (
        'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.254.3.3"]: '
        "failed to allocate IP 10.254.3.3: provided IP is already allocated"
    )
    r = await client.post(SVC, json=svc("c", clusterIP="10.0.0.9"))
    assert r.status_code == 422
    assert (
        "the provided IP (10.0.0.9) is not in the valid range. The range of valid IPs is 10.254.0.0/16"
        in (r.json()["message"])
    )
    assert (await client.get(f"{SVC}/c")).status_code == 404


async def test_headless_gets_no_ip(client):
    r = await client.post(SVC, json=svc("h", clusterIP="None"))
    assert r.status_code == 201
    assert r.json()["spec"]["clusterIP"] == "None" and r.json()["spec"]["clusterIPs"] == ["None"]


async def test_delete_releases_ip_and_node_port(client):
    body = svc("n", clusterIP="10.254.9.9", type="NodePort", ports=[{"port": 80, "nodePort": 30001}])
    assert (await client.post(SVC, json=body)).status_code == 201
    assert (await client.post(SVC, json=dict(body, metadata={"name": "n2"}))).status_code == 422
    assert (await client.delete(f"{SVC}/n")).status_code == 200
    assert (await client.post(SVC, json=body)).status_code == 201


async def test_book_guestbook_frontend_gets_node_port_30001(client):
    doc = yamlio.load((BOOK / "guestbook" / "frontend-service.yaml").read_text())
    r = await client.post(SVC, json=doc)
    assert r.status_code == 201, r.text
    port = r.json()["spec"]["ports"][0]
    assert port["nodePort"] == 30001 and port["targetPort"] == 80 and port["protocol"] == "TCP"
    r = await client.post(SVC, json=dict(doc, metadata={"name": "frontend2"}))
    assert r.status_code == 422
    assert r.json()["details"]["causes"][0] == {
        "reason": "FieldValueInvalid",
        "message": "Invalid value: 30001: provided port is already allocated",
        "field": "spec.ports[0].nodePort",
    }


async def test_node_port_out_of_range(client):
    r = await client.post(SVC, json=svc("o", type="NodePort", ports=[{"port": 80, "nodePort": 40000}]))
    assert r.status_code == 422
    assert (
        "provided port is not in the valid range. The range of valid ports is 30000-32767"
        in r.json()["message"]
    )


async def test_node_port_allocated_when_unset_and_kept_on_replace(client):
    created = (await client.post(SVC, json=svc("np", type="NodePort"))).json()
    np = created["spec"]["ports"][0]["nodePort"]
    assert 30000 <= np <= 32767
    body = svc("np", type="NodePort")
    body["metadata"]["resourceVersion"] = created["metadata"]["resourceVersion"]
    r = await client.put(f"{SVC}/np", json=body)  # omits clusterIP and nodePort: both kept
    assert r.status_code == 200, r.text
    assert r.json()["spec"]["ports"][0]["nodePort"] == np
    assert r.json()["spec"]["clusterIP"] == created["spec"]["clusterIP"]


async def test_type_change_to_cluster_ip_releases_node_port(client):
    created = (
        await client.post(SVC, json=svc("t", type="NodePort", ports=[{"port": 80, "nodePort": 30555}]))
    ).json()
    body = created
    body["spec"]["type"] = "ClusterIP"
    r = await client.put(f"{SVC}/t", json=body)
    assert r.status_code == 200, r.text
    assert "nodePort" not in r.json()["spec"]["ports"][0]
    r = await client.post(SVC, json=svc("t2", type="NodePort", ports=[{"port": 80, "nodePort": 30555}]))
    assert r.status_code == 201


async def test_allocations_rebuilt_after_restart(tmp_path, clock):
    import httpx

    from kubepy.apiserver.config import ServerConfig, StorageConfig
    from kubepy.apiserver.server import APIServer

    cfg = ServerConfig(storage=StorageConfig(engine="lmdb", data_dir=str(tmp_path)))
    for attempt in range(2):
        srv = APIServer(cfg, now=clock)
        await srv.start()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=srv.app), base_url="http://k") as c:
            r = await c.post(
                SVC,
                json=svc(
                    f"r{attempt}",
                    clusterIP="10.254.7.7",
                    type="NodePort",
                    ports=[{"port": 80, "nodePort": 31000}],
                ),
            )
            assert r.status_code == (201 if attempt == 0 else 422)
        await srv.stop()
