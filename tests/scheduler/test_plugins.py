"""Table tests of the plugins' pure functions, and each plugin over a small cluster."""

from __future__ import annotations

import pytest

from kubepy.scheduler.framework import FitError, Framework
from kubepy.scheduler.nodetable import NodeTable
from kubepy.scheduler.plugins import imagelocality as il
from kubepy.scheduler.plugins import interpodaffinity as ipa
from kubepy.scheduler.plugins import nodeaffinity as na
from kubepy.scheduler.plugins import nodeports as np_
from kubepy.scheduler.plugins import podtopologyspread as pts
from kubepy.scheduler.plugins import selectorspread as ss
from kubepy.scheduler.plugins import serviceaffinity as sa
from kubepy.scheduler.plugins import tainttoleration as tt
from kubepy.scheduler.plugins import volumerestrictions as vr
from kubepy.scheduler.plugins.base import Cluster, CycleState, default_normalize
from kubepy.scheduler.plugins.nodelabel import preference_score, presence_fits
from kubepy.scheduler.profiles import default_profile
from tests.scheduler.conftest import node, pod


@pytest.mark.parametrize(
    ("toleration", "taint", "ok"),
    [
        (
            {"key": "k", "operator": "Equal", "value": "v"},
            {"key": "k", "value": "v", "effect": "NoSchedule"},
            True,
        ),
        ({"key": "k", "value": "v"}, {"key": "k", "value": "w", "effect": "NoSchedule"}, False),
        ({"key": "k", "operator": "Exists"}, {"key": "k", "value": "w", "effect": "NoExecute"}, True),
        ({"operator": "Exists"}, {"key": "any", "effect": "NoSchedule"}, True),
        (
            {"key": "k", "operator": "Exists", "effect": "NoExecute"},
            {"key": "k", "effect": "NoSchedule"},
            False,
        ),
        ({"key": "j", "operator": "Exists"}, {"key": "k", "effect": "NoSchedule"}, False),
    ],
)
def test_tolerates(toleration: dict, taint: dict, ok: bool) -> None:
    assert tt.tolerates(toleration, taint) is ok


def test_taint_reason_and_prefer_no_schedule_count() -> None:
    assert tt.reason({"key": "dedicated", "value": "gpu"}) == "node(s) had untolerated taint {dedicated: gpu}"
    assert tt.reason({"key": "k"}) == "node(s) had untolerated taint {k: }"
    taints = [
        {"key": "a", "effect": "PreferNoSchedule"},
        {"key": "b", "effect": "PreferNoSchedule"},
        {"key": "c", "effect": "NoSchedule"},
    ]
    assert tt.intolerable_prefer_no_schedule(taints, []) == 2
    assert tt.intolerable_prefer_no_schedule(taints, [{"key": "a", "operator": "Exists"}]) == 1
    assert (
        tt.intolerable_prefer_no_schedule(
            taints, [{"key": "a", "operator": "Exists", "effect": "NoSchedule"}]
        )
        == 2
    )


@pytest.mark.parametrize(
    ("scores", "reverse", "out"),
    [
        ([0, 0], False, [0, 0]),
        ([0, 0], True, [100, 100]),
        ([1, 2, 4], False, [25, 50, 100]),
        ([1, 2, 4], True, [75, 50, 0]),
    ],
)
def test_default_normalize(scores: list, reverse: bool, out: list) -> None:
    assert default_normalize(scores, reverse) == out


@pytest.mark.parametrize(
    ("expr", "labels", "ok"),
    [
        ({"key": "zone", "operator": "In", "values": ["a", "b"]}, {"zone": "b"}, True),
        ({"key": "zone", "operator": "In", "values": ["a"]}, {}, False),
        ({"key": "zone", "operator": "NotIn", "values": ["a"]}, {}, True),
        ({"key": "zone", "operator": "NotIn", "values": ["a"]}, {"zone": "a"}, False),
        ({"key": "gpu", "operator": "Exists"}, {"gpu": ""}, True),
        ({"key": "gpu", "operator": "DoesNotExist"}, {"gpu": ""}, False),
        ({"key": "cores", "operator": "Gt", "values": ["4"]}, {"cores": "8"}, True),
        ({"key": "cores", "operator": "Lt", "values": ["4"]}, {"cores": "8"}, False),
        ({"key": "cores", "operator": "Gt", "values": ["4"]}, {"cores": "many"}, False),
    ],
)
def test_match_expression(expr: dict, labels: dict, ok: bool) -> None:
    assert na.match_expression(expr, labels) is ok


def test_node_affinity_fits() -> None:
    n = node("n1", labels={"zone": "north", "disk": "ssd"})
    assert na.fits({"nodeSelector": {"zone": "north"}}, n)
    assert not na.fits({"nodeSelector": {"zone": "north", "gpu": "yes"}}, n)
    terms = {
        "nodeSelectorTerms": [
            {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["hdd"]}]},
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]},
        ]
    }
    spec = {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": terms}}}
    assert na.fits(spec, n)
    assert not na.fits(spec, node("n2", labels={"disk": "ssd"}))
    empty = {
        "affinity": {
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{}]}}
        }
    }
    assert not na.fits(empty, n)  # an empty term selects nothing
    pref = {
        "affinity": {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 5,
                        "preference": {
                            "matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]
                        },
                    },
                    {
                        "weight": 3,
                        "preference": {
                            "matchExpressions": [{"key": "zone", "operator": "In", "values": ["south"]}]
                        },
                    },
                ]
            }
        }
    }
    assert na.preferred_score(pref, n) == 5


@pytest.mark.parametrize(
    ("want", "used", "clash"),
    [
        (("0.0.0.0", "TCP", 80), ("0.0.0.0", "TCP", 80), True),
        (("0.0.0.0", "TCP", 80), ("0.0.0.0", "UDP", 80), False),
        (("10.0.0.1", "TCP", 80), ("0.0.0.0", "TCP", 80), True),
        (("10.0.0.1", "TCP", 80), ("10.0.0.2", "TCP", 80), False),
        (("10.0.0.1", "TCP", 81), ("10.0.0.1", "TCP", 80), False),
    ],
)
def test_port_conflicts(want: tuple, used: tuple, clash: bool) -> None:
    assert np_.conflicts(want, used) is clash


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        ({"gcePersistentDisk": {"pdName": "d"}}, {"gcePersistentDisk": {"pdName": "d"}}, True),
        (
            {"gcePersistentDisk": {"pdName": "d", "readOnly": True}},
            {"gcePersistentDisk": {"pdName": "d", "readOnly": True}},
            False,
        ),
        (
            {"gcePersistentDisk": {"pdName": "d", "readOnly": True}},
            {"gcePersistentDisk": {"pdName": "d"}},
            True,
        ),
        ({"gcePersistentDisk": {"pdName": "d"}}, {"gcePersistentDisk": {"pdName": "e"}}, False),
        (
            {"awsElasticBlockStore": {"volumeID": "v", "readOnly": True}},
            {"awsElasticBlockStore": {"volumeID": "v", "readOnly": True}},
            True,
        ),
        (
            {"rbd": {"monitors": ["m1"], "image": "i"}},
            {"rbd": {"monitors": ["m1", "m2"], "image": "i"}},
            True,
        ),
        ({"rbd": {"monitors": ["m1"], "image": "i"}}, {"rbd": {"monitors": ["m3"], "image": "i"}}, False),
        ({"emptyDir": {}}, {"emptyDir": {}}, False),
    ],
)
def test_volume_conflict(a: dict, b: dict, clash: bool) -> None:
    assert vr.volume_conflict(a, b) is clash


def cluster(*nodes: dict) -> Cluster:
    t = NodeTable()
    for n in nodes:
        t.set_node(n)
    return Cluster(t)


def place(
    c: Cluster,
    name: str,
    node_name: str,
    labels: dict | None = None,
    namespace: str = "default",
    **spec: object,
) -> None:
    p = pod(name, labels=labels, namespace=namespace, **spec)
    p["spec"]["nodeName"] = node_name
    c.table.add_pod(f"{namespace}/{name}", p, node_name)


def failures(plugin: object, p: dict, c: Cluster) -> dict[str, tuple]:
    return {c.table.names[i]: r for i, r in plugin.failures(CycleState(p), c)}  # type: ignore[attr-defined]


def zones() -> Cluster:
    return cluster(
        node("a1", labels={"zone": "a"}),
        node("a2", labels={"zone": "a"}),
        node("b1", labels={"zone": "b"}),
        node("x"),
    )


def test_no_disk_conflict_over_a_cluster() -> None:
    c = cluster(node("a"), node("b"))
    pd = {"volumes": [{"name": "v", "gcePersistentDisk": {"pdName": "mysql"}}]}
    place(c, "db", "a", **pd)
    p = pod("p", **pd)
    assert failures(vr.VolumeRestrictions(), p, c) == {"a": (vr.REASON,)}
    assert Framework(default_profile()).schedule(p, c).node == "b"


def test_required_pod_affinity_and_anti_affinity() -> None:
    c = zones()
    place(c, "cache", "a1", labels={"app": "cache"})
    term = {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "zone"}
    near = pod("near", affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}})
    assert failures(ipa.InterPodAffinity(), near, c) == {"b1": (ipa.AFFINITY,), "x": (ipa.AFFINITY,)}
    far = pod("far", affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}})
    assert failures(ipa.InterPodAffinity(), far, c) == {
        "a1": (ipa.ANTI_AFFINITY,),
        "a2": (ipa.ANTI_AFFINITY,),
    }
    other_ns = pod(
        "o",
        namespace="other",
        affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}},
    )
    assert len(failures(ipa.InterPodAffinity(), other_ns, c)) == 4  # terms look in the pod's own namespace


def test_first_pod_of_a_self_affine_group_goes_anywhere_with_the_key() -> None:
    c = zones()
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "zone"}
    first = pod(
        "w1",
        labels={"app": "web"},
        affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}},
    )
    assert failures(ipa.InterPodAffinity(), first, c) == {"x": (ipa.AFFINITY,)}


def test_existing_pods_anti_affinity() -> None:
    c = zones()
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}
    place(
        c,
        "loner",
        "a1",
        labels={"app": "db"},
        affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}},
    )
    assert failures(ipa.InterPodAffinity(), pod("w", labels={"app": "web"}), c) == {
        "a1": (ipa.EXISTING_ANTI_AFFINITY,)
    }
    assert failures(ipa.InterPodAffinity(), pod("d", labels={"app": "db"}), c) == {}


def test_preferred_pod_affinity_scores() -> None:
    c = zones()
    place(c, "cache", "b1", labels={"app": "cache"})
    term = {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "zone"}
    p = pod(
        "p",
        affinity={
            "podAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "podAffinityTerm": term}]
            }
        },
    )
    assert ipa.InterPodAffinity().score(CycleState(p), c, [0, 1, 2, 3]) == [0, 0, 100, 0]
    assert Framework(default_profile()).schedule(p, c).node == "b1"
    assert ipa.normalize_min_max([-5, 0, 5]) == [0, 50, 100]


def test_topology_spread_filter() -> None:
    c = zones()
    for i in range(2):
        place(c, f"w{i}", "a1", labels={"app": "web"})
    con = {
        "maxSkew": 1,
        "topologyKey": "zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}},
    }
    p = pod("w9", labels={"app": "web"}, topologySpreadConstraints=[con])
    # zone a has 2, zone b 0: a would reach skew 3; node x lacks the key
    assert failures(pts.PodTopologySpread(), p, c) == {
        "a1": (pts.REASON,),
        "a2": (pts.REASON,),
        "x": (pts.MISSING_LABEL,),
    }
    assert Framework(default_profile()).schedule(p, c).node == "b1"
    assert pts.skew_ok(1, 1, 0, 2) and not pts.skew_ok(2, 1, 0, 2)


def test_topology_spread_score_prefers_emptier_domains() -> None:
    c = zones()
    place(c, "w0", "a1", labels={"app": "web"})
    con = {
        "maxSkew": 1,
        "topologyKey": "zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": {"app": "web"}},
    }
    scores = pts.PodTopologySpread().score(
        CycleState(pod("p", labels={"app": "web"}, topologySpreadConstraints=[con])), c, [0, 1, 2, 3]
    )
    assert scores[2] == 100 and scores[0] == scores[1] < 100 and scores[3] == 0
    assert pts.normalize([None, 0, 0]) == [0, 100, 100]


def test_selector_spread_scores() -> None:
    assert ss.spread_scores([0, 1, 2], ["", "", ""]) == [100, 50, 0]
    assert ss.spread_scores([0, 0], ["", ""]) == [100, 100]
    # zones weigh 2/3: node a (1 pod, zone z1 with 1) vs b (0 pods, zone z1) vs c (0, zone z2 with 0)
    assert ss.spread_scores([1, 0, 0], ["z1", "z1", "z2"]) == [0, 33, 100]  # b: 100/3 + 0 * 2/3


def test_node_label_policy_functions() -> None:
    n = node("n", labels={"rack": "r1"})
    assert presence_fits(n, ["rack"], True) and not presence_fits(n, ["rack", "ssd"], True)
    assert presence_fits(n, ["ssd"], False) and not presence_fits(n, ["rack"], False)
    assert preference_score(n, "rack", True) == 100 and preference_score(n, "rack", False) == 0


def test_service_affinity_pins_the_first_pods_region_and_zone() -> None:
    lab = lambda r, z: {"region": r, "zone": z}  # noqa: E731
    c = cluster(
        node("n1", labels=lab("r1", "z1")),
        node("n2", labels=lab("r1", "z2")),
        node("n3", labels=lab("r2", "z1")),
    )
    svc = {"metadata": {"namespace": "default", "name": "web"}, "spec": {"selector": {"app": "web"}}}
    c.services = lambda: [svc]
    plugin = sa.ServiceAffinity(["region", "zone"])
    assert failures(plugin, pod("w1", labels={"app": "web"}), c) == {}  # nothing pinned yet
    place(c, "w0", "n2", labels={"app": "web"})
    assert set(failures(plugin, pod("w1", labels={"app": "web"}), c)) == {"n1", "n3"}
    assert sa.pinned_values(["region", "zone"], {"region": "r2"}, [node("x", labels=lab("r1", "z9"))]) == {
        "region": "r2",
        "zone": "z9",
    }


def test_service_anti_affinity_spreads_over_racks() -> None:
    assert sa.anti_affinity_scores(["r1", "r2", None], ["r1", "r1", "r2"]) == [33, 66, 0]
    assert sa.anti_affinity_scores(["r1"], []) == [100]


def test_taint_toleration_score_prefers_untainted() -> None:
    c = cluster(node("soft", taints=[{"key": "k", "effect": "PreferNoSchedule"}]), node("clean"))
    plugin = tt.TaintToleration()
    assert plugin.score(CycleState(pod("p")), c, [0, 1]) == [0, 100]
    with pytest.raises(FitError):
        hard = cluster(node("h", taints=[{"key": "k", "value": "v", "effect": "NoExecute"}]))
        Framework(default_profile()).schedule(pod("p"), hard)


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("nginx", "nginx:latest"),
        ("nginx:1.25", "nginx:1.25"),
        ("localhost:5000/app", "localhost:5000/app:latest"),
        ("localhost:5000/app:v1", "localhost:5000/app:v1"),
        ("app@sha256:abc", "app@sha256:abc"),
    ],
)
def test_normalized_image_name(name: str, normalized: str) -> None:
    assert il.normalized_image_name(name) == normalized


@pytest.mark.parametrize(
    ("total", "containers", "score"),
    [
        (0, 1, 0),
        (23 * il.MB, 1, 0),
        (1000 * il.MB, 1, 100),
        (5000 * il.MB, 1, 100),
        (511 * il.MB + il.MB // 2, 1, 50),
        (1000 * il.MB, 2, 49),  # (1000 - 23) / (2000 - 23)
    ],
)
def test_image_locality_priority(total: int, containers: int, score: int) -> None:
    assert il.priority(total, containers) == score


def test_image_locality_prefers_nodes_with_the_image() -> None:
    big = {"names": ["docker.io/library/redis:7", "redis:7"], "sizeBytes": 800 * il.MB}
    with_image = node("warm")
    with_image["status"]["images"] = [big]
    c = cluster(with_image, node("cold"))
    p = pod("r")
    p["spec"]["containers"][0]["image"] = "redis:7"
    # 800Mi seen on 1 node of 2: 400Mi → 100 * (400 - 23) / (1000 - 23)
    assert il.ImageLocality().score(CycleState(p), c, [0, 1]) == [38, 0]
    assert Framework(default_profile()).schedule(p, c).node == "warm"
    c.table.remove_node("warm")
    assert c.table.image_nodes == {}


def test_image_locality_counts_every_container_and_each_nodes_own_sizes() -> None:
    redis = {"names": ["redis:7"], "sizeBytes": 800 * il.MB}
    nginx = {"names": ["nginx:1"], "sizeBytes": 200 * il.MB}
    small_redis = {"names": ["redis:7"], "sizeBytes": 100 * il.MB}
    nodes = [node(n) for n in ("a", "b", "c", "d", "e")]
    nodes[0]["status"]["images"] = [redis, nginx]
    nodes[1]["status"]["images"] = [redis]
    nodes[3]["status"]["images"] = [redis]
    nodes[4]["status"]["images"] = [small_redis]
    c = cluster(*nodes)
    p = pod("r")
    p["spec"]["containers"] = [
        {"name": n, "image": i} for n, i in (("x", "redis:7"), ("y", "redis:7"), ("z", "nginx:1"))
    ]
    # redis on 4 of 5 nodes, nginx on 1: a = 2 * 800Mi * 4/5 + 200Mi / 5, b and d = 2 * 800Mi * 4/5,
    # e = 2 * 100Mi * 4/5; 100 * (sum - 23Mi) / (3000Mi - 23Mi), at least 0
    assert il.ImageLocality().score(CycleState(p), c, [4, 3, 2, 1, 0]) == [4, 42, 0, 42, 43]
