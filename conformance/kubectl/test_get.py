"""Reads: get (default, -o wide|yaml|json|name|jsonpath|custom-columns, --watch, --show-labels, -l,
--field-selector, -A, --chunk-size) and describe, on the book's guestbook objects and two ConfigMaps.

Tables are compared cell by cell after `normalize` (ages, cluster IPs); the cells are the ones a
kube-apiserver's Table gives kubectl for the same objects.
"""

from __future__ import annotations

import json
import subprocess
import threading

import pytest
import yaml

from conformance.kubectl.runner import BOOK, Kubectl, normalize


@pytest.fixture(scope="module")
def objects(kubectl: Kubectl) -> Kubectl:
    kubectl("create", "-f", str(BOOK / "guestbook/redis-master-controller.yaml"))
    kubectl("create", "-f", str(BOOK / "guestbook/redis-master-service.yaml"))
    kubectl("create", "configmap", "alpha", "--from-literal=k=v")
    kubectl("label", "configmap", "alpha", "tier=front")
    kubectl("create", "configmap", "beta", "--from-literal=a=1", "--from-literal=b=2")
    kubectl("create", "namespace", "other")
    kubectl("create", "configmap", "gamma", "-n", "other", "--from-literal=k=v")
    return kubectl


def rows(text: str) -> list[str]:
    return normalize(text)


def test_get_default_table(objects: Kubectl) -> None:
    assert rows(objects("get", "configmaps")) == [
        "NAME | DATA | AGE",
        "alpha | 1 | <age>",
        "beta | 2 | <age>",
    ]
    assert rows(objects("get", "rc")) == [
        "NAME | DESIRED | CURRENT | READY | AGE",
        "redis-master | 1 | 0 | 0 | <age>",
    ]
    assert rows(objects("get", "svc", "redis-master")) == [
        "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE",
        "redis-master | ClusterIP | <ip> | <none> | 6379/TCP | <age>",
    ]


def test_get_several_kinds(objects: Kubectl) -> None:
    assert rows(objects("get", "rc,cm")) == [
        "NAME | DESIRED | CURRENT | READY | AGE",
        "replicationcontroller/redis-master | 1 | 0 | 0 | <age>",
        "",
        "NAME | DATA | AGE",
        "configmap/alpha | 1 | <age>",
        "configmap/beta | 2 | <age>",
    ]


def test_get_wide(objects: Kubectl) -> None:
    assert rows(objects("get", "rc", "-o", "wide")) == [
        "NAME | DESIRED | CURRENT | READY | AGE | CONTAINERS | IMAGES | SELECTOR",
        "redis-master | 1 | 0 | 0 | <age> | master | kubeguide/redis-master | name=redis-master",
    ]
    assert rows(objects("get", "svc", "redis-master", "-o", "wide")) == [
        "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE | SELECTOR",
        "redis-master | ClusterIP | <ip> | <none> | 6379/TCP | <age> | name=redis-master",
    ]


def test_get_missing(objects: Kubectl) -> None:
    res = objects.run("get", "configmap", "nope")
    assert (res.rc, res.out, res.err) == (
        1,
        "",
        'Error from server (NotFound): configmaps "nope" not found\n',
    )
    empty = objects.run("get", "secrets")
    assert (empty.rc, empty.out, empty.err) == (0, "", "No resources found in default namespace.\n")


def test_get_yaml_and_json(objects: Kubectl) -> None:
    one = yaml.safe_load(objects("get", "configmap", "alpha", "-o", "yaml"))
    assert (one["apiVersion"], one["kind"], one["data"]) == ("v1", "ConfigMap", {"k": "v"})
    assert one["metadata"]["labels"] == {"tier": "front"}
    assert set(one["metadata"]) >= {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}
    many = json.loads(objects("get", "configmaps", "-o", "json"))
    assert (many["apiVersion"], many["kind"]) == ("v1", "List")
    assert [i["metadata"]["name"] for i in many["items"]] == ["alpha", "beta"]
    assert all(i["kind"] == "ConfigMap" and i["apiVersion"] == "v1" for i in many["items"])
    svc = json.loads(objects("get", "svc", "redis-master", "-o", "json"))
    assert svc["spec"]["ports"] == [{"port": 6379, "protocol": "TCP", "targetPort": 6379}]
    assert svc["spec"]["clusterIP"].startswith("10.254.")


def test_get_name(objects: Kubectl) -> None:
    assert objects("get", "configmaps", "-o", "name") == "configmap/alpha\nconfigmap/beta\n"
    assert objects("get", "rc,svc", "-o", "name").splitlines() == [
        "replicationcontroller/redis-master",
        "service/kubernetes",
        "service/redis-master",
    ]


def test_get_jsonpath(objects: Kubectl) -> None:
    assert objects("get", "configmaps", "-o", "jsonpath={.items[*].metadata.name}") == "alpha beta"
    out = objects(
        "get",
        "rc",
        "redis-master",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].ports[0].containerPort}",
    )
    assert out == "6379"
    rng = "{range .items[*]}{.metadata.name}={.data}{'\\n'}{end}"
    assert objects("get", "cm", "-o", f"jsonpath={rng}").splitlines() == [
        'alpha={"k":"v"}',
        'beta={"a":"1","b":"2"}',
    ]


def test_get_custom_columns(objects: Kubectl) -> None:
    out = objects("get", "configmaps", "-o", "custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier")
    assert rows(out) == ["NAME | TIER", "alpha | front", "beta | <none>"]


def test_get_show_labels(objects: Kubectl) -> None:
    assert rows(objects("get", "configmaps", "--show-labels")) == [
        "NAME | DATA | AGE | LABELS",
        "alpha | 1 | <age> | tier=front",
        "beta | 2 | <age> | <none>",
    ]


def test_get_label_selector(objects: Kubectl) -> None:
    assert objects("get", "cm", "-l", "tier=front", "-o", "name") == "configmap/alpha\n"
    assert objects("get", "cm", "-l", "tier!=front", "-o", "name") == "configmap/beta\n"
    assert objects("get", "cm", "-l", "tier in (front,back)", "-o", "name") == "configmap/alpha\n"
    assert objects("get", "cm", "-l", "!tier", "-o", "name") == "configmap/beta\n"
    bad = objects.run("get", "cm", "-l", "tier in front")
    assert bad.rc == 1 and "unable to parse requirement" in bad.err


def test_get_field_selector(objects: Kubectl) -> None:
    assert objects("get", "cm", "--field-selector", "metadata.name=beta", "-o", "name") == "configmap/beta\n"
    assert (
        objects("get", "cm", "--field-selector", "metadata.name!=beta", "-o", "name") == "configmap/alpha\n"
    )
    svc = objects("get", "svc", "--field-selector", "spec.type=ClusterIP", "-o", "name")
    assert svc == "service/kubernetes\nservice/redis-master\n"
    bad = objects.run("get", "cm", "--field-selector", "data.k=v")
    assert bad.rc == 1
    assert bad.err == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match '
        'label selector "", field selector "data.k=v": field label not supported: data.k\n'
    )


def test_get_all_namespaces(objects: Kubectl) -> None:
    assert rows(objects("get", "configmaps", "-A")) == [
        "NAMESPACE | NAME | DATA | AGE",
        "default | alpha | 1 | <age>",
        "default | beta | 2 | <age>",
        "other | gamma | 1 | <age>",
    ]


def test_get_chunk_size(objects: Kubectl) -> None:
    """--chunk-size=1 pages with limit/continue; the printed table is the same as in one page."""
    paged = rows(objects("get", "configmaps", "-A", "--chunk-size=1"))
    assert paged == rows(objects("get", "configmaps", "-A", "--chunk-size=0"))
    assert len(paged) == 4
    names = objects("get", "namespaces", "--chunk-size=2", "-o", "name").splitlines()
    assert names == [
        "namespace/default",
        "namespace/kube-node-lease",
        "namespace/kube-public",
        "namespace/kube-system",
        "namespace/other",
    ]


def test_get_watch(objects: Kubectl) -> None:
    """`get -w` prints the list, then one row per change, until it is stopped."""
    proc = subprocess.Popen(
        [str(objects.binary), "get", "configmaps", "--watch", "--request-timeout=60s"],
        env=objects.environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killer = threading.Timer(30, proc.kill)  # a hung watch fails the scenario, not the suite
    killer.start()
    try:
        assert proc.stdout is not None
        seen = [proc.stdout.readline() for _ in range(3)]  # header + alpha + beta
        objects("create", "configmap", "watched", "--from-literal=k=v")
        seen.append(proc.stdout.readline())
        objects("label", "configmap", "watched", "seen=yes")
        seen.append(proc.stdout.readline())
    finally:
        killer.cancel()
        proc.kill()
        proc.communicate()
        objects.run("delete", "configmap", "watched")
    assert rows("".join(seen)) == [
        "NAME | DATA | AGE",
        "alpha | 1 | <age>",
        "beta | 2 | <age>",
        "watched | 1 | <age>",
        "watched | 1 | <age>",
    ]


def test_describe_configmap(objects: Kubectl) -> None:
    assert rows(objects("describe", "configmap", "alpha")) == [
        "Name: | alpha",
        "Namespace: | default",
        "Labels: | tier=front",
        "Annotations: | <none>",
        "",
        "Data",
        "====",
        "k:",
        "----",
        "v",
        "",
        *([""] if objects.at_least("1.33") else []),  # kubectl 1.33+ prints one more blank line
        "BinaryData",
        "====",
        "",
        "Events: | <none>",
    ]


def test_describe_service(objects: Kubectl) -> None:
    lines = rows(objects("describe", "svc", "redis-master"))
    for expected in (
        "Name: | redis-master",
        "Namespace: | default",
        "Labels: | name=redis-master",
        "Selector: | name=redis-master",
        "Type: | ClusterIP",
        "IP: | <ip>",
        "Port: | <unset> | 6379/TCP",
        "TargetPort: | 6379/TCP",
        "Endpoints: | <none>",
        "Session Affinity: | None",
        "Events: | <none>",
    ):
        assert expected in lines, (expected, lines)


def test_describe_replication_controller(objects: Kubectl) -> None:
    lines = rows(objects("describe", "rc", "redis-master"))
    for expected in (
        "Name: | redis-master",
        "Namespace: | default",
        "Selector: | name=redis-master",
        "Labels: | name=redis-master",
        "Replicas: | 0 current / 1 desired",
        "Pods Status: | 0 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        "    Image: | kubeguide/redis-master",
        "    Port: | 6379/TCP",
        "Events: | <none>",
    ):
        assert expected in lines, (expected, lines)
