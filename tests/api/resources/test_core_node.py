import pytest

from kubepy.api.resources.core_node import RESOURCES

from .helpers import create, load, messages, row, update

NODE = RESOURCES[0]


def test_book_node_keeps_status_and_defaults_allocatable():
    obj, errs = create(NODE, load("misc/node-e2e-example.json"))
    assert errs == []
    assert obj["status"]["allocatable"] == {"cpu": "1", "memory": "1745152Ki"}
    assert obj["status"]["conditions"][0]["type"] == "Ready"
    assert obj["status"]["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 0}}
    assert obj["status"]["nodeInfo"]["operatingSystem"] == ""


def test_unschedule_node_replace():
    registered = load("misc/node-e2e-example.json") | {"metadata": {"name": "kubernetes-minion1"}, "spec": {}}
    old, _ = create(NODE, registered)
    new, errs = update(NODE, load("misc/unschedule_node.yaml"), old)
    assert errs == []
    assert new["spec"]["unschedulable"] is True
    assert new["status"] == old["status"]
    assert row(NODE, new)["Status"] == "Ready,SchedulingDisabled"
    assert NODE.field_selectors["spec.unschedulable"](new) == "true"


def test_table_cells():
    obj, _ = create(NODE, load("misc/node-e2e-example.json"))
    obj["metadata"]["labels"] = {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"}
    assert row(NODE, obj) == {
        "Name": "e2e-test-wojtekt-minion-etd6",
        "Status": "Ready",
        "Roles": "control-plane,master",
        "Age": "10m",
        "Version": "v0.15.0-484-g0c8ee980d705a3-dirty",
        "Internal-IP": "<none>",
        "External-IP": "104.197.49.213",
        "OS-Image": "Debian GNU/Linux 7 (wheezy)",
        "Kernel-Version": "3.16.0-0.bpo.4-amd64",
        "Container-Runtime": "docker://1.5.0",
    }
    bare, _ = create(NODE, {"metadata": {"name": "n"}})
    cells = row(NODE, bare)
    assert (cells["Status"], cells["Roles"], cells["OS-Image"]) == ("Unknown", "<none>", "<unknown>")
    obj["status"]["conditions"][0]["status"] = "False"
    assert row(NODE, obj)["Status"] == "NotReady"


@pytest.mark.parametrize(
    "spec, status, expected",
    [
        (
            {"taints": [{"key": "a", "effect": "Sometimes"}]},
            {},
            [
                'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'
            ],
        ),
        ({"taints": [{"key": "a"}]}, {}, ["metadata.taints[0].effect: Required value"]),
        (
            {
                "taints": [
                    {"key": "a", "effect": "NoSchedule"},
                    {"key": "a", "value": "b", "effect": "NoSchedule"},
                ]
            },
            {},
            [
                'metadata.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"b", Effect:"NoSchedule", '
                "TimeAdded:<nil>}: taints must be unique by key and effect pair"
            ],
        ),
        (
            {"podCIDRs": ["10.1.0.0/33"]},
            {},
            [
                'spec.podCIDRs[0]: Invalid value: "10.1.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'
            ],
        ),
        (
            {},
            {"capacity": {"cpu": "-1"}, "allocatable": {}},
            ['status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0'],
        ),
        (
            {},
            {"allocatable": {"pods": "1500m"}},
            [
                "status.allocatable.pods: Invalid value: resource.Quantity{i:resource.int64Amount{value:1500, scale:-3}, "
                'd:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1500m", Format:"DecimalSI"}: must be an integer'
            ],
        ),
    ],
)
def test_validation(spec, status, expected):
    _, errs = create(NODE, {"metadata": {"name": "n"}, "spec": spec, "status": status})
    assert messages(errs) == expected


def test_pod_cidr_set_once_and_external_id_immutable():
    old, _ = create(NODE, {"metadata": {"name": "n"}, "spec": {"podCIDR": "10.1.1.0/24", "externalID": "x"}})
    assert old["spec"]["podCIDRs"] == ["10.1.1.0/24"]
    _, errs = update(
        NODE, {"metadata": {"name": "n"}, "spec": {"podCIDRs": ["10.1.2.0/24"], "externalID": "y"}}, old
    )
    assert messages(errs) == [
        'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
        "spec.externalID: Forbidden: may not be updated",
    ]


def test_replace_cannot_drop_external_id():
    old, _ = create(NODE, load("misc/node-e2e-example.json"))
    body = load("misc/unschedule_node.yaml") | {"metadata": {"name": "e2e-test-wojtekt-minion-etd6"}}
    _, errs = update(NODE, body, old)
    assert messages(errs) == ["spec.externalID: Forbidden: may not be updated"]
