"""The book's guestbook (chapter 1.3) created with `kubernetes.utils.create_from_yaml`, and a
client configured the usual way, from a kubeconfig."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client, config, utils

from conformance.python_client.helpers import BOOK

GUESTBOOK = [
    "redis-master-controller.yaml",
    "redis-master-service.yaml",
    "redis-slave-controller.yaml",
    "redis-slave-service.yaml",
    "frontend-controller.yaml",
    "frontend-service.yaml",
]


@pytest.fixture(scope="module")
def guestbook(api_client: Any, core: Any, ns: str) -> Iterator[dict[str, Any]]:
    """Every guestbook file, in the book's order; yields what create_from_yaml created. The
    services are deleted afterwards: nodePort 30001 is cluster-wide and other suites use it."""
    if not (BOOK / "guestbook").is_dir():
        pytest.skip(f"the book's files are not here: {BOOK}")
    created: dict[str, Any] = {}
    for name in GUESTBOOK:
        # one list of created objects per YAML document
        for doc in utils.create_from_yaml(api_client, yaml_file=str(BOOK / "guestbook" / name), namespace=ns):
            for obj in doc:
                created[f"{obj.kind}/{obj.metadata.name}"] = obj
    yield created
    for key in created:
        kind, name = key.split("/")
        if kind == "Service":
            core.delete_namespaced_service(name, ns)


def test_guestbook_objects_are_created(guestbook: dict[str, Any]):
    assert sorted(guestbook) == [
        "ReplicationController/frontend",
        "ReplicationController/redis-master",
        "ReplicationController/redis-slave",
        "Service/frontend",
        "Service/redis-master",
        "Service/redis-slave",
    ]
    assert isinstance(guestbook["Service/frontend"], client.V1Service)
    assert isinstance(guestbook["ReplicationController/frontend"], client.V1ReplicationController)


def test_guestbook_services(guestbook: dict[str, Any], core: Any, ns: str):
    services = {s.metadata.name: s for s in core.list_namespaced_service(ns).items}
    assert set(services) == {"frontend", "redis-master", "redis-slave"}
    ips = [s.spec.cluster_ip for s in services.values()]
    assert len(set(ips)) == 3  # each its own address
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network("10.254.0.0/16") for ip in ips)
    # the range's first address is the `kubernetes` service's
    assert "10.254.0.1" not in ips

    front = services["frontend"].spec
    assert front.type == "NodePort"
    assert [(p.port, p.node_port, p.target_port) for p in front.ports] == [(80, 30001, 80)]
    master = services["redis-master"].spec
    assert master.type == "ClusterIP"
    assert [(p.port, p.target_port, p.node_port) for p in master.ports] == [(6379, 6379, None)]
    assert master.selector == {"name": "redis-master"}


def test_guestbook_controllers(guestbook: dict[str, Any], core: Any, ns: str):
    rcs = {rc.metadata.name: rc for rc in core.list_namespaced_replication_controller(ns).items}
    assert {n: rc.spec.replicas for n, rc in rcs.items()} == {
        "frontend": 3,
        "redis-master": 1,
        "redis-slave": 2,
    }
    front = rcs["frontend"].spec.template.spec.containers[0]
    assert [(e.name, e.value) for e in front.env] == [("GET_HOSTS_FROM", "env")]
    assert [(p.container_port, p.protocol) for p in front.ports] == [(80, "TCP")]
    # kubectl get rc -l name=frontend
    selected = core.list_namespaced_replication_controller(ns, label_selector="name=frontend")
    assert [rc.metadata.name for rc in selected.items] == ["frontend"]


def test_node_port_30001_is_taken_for_everyone(guestbook: dict[str, Any], core: Any):
    """The frontend's nodePort belongs to the whole cluster, not to its namespace."""
    svc = yaml.safe_load((BOOK / "guestbook/frontend-service.yaml").read_text())
    with pytest.raises(utils.FailToCreateError) as e:
        utils.create_from_dict(core.api_client, svc, namespace="default")
    exc = e.value.api_exceptions[0]
    assert exc.status == 422
    assert "spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated" in exc.body


def test_client_from_kubeconfig(kubeconfig_path: Path, server_url: str):
    assert (
        config.kube_config.KubeConfigLoader(
            config_dict=yaml.safe_load(kubeconfig_path.read_text())
        ).current_context["name"]
        == "kubepy"
    )
    api = config.new_client_from_config(config_file=str(kubeconfig_path))
    try:
        names = {n.metadata.name for n in client.CoreV1Api(api).list_namespace().items}
        assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= names
        version = client.VersionApi(api).get_code()
        assert version.git_version.startswith(f"v{version.major}.{version.minor}")
    finally:
        api.close()


def test_kubernetes_service_points_at_the_apiserver(core: Any, server_url: str):
    svc = core.read_namespaced_service("kubernetes", "default")
    assert svc.spec.cluster_ip == "10.254.0.1"
    assert [(p.name, p.port) for p in svc.spec.ports] == [("https", 443)]
    ep = core.read_namespaced_endpoints("kubernetes", "default")
    port = int(server_url.rsplit(":", 1)[1])
    assert ep.subsets[0].addresses[0].ip == "127.0.0.1"
    assert ep.subsets[0].ports[0].port == port
