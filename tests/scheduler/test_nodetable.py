"""The node table: rows, arrays and pod accounting stay consistent through adds and removals."""

from __future__ import annotations

from kubepy.scheduler.nodetable import NodeTable
from tests.scheduler.conftest import node, pod

MI = 1024 * 1024


def bound(name: str, node_name: str, cpu: str = "500m") -> dict:
    p = pod(name, cpu=cpu)
    p["spec"]["nodeName"] = node_name
    return p


def row(t: NodeTable, name: str) -> tuple[int, int, int]:
    i = t.index[name]
    return t.alloc[i * t.nres], t.requested[i * t.nres], t.pod_count[i]


def test_nodes_and_pods_add_up() -> None:
    t = NodeTable()
    t.set_node(node("a", cpu="2"))
    t.set_node(node("b", cpu="4"))
    t.add_pod("default/x", bound("x", "a"), "a")
    t.add_pod("default/y", bound("y", "a"), "a")
    assert row(t, "a") == (2000, 1000, 2)
    assert t.nonzero_requested[t.index["a"] * t.nres + 1] == 400 * MI
    t.add_pod("default/x", bound("x", "a", cpu="1"), "a")  # an update replaces the old counts
    assert row(t, "a") == (2000, 1500, 2)
    t.remove_pod("default/y")
    assert row(t, "a") == (2000, 1000, 1)
    assert t.max_pods[t.index["a"]] == 110


def test_removing_a_node_moves_the_last_row_in() -> None:
    t = NodeTable()
    for name, cpu in (("a", "1"), ("b", "2"), ("c", "3")):
        t.set_node(node(name, cpu=cpu, **({"unschedulable": True} if name == "c" else {})))
    t.add_pod("default/x", bound("x", "c"), "c")
    assert t.flagged == {2}
    t.remove_node("a")
    assert t.names == ["c", "b"]
    assert row(t, "c") == (3000, 500, 1)
    assert t.flagged == {0}
    assert len(t.alloc) == 2 * t.nres


def test_pods_of_an_unknown_node_count_once_it_arrives() -> None:
    t = NodeTable()
    t.add_pod("default/x", bound("x", "late"), "late")
    t.set_node(node("late", cpu="1"))
    assert row(t, "late") == (1000, 500, 1)
    t.remove_node("late")
    t.set_node(node("late", cpu="1"))
    assert row(t, "late") == (1000, 500, 1)


def test_extended_resources_get_a_column() -> None:
    t = NodeTable()
    t.set_node(node("a"))
    t.add_pod("default/x", bound("x", "a"), "a")
    gpu = node("g")
    gpu["status"]["allocatable"]["nvidia.com/gpu"] = "4"
    t.set_node(gpu)
    assert t.resources[-1] == "nvidia.com/gpu"
    assert row(t, "a") == (4000, 500, 1)
    assert t.alloc[t.index["g"] * t.nres + t.nres - 1] == 4


def test_a_status_update_keeps_the_counts_and_shows_the_new_object() -> None:
    t = NodeTable()
    t.set_node(node("a", cpu="2"))
    t.add_pod("default/x", bound("x", "a"), "a")
    gen = t.generation
    running = bound("x", "a")
    running["status"] = {"phase": "Running"}
    running["metadata"]["labels"] = {"tier": "web"}
    t.add_pod("default/x", running, "a")
    assert row(t, "a") == (2000, 500, 1)
    assert t.pods_on(t.index["a"]) == [running]
    assert t.all_pods() == [running]
    assert t.generation > gen  # labels may have changed: spreading must look again
    moved = bound("x", "b")
    t.set_node(node("b", cpu="2"))
    t.add_pod("default/x", moved, "b")  # another node: counted there, not here
    assert row(t, "a") == (2000, 0, 0)
    assert row(t, "b") == (2000, 500, 1)


def test_a_status_update_of_a_pod_waiting_for_its_node() -> None:
    t = NodeTable()
    t.add_pod("default/x", bound("x", "late"), "late")
    running = bound("x", "late")
    running["status"] = {"phase": "Running"}
    t.add_pod("default/x", running, "late")
    t.set_node(node("late", cpu="1"))
    assert row(t, "late") == (1000, 500, 1)
    assert t.pods_on(t.index["late"]) == [running]
