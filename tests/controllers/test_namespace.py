"""The namespace controller empties a terminating namespace through the API, then finalizes it."""

from __future__ import annotations

from kubepy.client.errors import ApiError
from kubepy.client.resources import CONFIGMAPS, NAMESPACES, PODS, SECRETS, ref
from kubepy.controllers.discovery import Discovery, discover
from kubepy.controllers.namespace import NamespaceController, Remaining, deletion_conditions, merge_conditions
from tests.controllers.conftest import eventually_async, pod, run_controller, stop


def test_conditions_report_remaining_content_and_finalizers() -> None:
    left = Remaining(counts={"configmaps.": 1, "deployments.apps": 2}, finalizers={"example/test": 1})
    conds = {c["type"]: c for c in deletion_conditions(Discovery(()), left)}
    assert conds["NamespaceContentRemaining"]["message"] == (
        "Some resources are remaining: configmaps. has 1 resource instances, deployments.apps has 2 resource instances"
    )
    assert conds["NamespaceFinalizersRemaining"]["reason"] == "SomeFinalizersRemain"
    assert conds["NamespaceFinalizersRemaining"]["message"] == (
        "Some content in the namespace has finalizers remaining: example/test in 1 resource instances"
    )
    assert conds["NamespaceDeletionDiscoveryFailure"]["status"] == "False"
    done = {c["type"]: c for c in deletion_conditions(Discovery((), (("x/v1", "boom"),)), Remaining())}
    assert done["NamespaceContentRemaining"]["reason"] == "ContentRemoved"
    assert (
        done["NamespaceDeletionDiscoveryFailure"]["message"]
        == "Discovery failed for some groups, 1 failing: x/v1: boom"
    )


def test_transition_time_kept_while_status_unchanged() -> None:
    old = [
        {"type": "A", "status": "True", "lastTransitionTime": "t0"},
        {"type": "B", "status": "False", "lastTransitionTime": "t0"},
    ]
    new = [{"type": "A", "status": "True"}, {"type": "B", "status": "True"}]
    assert [c["lastTransitionTime"] for c in merge_conditions(old, new, "t1")] == ["t0", "t1"]


async def test_discovery_lists_namespaced_deletable_resources(client) -> None:
    d = await discover(client)
    refs = d.with_verbs("list", "delete", namespaced=True)
    plurals = {(r.group, r.plural) for r in refs}
    assert {("", "pods"), ("", "configmaps"), ("apps", "deployments"), ("", "events")} <= plurals
    assert ("", "namespaces") not in plurals and ("", "nodes") not in plurals


async def test_deleting_a_namespace_empties_and_removes_it(client, informers) -> None:
    ctrl = NamespaceController(client, informers, informers.clock)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(
            NAMESPACES, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}
        )
        await client.create(PODS, pod("web", {"app": "web"}, namespace="dev"))
        await client.create(CONFIGMAPS, {"metadata": {"name": "cfg", "namespace": "dev"}, "data": {"a": "b"}})
        await client.create(
            SECRETS, {"metadata": {"name": "s", "namespace": "dev"}, "stringData": {"a": "b"}}
        )
        await client.create(
            ref("apps/v1", "deployments"),
            {
                "metadata": {"name": "d", "namespace": "dev"},
                "spec": {
                    "selector": {"matchLabels": {"a": "b"}},
                    "template": {
                        "metadata": {"labels": {"a": "b"}},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                    },
                },
            },
        )
        await client.create(CONFIGMAPS, {"metadata": {"name": "keep", "namespace": "default"}, "data": {}})
        await client.delete(NAMESPACES, "dev")

        async def gone() -> bool:
            try:
                await client.get(NAMESPACES, "dev")
            except ApiError as e:
                return e.code == 404
            return False

        await eventually_async(gone, "namespace removed")
        for r in (PODS, CONFIGMAPS, SECRETS):
            items, _ = await client.list_all(r, "dev")
            assert items == []
        assert (await client.get(CONFIGMAPS, "keep", "default"))["metadata"]["name"] == "keep"
    finally:
        await stop(task)


async def test_content_with_finalizers_keeps_the_namespace_terminating(client, informers) -> None:
    ctrl = NamespaceController(client, informers, informers.clock)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(NAMESPACES, {"metadata": {"name": "held"}})
        await client.create(
            CONFIGMAPS, {"metadata": {"name": "cfg", "namespace": "held", "finalizers": ["example.com/hold"]}}
        )
        await client.delete(NAMESPACES, "held")

        async def reported() -> bool:
            ns = await client.get(NAMESPACES, "held")
            conds = {c["type"]: c for c in (ns.get("status") or {}).get("conditions") or ()}
            c = conds.get("NamespaceFinalizersRemaining")
            return ns["status"]["phase"] == "Terminating" and c is not None and c["status"] == "True"

        await eventually_async(reported, "finalizers reported")
        ns = await client.get(NAMESPACES, "held")
        conds = {c["type"]: c for c in ns["status"]["conditions"]}
        assert (
            conds["NamespaceContentRemaining"]["message"]
            == "Some resources are remaining: configmaps. has 1 resource instances"
        )
        await client.patch(CONFIGMAPS, "cfg", {"metadata": {"finalizers": None}}, "held", patch_type="merge")
        informers.clock.advance(16)

        async def gone() -> bool:
            try:
                await client.get(NAMESPACES, "held")
            except ApiError as e:
                return e.code == 404
            return False

        await eventually_async(gone, "namespace removed once the finalizer went")
    finally:
        await stop(task)
