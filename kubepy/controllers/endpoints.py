"""The Endpoints controller: for every service with a selector, an Endpoints object of the same
name listing the IPs and ports of the pods it selects (pkg/controller/endpoint).

Ready pods go to `addresses`, the others (not terminal) to `notReadyAddresses`; with
publishNotReadyAddresses every pod counts as ready. Named targetPorts are resolved per pod, so
pods exposing a name on different numbers end up in different subsets. Services without a
selector are left alone (their Endpoints are written by hand).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from kubepy.client.cache import NAMESPACE_INDEX, DeletedFinalStateUnknown, key_of, split_key
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.resources import ENDPOINTS, PODS, SERVICES
from kubepy.client.rest import RESTClient
from kubepy.controllers import endpoint_util as U
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.informers import SharedInformers

log = logging.getLogger(__name__)
Obj = dict[str, Any]


def _address(svc: Obj, pod: Obj) -> Obj:
    addr: Obj = {"ip": pod["status"]["podIP"]}
    host = U.hostname_of(svc, pod)
    if host:
        addr["hostname"] = host
    node = (pod.get("spec") or {}).get("nodeName")
    if node:
        addr["nodeName"] = node
    addr["targetRef"] = U.target_ref(pod)
    return addr


#: One pod's part of a service's Endpoints: (port-set key, resolved ports, address, ready).
Entry = tuple[tuple[tuple[Any, ...], ...], list[Obj], Obj, bool]


def pod_entry(svc: Obj, pod: Obj) -> Entry | None:
    """Where a pod goes in the service's subsets; None when it is not in them."""
    spec = svc.get("spec") or {}
    tolerate = bool(spec.get("publishNotReadyAddresses"))
    ports = spec.get("ports") or []
    if not U.should_be_in_endpoints(pod, tolerate):
        return None
    addr = _address(svc, pod)
    if not ports:
        if not U.is_headless(svc):
            return None
        resolved: list[Obj] = []
    else:
        resolved = []
        for sp in ports:
            number = U.find_port(pod, sp)
            if number is not None:
                resolved.append(U.endpoint_port(sp, number))
        if not resolved:
            return None
    resolved.sort(key=lambda p: (p.get("name", ""), p["port"], p["protocol"]))
    key = tuple(tuple(sorted(p.items())) for p in resolved)
    return key, resolved, addr, tolerate or P.is_ready(pod)


def assemble_subsets(entries: Iterable[Entry | None]) -> list[Obj]:
    """Subsets from the pods' entries (in pod order): addresses grouped by the exact set of ports
    they serve, sorted by IP; the ports of a group are its first pod's."""
    groups: dict[tuple[tuple[Any, ...], ...], tuple[list[Obj], list[Obj], list[Obj]]] = {}
    for entry in entries:
        if entry is None:
            continue
        key, resolved, addr, is_ready = entry
        ready, not_ready, _ = groups.setdefault(key, ([], [], resolved))
        (ready if is_ready else not_ready).append(addr)
    out: list[Obj] = []
    for ready, not_ready, resolved in groups.values():
        subset: Obj = {}
        if ready:
            subset["addresses"] = sorted(ready, key=_addr_key)
        if not_ready:
            subset["notReadyAddresses"] = sorted(not_ready, key=_addr_key)
        if resolved:
            subset["ports"] = resolved
        out.append(subset)
    out.sort(key=lambda s: _addr_key((s.get("addresses") or s.get("notReadyAddresses") or [{}])[0]))
    return out


def build_subsets(svc: Obj, pods: list[Obj]) -> list[Obj]:
    """The subsets of a service's Endpoints from its pods (syncService + RepackSubsets)."""
    return assemble_subsets(pod_entry(svc, pod) for pod in pods)


def _addr_key(a: Obj) -> tuple[str, str]:
    return (a.get("ip", ""), (a.get("targetRef") or {}).get("uid", ""))


MAX_CAPACITY = 1000
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"


def truncate(subsets: list[Obj], limit: int = MAX_CAPACITY) -> tuple[list[Obj], bool]:
    """At most `limit` addresses, ready ones kept first (the Endpoints API's cap; EndpointSlices
    have none). True when something was cut."""
    total = sum(len(s.get("addresses") or ()) + len(s.get("notReadyAddresses") or ()) for s in subsets)
    if total <= limit:
        return subsets, False
    room = limit
    out = [dict(s) for s in subsets]
    for field in ("addresses", "notReadyAddresses"):
        for s in out:
            keep = (s.get(field) or [])[: max(room, 0)]
            room -= len(keep)
            if keep:
                s[field] = keep
            else:
                s.pop(field, None)
    return [s for s in out if s.get("addresses") or s.get("notReadyAddresses")], True


MANAGED_BY_LABEL = "endpoints.kubernetes.io/managed-by"
MANAGED_BY = "endpoint-controller"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"


def endpoint_labels(svc: Obj) -> dict[str, str]:
    """The service's labels, the headless marker, and the controller's managed-by label."""
    labels = dict(P.meta(svc).get("labels") or {})
    if U.is_headless(svc):
        labels[U.HEADLESS_LABEL] = ""
    labels[MANAGED_BY_LABEL] = MANAGED_BY
    return labels


def ready_time(pod: Obj) -> str | None:
    """The pod's last readiness change (None without a Ready condition)."""
    c = P.ready_condition(pod)
    return None if c is None else c.get("lastTransitionTime") or ""


def trigger_time(svc: Obj, pods: list[Obj]) -> str:
    """When the newest change behind these endpoints happened: a selected pod's readiness
    change, or the service's creation (TriggerTimeTracker, simplified to the newest)."""
    return newest_trigger(svc, (ready_time(p) for p in pods))


def newest_trigger(svc: Obj, ready_times: Iterable[str | None]) -> str:
    times = [P.meta(svc).get("creationTimestamp") or ""]
    times.extend(t for t in ready_times if t is not None)
    return max(times)


def endpoint_annotations(current: dict[str, str], truncated: bool, changed_at: str | None) -> dict[str, str]:
    """The over-capacity marker when truncated; the trigger time when the subsets changed."""
    out = dict(current)
    if truncated:
        out[OVER_CAPACITY] = "truncated"
    else:
        out.pop(OVER_CAPACITY, None)
    if changed_at:
        out[TRIGGER_TIME] = changed_at
    return out


def _normalize(subsets: list[Obj] | None) -> list[Obj]:
    """Subsets as the server stores them (protocol defaulted), for comparison."""
    out = []
    for s in subsets or []:
        s = dict(s)
        s["ports"] = [{**p, "protocol": p.get("protocol") or "TCP"} for p in s.get("ports") or []]
        out.append({k: v for k, v in s.items() if v})
    return out


@dataclass(frozen=True, slots=True)
class _Cached:
    pod: Obj
    svc: Obj
    entry: Entry | None
    ready_time: str | None


class EndpointsController(Controller):
    name = "endpoints-controller"
    workers = 5

    def __init__(
        self, client: RESTClient, informers: SharedInformers, clock: Clock, *, batch_period: float = 0.0
    ) -> None:
        super().__init__(clock)
        self.client = client
        #: EndpointUpdatesBatchPeriod: pod changes reach the queue this much later (0: at once).
        self.batch_period = batch_period
        #: Per service, its selected pods' entries, kept while pod and service are unchanged.
        self._entries: dict[str, dict[str, _Cached]] = {}
        self.services = informers.get(SERVICES)
        self.pods = informers.get(PODS)
        self.endpoints = informers.get(ENDPOINTS)
        self.watches(self.services, self.pods, self.endpoints)
        self.services.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n), self.enqueue)
        self.pods.add_event_handler(self._pod_changed, self._pod_updated, self._pod_changed)
        self.endpoints.add_event_handler(None, None, self._endpoints_deleted)

    def _services_for(self, pod: Obj) -> list[str]:
        ns = P.meta(pod).get("namespace", "")
        return [key_of(s) for s in self.services.store.by_index(NAMESPACE_INDEX, ns) if U.selects(s, pod)]

    def _pod_changed(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        for key in self._services_for(unwrap(obj)):
            self.queue.add_after(key, self.batch_period)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        if P.meta(old).get("resourceVersion") == P.meta(new).get("resourceVersion"):
            return
        keys = set(self._services_for(new))
        if P.meta(old).get("labels") != P.meta(new).get("labels"):
            keys |= set(self._services_for(old))
        for key in keys:
            self.queue.add_after(key, self.batch_period)

    def _endpoints_deleted(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        key = key_of(obj) if isinstance(obj, dict) else obj.key
        if key in self.services.store:
            self.queue.add(key)

    def _selected(self, key: str, svc: Obj, ns: str) -> list[_Cached]:
        """The service's pods (in key order) with their entries, computed again only for a pod or
        service version not seen before: a sync costs a lookup per unchanged pod."""
        old = self._entries.get(key) or {}
        fresh: dict[str, _Cached] = {}
        for pod_key, pod in U.selected_pods(self.pods.store, svc, ns):
            c = old.get(pod_key)
            if c is None or c.pod is not pod or c.svc is not svc:
                c = _Cached(pod, svc, pod_entry(svc, pod), ready_time(pod))
            fresh[pod_key] = c
        self._entries[key] = fresh
        return list(fresh.values())

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        ns, name = split_key(key)
        svc = self.services.store.get(key)
        if svc is None:
            self._entries.pop(key, None)
            try:
                await self.client.delete(ENDPOINTS, name, ns)
            except ApiError as e:
                if not is_not_found(e):
                    raise
            return None
        if U.service_selector(svc) is None:
            self._entries.pop(key, None)
            return None
        cached = self._selected(key, svc, ns)
        subsets, truncated = truncate(assemble_subsets(c.entry for c in cached))
        labels = endpoint_labels(svc)
        current = self.endpoints.store.get(key)
        changed = current is None or _normalize(current.get("subsets")) != _normalize(subsets)
        old_annotations = (P.meta(current).get("annotations") or {}) if current is not None else {}
        annotations = endpoint_annotations(
            old_annotations,
            truncated,
            newest_trigger(svc, (c.ready_time for c in cached)) if changed else None,
        )
        if current is not None:
            if (
                not changed
                and (P.meta(current).get("labels") or {}) == labels
                and annotations == old_annotations
            ):
                return None
            meta = {**P.meta(current), "labels": labels, "annotations": annotations}
            await self.client.update(ENDPOINTS, {**current, "metadata": meta, "subsets": subsets})
            return None
        body = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": name, "namespace": ns, "labels": labels, "annotations": annotations},
            "subsets": subsets,
        }
        try:
            await self.client.create(ENDPOINTS, body)
        except ApiError as e:
            if e.code != 409:
                raise
            raise RuntimeError(f"endpoints {key} exist but are not in the cache yet") from e
        return None
