"""More of kubectl's verbs: run, expose, cordon/uncordon/taint (§4.3.1), create job|cronjob,
patch --subresource=status, label --all, get --sort-by."""

from __future__ import annotations

import json

from conformance.kubectl.runner import BOOK, Kubectl, normalize


def test_run(kubectl: Kubectl) -> None:
    assert kubectl("run", "runner", "--image=nginx", "--labels=app=runner") == "pod/runner created\n"
    pod = json.loads(kubectl("get", "pod", "runner", "-o", "json"))
    c = pod["spec"]["containers"][0]
    assert (c["name"], c["image"], pod["metadata"]["labels"]) == ("runner", "nginx", {"app": "runner"})
    assert pod["status"]["phase"] == "Pending"
    assert pod["spec"]["restartPolicy"] == "Always" and pod["spec"]["dnsPolicy"] == "ClusterFirst"


def test_expose(kubectl: Kubectl) -> None:
    kubectl("create", "-f", str(BOOK / "guestbook/redis-master-controller.yaml"))
    assert kubectl("expose", "rc", "redis-master", "--port=6379") == "service/redis-master exposed\n"
    spec = json.loads(kubectl("get", "svc", "redis-master", "-o", "jsonpath={.spec}"))
    assert spec["selector"] == {"name": "redis-master"}
    assert spec["ports"] == [{"port": 6379, "protocol": "TCP", "targetPort": 6379}]
    assert spec["type"] == "ClusterIP" and spec["clusterIP"].startswith("10.254.")
    kubectl("create", "deployment", "exposed", "--image=nginx")
    out = kubectl("expose", "deployment", "exposed", "--port=80", "--target-port=8080", "--type=NodePort")
    assert out == "service/exposed exposed\n"
    port = json.loads(kubectl("get", "svc", "exposed", "-o", "jsonpath={.spec.ports[0]}"))
    assert (port["port"], port["targetPort"]) == (80, 8080)
    assert 30000 <= port["nodePort"] <= 32767


def test_cordon_uncordon_taint(kubectl: Kubectl) -> None:
    """§4.3.1: the book marks kubernetes-minion1 unschedulable (here also with kubectl cordon)."""
    assert (
        kubectl("create", "-f", str(BOOK / "misc/unschedule_node.yaml"))
        == "node/kubernetes-minion1 created\n"
    )
    assert kubectl("uncordon", "kubernetes-minion1") == "node/kubernetes-minion1 uncordoned\n"
    assert kubectl("get", "node", "kubernetes-minion1", "-o", "jsonpath={.spec.unschedulable}") == ""
    assert kubectl("cordon", "kubernetes-minion1") == "node/kubernetes-minion1 cordoned\n"
    assert kubectl("cordon", "kubernetes-minion1") == "node/kubernetes-minion1 already cordoned\n"
    # no kubelet has posted a Ready condition: the status is Unknown
    assert normalize(kubectl("get", "nodes")) == [
        "NAME | STATUS | ROLES | AGE | VERSION",
        "kubernetes-minion1 | Unknown,SchedulingDisabled | <none> | <age>",
    ]
    out = kubectl("taint", "nodes", "kubernetes-minion1", "dedicated=special:NoSchedule")
    assert out == "node/kubernetes-minion1 tainted\n"
    taints = json.loads(kubectl("get", "node", "kubernetes-minion1", "-o", "jsonpath={.spec.taints}"))
    assert taints == [{"effect": "NoSchedule", "key": "dedicated", "value": "special"}]
    assert (
        kubectl("taint", "nodes", "kubernetes-minion1", "dedicated-") == "node/kubernetes-minion1 untainted\n"
    )
    kubectl("delete", "node", "kubernetes-minion1")


def test_create_job_and_cronjob(kubectl: Kubectl) -> None:
    assert kubectl("create", "job", "pi", "--image=perl") == "job.batch/pi created\n"
    schedule = "--schedule=*/1 * * * *"
    assert (
        kubectl("create", "cronjob", "hello", "--image=busybox", schedule) == "cronjob.batch/hello created\n"
    )
    # no job controller yet: no conditions (Running), nothing succeeded, no start time (no duration)
    assert normalize(kubectl("get", "jobs,cronjobs")) == [
        "NAME | STATUS | COMPLETIONS | DURATION | AGE",
        "job.batch/pi | Running | 0/1 | <age>",
        "",
        "NAME | SCHEDULE | TIMEZONE | SUSPEND | ACTIVE | LAST SCHEDULE | AGE",
        "cronjob.batch/hello | */1 * * * * | <none> | False | 0 | <none> | <age>",
    ]
    job = json.loads(kubectl("get", "job", "pi", "-o", "json"))
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    labels = job["spec"]["template"]["metadata"]["labels"]
    assert labels["batch.kubernetes.io/job-name"] == "pi" and labels["job-name"] == "pi"
    assert job["spec"]["selector"]["matchLabels"] == {
        "batch.kubernetes.io/controller-uid": job["metadata"]["uid"]
    }


def test_patch_status_subresource(kubectl: Kubectl) -> None:
    kubectl("run", "statused", "--image=nginx")
    patch = '{"status":{"phase":"Running"}}'
    out = kubectl("patch", "pod", "statused", "--subresource=status", "--type=merge", "-p", patch)
    assert out == "pod/statused patched\n"
    assert kubectl("get", "pod", "statused", "-o", "jsonpath={.status.phase}") == "Running"
    # the main resource ignores status
    kubectl("patch", "pod", "statused", "--type=merge", "-p", '{"status":{"phase":"Failed"}}')
    assert kubectl("get", "pod", "statused", "-o", "jsonpath={.status.phase}") == "Running"


def test_label_all_and_sort_by(kubectl: Kubectl) -> None:
    kubectl("create", "namespace", "sorted")
    for name in ("b-second", "c-third", "a-first"):
        kubectl("create", "configmap", name, "-n", "sorted", f"--from-literal=order={name}")
    assert kubectl("label", "configmaps", "--all", "-n", "sorted", "batch=1").splitlines() == [
        "configmap/a-first labeled",
        "configmap/b-second labeled",
        "configmap/c-third labeled",
    ]
    by_creation = kubectl("get", "cm", "-n", "sorted", "--sort-by=.metadata.creationTimestamp", "-o", "name")
    assert sorted(by_creation.splitlines()) == [
        "configmap/a-first",
        "configmap/b-second",
        "configmap/c-third",
    ]
    by_order = kubectl("get", "cm", "-n", "sorted", "--sort-by=.data.order", "-o", "name")
    assert by_order.splitlines() == ["configmap/a-first", "configmap/b-second", "configmap/c-third"]
