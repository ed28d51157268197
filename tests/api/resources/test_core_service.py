import pytest

from kubepy.api.resources.core_service import (
    RESOURCES,
    default_ip_families,
    service_cluster_ips,
    service_node_ports,
)

from .helpers import create, load, messages, row, update

SVC = RESOURCES[0]

BOOK_SERVICES = [
    "guestbook/redis-master-service.yaml",
    "guestbook/redis-slave-service.yaml",
    "guestbook/frontend-service.yaml",
    "misc/my-service.json",
    "misc/my-service-no-selector.json",
    "misc/my-service-multiport.json",
    "misc/my-service-loadbalancer.json",
    "misc/mywebservice-cluster-service.yaml",
    "misc/network-lab/frontend-service.yaml",
    "dns/skydns-svc.yaml",
]


@pytest.mark.parametrize("path", BOOK_SERVICES)
def test_book_services_validate(path):
    obj, errs = create(SVC, load(path))
    assert messages(errs) == []
    assert obj["spec"]["sessionAffinity"] == "None"
    assert all(p["protocol"] and p["targetPort"] for p in obj["spec"]["ports"])


def test_defaults_of_nodeport_service():
    obj, _ = create(SVC, load("guestbook/frontend-service.yaml"))
    spec = obj["spec"]
    assert spec["type"] == "NodePort"
    assert spec["ports"] == [{"port": 80, "nodePort": 30001, "protocol": "TCP", "targetPort": 80}]
    assert spec["externalTrafficPolicy"] == "Cluster"
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert obj["status"] == {"loadBalancer": {}}


def test_defaults_of_cluster_ip_and_load_balancer():
    obj, _ = create(SVC, load("guestbook/redis-master-service.yaml"))
    assert "externalTrafficPolicy" not in obj["spec"]
    assert obj["spec"]["type"] == "ClusterIP"
    lb, _ = create(SVC, load("misc/my-service-loadbalancer.json"))
    assert lb["spec"]["allocateLoadBalancerNodePorts"] is True
    assert lb["spec"]["clusterIPs"] == ["10.0.171.239"]
    assert lb["status"] == {"loadBalancer": {}}  # status is not the client's to set


def test_client_ip_affinity_default_timeout():
    obj, errs = create(
        SVC, {"metadata": {"name": "a"}, "spec": {"sessionAffinity": "ClientIP", "ports": [{"port": 1}]}}
    )
    assert errs == []
    assert obj["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def svc(**spec):
    return {"metadata": {"name": "s"}, "spec": spec}


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({}, ["spec.ports: Required value"]),
        (
            {"ports": [{"port": 80}, {"port": 81}]},
            ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"],
        ),
        (
            {"ports": [{"port": 80, "name": "a"}, {"port": 81, "name": "a"}]},
            ['spec.ports[1].name: Duplicate value: "a"'],
        ),
        (
            {"ports": [{"port": 0, "targetPort": 80}]},
            ["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"],
        ),
        (
            {"ports": [{"port": 80, "targetPort": "8080"}]},
            ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'],
        ),
        (
            {"ports": [{"port": 80, "nodePort": 30001}]},
            ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
        ),
        (
            {"type": "Foo", "ports": [{"port": 80}]},
            [
                'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'
            ],
        ),
        (
            {"sessionAffinity": "Sticky", "ports": [{"port": 80}]},
            ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
        ),
        (
            {"clusterIP": "10.0.0.300", "ports": [{"port": 80}]},
            [
                'spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'
            ],
        ),
        (
            {"ports": [{"port": 80, "protocol": "ICMP"}]},
            ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
        ),
        (
            {"selector": {"app": "my app"}, "ports": [{"port": 80}]},
            [
                'spec.selector: Invalid value: "my app": a valid label must be an empty string or consist of '
                "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            ],
        ),
        ({"type": "ExternalName"}, ["spec.externalName: Required value"]),
        (
            {"type": "ExternalName", "externalName": "foo.com", "clusterIP": "10.0.0.1"},
            ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"],
        ),
        (
            {"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]},
            ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
        ),
        (
            {"ports": [{"port": 80, "name": "a"}, {"port": 80, "name": "b"}]},
            [
                'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), '
                'Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'
            ],
        ),
        (
            {"externalIPs": ["127.0.0.1"], "ports": [{"port": 80}]},
            [
                'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'
            ],
        ),
    ],
)
def test_validation_errors(spec, expected):
    _, errs = create(SVC, svc(**spec))
    assert messages(errs) == expected


def test_headless_needs_no_ports():
    _, errs = create(SVC, svc(clusterIP="None", selector={"app": "x"}))
    assert errs == []


def test_name_rule_is_dns1035():
    assert SVC.name_rule("1abc", False) == [
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
        "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    ]


def test_cluster_ip_immutable_and_kept_on_replace():
    old, _ = create(SVC, svc(clusterIP="10.254.0.10", ports=[{"port": 80}]))
    new, errs = update(SVC, svc(ports=[{"port": 80}]), old)
    assert errs == [] and new["spec"]["clusterIP"] == "10.254.0.10"
    _, errs = update(SVC, svc(clusterIP="10.254.0.11", clusterIPs=["10.254.0.11"], ports=[{"port": 80}]), old)
    assert messages(errs) == ['spec.clusterIPs[0]: Invalid value: ["10.254.0.11"]: may not change once set']


def test_node_port_kept_and_dropped_on_type_change():
    old, _ = create(
        SVC, svc(type="NodePort", clusterIP="10.254.0.10", ports=[{"port": 80, "nodePort": 30001}])
    )
    new, errs = update(SVC, svc(type="NodePort", ports=[{"port": 80}]), old)
    assert errs == [] and new["spec"]["ports"][0]["nodePort"] == 30001
    new, errs = update(
        SVC, svc(type="ClusterIP", clusterIP="10.254.0.10", ports=[{"port": 80, "nodePort": 30001}]), old
    )
    assert errs == []
    assert "nodePort" not in new["spec"]["ports"][0] and "externalTrafficPolicy" not in new["spec"]


def test_status_update_ingress_only_for_load_balancers():
    old, _ = create(SVC, svc(clusterIP="10.254.0.10", ports=[{"port": 80}]))
    body = {**old, "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}}
    _, errs = update(SVC, body, old, "status")
    assert messages(errs) == [
        "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"
    ]


def test_table_cells():
    obj, _ = create(SVC, load("guestbook/frontend-service.yaml"))
    obj["spec"]["clusterIP"] = "10.254.0.5"
    obj["spec"]["clusterIPs"] = ["10.254.0.5"]
    assert row(SVC, obj) == {
        "Name": "frontend",
        "Type": "NodePort",
        "Cluster-IP": "10.254.0.5",
        "External-IP": "<none>",
        "Port(s)": "80:30001/TCP",
        "Age": "10m",
        "Selector": "name=frontend",
    }
    lb, _ = create(SVC, load("misc/my-service-loadbalancer.json"))
    assert row(SVC, lb)["External-IP"] == "<pending>"
    lb["status"] = {"loadBalancer": {"ingress": [{"ip": "146.148.47.155"}]}}
    assert row(SVC, lb)["External-IP"] == "146.148.47.155"
    multi, _ = create(SVC, load("misc/my-service-multiport.json"))
    assert row(SVC, multi)["Port(s)"] == "80/TCP,443/TCP"
    assert row(SVC, multi)["Cluster-IP"] == "<none>"
    assert [c.name for c in SVC.columns if c.priority] == ["Selector"]


def test_allocator_helpers():
    obj, _ = create(SVC, load("misc/my-service-loadbalancer.json"))
    assert service_cluster_ips(obj) == ["10.0.171.239"]
    assert service_node_ports(obj) == [30061]
    default_ip_families(obj)
    assert obj["spec"]["ipFamilies"] == ["IPv4"] and obj["spec"]["ipFamilyPolicy"] == "SingleStack"
    headless, _ = create(SVC, svc(clusterIP="None", selector={"a": "b"}))
    assert service_cluster_ips(headless) == []


def test_declaration():
    assert SVC.short_names == ("svc",) and SVC.categories == ("all",)
    assert SVC.subresources == ("status", "proxy")
    assert set(SVC.field_selectors) == {"spec.clusterIP", "spec.type"}
