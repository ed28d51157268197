"""Endpoints and EndpointSlices from services and pods, against the real apiserver."""

from __future__ import annotations

import pytest

from kubepy.client.resources import ENDPOINTS, PODS, SERVICES
from kubepy.controllers import endpoint_util as U
from kubepy.controllers.endpoints import EndpointsController, build_subsets
from kubepy.controllers.endpointslice import MANAGED_BY, EndpointSliceController, desired_slices
from kubepy.controllers.slicesync import ENDPOINTSLICES, cache_is_stale
from tests.controllers.conftest import drain, eventually_async, pod, run_controller, set_pod_status, stop


def svc(name: str = "redis-master", selector: dict | None = None, ports: list | None = None, **spec) -> dict:
    s: dict = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "labels": {"name": name}},
        "spec": {"ports": ports if ports is not None else [{"port": 6379, "targetPort": 6379}], **spec},
    }
    if selector is not None:
        s["spec"]["selector"] = selector
    return s


def p(
    name: str,
    ip: str,
    *,
    ready: bool = True,
    ports: list | None = None,
    deleting: bool = False,
    phase: str = "Running",
    **spec,
) -> dict:
    m: dict = {"name": name, "namespace": "default", "uid": f"uid-{name}", "labels": {"app": "x"}}
    if deleting:
        m["deletionTimestamp"] = "2026-01-02T00:00:00Z"
    return {
        "metadata": m,
        "spec": {"nodeName": "n1", "containers": [{"name": "c", "ports": ports or []}], **spec},
        "status": {
            "phase": phase,
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


@pytest.mark.parametrize(
    ("sp", "pod_ports", "want"),
    [
        ({"port": 80, "targetPort": 8080}, [], 8080),
        ({"port": 80}, [], 80),
        ({"port": 80, "targetPort": "http"}, [{"name": "http", "containerPort": 9376}], 9376),
        ({"port": 80, "targetPort": "http"}, [{"name": "web", "containerPort": 9376}], None),
        (
            {"port": 53, "targetPort": "dns", "protocol": "UDP"},
            [{"name": "dns", "containerPort": 53, "protocol": "TCP"}],
            None,
        ),
    ],
)
def test_find_port(sp: dict, pod_ports: list, want: int | None) -> None:
    assert U.find_port(p("a", "10.0.0.1", ports=pod_ports), sp) == want


def test_subsets_split_ready_and_not_ready_and_by_resolved_port() -> None:
    service = svc(selector={"app": "x"}, ports=[{"name": "http", "port": 80, "targetPort": "http"}])
    pods = [
        p("a", "10.0.0.2", ports=[{"name": "http", "containerPort": 8080}]),
        p("b", "10.0.0.1", ports=[{"name": "http", "containerPort": 8080}], ready=False),
        p("c", "10.0.0.3", ports=[{"name": "http", "containerPort": 9090}]),
        p("d", "10.0.0.4", ports=[{"name": "other", "containerPort": 1}]),
        p("e", "", ports=[{"name": "http", "containerPort": 8080}]),
        p("f", "10.0.0.6", ports=[{"name": "http", "containerPort": 8080}], deleting=True),
        p("g", "10.0.0.7", ports=[{"name": "http", "containerPort": 8080}], phase="Succeeded"),
    ]
    subsets = build_subsets(service, pods)
    assert [
        (
            [a["ip"] for a in s.get("addresses", [])],
            [a["ip"] for a in s.get("notReadyAddresses", [])],
            [x["port"] for x in s["ports"]],
        )
        for s in subsets
    ] == [
        (["10.0.0.2"], ["10.0.0.1"], [8080]),
        (["10.0.0.3"], [], [9090]),
    ]
    assert subsets[0]["addresses"][0]["targetRef"] == {
        "kind": "Pod",
        "namespace": "default",
        "name": "a",
        "uid": "uid-a",
    }
    assert subsets[0]["addresses"][0]["nodeName"] == "n1"


def test_publish_not_ready_and_headless_hostnames() -> None:
    service = svc("db", selector={"app": "x"}, ports=[], clusterIP="None", publishNotReadyAddresses=True)
    pods = [p("a", "10.0.0.1", ready=False, hostname="a", subdomain="db")]
    assert build_subsets(service, pods) == [
        {
            "addresses": [
                {"ip": "10.0.0.1", "hostname": "a", "nodeName": "n1", "targetRef": U.target_ref(pods[0])}
            ]
        }
    ]


def test_slices_keep_terminating_pods_with_conditions_and_split_at_the_limit() -> None:
    service = svc(selector={"app": "x"})
    pods = [p(f"p{i}", f"10.0.0.{i + 1}") for i in range(5)] + [
        p("t", "10.0.1.1", deleting=True),
        p("n", "10.0.1.2", ready=False),
    ]
    slices = desired_slices(service, pods, max_per_slice=3)
    assert [len(eps) for _, eps in slices] == [3, 3, 1]
    conds = {e["addresses"][0]: e["conditions"] for _, eps in slices for e in eps}
    assert conds["10.0.1.1"] == {"ready": False, "serving": True, "terminating": True}
    assert conds["10.0.1.2"] == {"ready": False, "serving": False, "terminating": False}
    assert conds["10.0.0.1"] == {"ready": True, "serving": True, "terminating": False}
    assert slices[0][0] == [{"port": 6379, "protocol": "TCP", "name": ""}]


@pytest.mark.parametrize(
    ("written", "cached", "stale"),
    [
        ({}, {}, False),
        ({"s1": 5}, {}, True),
        ({"s1": 5}, {"s1": {"metadata": {"resourceVersion": "4"}}}, True),
        ({"s1": 5}, {"s1": {"metadata": {"resourceVersion": "6"}}}, False),
        ({"s1": None}, {"s1": {"metadata": {"resourceVersion": "6"}}}, True),
        ({"s1": None}, {}, False),
    ],
)
def test_cache_staleness(written: dict, cached: dict, stale: bool) -> None:
    assert cache_is_stale(written, cached) is stale


async def _ep(client, name: str) -> dict | None:
    try:
        return await client.get(ENDPOINTS, name, "default")
    except Exception:
        return None


async def test_endpoints_follow_pod_readiness_and_service_lifecycle(client, informers) -> None:
    ctrl = EndpointsController(client, informers, informers.clock)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(
            SERVICES, svc(selector={"name": "redis-master"}, ports=[{"port": 6379, "targetPort": "redis"}])
        )
        manual = svc("external", None)
        await client.create(SERVICES, manual)
        for i in (1, 2):
            body = pod(f"redis-{i}", {"name": "redis-master"})
            body["spec"]["containers"][0]["ports"] = [{"name": "redis", "containerPort": 6379}]
            await client.create(PODS, body)
        await set_pod_status(client, "redis-1", ready=True, ip="10.1.0.1", node="n1")
        await set_pod_status(client, "redis-2", ready=False, ip="10.1.0.2", node="n1")

        async def shape(ready: list[str], not_ready: list[str]) -> bool:
            ep = await _ep(client, "redis-master")
            if ep is None:
                return False
            subsets = ep.get("subsets") or []
            got_r = sorted(a["ip"] for s in subsets for a in s.get("addresses") or [])
            got_n = sorted(a["ip"] for s in subsets for a in s.get("notReadyAddresses") or [])
            return (got_r, got_n) == (ready, not_ready)

        await eventually_async(lambda: shape(["10.1.0.1"], ["10.1.0.2"]), "ready and not ready split")
        ep = await _ep(client, "redis-master")
        assert ep["metadata"]["labels"] == {
            "name": "redis-master",
            "endpoints.kubernetes.io/managed-by": "endpoint-controller",
        }
        assert ep["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"]
        assert ep["subsets"][0]["ports"] == [{"port": 6379, "protocol": "TCP"}]
        await set_pod_status(client, "redis-2", ready=True, ip="10.1.0.2")
        await eventually_async(lambda: shape(["10.1.0.1", "10.1.0.2"], []), "both ready")
        await client.delete(PODS, "redis-1", "default", grace_period_seconds=0)
        await eventually_async(lambda: shape(["10.1.0.2"], []), "deleted pod removed")
        assert await _ep(client, "external") is None  # no selector: left alone
        await client.delete(SERVICES, "redis-master", "default")

        async def gone() -> bool:
            return await _ep(client, "redis-master") is None

        await eventually_async(gone, "endpoints deleted with the service")
    finally:
        await stop(task)


async def test_endpoint_slices_follow_pods(client, informers) -> None:
    ctrl = EndpointSliceController(client, informers, informers.clock)
    task = await run_controller(ctrl, informers)
    try:
        service = await client.create(
            SERVICES, svc("web", {"app": "web"}, [{"name": "http", "port": 80, "targetPort": 8080}])
        )
        for i in (1, 2):
            await client.create(PODS, pod(f"web-{i}", {"app": "web"}))
            await set_pod_status(client, f"web-{i}", ready=i == 1, ip=f"10.2.0.{i}", node="n2")

        async def slices() -> list[dict]:
            items, _ = await client.list_all(
                ENDPOINTSLICES, "default", label_selector="kubernetes.io/service-name=web"
            )
            return items

        async def addresses(want: dict) -> bool:
            got = {
                e["addresses"][0]: e["conditions"]["ready"]
                for s in await slices()
                for e in s.get("endpoints") or []
            }
            return got == want

        await eventually_async(lambda: addresses({"10.2.0.1": True, "10.2.0.2": False}), "slice endpoints")
        (s,) = await slices()
        assert s["metadata"]["name"].startswith("web-")
        assert s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == MANAGED_BY
        assert s["metadata"]["ownerReferences"][0]["uid"] == service["metadata"]["uid"]
        assert s["addressType"] == "IPv4"
        assert s["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]
        assert s["endpoints"][0]["targetRef"]["name"] == "web-1" and s["endpoints"][0]["nodeName"] == "n2"
        await set_pod_status(client, "web-2", ready=True, ip="10.2.0.2")
        await eventually_async(lambda: addresses({"10.2.0.1": True, "10.2.0.2": True}), "both ready")
        assert len(await slices()) == 1
    finally:
        await stop(task)


def test_endpoints_are_capped_ready_first() -> None:
    from kubepy.controllers.endpoints import truncate

    subsets = [
        {
            "addresses": [{"ip": f"10.0.0.{i}"} for i in range(3)],
            "notReadyAddresses": [{"ip": "10.0.1.1"}],
            "ports": [1],
        },
        {"addresses": [{"ip": "10.0.2.1"}], "ports": [2]},
    ]
    cut, truncated = truncate(subsets, limit=4)
    assert truncated
    assert [(len(s.get("addresses") or []), len(s.get("notReadyAddresses") or [])) for s in cut] == [
        (3, 0),
        (1, 0),
    ]
    assert truncate(subsets, limit=5) == (subsets, False)


def test_slice_endpoints_carry_their_node_zone() -> None:
    service = svc(selector={"app": "x"})
    ((_, eps),) = desired_slices(service, [p("a", "10.0.0.1")], zones={"n1": "zone-a"})
    assert eps[0]["zone"] == "zone-a"


def test_annotations_mark_truncation_and_the_last_trigger() -> None:
    from kubepy.controllers.endpoints import OVER_CAPACITY, TRIGGER_TIME, endpoint_annotations, trigger_time

    service = {"metadata": {"creationTimestamp": "2026-01-01T00:00:00Z"}}
    pods = [
        {
            "status": {
                "conditions": [
                    {"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-02T00:00:00Z"}
                ]
            }
        }
    ]
    assert trigger_time(service, pods) == "2026-01-02T00:00:00Z"
    assert trigger_time(service, []) == "2026-01-01T00:00:00Z"
    a = endpoint_annotations({"keep": "me"}, True, "t1")
    assert a == {"keep": "me", OVER_CAPACITY: "truncated", TRIGGER_TIME: "t1"}
    assert endpoint_annotations(a, False, None) == {"keep": "me", TRIGGER_TIME: "t1"}


@pytest.mark.parametrize("kind", ["endpoints", "slices"])
async def test_pod_changes_wait_the_batch_period_service_changes_do_not(client, informers, kind) -> None:
    """EndpointUpdatesBatchPeriod: a pod change is synced after the period, so the pod changes
    meanwhile share one sync; the service's own changes are synced at once."""
    make = EndpointsController if kind == "endpoints" else EndpointSliceController
    ctrl = make(client, informers, informers.clock, batch_period=2.0)
    informers.start()
    await informers.wait_for_sync()
    await client.create(SERVICES, svc("web", {"app": "web"}))
    await eventually_async(_true(lambda: len(ctrl.queue) == 2), "the service queued at once")
    got = set()
    while len(ctrl.queue):
        got.add(await ctrl.queue.get())
    assert got == {"default/kubernetes", "default/web"}
    for key in got:
        ctrl.queue.done(key)
    for name in ("a", "b", "c"):
        await client.create(PODS, pod(name, {"app": "web"}))
    await eventually_async(_true(lambda: len(ctrl.pods.store) == 3), "pods in the cache")
    assert (len(ctrl.queue), ctrl.queue.waiting()) == (0, 1)  # three changes, one delayed key
    informers.clock.advance(2.5)
    await eventually_async(_true(lambda: len(ctrl.queue) == 1), "the service queued after the period")
    assert (await ctrl.queue.get(), ctrl.queue.waiting()) == ("default/web", 0)


def _true(cond):
    async def check() -> bool:
        return bool(cond())

    return check


@pytest.mark.parametrize("make", [EndpointsController, EndpointSliceController])
async def test_a_pod_update_queues_the_services_selecting_it_before_and_after(
    client, informers, make
) -> None:
    """A relabeled pod queues the services that selected it and those that select it now; a
    status update, the services selecting it."""
    ctrl = make(client, informers, informers.clock, batch_period=0)
    for name, selector in (("web", {"app": "web"}), ("api", {"app": "api"}), ("all", {"tier": "x"})):
        ctrl.services.store.add(svc(name, selector))

    old = pod("p", {"app": "web", "tier": "x"})
    old["metadata"]["resourceVersion"] = "1"
    status = {**old, "metadata": {**old["metadata"], "resourceVersion": "2"}, "status": {"phase": "Running"}}
    ctrl._pod_updated(old, status)
    assert drain(ctrl.queue) == {"default/web", "default/all"}
    moved = {**status, "metadata": {**status["metadata"], "resourceVersion": "3", "labels": {"app": "api"}}}
    ctrl._pod_updated(status, moved)
    assert drain(ctrl.queue) == {"default/web", "default/api", "default/all"}
    ctrl._pod_updated(moved, moved)  # a resync: nothing
    assert drain(ctrl.queue) == set()
