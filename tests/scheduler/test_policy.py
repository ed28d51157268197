"""The legacy Policy file: the book's misc/scheduler-policy.json and the names it may use."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kubepy.scheduler.framework import FitError, Framework
from kubepy.scheduler.nodetable import NodeTable
from kubepy.scheduler.options import SchedulerOptions
from kubepy.scheduler.plugins.base import Cluster
from kubepy.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from kubepy.scheduler.plugins.serviceaffinity import ServiceAffinity, ServiceAntiAffinity
from kubepy.scheduler.policy import PolicyError, load_policy, profile_from_policy
from kubepy.scheduler.scheduler import build_profile
from tests.scheduler.conftest import node, pod

BOOK_POLICY = Path("/work/shared/book/misc/scheduler-policy.json")


def test_the_books_policy_file() -> None:
    profile = load_policy(str(BOOK_POLICY))
    assert [type(f) for f in profile.filters] == [NodeUnschedulable, ServiceAffinity]
    assert profile.filters[1].labels == ["region", "zone"]
    assert not profile.resources.fit_filter  # no PodFitsResources in that policy
    assert [(type(p), w) for p, w in profile.scorers] == [(ServiceAntiAffinity, 1)]
    assert profile.scorers[0][0].label == "rack"
    assert profile.resources.least_allocated_weight == 0 and profile.resources.balanced_weight == 0


def test_the_books_policy_keeps_a_service_in_one_zone_and_spreads_racks() -> None:
    profile = build_profile(SchedulerOptions(policy_config_file=str(BOOK_POLICY)))
    t = NodeTable()
    for name, zone, rack in (("n1", "z1", "r1"), ("n2", "z1", "r2"), ("n3", "z2", "r3")):
        t.set_node(node(name, labels={"region": "east", "zone": zone, "rack": rack}))
    svc = {"metadata": {"namespace": "default", "name": "web"}, "spec": {"selector": {"app": "web"}}}
    c = Cluster(t, services=lambda: [svc])
    first = pod("w0", labels={"app": "web"})
    first["spec"]["nodeName"] = "n1"
    t.add_pod("default/w0", first, "n1")
    chosen = {
        Framework(profile, random.Random(s)).schedule(pod("w1", labels={"app": "web"}), c).node
        for s in range(10)
    }
    assert chosen == {"n2"}  # zone z1 like w0, and the other rack


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"kind": "Policy", "predicates": [{"name": "Nope"}]}, "unknown predicate 'Nope'"),
        ({"kind": "Policy", "priorities": [{"name": "Nope", "weight": 1}]}, "unknown priority 'Nope'"),
        ({"kind": "Other"}, "expected kind Policy"),
    ],
)
def test_unknown_names_are_refused(policy: dict, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        profile_from_policy(policy)


def test_the_books_default_predicates_by_name() -> None:
    policy = {
        "kind": "Policy",
        "predicates": [
            {"name": n}
            for n in ("PodFitsPorts", "PodFitsResources", "NoDiskConflict", "MatchNodeSelector", "HostName")
        ]
        + [{"name": "Labeled", "argument": {"labelsPresence": {"labels": ["ssd"], "presence": True}}}],
        "priorities": [
            {"name": "LeastRequestedPriority", "weight": 2},
            {"name": "BalancedResourceAllocation", "weight": 1},
            {"name": "ServiceSpreadingPriority", "weight": 1},
            {"name": "EqualPriority", "weight": 1},
            {
                "name": "RackPref",
                "weight": 3,
                "argument": {"labelPreference": {"label": "rack", "presence": True}},
            },
        ],
    }
    profile = profile_from_policy(policy)
    assert [f.name for f in profile.filters] == [
        "NodeUnschedulable",
        "NodeName",
        "NodeAffinity",
        "NodePorts",
        "VolumeRestrictions",
        "NodeLabel",
    ]
    assert profile.resources.fit_filter and profile.resources.least_allocated_weight == 2
    assert [(p.name, w) for p, w in profile.scorers] == [("SelectorSpread", 1), ("NodeLabel", 3)]
    t = NodeTable()
    t.set_node(node("plain", cpu="8"))
    t.set_node(node("fast", cpu="1", labels={"ssd": "yes"}))
    assert Framework(profile).schedule(pod("p"), Cluster(t)).node == "fast"
    with pytest.raises(FitError, match="1 Insufficient cpu, 1 node\\(s\\) didn't have the requested labels"):
        Framework(profile).schedule(pod("p", cpu="2"), Cluster(t))
