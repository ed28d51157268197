"""Which URL a resource lives at: a small ref (group, version, plural, scope) and the path builder.

Refs come from the kubepy.api declarations (the client sits above kubepy.api) or from discovery
documents for anything the catalog does not declare (`from_discovery`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class ResourceRef:
    group: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool
    kind: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


#: What quote(s, safe="") leaves as it is (RFC 3986 unreserved): most names and namespaces.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _segment(s: str) -> str:
    """One path segment, percent-encoded as quote(s, safe="") does."""
    return s if _UNRESERVED(s) else quote(s, safe="")


def path(ref: ResourceRef, namespace: str = "", name: str = "", subresource: str = "") -> str:
    """/api/v1/namespaces/ns/pods/name/status; no namespace on a namespaced ref means all of them."""
    root = f"/apis/{ref.group}/{ref.version}" if ref.group else f"/api/{ref.version}"
    if ref.namespaced and namespace:
        out = f"{root}/namespaces/{_segment(namespace)}/{ref.plural}"
    else:
        out = f"{root}/{ref.plural}"
    if name:
        out = f"{out}/{_segment(name)}/{subresource}" if subresource else f"{out}/{_segment(name)}"
    elif subresource:
        raise ValueError("a subresource needs an object name")
    return out


@cache
def _catalog() -> dict[tuple[str, str], ResourceRef]:
    from kubepy.api.catalog import all_resources

    found: dict[tuple[str, str], ResourceRef] = {}
    for r in all_resources():
        ref = ResourceRef(r.group, r.version, r.plural, r.namespaced, r.kind)
        found[(ref.api_version, r.plural)] = ref
        found.setdefault((ref.api_version, r.kind), ref)
    return found


def ref(api_version: str, plural_or_kind: str) -> ResourceRef:
    """The declared resource "v1"/"pods" (or "v1"/"Pod"); KeyError when kubepy does not serve it."""
    try:
        return _catalog()[(api_version, plural_or_kind)]
    except KeyError:
        raise KeyError(f"no resource {plural_or_kind!r} in {api_version!r}") from None


def ref_of(obj: dict[str, Any]) -> ResourceRef:
    """The resource an object belongs to, from its apiVersion and kind."""
    return ref(obj.get("apiVersion", ""), obj.get("kind", ""))


def from_discovery(api_version: str, resource_list: dict[str, Any]) -> dict[str, ResourceRef]:
    """Refs by plural (and by kind) from an APIResourceList; subresources ("pods/status") skipped."""
    group, _, version = api_version.rpartition("/")
    out: dict[str, ResourceRef] = {}
    for r in resource_list.get("resources") or ():
        name = r.get("name", "")
        if "/" in name:
            continue
        rr = ResourceRef(group, version, name, bool(r.get("namespaced")), r.get("kind", ""))
        out[name] = rr
        out.setdefault(rr.kind, rr)
    return out


# The refs components use all the time, named once.
PODS = ResourceRef("", "v1", "pods", True, "Pod")
NODES = ResourceRef("", "v1", "nodes", False, "Node")
SERVICES = ResourceRef("", "v1", "services", True, "Service")
ENDPOINTS = ResourceRef("", "v1", "endpoints", True, "Endpoints")
NAMESPACES = ResourceRef("", "v1", "namespaces", False, "Namespace")
CONFIGMAPS = ResourceRef("", "v1", "configmaps", True, "ConfigMap")
SECRETS = ResourceRef("", "v1", "secrets", True, "Secret")
EVENTS = ResourceRef("", "v1", "events", True, "Event")
REPLICATIONCONTROLLERS = ResourceRef("", "v1", "replicationcontrollers", True, "ReplicationController")
LEASES = ResourceRef("coordination.k8s.io", "v1", "leases", True, "Lease")
