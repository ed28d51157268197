"""ResourceQuota usage evaluators: what each object charges against a quota (k8s.io/kubernetes
pkg/quota/v1/evaluator/core). Pure functions over plain objects, importing only kubepy.api, so
the quota admission plugin can share them with the controller.

Usage is a dict resource name → exact value (Fraction); `used(...)` turns it into the strings of
status.used, formatted like the hard limit they are compared with.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from kubepy.api.quantity import BINARY_SI, DECIMAL_SI, format_quantity, parse_quantity, quantity

Obj = dict[str, Any]
Usage = dict[str, Fraction]

#: resource plural (core group) → the quota names that count its objects
OBJECT_COUNTS = {
    "pods": "pods",
    "services": "services",
    "replicationcontrollers": "replicationcontrollers",
    "resourcequotas": "resourcequotas",
    "secrets": "secrets",
    "configmaps": "configmaps",
    "persistentvolumeclaims": "persistentvolumeclaims",
}
COMPUTE = ("cpu", "memory", "ephemeral-storage")


def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def pod_is_terminal(pod: Obj) -> bool:
    """Terminal pods no longer use quota (QuotaV1Pod)."""
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _sum_resources(containers: Iterable[Obj], kind: str) -> Usage:
    out: Usage = {}
    for c in containers:
        for name, q in ((c.get("resources") or {}).get(kind) or {}).items():
            out[name] = out.get(name, Fraction(0)) + parse_quantity(q)
    return out


def pod_resources(pod: Obj, kind: str) -> Usage:
    """Effective requests or limits of a pod: the sum over its containers, at least the largest
    init container, plus the pod overhead (PodRequests / PodLimits)."""
    spec = pod.get("spec") or {}
    total = _sum_resources(spec.get("containers") or (), kind)
    for ic in spec.get("initContainers") or ():
        for name, q in _sum_resources([ic], kind).items():
            if ic.get("restartPolicy") == "Always":  # sidecars run alongside
                total[name] = total.get(name, Fraction(0)) + q
            elif q > total.get(name, Fraction(0)):
                total[name] = q
    for name, q in (spec.get("overhead") or {}).items():
        total[name] = total.get(name, Fraction(0)) + parse_quantity(q)
    return total


def is_best_effort(pod: Obj) -> bool:
    spec = pod.get("spec") or {}
    for c in [*(spec.get("containers") or ()), *(spec.get("initContainers") or ())]:
        r = c.get("resources") or {}
        if any(k in COMPUTE[:2] for k in (r.get("requests") or {})) or any(
            k in COMPUTE[:2] for k in (r.get("limits") or {})
        ):
            return False
    return True


def pod_matches_scopes(pod: Obj, scopes: Iterable[str]) -> bool:
    spec = pod.get("spec") or {}
    for scope in scopes:
        terminating = spec.get("activeDeadlineSeconds") is not None
        if scope == "Terminating" and not terminating:
            return False
        if scope == "NotTerminating" and terminating:
            return False
        if scope == "BestEffort" and not is_best_effort(pod):
            return False
        if scope == "NotBestEffort" and is_best_effort(pod):
            return False
    return True


def pod_usage(pod: Obj, compute_from_limits: bool = False) -> Usage:
    """What a pod charges. "cpu"/"memory" are its requests today; with `compute_from_limits`
    they are its limits, as Kubernetes 1.0 counted them (the book's §2.2.3)."""
    if pod_is_terminal(pod):
        return {}
    usage: Usage = {"pods": Fraction(1), "count/pods": Fraction(1)}
    requests, limits = pod_resources(pod, "requests"), pod_resources(pod, "limits")
    for name, q in requests.items():
        usage[f"requests.{name}"] = q
    for name, q in limits.items():
        usage[f"limits.{name}"] = q
    for name, q in (limits if compute_from_limits else requests).items():
        if name in COMPUTE:
            usage[name] = q
    return usage


def service_usage(svc: Obj) -> Usage:
    spec = svc.get("spec") or {}
    usage: Usage = {"services": Fraction(1), "count/services": Fraction(1)}
    kind = spec.get("type") or "ClusterIP"
    ports = len(spec.get("ports") or ())
    if kind == "LoadBalancer":
        usage["services.loadbalancers"] = Fraction(1)
    if kind in ("NodePort", "LoadBalancer"):
        usage["services.nodeports"] = Fraction(ports)
    return usage


def pvc_usage(pvc: Obj) -> Usage:
    usage: Usage = {"persistentvolumeclaims": Fraction(1), "count/persistentvolumeclaims": Fraction(1)}
    storage = (((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
    if storage is not None:
        usage["requests.storage"] = parse_quantity(storage)
        sc = (pvc.get("spec") or {}).get("storageClassName")
        if sc:
            usage[f"{sc}.storageclass.storage.k8s.io/requests.storage"] = parse_quantity(storage)
            usage[f"{sc}.storageclass.storage.k8s.io/persistentvolumeclaims"] = Fraction(1)
    return usage


def object_usage(plural: str, group: str, obj: Obj, compute_from_limits: bool = False) -> Usage:
    """What one object of `group`/`plural` charges."""
    if not group and plural == "pods":
        return pod_usage(obj, compute_from_limits)
    if not group and plural == "services":
        return service_usage(obj)
    if not group and plural == "persistentvolumeclaims":
        return pvc_usage(obj)
    count = f"count/{plural}" + (f".{group}" if group else "")
    usage: Usage = {count: Fraction(1)}
    if not group and plural in OBJECT_COUNTS:
        usage[OBJECT_COUNTS[plural]] = Fraction(1)
    return usage


def add(a: Usage, b: Usage) -> Usage:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, Fraction(0)) + v
    return out


def used(hard: dict[str, Any], usage: Usage) -> dict[str, str]:
    """status.used: every resource named in `hard`, formatted like the limit (binary suffixes
    for memory-like limits written with them)."""
    out = {}
    for name, limit in hard.items():
        try:
            fmt = quantity(limit).format
        except (ValueError, TypeError):
            fmt = DECIMAL_SI
        fmt = BINARY_SI if fmt == BINARY_SI else DECIMAL_SI
        out[name] = format_quantity(usage.get(name, Fraction(0)), fmt)
    return out
