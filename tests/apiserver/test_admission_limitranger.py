"""LimitRanger's pure decisions: defaults merged into pods, and the min/max/ratio messages
Kubernetes' plugin/pkg/admission/limitranger gives for containers, pods and claims."""

from __future__ import annotations

import pytest

from kubepy.api.errors import StatusError
from kubepy.apiserver.admission import CREATE, UPDATE, Attributes
from kubepy.apiserver.admission.limitranger import (
    ANNOTATION,
    LimitRanger,
    apply_defaults,
    claim_violations,
    container_defaults,
    max_constraint,
    min_constraint,
    pod_totals,
    pod_violations,
    ratio_constraint,
)


def limit_range(*items: dict) -> dict:
    return {
        "kind": "LimitRange",
        "metadata": {"name": "lr", "namespace": "ns"},
        "spec": {"limits": list(items)},
    }


def pod(*containers: dict, init: list[dict] | None = None) -> dict:
    spec: dict = {"containers": list(containers)}
    if init:
        spec["initContainers"] = init
    return {"metadata": {"name": "p"}, "spec": spec}


def ctr(name: str = "c", requests: dict | None = None, limits: dict | None = None) -> dict:
    res = {}
    if requests is not None:
        res["requests"] = requests
    if limits is not None:
        res["limits"] = limits
    return {"name": name, "image": "redis", "resources": res}


BOOK = limit_range(
    {"type": "Pod", "max": {"cpu": "2", "memory": "1Gi"}, "min": {"cpu": "250m", "memory": "32Mi"}},
    {
        "type": "Container",
        "max": {"cpu": "2", "memory": "1Gi"},
        "min": {"cpu": "250m", "memory": "32Mi"},
        "default": {"cpu": "250m", "memory": "64Mi"},
        "defaultRequest": {"cpu": "250m", "memory": "64Mi"},
    },
)


def test_container_defaults_come_from_container_items_only() -> None:
    lr = limit_range(
        {"type": "Pod", "max": {"cpu": "2"}},
        {"type": "Container", "default": {"cpu": "1"}, "defaultRequest": {"cpu": "500m"}},
    )
    assert container_defaults(lr) == ({"cpu": "500m"}, {"cpu": "1"})


def test_defaults_fill_only_what_is_missing_and_annotate() -> None:
    p = pod(ctr("a"), ctr("b", limits={"memory": "128Mi"}), init=[ctr("i", requests={"cpu": "1"})])
    apply_defaults(p, BOOK)
    a, b = p["spec"]["containers"]
    assert a["resources"] == {
        "requests": {"cpu": "250m", "memory": "64Mi"},
        "limits": {"cpu": "250m", "memory": "64Mi"},
    }
    assert b["resources"]["limits"] == {"memory": "128Mi", "cpu": "250m"}
    assert p["spec"]["initContainers"][0]["resources"]["requests"] == {"cpu": "1", "memory": "64Mi"}
    assert p["metadata"]["annotations"][ANNOTATION] == (
        "LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; "
        "cpu, memory request for container b; cpu limit for container b; "
        "memory request for init container i; cpu, memory limit for init container i"
    )


def test_no_defaults_no_annotation() -> None:
    p = pod(ctr("a"))
    apply_defaults(p, limit_range({"type": "Container", "max": {"cpu": "1"}}))
    assert "annotations" not in p["metadata"]


@pytest.mark.parametrize(
    ("fn", "requests", "limits", "msg"),
    [
        (min_constraint, {}, {}, "minimum memory usage per Container is 32Mi.  No request is specified"),
        (
            min_constraint,
            {"memory": "16Mi"},
            {},
            "minimum memory usage per Container is 32Mi, but request is 16Mi",
        ),
        (
            min_constraint,
            {"memory": "32Mi"},
            {"memory": "16Mi"},
            "minimum memory usage per Container is 32Mi, but limit is 16Mi",
        ),
        (min_constraint, {"memory": "32Mi"}, {"memory": "1Gi"}, ""),
        (max_constraint, {}, {}, "maximum memory usage per Container is 32Mi.  No limit is specified"),
        (
            max_constraint,
            {},
            {"memory": "64Mi"},
            "maximum memory usage per Container is 32Mi, but limit is 64Mi",
        ),
        (
            max_constraint,
            {"memory": "64Mi"},
            {"memory": "32Mi"},
            "maximum memory usage per Container is 32Mi, but request is 64Mi",
        ),
        (max_constraint, {"memory": "1Mi"}, {"memory": "32Mi"}, ""),
    ],
)
def test_min_max_messages(fn, requests: dict, limits: dict, msg: str) -> None:
    assert fn("Container", "memory", "32Mi", requests, limits) == msg


def test_ratio_messages() -> None:
    assert ratio_constraint("Container", "cpu", "2", {}, {"cpu": "1"}) == (
        "cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"
    )
    assert ratio_constraint("Container", "cpu", "2", {"cpu": "100m"}, {}) == (
        "cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0"
    )
    assert ratio_constraint("Container", "cpu", "2", {"cpu": "100m"}, {"cpu": "250m"}) == (
        "cpu max limit to request ratio per Container is 2, but provided ratio is 2.500000"
    )
    assert ratio_constraint("Container", "cpu", "2", {"cpu": "100m"}, {"cpu": "200m"}) == ""


def test_milli_precision_rounds_up_as_kubernetes_does() -> None:
    """0.5m of cpu is one thousandth when compared, so it meets a 1m minimum."""
    assert min_constraint("Container", "cpu", "1m", {"cpu": "500u"}, {}) == ""
    assert min_constraint("Container", "cpu", "2m", {"cpu": "500u"}, {}) != ""


def test_pod_totals_sum_containers_against_the_largest_init_container() -> None:
    spec = pod(
        ctr("a", limits={"memory": "512Mi", "cpu": "1"}),
        ctr("b", limits={"memory": "1Gi"}),
        init=[ctr("i", limits={"memory": "2Gi"})],
    )["spec"]
    assert pod_totals(spec, "limits") == {"memory": "2Gi", "cpu": "1"}
    spec["initContainers"][0]["resources"]["limits"] = {"memory": "1Mi"}
    assert pod_totals(spec, "limits") == {"memory": "1536Mi", "cpu": "1"}


def test_sidecars_add_to_the_pod_and_to_later_init_containers() -> None:
    side = {**ctr("s", requests={"cpu": "1"}), "restartPolicy": "Always"}
    spec = pod(ctr("a", requests={"cpu": "1"}), init=[side, ctr("i", requests={"cpu": "1500m"})])["spec"]
    assert pod_totals(spec, "requests") == {"cpu": "2500m"}


def test_the_books_big_pod_breaks_both_the_pod_and_the_container_maximum() -> None:
    p = pod(ctr("master-pod", requests={"memory": "1536Mi"}, limits={"memory": "1536Mi"}))
    apply_defaults(p, BOOK)
    assert pod_violations(BOOK, p) == [
        "maximum memory usage per Pod is 1Gi, but limit is 1536Mi",
        "maximum memory usage per Container is 1Gi, but limit is 1536Mi",
    ]


def test_claims_are_bounded_on_their_storage_request() -> None:
    lr = limit_range({"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "2Gi"}})

    def claim(storage: str | None) -> dict:
        return {"spec": {"resources": {"requests": {"storage": storage} if storage else {}}}}

    assert claim_violations(lr, claim("1Gi")) == []
    assert claim_violations(lr, claim("512Mi")) == [
        "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 512Mi"
    ]
    assert claim_violations(lr, claim("3Gi")) == [
        "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 3Gi"
    ]
    assert claim_violations(lr, claim(None)) == [
        "minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified",
        "maximum storage usage per PersistentVolumeClaim is 2Gi.  No request is specified",
    ]


def _attrs(op: str, obj: dict, resource: str = "pods", **kw) -> Attributes:
    return Attributes(op, resource, "", "ns", obj, **kw)


def test_plugin_refuses_with_a_forbidden_naming_the_object() -> None:
    plugin = LimitRanger(lambda ns: [BOOK] if ns == "ns" else [])
    p = pod(ctr("c", limits={"memory": "2Gi"}))
    a = _attrs(CREATE, p)
    plugin.admit(a)
    with pytest.raises(StatusError) as err:
        plugin.validate(a)
    assert err.value.code == 403 and err.value.reason == "Forbidden"
    assert err.value.message == (
        'pods "p" is forbidden: [maximum memory usage per Pod is 1Gi, but limit is 2Gi, '
        "maximum memory usage per Container is 1Gi, but limit is 2Gi]"
    )


def test_plugin_leaves_pod_updates_subresources_and_other_namespaces_alone() -> None:
    plugin = LimitRanger(lambda ns: [BOOK] if ns == "ns" else [])
    big = pod(ctr("c", limits={"memory": "2Gi"}))
    plugin.validate(_attrs(UPDATE, big, old=pod(ctr("c"))))
    plugin.validate(_attrs(CREATE, big, subresource="status"))
    plugin.validate(Attributes(CREATE, "pods", "", "other", big))
    small = pod(ctr("c"))
    plugin.admit(_attrs(UPDATE, small, old=pod(ctr("c"))))
    assert small["spec"]["containers"][0]["resources"] == {}


def test_plugin_checks_claim_updates_unless_the_claim_is_being_deleted() -> None:
    lr = limit_range({"type": "PersistentVolumeClaim", "max": {"storage": "2Gi"}})
    plugin = LimitRanger(lambda ns: [lr])
    claim = {"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "5Gi"}}}}
    with pytest.raises(StatusError) as err:
        plugin.validate(_attrs(UPDATE, claim, "persistentvolumeclaims", old={"metadata": {}}))
    assert err.value.message == (
        'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, '
        "but request is 5Gi"
    )
    deleting = {"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}}
    plugin.validate(_attrs(UPDATE, claim, "persistentvolumeclaims", old=deleting))


def test_plugin_reads_the_limit_ranges_once_per_request() -> None:
    reads: list[str] = []

    def ranges(ns: str) -> list[dict]:
        reads.append(ns)
        return [limit_range({"type": "Container", "default": {"cpu": "100m"}})]

    plugin = LimitRanger(ranges)
    a = _attrs(CREATE, pod(ctr("c")))
    plugin.admit(a)
    plugin.validate(a)
    assert reads == ["ns"]
    assert a.obj["spec"]["containers"][0]["resources"]["limits"] == {"cpu": "100m"}
    plugin.validate(_attrs(CREATE, pod(ctr("c"))))  # another request reads them again
    assert reads == ["ns", "ns"]


def test_may_mutate_asks_each_admitting_plugin() -> None:
    from kubepy.apiserver.admission import default_chain, may_mutate

    chain = default_chain(lambda ns: [])
    assert may_mutate(chain, _attrs(CREATE, pod(ctr())))
    assert may_mutate(chain, _attrs(UPDATE, pod(ctr()), old=pod(ctr())))  # DefaultTolerationSeconds
    assert not may_mutate(chain, _attrs(CREATE, {"metadata": {"name": "e"}}, resource="events"))
    assert not may_mutate(chain, _attrs(UPDATE, pod(ctr()), subresource="status", old=pod(ctr())))

    class Unknown:  # admits without saying what it touches: assumed to change anything
        name = "Unknown"

        def admit(self, attrs: Attributes) -> None:
            return None

    assert may_mutate([*chain, Unknown()], _attrs(CREATE, {"metadata": {}}, resource="events"))
