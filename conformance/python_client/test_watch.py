"""Watch through `kubernetes.watch.Watch().stream`: events in order, resume from a
resourceVersion, selectors, and 410 Gone once the history was compacted (then re-list)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from conformance import LiveServer, free_port, spawn, wait_ready
from conformance.python_client.helpers import configmap

#: Safety net only: every test stops reading once it has the events it waits for.
SAFETY_TIMEOUT = 20


def events(list_fn: Any, *args: Any, count: int, **kwargs: Any) -> list[dict[str, Any]]:
    """The first `count` events of a watch (fewer if the server ends the stream first)."""
    w = watch.Watch()
    stream = w.stream(list_fn, *args, timeout_seconds=SAFETY_TIMEOUT, **kwargs)
    try:
        return list(islice(stream, count))
    finally:
        w.stop()
        stream.close()


def summary(evs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["type"], e["object"].metadata.name) for e in evs]


def test_events_arrive_in_order_with_typed_objects(core: Any, ns: str):
    rv0 = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, configmap("a", {"n": "1"}))
    core.create_namespaced_config_map(ns, configmap("b"))
    core.patch_namespaced_config_map("a", ns, {"data": {"n": "2"}})
    core.delete_namespaced_config_map("b", ns)

    evs = events(core.list_namespaced_config_map, ns, resource_version=rv0, count=4)
    assert summary(evs) == [("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b")]
    assert all(isinstance(e["object"], client.V1ConfigMap) for e in evs)
    assert evs[2]["object"].data == {"n": "2"}
    rvs = [int(e["object"].metadata.resource_version) for e in evs]
    assert rvs == sorted(rvs) and len(set(rvs)) == 4
    assert rvs[0] > int(rv0)
    assert evs[0]["raw_object"]["kind"] == "ConfigMap"


def test_resume_from_a_resource_version(core: Any, ns: str):
    rv0 = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, configmap("r1"))
    second = core.create_namespaced_config_map(ns, configmap("r2"))
    core.delete_namespaced_config_map("r1", ns)
    core.create_namespaced_config_map(ns, configmap("r3"))

    first_two = events(core.list_namespaced_config_map, ns, resource_version=rv0, count=2)
    assert summary(first_two) == [("ADDED", "r1"), ("ADDED", "r2")]
    resume_at = first_two[-1]["object"].metadata.resource_version
    assert resume_at == second.metadata.resource_version
    rest = events(core.list_namespaced_config_map, ns, resource_version=resume_at, count=2)
    assert summary(rest) == [("DELETED", "r1"), ("ADDED", "r3")]


def test_watch_without_resource_version_starts_with_current_state(core: Any, ns: str):
    core.create_namespaced_service_account(ns, {"metadata": {"name": "sa-1"}})
    core.create_namespaced_service_account(ns, {"metadata": {"name": "sa-2"}})
    w = watch.Watch()
    stream = w.stream(core.list_namespaced_service_account, ns, timeout_seconds=SAFETY_TIMEOUT)
    try:
        initial = list(islice(stream, 2))
        assert sorted(summary(initial)) == [("ADDED", "sa-1"), ("ADDED", "sa-2")]
        # the watch is open now: a new object arrives on it
        core.create_namespaced_service_account(ns, {"metadata": {"name": "sa-3"}})
        assert summary([next(stream)]) == [("ADDED", "sa-3")]
    finally:
        w.stop()
        stream.close()


def test_watch_with_label_selector_sees_objects_enter_and_leave(core: Any, ns: str):
    rv0 = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, configmap("sel-1", labels={"team": "red"}))
    core.create_namespaced_config_map(ns, configmap("sel-2", labels={"team": "blue"}))
    core.patch_namespaced_config_map("sel-2", ns, {"metadata": {"labels": {"team": "red"}}})  # enters
    left = core.patch_namespaced_config_map("sel-1", ns, {"metadata": {"labels": {"team": "blue"}}})
    evs = events(
        core.list_namespaced_config_map, ns, resource_version=rv0, label_selector="team=red", count=3
    )
    # an object that starts matching is ADDED; one that stops matching is DELETED, carrying its
    # last matching state at the revision of the change (Kubernetes' cacheWatcher)
    assert summary(evs) == [("ADDED", "sel-1"), ("ADDED", "sel-2"), ("DELETED", "sel-1")]
    assert evs[2]["object"].metadata.labels == {"team": "red"}
    assert evs[2]["object"].metadata.resource_version == left.metadata.resource_version


def test_watch_one_object_by_field_selector(core: Any, ns: str):
    rv0 = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, configmap("one", {"v": "1"}))
    core.create_namespaced_config_map(ns, configmap("other"))
    core.patch_namespaced_config_map("one", ns, {"data": {"v": "2"}})
    evs = events(
        core.list_namespaced_config_map, ns, resource_version=rv0, field_selector="metadata.name=one", count=2
    )
    assert summary(evs) == [("ADDED", "one"), ("MODIFIED", "one")]


def test_watch_across_namespaces(core: Any, ns: str):
    rv0 = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, configmap("everywhere", labels={"w": "all"}))
    core.create_namespaced_config_map("default", configmap("everywhere", labels={"w": "all"}))
    evs = events(
        core.list_config_map_for_all_namespaces, resource_version=rv0, label_selector="w=all", count=2
    )
    assert [(e["type"], e["object"].metadata.namespace) for e in evs] == [("ADDED", ns), ("ADDED", "default")]


# ---- 410 Gone after compaction -----------------------------------------------------------------
_SMALL_SERVER = """
import sys
from kubepy import log, run
from kubepy.apiserver.config import ServerConfig, StorageConfig

log.setup(0)
conf = ServerConfig(port=int(sys.argv[1]), storage=StorageConfig(engine="memory", retention_events=4))
sys.exit(run.run(lambda: [run.apiserver_component(run.RunConfig(server=conf))]))
"""


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A second apiserver whose watch window holds only 4 events. `kubepy apiserver` has no flag
    for the retention yet, so it runs the same components from a small script."""
    workdir: Path = tmp_path_factory.mktemp("small")
    port = free_port()
    stderr_path = workdir / "small.stderr"
    argv = [sys.executable, "-c", _SMALL_SERVER, str(port)]
    srv = LiveServer(spawn(argv, stderr_path, workdir), port, workdir, stderr_path, argv)
    try:
        if not wait_ready(srv.proc, srv.url):
            raise RuntimeError(f"the small server did not start:\n{srv.stderr()}")
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def small_core(small_server: LiveServer) -> Iterator[Any]:
    cfg = client.Configuration()
    cfg.host = small_server.url
    with client.ApiClient(cfg) as api:
        yield client.CoreV1Api(api)


def test_watch_from_a_compacted_revision_raises_410_and_relist_recovers(small_core: Any):
    core = small_core
    rv0 = core.list_namespaced_config_map("default").metadata.resource_version
    for i in range(8):  # twice the window
        core.create_namespaced_config_map("default", configmap(f"old-{i}"))

    w = watch.Watch()
    with pytest.raises(ApiException) as e:
        # timeout_seconds also turns off the client's one silent retry after a 410
        for _ in w.stream(
            core.list_namespaced_config_map, "default", resource_version=rv0, timeout_seconds=5
        ):
            raise AssertionError("an event from a compacted revision")
    assert e.value.status == 410
    assert e.value.reason.startswith("Expired: too old resource version: ")

    # recover as informers do: list, then watch from the list's revision
    lst = core.list_namespaced_config_map("default")
    assert {f"old-{i}" for i in range(8)} <= {o.metadata.name for o in lst.items}
    core.create_namespaced_config_map("default", configmap("fresh"))
    evs = events(
        core.list_namespaced_config_map, "default", resource_version=lst.metadata.resource_version, count=1
    )
    assert summary(evs) == [("ADDED", "fresh")]


def test_410_arrives_as_an_error_event_on_the_wire(small_core: Any, small_server: LiveServer):
    """As in Kubernetes' watch cache: 200, then one ERROR event carrying a 410 Status."""
    core = small_core
    rv0 = core.list_namespaced_config_map("default").metadata.resource_version
    for i in range(8):
        core.create_namespaced_config_map("default", configmap(f"wire-{i}"))
    url = f"{small_server.url}/api/v1/namespaces/default/configmaps"
    with httpx.stream("GET", url, params={"watch": "1", "resourceVersion": rv0}, timeout=SAFETY_TIMEOUT) as r:
        assert r.status_code == 200
        line = next(r.iter_lines())
    ev = orjson.loads(line)
    assert ev["type"] == "ERROR"
    st = ev["object"]
    assert (st["kind"], st["status"], st["reason"], st["code"]) == ("Status", "Failure", "Expired", 410)
    assert st["message"].startswith(f"too old resource version: {rv0} (")


def test_continue_token_past_the_window_is_410(small_core: Any):
    core = small_core
    for i in range(4):
        core.create_namespaced_secret(
            "default", {"metadata": {"name": f"page-{i}"}, "stringData": {"k": "v"}}
        )
    first = core.list_namespaced_secret("default", limit=2)
    assert first.metadata._continue
    # Each resource keeps its own history (Kubernetes' per-resource watch caches): other kinds'
    # writes leave the token valid, writes to secrets past the window expire it.
    for i in range(8):
        core.create_namespaced_config_map("default", configmap(f"churn-{i}"))
    rest = core.list_namespaced_secret("default", limit=2, _continue=first.metadata._continue)
    assert [s.metadata.name for s in rest.items] == ["page-2", "page-3"]
    for i in range(8):
        core.create_namespaced_secret("default", {"metadata": {"name": f"churn-{i}"}})
    with pytest.raises(ApiException) as e:
        core.list_namespaced_secret("default", limit=2, _continue=first.metadata._continue)
    assert e.value.status == 410
    body = orjson.loads(e.value.body)
    assert body["reason"] == "Expired"
    assert body["message"].startswith("The provided continue parameter is too old")


def test_binding_shows_up_on_a_pod_watch(core: Any, ns: str):
    """What a kubelet waits for: its pod, MODIFIED with spec.nodeName set by the binding."""
    created = core.create_namespaced_pod(
        ns,
        {
            "metadata": {"name": "watched", "labels": {"w": "bind"}},
            "spec": {"containers": [{"name": "c", "image": "x"}]},
        },
    )
    binding = client.V1Binding(
        metadata=client.V1ObjectMeta(name="watched"),
        target=client.V1ObjectReference(kind="Node", name="node-9"),
    )
    core.create_namespaced_pod_binding("watched", ns, binding, _preload_content=False)
    evs = events(
        core.list_namespaced_pod,
        ns,
        resource_version=created.metadata.resource_version,
        field_selector="spec.nodeName=node-9",
        count=1,
    )
    # it enters the kubelet's field selector: ADDED for that watcher
    assert summary(evs) == [("ADDED", "watched")]
    assert isinstance(evs[0]["object"], client.V1Pod)
    assert evs[0]["object"].spec.node_name == "node-9"


def test_watch_list_sends_initial_state_then_a_bookmark(core: Any):
    """The streaming list informers use (sendInitialEvents): current objects as ADDED, then a
    BOOKMARK annotated k8s.io/initial-events-end."""
    core.create_namespace({"metadata": {"name": "ns-watchlist"}})
    for name in ("wl-1", "wl-2"):
        core.create_namespaced_config_map("ns-watchlist", configmap(name))
    evs = events(
        core.list_namespaced_config_map,
        "ns-watchlist",
        send_initial_events=True,
        resource_version_match="NotOlderThan",
        allow_watch_bookmarks=True,
        count=3,
    )
    assert [e["type"] for e in evs] == ["ADDED", "ADDED", "BOOKMARK"]
    assert sorted(e["object"].metadata.name for e in evs[:2]) == ["wl-1", "wl-2"]
    mark = evs[2]["raw_object"]
    assert (mark["kind"], mark["apiVersion"]) == ("ConfigMap", "v1")
    assert mark["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(mark["metadata"]["resourceVersion"]) >= max(
        int(e["object"].metadata.resource_version) for e in evs[:2]
    )
