"""The life of one book manifest under kubectl: create, get -o yaml, label, delete.

The expected lines are derived from the manifest itself (`<resource>/<name> created`, ...), the
read-back object must contain every field the manifest set (defaults may be added; quantities may
be canonicalised, `0.5` → `500m`; JSON keys match case-insensitively as Go's decoder does).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from conformance.kubectl.runner import BOOK, Kubectl

#: Kinds of the book that are not namespaced.
CLUSTER_KINDS = {"Namespace", "Node", "PersistentVolume"}


def load(rel: str) -> list[dict[str, Any]]:
    text = (BOOK / rel).read_text()
    docs = [json.loads(text)] if rel.endswith(".json") else list(yaml.safe_load_all(text))
    return [d for d in docs if d]


def _quantity_equal(a: Any, b: Any) -> bool:
    from kubepy.api.quantity import parse_quantity

    try:
        return parse_quantity(str(a)) == parse_quantity(str(b))
    except (ValueError, ArithmeticError):
        return False


def missing(actual: Any, expected: Any, path: str = "") -> list[str]:
    """Where `actual` lacks what `expected` sets (empty when it contains all of it)."""
    if expected is None:  # `labels: null` sets nothing
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        out = []
        lower = {k.lower(): k for k in actual}
        for k, v in expected.items():
            if v is None:  # `labels: null` sets nothing
                continue
            key = k if k in actual else lower.get(k.lower())
            if key is None:
                out.append(f"{path}.{k}: missing")
            else:
                out += missing(actual[key], v, f"{path}.{k}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r}"]
        return [
            m
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for m in missing(a, e, f"{path}[{i}]")
        ]
    if actual == expected or str(actual) == str(expected) or _quantity_equal(actual, expected):
        return []
    return [f"{path}: expected {expected!r}, got {actual!r}"]


def namespace_of(doc: dict[str, Any]) -> str | None:
    if doc["kind"] in CLUSTER_KINDS:
        return None
    return (doc.get("metadata") or {}).get("namespace") or "default"


#: Namespaces every kube-apiserver creates at start.
SYSTEM_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease"}


def ensure_namespace(kubectl: Kubectl, name: str | None) -> None:
    if name and name not in SYSTEM_NAMESPACES and kubectl.run("get", "namespace", name).rc != 0:
        kubectl("create", "namespace", name)


def purge_namespace(kubectl: Kubectl, name: str) -> None:
    """Delete a namespace and do the namespace controller's last step (PUT .../finalize with no
    finalizers), so the name can be created again; no controller runs in these suites."""
    kubectl("delete", "namespace", name, "--wait=false", "--ignore-not-found")
    if kubectl.run("get", "namespace", name).rc == 0:
        body = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": name},
            "spec": {"finalizers": []},
        }
        kubectl("replace", "--raw", f"/api/v1/namespaces/{name}/finalize", "-f", "-", stdin=json.dumps(body))
    assert kubectl.run("get", "namespace", name).rc == 1, f"namespace {name} is still there"


def lifecycle(kubectl: Kubectl, rel: str) -> None:
    """create → get -o yaml (contains the manifest) → label → annotate → delete, each printing
    what kubectl prints against Kubernetes. The book's files hold one object each."""
    assert len(load(rel)) == 1, rel
    docs = load(rel)
    f = str(BOOK / rel)
    for d in docs:
        if d["kind"] == "Namespace":
            purge_namespace(kubectl, d["metadata"]["name"])
        else:
            ensure_namespace(kubectl, namespace_of(d))
    refs = [(d["kind"].lower(), d["metadata"]["name"], namespace_of(d)) for d in docs]

    assert kubectl("create", "-f", f).splitlines() == [f"{r}/{n} created" for r, n, _ in refs]

    got = yaml.safe_load(kubectl("get", "-f", f, "-o", "yaml"))
    items = got["items"] if got.get("kind") == "List" else [got]
    assert len(items) == len(docs)
    for doc, item in zip(docs, items, strict=True):
        assert (item["apiVersion"], item["kind"]) == (doc["apiVersion"], doc["kind"])
        meta = item["metadata"]
        assert (meta["name"], meta.get("namespace")) == (doc["metadata"]["name"], namespace_of(doc))
        assert meta.get("uid") and meta.get("resourceVersion") and meta.get("creationTimestamp")
        want = {k: v for k, v in doc.items() if k not in ("status", "apiVersion", "kind", "metadata")}
        want["metadata"] = {k: v for k, v in doc["metadata"].items() if k in ("labels", "annotations")}
        problems = missing(item, want)
        assert not problems, f"{rel}: read back differs from the manifest: {problems}"

    assert kubectl("label", "-f", f, "book=yes").splitlines() == [f"{r}/{n} labeled" for r, n, _ in refs]
    assert kubectl("annotate", "-f", f, "book-section=kubepy").splitlines() == [
        f"{r}/{n} annotated" for r, n, _ in refs
    ]
    marks = kubectl(
        "get", "-f", f, "-o", "jsonpath={.metadata.labels.book}/{.metadata.annotations.book-section}"
    )
    assert marks == "yes/kubepy"

    # without a namespace controller a namespace stays Terminating: don't wait for it to go
    extra = ["--wait=false"] if any(d["kind"] == "Namespace" for d in docs) else []
    deleted = kubectl.run("delete", "-f", f, *extra).ok()
    assert deleted.lines == [kubectl.deleted(r, n, ns) for r, n, ns in refs]
    for d in docs:
        if d["kind"] == "Namespace":
            purge_namespace(kubectl, d["metadata"]["name"])
