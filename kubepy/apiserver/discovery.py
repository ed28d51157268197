"""Legacy discovery documents (/api, /apis, /api/v1, /apis/g/v), built once from the declarations."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson

from kubepy.api.resource import Resource
from kubepy.apiserver import negotiate

#: Kubernetes lists groups in this order (core first); others follow alphabetically.
GROUP_ORDER = [
    "",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
]

_SUB_VERBS = {
    "status": ["get", "patch", "update"],
    "scale": ["get", "patch", "update"],
    "binding": ["create"],
    "eviction": ["create"],
    "token": ["create"],
    "log": ["get"],
    "exec": ["create", "get"],
    "attach": ["create", "get"],
    "portforward": ["create", "get"],
    "proxy": ["create", "delete", "get", "patch", "update"],
    "ephemeralcontainers": ["get", "patch", "update"],
    "resize": ["get", "patch", "update"],
    "finalize": ["update"],
}
_SUB_KIND = {
    "scale": ("autoscaling", "v1", "Scale"),
    "binding": ("", "v1", "Binding"),
    "eviction": ("policy", "v1", "Eviction"),
    "token": ("authentication.k8s.io", "v1", "TokenRequest"),
    "log": ("", "v1", "Pod"),
    "exec": ("", "v1", "PodExecOptions"),
    "attach": ("", "v1", "PodAttachOptions"),
    "portforward": ("", "v1", "PodPortForwardOptions"),
}


def _group_rank(g: str) -> tuple[int, str]:
    return (GROUP_ORDER.index(g), g) if g in GROUP_ORDER else (len(GROUP_ORDER), g)


def api_resources(resources: list[Resource]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in sorted(resources, key=lambda r: r.plural):
        d: dict[str, Any] = {
            "name": r.plural,
            "singularName": r.name_singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": sorted(r.verbs),
        }
        if r.short_names:
            d["shortNames"] = list(r.short_names)
        if r.categories:
            d["categories"] = list(r.categories)
        out.append(d)
        for sub in r.subresources:
            sd: dict[str, Any] = {"name": f"{r.plural}/{sub}", "singularName": "", "namespaced": r.namespaced}
            g, v, k = _SUB_KIND.get(sub, (r.group, r.version, r.kind))
            if (g, v) != (r.group, r.version):
                sd["group"], sd["version"] = g, v
            sd["kind"] = k
            sd["verbs"] = _SUB_VERBS.get(sub, ["get"])
            out.append(sd)
    out.sort(key=lambda d: d["name"])
    return out


class Discovery:
    """All documents encoded once at startup; requests are served from these bytes."""

    def __init__(self, resources: list[Resource], server_address: str) -> None:
        by_gv: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for r in resources:
            by_gv[(r.group, r.version)].append(r)
        self.resource_lists: dict[tuple[str, str], bytes] = {}
        for (g, v), rs in by_gv.items():
            gv = f"{g}/{v}" if g else v
            self.resource_lists[(g, v)] = orjson.dumps(
                {
                    "kind": "APIResourceList",
                    "apiVersion": "v1",
                    "groupVersion": gv,
                    "resources": api_resources(rs),
                }
            )
        self.api = orjson.dumps(
            {
                "kind": "APIVersions",
                "versions": sorted({v for (g, v) in by_gv if not g}),
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
            }
        )
        groups = []
        self.groups: dict[str, bytes] = {}
        for g in sorted({g for (g, _) in by_gv if g}, key=_group_rank):
            versions = sorted(v for (gg, v) in by_gv if gg == g)
            doc = {
                "name": g,
                "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in versions],
                "preferredVersion": {"groupVersion": f"{g}/{versions[0]}", "version": versions[0]},
            }
            groups.append(doc)
            self.groups[g] = orjson.dumps({"kind": "APIGroup", "apiVersion": "v1", **doc})
        self.apis = orjson.dumps({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        self.aggregated = {
            (core, v): aggregated(resources, core, f"apidiscovery.k8s.io/{v}")
            for core in (True, False)
            for v in AGGREGATED_TYPES
        }


# ---- aggregated discovery (apidiscovery.k8s.io v2 / v2beta1) --------------------------------
def _scope(r: Resource) -> str:
    return "Namespaced" if r.namespaced else "Cluster"


def aggregated_resource(r: Resource) -> dict[str, Any]:
    d: dict[str, Any] = {
        "resource": r.plural,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": _scope(r),
        "singularResource": r.name_singular,
        "verbs": sorted(r.verbs),
    }
    if r.short_names:
        d["shortNames"] = list(r.short_names)
    if r.categories:
        d["categories"] = list(r.categories)
    subs = []
    for sub in r.subresources:
        g, v, k = _SUB_KIND.get(sub, (r.group, r.version, r.kind))
        subs.append(
            {
                "subresource": sub,
                "responseKind": {"group": g, "version": v, "kind": k},
                "verbs": _SUB_VERBS.get(sub, ["get"]),
            }
        )
    if subs:
        d["subresources"] = subs
    return d


def aggregated(resources: list[Resource], core: bool, api_version: str) -> bytes:
    """The APIGroupDiscoveryList of /api (core) or /apis (every named group)."""
    by_group: dict[str, dict[str, list[Resource]]] = defaultdict(lambda: defaultdict(list))
    for r in resources:
        if (r.group == "") == core:
            by_group[r.group][r.version].append(r)
    items = []
    for g in sorted(by_group, key=_group_rank):
        versions = [
            {
                "version": v,
                "resources": [aggregated_resource(r) for r in sorted(rs, key=lambda r: r.plural)],
                "freshness": "Current",
            }
            for v, rs in sorted(by_group[g].items(), reverse=True)
        ]
        meta: dict[str, Any] = {"name": g} if g else {}
        meta["creationTimestamp"] = None
        items.append({"metadata": meta, "versions": versions})
    return orjson.dumps(
        {"kind": "APIGroupDiscoveryList", "apiVersion": api_version, "metadata": {}, "items": items}
    )


AGGREGATED_TYPES = {
    "v2": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    "v2beta1": "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
}
_AGGREGATED_VERSIONS = tuple(AGGREGATED_TYPES)


def wants_aggregated(accept: str) -> str | None:
    """The aggregated version the client prefers, if it asks for one before plain JSON."""
    return negotiate.wants(accept, "apidiscovery.k8s.io", ("APIGroupDiscoveryList",), _AGGREGATED_VERSIONS)
