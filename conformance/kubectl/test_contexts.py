"""§5.5: the development and production namespaces, two kubectl contexts, and the same RC created
once in each (namespaces/kubectl-config-commands.txt, with this server's URL for the book's)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from conformance import LiveServer
from conformance.kubectl.runner import BOOK, Kubectl, normalize


def test_book_contexts(kubectl: Kubectl, server: LiveServer, tmp_path: Path) -> None:
    url = server.url
    assert kubectl("create", "-f", str(BOOK / "namespaces/namespace-development.yaml")) == (
        "namespace/development created\n"
    )
    assert kubectl("create", "-f", str(BOOK / "namespaces/namespace-production.yaml")) == (
        "namespace/production created\n"
    )
    assert normalize(kubectl("get", "namespaces")) == [
        "NAME | STATUS | AGE",
        "default | Active | <age>",
        "development | Active | <age>",
        "kube-node-lease | Active | <age>",
        "kube-public | Active | <age>",
        "kube-system | Active | <age>",
        "production | Active | <age>",
    ]

    # the book's commands, in a kubeconfig of their own
    book = dataclasses.replace(kubectl, kubeconfig=tmp_path / "config")
    assert book("config", "set-cluster", "kubernetes-cluster", f"--server={url}") == (
        'Cluster "kubernetes-cluster" set.\n'
    )
    ctx = ("--cluster=kubernetes-cluster",)
    assert book("config", "set-context", "ctx-dev", "--namespace=development", *ctx, "--user=dev") == (
        'Context "ctx-dev" created.\n'
    )
    assert book("config", "set-context", "ctx-prod", "--namespace=production", *ctx, "--user=prod") == (
        'Context "ctx-prod" created.\n'
    )
    assert book("config", "use-context", "ctx-dev") == 'Switched to context "ctx-dev".\n'
    view = yaml.safe_load(book("config", "view"))
    expected = yaml.safe_load((BOOK / "namespaces/kubectl-config-view.yaml").read_text())
    expected["clusters"][0]["cluster"]["server"] = url
    for c, user in zip(expected["contexts"], ("dev", "prod"), strict=True):
        c["context"]["user"] = user  # the book's listing leaves out the --user it set
    assert not view.pop("users") and not expected.pop("users")  # set-context makes no user entry
    if kubectl.at_least("1.37"):
        expected.pop("preferences")  # kubectl 1.37 stopped printing the empty `preferences: {}`
    assert view == expected

    rc = str(BOOK / "namespaces/redis-slave-controller.yaml")
    assert book("create", "-f", rc) == "replicationcontroller/redis-slave created\n"
    assert normalize(book("get", "rc")) == [
        "NAME | DESIRED | CURRENT | READY | AGE",
        "redis-slave | 2 | 0 | 0 | <age>",
    ]
    assert book("config", "use-context", "ctx-prod") == 'Switched to context "ctx-prod".\n'
    empty = book.run("get", "rc")
    assert (empty.rc, empty.out, empty.err) == (0, "", "No resources found in production namespace.\n")
    assert book("create", "-f", rc) == "replicationcontroller/redis-slave created\n"
    assert normalize(book("get", "rc", "-A")) == [
        "NAMESPACE | NAME | DESIRED | CURRENT | READY | AGE",
        "development | redis-slave | 2 | 0 | 0 | <age>",
        "production | redis-slave | 2 | 0 | 0 | <age>",
    ]
    assert book("config", "current-context") == "ctx-prod\n"
    assert book("config", "get-contexts", "-o", "name").splitlines() == ["ctx-dev", "ctx-prod"]
