"""Pure helpers shared by the Endpoints and EndpointSlice controllers: which pods back a service,
the port a service port reaches on each pod, and which services a pod change concerns
(pkg/api/v1/pod FindPort, endpointslice util ShouldPodBeInEndpoints)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubepy.api.labels import Selector, from_label_selector, selector_from_set
from kubepy.client.cache import NAMESPACE_INDEX
from kubepy.controllers import pods as P

Obj = dict[str, Any]

HEADLESS_LABEL = "service.kubernetes.io/headless"


def service_selector(svc: Obj) -> dict[str, str] | None:
    """The selector of a service that wants its endpoints managed; None when it has none."""
    sel = (svc.get("spec") or {}).get("selector")
    return dict(sel) if sel else None


def is_headless(svc: Obj) -> bool:
    return (svc.get("spec") or {}).get("clusterIP") == "None"


def selects(svc: Obj, pod: Obj) -> bool:
    return (
        service_selector(svc) is not None
        and P.meta(svc).get("namespace") == P.meta(pod).get("namespace")
        and compiled_selector(svc).matches(P.meta(pod).get("labels") or {})
    )


_compiled: dict[tuple[tuple[str, str], ...], Selector] = {}


def compiled_selector(svc: Obj) -> Selector:
    """The service's selector, compiled once per distinct label set (services share few); one
    that selects nothing when it has none."""
    items = tuple(sorted(((svc.get("spec") or {}).get("selector") or {}).items()))
    sel = _compiled.get(items)
    if sel is None:
        if len(_compiled) >= 4096:  # a bound, not an LRU: selectors are few and long-lived
            _compiled.clear()
        sel = _compiled[items] = selector_from_set(dict(items)) if items else from_label_selector(None)
    return sel


def selected_pods(store: Any, svc: Obj, ns: str) -> Iterator[tuple[str, Obj]]:
    """(key, pod) of the service's pods in `ns`, in key order, from an informer store with the
    namespace index: what both endpoint controllers build their per-pod entries from."""
    selector = compiled_selector(svc)
    for pod_key in store.index_keys(NAMESPACE_INDEX, ns):
        pod = store.get(pod_key)
        if pod is not None and selector.matches(P.meta(pod).get("labels") or {}):
            yield pod_key, pod


def is_terminal(pod: Obj) -> bool:
    """A pod that will not run again: Succeeded, or Failed (ShouldPodBeInEndpoints)."""
    phase = (pod.get("status") or {}).get("phase")
    policy = (pod.get("spec") or {}).get("restartPolicy") or "Always"
    if policy == "Never":
        return phase in ("Failed", "Succeeded")
    if policy == "OnFailure":
        return phase == "Succeeded"
    return phase in ("Failed", "Succeeded")


def should_be_in_endpoints(pod: Obj, include_terminating: bool) -> bool:
    if not (pod.get("status") or {}).get("podIP"):
        return False
    if not include_terminating and P.meta(pod).get("deletionTimestamp"):
        return False
    return not is_terminal(pod)


def find_port(pod: Obj, service_port: Obj) -> int | None:
    """The container port a service port's targetPort names (by number, or by the name of a
    container port with the same protocol); None when the pod has no such named port."""
    target = service_port.get("targetPort")
    if target is None or target == "" or target == 0:
        target = service_port.get("port")
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol") or "TCP"
    for c in (pod.get("spec") or {}).get("containers") or ():
        for p in c.get("ports") or ():
            if p.get("name") == target and (p.get("protocol") or "TCP") == protocol:
                return int(p.get("containerPort"))
    return None


def hostname_of(svc: Obj, pod: Obj) -> str:
    """A headless service gives pods with spec.hostname and spec.subdomain == service name a
    DNS hostname in its endpoints."""
    spec = pod.get("spec") or {}
    if is_headless(svc) and spec.get("hostname") and spec.get("subdomain") == P.meta(svc).get("name"):
        return spec["hostname"]
    return ""


def target_ref(pod: Obj) -> Obj:
    m = P.meta(pod)
    return {
        "kind": "Pod",
        "namespace": m.get("namespace", ""),
        "name": m.get("name", ""),
        "uid": m.get("uid", ""),
    }


def endpoint_port(service_port: Obj, number: int) -> Obj:
    out: Obj = {"port": number, "protocol": service_port.get("protocol") or "TCP"}
    if service_port.get("name"):
        out["name"] = service_port["name"]
    if service_port.get("appProtocol"):
        out["appProtocol"] = service_port["appProtocol"]
    return out
