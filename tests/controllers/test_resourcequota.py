"""ResourceQuota usage: evaluators as table tests, the controller against the real apiserver."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kubepy.client.resources import CONFIGMAPS, PODS, SERVICES
from kubepy.controllers import quota as Q
from kubepy.controllers.resourcequota import RESOURCEQUOTAS, ResourceQuotaController
from tests.controllers.conftest import eventually_async, pod, run_controller, set_pod_status, stop


def p(
    requests: dict | None = None,
    limits: dict | None = None,
    init: dict | None = None,
    phase: str = "Running",
    **spec,
) -> dict:
    c: dict = {"name": "c", "resources": {}}
    if requests:
        c["resources"]["requests"] = requests
    if limits:
        c["resources"]["limits"] = limits
    s: dict = {"containers": [c, {"name": "d", "resources": {"requests": {"cpu": "100m"}}}], **spec}
    if init:
        s["initContainers"] = [{"name": "i", "resources": {"requests": init}}]
    return {"metadata": {"name": "x"}, "spec": s, "status": {"phase": phase}}


@pytest.mark.parametrize(
    ("pod", "name", "want"),
    [
        (p({"cpu": "250m", "memory": "64Mi"}), "requests.cpu", Fraction(350, 1000)),
        (p({"cpu": "250m", "memory": "64Mi"}), "cpu", Fraction(350, 1000)),
        (p({"cpu": "250m", "memory": "64Mi"}), "requests.memory", Fraction(64 * 2**20)),
        (p(limits={"memory": "1Gi"}), "limits.memory", Fraction(2**30)),
        (p({"cpu": "250m"}, init={"cpu": "2"}), "requests.cpu", Fraction(2)),
        (p(), "pods", Fraction(1)),
        (p(phase="Succeeded"), "pods", None),
    ],
)
def test_pod_usage(pod: dict, name: str, want: Fraction | None) -> None:
    assert Q.pod_usage(pod).get(name) == want


def test_services_and_object_counts() -> None:
    u = Q.service_usage({"spec": {"type": "NodePort", "ports": [{"port": 1}, {"port": 2}]}})
    assert u["services"] == 1 and u["services.nodeports"] == 2 and "services.loadbalancers" not in u
    assert Q.object_usage("deployments", "apps", {}) == {"count/deployments.apps": 1}
    assert Q.object_usage("secrets", "", {}) == {"count/secrets": 1, "secrets": 1}


def test_scopes_and_formatting() -> None:
    best_effort = {"spec": {"containers": [{"name": "c"}]}}
    assert Q.pod_matches_scopes(best_effort, ["BestEffort", "NotTerminating"])
    assert not Q.pod_matches_scopes(p({"cpu": "1"}), ["BestEffort"])
    assert Q.used(
        {"cpu": "2", "memory": "1Gi", "pods": "10"}, {"cpu": Fraction(1, 2), "memory": Fraction(2**29)}
    ) == {"cpu": "500m", "memory": "512Mi", "pods": "0"}


async def test_quota_status_counts_the_namespace(client, informers) -> None:
    ctrl = ResourceQuotaController(client, informers, informers.clock)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(
            RESOURCEQUOTAS,
            {
                "metadata": {"name": "quota", "namespace": "default"},
                "spec": {
                    "hard": {
                        "pods": "10",
                        "services": "5",
                        "resourcequotas": "1",
                        "configmaps": "3",
                        "requests.cpu": "2",
                        "limits.memory": "2Gi",
                    }
                },
            },
        )

        async def used(want: dict) -> bool:
            q = await client.get(RESOURCEQUOTAS, "quota", "default")
            return (q.get("status") or {}).get("used") == want

        base = {
            "pods": "0",
            "services": "1",  # the apiserver's own `kubernetes` service
            "resourcequotas": "1",
            "configmaps": "0",
            "requests.cpu": "0",
            "limits.memory": "0",
        }
        await eventually_async(lambda: used(base), "the quota counts itself")
        q = await client.get(RESOURCEQUOTAS, "quota", "default")
        assert q["status"]["hard"] == q["spec"]["hard"]
        body = pod("web", {"app": "web"})
        body["spec"]["containers"][0]["resources"] = {
            "requests": {"cpu": "500m"},
            "limits": {"memory": "256Mi", "cpu": "1"},
        }
        await client.create(PODS, body)
        await client.create(
            SERVICES, {"metadata": {"name": "web", "namespace": "default"}, "spec": {"ports": [{"port": 80}]}}
        )
        await client.create(CONFIGMAPS, {"metadata": {"name": "c", "namespace": "default"}})
        await eventually_async(
            lambda: used(
                {
                    **base,
                    "pods": "1",
                    "services": "2",
                    "configmaps": "1",
                    "requests.cpu": "500m",
                    "limits.memory": "256Mi",
                }
            ),
            "usage counted",
        )
        await set_pod_status(client, "web", ready=False, phase="Succeeded")
        await eventually_async(
            lambda: used({**base, "services": "2", "configmaps": "1"}), "terminal pod released"
        )
    finally:
        await stop(task)


def test_book_mode_counts_limits_as_cpu_and_memory() -> None:
    pod = p({"cpu": "250m", "memory": "64Mi"}, limits={"cpu": "1", "memory": "128Mi"})
    assert Q.pod_usage(pod)["memory"] == Fraction(64 * 2**20)
    assert Q.pod_usage(pod, compute_from_limits=True)["memory"] == Fraction(128 * 2**20)
    assert Q.pod_usage(pod, compute_from_limits=True)["cpu"] == Fraction(1)


async def test_only_updates_that_change_a_charge_requeue_the_quota(client, informers) -> None:
    """A pod's readiness changing leaves every quota as it was: no sync; going terminal frees
    its charge: the quota is synced again (replenishment)."""
    ctrl = ResourceQuotaController(client, informers, informers.clock, resync_period=0)
    informers.start()
    await informers.wait_for_sync()
    quota = {"metadata": {"name": "q", "namespace": "default"}, "spec": {"hard": {"pods": "10"}}}
    await client.create(RESOURCEQUOTAS, quota)
    await client.create(PODS, pod("web"))
    await eventually_async(_holds(lambda: len(ctrl.informers[PODS].store) == 1), "the pod cached")

    async def drain() -> None:
        while len(ctrl.queue):
            ctrl.queue.done(await ctrl.queue.get())

    await drain()
    rv = (await set_pod_status(client, "web", ready=True))["metadata"]["resourceVersion"]
    await eventually_async(
        _holds(lambda: ctrl.informers[PODS].store.get("default/web")["metadata"]["resourceVersion"] == rv),
        "the status update cached",
    )
    assert len(ctrl.queue) == 0
    await set_pod_status(client, "web", ready=False, phase="Succeeded")
    await eventually_async(_holds(lambda: len(ctrl.queue) == 1), "the quota queued")
    assert await ctrl.queue.get() == "default/q"


def _holds(cond):
    async def check() -> bool:
        return bool(cond())

    return check
