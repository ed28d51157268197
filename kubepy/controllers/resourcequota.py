"""The ResourceQuota controller: status.used of every quota computed from what exists in its
namespace, status.hard copied from spec.hard (pkg/controller/resourcequota; the book's §2.2.3).

A quota is recomputed when it changes, when anything it may count changes in its namespace,
and every resync period. Usage comes from the informer caches of the counted resources through
the evaluators in quota.py; only resources named in spec.hard are reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any

from kubepy.client.cache import NAMESPACE_INDEX, DeletedFinalStateUnknown, split_key
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.resources import CONFIGMAPS, PODS, REPLICATIONCONTROLLERS, SECRETS, SERVICES, ResourceRef
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers import quota as Q
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.informers import SharedInformers

Obj = dict[str, Any]
RESOURCEQUOTAS = ResourceRef("", "v1", "resourcequotas", True, "ResourceQuota")
PVCS = ResourceRef("", "v1", "persistentvolumeclaims", True, "PersistentVolumeClaim")
COUNTED = (PODS, SERVICES, REPLICATIONCONTROLLERS, SECRETS, CONFIGMAPS, PVCS, RESOURCEQUOTAS)


def quota_usage(
    quota: Obj, objects: dict[ResourceRef, list[Obj]], compute_from_limits: bool = False
) -> Q.Usage:
    """Usage of everything in the quota's namespace, pods filtered by the quota's scopes."""
    scopes = (quota.get("spec") or {}).get("scopes") or []
    total: Q.Usage = {}
    for ref, items in objects.items():
        for obj in items:
            if ref == PODS and not Q.pod_matches_scopes(obj, scopes):
                continue
            if scopes and ref != PODS:
                continue  # scopes only select pods
            total = Q.add(total, Q.object_usage(ref.plural, ref.group, obj, compute_from_limits))
    return total


def charge(ref: ResourceRef, obj: Obj, compute_from_limits: bool = False) -> tuple[Any, ...]:
    """All a quota reads of one object: its usage, and for a pod what the scopes test. An update
    leaving it equal cannot change any quota's status (the replenishment filter)."""
    usage = Q.object_usage(ref.plural, ref.group, obj, compute_from_limits)
    if ref != PODS:
        return (usage,)
    return usage, (obj.get("spec") or {}).get("activeDeadlineSeconds") is not None, Q.is_best_effort(obj)


def quota_status(quota: Obj, usage: Q.Usage) -> Obj:
    hard = dict((quota.get("spec") or {}).get("hard") or {})
    return {"hard": hard, "used": Q.used(hard, usage)}


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"
    workers = 5

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        *,
        resync_period: float = 300.0,
        compute_from_limits: bool = False,
    ) -> None:
        super().__init__(clock)
        self.client = client
        self.resync_period = resync_period
        #: the book's (1.0) meaning of "cpu"/"memory" in a quota: the pods' limits, not requests
        self.compute_from_limits = compute_from_limits
        self.informers = {ref: informers.get(ref) for ref in COUNTED}
        self.quotas = self.informers[RESOURCEQUOTAS]
        self.watches(*self.informers.values())
        self.quotas.add_event_handler(self.enqueue, self._quota_updated, None)
        for ref, inf in self.informers.items():
            inf.add_event_handler(self._changed, self._updater(ref), self._changed)

    def _updater(self, ref: ResourceRef) -> Callable[[Obj, Obj], None]:
        def updated(old: Obj, new: Obj) -> None:
            # a resync (the same object) re-drives every quota; an update only when it may
            # change what a quota counts, as pod status updates are most of all events
            if (
                old is new
                or ref == RESOURCEQUOTAS
                or self._quotas_of(new)
                and (charge(ref, old, self.compute_from_limits) != charge(ref, new, self.compute_from_limits))
            ):
                self._changed(new)

        return updated

    def _quotas_of(self, obj: Obj) -> list[Obj]:
        return self.quotas.store.by_index(NAMESPACE_INDEX, P.meta(obj).get("namespace", ""))

    def _quota_updated(self, old: Obj, new: Obj) -> None:
        if (old.get("spec") or {}) != (new.get("spec") or {}) or not (new.get("status") or {}).get("used"):
            self.enqueue(new)

    def _changed(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        for q in self._quotas_of(unwrap(obj)):
            self.enqueue(q)

    async def run(self) -> None:
        await asyncio.gather(super().run(), self._resync())

    async def _resync(self) -> None:
        """Every period, every quota again (the controller's full recalculation)."""
        if self.resync_period <= 0:
            return
        while True:
            await self.clock.sleep(self.resync_period)
            for q in self.quotas.store.list():
                self.enqueue(q)

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        quota = self.quotas.store.get(key)
        if quota is None:
            return None
        ns, _ = split_key(key)
        objects = {ref: inf.store.by_index(NAMESPACE_INDEX, ns) for ref, inf in self.informers.items()}
        status = quota_status(quota, quota_usage(quota, objects, self.compute_from_limits))
        current = quota.get("status") or {}
        if current.get("hard") == status["hard"] and current.get("used") == status["used"]:
            return None
        try:
            await self.client.update_status(RESOURCEQUOTAS, {**quota, "status": status})
        except ApiError as e:
            if is_not_found(e):
                return None
            raise
        return None
