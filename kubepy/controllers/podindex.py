"""An incremental index of active pods for the replication manager, kept from pod events.

Kubernetes' ReplicaSet sync lists every pod of the namespace and recomputes readiness, labels and
controllerRefs for each: O(pods) per sync, and a sync runs per pod event, so O(pods²) to start an
RC. Here the facts a sync needs are derived once per pod version (`PodFacts`), pods are filed by
controller uid (orphans by namespace), and each owner keeps a `OwnerView` of its controlled pods
split by its selector into matched and strays, with the status counts maintained as pods come and
go (filed under namespace and uid: a controllerRef naming an owner of another namespace does
not count, as the namespace scan never saw it). A sync then costs O(strays + orphans of the namespace), not O(pods); the answers are the
same as the full scan's (`tests/controllers/test_podindex.py` checks them against it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubepy.api.labels import Selector
from kubepy.client.cache import key_of
from kubepy.client.resources import PODS
from kubepy.controllers import pods as P
from kubepy.controllers.informers import SharedInformers

Obj = dict[str, Any]


@dataclass(slots=True)
class PodFacts:
    """What the replication manager reads of one active pod version. Never changed once made
    (not frozen only because a frozen dataclass costs four times as much to make: one per pod
    event)."""

    key: str
    pod: Obj
    namespace: str
    controlled: bool  # has a controllerRef
    controller_uid: Any  # its uid (None when the ref has none, or no ref)
    labels: dict[str, str]
    ready: bool
    ready_since: datetime | None  # the Ready condition's lastTransitionTime, when ready


def facts_of(pod: Obj) -> PodFacts | None:
    """The facts of an active pod; None for an inactive one (terminated or being deleted)."""
    if not P.is_active(pod):
        return None
    m = P.meta(pod)
    cref = P.controller_ref(pod)
    cond = P.ready_condition(pod)
    ready = cond is not None and cond.get("status") == "True"
    return PodFacts(
        key=key_of(pod),
        pod=pod,
        namespace=m.get("namespace") or "",
        controlled=cref is not None,
        controller_uid=None if cref is None else cref.get("uid"),
        labels=m.get("labels") or {},
        ready=ready,
        ready_since=P.parse_time(cond.get("lastTransitionTime")) if ready and cond is not None else None,
    )


def is_available(f: PodFacts, min_ready_seconds: int, now: datetime) -> bool:
    """P.is_available over cached facts."""
    return f.ready and P.ready_long_enough(f.ready_since, min_ready_seconds, now)


def _same_place(old: PodFacts, new: PodFacts) -> bool:
    """Whether two versions of a pod are filed alike: same namespace, controller and labels."""
    return (
        old.controller_uid == new.controller_uid
        and old.controlled == new.controlled
        and old.namespace == new.namespace
        and old.labels == new.labels
    )


def _move_last(d: dict[str, PodFacts], key: str, f: PodFacts) -> None:
    """d[key] = f, placed last as a delete and an insert would (order decides ties later)."""
    del d[key]
    d[key] = f


class OwnerView:
    """One owner's controlled active pods split by its selector, with running counts."""

    def __init__(
        self, selector_source: Any, selector: Selector, template_labels: dict[str, str] | None
    ) -> None:
        self.selector_source = selector_source
        self.selector = selector
        self.template_labels = template_labels
        self.matched: dict[str, PodFacts] = {}
        self.strays: dict[str, PodFacts] = {}
        self.fully_labeled = 0
        self.ready = 0

    def add(self, f: PodFacts) -> None:
        if self.selector.matches(f.labels):
            self.matched[f.key] = f
            self.fully_labeled += P.labels_cover(f.labels, self.template_labels)
            self.ready += f.ready
        else:
            self.strays[f.key] = f

    def refile(self, old: PodFacts, f: PodFacts) -> None:
        """remove(old) then add(f), for facts with the same labels."""
        if old.key in self.matched:
            _move_last(self.matched, f.key, f)
            self.ready += f.ready - old.ready
        else:
            _move_last(self.strays, f.key, f)

    def remove(self, f: PodFacts) -> None:
        if self.matched.pop(f.key, None) is not None:
            self.fully_labeled -= P.labels_cover(f.labels, self.template_labels)
            self.ready -= f.ready
        else:
            self.strays.pop(f.key, None)

    def relabel(self, template_labels: dict[str, str] | None) -> None:
        """The template's labels changed: recount fullyLabeledReplicas."""
        self.template_labels = template_labels
        self.fully_labeled = sum(P.labels_cover(f.labels, template_labels) for f in self.matched.values())


class PodIndex:
    """Active pods by controller uid and orphans by namespace, with owner views on top."""

    def __init__(self) -> None:
        self._facts: dict[str, PodFacts] = {}
        self._controlled: dict[tuple[str, Any], dict[str, PodFacts]] = {}
        self._orphans: dict[str, dict[str, PodFacts]] = {}
        self._views: dict[tuple[str, Any], OwnerView] = {}

    def __len__(self) -> int:
        return len(self._facts)

    # ---- pod events ----------------------------------------------------------------------------
    def upsert(self, pod: Obj) -> None:
        key = key_of(pod)
        old = self._facts.get(key)
        if old is not None and old.pod is pod:
            return  # a resync: nothing changed
        f = facts_of(pod)
        if old is not None:
            if f is not None and _same_place(old, f):
                self._refile(old, f)  # most updates (status): same owner, same labels
                return
            self._unfile(old)
        if f is not None:
            self._file(f)

    def delete(self, key: str) -> None:
        old = self._facts.get(key)
        if old is not None:
            self._unfile(old)

    def _file(self, f: PodFacts) -> None:
        self._facts[f.key] = f
        if f.controlled:
            owner = (f.namespace, f.controller_uid)
            self._controlled.setdefault(owner, {})[f.key] = f
            view = self._views.get(owner)
            if view is not None:
                view.add(f)
        else:
            self._orphans.setdefault(f.namespace, {})[f.key] = f

    def _refile(self, old: PodFacts, f: PodFacts) -> None:
        """_unfile(old) then _file(f) for facts filed in the same place (_same_place): the
        same dicts in the same order, without matching selectors and labels again."""
        key = f.key
        _move_last(self._facts, key, f)
        if f.controlled:
            owner = (f.namespace, f.controller_uid)
            _move_last(self._controlled[owner], key, f)
            view = self._views.get(owner)
            if view is not None:
                view.refile(old, f)
        else:
            _move_last(self._orphans[f.namespace], key, f)

    def _unfile(self, f: PodFacts) -> None:
        del self._facts[f.key]
        if f.controlled:
            owner = (f.namespace, f.controller_uid)
            bucket = self._controlled[owner]
            del bucket[f.key]
            if not bucket:
                del self._controlled[owner]
            view = self._views.get(owner)
            if view is not None:
                view.remove(f)
        else:
            bucket = self._orphans[f.namespace]
            del bucket[f.key]
            if not bucket:
                del self._orphans[f.namespace]

    # ---- reads ---------------------------------------------------------------------------------
    def orphans(self, namespace: str) -> Iterable[PodFacts]:
        """Active pods of the namespace without a controllerRef."""
        return (self._orphans.get(namespace) or {}).values()

    def controlled(self, namespace: str, uid: Any) -> Iterable[PodFacts]:
        """Active pods of the namespace whose controllerRef names `uid` (any kind)."""
        return (self._controlled.get((namespace, uid)) or {}).values()

    def view(
        self,
        namespace: str,
        uid: Any,
        selector_source: Any,
        selector: Callable[[], Selector],
        template_labels: dict[str, str] | None,
    ) -> OwnerView:
        """The owner's view, built (or rebuilt when its selector changed) from the uid bucket."""
        view = self._views.get((namespace, uid))
        if view is None or view.selector_source != selector_source:
            view = OwnerView(selector_source, selector(), template_labels)
            for f in self.controlled(namespace, uid):
                view.add(f)
            self._views[(namespace, uid)] = view
        elif view.template_labels != template_labels:
            view.relabel(template_labels)
        return view

    def forget(self, namespace: str, uid: Any) -> None:
        """The owner is gone: drop its view."""
        self._views.pop((namespace, uid), None)


def shared_pod_index(informers: SharedInformers) -> PodIndex:
    """The pod index of the factory's pod informer, one for every replication manager (RCs and
    ReplicaSets file the same pods; views are per owner uid): kept once per pod event, not once
    per manager. Its handlers come before those of the manager that asked first."""

    def make() -> PodIndex:
        index = PodIndex()
        informers.get(PODS).add_event_handler(
            index.upsert,
            lambda old, new: index.upsert(new),
            lambda obj: index.delete(key_of(obj) if isinstance(obj, dict) else obj.key),
        )
        return index

    return informers.derived("pod-index", make)
