"""What kubectl learns about the server: api-resources, api-versions, explain, version, cluster-info,
auth can-i and auth whoami.
"""

from __future__ import annotations

import json
import re

import pytest

from conformance import LiveServer
from conformance.kubectl.runner import Kubectl, normalize

#: `kubectl api-resources` of a Kubernetes 1.37 cluster, for the groups kubepy serves (the
#: core group first, then the groups in name order, as kubectl prints them).
KUBERNETES_RESOURCES = """\
NAME                        SHORTNAMES   APIVERSION                 NAMESPACED   KIND
bindings                                 v1                         true         Binding
componentstatuses           cs           v1                         false        ComponentStatus
configmaps                  cm           v1                         true         ConfigMap
endpoints                   ep           v1                         true         Endpoints
events                      ev           v1                         true         Event
limitranges                 limits       v1                         true         LimitRange
namespaces                  ns           v1                         false        Namespace
nodes                       no           v1                         false        Node
persistentvolumeclaims      pvc          v1                         true         PersistentVolumeClaim
persistentvolumes           pv           v1                         false        PersistentVolume
pods                        po           v1                         true         Pod
podtemplates                             v1                         true         PodTemplate
replicationcontrollers      rc           v1                         true         ReplicationController
resourcequotas              quota        v1                         true         ResourceQuota
secrets                                  v1                         true         Secret
serviceaccounts             sa           v1                         true         ServiceAccount
services                    svc          v1                         true         Service
controllerrevisions                      apps/v1                    true         ControllerRevision
daemonsets                  ds           apps/v1                    true         DaemonSet
deployments                 deploy       apps/v1                    true         Deployment
replicasets                 rs           apps/v1                    true         ReplicaSet
statefulsets                sts          apps/v1                    true         StatefulSet
selfsubjectreviews                       authentication.k8s.io/v1   false        SelfSubjectReview
tokenreviews                             authentication.k8s.io/v1   false        TokenReview
localsubjectaccessreviews                authorization.k8s.io/v1    true         LocalSubjectAccessReview
selfsubjectaccessreviews                 authorization.k8s.io/v1    false        SelfSubjectAccessReview
selfsubjectrulesreviews                  authorization.k8s.io/v1    false        SelfSubjectRulesReview
subjectaccessreviews                     authorization.k8s.io/v1    false        SubjectAccessReview
cronjobs                    cj           batch/v1                   true         CronJob
jobs                                     batch/v1                   true         Job
leases                                   coordination.k8s.io/v1     true         Lease
endpointslices                           discovery.k8s.io/v1        true         EndpointSlice
events                      ev           events.k8s.io/v1           true         Event
"""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def resource_rows(text: str) -> list[list[str]]:
    """Rows as cell lists; an empty SHORTNAMES cell is made explicit so columns line up."""
    out = []
    header = text.splitlines()[0]
    short_at, short_end = header.index("SHORTNAMES"), header.index("APIVERSION")
    for line in text.splitlines()[1:]:
        short = line[short_at:short_end].strip()
        rest = line[:short_at].split() + [short] + line[short_end:].split()
        out.append(rest)
    return out


def test_api_resources_rows_match_kubernetes(kubectl: Kubectl) -> None:
    """Every resource kubepy lists has Kubernetes' short names, scope and kind."""
    expected = {(r[0], r[2]): r for r in resource_rows(KUBERNETES_RESOURCES)}
    got = resource_rows(kubectl("api-resources"))
    assert got, "api-resources printed nothing"
    for row in got:
        assert (row[0], row[2]) in expected, f"not a Kubernetes resource: {row}"
        assert row == expected[(row[0], row[2])]


def test_api_resources_complete(kubectl: Kubectl) -> None:
    """All of Kubernetes' resources of those groups, in kubectl's order."""
    assert resource_rows(kubectl("api-resources")) == resource_rows(KUBERNETES_RESOURCES)


def test_api_resources_filters(kubectl: Kubectl) -> None:
    assert kubectl("api-resources", "--api-group=apps", "-o", "name").splitlines() == [
        "controllerrevisions.apps",
        "daemonsets.apps",
        "deployments.apps",
        "replicasets.apps",
        "statefulsets.apps",
    ]
    cluster = kubectl("api-resources", "--namespaced=false", "--api-group=", "-o", "name").splitlines()
    assert cluster == ["componentstatuses", "namespaces", "nodes", "persistentvolumes"]
    wide = normalize(kubectl("api-resources", "--api-group=batch", "-o", "wide"))
    assert wide[0] == "NAME | SHORTNAMES | APIVERSION | NAMESPACED | KIND | VERBS" + (
        " | CATEGORIES" if kubectl.at_least("1.26") else ""
    )
    verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    # kubectl 1.24 prints the verbs as a Go slice, later versions comma-separated
    shown = ",".join(verbs) if kubectl.at_least("1.26") else "[" + " ".join(verbs) + "]"
    assert wide[1].startswith(f"cronjobs | cj | batch/v1 | true | CronJob | {shown}")


def test_api_versions(kubectl: Kubectl) -> None:
    assert kubectl("api-versions").splitlines() == [
        "apps/v1",
        "authentication.k8s.io/v1",
        "authorization.k8s.io/v1",
        "batch/v1",
        "coordination.k8s.io/v1",
        "discovery.k8s.io/v1",
        "events.k8s.io/v1",
        "v1",
    ]


def test_explain(kubectl: Kubectl) -> None:
    lines = normalize(kubectl("explain", "pods"))
    assert lines[:2] == ["KIND: | Pod", "VERSION: | v1"]
    assert "DESCRIPTION:" in lines and "FIELDS:" in lines
    field = normalize(kubectl("explain", "pod.spec.restartPolicy"))
    assert field[:2] == ["KIND: | Pod", "VERSION: | v1"]
    head = "FIELD: restartPolicy <string>" if kubectl.at_least("1.27") else "FIELD: | restartPolicy <string>"
    assert head in field
    rc = normalize(kubectl("explain", "rc.spec.template.spec.containers.ports"))
    assert any(ln.strip().startswith("containerPort") for ln in rc), rc
    missing = kubectl.run("explain", "pods.spec.nosuchfield")
    assert missing.rc == 1
    assert 'field "nosuchfield" does not exist' in missing.err


def test_version(kubectl: Kubectl) -> None:
    info = json.loads(kubectl("version", "-o", "json"))
    server = info["serverVersion"]
    assert server["major"] == "1" and server["minor"].isdigit()
    assert re.fullmatch(r"v1\.\d+\.\d+.*", server["gitVersion"])
    assert info["clientVersion"]["minor"].rstrip("+") == kubectl.version.split(".")[1]
    text = kubectl.run("version")
    assert (
        f"Server Version: {server['gitVersion']}" in text.out
        or f'GitVersion:"{server["gitVersion"]}"' in text.out
    )


def test_cluster_info(kubectl: Kubectl, server: LiveServer) -> None:
    out = _ANSI.sub("", kubectl("cluster-info"))
    url = server.url
    assert out.splitlines() == [
        f"Kubernetes control plane is running at {url}",
        "",
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
    ]


def test_auth_can_i(kubectl: Kubectl) -> None:
    """The insecure port serves everyone as a member of system:masters."""
    assert kubectl("auth", "can-i", "create", "pods") == "yes\n"
    assert kubectl("auth", "can-i", "delete", "nodes") == "yes\n"
    assert kubectl("auth", "can-i", "*", "*") == "yes\n"
    assert kubectl("auth", "can-i", "get", "configmaps", "-n", "kube-system", "-q").strip() == ""


def test_auth_whoami(kubectl: Kubectl) -> None:
    if not kubectl.at_least("1.26"):
        pytest.skip(f"kubectl {kubectl.version} has no `auth whoami` (added in 1.26)")
    assert normalize(kubectl("auth", "whoami")) == [
        "ATTRIBUTE | VALUE",
        "Username | system:unsecured",
        "Groups | [system:masters system:authenticated]",
    ]
    review = json.loads(kubectl("auth", "whoami", "-o", "json"))
    assert (review["kind"], review["apiVersion"]) == ("SelfSubjectReview", "authentication.k8s.io/v1")
    assert review["status"]["userInfo"]["username"] == "system:unsecured"
