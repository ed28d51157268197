"""What every cluster has from the start: the system namespaces and the `kubernetes` Service with
Endpoints (and EndpointSlice) pointing at the apiserver, as Kubernetes' bootstrap controller keeps."""

from __future__ import annotations

import ipaddress
from typing import Any

from kubepy.api.errors import StatusError
from kubepy.apiserver.params import WriteOptions
from kubepy.apiserver.registry.registry import Registry

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
MANAGER = "kube-apiserver"


def first_service_ip(cidr: str) -> str:
    net = ipaddress.ip_network(cidr, strict=False)
    return str(net.network_address + 1)


def kubernetes_service(cidr: str, port: int) -> dict[str, Any]:
    ip = first_service_ip(cidr)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {"component": "apiserver", "provider": "kubernetes"},
        },
        "spec": {
            "type": "ClusterIP",
            "clusterIP": ip,
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}],
            "sessionAffinity": "None",
        },
    }


def kubernetes_endpoints(ip: str, port: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
        },
        "subsets": [
            {"addresses": [{"ip": ip}], "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}
        ],
    }


def kubernetes_slice(ip: str, port: int) -> dict[str, Any]:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": "kubernetes"},
        },
        "addressType": "IPv6" if ":" in ip else "IPv4",
        "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
    }


async def _ensure(
    reg: Registry, group: str, plural: str, ns: str, obj: dict[str, Any], trusted: bool = False
) -> None:
    store = reg.store(group, plural)
    if store.env.cache.get(store.key(ns, obj["metadata"]["name"])) is not None:
        return
    try:
        await store.create(ns, obj, WriteOptions(), MANAGER, trusted=trusted)
    except StatusError as e:
        if e.code != 409:
            raise


async def bootstrap(reg: Registry, service_cidr: str, advertise_ip: str, port: int) -> None:
    for ns in SYSTEM_NAMESPACES:
        await _ensure(
            reg, "", "namespaces", "", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}
        )
    await _ensure(reg, "", "services", "default", kubernetes_service(service_cidr, port))
    await _ensure(reg, "", "endpoints", "default", kubernetes_endpoints(advertise_ip, port), True)
    try:
        await _ensure(
            reg, "discovery.k8s.io", "endpointslices", "default", kubernetes_slice(advertise_ip, port), True
        )
    except KeyError:
        pass  # EndpointSlice not served
