"""Every served kind, as the CRUD suite drives it: its typed API, a manifest (the book's where
there is one) and the defaults Kubernetes fills in, checked on the typed object."""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.python_client.helpers import book

SERVICE_RANGE = ipaddress.ip_network("10.254.0.0/16")


@dataclass(frozen=True)
class Kind:
    id: str
    api: str  # class of kubernetes.client
    snake: str  # method suffix: create_namespaced_<snake>
    plural: str
    namespaced: bool
    body: Callable[[str], dict[str, Any]]  # namespace -> manifest
    check: Callable[[Any], None]  # asserts on the typed object create returned


def _named(manifest: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    m = copy.deepcopy(manifest)
    if name:
        m["metadata"]["name"] = name
    return m


# ---- manifests and the defaults Kubernetes fills -----------------------------------------------
def _container_defaults(c: Any) -> None:
    assert c.termination_message_path == "/dev/termination-log"
    assert c.termination_message_policy == "File"
    for port in c.ports or ():
        assert port.protocol == "TCP"


def _pod_spec_defaults(spec: Any) -> None:
    """SetDefaults_PodSpec (Pods and every pod template)."""
    assert spec.restart_policy == "Always"
    assert spec.dns_policy == "ClusterFirst"
    assert spec.scheduler_name == "default-scheduler"
    assert spec.termination_grace_period_seconds == 30
    assert spec.security_context is not None
    for c in spec.containers:
        _container_defaults(c)


def check_pod(p: Any) -> None:
    _pod_spec_defaults(p.spec)
    assert p.spec.enable_service_links is True  # SetDefaults_Pod only, never in templates
    # no tag means :latest, which is always pulled
    assert p.spec.containers[0].image == "kubeguide/guestbook-redis-slave"
    assert p.spec.containers[0].image_pull_policy == "Always"
    assert p.spec.containers[0].env[0].name == "GET_HOSTS_FROM"
    assert p.status.phase == "Pending"
    assert p.status.qos_class == "BestEffort"


def check_service(s: Any) -> None:
    assert s.spec.type == "NodePort"
    assert ipaddress.ip_address(s.spec.cluster_ip) in SERVICE_RANGE
    assert s.spec.cluster_ips == [s.spec.cluster_ip]
    port = s.spec.ports[0]
    assert (port.port, port.node_port, port.protocol) == (80, 30001, "TCP")
    assert port.target_port == 80  # defaults to port
    assert s.spec.session_affinity == "None"
    assert s.spec.external_traffic_policy == "Cluster"
    assert s.spec.internal_traffic_policy == "Cluster"
    assert s.spec.ip_families == ["IPv4"]
    assert s.spec.ip_family_policy == "SingleStack"


def check_endpoints(e: Any) -> None:
    assert e.subsets[0].addresses[0].ip == "1.2.3.4"
    assert e.subsets[0].ports[0].port == 80
    assert e.subsets[0].ports[0].protocol == "TCP"


def check_rc(rc: Any) -> None:
    assert rc.spec.replicas == 1
    assert rc.spec.selector == {"name": "redis-master"}
    assert rc.metadata.generation == 1
    _pod_spec_defaults(rc.spec.template.spec)
    assert rc.spec.template.spec.containers[0].image_pull_policy == "Always"


def check_secret(s: Any) -> None:
    assert s.type == "Opaque"
    assert s.data == {"password": "dmFsdWUtMg0K", "username": "dmFsdWUtMQ0K"}


def check_configmap(cm: Any) -> None:
    assert cm.data == {"color": "blue"}


def check_serviceaccount(sa: Any) -> None:
    assert sa.metadata.name == "build-robot"


def check_quota(q: Any) -> None:
    assert q.spec.hard["memory"] == "1Gi" and q.spec.hard["pods"] == "10"


def check_limitrange(lr: Any) -> None:
    container = next(item for item in lr.spec.limits if item.type == "Container")
    assert container.default == {"cpu": "250m", "memory": "100Mi"}
    # SetDefaults_LimitRangeItem: defaultRequest follows default
    assert container.default_request == {"cpu": "250m", "memory": "100Mi"}
    pod_item = next(item for item in lr.spec.limits if item.type == "Pod")
    assert pod_item.default is None and pod_item.max == {"cpu": "2", "memory": "1Gi"}


def check_core_event(ev: Any) -> None:
    assert ev.involved_object.kind == "Pod" and ev.reason == "Started"
    assert ev.count == 1


def check_pvc(pvc: Any) -> None:
    assert pvc.spec.volume_mode == "Filesystem"
    assert pvc.spec.resources.requests == {"storage": "1Gi"}
    assert pvc.status.phase == "Pending"


def check_podtemplate(pt: Any) -> None:
    _pod_spec_defaults(pt.template.spec)


def check_namespace(n: Any) -> None:
    assert n.spec.finalizers == ["kubernetes"]
    assert n.status.phase == "Active"
    assert n.metadata.labels["kubernetes.io/metadata.name"] == n.metadata.name


def check_node(n: Any) -> None:
    assert n.spec.external_id == "15488322946290398375"
    assert n.status.capacity == {"cpu": "1", "memory": "1745152Ki"}  # a node's status is kept on create
    assert n.status.node_info.os_image == "Debian GNU/Linux 7 (wheezy)"


def check_pv(pv: Any) -> None:
    assert pv.spec.persistent_volume_reclaim_policy == "Retain"
    assert pv.spec.volume_mode == "Filesystem"
    assert pv.status.phase == "Pending"


def check_deployment(d: Any) -> None:
    assert d.spec.strategy.type == "RollingUpdate"
    assert (d.spec.strategy.rolling_update.max_surge, d.spec.strategy.rolling_update.max_unavailable) == (
        "25%",
        "25%",
    )
    assert d.spec.revision_history_limit == 10
    assert d.spec.progress_deadline_seconds == 600
    assert d.metadata.generation == 1
    _pod_spec_defaults(d.spec.template.spec)


def check_replicaset(rs: Any) -> None:
    assert rs.spec.replicas == 1  # omitted in the manifest
    _pod_spec_defaults(rs.spec.template.spec)


def check_statefulset(ss: Any) -> None:
    assert ss.spec.replicas == 1
    assert ss.spec.pod_management_policy == "OrderedReady"
    assert ss.spec.update_strategy.type == "RollingUpdate"
    assert ss.spec.update_strategy.rolling_update.partition == 0
    assert ss.spec.revision_history_limit == 10
    policy = ss.spec.persistent_volume_claim_retention_policy
    assert (policy.when_deleted, policy.when_scaled) == ("Retain", "Retain")


def check_daemonset(ds: Any) -> None:
    assert ds.spec.update_strategy.type == "RollingUpdate"
    assert ds.spec.update_strategy.rolling_update.max_unavailable == 1
    assert ds.spec.update_strategy.rolling_update.max_surge == 0
    assert ds.spec.revision_history_limit == 10


def check_job(j: Any) -> None:
    assert (j.spec.completions, j.spec.parallelism, j.spec.backoff_limit) == (1, 1, 6)
    assert j.spec.completion_mode == "NonIndexed"
    assert j.spec.suspend is False
    # the selector is generated from the Job's uid, and the template carries it
    uid_label = j.spec.selector.match_labels["batch.kubernetes.io/controller-uid"]
    assert uid_label == j.metadata.uid
    assert j.spec.template.metadata.labels["batch.kubernetes.io/controller-uid"] == j.metadata.uid
    assert j.spec.template.metadata.labels["batch.kubernetes.io/job-name"] == j.metadata.name


def check_cronjob(cj: Any) -> None:
    assert cj.spec.concurrency_policy == "Allow"
    assert cj.spec.suspend is False
    assert (cj.spec.successful_jobs_history_limit, cj.spec.failed_jobs_history_limit) == (3, 1)


def check_lease(le: Any) -> None:
    assert le.spec.holder_identity == "node-a" and le.spec.lease_duration_seconds == 40


def check_endpointslice(es: Any) -> None:
    assert es.address_type == "IPv4"
    assert es.endpoints[0].addresses == ["10.1.2.3"]
    assert es.ports[0].protocol == "TCP"


def check_events_v1(ev: Any) -> None:
    assert ev.reporting_controller == "kubepy.io/conformance"
    assert ev.regarding.name == "x" and ev.note == "hello"


def _pod_template(labels: dict[str, str], restart: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "nginx:1.25"}]}
    if restart:
        spec["restartPolicy"] = restart
    return {"metadata": {"labels": labels}, "spec": spec}


def _meta(name: str) -> dict[str, Any]:
    return {"name": name}


def node_manifest(_ns: str) -> dict[str, Any]:
    node = _named(book("misc/node-e2e-example.json"), "crud-node")
    # an object as stored carries server-set metadata that a create must not send
    for key in ("selfLink", "uid", "resourceVersion", "creationTimestamp"):
        node["metadata"].pop(key)
    # today's client refuses a NodeSystemInfo without these (required since 1.x)
    node["status"]["nodeInfo"].update(architecture="amd64", operatingSystem="linux")
    return node


def endpoints_manifest() -> dict[str, Any]:
    """The book's hand-made Endpoints. It spells the address key "IP", which today's client
    refuses before sending; the raw file is replayed over HTTP in test_book_endpoints_upper_case_ip."""
    ep = book("misc/my-service-endpoints.json")
    for subset in ep["subsets"]:
        subset["addresses"] = [{"ip": a["IP"]} for a in subset["addresses"]]
    return ep


KINDS = [
    Kind("pods", "CoreV1Api", "pod", "pods", True, lambda ns: book("misc/redis-slave-pod.yaml"), check_pod),
    Kind(
        "services",
        "CoreV1Api",
        "service",
        "services",
        True,
        lambda ns: book("guestbook/frontend-service.yaml"),
        check_service,
    ),
    Kind(
        "endpoints",
        "CoreV1Api",
        "endpoints",
        "endpoints",
        True,
        lambda ns: endpoints_manifest(),
        check_endpoints,
    ),
    Kind(
        "replicationcontrollers",
        "CoreV1Api",
        "replication_controller",
        "replicationcontrollers",
        True,
        lambda ns: book("guestbook/redis-master-controller.yaml"),
        check_rc,
    ),
    Kind(
        "secrets",
        "CoreV1Api",
        "secret",
        "secrets",
        True,
        lambda ns: book("security/secrets.yaml"),
        check_secret,
    ),
    Kind(
        "configmaps",
        "CoreV1Api",
        "config_map",
        "configmaps",
        True,
        lambda ns: {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta("crud-cm"),
            "data": {"color": "blue"},
        },
        check_configmap,
    ),
    Kind(
        "serviceaccounts",
        "CoreV1Api",
        "service_account",
        "serviceaccounts",
        True,
        lambda ns: book("security/serviceaccount.json"),
        check_serviceaccount,
    ),
    Kind(
        "resourcequotas",
        "CoreV1Api",
        "resource_quota",
        "resourcequotas",
        True,
        lambda ns: book("misc/quota.json"),
        check_quota,
    ),
    Kind(
        "limitranges",
        "CoreV1Api",
        "limit_range",
        "limitranges",
        True,
        lambda ns: book("misc/limits.yaml"),
        check_limitrange,
    ),
    Kind(
        "events",
        "CoreV1Api",
        "event",
        "events",
        True,
        lambda ns: {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": _meta("crud-ev.17a2b3c4"),
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "x", "namespace": ns},
            "reason": "Started",
            "message": "Started container c",
            "type": "Normal",
            "count": 1,
            "source": {"component": "kubelet", "host": "node-a"},
        },
        check_core_event,
    ),
    Kind(
        "persistentvolumeclaims",
        "CoreV1Api",
        "persistent_volume_claim",
        "persistentvolumeclaims",
        True,
        lambda ns: {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": _meta("crud-pvc"),
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        },
        check_pvc,
    ),
    Kind(
        "podtemplates",
        "CoreV1Api",
        "pod_template",
        "podtemplates",
        True,
        lambda ns: {
            "apiVersion": "v1",
            "kind": "PodTemplate",
            "metadata": _meta("crud-pt"),
            "template": _pod_template({"app": "pt"}),
        },
        check_podtemplate,
    ),
    Kind(
        "namespaces",
        "CoreV1Api",
        "namespace",
        "namespaces",
        False,
        lambda ns: book("namespaces/namespace-development.yaml"),
        check_namespace,
    ),
    Kind("nodes", "CoreV1Api", "node", "nodes", False, node_manifest, check_node),
    Kind(
        "persistentvolumes",
        "CoreV1Api",
        "persistent_volume",
        "persistentvolumes",
        False,
        lambda ns: {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": _meta("crud-pv"),
            "spec": {
                "capacity": {"storage": "5Gi"},
                "accessModes": ["ReadWriteOnce"],
                "hostPath": {"path": "/tmp/crud-pv"},
            },
        },
        check_pv,
    ),
    Kind(
        "deployments",
        "AppsV1Api",
        "deployment",
        "deployments",
        True,
        lambda ns: {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": _meta("crud-deploy"),
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "d"}},
                "template": _pod_template({"app": "d"}),
            },
        },
        check_deployment,
    ),
    Kind(
        "replicasets",
        "AppsV1Api",
        "replica_set",
        "replicasets",
        True,
        lambda ns: {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": _meta("crud-rs"),
            "spec": {"selector": {"matchLabels": {"app": "rs"}}, "template": _pod_template({"app": "rs"})},
        },
        check_replicaset,
    ),
    Kind(
        "statefulsets",
        "AppsV1Api",
        "stateful_set",
        "statefulsets",
        True,
        lambda ns: {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": _meta("crud-ss"),
            "spec": {
                "serviceName": "crud-ss",
                "selector": {"matchLabels": {"app": "ss"}},
                "template": _pod_template({"app": "ss"}),
            },
        },
        check_statefulset,
    ),
    Kind(
        "daemonsets",
        "AppsV1Api",
        "daemon_set",
        "daemonsets",
        True,
        lambda ns: {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": _meta("crud-ds"),
            "spec": {"selector": {"matchLabels": {"app": "ds"}}, "template": _pod_template({"app": "ds"})},
        },
        check_daemonset,
    ),
    Kind(
        "jobs",
        "BatchV1Api",
        "job",
        "jobs",
        True,
        lambda ns: {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": _meta("crud-job"),
            "spec": {"template": _pod_template({"app": "job"}, restart="Never")},
        },
        check_job,
    ),
    Kind(
        "cronjobs",
        "BatchV1Api",
        "cron_job",
        "cronjobs",
        True,
        lambda ns: {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": _meta("crud-cj"),
            "spec": {
                "schedule": "*/5 * * * *",
                "jobTemplate": {"spec": {"template": _pod_template({"app": "cj"}, restart="OnFailure")}},
            },
        },
        check_cronjob,
    ),
    Kind(
        "leases",
        "CoordinationV1Api",
        "lease",
        "leases",
        True,
        lambda ns: {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": _meta("crud-lease"),
            "spec": {"holderIdentity": "node-a", "leaseDurationSeconds": 40},
        },
        check_lease,
    ),
    Kind(
        "endpointslices",
        "DiscoveryV1Api",
        "endpoint_slice",
        "endpointslices",
        True,
        lambda ns: {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {"name": "crud-es", "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.1.2.3"]}],
            "ports": [{"name": "http", "port": 80}],
        },
        check_endpointslice,
    ),
    Kind(
        "events.k8s.io",
        "EventsV1Api",
        "event",
        "events",
        True,
        lambda ns: {
            "apiVersion": "events.k8s.io/v1",
            "kind": "Event",
            "metadata": _meta("crud-ev2"),
            "eventTime": "2026-01-02T03:04:05.000000Z",
            "reportingController": "kubepy.io/conformance",
            "reportingInstance": "conformance-1",
            "action": "Testing",
            "reason": "Tested",
            "regarding": {"apiVersion": "v1", "kind": "Pod", "name": "x", "namespace": ns},
            "note": "hello",
            "type": "Normal",
        },
        check_events_v1,
    ),
]


#: Kinds whose DELETE answers with the object: Kubernetes' stores with ReturnDeletedObject, as in
#: the OpenAPI the client was generated from, and namespaces (their REST wraps such a store, so
#: the OpenAPI says Status while the reply is the Terminating namespace); the others answer with
#: a Status.
DELETE_RETURNS_OBJECT = {
    "namespaces",
    "pods",
    "services",
    "serviceaccounts",
    "resourcequotas",
    "persistentvolumeclaims",
    "persistentvolumes",
    "podtemplates",
}

GROUPS = {
    "CoreV1Api": "",
    "AppsV1Api": "apps",
    "BatchV1Api": "batch",
    "CoordinationV1Api": "coordination.k8s.io",
    "DiscoveryV1Api": "discovery.k8s.io",
    "EventsV1Api": "events.k8s.io",
}


def qualified(kind: Kind) -> str:
    """How Kubernetes names the resource in messages: pods, deployments.apps, leases.coordination.k8s.io."""
    group = GROUPS[kind.api]
    return f"{kind.plural}.{group}" if group else kind.plural
