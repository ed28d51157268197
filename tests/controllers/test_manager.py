"""The controller-manager: --controllers selection, leader election, everything wired together."""

from __future__ import annotations

import asyncio

import pytest

from kubepy.client.errors import ApiError
from kubepy.client.resources import ENDPOINTS, LEASES, PODS, REPLICATIONCONTROLLERS, SERVICES
from kubepy.controllers.component import component
from kubepy.controllers.manager import KNOWN, ControllerManager, enabled_controllers
from kubepy.controllers.options import ControllerManagerOptions
from kubepy.controllers.serviceaccount import SERVICEACCOUNTS
from tests.controllers.conftest import eventually_async, set_pod_status


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        (["*"], list(KNOWN)),
        (["*", "-garbagecollector"], [c for c in KNOWN if c != "garbagecollector"]),
        (["endpoint", "namespace"], ["endpoint", "namespace"]),
        ([], []),
    ],
)
def test_enabled_controllers(spec: list[str], want: list[str]) -> None:
    assert enabled_controllers(spec) == want


def test_unknown_controller_is_refused() -> None:
    with pytest.raises(ValueError, match='"ttl" is not in the list of known controllers'):
        enabled_controllers(["*", "-ttl"])
    with pytest.raises(ValueError):
        component(lambda name: None, ControllerManagerOptions(controllers=("bogus",)))  # type: ignore[arg-type]


RC = {
    "apiVersion": "v1",
    "kind": "ReplicationController",
    "metadata": {"name": "frontend", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"name": "frontend"},
        "template": {
            "metadata": {"labels": {"name": "frontend"}},
            "spec": {"containers": [{"name": "php", "image": "php-redis", "ports": [{"containerPort": 80}]}]},
        },
    },
}
SVC = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "frontend", "namespace": "default"},
    "spec": {"selector": {"name": "frontend"}, "ports": [{"port": 80}]},
}


async def test_manager_leads_and_runs_the_guestbook_frontend(server, client, clock) -> None:
    server.registry.env.garbage_collection = True
    mgr = ControllerManager(client, ControllerManagerOptions(identity="cm-1"), clock)
    task = asyncio.ensure_future(mgr.run())
    try:

        async def leading() -> bool:
            try:
                lease = await client.get(LEASES, "kube-controller-manager", "kube-system")
            except ApiError:
                return False
            return lease["spec"]["holderIdentity"] == "cm-1"

        await eventually_async(leading, "lease held")
        await eventually_async(lambda: _exists(client, SERVICEACCOUNTS, "default"), "default service account")
        await client.create(REPLICATIONCONTROLLERS, RC)
        await client.create(SERVICES, SVC)

        async def two_pods() -> list[dict]:
            items, _ = await client.list_all(PODS, "default", label_selector="name=frontend")
            return [p for p in items if not p["metadata"].get("deletionTimestamp")]

        await eventually_async(lambda: _len(two_pods, 2), "2 frontend pods")
        for i, p in enumerate(await two_pods()):
            await set_pod_status(client, p["metadata"]["name"], ready=True, ip=f"10.0.0.{i + 1}")

        async def endpoints() -> bool:
            try:
                ep = await client.get(ENDPOINTS, "frontend", "default")
            except ApiError:
                return False
            return sorted(a["ip"] for s in ep.get("subsets") or () for a in s.get("addresses") or ()) == [
                "10.0.0.1",
                "10.0.0.2",
            ]

        await eventually_async(endpoints, "endpoints filled")
        # kubectl delete rc frontend (cascade=background): the GC removes its pods
        await client.delete(REPLICATIONCONTROLLERS, "frontend", "default", propagation_policy="Background")
        await eventually_async(lambda: _len(two_pods, 0), "pods collected with their RC")
    finally:
        mgr.stop()
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, Exception):
            pass
    lease = await client.get(LEASES, "kube-controller-manager", "kube-system")
    assert not lease["spec"].get("holderIdentity")  # released on the way out


async def _exists(client, ref, name: str, ns: str = "default") -> bool:
    try:
        await client.get(ref, name, ns)
    except ApiError:
        return False
    return True


async def _len(fn, n: int) -> bool:
    return len(await fn()) == n


async def test_component_runs_until_stopped(server, client, clock) -> None:
    from kubepy.client.asgi import StreamingASGITransport
    from kubepy.client.rest import RESTClient, user_agent

    made: list[str] = []

    def factory(name: str) -> RESTClient:
        made.append(name)
        return RESTClient(
            "http://kubepy", transport=StreamingASGITransport(server.app), user_agent=user_agent(name)
        )

    comp = component(factory, ControllerManagerOptions(leader_elect=False, controllers=("serviceaccount",)))
    assert comp.name == "controller-manager"
    task = asyncio.ensure_future(comp.run())
    await eventually_async(
        lambda: _exists(client, SERVICEACCOUNTS, "default", "kube-system"), "kube-system/default"
    )
    comp.stop()
    await asyncio.wait_for(task, 5)
    assert made == ["controller-manager"]


async def test_a_failing_controller_ends_the_manager_and_frees_the_lease(
    server, client, clock, monkeypatch
) -> None:
    from kubepy.controllers.serviceaccount import ServiceAccountsController

    async def broken(self) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ServiceAccountsController, "run", broken)
    mgr = ControllerManager(
        client, ControllerManagerOptions(identity="cm-2", controllers=("serviceaccount",)), clock
    )
    with pytest.raises(RuntimeError, match="boom"):
        await asyncio.wait_for(mgr.run(), 10)
    lease = await client.get(LEASES, "kube-controller-manager", "kube-system")
    assert not lease["spec"].get("holderIdentity")
