"""One scheduling cycle: percentageOfNodesToScore, rotation, reasons, ties and plugin order."""

from __future__ import annotations

import random

import pytest

from kubepy.scheduler import resources as rs
from kubepy.scheduler.framework import (
    FitError,
    Framework,
    NoNodesAvailable,
    fit_error_message,
    num_feasible_nodes_to_find,
)
from kubepy.scheduler.nodetable import NodeTable
from kubepy.scheduler.plugins.base import Cluster
from kubepy.scheduler.profiles import book_profile, default_profile, with_weights
from tests.scheduler.conftest import node, pod


@pytest.mark.parametrize(
    ("percentage", "nodes", "want"),
    [
        (0, 50, 50),
        (0, 99, 99),
        (0, 100, 100),
        (0, 1000, 420),  # 50 - 1000/125 = 42%
        (0, 5000, 500),  # 10%
        (0, 6000, 300),  # 50 - 48 = 2% → at least 5%
        (0, 1500, 570),  # 38%
        (10, 500, 100),  # at least 100
        (30, 5000, 1500),
        (100, 5000, 5000),
    ],
)
def test_num_feasible_nodes_to_find(percentage: int, nodes: int, want: int) -> None:
    assert num_feasible_nodes_to_find(percentage, nodes) == want


@pytest.mark.parametrize(
    ("n", "reasons", "message"),
    [
        (3, [("Insufficient cpu",)] * 3, "0/3 nodes are available: 3 Insufficient cpu."),
        (
            3,
            [
                ("Insufficient cpu", "Insufficient memory"),
                ("node(s) were unschedulable",),
                ("Insufficient cpu",),
            ],
            "0/3 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, 2 Insufficient cpu.",
        ),
        # "<count> <reason>" strings are sorted as strings, as Go's sort.Strings does
        (12, [("b",)] * 10 + [("a",)] * 2, "0/12 nodes are available: 10 b, 2 a."),
        (0, [], "0/0 nodes are available:"),
    ],
)
def test_fit_error_message(n: int, reasons: list, message: str) -> None:
    assert fit_error_message(n, reasons) == message


def cluster(*nodes: dict) -> Cluster:
    t = NodeTable()
    for n in nodes:
        t.set_node(n)
    return Cluster(t)


def place(c: Cluster, name: str, node_name: str, cpu: str = "100m", **kw: object) -> None:
    p = pod(name, cpu=cpu, **kw)
    p["spec"]["nodeName"] = node_name
    c.table.add_pod(f"default/{name}", p, node_name)


def test_no_nodes() -> None:
    with pytest.raises(NoNodesAvailable, match="no nodes available to schedule pods"):
        Framework(default_profile()).schedule(pod("p"), cluster())


def test_least_allocated_prefers_the_emptier_node() -> None:
    c = cluster(node("a", cpu="2", memory="4Gi"), node("b", cpu="2", memory="4Gi"))
    place(c, "x", "a", cpu="1")
    assert Framework(default_profile()).schedule(pod("p", cpu="100m"), c).node == "b"


@pytest.mark.parametrize("found", [1, 2])  # one feasible node, or a scored choice
def test_an_assumed_pod_counted_with_the_cycles_requests_counts_as_a_fresh_one(found: int) -> None:
    nodes = [node("a", cpu="2", memory="4Gi"), node("b", cpu="1", memory="4Gi")][:found]
    p = pod("p", cpu="300m")  # memory missing: the non-zero requests differ from the requests
    d = Framework(default_profile()).schedule(p, cluster(*nodes))
    assert d.requests == (rs.pod_requests(p), rs.pod_requests(p, non_zero=True))
    assumed = {**p, "spec": {**p["spec"], "nodeName": d.node}}
    with_cycle, fresh = cluster(*nodes), cluster(*nodes)
    with_cycle.table.add_pod("default/p", assumed, d.node, d.requests)
    fresh.table.add_pod("default/p", assumed, d.node)
    for attr in ("requested", "nonzero_requested", "pod_count", "resources"):
        assert getattr(with_cycle.table, attr) == getattr(fresh.table, attr)
    assert d.requests is not None and d.requests[1]["memory"] > 0 == d.requests[0].get("memory", 0)


def test_ties_are_broken_by_the_injected_rng() -> None:
    c = cluster(*(node(f"n{i}") for i in range(5)))
    chosen = {
        Framework(default_profile(), random.Random(seed)).schedule(pod("p"), c).node for seed in range(40)
    }
    assert chosen == {f"n{i}" for i in range(5)}
    a = [Framework(default_profile(), random.Random(7)).schedule(pod("p"), c).node for _ in range(3)]
    assert len(set(a)) == 1


def test_percentage_of_nodes_to_score_stops_early_and_rotates() -> None:
    c = cluster(*(node(f"n{i:03}") for i in range(300)))
    fw = Framework(default_profile(percentage=10))  # 10% of 300 = 30 → at least 100
    d = fw.schedule(pod("p"), c)
    assert (d.evaluated, d.feasible) == (100, 100)
    assert fw.next_start == 100
    fw.schedule(pod("q"), c)
    assert fw.next_start == 200
    fw.schedule(pod("r"), c)
    assert fw.next_start == 0


def test_all_nodes_are_visited_when_few_fit() -> None:
    nodes = [node(f"n{i:03}", cpu="1") for i in range(200)] + [node("big", cpu="8")]
    fw = Framework(default_profile(percentage=5))
    d = fw.schedule(pod("p", cpu="2"), cluster(*nodes))
    assert (d.node, d.evaluated, d.feasible) == ("big", 201, 1)


def test_first_failing_plugin_names_the_reasons() -> None:
    c = cluster(
        node("cordoned", cpu="1", unschedulable=True),
        node("wrong-zone", cpu="1", labels={"zone": "south"}),
        node("small", cpu="100m", labels={"zone": "north"}),
        node("full", cpu="1", pods="1", labels={"zone": "north"}),
    )
    place(c, "x", "full", cpu="0")
    with pytest.raises(FitError) as e:
        Framework(default_profile()).schedule(pod("p", cpu="500m", nodeSelector={"zone": "north"}), c)
    assert str(e.value) == (
        "0/4 nodes are available: 1 Insufficient cpu, 1 Too many pods, "
        "1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable."
    )
    assert e.value.reasons["cordoned"] == ("node(s) were unschedulable",)


def test_unschedulable_is_tolerated_by_its_taint() -> None:
    c = cluster(node("cordoned", unschedulable=True))
    tol = [{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]
    assert Framework(default_profile()).schedule(pod("ds", tolerations=tol), c).node == "cordoned"


def test_host_ports_conflict() -> None:
    c = cluster(node("a"), node("b"))
    ported = {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 80, "hostPort": 8080}]}]}
    place(c, "x", "a", **ported)
    p = pod("p")
    p["spec"].update(ported)
    assert Framework(default_profile()).schedule(p, c).node == "b"
    place(c, "y", "b", **ported)
    with pytest.raises(FitError, match="2 node\\(s\\) didn't have free ports for the requested pod ports"):
        Framework(default_profile()).schedule(p, c)


def test_book_profile_spreads_pods_of_a_service() -> None:
    svc = {"metadata": {"namespace": "default", "name": "web"}, "spec": {"selector": {"app": "web"}}}
    c = cluster(node("a"), node("b"))
    c.services = lambda: [svc]
    place(c, "x", "a", cpu="0")
    prof = with_weights(book_profile(), {"NodeResourcesFit": 0, "NodeResourcesBalancedAllocation": 0})
    chosen = {Framework(prof, random.Random(s)).schedule(pod("p", cpu="0"), c).node for s in range(10)}
    assert chosen == {"b"}


def test_weights_switch_scores_off() -> None:
    c = cluster(node("a", cpu="2"), node("b", cpu="2"))
    place(c, "x", "a", cpu="1")
    prof = with_weights(default_profile(), {"NodeResourcesFit": 0, "NodeResourcesBalancedAllocation": 0})
    chosen = {Framework(prof, random.Random(s)).schedule(pod("p", cpu="100m"), c).node for s in range(20)}
    assert chosen == {"a", "b"}
    with pytest.raises(ValueError, match="unknown score plugin"):
        with_weights(default_profile(), {"Nope": 1})
