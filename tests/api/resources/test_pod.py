"""Pod and PodTemplate: defaults, QoS, validation messages, update rules, table cells, selectors."""

import copy
import json
from datetime import UTC, datetime

import pytest

from kubepy.api.resource import Context
from kubepy.api.resources.core_pod import RESOURCES, bind, pod_qos_class, pod_row
from kubepy.api.resources.core_pod_defaults import default_pull_policy, image_tag

BOOK = "/work/shared/book/"
POD, TEMPLATE = RESOURCES
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def create(obj):
    obj = copy.deepcopy(obj)
    obj.setdefault("metadata", {}).setdefault("name", "p")
    POD.strategy.default(obj)
    POD.strategy.prepare_for_create(obj, Context())
    return obj, [e.message() for e in POD.strategy.validate(obj, Context())]


def pod(*containers, **spec):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": list(containers), **spec},
    }


def ctr(name="c", image="nginx:1.7", **kw):
    return {"name": name, "image": image, **kw}


# ---- defaults --------------------------------------------------------------------------------
def test_book_pod_gets_server_filled_fields_of_pod4replace():
    stored = json.load(open(BOOK + "api-client/pod4Replace.json"))
    sent = json.load(open(BOOK + "api-client/podInNs.json"))
    sent["spec"]["containers"][0]["image"] = "192.168.1.128:1180/centos:7"
    out, errs = create(sent)
    assert errs == []
    c = out["spec"]["containers"][0]
    want = stored["spec"]["containers"][0]
    assert c["terminationMessagePath"] == want["terminationMessagePath"]
    assert c["resources"] == want["resources"] == {}
    assert c["imagePullPolicy"] == want["imagePullPolicy"] == "IfNotPresent"
    for key in ("restartPolicy", "dnsPolicy"):
        assert out["spec"][key] == stored["spec"][key]
    assert out["spec"]["terminationGracePeriodSeconds"] == 30
    assert out["spec"]["schedulerName"] == "default-scheduler"
    assert out["spec"]["securityContext"] == {}
    assert out["spec"]["enableServiceLinks"] is True
    assert c["terminationMessagePolicy"] == "File"
    assert out["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_book_pods_default_and_validate_cleanly():
    import yaml

    for name in (
        "misc/redis-slave-pod.yaml",
        "misc/nfs-web.yaml",
        "misc/test-pd.yaml",
        "misc/test-ebs.yaml",
        "misc/redis-master-pod.yaml",
        "security/pods.yaml",
        "security/mypod-secret-volume.json",
        "api-client/podInNs.json",
    ):
        doc = yaml.safe_load(open(BOOK + name))
        _, errs = create(doc)
        assert errs == [], name


@pytest.mark.parametrize(
    ("image", "tag", "policy"),
    [
        ("redis", "latest", "Always"),
        ("redis:latest", "latest", "Always"),
        ("kubeguide/redis-master", "latest", "Always"),
        ("192.168.1.128:1180/centos", "latest", "Always"),  # today's rule: untagged means latest
        ("kubeguide/redis-master:2.0", "2.0", "IfNotPresent"),
        ("localhost:5000/x:1.0", "1.0", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "", "IfNotPresent"),
        ("Redis", "", "IfNotPresent"),
    ],
)
def test_image_pull_policy_default(image, tag, policy):
    assert image_tag(image) == tag
    assert default_pull_policy(image) == policy


def test_container_part_defaults():
    probe = {"httpGet": {"port": 8080}}
    out, errs = create(
        pod(
            ctr(
                ports=[{"containerPort": 80}],
                env=[{"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                livenessProbe=probe,
                resources={"limits": {"cpu": "500m", "memory": "128Mi"}},
                volumeMounts=[{"name": "s", "mountPath": "/s"}],
            ),
            volumes=[
                {"name": "s", "secret": {"secretName": "x"}},
                {"name": "h", "hostPath": {"path": "/d"}},
                {"name": "e"},
            ],
        )
    )
    assert errs == []
    c = out["spec"]["containers"][0]
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert c["livenessProbe"] == {
        "httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert c["resources"]["requests"] == {"cpu": "500m", "memory": "128Mi"}
    vols = out["spec"]["volumes"]
    assert vols[0]["secret"]["defaultMode"] == 420
    assert vols[1]["hostPath"]["type"] == ""
    assert vols[2] == {"name": "e", "emptyDir": {}}
    assert out["status"]["qosClass"] == "Guaranteed"


def test_template_defaults_do_not_add_pod_only_fields():
    obj = {
        "template": {
            "metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [ctr(resources={"limits": {"cpu": "1"}})]},
        }
    }
    TEMPLATE.strategy.default(obj)
    spec = obj["template"]["spec"]
    assert "enableServiceLinks" not in spec
    assert "requests" not in spec["containers"][0]["resources"]
    assert spec["restartPolicy"] == "Always"
    assert TEMPLATE.strategy.validate(obj, Context()) == []


def test_sub_milli_quantities_are_rounded_up():
    out, _ = create(pod(ctr(resources={"requests": {"cpu": "0.0001"}})))
    assert out["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "1m"


@pytest.mark.parametrize(
    ("resources", "qos"),
    [
        ({}, "BestEffort"),
        ({"limits": {"cpu": "1", "memory": "1Gi"}}, "Guaranteed"),
        ({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}}, "Burstable"),
        ({"requests": {"memory": "10Mi"}}, "Burstable"),
        ({"limits": {"cpu": "1"}}, "Burstable"),
    ],
)
def test_qos_class(resources, qos):
    obj = pod(ctr(resources=copy.deepcopy(resources)))
    POD.strategy.default(obj)
    assert pod_qos_class(obj) == qos


@pytest.mark.parametrize(
    "spec",
    [
        {"containers": [{"name": "c"}]},
        {"containers": [{"name": "c", "resources": {}}], "initContainers": [{"name": "i"}]},
        {"containers": [{"name": "c", "resources": {"requests": {}, "limits": {}}}]},
        {"containers": [None, {"name": "c"}]},
        {"containers": [{"name": "c", "resources": {"requests": {"cpu": "0"}}}]},
        {"containers": [{"name": "c", "resources": {"requests": {"storage": "1Gi"}}}]},
        {
            "containers": [{"name": "c"}],
            "initContainers": [{"name": "i", "resources": {"limits": {"cpu": "1"}}}],
        },
        {"containers": [{"name": "c", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]},
        {},
    ],
)
def test_qos_class_without_resources_takes_no_sum_and_agrees_with_it(spec):
    """The BestEffort shortcut (nothing requested or limited) gives what adding up gives."""
    from kubepy.api.resources.core_pod import _qos_from_resources

    assert pod_qos_class({"spec": copy.deepcopy(spec)}) == _qos_from_resources(spec)


# ---- validation ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec_patch", "message"),
    [
        ({"containers": []}, "spec.containers: Required value"),
        ({"containers": [ctr(image="")]}, "spec.containers[0].image: Required value"),
        (
            {"containers": [ctr(), ctr()]},
            'spec.containers[1].name: Duplicate value: "c"',
        ),
        (
            {"containers": [ctr(name="Web")]},
            'spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case '
            "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
            "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
        (
            {"containers": [ctr(ports=[{"containerPort": 70000}])]},
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        ),
        (
            {"containers": [ctr(ports=[{"containerPort": 80, "protocol": "ICMP"}])]},
            'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        ),
        (
            {
                "containers": [
                    ctr(
                        ports=[
                            {"containerPort": 80, "hostPort": 0},
                            {"containerPort": 81, "name": "a", "hostPort": 99999},
                        ]
                    )
                ]
            },
            "spec.containers[0].ports[1].hostPort: Invalid value: 99999: must be between 1 and 65535, inclusive",
        ),
        (
            {"containers": [ctr(volumeMounts=[{"name": "data", "mountPath": "/data"}])]},
            'spec.containers[0].volumeMounts[0].name: Not found: "data"',
        ),
        (
            {"containers": [ctr(resources={"limits": {"cpu": "500m"}, "requests": {"cpu": "600m"}})]},
            'spec.containers[0].resources.requests: Invalid value: "600m": must be less than or equal to cpu limit of 500m',
        ),
        (
            {"containers": [ctr(resources={"limits": {"cpu": "-1"}})]},
            'spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
        ),
        (
            {"containers": [ctr(resources={"limits": {"gpu": "1"}})]},
            'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
        ),
        (
            {"restartPolicy": "Sometimes"},
            'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        ),
        (
            {"dnsPolicy": "Foo"},
            'spec.dnsPolicy: Unsupported value: "Foo": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
        ),
        (
            {"volumes": [{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}]},
            'spec.volumes[1].name: Duplicate value: "a"',
        ),
        (
            {"volumes": [{"name": "a", "emptyDir": {}, "hostPath": {"path": "/x"}}]},
            "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type",
        ),
        (
            {"volumes": [{"name": "n", "nfs": {"server": "s", "path": "rel"}}]},
            'spec.volumes[0].nfs.path: Invalid value: "rel": must be an absolute path',
        ),
        ({"volumes": [{"name": "s", "secret": {}}]}, "spec.volumes[0].secret.secretName: Required value"),
        (
            {"containers": [ctr(livenessProbe={"exec": {"command": ["true"]}, "successThreshold": 2})]},
            "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
        ),
        (
            {"containers": [ctr(readinessProbe={"periodSeconds": 5})]},
            "spec.containers[0].readinessProbe: Required value: must specify a handler type",
        ),
        (
            {"containers": [ctr(env=[{"name": "A=B", "value": "x"}])]},
            'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist '
            "only of printable ASCII characters other than '='",
        ),
        (
            {"containers": [ctr(imagePullPolicy="Sometimes")]},
            'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        ),
        (
            {"activeDeadlineSeconds": 0},
            "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
        ),
        ({"nodeSelector": {"zone": "north pole"}}, None),
        (
            {"tolerations": [{"operator": "Equal", "value": "x"}]},
            'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which '
            'means "match all values and all keys"',
        ),
        (
            {"tolerations": [{"key": "k", "operator": "Exists", "tolerationSeconds": 5}]},
            "spec.tolerations[0].effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
    ],
)
def test_validation_messages(spec_patch, message):
    obj = pod(ctr())
    obj["spec"].update(copy.deepcopy(spec_patch))
    _, errs = create(obj)
    if message is None:
        assert errs and errs[0].startswith('spec.nodeSelector: Invalid value: "north pole"')
    else:
        assert message in errs, errs


def test_restart_and_dns_policy_required_when_sent_empty():
    obj = pod(ctr())
    POD.strategy.default(obj)
    obj["spec"]["restartPolicy"] = ""
    errs = [e.message() for e in POD.strategy.validate(obj, Context())]
    assert "spec.restartPolicy: Required value" in errs


# ---- updates ---------------------------------------------------------------------------------
def _stored():
    out, errs = create(pod(ctr(), tolerations=[{"key": "a", "operator": "Exists"}]))
    assert errs == []
    return out


def update_errors(mutate):
    old = _stored()
    new = copy.deepcopy(old)
    mutate(new["spec"])
    POD.strategy.default(new)
    return [e.message() for e in POD.strategy.validate_update(new, old, Context())]


def test_image_and_deadline_and_added_toleration_may_change():
    def mutate(spec):
        spec["containers"][0]["image"] = "nginx:1.9"
        spec["activeDeadlineSeconds"] = 30
        spec["tolerations"].append({"key": "b", "operator": "Exists"})

    assert update_errors(mutate) == []


def test_other_spec_changes_are_forbidden():
    errs = update_errors(lambda s: s.update(nodeName="node-1"))
    assert len(errs) == 1
    assert errs[0].startswith(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
        "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)\n"
    )
    assert "spec.nodeName" in errs[0]


def test_update_container_count_and_tolerations():
    assert update_errors(lambda s: s["containers"].append(ctr(name="d"))) == [
        "spec.containers: Forbidden: pod updates may not add or remove containers"
    ]
    assert update_errors(lambda s: s.update(tolerations=[])) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"
    ]


def test_status_is_kept_on_main_update():
    old = _stored()
    new = copy.deepcopy(old)
    new["status"] = {"phase": "Running"}
    POD.strategy.prepare_for_update(new, old, Context())
    assert new["status"] == old["status"]


def test_bind_sets_node_and_scheduled_condition():
    p = _stored()
    assert bind(p, "node-1", {"a": "b"}, "2026-01-01T00:00:00Z") is None
    assert p["spec"]["nodeName"] == "node-1"
    assert p["metadata"]["annotations"] == {"a": "b"}
    assert p["status"]["conditions"][-1]["type"] == "PodScheduled"
    assert bind(p, "node-2", None, "x") == 'pod p is already assigned to node "node-1"'


def test_scheduling_gates_give_gated_condition_and_status():
    out, _ = create(pod(ctr(), schedulingGates=[{"name": "g"}]))
    assert out["status"]["conditions"][0]["reason"] == "SchedulingGated"
    assert pod_row(out, NOW)[1] == "SchedulingGated"


# ---- table -----------------------------------------------------------------------------------
def _cells(obj):
    return [c.cell(obj, NOW) for c in POD.columns]


def running(name="c", ready=True, restarts=0, last=None, **state):
    cs = {"name": name, "ready": ready, "restartCount": restarts, "state": state or {"running": {}}}
    if last:
        cs["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": last}}
    return cs


def test_table_columns_declaration():
    assert [(c.name, c.type, c.priority) for c in POD.columns] == [
        ("Name", "string", 0),
        ("Ready", "string", 0),
        ("Status", "string", 0),
        ("Restarts", "string", 0),
        ("Age", "string", 0),
        ("IP", "string", 1),
        ("Node", "string", 1),
        ("Nominated Node", "string", 1),
        ("Readiness Gates", "string", 1),
    ]
    assert POD.short_names == ("po",) and POD.categories == ("all",)
    assert "binding" in POD.subresources and "status" in POD.subresources


def test_running_pod_cells():
    p = _stored()
    p["metadata"]["creationTimestamp"] = "2026-01-01T11:00:00Z"
    p["spec"]["nodeName"] = "n1"
    p["spec"]["containers"].append(ctr(name="d"))
    p["status"].update(
        phase="Running",
        podIP="10.1.10.66",
        podIPs=[{"ip": "10.1.10.66"}],
        containerStatuses=[running(restarts=5, last="2026-01-01T11:55:00Z"), running("d", ready=False)],
    )
    assert _cells(p) == ["p", "1/2", "Running", "5 (5m ago)", "60m", "10.1.10.66", "n1", "<none>", "<none>"]


@pytest.mark.parametrize(
    ("status", "deleting", "want"),
    [
        (
            {
                "phase": "Pending",
                "containerStatuses": [running(ready=False, waiting={"reason": "ContainerCreating"})],
            },
            False,
            "ContainerCreating",
        ),
        (
            {
                "phase": "Running",
                "containerStatuses": [running(ready=False, waiting={"reason": "CrashLoopBackOff"})],
            },
            False,
            "CrashLoopBackOff",
        ),
        (
            {"phase": "Failed", "containerStatuses": [running(ready=False, terminated={"exitCode": 2})]},
            False,
            "ExitCode:2",
        ),
        (
            {
                "phase": "Failed",
                "containerStatuses": [running(ready=False, terminated={"exitCode": 0, "signal": 9})],
            },
            False,
            "Signal:9",
        ),
        (
            {
                "phase": "Succeeded",
                "containerStatuses": [running(ready=False, terminated={"reason": "Completed"})],
            },
            False,
            "Completed",
        ),
        ({"phase": "Running", "containerStatuses": [running()]}, True, "Terminating"),
        ({"phase": "Running", "reason": "NodeLost", "containerStatuses": [running()]}, True, "Unknown"),
        ({"phase": "Failed", "reason": "Evicted"}, False, "Evicted"),
        (
            {
                "phase": "Pending",
                "initContainerStatuses": [running("i", ready=False, waiting={"reason": "PodInitializing"})],
            },
            False,
            "Init:0/1",
        ),
        (
            {
                "phase": "Pending",
                "initContainerStatuses": [running("i", ready=False, terminated={"exitCode": 3})],
            },
            False,
            "Init:ExitCode:3",
        ),
        (
            {
                "phase": "Pending",
                "initContainerStatuses": [running("i", ready=False, waiting={"reason": "ImagePullBackOff"})],
            },
            False,
            "Init:ImagePullBackOff",
        ),
    ],
)
def test_status_cell(status, deleting, want):
    p = pod(ctr(), initContainers=[ctr(name="i")])
    p["status"] = status
    if deleting:
        p["metadata"]["deletionTimestamp"] = "2026-01-01T11:59:00Z"
    assert pod_row(p, NOW)[1] == want


def test_readiness_gates_cell():
    p = pod(ctr(), readinessGates=[{"conditionType": "a"}, {"conditionType": "b"}])
    p["status"] = {"conditions": [{"type": "a", "status": "True"}, {"type": "b", "status": "False"}]}
    assert _cells(p)[-1] == "1/2"


def test_field_selectors():
    p = _stored()
    p["spec"]["nodeName"] = "n1"
    p["status"]["podIPs"] = [{"ip": "10.0.0.1"}]
    fs = {k: fn(p) for k, fn in POD.field_selectors.items()}
    assert fs == {
        "spec.nodeName": "n1",
        "spec.restartPolicy": "Always",
        "spec.schedulerName": "default-scheduler",
        "spec.serviceAccountName": "",
        "spec.hostNetwork": "false",
        "status.phase": "Pending",
        "status.podIP": "10.0.0.1",
        "status.nominatedNodeName": "",
    }


def test_pod_template_columns():
    obj = {
        "metadata": {"name": "t"},
        "template": {
            "metadata": {"labels": {"b": "2", "a": "1"}},
            "spec": {"containers": [ctr(), ctr("d", "redis")]},
        },
    }
    assert [c.cell(obj, NOW) for c in TEMPLATE.columns] == ["t", "c,d", "nginx:1.7,redis", "a=1,b=2"]
    assert [c.name for c in TEMPLATE.columns] == ["Name", "Containers", "Images", "Pod Labels"]


def test_helpers_for_deletion_and_streaming():
    from kubepy.api.resources.core_pod import grace_period, select_container

    p = _stored()
    assert grace_period(p, None) == 0  # not scheduled yet
    p["spec"]["nodeName"] = "n1"
    assert grace_period(p, None) == 30
    assert grace_period(p, -5) == 1
    assert select_container(p, "") == ("c", None)
    assert select_container(p, "zz") == ("", "container zz is not valid for pod p")
    p["spec"]["containers"].append(ctr(name="d"))
    assert select_container(p, "")[1] == "a container name must be specified for pod p, choose one of: [c d]"


def test_warning_for_non_label_pod_name():
    assert POD.strategy.warnings({"metadata": {"name": "a.b"}}, None) == [
        "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; "
        "a DNS label is recommended: [must not contain dots]"
    ]
    assert POD.strategy.warnings({"metadata": {"name": "ab"}}, None) == []


@pytest.mark.parametrize(
    ("spec_patch", "message"),
    [
        (
            {"dnsPolicy": "None"},
            "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None",
        ),
        (
            {"dnsPolicy": "None", "dnsConfig": {"searches": ["a.b"]}},
            "spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None",
        ),
        (
            {
                "topologySpreadConstraints": [
                    {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}
                ]
            },
            "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
        ),
        (
            {
                "topologySpreadConstraints": [
                    {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "Maybe"}
                ]
            },
            'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: '
            '"DoNotSchedule", "ScheduleAnyway"',
        ),
        (
            {"hostNetwork": True, "containers": [ctr(ports=[{"containerPort": 80, "hostPort": 81}])]},
            "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true",
        ),
        (
            {"securityContext": {"runAsUser": -1}},
            "spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
        ),
        (
            {"initContainers": [ctr(name="i", livenessProbe={"exec": {"command": ["x"]}})]},
            "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
        ),
        ({"initContainers": [ctr(name="c")]}, 'spec.initContainers[0].name: Duplicate value: "c"'),
    ],
)
def test_more_pod_rules(spec_patch, message):
    obj = pod(ctr())
    obj["spec"].update(copy.deepcopy(spec_patch))
    _, errs = create(obj)
    assert message in errs, errs


def test_host_network_pods_get_host_ports():
    out, errs = create(pod(ctr(ports=[{"containerPort": 80}]), hostNetwork=True))
    assert errs == []
    assert out["spec"]["containers"][0]["ports"][0]["hostPort"] == 80


@pytest.mark.parametrize(
    ("volume", "message"),
    [
        ({"name": "d", "gcePersistentDisk": {}}, "spec.volumes[0].persistentDisk.pdName: Required value"),
        (
            {"name": "d", "hostPath": {"path": "/x"}, "cephfs": {"monitors": ["m"]}},
            "spec.volumes[0].cephFS: Forbidden: may not specify more than 1 volume type",
        ),
        (
            {
                "name": "d",
                "downwardAPI": {"items": [{"path": "/abs", "fieldRef": {"fieldPath": "metadata.name"}}]},
            },
            'spec.volumes[0].downwardAPI.path: Invalid value: "/abs": must be a relative path',
        ),
        (
            {"name": "d", "hostPath": {"path": "/a/../b"}},
            "spec.volumes[0].hostPath.path: Invalid value: \"/a/../b\": must not contain '..'",
        ),
        (
            {"name": "d", "awsElasticBlockStore": {"volumeID": "v", "partition": 300}},
            "spec.volumes[0].awsElasticBlockStore.partition: Invalid value: 300: must be between 1 and 255, inclusive",
        ),
        (
            {"name": "d", "secret": {"secretName": "s", "defaultMode": 999}},
            "spec.volumes[0].secret.defaultMode: Invalid value: 999: must be a number between 0 and 0777 (octal), both inclusive",
        ),
    ],
)
def test_volume_rules(volume, message):
    _, errs = create(pod(ctr(), volumes=[volume]))
    assert message in errs, errs


@pytest.mark.parametrize(
    ("container", "message"),
    [
        (
            ctr(env=[{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]),
            'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
        ),
        (
            ctr(env=[{"name": "A", "valueFrom": {}}]),
            'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, '
            "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ),
        (
            ctr(env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "spec.host"}}}]),
            'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.host": supported values: '
            '"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", '
            '"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
        ),
        (
            ctr(env=[{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s"}}}]),
            "spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value",
        ),
        (
            ctr(envFrom=[{}]),
            'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
        ),
        (
            ctr(terminationMessagePolicy="Sometimes"),
            'spec.containers[0].terminationMessagePolicy: Unsupported value: "Sometimes": supported values: "File", '
            '"FallbackToLogsOnError"',
        ),
        (
            ctr(volumeMounts=[{"name": "v", "mountPath": "/m", "subPath": "/abs"}]),
            'spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path',
        ),
        (
            ctr(lifecycle={"preStop": {"sleep": {"seconds": 40}}}),
            "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 40: must be non-negative and less than "
            "terminationGracePeriodSeconds (30)",
        ),
        (
            ctr(restartPolicy="Always"),
            "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
        ),
    ],
)
def test_container_rules(container, message):
    _, errs = create(pod(container, volumes=[{"name": "v", "emptyDir": {}}]))
    assert message in errs, errs


def test_host_port_conflicts_across_app_containers_only():
    a = ctr("a", ports=[{"containerPort": 80, "hostPort": 8080}])
    b = ctr("b", ports=[{"containerPort": 81, "hostPort": 8080}])
    _, errs = create(pod(a, b))
    assert 'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"' in errs
    _, errs = create(pod(a, initContainers=[ctr("i", ports=[{"containerPort": 81, "hostPort": 8080}])]))
    assert errs == []


def test_sidecar_init_container_may_have_probes():
    sidecar = ctr("s", restartPolicy="Always", readinessProbe={"tcpSocket": {"port": 80}})
    _, errs = create(pod(ctr(), initContainers=[sidecar]))
    assert errs == []
    _, errs = create(pod(ctr(), initContainers=[ctr("s", restartPolicy="OnFailure")]))
    assert (
        'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'
        in errs
    )


def test_status_update_rules():
    old = _stored()
    old["spec"]["restartPolicy"] = "Never"
    old["status"]["containerStatuses"] = [running(ready=False, terminated={"exitCode": 1})]
    new = copy.deepcopy(old)
    new["status"]["containerStatuses"] = [running()]
    new["status"]["podIPs"] = [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]
    new["status"]["qosClass"] = "Guaranteed"
    errs = [e.message() for e in POD.strategy.validate_status_update(new, old, Context())]
    assert (
        "status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"
        in errs
    )
    assert any(
        e.startswith("status.podIPs: Invalid value: ") and "no more than one IP for each IP family" in e
        for e in errs
    )
    assert 'status.qosClass: Invalid value: "Guaranteed": field is immutable' in errs
    new = copy.deepcopy(old)
    new["status"]["podIPs"] = [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}]
    assert POD.strategy.validate_status_update(new, old, Context()) == []


def test_negative_grace_period_is_accepted_like_kubernetes():
    out, errs = create(pod(ctr(), terminationGracePeriodSeconds=-1))
    assert errs == []
    new = copy.deepcopy(out)
    new["spec"]["terminationGracePeriodSeconds"] = 1  # the one change allowed for such a pod
    assert POD.strategy.validate_update(new, out, Context()) == []


def test_ephemeral_containers_and_gates():
    debug = {
        "name": "debug",
        "image": "busybox",
        "targetContainerName": "nope",
        "ports": [{"containerPort": 1}],
    }
    _, errs = create(pod(ctr(), ephemeralContainers=[debug]))
    assert 'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"' in errs
    assert "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container" in errs
    _, errs = create(pod(ctr(), schedulingGates=[{"name": "a"}, {"name": "a"}]))
    assert 'spec.schedulingGates[1]: Duplicate value: "a"' in errs
    _, errs = create(pod(ctr(), runtimeClassName=""))
    assert errs and errs[0].startswith('spec.runtimeClassName: Invalid value: ""')
