import pytest

from kubepy.api.resources import core_event, events_v1

from .helpers import NOW, create, messages, row, update

EV = core_event.RESOURCES[0]
EV1 = events_v1.RESOURCES[0]

KUBELET_EVENT = {
    "metadata": {"name": "redis-master-b03io.13f4c2", "namespace": "default"},
    "involvedObject": {
        "kind": "Pod",
        "namespace": "default",
        "name": "redis-master-b03io",
        "apiVersion": "v1",
        "fieldPath": "spec.containers{master}",
    },
    "reason": "Pulled",
    "message": 'Successfully pulled image "kubeguide/redis-master" ',
    "source": {"component": "kubelet", "host": "kubernetes-minion1"},
    "firstTimestamp": "2015-04-22T11:50:00Z",
    "lastTimestamp": "2015-04-22T11:58:00Z",
    "count": 3,
    "type": "Normal",
}


def test_core_event_validates_and_prints_like_kubectl():
    obj, errs = create(EV, KUBELET_EVENT)
    assert errs == []
    assert row(EV, obj) == {
        "Last Seen": "2m",
        "Type": "Normal",
        "Reason": "Pulled",
        "Object": "pod/redis-master-b03io",
        "Subobject": "spec.containers{master}",
        "Source": "kubelet, kubernetes-minion1",
        "Message": 'Successfully pulled image "kubeguide/redis-master"',
        "First Seen": "10m",
        "Count": 3,
        "Name": "redis-master-b03io.13f4c2",
    }
    assert [c.name for c in EV.columns if not c.priority] == [
        "Last Seen",
        "Type",
        "Reason",
        "Object",
        "Message",
    ]
    assert EV.strategy.allow_create_on_update and EV.short_names == ("ev",)


def test_core_event_field_selectors():
    obj, _ = create(EV, KUBELET_EVENT)
    sel = EV.field_selectors
    assert sel["involvedObject.kind"](obj) == "Pod"
    assert sel["involvedObject.name"](obj) == "redis-master-b03io"
    assert sel["involvedObject.fieldPath"](obj) == "spec.containers{master}"
    assert sel["source"](obj) == "kubelet"
    assert sel["reason"](obj) == "Pulled"
    assert sel["type"](obj) == "Normal"


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            {"involvedObject": {"kind": "Pod", "namespace": "other", "name": "p"}},
            ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
        ),
        (
            {"eventTime": "2015-04-22T11:50:00.000000Z"},
            [
                "reportingComponent: Required value",
                'reportingComponent: Invalid value: "": name part must be non-empty',
                "reportingInstance: Required value",
                "action: Required value",
            ],
        ),
        (
            {
                "eventTime": "2015-04-22T11:50:00.000000Z",
                "reportingComponent": "k",
                "reportingInstance": "i",
                "action": "a",
                "reason": "r" * 129,
            },
            ['reason: Invalid value: "": can have at most 128 characters'],
        ),
    ],
)
def test_core_event_legacy_validation(change, expected):
    _, errs = create(EV, KUBELET_EVENT | change)
    assert messages(errs) == expected


def test_singleton_event_count_and_times():
    ev = {
        "metadata": {"name": "x", "namespace": "default"},
        "involvedObject": {"kind": "Node", "name": "n1"},
        "eventTime": "2015-04-22T11:59:00.000000Z",
    }
    cells = core_event.event_cells(ev, NOW)
    assert (cells["Count"], cells["First Seen"], cells["Last Seen"], cells["Object"]) == (
        1,
        "60s",
        "60s",
        "node/n1",
    )


V1_EVENT = {
    "apiVersion": "events.k8s.io/v1",
    "metadata": {"name": "e", "namespace": "default"},
    "eventTime": "2015-04-22T11:50:00.000000Z",
    "reportingController": "kubepy.io/scheduler",
    "reportingInstance": "scheduler-1",
    "action": "Binding",
    "reason": "Scheduled",
    "regarding": {"kind": "Pod", "namespace": "default", "name": "p"},
    "note": "Successfully assigned default/p to n1",
    "type": "Normal",
}


def test_events_v1_strict_validation_and_table():
    obj, errs = create(EV1, V1_EVENT)
    assert errs == []
    cells = row(EV1, obj)
    assert (cells["Object"], cells["Source"], cells["Message"], cells["Count"]) == (
        "pod/p",
        "kubepy.io/scheduler, scheduler-1",
        "Successfully assigned default/p to n1",
        1,
    )
    _, errs = create(EV1, V1_EVENT | {"type": "Bad", "deprecatedCount": 2, "series": {"count": 1}})
    assert messages(errs) == [
        'series.count: Invalid value: "": should be at least 2',
        "series.lastObservedTime: Required value",
        'type: Invalid value: "": has invalid value: Bad',
        'count: Invalid value: "": needs to be unset',
    ]
    _, errs = create(EV1, {k: v for k, v in V1_EVENT.items() if k != "eventTime"})
    assert "eventTime: Required value" in messages(errs)


def test_events_v1_update_immutable_and_selectors():
    old, _ = create(EV1, V1_EVENT)
    _, errs = update(EV1, V1_EVENT | {"note": "changed"}, old)
    assert messages(errs) == ['message: Invalid value: "changed": field is immutable']
    assert EV1.field_selectors["regarding.name"](old) == "p"
    assert EV1.field_selectors["reportingController"](old) == "kubepy.io/scheduler"


def test_conversion_round_trip():
    core = events_v1.to_core(V1_EVENT)
    assert core["involvedObject"]["name"] == "p" and core["reportingComponent"] == "kubepy.io/scheduler"
    assert events_v1.from_core(core) == V1_EVENT


def test_core_event_serialised_defaults():
    obj, _ = create(
        EV,
        {"metadata": {"name": "x"}, "involvedObject": {"kind": "Pod", "name": "p", "namespace": "default"}},
    )
    assert obj["source"] == {} and obj["reportingComponent"] == "" and obj["reportingInstance"] == ""
    assert obj["eventTime"] is None and obj["firstTimestamp"] is None
