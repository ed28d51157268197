"""kube-root-ca.crt in every namespace, kept as the controller-manager's CA."""

from __future__ import annotations

from kubepy.client.errors import ApiError
from kubepy.client.resources import CONFIGMAPS, NAMESPACES
from kubepy.controllers.rootcapublisher import DESCRIPTION_ANNOTATION, NAME, RootCAPublisher
from tests.controllers.conftest import eventually_async, run_controller, stop

CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


async def _ca(client, ns: str) -> str | None:
    try:
        cm = await client.get(CONFIGMAPS, NAME, ns)
    except ApiError:
        return None
    return (cm.get("data") or {}).get("ca.crt")


async def test_every_namespace_gets_the_ca_and_edits_are_undone(client, informers) -> None:
    ctrl = RootCAPublisher(client, informers, informers.clock, CA)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(NAMESPACES, {"metadata": {"name": "apps"}})

        async def published(ns: str) -> bool:
            return await _ca(client, ns) == CA

        for ns in ("default", "kube-system", "apps"):
            await eventually_async(lambda ns=ns: published(ns), f"CA in {ns}")
        cm = await client.get(CONFIGMAPS, NAME, "apps")
        assert DESCRIPTION_ANNOTATION in cm["metadata"]["annotations"]
        await client.patch(CONFIGMAPS, NAME, {"data": {"ca.crt": "tampered"}}, "apps", patch_type="merge")
        await eventually_async(lambda: published("apps"), "edit undone")
        await client.delete(CONFIGMAPS, NAME, "apps")
        await eventually_async(lambda: published("apps"), "recreated")
    finally:
        await stop(task)
