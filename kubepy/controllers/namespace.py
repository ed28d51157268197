"""The namespace controller: a namespace being deleted (phase Terminating) is emptied through
the API, resource by resource as discovery lists them, then finalized — its `kubernetes`
finalizer removed through PUT namespaces/{name}/finalize — so the apiserver removes it
(pkg/controller/namespace/deletion).

Each pass writes the conditions `kubectl describe namespace` shows (NamespaceContentRemaining,
NamespaceFinalizersRemaining, ...). Content that is still going away (graceful pod deletion,
finalizers of other controllers) makes the namespace be looked at again after an estimate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_conflict, is_not_found
from kubepy.client.resources import NAMESPACES, ResourceRef
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller
from kubepy.controllers.discovery import Discovery, discover
from kubepy.controllers.informers import SharedInformers

log = logging.getLogger(__name__)
Obj = dict[str, Any]

FINALIZER = "kubernetes"
#: How long to wait for content held by finalizers before looking again (finalizerEstimateSeconds).
FINALIZER_ESTIMATE = 15.0


@dataclass
class Remaining:
    """What one deletion pass left behind."""

    counts: dict[str, int] = field(default_factory=dict)  # "pods." → instances left
    finalizers: dict[str, int] = field(default_factory=dict)  # finalizer → instances holding it
    failures: list[str] = field(default_factory=list)  # resources whose deletion failed
    estimate: float = 0.0  # seconds until graceful deletions should be done

    @property
    def empty(self) -> bool:
        return not self.counts and not self.failures


def group_resource(ref: ResourceRef) -> str:
    """As in Kubernetes' condition messages: "pods." for the core group, "deployments.apps"."""
    return f"{ref.plural}.{ref.group}"


def _condition(type_: str, true: bool, reason: str, message: str) -> Obj:
    return {"type": type_, "status": "True" if true else "False", "reason": reason, "message": message}


def deletion_conditions(discovery: Discovery, left: Remaining) -> list[Obj]:
    """The five namespace deletion conditions, in Kubernetes' order and wording."""
    conds = []
    if discovery.failed:
        gvs = ", ".join(f"{gv}: {err}" for gv, err in discovery.failed)
        conds.append(
            _condition(
                "NamespaceDeletionDiscoveryFailure",
                True,
                "DiscoveryFailed",
                f"Discovery failed for some groups, {len(discovery.failed)} failing: {gvs}",
            )
        )
    else:
        conds.append(
            _condition(
                "NamespaceDeletionDiscoveryFailure",
                False,
                "ResourcesDiscovered",
                "All resources successfully discovered",
            )
        )
    conds.append(
        _condition(
            "NamespaceDeletionGroupVersionParsingFailure",
            False,
            "ParsedGroupVersions",
            "All legacy kube types successfully parsed",
        )
    )
    if left.failures:
        conds.append(
            _condition(
                "NamespaceDeletionContentFailure",
                True,
                "ContentDeletionFailed",
                f"Failed to delete all resource types, {len(left.failures)} remaining: "
                + ", ".join(sorted(left.failures)),
            )
        )
    else:
        conds.append(
            _condition(
                "NamespaceDeletionContentFailure",
                False,
                "ContentDeleted",
                "All content successfully deleted, may be waiting on finalization",
            )
        )
    if left.counts:
        msg = ", ".join(f"{gr} has {n} resource instances" for gr, n in sorted(left.counts.items()))
        conds.append(
            _condition(
                "NamespaceContentRemaining",
                True,
                "SomeResourcesRemain",
                f"Some resources are remaining: {msg}",
            )
        )
    else:
        conds.append(
            _condition(
                "NamespaceContentRemaining", False, "ContentRemoved", "All content successfully removed"
            )
        )
    if left.finalizers:
        msg = ", ".join(f"{f} in {n} resource instances" for f, n in sorted(left.finalizers.items()))
        conds.append(
            _condition(
                "NamespaceFinalizersRemaining",
                True,
                "SomeFinalizersRemain",
                f"Some content in the namespace has finalizers remaining: {msg}",
            )
        )
    else:
        conds.append(
            _condition(
                "NamespaceFinalizersRemaining",
                False,
                "ContentHasNoFinalizers",
                "All content-preserving finalizers finished",
            )
        )
    return conds


def merge_conditions(old: list[Obj], new: list[Obj], now: str) -> list[Obj]:
    """New conditions keep their lastTransitionTime while their status does not change."""
    before = {c.get("type"): c for c in old}
    out = []
    for c in new:
        prev = before.get(c["type"])
        same = prev is not None and prev.get("status") == c["status"]
        out.append({**c, "lastTransitionTime": prev.get("lastTransitionTime") if same else now})
    return out


def pod_estimate(pod: Obj) -> float:
    """Seconds a terminating pod may still take (its grace period)."""
    grace = P.meta(pod).get("deletionGracePeriodSeconds")
    if grace is None:
        grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds") or 30
    return float(grace)


class NamespaceController(Controller):
    name = "namespace-controller"
    workers = 10

    def __init__(self, client: RESTClient, informers: SharedInformers, clock: Clock) -> None:
        super().__init__(clock)
        self.client = client
        self.namespaces = informers.get(NAMESPACES)
        self.watches(self.namespaces)
        self.namespaces.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n))

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        ns = self.namespaces.store.get(key)
        if ns is None or not P.meta(ns).get("deletionTimestamp"):
            return None
        try:
            ns = await self.client.get(NAMESPACES, key)  # the cache may lag the deletion
        except ApiError as e:
            if is_not_found(e):
                return None
            raise
        if FINALIZER not in ((ns.get("spec") or {}).get("finalizers") or ()):
            return None
        discovery = await discover(self.client)
        left = await self.delete_content(key, discovery)
        await self.update_conditions(ns, deletion_conditions(discovery, left))
        if left.failures or discovery.failed:
            raise RuntimeError(f"namespace {key}: could not delete everything ({', '.join(left.failures)})")
        if not left.empty:
            return max(left.estimate, 1.0) if left.estimate else FINALIZER_ESTIMATE
        await self.finalize(key)
        return None

    async def delete_content(self, namespace: str, discovery: Discovery) -> Remaining:
        left = Remaining()
        refs = [r for r in discovery.with_verbs("list", "delete", namespaced=True)]
        results = await asyncio.gather(*(self._delete_resource(namespace, r, discovery) for r in refs))
        for ref, result in zip(refs, results, strict=True):
            if isinstance(result, str):
                left.failures.append(f"{group_resource(ref)}: {result}")
                continue
            if result:
                left.counts[group_resource(ref)] = len(result)
            for obj in result:
                for f in P.meta(obj).get("finalizers") or ():
                    left.finalizers[f] = left.finalizers.get(f, 0) + 1
                if ref.plural == "pods" and not ref.group:
                    left.estimate = max(left.estimate, pod_estimate(obj))
        return left

    async def _delete_resource(
        self, namespace: str, ref: ResourceRef, discovery: Discovery
    ) -> list[Obj] | str:
        """Delete every object of one resource; what is left afterwards, or the failure."""
        verbs = next((d.verbs for d in discovery.resources if d.ref == ref), frozenset())
        try:
            if "deletecollection" in verbs:
                await self.client.delete_collection(ref, namespace)
            else:
                items, _ = await self.client.list_all(ref, namespace)
                for obj in items:
                    if not P.meta(obj).get("deletionTimestamp"):
                        try:
                            await self.client.delete(ref, P.meta(obj).get("name", ""), namespace)
                        except ApiError as e:
                            if not is_not_found(e):
                                raise
            items, _ = await self.client.list_all(ref, namespace)
        except ApiError as e:
            if e.code in (404, 405):  # the resource went away or cannot be deleted: nothing to do
                return []
            return e.message or str(e)
        return items

    async def update_conditions(self, ns: Obj, conditions: list[Obj]) -> None:
        status = dict(ns.get("status") or {})
        now = self.clock.wall().strftime("%Y-%m-%dT%H:%M:%SZ")
        merged = merge_conditions(status.get("conditions") or [], conditions, now)
        if merged == status.get("conditions") and status.get("phase") == "Terminating":
            return
        status.update(phase="Terminating", conditions=merged)
        try:
            await self.client.update_status(NAMESPACES, {**ns, "status": status})
        except ApiError as e:
            if not (is_not_found(e) or is_conflict(e)):
                raise

    async def finalize(self, name: str) -> None:
        """Remove our finalizer; a conflict is retried on a fresh read."""
        for _ in range(3):
            try:
                ns = await self.client.get(NAMESPACES, name)
            except ApiError as e:
                if is_not_found(e):
                    return
                raise
            spec = dict(ns.get("spec") or {})
            spec["finalizers"] = [f for f in spec.get("finalizers") or () if f != FINALIZER]
            try:
                await self.client.request(
                    "PUT", f"/api/v1/namespaces/{name}/finalize", body={**ns, "spec": spec}
                )
                return
            except ApiError as e:
                if is_not_found(e):
                    return
                if not is_conflict(e):
                    raise
        raise RuntimeError(f"namespace {name}: finalize kept conflicting")
