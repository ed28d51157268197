"""The replication manager: one generic controller for ReplicationControllers and ReplicaSets
(k8s.io/kubernetes pkg/controller/replicaset; the RC controller there is the same code behind an
adapter). For each owner it keeps exactly spec.replicas active pods matching its selector:

- pods are claimed by ownerReferences: orphans matching the selector are adopted, owned pods that
  stop matching are released (and replaced);
- creates go in slow-start batches (1, 2, 4, ...), a failing batch stops the rest; surplus pods go
  in deletion-rank order (pods.deletion_rank); expectations keep a sync from acting again before
  the informer has seen its own creates and deletes;
- status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration,
  ReplicaFailure) is written through the status subresource.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubepy.api.labels import Selector, from_label_selector, selector_from_set
from kubepy.client.cache import NAMESPACE_INDEX, DeletedFinalStateUnknown, key_of, split_key
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_conflict, is_not_found
from kubepy.client.events import NORMAL, WARNING, EventRecorder
from kubepy.client.resources import PODS, REPLICATIONCONTROLLERS, ResourceRef, ref
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.claims import claim
from kubepy.controllers.expectations import Expectations
from kubepy.controllers.informers import SharedInformers
from kubepy.controllers.podindex import is_available, shared_pod_index

log = logging.getLogger(__name__)
Obj = dict[str, Any]

#: At most this many creates or deletes per sync (burstReplicas).
BURST_REPLICAS = 500


@dataclass(frozen=True, slots=True)
class Kind:
    """What differs between ReplicationController and ReplicaSet."""

    ref: ResourceRef
    component: str  # the event source and controller name

    @property
    def api_version(self) -> str:
        return self.ref.api_version

    def selector_source(self, owner: Obj) -> Any:
        """What the selector is made from: an RC's label set (its template's labels when it has
        none), a ReplicaSet's LabelSelector."""
        spec = owner.get("spec") or {}
        if self.ref.kind == "ReplicationController":
            return spec.get("selector") or ((spec.get("template") or {}).get("metadata") or {}).get("labels")
        return spec.get("selector")

    def selector(self, owner: Obj) -> Selector:
        return self.selector_of(self.selector_source(owner))

    def selector_of(self, source: Any) -> Selector:
        if self.ref.kind == "ReplicationController":
            return selector_from_set(source) if source else from_label_selector(None)
        return from_label_selector(source)


RC_KIND = Kind(REPLICATIONCONTROLLERS, "replication-controller")
RS_KIND = Kind(ref("apps/v1", "replicasets"), "replicaset-controller")


def namespace_terminating(err: ApiError) -> bool:
    """The create was refused because the namespace is being deleted (NamespaceTerminatingCause)."""
    causes = err.details.get("causes") or ()
    return any(
        c.get("reason") == "NamespaceTerminating" or c.get("type") == "NamespaceTerminating" for c in causes
    )


def desired(owner: Obj) -> int:
    r = (owner.get("spec") or {}).get("replicas")
    return 1 if r is None else int(r)


def pod_from_template(owner: Obj, kind: Kind) -> Obj:
    """The pod a controller creates: template labels, annotations and spec, a generateName of
    "<owner>-" and the controllerRef (GetPodFromTemplate)."""
    template = (owner.get("spec") or {}).get("template") or {}
    tmeta = template.get("metadata") or {}
    m = P.meta(owner)
    metadata: Obj = {
        "generateName": f"{m.get('name', '')}-",
        "namespace": m.get("namespace", ""),
        "ownerReferences": [P.owner_reference(owner, kind.api_version, kind.ref.kind)],
    }
    for k in ("labels", "annotations", "finalizers"):
        if tmeta.get(k):
            metadata[k] = dict(tmeta[k]) if isinstance(tmeta[k], dict) else list(tmeta[k])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template.get("spec") or {}}


@dataclass(frozen=True, slots=True)
class PodCounts:
    """The pod counts of an owner's status."""

    replicas: int
    fully_labeled: int
    ready: int
    available: int


def template_labels(owner: Obj) -> dict[str, str] | None:
    return (((owner.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels")


def min_ready_seconds(owner: Obj) -> int:
    return int((owner.get("spec") or {}).get("minReadySeconds") or 0)


def count_pods(owner: Obj, pods: list[Obj], now: datetime) -> PodCounts:
    """The counts over a list of owned pods (the full scan the pod index spares the sync)."""
    tl, min_ready = template_labels(owner), min_ready_seconds(owner)
    return PodCounts(
        replicas=len(pods),
        fully_labeled=sum(1 for p in pods if P.labels_cover(P.meta(p).get("labels"), tl)),
        ready=sum(1 for p in pods if P.is_ready(p)),
        available=sum(1 for p in pods if P.is_available(p, min_ready, now)),
    )


def calculate_status(owner: Obj, pods: list[Obj], manage_error: str, now: datetime) -> Obj:
    """The owner's new status from the pods it owns (calculateStatus)."""
    return status_from_counts(owner, count_pods(owner, pods, now), manage_error, now)


def status_from_counts(owner: Obj, counts: PodCounts, manage_error: str, now: datetime) -> Obj:
    status: Obj = dict(owner.get("status") or {})
    status.update(
        replicas=counts.replicas,
        fullyLabeledReplicas=counts.fully_labeled,
        readyReplicas=counts.ready,
        availableReplicas=counts.available,
        observedGeneration=P.meta(owner).get("generation") or 0,
    )
    conditions = [c for c in status.get("conditions") or () if c.get("type") != "ReplicaFailure"]
    if manage_error:
        old = next((c for c in status.get("conditions") or () if c.get("type") == "ReplicaFailure"), None)
        reason = "FailedCreate" if counts.replicas < desired(owner) else "FailedDelete"
        conditions.append(
            {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": (old or {}).get("lastTransitionTime")
                or now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "reason": reason,
                "message": manage_error,
            }
        )
    if conditions:
        status["conditions"] = conditions
    else:
        status.pop("conditions", None)
    return status


def status_changed(old: Obj, new: Obj) -> bool:
    keys = ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration")
    return any((old.get(k) or 0) != (new.get(k) or 0) for k in keys) or (old.get("conditions") or []) != (
        new.get("conditions") or []
    )


class ReplicationManager(Controller):
    workers = 5

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        kind: Kind = RS_KIND,
        *,
        recorder: EventRecorder | None = None,
        burst_replicas: int = BURST_REPLICAS,
    ) -> None:
        super().__init__(clock)
        self.name = kind.component
        self.kind = kind
        self.client = client
        self.recorder = recorder or EventRecorder(client, kind.component, clock)
        self.expectations = Expectations(clock)
        self.burst_replicas = burst_replicas
        self.owners = informers.get(kind.ref)
        self.pods = informers.get(PODS)
        self.watches(self.owners, self.pods)
        #: Pod facts filed by controller uid, kept from the same events as the informer's store
        #: (shared with the factory's other replication manager).
        self.index = shared_pod_index(informers)
        self.owners.add_event_handler(self.enqueue, lambda old, new: self.enqueue(new), self._owner_deleted)
        self.pods.add_event_handler(self._pod_added, self._pod_updated, self._pod_deleted)

    # ---- event handlers: only keys into the queue ------------------------------------------
    def _owner_deleted(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        key = key_of(obj) if isinstance(obj, dict) else obj.key
        self.expectations.delete(key)
        m = P.meta(unwrap(obj))
        self.index.forget(m.get("namespace") or "", m.get("uid"))
        self.queue.add(key)

    def _resolve(self, namespace: str, cref: Obj | None) -> Obj | None:
        """The owner a controllerRef names, if it is one of ours and still the same object."""
        if cref is None or cref.get("kind") != self.kind.ref.kind:
            return None
        owner = self.owners.store.get(f"{namespace}/{cref.get('name', '')}")
        if owner is None or P.meta(owner).get("uid") != cref.get("uid"):
            return None
        return owner

    def _matching_owners(self, pod: Obj) -> list[Obj]:
        """Owners whose (non-empty) selector matches an orphan pod (getPodReplicaSets)."""
        ns = P.meta(pod).get("namespace", "")
        labels = P.meta(pod).get("labels") or {}
        out = []
        for o in self.owners.store.by_index(NAMESPACE_INDEX, ns):
            sel = self.kind.selector(o)
            if not sel.empty and sel.matches(labels):
                out.append(o)
        return out

    def _pod_added(self, pod: Obj) -> None:
        if P.meta(pod).get("deletionTimestamp"):
            self._pod_deleted(pod)
            return
        ns = P.meta(pod).get("namespace", "")
        cref = P.controller_ref(pod)
        if cref is not None:
            owner = self._resolve(ns, cref)
            if owner is not None:
                key = key_of(owner)
                self.expectations.creation_observed(key)
                self.queue.add(key)
            return
        for owner in self._matching_owners(pod):
            self.enqueue(owner)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        om, nm = P.meta(old), P.meta(new)
        if om.get("resourceVersion") == nm.get("resourceVersion"):
            return
        labels_changed = om.get("labels") != nm.get("labels")
        if nm.get("deletionTimestamp"):
            self._pod_deleted(new)
            if labels_changed:
                self._pod_deleted(old)
            return
        ns = nm.get("namespace", "")
        old_ref, new_ref = P.controller_ref(old), P.controller_ref(new)
        if old_ref != new_ref and old_ref is not None:
            owner = self._resolve(ns, old_ref)
            if owner is not None:
                self.enqueue(owner)
        if new_ref is not None:
            owner = self._resolve(ns, new_ref)
            if owner is not None:
                self.enqueue(owner)
                min_ready = int((owner.get("spec") or {}).get("minReadySeconds") or 0)
                if min_ready > 0 and not P.is_ready(old) and P.is_ready(new):
                    self.queue.add_after(key_of(owner), min_ready + 1)
            return
        if labels_changed or old_ref != new_ref:
            for owner in self._matching_owners(new):
                self.enqueue(owner)

    def _pod_deleted(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        pod = unwrap(obj)
        owner = self._resolve(P.meta(pod).get("namespace", ""), P.controller_ref(pod))
        if owner is not None:
            key = key_of(owner)
            self.expectations.deletion_observed(key, key_of(pod))
            self.queue.add(key)

    # ---- sync ---------------------------------------------------------------------------------
    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        owner = self.owners.store.get(key)
        if owner is None:
            self.expectations.delete(key)
            return None
        needs_sync = self.expectations.satisfied(key)
        ns, _ = split_key(key)
        m = P.meta(owner)
        deleting = bool(m.get("deletionTimestamp"))
        source = self.kind.selector_source(owner)
        view = self.index.view(
            ns, m.get("uid"), source, lambda: self.kind.selector_of(source), template_labels(owner)
        )
        # The view as of now: pod events may change it while claim or manage await. Counts are
        # copied; the pods themselves only when something reads them after an await (claim's
        # patches, minReadySeconds), as listing 30,000 of them per sync is what the index saves.
        count, fully_labeled, ready = len(view.matched), view.fully_labeled, view.ready
        min_ready = min_ready_seconds(owner)
        candidates = list(view.strays.values())
        if not deleting:
            candidates.extend(f for f in self.index.orphans(ns) if view.selector.matches(f.labels))
        snapshot = list(view.matched.values()) if candidates or min_ready > 0 else None
        candidates.sort(key=lambda f: f.key)
        adopted = await self.claim(owner, view.selector, [f.pod for f in candidates]) if candidates else []

        def owned() -> list[Obj]:
            """Read before manage's first await: no snapshot means nothing awaited yet."""
            return [f.pod for f in (view.matched.values() if snapshot is None else snapshot)] + adopted

        manage_error = ""
        if needs_sync and not deleting:
            manage_error = await self.manage(key, owner, count + len(adopted), owned)
        now = self.clock.wall()
        extra = count_pods(owner, adopted, now)
        available = ready if snapshot is None else sum(1 for f in snapshot if is_available(f, min_ready, now))
        counts = PodCounts(
            replicas=count + extra.replicas,
            fully_labeled=fully_labeled + extra.fully_labeled,
            ready=ready + extra.ready,
            available=available + extra.available,
        )
        status = status_from_counts(owner, counts, manage_error, now)
        fresh = await self.update_status(owner, status)
        if manage_error:
            raise RuntimeError(manage_error)
        st = (fresh or owner).get("status") or status
        if (
            min_ready > 0
            and st.get("readyReplicas") == desired(owner)
            and st.get("availableReplicas") != desired(owner)
        ):
            return float(min_ready)
        return None

    # ---- claiming: adoption and release -----------------------------------------------------
    async def claim(self, owner: Obj, selector: Selector, pods: list[Obj]) -> list[Obj]:
        """The pods this owner controls once orphans are adopted and strays released."""
        owner_ref = P.owner_reference(owner, self.kind.api_version, self.kind.ref.kind)
        return await claim(
            self.client, PODS, owner, owner_ref, selector, pods, lambda: self._can_adopt(owner)
        )

    async def _can_adopt(self, owner: Obj) -> bool:
        """Adopt only if the owner, read fresh from the apiserver, is the same and not deleting."""
        m = P.meta(owner)
        try:
            fresh = await self.client.get(self.kind.ref, m.get("name", ""), m.get("namespace", ""))
        except ApiError as e:
            if is_not_found(e):
                return False
            raise
        return P.meta(fresh).get("uid") == m.get("uid") and not P.meta(fresh).get("deletionTimestamp")

    # ---- creating and deleting ----------------------------------------------------------------
    async def manage(self, key: str, owner: Obj, count: int, pods: Callable[[], list[Obj]]) -> str:
        """Create or delete the difference between `count` owned pods and spec.replicas; an error
        message when some failed ("" otherwise). The pods are listed only to pick victims."""
        diff = count - desired(owner)
        if diff < 0:
            return await self._create(key, owner, min(-diff, self.burst_replicas))
        if diff > 0:
            return await self._delete(key, owner, pods(), min(diff, self.burst_replicas))
        return ""

    async def _create(self, key: str, owner: Obj, n: int) -> str:
        self.expectations.expect_creations(key, n)
        created, error = 0, ""
        batches = P.slow_start_batches(n)
        for i, size in enumerate(batches):
            results = await asyncio.gather(*(self._create_one(owner) for _ in range(size)))
            failures = [r for r in results if r]
            created += size - len(failures)
            for _ in failures:
                self.expectations.lower_creations(key)
            if failures:
                error = failures[0]
                for _ in range(sum(batches[i + 1 :])):
                    self.expectations.lower_creations(key)
                break
        return error

    async def _create_one(self, owner: Obj) -> str:
        try:
            name = await self.client.create_named(
                PODS, pod_from_template(owner, self.kind), P.meta(owner).get("namespace", "")
            )
        except ApiError as e:
            if namespace_terminating(e):
                return ""  # the namespace is going away: nothing to report, nothing to retry
            await self.recorder.event(owner, WARNING, "FailedCreate", f"Error creating: {e.message}")
            return e.message or str(e)
        await self.recorder.event(owner, NORMAL, "SuccessfulCreate", f"Created pod: {name}")
        return ""

    async def _delete(self, key: str, owner: Obj, pods: list[Obj], n: int) -> str:
        related = [
            p
            for p in self.pods.store.by_index(NAMESPACE_INDEX, P.meta(owner).get("namespace", ""))
            if P.is_active(p)
        ]
        victims = P.pods_to_delete(pods, related, n, self.clock.wall())
        self.expectations.expect_deletions(key, [key_of(p) for p in victims])
        results = await asyncio.gather(*(self._delete_one(key, owner, p) for p in victims))
        return next((r for r in results if r), "")

    async def _delete_one(self, key: str, owner: Obj, pod: Obj) -> str:
        m = P.meta(pod)
        try:
            await self.client.delete(PODS, m.get("name", ""), m.get("namespace", ""))
        except ApiError as e:
            self.expectations.deletion_observed(key, key_of(pod))
            if is_not_found(e):
                return ""
            await self.recorder.event(owner, WARNING, "FailedDelete", f"Error deleting: {e.message}")
            return e.message or str(e)
        await self.recorder.event(owner, NORMAL, "SuccessfulDelete", f"Deleted pod: {m.get('name')}")
        return ""

    # ---- status -------------------------------------------------------------------------------
    async def update_status(self, owner: Obj, status: Obj) -> Obj | None:
        """PUT the status if it changed; on a conflict read the owner fresh and try once more."""
        if not status_changed(owner.get("status") or {}, status):
            return None
        m = P.meta(owner)
        current = owner
        for attempt in range(2):
            try:
                return await self.client.update_status(self.kind.ref, {**current, "status": status})
            except ApiError as e:
                if is_not_found(e):
                    return None
                if not is_conflict(e) or attempt:
                    raise
            current = await self.client.get(self.kind.ref, m.get("name", ""), m.get("namespace", ""))
            if P.meta(current).get("uid") != m.get("uid"):
                return None
        return None
