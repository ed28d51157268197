"""Deployments end to end against the real apiserver: the Deployment and ReplicaSet controllers
together, with a stand-in kubelet marking every new pod Running and Ready."""

from __future__ import annotations

import asyncio

import pytest

from kubepy.client.errors import ApiError
from kubepy.client.informer import Informer
from kubepy.client.resources import EVENTS, PODS
from kubepy.controllers import deployment_util as U
from kubepy.controllers.deployment import DEPLOYMENTS, DeploymentController
from kubepy.controllers.replication import RS_KIND, ReplicationManager
from tests.controllers.conftest import eventually_async, run_controller, set_pod_status, stop

RS = RS_KIND.ref


def deployment(name: str = "nginx", replicas: int = 3, image: str = "nginx:1.14.2", **spec) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "nginx", "image": image}]},
            },
            **spec,
        },
    }


class Kubelet:
    """Marks every pod that appears Running and Ready (what simulated nodes do)."""

    def __init__(self, client, clock) -> None:
        self.client = client
        self.informer = Informer(client, PODS, clock=clock)
        self.informer.add_event_handler(self._added)
        self.tasks: set[asyncio.Task] = set()
        self.n = 0

    def _added(self, pod: dict) -> None:
        self.n += 1
        t = asyncio.ensure_future(self._ready(pod["metadata"]["name"], self.n))
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)

    async def _ready(self, name: str, n: int) -> None:
        try:
            await set_pod_status(self.client, name, ready=True, ip=f"10.9.{n // 250}.{n % 250 + 1}")
        except ApiError:
            pass  # deleted meanwhile


@pytest.fixture
async def cluster(client, informers):
    dc = DeploymentController(client, informers, informers.clock)
    rsc = ReplicationManager(client, informers, informers.clock, RS_KIND)
    kubelet = Kubelet(client, informers.clock)
    kubelet.informer.start()
    t1 = await run_controller(dc, informers)
    t2 = asyncio.ensure_future(rsc.run())
    yield dc
    await stop(t1)
    await stop(t2)
    await kubelet.informer.stop()


async def _rss(client, app: str = "nginx") -> list[dict]:
    items, _ = await client.list_all(RS, "default", label_selector=f"app={app}")
    return sorted(items, key=lambda r: U.revision(r))


async def _complete(client, name: str = "nginx", revision: str | None = None) -> bool:
    d = await client.get(DEPLOYMENTS, name, "default")
    s = d.get("status") or {}
    ok = U.is_complete(d, s) and (s.get("unavailableReplicas") or 0) == 0
    if revision is not None:
        ok = ok and (d["metadata"].get("annotations") or {}).get(U.REVISION) == revision
    conds = {c["type"]: c for c in s.get("conditions") or ()}
    return (
        ok
        and conds.get("Progressing", {}).get("reason") == "NewReplicaSetAvailable"
        and conds.get("Available", {}).get("status") == "True"
    )


async def _set_image(client, image: str, name: str = "nginx") -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": image}]}}}}
    await client.patch(DEPLOYMENTS, name, patch, "default")


async def test_rollout_update_and_undo(client, cluster) -> None:
    await client.create(DEPLOYMENTS, deployment())
    await eventually_async(lambda: _complete(client, revision="1"), "first rollout complete")
    (first,) = await _rss(client)
    h = first["metadata"]["labels"][U.HASH_LABEL]
    assert first["metadata"]["name"] == f"nginx-{h}"
    assert first["spec"]["selector"]["matchLabels"] == {"app": "nginx", U.HASH_LABEL: h}
    assert first["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
    assert first["metadata"]["annotations"][U.DESIRED_REPLICAS] == "3"

    await _set_image(client, "nginx:1.16.1")
    await eventually_async(lambda: _complete(client, revision="2"), "second rollout complete")
    old, new = await _rss(client)
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 3)
    assert new["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.16.1"
    pods, _ = await client.list_all(PODS, "default", label_selector="app=nginx")
    live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    assert {p["metadata"]["labels"][U.HASH_LABEL] for p in live} == {new["metadata"]["labels"][U.HASH_LABEL]}
    events, _ = await client.list_all(EVENTS, "default")
    messages = [e["message"] for e in events if e["reason"] == "ScalingReplicaSet"]
    assert f"Scaled up replica set {first['metadata']['name']} to 3" in messages
    assert any(m.startswith(f"Scaled down replica set {first['metadata']['name']} to ") for m in messages)

    # kubectl rollout undo: the template of revision 1 goes back into the Deployment
    template = old["spec"]["template"]
    template["metadata"]["labels"].pop(U.HASH_LABEL)
    await client.patch(
        DEPLOYMENTS,
        "nginx",
        [{"op": "replace", "path": "/spec/template", "value": template}],
        "default",
        patch_type="json",
    )
    await eventually_async(lambda: _complete(client, revision="3"), "undo complete")
    rss = await _rss(client)
    assert len(rss) == 2
    back = next(r for r in rss if r["metadata"]["name"] == first["metadata"]["name"])
    assert back["metadata"]["annotations"][U.REVISION] == "3"
    assert back["metadata"]["annotations"][U.REVISION_HISTORY] == "1"
    assert back["spec"]["replicas"] == 3


async def test_pause_holds_rollouts_but_not_scaling(client, cluster) -> None:
    await client.create(DEPLOYMENTS, deployment(replicas=2))
    await eventually_async(lambda: _complete(client), "rolled out")
    await client.patch(DEPLOYMENTS, "nginx", {"spec": {"paused": True}}, "default")

    async def paused() -> bool:
        d = await client.get(DEPLOYMENTS, "nginx", "default")
        c = U.condition(d.get("status") or {}, "Progressing") or {}
        return c.get("reason") == "DeploymentPaused" and c.get("status") == "Unknown"

    await eventually_async(paused, "paused condition")
    await _set_image(client, "nginx:2")
    await client.patch(DEPLOYMENTS, "nginx", {"spec": {"replicas": 4}}, "default")

    async def scaled() -> bool:
        rss = await _rss(client)
        return len(rss) == 1 and rss[0]["spec"]["replicas"] == 4

    await eventually_async(scaled, "scaled while paused, no new ReplicaSet")
    await client.patch(DEPLOYMENTS, "nginx", {"spec": {"paused": False}}, "default")
    await eventually_async(lambda: _complete(client, revision="2"), "resumed rollout completes")
    assert [r["spec"]["replicas"] for r in await _rss(client)] == [0, 4]


async def test_recreate_and_revision_history_limit(client, cluster) -> None:
    await client.create(
        DEPLOYMENTS, deployment("web", 2, strategy={"type": "Recreate"}, revisionHistoryLimit=1)
    )
    await eventually_async(lambda: _complete(client, "web", "1"), "rolled out")
    for i, image in enumerate(("nginx:2", "nginx:3"), start=2):
        await _set_image(client, image, "web")
        await eventually_async(lambda i=i: _complete(client, "web", str(i)), f"revision {i}")
    rss = await _rss(client, "web")
    assert [U.revision(r) for r in rss] == [2, 3]  # revision 1 cleaned up: history limit 1
    assert [r["spec"]["replicas"] for r in rss] == [0, 2]


async def test_stalled_rollout_exceeds_its_progress_deadline(client, informers) -> None:
    """No kubelet: pods never get ready, so after progressDeadlineSeconds the Deployment says so."""
    dc = DeploymentController(client, informers, informers.clock)
    rsc = ReplicationManager(client, informers, informers.clock, RS_KIND)
    t1 = await run_controller(dc, informers)
    t2 = asyncio.ensure_future(rsc.run())
    try:
        await client.create(DEPLOYMENTS, deployment("stuck", 2, progressDeadlineSeconds=30))

        async def reason(want: str) -> bool:
            d = await client.get(DEPLOYMENTS, "stuck", "default")
            c = U.condition(d.get("status") or {}, "Progressing") or {}
            return c.get("reason") == want

        async def progressing() -> bool:
            d = await client.get(DEPLOYMENTS, "stuck", "default")
            return await reason("ReplicaSetUpdated") and (d.get("status") or {}).get("replicas") == 2

        await eventually_async(progressing, "progressing")
        informers.clock.advance(31)
        await eventually_async(lambda: reason("ProgressDeadlineExceeded"), "deadline exceeded")
        d = await client.get(DEPLOYMENTS, "stuck", "default")
        c = U.condition(d["status"], "Progressing")
        assert c["status"] == "False" and c["message"].endswith("has timed out progressing.")
        assert U.condition(d["status"], "Available")["status"] == "False"
    finally:
        await stop(t1)
        await stop(t2)
