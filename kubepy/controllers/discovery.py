"""Which resources the apiserver serves, read from its discovery documents (/api, /apis and each
group-version), as the namespace controller and the garbage collector need: they act on every
resource, including ones kubepy.api does not declare (discovery.ServerPreferredResources)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from kubepy.client.resources import ResourceRef
from kubepy.client.rest import RESTClient


@dataclass(frozen=True, slots=True)
class Discovered:
    ref: ResourceRef
    verbs: frozenset[str]


@dataclass(frozen=True, slots=True)
class Discovery:
    resources: tuple[Discovered, ...]
    #: group-versions whose document could not be read, with the reason
    failed: tuple[tuple[str, str], ...] = ()

    def with_verbs(self, *verbs: str, namespaced: bool | None = None) -> list[ResourceRef]:
        return [
            d.ref
            for d in self.resources
            if all(v in d.verbs for v in verbs) and (namespaced is None or d.ref.namespaced == namespaced)
        ]


def parse_resource_list(api_version: str, doc: dict[str, Any]) -> list[Discovered]:
    """The top-level resources of an APIResourceList (subresources left out)."""
    group, _, version = api_version.rpartition("/")
    out = []
    for r in doc.get("resources") or ():
        name = r.get("name", "")
        if not name or "/" in name:
            continue
        ref = ResourceRef(group, version, name, bool(r.get("namespaced")), r.get("kind", ""))
        out.append(Discovered(ref, frozenset(r.get("verbs") or ())))
    return out


async def preferred_group_versions(client: RESTClient) -> list[str]:
    core = await client.request("GET", "/api")
    versions = list(core.get("versions") or ())
    groups = await client.request("GET", "/apis")
    for g in groups.get("groups") or ():
        pv = (g.get("preferredVersion") or {}).get("groupVersion")
        if not pv and g.get("versions"):
            pv = g["versions"][0].get("groupVersion")
        if pv:
            versions.append(pv)
    return versions


async def discover(client: RESTClient) -> Discovery:
    """Every resource of every preferred group-version; failures are reported, not raised."""
    gvs = await preferred_group_versions(client)

    async def one(gv: str) -> list[Discovered] | str:
        url = f"/apis/{gv}" if "/" in gv else f"/api/{gv}"
        try:
            return parse_resource_list(gv, await client.request("GET", url))
        except Exception as e:  # one broken group must not hide the others
            return str(e)

    results = await asyncio.gather(*(one(gv) for gv in gvs))
    found: list[Discovered] = []
    failed: list[tuple[str, str]] = []
    for gv, r in zip(gvs, results, strict=True):
        if isinstance(r, str):
            failed.append((gv, r))
        else:
            found.extend(r)
    return Discovery(tuple(found), tuple(failed))
