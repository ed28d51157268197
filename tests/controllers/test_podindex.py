"""The replication manager's pod index gives the answers of a full scan of the namespace."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from kubepy.api.labels import selector_from_set
from kubepy.controllers import pods as P
from kubepy.controllers.podindex import PodIndex, facts_of, is_available
from tests.controllers.conftest import START, stamp

OWNER_UIDS = ("u1", "u2")
SELECTOR = {"app": "web"}
TEMPLATE = {"app": "web", "tier": "front"}


def make_pod(name: str, rng: random.Random, rv: int) -> dict:
    """A random version of pod `name` (its namespace follows from its name, as a pod never moves)."""
    labels = rng.choice([{"app": "web"}, {"app": "web", "tier": "front"}, {"app": "db"}, {}])
    refs = rng.choice(
        [
            [],
            [{"uid": "u1", "controller": True, "kind": "ReplicationController", "name": "a"}],
            [{"uid": "u2", "controller": True, "kind": "ReplicationController", "name": "b"}],
            [{"uid": "u1", "controller": False, "kind": "ReplicationController", "name": "a"}],
        ]
    )
    ns = "default" if int(name[1:]) % 3 else "other"
    meta: dict = {"name": name, "namespace": ns, "labels": labels, "resourceVersion": str(rv)}
    if refs:
        meta["ownerReferences"] = refs
    if rng.random() < 0.1:
        meta["deletionTimestamp"] = stamp(START)
    since = START - timedelta(seconds=rng.choice([1, 10, 100]))
    ready = rng.choice(["True", "False"])
    status = {
        "phase": rng.choice(["Pending", "Running", "Running", "Succeeded", "Failed"]),
        "conditions": [{"type": "Ready", "status": ready, "lastTransitionTime": stamp(since)}],
    }
    return {"metadata": meta, "status": status}


def full_scan(pods: dict[str, dict], uid: str, namespace: str) -> dict[str, object]:
    """What sync computed before the index: every active pod of the namespace, claimed by the
    owner `uid` of that namespace."""
    sel = selector_from_set(SELECTOR)
    matched, strays, orphans = [], [], []
    for p in pods.values():
        if not P.is_active(p) or P.meta(p)["namespace"] != namespace:
            continue
        cref = P.controller_ref(p)
        labels = P.meta(p).get("labels") or {}
        if cref is None:
            if sel.matches(labels):
                orphans.append(P.meta(p)["name"])
        elif cref.get("uid") == uid:
            (matched if sel.matches(labels) else strays).append(p)
    return {
        "matched": sorted(P.meta(p)["name"] for p in matched),
        "strays": sorted(P.meta(p)["name"] for p in strays),
        "orphans": sorted(orphans),
        "fully": sum(P.labels_cover(P.meta(p).get("labels"), TEMPLATE) for p in matched),
        "ready": sum(P.is_ready(p) for p in matched),
        "available": sum(P.is_available(p, 30, START) for p in matched),
    }


def indexed(index: PodIndex, uid: str, namespace: str) -> dict[str, object]:
    view = index.view(namespace, uid, SELECTOR, lambda: selector_from_set(SELECTOR), TEMPLATE)
    return {
        "matched": sorted(P.meta(f.pod)["name"] for f in view.matched.values()),
        "strays": sorted(P.meta(f.pod)["name"] for f in view.strays.values()),
        "orphans": sorted(
            P.meta(f.pod)["name"] for f in index.orphans(namespace) if view.selector.matches(f.labels)
        ),
        "fully": view.fully_labeled,
        "ready": view.ready,
        "available": sum(is_available(f, 30, START) for f in view.matched.values()),
    }


@pytest.mark.parametrize("seed", range(20))
def test_index_matches_a_full_scan_through_adds_updates_and_deletes(seed: int) -> None:
    rng = random.Random(seed)
    index, pods = PodIndex(), {}
    for step in range(300):
        name = f"p{rng.randrange(40)}"
        if rng.random() < 0.2 and name in pods:
            gone = pods.pop(name)
            index.delete(f"{P.meta(gone)['namespace']}/{name}")
        else:
            pods[name] = make_pod(name, rng, step)
            index.upsert(pods[name])
        if step == 100:  # views built midway are then kept up to date event by event
            for uid in OWNER_UIDS:
                for ns in ("default", "other"):
                    index.view(ns, uid, SELECTOR, lambda: selector_from_set(SELECTOR), TEMPLATE)
        if step % 50 == 49:
            for uid in OWNER_UIDS:
                for ns in ("default", "other"):
                    assert indexed(index, uid, ns) == full_scan(pods, uid, ns)
    assert len(index) == sum(P.is_active(p) for p in pods.values())


def ready_pod(ready: bool, labels: dict | None = None, rv: str = "1") -> dict:
    return {
        "metadata": {
            "name": "p",
            "namespace": "default",
            "resourceVersion": rv,
            "labels": {"app": "web"} if labels is None else labels,
            "ownerReferences": [{"uid": "u1", "controller": True}],
        },
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": str(ready), "lastTransitionTime": stamp(START)}],
        },
    }


def test_a_pod_that_becomes_ready_is_counted_after_its_update() -> None:
    index = PodIndex()
    index.upsert(ready_pod(False))
    view = index.view("default", "u1", SELECTOR, lambda: selector_from_set(SELECTOR), TEMPLATE)
    assert (len(view.matched), view.ready) == (1, 0)
    index.upsert(ready_pod(True, rv="2"))
    assert (len(view.matched), view.ready) == (1, 1)
    index.upsert(ready_pod(False, rv="3"))
    assert view.ready == 0


def test_a_pod_whose_labels_stop_matching_becomes_a_stray() -> None:
    index = PodIndex()
    index.upsert(ready_pod(True))
    view = index.view("default", "u1", SELECTOR, lambda: selector_from_set(SELECTOR), TEMPLATE)
    index.upsert(ready_pod(True, {"app": "debug"}, rv="2"))
    assert (list(view.matched), list(view.strays), view.ready) == ([], ["default/p"], 0)


def test_a_changed_selector_or_template_rebuilds_the_counts() -> None:
    index = PodIndex()
    index.upsert(ready_pod(True, {"app": "web", "tier": "front"}))
    view = index.view("default", "u1", SELECTOR, lambda: selector_from_set(SELECTOR), {"app": "web"})
    assert view.fully_labeled == 1
    view = index.view(
        "default", "u1", SELECTOR, lambda: selector_from_set(SELECTOR), {"app": "web", "tier": "x"}
    )
    assert view.fully_labeled == 0
    other = {"app": "db"}
    view = index.view("default", "u1", other, lambda: selector_from_set(other), TEMPLATE)
    assert (list(view.matched), list(view.strays)) == ([], ["default/p"])


def test_terminated_and_deleting_pods_are_not_indexed() -> None:
    index = PodIndex()
    done = ready_pod(True)
    done["status"]["phase"] = "Succeeded"
    assert facts_of(done) is None
    index.upsert(ready_pod(True))
    index.upsert(done)
    assert len(index) == 0 and not list(index.controlled("default", "u1"))


def _state(index: PodIndex) -> list[object]:
    """Everything the index answers, in the order it answers it."""
    out: list[object] = [list(index._facts)]
    for ns in ("default", "other"):
        out.append([f.key for f in index.orphans(ns)])
        for uid in OWNER_UIDS:
            view = index.view(ns, uid, SELECTOR, lambda: selector_from_set(SELECTOR), TEMPLATE)
            out += [[f.key for f in index.controlled(ns, uid)], list(view.matched), list(view.strays)]
            out += [view.fully_labeled, view.ready, [f.pod for f in view.matched.values()]]
    return out


@pytest.mark.parametrize("seed", range(10))
def test_an_update_filed_in_place_leaves_what_a_remove_and_add_would(monkeypatch, seed: int) -> None:
    """Updates keeping a pod's owner and labels (most: status) are refiled without matching again;
    the index then answers exactly as after removing and adding it, order included (the order
    of a view's pods breaks ties between pods to delete)."""
    from kubepy.controllers import podindex

    rng = random.Random(seed)
    fast, slow, pods = PodIndex(), PodIndex(), {}
    same_place = podindex._same_place
    for step in range(300):
        name = f"p{rng.randrange(20)}"
        if rng.random() < 0.1 and name in pods:
            gone = pods.pop(name)
            for index in (fast, slow):
                index.delete(f"{P.meta(gone)['namespace']}/{name}")
            continue
        pod = make_pod(name, rng, step)
        if name in pods and rng.random() < 0.7:  # mostly a status change of the same pod
            pod["metadata"] = {**pods[name]["metadata"], "resourceVersion": str(step)}
        pods[name] = pod
        fast.upsert(pod)
        monkeypatch.setattr(podindex, "_same_place", lambda old, new: False)
        slow.upsert(pod)
        monkeypatch.setattr(podindex, "_same_place", same_place)
        if step % 25 == 24:
            assert _state(fast) == _state(slow)
