"""services/nodes .../proxy and the book's /api/v1/proxy/... paths, against a loopback HTTP server."""

from __future__ import annotations

import asyncio

import pytest

from kubepy.apiserver.params import WriteOptions


@pytest.fixture
async def backend():
    """A tiny HTTP server on loopback answering with the request line it saw."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        line = head.split(b"\r\n", 1)[0]
        body = b"saw " + line
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield port
    server.close()
    await server.wait_closed()


async def _trusted(server, plural: str, ns: str, obj: dict) -> None:
    store = server.registry.store("", plural)
    await store.create(ns, obj, WriteOptions(), "test", trusted=True)


async def test_service_proxy_reaches_endpoint(server, client, backend):
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"name": "http", "port": 80}], "selector": {"app": "web"}},
    }
    assert (await client.post("/api/v1/namespaces/default/services", json=svc)).status_code == 201
    r = await client.get("/api/v1/namespaces/default/services/web/proxy/hello")
    assert r.status_code == 503
    assert r.json()["message"] == 'no endpoints available for service "web"'
    await _trusted(
        server,
        "endpoints",
        "default",
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": "web", "namespace": "default"},
            "subsets": [{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"name": "http", "port": backend}]}],
        },
    )
    r = await client.get("/api/v1/namespaces/default/services/web/proxy/hello?x=1")
    assert r.status_code == 200
    assert r.text == "saw GET /hello?x=1 HTTP/1.1"
    r = await client.get("/api/v1/proxy/namespaces/default/services/web/a/b")  # the book's legacy form
    assert r.text == "saw GET /a/b HTTP/1.1"
    r = await client.get("/api/v1/namespaces/default/services/web:http/proxy/")
    assert r.text == "saw GET / HTTP/1.1"


async def test_node_proxy_reaches_kubelet_port(server, client, backend):
    await _trusted(
        server,
        "nodes",
        "",
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "n1"},
            "status": {
                "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": backend}},
            },
        },
    )
    r = await client.get("/api/v1/proxy/nodes/n1/pods")
    assert r.status_code == 200 and r.text == "saw GET /pods HTTP/1.1"
    r = await client.get("/api/v1/nodes/n1/proxy/stats")
    assert r.text == "saw GET /stats HTTP/1.1"


async def test_proxy_of_missing_object_is_404(client):
    r = await client.get("/api/v1/namespaces/default/services/ghost/proxy/")
    assert r.status_code == 404
    assert r.json()["message"] == 'services "ghost" not found'
