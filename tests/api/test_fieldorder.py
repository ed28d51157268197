"""with_field puts a new key where Kubernetes' encoder writes it."""

from __future__ import annotations

from kubepy.api.catalog import all_resources
from kubepy.api.decode import canonical_order
from kubepy.api.fieldorder import with_field
from kubepy.api.schema import Struct

POD = next(r for r in all_resources() if r.kind == "Pod" and r.group == "").schema
SPEC = POD.fields["spec"].type
STATUS = POD.fields["status"].type


def test_a_new_field_goes_where_go_writes_it() -> None:
    assert isinstance(SPEC, Struct) and isinstance(STATUS, Struct)
    spec = {"containers": [], "restartPolicy": "Always", "serviceAccount": "default", "hostNetwork": False}
    out = with_field(spec, "nodeName", "n1", SPEC)
    assert list(out) == ["containers", "restartPolicy", "serviceAccount", "nodeName", "hostNetwork"]
    assert "nodeName" not in spec  # the input is left as it is
    status = {"phase": "Pending", "qosClass": "BestEffort"}
    assert list(with_field(status, "conditions", [], STATUS)) == ["phase", "conditions", "qosClass"]
    assert list(with_field({}, "conditions", [], STATUS)) == ["conditions"]
    assert list(with_field({"phase": "Pending"}, "conditions", [], STATUS)) == ["phase", "conditions"]


def test_an_existing_field_keeps_its_place_and_unknown_ones_go_last() -> None:
    assert isinstance(SPEC, Struct)
    spec = {"nodeName": "old", "containers": []}
    out = with_field(spec, "nodeName", "new", SPEC)
    assert list(out) == ["nodeName", "containers"] and out["nodeName"] == "new"
    assert list(with_field({"containers": []}, "x-unknown", 1, SPEC)) == ["containers", "x-unknown"]


def test_same_order_as_canonical_order_on_a_canonical_pod() -> None:
    pod = canonical_order(
        {
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {"name": "p"},
            "spec": {
                "containers": [{"name": "c", "image": "i"}],
                "restartPolicy": "Always",
                "dnsPolicy": "ClusterFirst",
                "serviceAccountName": "default",
                "serviceAccount": "default",
                "securityContext": {},
                "schedulerName": "default-scheduler",
                "priority": 0,
            },
            "status": {"phase": "Pending", "qosClass": "BestEffort"},
        },
        POD,
    )
    assert isinstance(SPEC, Struct) and isinstance(STATUS, Struct)
    spec = with_field(pod["spec"], "nodeName", "n1", SPEC)
    status = with_field(pod["status"], "conditions", [{"type": "PodScheduled"}], STATUS)
    bound = {**pod, "spec": spec, "status": status}
    assert list(canonical_order(bound, POD)["spec"]) == list(spec)
    assert list(canonical_order(bound, POD)["status"]) == list(status)
