"""Writes: create, apply (client- and server-side), replace, patch, edit, label, annotate.

Every expected line is what kubectl prints against a real apiserver for the same input.
"""

from __future__ import annotations

import json
from pathlib import Path

from conformance.kubectl.runner import BOOK, Kubectl, configmap, write_yaml


def jsonpath(kubectl: Kubectl, what: str, path: str) -> str:
    return kubectl("get", what, "-o", f"jsonpath={path}")


def test_create_file(kubectl: Kubectl) -> None:
    f = str(BOOK / "guestbook/redis-master-service.yaml")
    assert kubectl("create", "-f", f) == "service/redis-master created\n"
    again = kubectl.run("create", "-f", f)
    assert again.rc == 1
    assert again.err == (
        f'Error from server (AlreadyExists): error when creating "{f}": '
        'services "redis-master" already exists\n'
    )


def test_create_from_stdin_dry_run(kubectl: Kubectl) -> None:
    doc = json.dumps(configmap("dry", {"k": "v"}))
    assert (
        kubectl("create", "-f", "-", "--dry-run=server", stdin=doc)
        == "configmap/dry created (server dry run)\n"
    )
    assert kubectl("create", "-f", "-", "--dry-run=client", stdin=doc) == "configmap/dry created (dry run)\n"
    missing = kubectl.run("get", "configmap", "dry")
    assert (missing.rc, missing.err) == (1, 'Error from server (NotFound): configmaps "dry" not found\n')


def test_apply_twice_then_changed(kubectl: Kubectl, tmp_path: Path) -> None:
    f = str(write_yaml(tmp_path, "cm.yaml", configmap("applied", {"a": "b"})))
    assert kubectl("apply", "-f", f) == "configmap/applied created\n"
    assert kubectl("apply", "-f", f) == "configmap/applied unchanged\n"
    last = json.loads(
        jsonpath(
            kubectl,
            "cm/applied",
            r"{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}",
        )
    )
    # kubectl itself writes `annotations: {}` into the recorded configuration
    meta = {"annotations": {}, "name": "applied", "namespace": "default"}
    assert last == configmap("applied", {"a": "b"}) | {"metadata": meta}
    write_yaml(tmp_path, "cm.yaml", configmap("applied", {"a": "c"}))
    assert kubectl("apply", "-f", f) == "configmap/applied configured\n"
    assert jsonpath(kubectl, "cm/applied", "{.data.a}") == "c"


def test_apply_prunes_a_field_removed_from_the_file(kubectl: Kubectl, tmp_path: Path) -> None:
    f = str(write_yaml(tmp_path, "cm.yaml", configmap("pruned", {"a": "1", "b": "2"})))
    assert kubectl("apply", "-f", f) == "configmap/pruned created\n"
    kubectl("patch", "cm", "pruned", "-p", '{"data":{"live":"3"}}')
    write_yaml(tmp_path, "cm.yaml", configmap("pruned", {"a": "1"}))
    assert kubectl("apply", "-f", f) == "configmap/pruned configured\n"
    # b was in the last applied configuration and is gone; live was never applied and stays
    assert json.loads(jsonpath(kubectl, "cm/pruned", "{.data}")) == {"a": "1", "live": "3"}


def test_apply_server_side_conflict_and_force(kubectl: Kubectl, tmp_path: Path) -> None:
    f = str(write_yaml(tmp_path, "cm.yaml", configmap("ssa", {"k": "v1"})))
    assert kubectl("apply", "--server-side", "-f", f) == "configmap/ssa serverside-applied\n"
    assert kubectl("apply", "--server-side", "-f", f) == "configmap/ssa serverside-applied\n"
    g = str(write_yaml(tmp_path, "other.yaml", configmap("ssa", {"k": "v2"})))
    clash = kubectl.run("apply", "--server-side", "--field-manager=other", "-f", g)
    assert clash.rc == 1
    assert (
        clash.err.splitlines()[0] == 'error: Apply failed with 1 conflict: conflict with "kubectl": .data.k'
    )
    assert "Please review the fields above--they currently have other managers." in clash.err
    assert jsonpath(kubectl, "cm/ssa", "{.data.k}") == "v1"
    forced = kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", g)
    assert forced == "configmap/ssa serverside-applied\n"
    assert jsonpath(kubectl, "cm/ssa", "{.data.k}") == "v2"
    managers = jsonpath(kubectl, "cm/ssa", "{.metadata.managedFields[*].manager}").split()
    assert managers == ["other"]  # kubectl lost its only field to the forced apply


def test_replace(kubectl: Kubectl, tmp_path: Path) -> None:
    f = str(write_yaml(tmp_path, "cm.yaml", configmap("replaced", {"a": "1"})))
    assert kubectl("create", "-f", f) == "configmap/replaced created\n"
    write_yaml(tmp_path, "cm.yaml", configmap("replaced", {"b": "2"}))
    assert kubectl("replace", "-f", f) == "configmap/replaced replaced\n"
    assert json.loads(jsonpath(kubectl, "cm/replaced", "{.data}")) == {"b": "2"}
    assert kubectl("replace", "--force", "-f", f).splitlines() == [
        kubectl.deleted("configmap", "replaced"),
        "configmap/replaced replaced",
    ]


def test_replace_missing_object(kubectl: Kubectl, tmp_path: Path) -> None:
    f = str(write_yaml(tmp_path, "cm.yaml", configmap("never-created", {"a": "1"})))
    res = kubectl.run("replace", "-f", f)
    assert res.rc == 1
    assert res.err == (
        f'Error from server (NotFound): error when replacing "{f}": configmaps "never-created" not found\n'
    )


def test_patch_strategic_merge_json(kubectl: Kubectl) -> None:
    kubectl("create", "-f", str(BOOK / "guestbook/redis-slave-controller.yaml"))
    rc = "rc/redis-slave"
    # strategic: the containers list is merged by name, so only the image of "slave" changes
    p = '{"spec":{"template":{"spec":{"containers":[{"name":"slave","image":"redis:7"}]}}}}'
    assert kubectl("patch", rc, "-p", p) == "replicationcontroller/redis-slave patched\n"
    assert kubectl("patch", rc, "-p", p) == "replicationcontroller/redis-slave patched (no change)\n"
    containers = json.loads(jsonpath(kubectl, rc, "{.spec.template.spec.containers}"))
    assert [(c["name"], c["image"], c["env"]) for c in containers] == [
        ("slave", "redis:7", [{"name": "GET_HOSTS_FROM", "value": "env"}])
    ]
    # merge: a list is replaced whole
    m = '{"metadata":{"labels":{"tier":"backend"}},"spec":{"replicas":3}}'
    assert kubectl("patch", rc, "--type=merge", "-p", m) == "replicationcontroller/redis-slave patched\n"
    assert jsonpath(kubectl, rc, "{.spec.replicas} {.metadata.labels.tier}") == "3 backend"
    # json: RFC 6902 operations
    j = '[{"op":"replace","path":"/spec/replicas","value":1},{"op":"remove","path":"/metadata/labels/tier"}]'
    assert kubectl("patch", rc, "--type=json", "-p", j) == "replicationcontroller/redis-slave patched\n"
    assert jsonpath(kubectl, rc, "{.spec.replicas}") == "1"
    assert "tier" not in json.loads(jsonpath(kubectl, rc, "{.metadata.labels}"))
    bad = kubectl.run("patch", rc, "--type=json", "-p", '[{"op":"test","path":"/spec/replicas","value":9}]')
    # a failed test op is a 422 with empty details; kubectl 1.28+ appends the Status message
    message = ": the server rejected our request due to an error in our request"
    assert (bad.rc, bad.err) == (
        1,
        "The request is invalid" + (message if kubectl.at_least("1.28") else "") + "\n",
    )


def test_patch_book_smp_example(kubectl: Kubectl, tmp_path: Path) -> None:
    """§3.2.3: a strategic merge patch appends container log-tailer (a merge patch would replace the
    list). A Pod refuses it (its container list is immutable), so the book's patch goes into a
    ReplicationController's Pod template."""
    import yaml

    original = yaml.safe_load((BOOK / "api-client/smp-example-original.yaml").read_text())
    patch = yaml.safe_load((BOOK / "api-client/smp-example-patch.yaml").read_text())
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "smp"}, **original}
    kubectl("create", "-f", str(write_yaml(tmp_path, "pod.yaml", pod)))
    refused = kubectl.run("patch", "pod", "smp", "-p", json.dumps(patch))
    assert (refused.rc, refused.err) == (
        1,
        'The Pod "smp" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers\n',
    )
    labels = {"app": "smp"}
    rc = {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": "smp"},
        "spec": {"replicas": 1, "selector": labels, "template": {"metadata": {"labels": labels}, **original}},
    }
    kubectl("create", "-f", str(write_yaml(tmp_path, "rc.yaml", rc)))
    smp = json.dumps({"spec": {"template": patch}})
    assert kubectl("patch", "rc", "smp", "-p", smp) == "replicationcontroller/smp patched\n"
    names = jsonpath(kubectl, "rc/smp", "{.spec.template.spec.containers[*].name}").split()
    # merged by name; items only in the patch come before server-only ones (mergeSortedSlice)
    assert names == ["log-tailer", "nginx"]
    assert kubectl("patch", "rc", "smp", "--type=merge", "-p", smp) == "replicationcontroller/smp patched\n"
    assert jsonpath(kubectl, "rc/smp", "{.spec.template.spec.containers[*].name}") == "log-tailer"


def test_edit_with_kube_editor(kubectl: Kubectl, tmp_path: Path) -> None:
    kubectl("create", "configmap", "edited", "--from-literal=greeting=hello")
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/greeting: hello/greeting: bonjour/' \"$1\"\n")
    editor.chmod(0o755)
    out = kubectl("edit", "cm/edited", env={"KUBE_EDITOR": str(editor)})
    assert out == "configmap/edited edited\n"
    assert jsonpath(kubectl, "cm/edited", "{.data.greeting}") == "bonjour"
    noop = kubectl.run("edit", "cm/edited", env={"KUBE_EDITOR": "true"})
    assert noop.rc == 0 and noop.err == "Edit cancelled, no changes made.\n"


def test_label(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "labelled", "--from-literal=k=v")
    assert kubectl("label", "cm", "labelled", "env=dev") == "configmap/labelled labeled\n"
    clash = kubectl.run("label", "cm", "labelled", "env=prod")
    assert (clash.rc, clash.err) == (1, "error: 'env' already has a value (dev), and --overwrite is false\n")
    assert kubectl("label", "cm", "labelled", "env=prod", "--overwrite") == "configmap/labelled labeled\n"
    assert kubectl("get", "cm", "-l", "env=prod", "-o", "name") == "configmap/labelled\n"
    assert kubectl("label", "cm", "labelled", "env-") == "configmap/labelled unlabeled\n"
    assert kubectl("get", "cm", "labelled", "-o", "jsonpath={.metadata.labels}") == ""


def test_annotate(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "annotated", "--from-literal=k=v")
    assert kubectl("annotate", "cm", "annotated", "owner=book") == "configmap/annotated annotated\n"
    assert jsonpath(kubectl, "cm/annotated", "{.metadata.annotations.owner}") == "book"
    clash = kubectl.run("annotate", "cm", "annotated", "owner=other")
    assert (clash.rc, clash.err) == (
        1,
        "error: --overwrite is false but found the following declared annotation(s): 'owner' already has a value (book)\n",
    )
    assert kubectl("annotate", "cm", "annotated", "owner-") == "configmap/annotated annotated\n"
