"""The in-flight limit: ordinary callers get 429 when it is reached; the loopback user
(system:masters, as `kubepy up`'s components are) is answered anyway, without taking a slot."""

from __future__ import annotations

import httpx

from kubepy.apiserver import loopback
from kubepy.client.asgi import StreamingASGITransport

CM = "/api/v1/namespaces/default/configmaps"


def _client(server, user=None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=StreamingASGITransport(server.app, user=user), base_url="http://kubepy"
    )


async def test_loopback_user_is_served_when_the_limit_is_reached(server):
    limit = server.config.max_requests_inflight
    server.app.inflight = limit
    try:
        async with _client(server) as plain, _client(server, loopback.USER) as masters:
            assert (await plain.get(CM)).status_code == 429
            r = await masters.post(CM, json={"metadata": {"name": "a"}, "data": {"k": "v"}})
            assert r.status_code == 201
            assert server.app.inflight == limit  # served without a slot, none given back
            assert (await plain.get(f"{CM}/a")).status_code == 429
    finally:
        server.app.inflight = 0


async def test_loopback_user_takes_a_slot_while_there_is_room(server):
    seen = []
    inner = server.app._route

    async def route(req):
        seen.append(server.app.inflight)
        return await inner(req)

    server.app._route = route
    async with _client(server, loopback.USER) as masters:
        assert (await masters.get(CM)).status_code == 200
    assert seen == [1] and server.app.inflight == 0


def test_privileged_reads_the_groups():
    assert loopback.privileged({"user": loopback.USER})
    assert not loopback.privileged({})
    assert not loopback.privileged({"user": {"username": "x", "groups": ["system:authenticated"]}})
    assert not loopback.privileged({"user": "system:masters"})


async def test_kubepy_up_components_are_served_past_the_limit(server):
    """The clients `kubepy up` gives its components (kubepy.cluster.in_process_clients) carry the
    loopback user: a burst of their own never comes back as 429 + Retry-After."""
    from kubepy.cluster import in_process_clients

    client = in_process_clients(server)("kube-controller-manager")
    server.app.inflight = server.config.max_requests_inflight
    try:
        made = await client.request("POST", CM, body={"metadata": {"name": "b"}})
        assert made["metadata"]["name"] == "b"
    finally:
        server.app.inflight = 0
        await client.aclose()
