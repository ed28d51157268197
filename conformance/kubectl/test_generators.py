"""kubectl's generators and workload verbs: create configmap|secret|namespace|deployment|service|
serviceaccount|token, scale and set image.
"""

from __future__ import annotations

import base64
import json

from conformance.kubectl.runner import BOOK, Kubectl


def get_json(kubectl: Kubectl, *what: str) -> dict:
    return json.loads(kubectl("get", *what, "-o", "json"))


def test_create_configmap(kubectl: Kubectl, tmp_path) -> None:
    (tmp_path / "app.properties").write_text("color=blue\n")
    out = kubectl(
        "create", "configmap", "gen-cm", "--from-literal=a=1", f"--from-file={tmp_path / 'app.properties'}"
    )
    assert out == "configmap/gen-cm created\n"
    assert get_json(kubectl, "cm", "gen-cm")["data"] == {"a": "1", "app.properties": "color=blue\n"}
    again = kubectl.run("create", "configmap", "gen-cm")
    assert (again.rc, again.err) == (
        1,
        'error: failed to create configmap: configmaps "gen-cm" already exists\n',
    )


def test_create_secret(kubectl: Kubectl) -> None:
    assert kubectl("create", "secret", "generic", "gen-secret", "--from-literal=password=s3cr3t") == (
        "secret/gen-secret created\n"
    )
    secret = get_json(kubectl, "secret", "gen-secret")
    assert secret["type"] == "Opaque"
    assert base64.b64decode(secret["data"]["password"]) == b"s3cr3t"
    docker = kubectl(
        "create",
        "secret",
        "docker-registry",
        "gen-reg",
        "--docker-server=r.example.com",
        "--docker-username=u",
        "--docker-password=p",
    )
    assert docker == "secret/gen-reg created\n"
    assert get_json(kubectl, "secret", "gen-reg")["type"] == "kubernetes.io/dockerconfigjson"


def test_create_namespace(kubectl: Kubectl) -> None:
    assert kubectl("create", "namespace", "gen-ns") == "namespace/gen-ns created\n"
    ns = get_json(kubectl, "namespace", "gen-ns")
    assert ns["status"] == {"phase": "Active"}
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "gen-ns"}


def test_create_deployment(kubectl: Kubectl) -> None:
    out = kubectl("create", "deployment", "gen-deploy", "--image=nginx:1.25", "--replicas=2")
    assert out == "deployment.apps/gen-deploy created\n"
    d = get_json(kubectl, "deployment", "gen-deploy")
    assert d["spec"]["replicas"] == 2
    assert d["spec"]["selector"] == {"matchLabels": {"app": "gen-deploy"}}
    assert d["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    c = d["spec"]["template"]["spec"]["containers"][0]
    assert (c["name"], c["image"], c["imagePullPolicy"]) == ("nginx", "nginx:1.25", "IfNotPresent")
    assert d["spec"]["revisionHistoryLimit"] == 10 and d["spec"]["progressDeadlineSeconds"] == 600


def test_create_service(kubectl: Kubectl) -> None:
    assert (
        kubectl("create", "service", "clusterip", "gen-svc", "--tcp=80:8080") == "service/gen-svc created\n"
    )
    svc = get_json(kubectl, "svc", "gen-svc")
    assert svc["spec"]["ports"] == [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}]
    assert svc["spec"]["selector"] == {"app": "gen-svc"}
    out = kubectl("create", "service", "nodeport", "gen-np", "--tcp=80:8080", "--node-port=30080")
    assert out == "service/gen-np created\n"
    assert get_json(kubectl, "svc", "gen-np")["spec"]["ports"][0]["nodePort"] == 30080
    clash = kubectl.run("create", "service", "nodeport", "gen-np2", "--tcp=80:8080", "--node-port=30080")
    assert clash.rc == 1
    assert clash.err == (
        'error: failed to create NodePort service: Service "gen-np2" is invalid: '
        "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n"
    )


def test_create_serviceaccount_and_token(kubectl: Kubectl) -> None:
    assert kubectl("create", "serviceaccount", "gen-sa") == "serviceaccount/gen-sa created\n"
    token = kubectl("create", "token", "gen-sa").strip()
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["sub"] == "system:serviceaccount:default:gen-sa"
    assert claims["kubernetes.io"]["serviceaccount"]["name"] == "gen-sa"
    assert signature
    missing = kubectl.run("create", "token", "nobody")
    assert (missing.rc, missing.err) == (
        1,
        'error: failed to create token: serviceaccounts "nobody" not found\n',
    )


def test_scale(kubectl: Kubectl) -> None:
    kubectl("create", "-f", str(BOOK / "cassandra/cassandra-controller.yaml"))
    # §5.3.2: the book scales the cassandra RC to 2, then to 4
    assert kubectl("scale", "rc", "cassandra", "--replicas=2") == "replicationcontroller/cassandra scaled\n"
    assert kubectl("scale", "rc", "cassandra", "--replicas=4") == "replicationcontroller/cassandra scaled\n"
    assert kubectl("get", "rc", "cassandra", "-o", "jsonpath={.spec.replicas}") == "4"
    wrong = kubectl.run("scale", "rc", "cassandra", "--current-replicas=3", "--replicas=5")
    assert (wrong.rc, wrong.err) == (1, "error: Expected replicas to be 3, was 4\n")
    kubectl("create", "deployment", "scaled", "--image=nginx")
    assert kubectl("scale", "deployment", "scaled", "--replicas=3") == "deployment.apps/scaled scaled\n"
    scale = json.loads(kubectl("get", "--raw", "/apis/apps/v1/namespaces/default/deployments/scaled/scale"))
    assert (scale["kind"], scale["apiVersion"], scale["spec"]) == ("Scale", "autoscaling/v1", {"replicas": 3})
    assert scale["status"]["selector"] == "app=scaled"


def test_set_image(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "imaged", "--image=nginx:1.24")
    assert (
        kubectl("set", "image", "deployment/imaged", "nginx=nginx:1.25")
        == "deployment.apps/imaged image updated\n"
    )
    got = kubectl("get", "deployment", "imaged", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
    assert got == "nginx:1.25"
    kubectl("create", "-f", str(BOOK / "guestbook/frontend-controller.yaml"))
    out = kubectl("set", "image", "rc/frontend", "frontend=kubeguide/guestbook-php-frontend:v2")
    assert out == "replicationcontroller/frontend image updated\n"
    missing = kubectl.run("set", "image", "deployment/imaged", "nosuch=x")
    assert missing.rc == 1
    assert missing.err == 'error: unable to find container named "nosuch"\n'
