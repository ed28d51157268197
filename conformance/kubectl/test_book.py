"""Every manifest of the book that needs no running container, through kubectl: created, read back,
labelled, annotated and deleted with the output Kubernetes gives (service CIDR 10.254.0.0/16, the
book's --service-cluster-ip-range). Manifests with fixed cluster IPs outside it are in
test_book_fixed_ips.py and test_book_dns.py.
"""

from __future__ import annotations

import pytest

from conformance.kubectl.book import lifecycle
from conformance.kubectl.runner import BOOK, Kubectl

MANIFESTS = [
    "guestbook/redis-master-controller.yaml",
    "guestbook/redis-master-service.yaml",
    "guestbook/redis-slave-controller.yaml",
    "guestbook/redis-slave-service.yaml",
    "guestbook/frontend-controller.yaml",
    "guestbook/frontend-service.yaml",
    "misc/redis-slave-pod.yaml",
    "misc/redis-slave-controller-label-example.yaml",
    "misc/my-service-multiport.json",
    "misc/redis-master-controller-hostpath.yaml",
    "misc/test-pd.yaml",
    "misc/test-ebs.yaml",
    "misc/nfs-web.yaml",
    "misc/tecip1src-rc.json",
    "misc/node-e2e-example.json",
    "misc/my-service.json",
    "misc/my-service-no-selector.json",
    "misc/quota.json",
    "misc/limits.yaml",
    "misc/unschedule_node.yaml",
    "misc/redis-master-controller-nodeselector.yaml",
    "misc/redis-master-controller-v2.yaml",
    "misc/redis-master-controller-resources.yaml",
    "misc/pod-container-limits.yaml",
    "misc/redis-master-pod.yaml",
    "misc/limit-range-development.yaml",
    "misc/resourcequota-development.yaml",
    "misc/network-lab/frontend-controller-2.5.6.1.yaml",
    "misc/network-lab/frontend-service.yaml",
    "misc/network-lab/frontend-controller-2.5.6.2.yaml",
    "security/secrets.yaml",
    "security/mypod-secret-volume.json",
    "security/image-pull-secret.yaml",
    "security/pods.yaml",
    "security/serviceaccount.json",
    "security/myserviceaccount.json",
    "security/mypod-serviceaccount.yaml",
    "dns/busybox.yaml",
    "dns/skydns-rc.yaml",
    "monitoring/kube-ui-rc.yaml",
    "monitoring/kube-ui-svc.yaml",
    "monitoring/heapster-service.yaml",
    "monitoring/InfluxDB-service.yaml",
    "monitoring/Grafana-service.yaml",
    "monitoring/heapster-controller.yaml",
    "monitoring/InfluxDB-Grafana-controller.yaml",
    "cassandra/cassandra.yaml",
    "cassandra/cassandra-service.yaml",
    "cassandra/cassandra-controller.yaml",
    "namespaces/namespace-dev.yaml",
    "namespaces/busybox-development.yaml",
    "namespaces/namespace-development.yaml",
    "namespaces/namespace-production.yaml",
    "namespaces/redis-slave-controller.yaml",
    "api-client/namespace.json",
    "api-client/podInNs.json",
    "api-client/pod4ClusterService.json",
]


@pytest.mark.parametrize("manifest", MANIFESTS)
def test_manifest(kubectl: Kubectl, manifest: str) -> None:
    lifecycle(kubectl, manifest)


def test_replace_pod_image(kubectl: Kubectl, tmp_path) -> None:
    """§3.3.3: the Pod is replaced by pod4Replace.json, which changes only the image. The file
    carries the uid and resourceVersion of the book's cluster: the uid precondition fails first
    (409), as in Kubernetes; the same change made on the pod as the server holds it goes through."""
    import json

    from conformance.kubectl.book import ensure_namespace
    from conformance.kubectl.runner import normalize, write_yaml

    ensure_namespace(kubectl, "ns-sample")
    assert (
        kubectl("create", "-f", str(BOOK / "api-client/podInNs.json"))
        == "pod/pod-sample-in-namespace created\n"
    )
    f = str(BOOK / "api-client/pod4Replace.json")
    stale = kubectl.run("replace", "-f", f)
    assert stale.rc == 1
    assert normalize(stale.err) == [
        f'Error from server (Conflict): error when replacing "{f}": Operation cannot be fulfilled on pods '
        '"pod-sample-in-namespace": Precondition failed: UID in precondition: <uid>, UID in object meta: <uid>'
    ]
    # the rest of the file is the book's 1.0 server defaults (imagePullPolicy, token volume...),
    # which a Pod update may not change. podInNs.json with pod4Replace.json's image is refused
    # too: the ServiceAccount admission gave the pod serviceAccountName "default" on create,
    # and a replace without it would change it (kubernetes/kubernetes#12352). The change goes
    # through on the pod as the server holds it.
    doc = json.loads((BOOK / "api-client/podInNs.json").read_text())
    book_image = json.loads((BOOK / "api-client/pod4Replace.json").read_text())["spec"]["containers"][0][
        "image"
    ]
    doc["spec"]["containers"][0]["image"] = book_image
    bare = kubectl.run("replace", "-f", str(write_yaml(tmp_path, "bare.yaml", doc)))
    assert bare.rc == 1
    assert bare.err.startswith(
        'The Pod "pod-sample-in-namespace" is invalid: spec: Forbidden: pod updates may not change fields'
    )
    assert "serviceAccountName" in bare.err
    doc = json.loads(kubectl("get", "pod", "pod-sample-in-namespace", "-n", "ns-sample", "-o", "json"))
    assert doc["spec"]["serviceAccountName"] == "default"
    doc["spec"]["containers"][0]["image"] = book_image
    g = str(write_yaml(tmp_path, "pod4Replace.yaml", doc))
    assert kubectl("replace", "-f", g) == "pod/pod-sample-in-namespace replaced\n"
    image = kubectl(
        "get",
        "pod",
        "pod-sample-in-namespace",
        "-n",
        "ns-sample",
        "-o",
        "jsonpath={.spec.containers[0].image}",
    )
    assert image == doc["spec"]["containers"][0]["image"]
    kubectl("delete", "pod", "pod-sample-in-namespace", "-n", "ns-sample")


def test_node_unschedulable_patch(kubectl: Kubectl) -> None:
    """§4.3.1: `kubectl patch node ... -p '{"spec": {"unschedulable": true}}'`, then `get nodes`."""
    kubectl("create", "-f", str(BOOK / "misc/node-e2e-example.json"))
    patch = (BOOK / "misc/node-unschedulable-patch.json").read_text()
    name = "e2e-test-wojtekt-minion-etd6"
    assert kubectl("patch", "node", name, "-p", patch) == f"node/{name} patched\n"
    from conformance.kubectl.runner import normalize

    rows = normalize(kubectl("get", "nodes"))
    assert rows[0] == "NAME | STATUS | ROLES | AGE | VERSION"
    assert rows[1].startswith(f"{name} | Ready,SchedulingDisabled | <none> | <age> | ")
    assert kubectl("delete", "node", name) == kubectl.deleted("node", name, None) + "\n"


def test_limit_range_rejects_the_big_pod(kubectl: Kubectl) -> None:
    """§4.4.2: with limit-range-1 in the namespace, a Pod without resources gets its defaults and
    the 1.5Gi Pod is refused by the LimitRanger admission plugin."""
    from conformance.kubectl.book import ensure_namespace

    ensure_namespace(kubectl, "limited")
    ns = ("-n", "limited")
    kubectl("create", "-f", str(BOOK / "misc/pod-container-limits.yaml"), *ns)
    assert (
        kubectl("create", "-f", str(BOOK / "misc/redis-master-pod.yaml"), *ns)
        == "pod/redis-master-pod created\n"
    )
    limits = kubectl(
        "get", "pod", "redis-master-pod", *ns, "-o", "jsonpath={.spec.containers[0].resources.limits}"
    )
    import json

    assert json.loads(limits or "{}") == {"cpu": "250m", "memory": "64Mi"}
    kubectl("delete", "pod", "redis-master-pod", *ns)
    big = str(BOOK / "misc/redis-master-pod-1.5Gi.yaml")
    refused = kubectl.run("create", "-f", big, *ns)
    assert refused.rc == 1
    assert refused.err.startswith(
        f'Error from server (Forbidden): error when creating "{big}": pods "redis-master-pod" is forbidden: '
    )
    assert "maximum memory usage per Pod is 1Gi" in refused.err


def test_secret_without_api_version(kubectl: Kubectl) -> None:
    """security/service-account-token-secret.json has no apiVersion, as printed in §2.4.4: kubectl
    refuses it before anything reaches the server."""
    res = kubectl.run("create", "-f", str(BOOK / "security/service-account-token-secret.json"))
    assert res.rc == 1 and "apiVersion" in res.err


def test_endpoints_with_upper_case_ip(kubectl: Kubectl, tmp_path) -> None:
    """§2.2.6's Endpoints file spells `"IP"`. Kubernetes 1.0 decoded JSON keys case-insensitively;
    Kubernetes 1.23+ does not: with strict validation (kubectl's default) the key is refused as
    unknown, without it the key is dropped and the empty ip is invalid. With `ip` it is created."""
    import json

    from conformance.kubectl.runner import write_yaml

    f = str(BOOK / "misc/my-service-endpoints.json")
    warning = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    strict = kubectl.run("create", "-f", f)
    # a 1.33+ apiserver warns on every v1 Endpoints request, failed ones included
    assert (strict.rc, strict.err) == (
        1,
        warning
        + f'Error from server (BadRequest): error when creating "{f}": Endpoints in version "v1" cannot be '
        'handled as a Endpoints: strict decoding error: unknown field "subsets[0].addresses[0].IP"\n',
    )
    lax = kubectl.run("create", "-f", f, "--validate=false")
    assert lax.rc == 1
    assert lax.err.startswith(
        warning + 'The Endpoints "my-service" is invalid: \n* subsets[0].addresses[0].ip: Invalid value: ""'
    )
    doc = json.loads((BOOK / "misc/my-service-endpoints.json").read_text())
    for subset in doc["subsets"]:
        subset["addresses"] = [{"ip": a["IP"]} for a in subset["addresses"]]
    g = str(write_yaml(tmp_path, "endpoints.yaml", doc))
    assert kubectl("create", "-f", g) == "endpoints/my-service created\n"
    got = kubectl("get", "endpoints", "my-service", "-o", "jsonpath={.subsets[0].addresses[0].ip}")
    assert got == "1.2.3.4"
    assert kubectl("delete", "-f", g) == kubectl.deleted("endpoints", "my-service") + "\n"


def test_uncorrected_guestbook_shape_is_refused(kubectl: Kubectl, tmp_path) -> None:
    """frontend-controller.yaml as printed in §1.3.3 has `ports:` one level too shallow (a sibling
    of `containers:`, see CORRECTIONS.md): Kubernetes refuses it under kubectl's default strict
    validation, naming the unknown field; the corrected file is created."""
    from conformance.kubectl.runner import write_yaml
    from kubepy.util import yamlio

    doc = yamlio.load((BOOK / "guestbook/frontend-controller.yaml").read_text())
    spec = doc["spec"]["template"]["spec"]
    spec["ports"] = spec["containers"][0].pop("ports")
    f = str(write_yaml(tmp_path, "frontend-controller-as-printed.yaml", doc))
    res = kubectl.run("create", "-f", f)
    assert (res.rc, res.err) == (
        1,
        f'Error from server (BadRequest): error when creating "{f}": ReplicationController in version "v1" '
        "cannot be handled as a ReplicationController: strict decoding error: "
        'unknown field "spec.template.spec.ports"\n',
    )
    assert kubectl("create", "-f", str(BOOK / "guestbook/frontend-controller.yaml")) == (
        "replicationcontroller/frontend created\n"
    )
    kubectl("delete", "rc", "frontend")
