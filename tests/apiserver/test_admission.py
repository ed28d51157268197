"""The admission chain through the HTTP API: LimitRanger (§4.4.2), ServiceAccount's default and
DefaultTolerationSeconds, as a real kube-apiserver applies them to pods."""

from __future__ import annotations

import httpx

from tests.apiserver.conftest import pod

PODS = "/api/v1/namespaces/default/pods"
LIMITS = "/api/v1/namespaces/default/limitranges"

BOOK_LIMITS = {
    "apiVersion": "v1",
    "kind": "LimitRange",
    "metadata": {"name": "limit-range-1"},
    "spec": {
        "limits": [
            {"type": "Pod", "max": {"cpu": "2", "memory": "1Gi"}, "min": {"cpu": "250m", "memory": "32Mi"}},
            {
                "type": "Container",
                "max": {"cpu": "2", "memory": "1Gi"},
                "min": {"cpu": "250m", "memory": "32Mi"},
                "default": {"cpu": "250m", "memory": "64Mi"},
            },
        ]
    },
}

DEFAULT_TOLERATIONS = [
    {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
    {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
]


async def test_limit_range_defaults_a_pod_without_resources(client: httpx.AsyncClient) -> None:
    assert (await client.post(LIMITS, json=BOOK_LIMITS)).status_code == 201
    r = await client.post(PODS, json=pod("redis-master"))
    assert r.status_code == 201, r.text
    body = r.json()
    # the LimitRange's defaulting gives defaultRequest from default
    assert body["spec"]["containers"][0]["resources"] == {
        "limits": {"cpu": "250m", "memory": "64Mi"},
        "requests": {"cpu": "250m", "memory": "64Mi"},
    }
    assert body["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c"
    )
    assert body["status"]["qosClass"] == "Guaranteed"  # computed from the defaulted resources
    stored = (await client.get(f"{PODS}/redis-master")).json()
    assert stored["spec"]["containers"][0]["resources"] == body["spec"]["containers"][0]["resources"]


async def test_limit_range_refuses_the_books_big_pod(client: httpx.AsyncClient) -> None:
    assert (await client.post(LIMITS, json=BOOK_LIMITS)).status_code == 201
    big = pod("redis-master")
    big["spec"]["containers"][0]["resources"] = {"limits": {"memory": "1.5Gi"}}
    r = await client.post(PODS, json=big)
    assert r.status_code == 403
    status = r.json()
    assert status["reason"] == "Forbidden"
    assert status["details"] == {"name": "redis-master", "kind": "pods"}
    assert status["message"] == (
        'pods "redis-master" is forbidden: [maximum memory usage per Pod is 1Gi, but limit is 1536Mi, '
        "maximum memory usage per Container is 1Gi, but limit is 1536Mi]"
    )
    assert (await client.get(f"{PODS}/redis-master")).status_code == 404
    dry = await client.post(PODS, params={"dryRun": "All"}, json=big)
    assert dry.status_code == 403


async def test_limit_range_only_applies_in_its_namespace(client: httpx.AsyncClient) -> None:
    assert (await client.post(LIMITS, json=BOOK_LIMITS)).status_code == 201
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "free"}}
    assert (await client.post("/api/v1/namespaces", json=ns)).status_code == 201
    r = await client.post("/api/v1/namespaces/free/pods", json=pod("p"))
    assert r.status_code == 201
    assert r.json()["spec"]["containers"][0].get("resources", {}) == {}


async def test_limit_range_bounds_claims(client: httpx.AsyncClient) -> None:
    lr = {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": {"name": "storage"},
        "spec": {"limits": [{"type": "PersistentVolumeClaim", "max": {"storage": "2Gi"}}]},
    }
    assert (await client.post(LIMITS, json=lr)).status_code == 201
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}},
    }
    r = await client.post("/api/v1/namespaces/default/persistentvolumeclaims", json=claim)
    assert r.status_code == 403
    assert r.json()["message"] == (
        'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, '
        "but request is 5Gi"
    )
    claim["spec"]["resources"]["requests"]["storage"] = "1Gi"
    assert (
        await client.post("/api/v1/namespaces/default/persistentvolumeclaims", json=claim)
    ).status_code == 201


async def test_pods_get_the_default_service_account(client: httpx.AsyncClient) -> None:
    """No ServiceAccount object is needed (kubepy mounts no token yet)."""
    spec = (await client.post(PODS, json=pod("p1"))).json()["spec"]
    assert (spec["serviceAccountName"], spec["serviceAccount"]) == ("default", "default")
    named = (await client.post(PODS, json=pod("p2", serviceAccountName="builder"))).json()["spec"]
    assert (named["serviceAccountName"], named["serviceAccount"]) == ("builder", "builder")
    legacy = (await client.post(PODS, json=pod("p3", serviceAccount="old"))).json()["spec"]
    assert (legacy["serviceAccountName"], legacy["serviceAccount"]) == ("old", "old")


async def test_pods_get_default_toleration_seconds(client: httpx.AsyncClient) -> None:
    spec = (await client.post(PODS, json=pod("p1"))).json()["spec"]
    assert spec["tolerations"] == DEFAULT_TOLERATIONS
    own = {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 6,
    }
    spec = (await client.post(PODS, json=pod("p2", tolerations=[own]))).json()["spec"]
    assert spec["tolerations"] == [own, DEFAULT_TOLERATIONS[0]]
    everything = {"operator": "Exists"}
    spec = (await client.post(PODS, json=pod("p3", tolerations=[everything]))).json()["spec"]
    assert spec["tolerations"] == [everything]


async def test_pod_update_keeps_the_admitted_fields(client: httpx.AsyncClient) -> None:
    created = (await client.post(PODS, json=pod("p1"))).json()
    created["metadata"]["labels"] = {"app": "db"}
    r = await client.put(f"{PODS}/p1", json=created)
    assert r.status_code == 200, r.text
    assert r.json()["spec"]["tolerations"] == DEFAULT_TOLERATIONS
    assert r.json()["spec"]["serviceAccountName"] == "default"


async def test_fields_added_by_admission_belong_to_no_manager(client: httpx.AsyncClient) -> None:
    """Kubernetes records the manager's fields before admission runs."""
    assert (await client.post(LIMITS, json=BOOK_LIMITS)).status_code == 201
    created = (await client.post(PODS, params={"fieldManager": "kubectl-create"}, json=pod("p1"))).json()
    assert created["spec"]["tolerations"] and created["spec"]["serviceAccountName"] == "default"
    (entry,) = created["metadata"]["managedFields"]
    assert entry["manager"] == "kubectl-create"
    spec_fields = entry["fieldsV1"]["f:spec"]
    assert "f:containers" in spec_fields and "f:dnsPolicy" in spec_fields
    for admitted in ("f:tolerations", "f:serviceAccountName", "f:serviceAccount"):
        assert admitted not in spec_fields
    assert "f:annotations" not in entry["fieldsV1"].get("f:metadata", {})
    assert entry["fieldsV1"]["f:spec"]["f:containers"]['k:{"name":"c"}']["f:resources"] == {}

    applied = await client.patch(
        f"{PODS}/p2",
        params={"fieldManager": "kubectl"},
        content=b'{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p2"},'
        b'"spec":{"containers":[{"name":"c","image":"redis"}]}}',
        headers={"Content-Type": "application/apply-patch+yaml"},
    )
    assert applied.status_code == 201, applied.text
    (entry,) = applied.json()["metadata"]["managedFields"]
    assert entry["operation"] == "Apply"
    assert "f:tolerations" not in entry["fieldsV1"]["f:spec"]
    assert applied.json()["spec"]["tolerations"] == DEFAULT_TOLERATIONS


async def test_limit_range_applies_from_the_next_pod_after_pods_without_any(
    client: httpx.AsyncClient,
) -> None:
    """No LimitRange is remembered per cache revision: the one created next counts at once."""
    for name in ("before-1", "before-2"):
        r = await client.post(PODS, json=pod(name))
        assert r.status_code == 201 and r.json()["spec"]["containers"][0].get("resources") in (None, {})
    assert (await client.post(LIMITS, json=BOOK_LIMITS)).status_code == 201
    r = await client.post(PODS, json=pod("after"))
    assert r.status_code == 201, r.text
    assert r.json()["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "250m", "memory": "64Mi"}
    assert (await client.delete(f"{LIMITS}/limit-range-1")).status_code == 200
    r = await client.post(PODS, json=pod("gone"))
    assert r.status_code == 201 and r.json()["spec"]["containers"][0].get("resources") in (None, {})


class _Recorder:
    """A plugin that notes every write it is shown; `resources` as chain.applicable reads it."""

    name = "Recorder"

    def __init__(self, resources: frozenset | None = None) -> None:
        if resources is not None:
            self.resources = resources
        self.seen: list[tuple[str, str, str]] = []

    def admit(self, attrs) -> None:
        self.seen.append(("admit", attrs.resource, attrs.subresource))

    def validate(self, attrs) -> None:
        self.seen.append(("validate", attrs.resource, attrs.subresource))


def test_applicable_keeps_undeclared_plugins_and_those_naming_the_resource() -> None:
    from kubepy.apiserver import admission

    every, pods, claims = (
        _Recorder(),
        _Recorder(frozenset({("", "pods")})),
        _Recorder(frozenset({("", "pvcs")})),
    )
    chain = [pods, every, claims]
    assert admission.applicable(chain, "", "pods") == (pods, every)
    assert admission.applicable(chain, "", "events") == (every,)
    assert admission.applicable(chain, "apps", "pods") == (every,)  # the group is part of the name
    # the default plugins all act on pods (and LimitRanger on claims), never on Events
    default = admission.default_chain(lambda ns: [])
    assert admission.applicable(default, "", "pods") == tuple(default)
    assert admission.applicable(default, "", "events") == ()
    assert [p.name for p in admission.applicable(default, "", "persistentvolumeclaims")] == ["LimitRanger"]


async def test_a_store_runs_the_plugins_that_may_act_and_follows_chain_changes(
    server, client: httpx.AsyncClient
) -> None:
    """An Event's write skips a pods-only plugin; one declaring nothing sees it; a plugin added to
    the chain later is run from the next write on, and one removed is no longer run."""
    env = server.registry.env
    every, pods_only = _Recorder(), _Recorder(frozenset({("", "pods")}))
    env.admission.extend([every, pods_only])
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "e1"},
        "involvedObject": {"kind": "Pod", "name": "p1", "namespace": "default"},
        "reason": "Test",
    }
    assert (await client.post("/api/v1/namespaces/default/events", json=event)).status_code == 201
    assert every.seen == [("admit", "events", ""), ("validate", "events", "")]
    assert pods_only.seen == []
    assert (await client.post(PODS, json=pod("p1"))).status_code == 201
    assert pods_only.seen == [("admit", "pods", ""), ("validate", "pods", "")]
    later = _Recorder(frozenset({("", "events")}))
    env.admission.append(later)
    env.admission.remove(every)
    r = await client.patch(
        "/api/v1/namespaces/default/events/e1",
        json={"message": "m"},
        headers={"content-type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.text
    assert later.seen == [("admit", "events", ""), ("validate", "events", "")]
    assert len(every.seen) == 4  # the event's write and the pod's; removed: not asked again
