"""delete (by name, -l, -f, --all, --wait, --cascade), wait --for (condition, delete, jsonpath), diff.

Only the apiserver runs here, as in a cluster whose controller-manager is down: what needs a
controller (namespace finalization, garbage collection of foreground/orphan deletes) stays
pending, exactly as it would in Kubernetes, so those deletes use --wait=false.

A timeout that must expire is 2s, not 1s: a watch cut by the deadline within its first second
makes client-go's reflector log "very short watch" to stderr, whatever the server.
"""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from conformance.kubectl.runner import BOOK, Kubectl, configmap, write_yaml


def test_delete_by_name_and_missing(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "gone", "--from-literal=k=v")
    assert kubectl("delete", "configmap", "gone") == kubectl.deleted("configmap", "gone") + "\n"
    again = kubectl.run("delete", "configmap", "gone")
    assert (again.rc, again.err) == (1, 'Error from server (NotFound): configmaps "gone" not found\n')
    assert kubectl("delete", "configmap", "gone", "--ignore-not-found") == ""


def test_delete_by_label(kubectl: Kubectl) -> None:
    for name, tier in (("lab-a", "x"), ("lab-b", "x"), ("lab-c", "y")):
        kubectl("create", "configmap", name, "--from-literal=k=v")
        kubectl("label", "configmap", name, f"tier={tier}")
    assert kubectl("delete", "configmap", "-l", "tier=x").splitlines() == [
        kubectl.deleted("configmap", "lab-a"),
        kubectl.deleted("configmap", "lab-b"),
    ]
    assert kubectl("get", "configmap", "-l", "tier", "-o", "name") == "configmap/lab-c\n"
    none = kubectl.run("delete", "configmap", "-l", "tier=nothing")
    assert (none.rc, none.out, none.err) == (0, "No resources found\n", "")


def test_delete_file(kubectl: Kubectl) -> None:
    files = [str(BOOK / "guestbook/frontend-service.yaml"), str(BOOK / "guestbook/frontend-controller.yaml")]
    args = [a for f in files for a in ("-f", f)]
    assert kubectl("create", *args).splitlines() == [
        "service/frontend created",
        "replicationcontroller/frontend created",
    ]
    assert kubectl("delete", *args).splitlines() == [
        kubectl.deleted("service", "frontend"),
        kubectl.deleted("replicationcontroller", "frontend"),
    ]


def test_delete_all_in_namespace(kubectl: Kubectl) -> None:
    kubectl("create", "namespace", "sweep")
    for name in ("one", "two"):
        kubectl("create", "secret", "generic", name, "--from-literal=k=v", "-n", "sweep")
    assert kubectl("delete", "secrets", "--all", "-n", "sweep").splitlines() == [
        kubectl.deleted("secret", "one", "sweep"),
        kubectl.deleted("secret", "two", "sweep"),
    ]
    empty = kubectl.run("get", "secrets", "-n", "sweep")
    assert (empty.out, empty.err) == ("", "No resources found in sweep namespace.\n")


def test_delete_namespace_stays_terminating_without_controller(kubectl: Kubectl) -> None:
    """The namespace controller (kube-controller-manager) removes the `kubernetes` finalizer;
    with only the apiserver the namespace stays Terminating, as in Kubernetes."""
    assert kubectl("create", "namespace", "doomed") == "namespace/doomed created\n"
    out = kubectl("delete", "namespace", "doomed", "--wait=false")
    assert out == kubectl.deleted("namespace", "doomed", None) + "\n"
    got = kubectl("get", "namespace", "doomed", "-o", "jsonpath={.status.phase} {.spec.finalizers}")
    assert got == 'Terminating ["kubernetes"]'
    refused = kubectl.run("create", "configmap", "late", "-n", "doomed")
    assert refused.rc == 1
    assert refused.err == (
        'error: failed to create configmap: configmaps "late" is forbidden: unable to create new content '
        "in namespace doomed because it is being terminated\n"
    )


def test_delete_waits_for_finalizer(kubectl: Kubectl, tmp_path: Path) -> None:
    cm = configmap("held", {"k": "v"})
    cm["metadata"]["finalizers"] = ["example.com/hold"]
    kubectl("create", "-f", str(write_yaml(tmp_path, "cm.yaml", cm)))
    timed = kubectl.run("delete", "configmap", "held", "--timeout=2s")
    assert timed.rc == 1
    assert timed.out == kubectl.deleted("configmap", "held") + "\n"
    assert timed.message == "error: timed out waiting for the condition on configmaps/held\n"
    stamp = kubectl("get", "configmap", "held", "-o", "jsonpath={.metadata.deletionTimestamp}")
    assert stamp.endswith("Z")
    # -v=6 logs each request: the finalizer goes only once the wait is watching, else the
    # object could be gone before kubectl's first look (then it prints nothing)
    waiter = subprocess.Popen(
        [str(kubectl.binary), "wait", "--for=delete", "configmap/held", "--timeout=30s", "-v=6"],
        env=kubectl.environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killer = threading.Timer(40, waiter.kill)
    killer.start()
    try:
        assert waiter.stderr is not None
        for line in waiter.stderr:
            if "watch=true" in line:
                break
        unhold = '[{"op":"remove","path":"/metadata/finalizers"}]'
        kubectl("patch", "configmap", "held", "--type=json", "-p", unhold)
        out, err = waiter.communicate()
    finally:
        killer.cancel()
        waiter.kill()
    assert (waiter.returncode, out) == (0, "configmap/held condition met\n"), err
    assert kubectl.run("get", "configmap", "held").rc == 1


def test_delete_cascade(kubectl: Kubectl) -> None:
    """background (the default) deletes at once; foreground and orphan leave the object with the
    finalizer the garbage collector acts on (foregroundDeletion / orphan)."""
    rc = str(BOOK / "guestbook/redis-master-controller.yaml")
    for cascade, finalizer in (
        ("background", None),
        ("foreground", "foregroundDeletion"),
        ("orphan", "orphan"),
    ):
        kubectl("create", "-f", rc)
        out = kubectl("delete", "-f", rc, f"--cascade={cascade}", "--wait=false")
        assert out == kubectl.deleted("replicationcontroller", "redis-master") + "\n"
        left = kubectl.run("get", "rc", "redis-master", "-o", "jsonpath={.metadata.finalizers}")
        if finalizer is None:
            assert left.rc == 1
            continue
        assert json.loads(left.ok().out) == [finalizer]
        kubectl("patch", "rc", "redis-master", "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
        assert kubectl.run("get", "rc", "redis-master").rc == 1


def test_wait_for_condition(kubectl: Kubectl) -> None:
    """The book's Node (§2.2.2) is created with its status, conditions[Ready] True."""
    node = str(BOOK / "misc/node-e2e-example.json")
    assert kubectl("create", "-f", node) == "node/e2e-test-wojtekt-minion-etd6 created\n"
    met = kubectl("wait", "--for=condition=Ready", "node/e2e-test-wojtekt-minion-etd6", "--timeout=10s")
    assert met == "node/e2e-test-wojtekt-minion-etd6 condition met\n"
    unmet = kubectl.run(
        "wait", "--for=condition=Ready=False", "node/e2e-test-wojtekt-minion-etd6", "--timeout=2s"
    )
    assert unmet.rc == 1
    assert (
        unmet.message == "error: timed out waiting for the condition on nodes/e2e-test-wojtekt-minion-etd6\n"
    )


def test_wait_for_jsonpath(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "ready", "--from-literal=state=done")
    met = kubectl("wait", "--for=jsonpath={.data.state}=done", "configmap/ready", "--timeout=10s")
    assert met == "configmap/ready condition met\n"
    unmet = kubectl.run("wait", "--for=jsonpath={.data.state}=other", "configmap/ready", "--timeout=2s")
    assert unmet.rc == 1
    assert unmet.message == "error: timed out waiting for the condition on configmaps/ready\n"


def test_diff(kubectl: Kubectl, tmp_path: Path) -> None:
    f = str(write_yaml(tmp_path, "cm.yaml", configmap("diffed", {"a": "1"})))
    kubectl("apply", "-f", f)
    same = kubectl.run("diff", "-f", f)
    assert (same.rc, same.out, same.err) == (0, "", "")
    write_yaml(tmp_path, "cm.yaml", configmap("diffed", {"a": "2"}))
    changed = kubectl.run("diff", "-f", f)
    assert changed.rc == 1, changed.err
    body = [ln for ln in changed.out.splitlines() if ln[:1] in "+-" and not ln.startswith(("---", "+++"))]
    # only the data and the generation-free metadata that apply rewrites may differ; kubectl 1.24
    # also prints managedFields, whose time moves with the change when a second boundary passes
    body = [ln for ln in body if not ln[1:].strip().startswith("time: ")]
    assert [ln for ln in body if "last-applied-configuration" not in ln and '{"apiVersion"' not in ln] == [
        '-  a: "1"',
        '+  a: "2"',
    ]
    assert kubectl("get", "cm", "diffed", "-o", "jsonpath={.data.a}") == "1"  # diff is a dry run
    new = str(write_yaml(tmp_path, "new.yaml", configmap("diff-new", {"b": "1"})))
    created = kubectl.run("diff", "-f", new)
    assert created.rc == 1
    assert "+  name: diff-new" in created.out.splitlines()
    assert kubectl.run("get", "cm", "diff-new").rc == 1
