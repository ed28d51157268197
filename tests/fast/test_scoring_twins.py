"""Property tests: the compiled kernel and its pure-Python twin filter, score and choose alike."""

from __future__ import annotations

import random
from array import array

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fast.test_scoring import scoring_impl

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NRES = 3


@st.composite
def clusters(draw: st.DrawFn) -> dict:
    n = draw(st.integers(1, 40))
    alloc = [draw(st.sampled_from([0, 500, 1000, 4000, 2**33, 2**40])) for _ in range(n * NRES)]
    requested = [draw(st.integers(0, 2**34)) if a > 2**20 else draw(st.integers(0, 5000)) for a in alloc]
    nonzero = [r + draw(st.integers(0, 300)) for r in requested]
    return {
        "n": n,
        "alloc": alloc,
        "requested": requested,
        "nonzero": nonzero,
        "count": [draw(st.integers(0, 12)) for _ in range(n)],
        "max_pods": [draw(st.sampled_from([0, 10, 110])) for _ in range(n)],
        "pre": [draw(st.sampled_from([0, 0, 0, 1, 2])) for _ in range(n)],
        "post": [draw(st.sampled_from([0, 0, 0, 3])) for _ in range(n)],
        "pod": [draw(st.sampled_from([0, 100, 600, 2**30])) for _ in range(NRES)],
        "start": draw(st.integers(0, n - 1)),
        "want": draw(st.integers(1, n)),
        "extra": [draw(st.integers(0, 300)) for _ in range(n)],
        "least_weights": [draw(st.integers(0, 3)) for _ in range(NRES)],
        "use": [draw(st.integers(0, 1)) for _ in range(NRES)],
        "weights": (draw(st.integers(0, 3)), draw(st.integers(0, 3))),
        "seed": draw(st.integers(0, 2**32)),
    }


def choose(mod, c: dict) -> tuple:  # noqa: ANN001
    """Run a whole cycle as the framework does and return everything observable."""
    n = c["n"]
    q = lambda v: array("q", v)  # noqa: E731
    feasible, status = array("i", [0] * n), q([0] * n)
    found, visited = mod.filter_nodes(
        n, NRES, q(c["alloc"]), q(c["requested"]), q(c["count"]), q(c["max_pods"]), q(c["pod"]), 1,
        array("i", c["pre"]), array("i", c["post"]), c["start"], c["want"], feasible, status,
    )  # fmt: skip
    if found == 0:
        return found, visited, list(status), None, None
    scores, ties = q([0] * found), array("i", [0] * found)
    count = mod.score_nodes(
        NRES, q(c["alloc"]), q(c["nonzero"]), q(c["requested"]), q(c["pod"]), q(c["pod"]), feasible, found,
        q(c["least_weights"]), c["weights"][0], q(c["use"]), c["weights"][1], q(c["extra"][:found]), 1, scores, ties,
    )  # fmt: skip
    pick = ties[random.Random(c["seed"]).randrange(count)]
    return found, visited, list(status), list(scores), feasible[pick]


@SETTINGS
@given(c=clusters())
def test_c_and_py_choose_the_same_node(c: dict) -> None:
    py, compiled = scoring_impl("py"), scoring_impl("c")
    assert choose(compiled, c) == choose(py, c)


def test_twins_are_distinct_modules() -> None:
    py, compiled = scoring_impl("py"), scoring_impl("c")
    if compiled is py:
        pytest.fail("the compiled fixture returned the twin")
    assert compiled.__file__ != py.__file__


@st.composite
def scheduler_clusters(draw: st.DrawFn) -> tuple[list[dict], list[tuple[str, str]], dict]:
    """Nodes (some cordoned, tainted or labelled), pods already bound, and a pod to place."""
    nodes = []
    for i in range(draw(st.integers(1, 25))):
        cap = {
            "cpu": draw(st.sampled_from(["500m", "1", "2", "4"])),
            "memory": draw(st.sampled_from(["1Gi", "4Gi"])),
            "pods": "8",
        }
        spec: dict = {}
        if draw(st.integers(0, 9)) == 0:
            spec["unschedulable"] = True
        if draw(st.integers(0, 9)) == 0:
            spec["taints"] = [
                {
                    "key": "k",
                    "value": draw(st.sampled_from(["a", "b"])),
                    "effect": draw(st.sampled_from(["NoSchedule", "PreferNoSchedule"])),
                }
            ]
        labels = {"zone": draw(st.sampled_from(["north", "south"]))}
        nodes.append(
            {"metadata": {"name": f"n{i}", "labels": labels}, "spec": spec, "status": {"allocatable": cap}}
        )
    bound = [
        (draw(st.sampled_from(["0", "100m", "300m"])), f"n{draw(st.integers(0, len(nodes) - 1))}")
        for _ in range(draw(st.integers(0, 30)))
    ]
    pod_spec: dict = {
        "containers": [
            {
                "name": "c",
                "image": "x",
                "resources": {"requests": {"cpu": draw(st.sampled_from(["50m", "200m", "900m"]))}},
            }
        ]
    }
    if draw(st.booleans()):
        pod_spec["nodeSelector"] = {"zone": "north"}
    if draw(st.booleans()):
        pod_spec["tolerations"] = [{"key": "k", "operator": "Exists"}]
    return nodes, bound, pod_spec


@SETTINGS
@given(case=scheduler_clusters(), seed=st.integers(0, 2**32), percentage=st.sampled_from([0, 5, 50, 100]))
def test_the_scheduler_decides_alike_on_both_kernels(case: tuple, seed: int, percentage: int) -> None:
    from kubepy.scheduler import framework as fw_mod
    from kubepy.scheduler.framework import FitError, Framework
    from kubepy.scheduler.nodetable import NodeTable
    from kubepy.scheduler.plugins.base import Cluster
    from kubepy.scheduler.profiles import default_profile

    nodes, bound, pod_spec = case

    def decide(kernel: object) -> tuple:
        table = NodeTable()
        for n in nodes:
            table.set_node(n)
        for j, (cpu, where) in enumerate(bound):
            p = {
                "metadata": {"name": f"b{j}", "namespace": "default"},
                "spec": {
                    "nodeName": where,
                    "containers": [{"name": "c", "resources": {"requests": {"cpu": cpu}}}],
                },
            }
            table.add_pod(f"default/b{j}", p, where)
        saved, fw_mod.scoring = fw_mod.scoring, kernel
        try:
            fw = Framework(default_profile(percentage=percentage), random.Random(seed))
            d = fw.schedule(
                {"metadata": {"name": "p", "namespace": "default"}, "spec": pod_spec}, Cluster(table)
            )
            return ("ok", d.node, d.score, d.evaluated, fw.next_start)
        except FitError as e:
            return ("fit", str(e))
        finally:
            fw_mod.scoring = saved

    assert decide(scoring_impl("c")) == decide(scoring_impl("py"))
