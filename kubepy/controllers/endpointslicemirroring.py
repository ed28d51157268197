"""The EndpointSlice mirroring controller: Endpoints written by hand for a service without a
selector (the book's external services) are mirrored into EndpointSlices, so consumers that read
only slices see them too (pkg/controller/endpointslicemirroring).

Endpoints managed by the Endpoints controller, or labelled endpointslice.kubernetes.io/
skip-mirror=true, are left alone. Each subset becomes slices of its address family and ports;
addresses are ready, notReadyAddresses not; at most 1000 addresses per subset are mirrored.
Mirrored slices carry the Endpoints' labels and annotations and are owned by the Endpoints.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Hashable
from typing import Any

from kubepy.client.cache import DeletedFinalStateUnknown, split_key
from kubepy.client.clock import Clock
from kubepy.client.resources import ENDPOINTS, SERVICES
from kubepy.client.rest import RESTClient
from kubepy.controllers import endpoint_util as U
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.endpoints import MANAGED_BY as ENDPOINTS_CONTROLLER
from kubepy.controllers.endpoints import MANAGED_BY_LABEL as ENDPOINTS_MANAGED_BY_LABEL
from kubepy.controllers.endpoints import TRIGGER_TIME
from kubepy.controllers.informers import SharedInformers
from kubepy.controllers.slicesync import (
    ENDPOINTSLICES,
    MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
    Desired,
    SliceSync,
)

Obj = dict[str, Any]
MANAGED_BY = "endpointslicemirroring-controller.k8s.io"
SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_PER_SUBSET = 1000
MAX_PER_SLICE = 100


def should_mirror(endpoints: Obj, svc: Obj | None) -> bool:
    labels = P.meta(endpoints).get("labels") or {}
    return (
        svc is not None
        and U.service_selector(svc) is None
        and labels.get(SKIP_MIRROR) != "true"
        and labels.get(ENDPOINTS_MANAGED_BY_LABEL) != ENDPOINTS_CONTROLLER
    )


def _family(ip: str) -> str:
    try:
        return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    except ValueError:
        return ""


def _endpoint(addr: Obj, ready: bool) -> Obj:
    ep: Obj = {"addresses": [addr["ip"]], "conditions": {"ready": ready}}
    for field in ("hostname", "nodeName", "targetRef"):
        if addr.get(field):
            ep[field] = addr[field]
    return ep


def mirrored(
    endpoints: Obj, max_per_subset: int = MAX_PER_SUBSET, max_per_slice: int = MAX_PER_SLICE
) -> list[Desired]:
    """The slices mirroring one Endpoints object, per subset, address family and ports."""
    groups: dict[tuple[str, tuple[Any, ...]], Desired] = {}
    for subset in endpoints.get("subsets") or ():
        ports = []
        for p in subset.get("ports") or ():
            port: Obj = {
                "name": p.get("name", ""),
                "port": p.get("port"),
                "protocol": p.get("protocol") or "TCP",
            }
            if p.get("appProtocol"):
                port["appProtocol"] = p["appProtocol"]
            ports.append(port)
        pairs = [(a, True) for a in subset.get("addresses") or ()] + [
            (a, False) for a in subset.get("notReadyAddresses") or ()
        ]
        for addr, ready in pairs[:max_per_subset]:
            family = _family(addr.get("ip", ""))
            if not family:
                continue
            key = (family, tuple(tuple(sorted(p.items())) for p in ports))
            groups.setdefault(key, Desired(family, ports, [])).endpoints.append(_endpoint(addr, ready))
    out = []
    for d in groups.values():
        for i in range(0, len(d.endpoints), max_per_slice):
            out.append(Desired(d.address_type, d.ports, d.endpoints[i : i + max_per_slice]))
    return out


def mirrored_metadata(endpoints: Obj) -> Obj:
    m = P.meta(endpoints)
    labels = {
        k: v for k, v in (m.get("labels") or {}).items() if k not in (MANAGED_BY_LABEL, SERVICE_NAME_LABEL)
    }
    labels[SERVICE_NAME_LABEL] = m.get("name", "")
    labels[MANAGED_BY_LABEL] = MANAGED_BY
    annotations = {
        k: v for k, v in (m.get("annotations") or {}).items() if k not in (TRIGGER_TIME, LAST_APPLIED)
    }
    meta: Obj = {
        "generateName": f"{m.get('name', '')}-",
        "namespace": m.get("namespace", ""),
        "labels": labels,
        "ownerReferences": [P.owner_reference(endpoints, "v1", "Endpoints")],
    }
    if annotations:
        meta["annotations"] = annotations
    return meta


class EndpointSliceMirroringController(Controller):
    name = "endpointslice-mirroring-controller"
    workers = 5

    def __init__(self, client: RESTClient, informers: SharedInformers, clock: Clock) -> None:
        super().__init__(clock)
        self.client = client
        self.endpoints = informers.get(ENDPOINTS)
        self.services = informers.get(SERVICES)
        self.slices = informers.get(ENDPOINTSLICES)
        self.writer = SliceSync(client, self.slices, MANAGED_BY)
        self.watches(self.endpoints, self.services, self.slices)
        self.endpoints.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n), self.enqueue)
        self.services.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n), self.enqueue)
        self.slices.add_event_handler(self._slice, lambda o, n: self._slice(n), self._slice)

    def _slice(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        s = unwrap(obj)
        labels = P.meta(s).get("labels") or {}
        if labels.get(MANAGED_BY_LABEL) == MANAGED_BY and labels.get(SERVICE_NAME_LABEL):
            self.queue.add(f"{P.meta(s).get('namespace', '')}/{labels[SERVICE_NAME_LABEL]}")

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        ns, name = split_key(key)
        self.writer.check_fresh(key, ns)
        existing = self.writer.existing(ns, name)
        endpoints = self.endpoints.store.get(key)
        if endpoints is None or not should_mirror(endpoints, self.services.store.get(key)):
            self.writer.forget(key)
            await self.writer.delete(key, existing)
            return None
        await self.writer.reconcile(key, existing, mirrored(endpoints), mirrored_metadata(endpoints))
        return None
