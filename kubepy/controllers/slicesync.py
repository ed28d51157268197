"""Writing a set of EndpointSlices toward a desired set, shared by the EndpointSlice and the
EndpointSlice mirroring controllers: a slice with the same address type and ports is reused
(updated only when it differs), missing ones are created with generateName, the rest deleted.

Our own writes are tracked by resourceVersion, so a sync on a cache that has not yet seen them
fails (and is retried with backoff) instead of creating duplicates (endpointSliceTracker).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from kubepy.client.cache import NAMESPACE_INDEX
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.informer import Informer
from kubepy.client.resources import ref
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P

Obj = dict[str, Any]
ENDPOINTSLICES = ref("discovery.k8s.io/v1", "endpointslices")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"


@dataclass(frozen=True, slots=True)
class Desired:
    address_type: str
    ports: list[Obj]
    endpoints: list[Obj]


def norm(value: Any) -> Any:
    """Drop empty values, so what we build compares equal to what the server echoes."""
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [norm(v) for v in value]
    return value


def ports_key(ports: list[Obj]) -> tuple[tuple[tuple[str, Any], ...], ...]:
    """A hashable form of normalized ports: equal keys for equal port lists."""
    return tuple(tuple(sorted(p.items())) for p in norm(ports))


def rv(obj: Obj | None) -> int:
    try:
        return int(P.meta(obj or {}).get("resourceVersion") or 0)
    except ValueError:
        return 0


def cache_is_stale(written: dict[str, int | None], cached: dict[str, Obj]) -> bool:
    """Has the informer not yet seen our own last writes (endpointSliceTracker.StaleSlices)?
    `written`: slice name → resourceVersion we wrote, None for one we deleted."""
    for name, version in written.items():
        obj = cached.get(name)
        if version is None:
            if obj is not None:
                return True
        elif obj is None or rv(obj) < version:
            return True
    return False


class StaleCache(Exception):
    """The slice cache lags our own writes; the sync is retried with backoff."""


class SliceSync:
    def __init__(self, client: RESTClient, slices: Informer, managed_by: str) -> None:
        self.client = client
        self.slices = slices
        self.managed_by = managed_by
        self._written: dict[str, dict[str, int | None]] = {}
        # norm() of what was compared last time, kept while the very same objects come back:
        # an existing slice (by name) and the endpoints we built (per service, by identity).
        self._slice_norms: dict[str, tuple[Obj, list[Obj]]] = {}
        self._endpoint_norms: dict[str, dict[int, tuple[Obj, Obj]]] = {}

    def _normed_slice(self, s: Obj) -> list[Obj]:
        name = P.meta(s).get("name", "")
        hit = self._slice_norms.get(name)
        if hit is None or hit[0] is not s:
            hit = self._slice_norms[name] = (s, norm(s.get("endpoints") or []))
        return hit[1]

    def _normed_endpoints(self, eps: list[Obj], old: dict[int, tuple[Obj, Obj]], seen: dict) -> list[Obj]:
        out = []
        for ep in eps:
            hit = old.get(id(ep))
            if hit is None or hit[0] is not ep:
                hit = (ep, norm(ep))
            seen[id(ep)] = hit
            out.append(hit[1])
        return out

    def existing(self, ns: str, service: str) -> list[Obj]:
        out = []
        for s in self.slices.store.by_index(NAMESPACE_INDEX, ns):
            labels = P.meta(s).get("labels") or {}
            if labels.get(SERVICE_NAME_LABEL) == service and labels.get(MANAGED_BY_LABEL) == self.managed_by:
                out.append(s)
        return sorted(out, key=lambda s: P.meta(s).get("name", ""))

    def check_fresh(self, key: str, ns: str) -> None:
        cached = {P.meta(s).get("name", ""): s for s in self.slices.store.by_index(NAMESPACE_INDEX, ns)}
        if cache_is_stale(self._written.get(key, {}), cached):
            raise StaleCache(f"the endpointslice cache is behind our writes for {key}")
        self._written.pop(key, None)

    async def reconcile(
        self,
        key: str,
        existing: list[Obj],
        want: list[Desired],
        metadata: Obj,
    ) -> None:
        """Make `existing` into `want`; `metadata` (namespace, generateName, labels, annotations,
        ownerReferences) is what every slice carries."""
        # the first unused slice of the same address type and ports, as a scan in order would find
        by_ports: dict[tuple[Any, ...], list[Obj]] = {}
        for s in existing:
            by_ports.setdefault((s.get("addressType"), ports_key(s.get("ports") or [])), []).append(s)
        unused = {id(s): s for s in existing}
        old_norms, seen = self._endpoint_norms.get(key) or {}, {}
        writes = []
        for d in want:
            candidates = by_ports.get((d.address_type, ports_key(d.ports)))
            match = candidates.pop(0) if candidates else None
            if match is None:
                body = {
                    "apiVersion": "discovery.k8s.io/v1",
                    "kind": "EndpointSlice",
                    "metadata": dict(metadata),
                    "addressType": d.address_type,
                    "endpoints": d.endpoints,
                    "ports": d.ports,
                }
                writes.append(self.client.create(ENDPOINTSLICES, body))
                continue
            del unused[id(match)]
            m = P.meta(match)
            labels, annotations = metadata.get("labels") or {}, metadata.get("annotations") or {}
            if (
                self._normed_slice(match) != self._normed_endpoints(d.endpoints, old_norms, seen)
                or (m.get("labels") or {}) != labels
                or (m.get("annotations") or {}) != annotations
            ):
                meta = {**m, "labels": labels, "annotations": annotations}
                writes.append(
                    self.client.update(
                        ENDPOINTSLICES,
                        {**match, "metadata": meta, "endpoints": d.endpoints, "ports": d.ports},
                    )
                )
        self._endpoint_norms[key] = seen
        track = self._written.setdefault(key, {})
        for obj in await asyncio.gather(*writes):
            track[P.meta(obj).get("name", "")] = rv(obj)
        await self.delete(key, list(unused.values()))

    async def delete(self, key: str, slices: list[Obj]) -> None:
        await asyncio.gather(*(self._delete(s) for s in slices))
        track = self._written.setdefault(key, {})
        for s in slices:
            track[P.meta(s).get("name", "")] = None
            self._slice_norms.pop(P.meta(s).get("name", ""), None)

    def forget(self, key: str) -> None:
        """The service (or mirrored Endpoints) is gone: drop what was kept for comparing."""
        self._endpoint_norms.pop(key, None)

    async def _delete(self, s: Obj) -> None:
        m = P.meta(s)
        try:
            await self.client.delete(ENDPOINTSLICES, m.get("name", ""), m.get("namespace", ""))
        except ApiError as e:
            if not is_not_found(e):
                raise
