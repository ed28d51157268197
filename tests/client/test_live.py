"""The client over real sockets: a `kubepy apiserver` process, read from its kubeconfig-less URL."""

from __future__ import annotations

import pytest

from conformance import start_apiserver
from kubepy.client.cache import STANDARD_INDEXERS
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.informer import Informer
from kubepy.client.resources import CONFIGMAPS
from kubepy.client.rest import RESTClient, user_agent
from tests.client.conftest import configmap, eventually

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    srv = start_apiserver(tmp_path_factory.mktemp("client-live"), backend="memory")
    yield srv
    srv.stop()


async def test_informer_and_verbs_over_http(live) -> None:
    async with RESTClient(live.url, user_agent=user_agent("live-test")) as client:
        inf = Informer(client, CONFIGMAPS, "default", indexers=STANDARD_INDEXERS, watch_list=True)
        seen: list[str] = []
        inf.add_event_handler(on_add=lambda o: seen.append(o["metadata"]["name"]))
        inf.start()
        try:
            await inf.wait_for_sync()
            await client.create(CONFIGMAPS, configmap("over-tcp"))
            await eventually(lambda: "over-tcp" in seen, "add streamed over a socket")
            await client.delete(CONFIGMAPS, "over-tcp", "default")
            await eventually(lambda: "default/over-tcp" not in inf.store, "delete streamed")
            with pytest.raises(ApiError) as exc:
                await client.get(CONFIGMAPS, "over-tcp", "default")
            assert is_not_found(exc.value)
        finally:
            await inf.stop()
