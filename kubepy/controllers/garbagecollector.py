"""The garbage collector: objects whose owners are gone are deleted; owners deleted with
propagationPolicy Foreground wait for their dependents, with Orphan they let them go
(pkg/controller/garbagecollector).

The ownership graph is read from shared informers over every deletable resource discovery lists
(events excepted): each store is indexed by owner uid, and a uid → object map tells which owners
exist. Two kinds of work go through the queue, keyed by uid:
- ("delete", uid): attemptToDeleteItem — classify the object's owners as solid (exist),
  dangling (gone) or waiting (deleting in the foreground); with no solid owner it is deleted
  (its own orphan/foreground finalizer choosing the propagation); an owner in foreground
  deletion has its foregroundDeletion finalizer removed once no blocking dependent is left;
- ("orphan", uid): an owner with the orphan finalizer has its uid stripped from its dependents'
  ownerReferences, then the finalizer removed.
An owner missing from the caches is confirmed gone with a live GET before anything is deleted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from kubepy.client.cache import OWNER_UID_INDEX, DeletedFinalStateUnknown, key_of
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_conflict, is_not_found
from kubepy.client.informer import Informer
from kubepy.client.resources import ResourceRef
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.discovery import Discovery, discover
from kubepy.controllers.informers import SharedInformers

log = logging.getLogger(__name__)
Obj = dict[str, Any]

ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"
#: Resources never collected (garbagecollector.DefaultIgnoredResources).
IGNORED = {("", "events"), ("events.k8s.io", "events")}
#: How often discovery is read again for resources to watch.
REDISCOVERY_PERIOD = 30.0


def deletable(discovery: Discovery) -> list[ResourceRef]:
    return [r for r in discovery.with_verbs("list", "watch", "delete") if (r.group, r.plural) not in IGNORED]


@dataclass(frozen=True, slots=True)
class Classified:
    solid: list[Obj]
    dangling: list[Obj]
    waiting: list[Obj]


def classify(refs: Iterable[Obj], state: dict[str, str]) -> Classified:
    """Sort owner references by what is known of each owner uid: "absent", "foreground"
    (being deleted in the foreground) or "present" (classifyReferences)."""
    solid, dangling, waiting = [], [], []
    for r in refs:
        s = state.get(r.get("uid", ""), "absent")
        (dangling if s == "absent" else waiting if s == "foreground" else solid).append(r)
    return Classified(solid, dangling, waiting)


def propagation_for(obj: Obj) -> str:
    """How an ownerless object is deleted: as its own finalizers ask, else in the background."""
    finalizers = P.meta(obj).get("finalizers") or ()
    if ORPHAN in finalizers:
        return "Orphan"
    if FOREGROUND in finalizers:
        return "Foreground"
    return "Background"


def deleting_with(obj: Obj, finalizer: str) -> bool:
    m = P.meta(obj)
    return bool(m.get("deletionTimestamp")) and finalizer in (m.get("finalizers") or ())


class GarbageCollector(Controller):
    name = "garbage-collector-controller"
    workers = 20

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        refs: list[ResourceRef],
        *,
        rediscovery_period: float = REDISCOVERY_PERIOD,
    ) -> None:
        super().__init__(clock)
        self.client = client
        self.informers = informers
        self.rediscovery_period = rediscovery_period
        self._by_kind: dict[tuple[str, str], ResourceRef] = {}
        #: uid → (resource, cache key) of every object the informers hold
        self.uids: dict[str, tuple[ResourceRef, str]] = {}
        self._informers_by_ref: dict[ResourceRef, Informer] = {}
        for ref in refs:
            self.watches(self._monitor(ref))

    def _monitor(self, ref: ResourceRef) -> Informer:
        """Watch one more resource: its objects join the graph."""
        self._by_kind.setdefault((ref.api_version, ref.kind), ref)
        self._by_kind.setdefault((ref.group, ref.kind), ref)
        inf = self.informers.get(ref)
        self._informers_by_ref[ref] = inf
        inf.add_event_handler(
            lambda o: self._added(ref, o),
            lambda old, new: self._updated(ref, old, new),
            lambda o: self._deleted(ref, o),
        )
        return inf

    async def run(self) -> None:
        await asyncio.gather(super().run(), self._rediscover())

    async def _rediscover(self) -> None:
        """Resources served later (a new API group) are watched too, as the collector's monitors
        are resynced every 30 s in Kubernetes."""
        if self.rediscovery_period <= 0:
            return
        while True:
            await self.clock.sleep(self.rediscovery_period)
            try:
                refs = deletable(await discover(self.client))
            except Exception as e:  # the apiserver may be briefly away; try again next period
                log.info("garbage collector: rediscovery failed: %s", e)
                continue
            for ref in refs:
                if ref not in self._informers_by_ref:
                    log.info("garbage collector: now watching %s/%s", ref.api_version, ref.plural)
                    self._monitor(ref)

    @classmethod
    async def discover(cls, client: RESTClient, informers: SharedInformers, clock: Clock) -> GarbageCollector:
        return cls(client, informers, clock, deletable(await discover(client)))

    # ---- graph upkeep from informer events ---------------------------------------------------
    def _added(self, ref: ResourceRef, obj: Obj) -> None:
        uid = P.meta(obj).get("uid", "")
        self.uids[uid] = (ref, key_of(obj))
        self._changed(obj)

    def _updated(self, ref: ResourceRef, old: Obj, new: Obj) -> None:
        om, nm = P.meta(old), P.meta(new)
        self.uids[nm.get("uid", "")] = (ref, key_of(new))
        if om.get("resourceVersion") == nm.get("resourceVersion"):
            return
        self._changed(new)
        before, after = om.get("ownerReferences") or (), nm.get("ownerReferences") or ()
        if before == after:  # most updates (status): no owner removed
            return
        removed = {r.get("uid") for r in before} - {r.get("uid") for r in after}
        for uid in removed:  # an owner waiting for this dependent may be done now
            self.queue.add(("delete", uid))

    def _changed(self, obj: Obj) -> None:
        m = P.meta(obj)
        uid = m.get("uid", "")
        if any(self._owner_in_doubt(r) for r in m.get("ownerReferences") or ()):
            self.queue.add(("delete", uid))
        if not m.get("deletionTimestamp"):  # deleting_with answers False for both
            return
        if deleting_with(obj, ORPHAN):
            self.queue.add(("orphan", uid))
        if deleting_with(obj, FOREGROUND):
            self.queue.add(("delete", uid))
            for dep in self.dependents(uid):
                self.queue.add(("delete", P.meta(dep).get("uid", "")))

    def _owner_in_doubt(self, owner_ref: Obj) -> bool:
        """Worth a look: the owner is not (yet) in the caches, or is deleting in the
        foreground. Objects whose owners are plainly there cost nothing (processGraphChanges)."""
        hit = self.cached(owner_ref.get("uid", ""))
        return hit is None or deleting_with(hit[1], FOREGROUND)

    def _deleted(self, ref: ResourceRef, obj: Obj | DeletedFinalStateUnknown) -> None:
        o = unwrap(obj)
        uid = P.meta(o).get("uid", "")
        self.uids.pop(uid, None)
        for dep in self.dependents(uid):
            self.queue.add(("delete", P.meta(dep).get("uid", "")))
        for r in P.meta(o).get("ownerReferences") or ():
            self.queue.add(("delete", r.get("uid", "")))

    # ---- lookups -------------------------------------------------------------------------------
    def dependents(self, uid: str) -> list[Obj]:
        out: list[Obj] = []
        for inf in self._informers_by_ref.values():
            out.extend(inf.store.by_index(OWNER_UID_INDEX, uid))
        return out

    def cached(self, uid: str) -> tuple[ResourceRef, Obj] | None:
        found = self.uids.get(uid)
        if found is None:
            return None
        ref, key = found
        obj = self._informers_by_ref[ref].store.get(key)
        return None if obj is None else (ref, obj)

    def ref_for(self, owner_ref: Obj) -> ResourceRef | None:
        api_version, kind = owner_ref.get("apiVersion", ""), owner_ref.get("kind", "")
        group = api_version.rpartition("/")[0]
        return self._by_kind.get((api_version, kind)) or self._by_kind.get((group, kind))

    async def owner_state(self, owner_ref: Obj, namespace: str) -> str:
        """ "present", "foreground" or "absent"; absence is confirmed by a live GET."""
        uid = owner_ref.get("uid", "")
        hit = self.cached(uid)
        if hit is not None:
            return "foreground" if deleting_with(hit[1], FOREGROUND) else "present"
        ref = self.ref_for(owner_ref)
        if ref is None:
            return "present"  # an unknown kind: never delete on a guess
        try:
            live = await self.client.get(ref, owner_ref.get("name", ""), namespace if ref.namespaced else "")
        except ApiError as e:
            if is_not_found(e):
                return "absent"
            raise
        if P.meta(live).get("uid") != uid:
            return "absent"
        return "foreground" if deleting_with(live, FOREGROUND) else "present"

    # ---- sync ----------------------------------------------------------------------------------
    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, tuple)
        what, uid = key
        hit = self.cached(uid)
        if hit is None:
            return None
        ref, obj = hit
        if what == "orphan":
            await self.orphan_dependents(ref, obj)
        else:
            await self.attempt_to_delete(ref, obj)
        return None

    async def attempt_to_delete(self, ref: ResourceRef, obj: Obj) -> None:
        m = P.meta(obj)
        if m.get("deletionTimestamp") and not deleting_with(obj, FOREGROUND):
            return
        if deleting_with(obj, FOREGROUND):
            await self._process_deleting_dependents(ref, obj)
            return
        refs = m.get("ownerReferences") or []
        if not refs:
            return
        ns = m.get("namespace", "")
        states = {r.get("uid", ""): await self.owner_state(r, ns) for r in refs}
        c = classify(refs, states)
        if c.solid:
            stale = [r.get("uid", "") for r in c.dangling + c.waiting]
            if stale:
                await self._patch_remove_owners(ref, obj, stale)
            return
        if c.waiting and self.dependents(m.get("uid", "")):
            await self._delete(ref, obj, "Foreground")
            return
        await self._delete(ref, obj, propagation_for(obj))

    async def _process_deleting_dependents(self, ref: ResourceRef, owner: Obj) -> None:
        uid = P.meta(owner).get("uid", "")
        blocking = [
            d
            for d in self.dependents(uid)
            if any(
                r.get("uid") == uid and r.get("blockOwnerDeletion")
                for r in P.meta(d).get("ownerReferences") or ()
            )
        ]
        if not blocking:
            await self._remove_finalizer(ref, owner, FOREGROUND)
            return
        for d in blocking:
            if not P.meta(d).get("deletionTimestamp") or deleting_with(d, FOREGROUND):
                self.queue.add(("delete", P.meta(d).get("uid", "")))

    async def orphan_dependents(self, ref: ResourceRef, owner: Obj) -> None:
        if not deleting_with(owner, ORPHAN):
            return
        uid = P.meta(owner).get("uid", "")
        deps = self.dependents(uid)
        results = await asyncio.gather(
            *(
                self._patch_remove_owners(self.uids[P.meta(d)["uid"]][0], d, [uid])
                for d in deps
                if P.meta(d).get("uid") in self.uids
            ),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise errors[0]
        await self._remove_finalizer(ref, owner, ORPHAN)

    # ---- writes --------------------------------------------------------------------------------
    async def _delete(self, ref: ResourceRef, obj: Obj, policy: str) -> None:
        m = P.meta(obj)
        log.info("garbage collecting %s %s/%s (%s)", ref.kind, m.get("namespace", ""), m.get("name"), policy)
        try:
            await self.client.delete(
                ref,
                m.get("name", ""),
                m.get("namespace", ""),
                propagation_policy=policy,
                preconditions={"uid": m.get("uid", "")},
            )
        except ApiError as e:
            if not (is_not_found(e) or is_conflict(e)):
                raise

    async def _patch_remove_owners(self, ref: ResourceRef, obj: Obj, owner_uids: list[str]) -> None:
        m = P.meta(obj)
        patch = {
            "metadata": {
                "ownerReferences": [{"$patch": "delete", "uid": u} for u in owner_uids],
                "uid": m.get("uid", ""),
            }
        }
        try:
            await self.client.patch(ref, m.get("name", ""), patch, m.get("namespace", ""))
        except ApiError as e:
            if e.code == 415 or e.reason == "UnsupportedMediaType":  # custom resources: no strategic merge
                await self._json_remove_owners(ref, obj, owner_uids)
            elif not is_not_found(e):
                raise

    async def _json_remove_owners(self, ref: ResourceRef, obj: Obj, owner_uids: list[str]) -> None:
        m = P.meta(obj)
        keep = [r for r in m.get("ownerReferences") or () if r.get("uid") not in owner_uids]
        patch = {
            "metadata": {"ownerReferences": keep or None, "resourceVersion": m.get("resourceVersion", "")}
        }
        await self.client.patch(ref, m.get("name", ""), patch, m.get("namespace", ""), patch_type="merge")

    async def _remove_finalizer(self, ref: ResourceRef, obj: Obj, finalizer: str) -> None:
        """Merge-patch the finalizer list without it, guarded by the resourceVersion read."""
        m = P.meta(obj)
        ns, name = m.get("namespace", ""), m.get("name", "")
        try:
            fresh = await self.client.get(ref, name, ns)
        except ApiError as e:
            if is_not_found(e):
                return
            raise
        fm = P.meta(fresh)
        if fm.get("uid") != m.get("uid") or finalizer not in (fm.get("finalizers") or ()):
            return
        keep = [f for f in fm.get("finalizers") or () if f != finalizer]
        patch = {"metadata": {"finalizers": keep or None, "resourceVersion": fm.get("resourceVersion", "")}}
        try:
            await self.client.patch(ref, name, patch, ns, patch_type="merge")
        except ApiError as e:
            if not is_not_found(e):
                raise
