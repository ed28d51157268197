import pytest

from kubepy.api.errors import StatusError
from kubepy.api.resources import authentication, authorization, coordination, core_componentstatus, discovery

from .helpers import create, ctx, messages, row, update

CS = core_componentstatus.RESOURCES[0]
LEASE = coordination.RESOURCES[0]
SLICE = discovery.RESOURCES[0]
SSAR = authorization.RESOURCES[0]
SSR = authentication.RESOURCES[0]


def test_component_statuses():
    objs = core_componentstatus.component_statuses(
        {
            "scheduler": (True, "ok"),
            "etcd-0": (True, '{"health":"true"}'),
            "controller-manager": (False, "refused"),
        }
    )
    assert [o["metadata"]["name"] for o in objs] == ["controller-manager", "etcd-0", "scheduler"]
    assert objs[0]["conditions"] == [{"type": "Healthy", "status": "False", "error": "refused"}]
    assert row(CS, objs[0]) == {
        "Name": "controller-manager",
        "Status": "Unhealthy",
        "Message": "",
        "Error": "refused",
    }
    assert row(CS, objs[2]) == {"Name": "scheduler", "Status": "Healthy", "Message": "ok", "Error": ""}
    assert CS.verbs == ("get", "list") and not CS.namespaced and CS.short_names == ("cs",)


def test_lease():
    obj, errs = create(
        LEASE,
        {
            "metadata": {"name": "n1", "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": "n1", "leaseDurationSeconds": 40},
        },
    )
    assert errs == []
    assert row(LEASE, obj) == {"Name": "n1", "Holder": "n1", "Age": "10m"}
    _, errs = create(
        LEASE, {"metadata": {"name": "x"}, "spec": {"leaseDurationSeconds": 0, "preferredHolder": "a"}}
    )
    assert messages(errs) == [
        "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
        "spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined",
    ]
    assert LEASE.strategy.allow_create_on_update


SLICE_OBJ = {
    "metadata": {"name": "web-abc12"},
    "addressType": "IPv4",
    "endpoints": [{"addresses": [a]} for a in ("10.1.0.5", "10.1.0.6", "10.1.0.7", "10.1.0.8")],
    "ports": [{"port": 80}],
}


def test_endpoint_slice_defaults_and_table():
    obj, errs = create(SLICE, SLICE_OBJ)
    assert errs == []
    assert obj["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]
    assert row(SLICE, obj) == {
        "Name": "web-abc12",
        "AddressType": "IPv4",
        "Ports": "80",
        "Endpoints": "10.1.0.5,10.1.0.6,10.1.0.7 + 1 more...",
        "Age": "10m",
    }
    empty, _ = create(SLICE, {"metadata": {"name": "e"}, "addressType": "IPv4", "endpoints": []})
    assert (row(SLICE, empty)["Ports"], row(SLICE, empty)["Endpoints"]) == ("<unset>", "<unset>")
    assert SLICE.strategy.tracks_generation


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"addressType": ""}, ["addressType: Required value"]),
        (
            {"addressType": "IPX"},
            ['addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"'],
        ),
        (
            {"endpoints": [{"addresses": ["fd00::1"]}]},
            ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'],
        ),
        (
            {"endpoints": [{"addresses": []}]},
            ["endpoints[0].addresses: Required value: must contain at least 1 address"],
        ),
        (
            {"ports": [{"port": 80, "protocol": "ICMP"}]},
            ['ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
        ),
    ],
)
def test_endpoint_slice_errors(change, expected):
    _, errs = create(SLICE, SLICE_OBJ | change)
    assert messages(errs) == expected


def test_endpoint_slice_address_type_immutable():
    old, _ = create(SLICE, SLICE_OBJ)
    _, errs = update(SLICE, SLICE_OBJ | {"addressType": "IPv6", "endpoints": []}, old)
    assert messages(errs) == ['addressType: Invalid value: "IPv6": field is immutable']


def test_self_subject_access_review_allows():
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}},
    }
    out = SSAR.virtual(body, ctx())
    assert out["status"] == {"allowed": True}
    assert out["spec"] == body["spec"]
    assert SSAR.verbs == ("create",)
    with pytest.raises(StatusError) as exc:
        SSAR.virtual({"spec": {}}, ctx())
    assert exc.value.code == 422
    assert exc.value.message == (
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: '
        "exactly one of nonResourceAttributes or resourceAttributes must be specified"
    )


def test_self_subject_review_whoami():
    out = SSR.virtual({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}, ctx())
    assert out["status"]["userInfo"] == {
        "username": "system:unsecured",
        "groups": ["system:masters", "system:authenticated"],
    }
    assert SSR.verbs == ("create",)


def test_self_subject_rules_review_lists_everything():
    rules = authorization.RESOURCES[1]
    out = rules.virtual({"spec": {"namespace": "default"}}, ctx())
    assert out["status"] == {
        "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
        "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
        "incomplete": False,
    }
    with pytest.raises(StatusError) as exc:
        rules.virtual({"spec": {}}, ctx())
    assert (exc.value.code, exc.value.message) == (400, "no namespace on request")


def test_endpoint_slice_serialised_defaults():
    obj, _ = create(
        SLICE, {"metadata": {"name": "e"}, "addressType": "IPv4", "endpoints": [{"addresses": ["10.1.0.5"]}]}
    )
    assert obj["endpoints"][0]["conditions"] == {}
    assert obj["ports"] is None
