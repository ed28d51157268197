"""The EndpointSlice controller: a service's endpoints as discovery.k8s.io/v1 slices of at most
100 endpoints each, one port set per slice (pkg/controller/endpointslice).

Unlike Endpoints, slices keep terminating and not-ready pods, with conditions telling ready
(ready and not terminating, or always with publishNotReadyAddresses), serving and terminating.
Slices carry kubernetes.io/service-name and the managed-by label, and a controllerRef to the
service, so the garbage collector removes them with it. Reconciling reuses a slice with the same
ports, creates what is missing (generateName "<service>-") and deletes the rest.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from kubepy.client.cache import NAMESPACE_INDEX, DeletedFinalStateUnknown, key_of, split_key
from kubepy.client.clock import Clock
from kubepy.client.resources import NODES, PODS, SERVICES
from kubepy.client.rest import RESTClient
from kubepy.controllers import endpoint_util as U
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.informers import SharedInformers
from kubepy.controllers.slicesync import (
    ENDPOINTSLICES,
    MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
    Desired,
    SliceSync,
)

Obj = dict[str, Any]
MANAGED_BY = "endpointslice-controller.k8s.io"
MAX_ENDPOINTS_PER_SLICE = 100


def address_type(svc: Obj) -> str:
    families = (svc.get("spec") or {}).get("ipFamilies") or ["IPv4"]
    return "IPv6" if families[0] == "IPv6" else "IPv4"


def pod_ip(pod: Obj, addr_type: str) -> str:
    """The pod's IP of the slice's family ("" when it has none)."""
    status = pod.get("status") or {}
    ips = [i.get("ip", "") for i in status.get("podIPs") or ()] or [status.get("podIP") or ""]
    for ip in ips:
        try:
            version = ipaddress.ip_address(ip).version
        except ValueError:
            continue
        if (version == 6) == (addr_type == "IPv6"):
            return ip
    return ""


ZONE_LABEL = "topology.kubernetes.io/zone"


def slice_endpoint(svc: Obj, pod: Obj, ip: str, zone: str = "") -> Obj:
    terminating = bool(P.meta(pod).get("deletionTimestamp"))
    ready = P.is_ready(pod)
    publish = bool((svc.get("spec") or {}).get("publishNotReadyAddresses"))
    ep: Obj = {
        "addresses": [ip],
        "conditions": {
            "ready": publish or (ready and not terminating),
            "serving": ready,
            "terminating": terminating,
        },
    }
    host = U.hostname_of(svc, pod)
    if host:
        ep["hostname"] = host
    ep["targetRef"] = U.target_ref(pod)
    node = (pod.get("spec") or {}).get("nodeName")
    if node:
        ep["nodeName"] = node
    if zone:
        ep["zone"] = zone
    return ep


#: One pod's part of a service's slices: (port-set key, ports, endpoint).
Entry = tuple[tuple[Any, ...], list[Obj], Obj]


def pod_entry(svc: Obj, pod: Obj, addr_type: str, zone: str = "") -> Entry | None:
    """Where a pod goes in the service's slices; None when it is in none."""
    if not U.should_be_in_endpoints(pod, True):
        return None
    ip = pod_ip(pod, addr_type)
    if not ip:
        return None
    ports = []
    for sp in (svc.get("spec") or {}).get("ports") or ():
        number = U.find_port(pod, sp)
        if number is not None:
            port = U.endpoint_port(sp, number)
            port.setdefault("name", "")
            ports.append(port)
    ports.sort(key=lambda p: (p["name"], p["port"], p["protocol"]))
    key = tuple(tuple(sorted(p.items())) for p in ports)
    return key, ports, slice_endpoint(svc, pod, ip, zone)


def assemble_slices(
    entries: Iterable[Entry | None], max_per_slice: int = MAX_ENDPOINTS_PER_SLICE
) -> list[tuple[list[Obj], list[Obj]]]:
    """(ports, endpoints) per slice: endpoints grouped by the ports they serve (a group's ports
    are its first pod's), sorted by address, cut into slices of at most `max_per_slice`."""
    groups: dict[tuple[Any, ...], tuple[list[Obj], list[Obj]]] = {}
    for entry in entries:
        if entry is not None:
            key, ports, ep = entry
            groups.setdefault(key, (ports, []))[1].append(ep)
    out = []
    for _, (ports, eps) in sorted(groups.items()):
        eps.sort(key=lambda e: e["addresses"][0])
        for i in range(0, len(eps), max_per_slice):
            out.append((ports, eps[i : i + max_per_slice]))
    return out


def desired_slices(
    svc: Obj,
    pods: list[Obj],
    max_per_slice: int = MAX_ENDPOINTS_PER_SLICE,
    zones: dict[str, str] | None = None,
) -> list[tuple[list[Obj], list[Obj]]]:
    """(ports, endpoints) of every slice the service should have. `zones` maps node names to
    their topology.kubernetes.io/zone label."""
    addr_type = address_type(svc)
    return assemble_slices(
        (
            pod_entry(
                svc, pod, addr_type, (zones or {}).get((pod.get("spec") or {}).get("nodeName") or "", "")
            )
            for pod in pods
        ),
        max_per_slice,
    )


def slice_labels(svc: Obj) -> dict[str, str]:
    labels = {
        k: v
        for k, v in (P.meta(svc).get("labels") or {}).items()
        if k not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL)
    }
    labels[SERVICE_NAME_LABEL] = P.meta(svc).get("name", "")
    labels[MANAGED_BY_LABEL] = MANAGED_BY
    if U.is_headless(svc):
        labels[U.HEADLESS_LABEL] = ""
    return labels


@dataclass(frozen=True, slots=True)
class _Cached:
    pod: Obj
    svc: Obj
    zone: str
    entry: Entry | None


class EndpointSliceController(Controller):
    name = "endpointslice-controller"
    workers = 5

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        *,
        max_per_slice: int = MAX_ENDPOINTS_PER_SLICE,
        batch_period: float = 0.0,
    ) -> None:
        super().__init__(clock)
        self.client = client
        #: EndpointUpdatesBatchPeriod: pod changes reach the queue this much later (0: at once).
        self.batch_period = batch_period
        #: Per service, its selected pods' entries, kept while pod, service and zone are unchanged.
        self._entries: dict[str, dict[str, _Cached]] = {}
        self.max_per_slice = max_per_slice
        self.services = informers.get(SERVICES)
        self.pods = informers.get(PODS)
        self.nodes = informers.get(NODES)
        self.slices = informers.get(ENDPOINTSLICES)
        self.writer = SliceSync(client, self.slices, MANAGED_BY)
        self.watches(self.services, self.pods, self.slices, self.nodes)
        self.services.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n), self.enqueue)
        self.pods.add_event_handler(self._pod_changed, self._pod_updated, self._pod_changed)
        self.slices.add_event_handler(
            self._slice_changed, lambda o, n: self._slice_changed(n), self._slice_changed
        )

    def _services_for(self, pod: Obj) -> set[str]:
        ns = P.meta(pod).get("namespace", "")
        return {key_of(s) for s in self.services.store.by_index(NAMESPACE_INDEX, ns) if U.selects(s, pod)}

    def _pod_changed(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        for key in self._services_for(unwrap(obj)):
            self.queue.add_after(key, self.batch_period)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        om, nm = P.meta(old), P.meta(new)
        if om.get("resourceVersion") == nm.get("resourceVersion"):
            return
        keys = self._services_for(new)
        if om.get("labels") != nm.get("labels"):  # what selects a pod: its namespace and labels
            keys |= self._services_for(old)
        for key in keys:
            self.queue.add_after(key, self.batch_period)

    def _slice_changed(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        s = unwrap(obj)
        labels = P.meta(s).get("labels") or {}
        if labels.get(MANAGED_BY_LABEL) == MANAGED_BY and labels.get(SERVICE_NAME_LABEL):
            self.queue.add(f"{P.meta(s).get('namespace', '')}/{labels[SERVICE_NAME_LABEL]}")

    def _zone(self, pod: Obj) -> str:
        node_name = (pod.get("spec") or {}).get("nodeName")
        node = self.nodes.store.get(node_name) if node_name else None
        return ((P.meta(node).get("labels") or {}).get(ZONE_LABEL) or "") if node is not None else ""

    def _entries_of(self, key: str, svc: Obj, ns: str, addr_type: str) -> list[Entry | None]:
        """The service's pods' entries in key order, computed again only for a pod, service or
        zone not seen before: a sync costs a lookup per unchanged pod."""
        old = self._entries.get(key) or {}
        fresh: dict[str, _Cached] = {}
        for pod_key, pod in U.selected_pods(self.pods.store, svc, ns):
            zone = self._zone(pod)
            c = old.get(pod_key)
            if c is None or c.pod is not pod or c.svc is not svc or c.zone != zone:
                c = _Cached(pod, svc, zone, pod_entry(svc, pod, addr_type, zone))
            fresh[pod_key] = c
        self._entries[key] = fresh
        return [c.entry for c in fresh.values()]

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        ns, name = split_key(key)
        svc = self.services.store.get(key)
        self.writer.check_fresh(key, ns)
        existing = self.writer.existing(ns, name)
        if svc is None:  # the garbage collector would do it too; do not wait for it
            self._entries.pop(key, None)
            self.writer.forget(key)
            await self.writer.delete(key, existing)
            return None
        if U.service_selector(svc) is None or P.meta(svc).get("deletionTimestamp"):
            self._entries.pop(key, None)
            return None
        addr_type = address_type(svc)
        # a service without endpoints still gets one empty placeholder slice, without ports
        want = [
            Desired(addr_type, ports, eps)
            for ports, eps in assemble_slices(self._entries_of(key, svc, ns, addr_type), self.max_per_slice)
        ]
        m = P.meta(svc)
        metadata = {
            "generateName": f"{m.get('name', '')}-",
            "namespace": ns,
            "labels": slice_labels(svc),
            "ownerReferences": [P.owner_reference(svc, "v1", "Service")],
        }
        await self.writer.reconcile(key, existing, want or [Desired(addr_type, [], [])], metadata)
        return None
