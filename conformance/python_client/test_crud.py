"""CRUD of every served kind through the official client's typed APIs.

For each kind (kinds.py): create, read, list, replace (the typed object read back, one label
changed), patch (strategic merge, the client's default for a dict body) and delete, then check
the typed objects: system metadata, and the defaults Kubernetes fills for that kind (a Pod's
restartPolicy, a Service's clusterIP and nodePort, ...). Also the read-only and create-only kinds.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from conformance.python_client.helpers import status_of
from conformance.python_client.kinds import DELETE_RETURNS_OBJECT, KINDS, Kind, qualified


class Ops:
    """The typed methods of one kind, namespaced or not, under one calling convention."""

    def __init__(self, api_client: Any, kind: Kind, ns: str) -> None:
        self.api = getattr(client, kind.api)(api_client)
        self.kind, self.ns = kind, ns

    def _call(self, verb: str, **kwargs: Any) -> Any:
        if self.kind.namespaced:
            return getattr(self.api, f"{verb}_namespaced_{self.kind.snake}")(namespace=self.ns, **kwargs)
        return getattr(self.api, f"{verb}_{self.kind.snake}")(**kwargs)

    def create(self, body: Any) -> Any:
        return self._call("create", body=body)

    def read(self, name: str) -> Any:
        return self._call("read", name=name)

    def list(self, **kwargs: Any) -> Any:
        return self._call("list", **kwargs)

    def replace(self, name: str, body: Any) -> Any:
        return self._call("replace", name=name, body=body)

    def patch(self, name: str, body: Any, **kwargs: Any) -> Any:
        return self._call("patch", name=name, body=body, **kwargs)

    def delete(self, name: str, **kwargs: Any) -> Any:
        return self._call("delete", name=name, **kwargs)


@pytest.mark.parametrize("kind", KINDS, ids=[k.id for k in KINDS])
def test_crud(api_client: Any, ns: str, kind: Kind):
    ops = Ops(api_client, kind, ns)
    manifest = kind.body(ns)
    name = manifest["metadata"]["name"]

    created = ops.create(manifest)
    meta = created.metadata
    assert meta.name == name
    assert meta.namespace == (ns if kind.namespaced else None)
    assert len(meta.uid) == 36 and int(meta.resource_version) > 0
    assert meta.creation_timestamp is not None
    kind.check(created)

    got = ops.read(name)
    assert got.to_dict() == created.to_dict()

    listed = ops.list()
    assert name in [o.metadata.name for o in listed.items]
    assert int(listed.metadata.resource_version) >= int(meta.resource_version)

    got.metadata.labels = {**(got.metadata.labels or {}), "crud": "replaced"}
    replaced = ops.replace(name, got)
    assert replaced.metadata.labels["crud"] == "replaced"
    assert int(replaced.metadata.resource_version) > int(meta.resource_version)
    assert replaced.metadata.uid == meta.uid
    kind.check(replaced)

    patched = ops.patch(name, {"metadata": {"annotations": {"crud": "patched"}}})
    assert patched.metadata.annotations["crud"] == "patched"
    assert patched.metadata.labels["crud"] == "replaced"
    assert int(patched.metadata.resource_version) > int(replaced.metadata.resource_version)

    reply = ops.delete(name)
    if kind.id in DELETE_RETURNS_OBJECT:
        # typed when the client knows it is the object, a plain dict otherwise (namespaces)
        deleted = reply if isinstance(reply, dict) else reply.to_dict(serialize=True)
        assert deleted["kind"] == created.kind, reply
        assert (deleted["metadata"]["name"], deleted["metadata"]["uid"]) == (name, meta.uid)
    else:
        assert isinstance(reply, dict), reply
        assert (reply["kind"], reply["status"]) == ("Status", "Success")
        assert reply["details"]["name"] == name and reply["details"]["uid"] == meta.uid
        assert reply["details"]["kind"] == kind.plural
    if kind.id == "namespaces":
        # without a namespace controller the "kubernetes" finalizer stays: Terminating
        gone = ops.read(name)
        assert gone.status.phase == "Terminating"
        assert gone.metadata.deletion_timestamp is not None
        return
    with pytest.raises(ApiException) as e:
        ops.read(name)
    assert e.value.status == 404
    assert status_of(e.value)["message"] == f'{qualified(kind)} "{name}" not found'
    assert name not in [o.metadata.name for o in ops.list().items]


def test_typed_bodies_are_accepted(api_client: Any, ns: str):
    """Bodies built from the client's model classes serialize the way the server reads them."""
    core = client.CoreV1Api(api_client)
    body = client.V1Pod(
        metadata=client.V1ObjectMeta(name="typed", labels={"app": "typed"}),
        spec=client.V1PodSpec(
            containers=[
                client.V1Container(
                    name="c",
                    image="nginx:1.25",
                    ports=[client.V1ContainerPort(container_port=80, name="http")],
                    resources=client.V1ResourceRequirements(limits={"cpu": "0.5", "memory": "128Mi"}),
                )
            ]
        ),
    )
    p = core.create_namespaced_pod(ns, body)
    c = p.spec.containers[0]
    assert c.image_pull_policy == "IfNotPresent"  # a tag other than latest
    assert c.resources.limits == {"cpu": "500m", "memory": "128Mi"}  # canonical quantities
    assert c.resources.requests == {"cpu": "500m", "memory": "128Mi"}  # requests default to limits
    assert p.status.qos_class == "Guaranteed"


def test_component_statuses_list_and_read(api_client: Any, server_url: str):
    core = client.CoreV1Api(api_client)
    listed = core.list_component_status()
    assert listed.items
    for cs in listed.items:
        assert [c.type for c in cs.conditions] == ["Healthy"]
        assert cs.conditions[0].status in ("True", "False", "Unknown")
        assert core.read_component_status(cs.metadata.name).to_dict() == cs.to_dict()
    # the client has no create for them; by hand it is 405
    body = {"apiVersion": "v1", "kind": "ComponentStatus", "metadata": {"name": "x"}}
    r = httpx.post(server_url + "/api/v1/componentstatuses", json=body)
    assert r.status_code == 405
    assert r.json()["reason"] == "MethodNotAllowed"


def test_component_status_names(api_client: Any):
    """`kubectl get cs` in the book (and today) lists scheduler, controller-manager and etcd-0."""
    names = {cs.metadata.name for cs in client.CoreV1Api(api_client).list_component_status().items}
    assert names == {"scheduler", "controller-manager", "etcd-0"}


def test_self_subject_access_review(api_client: Any, ns: str):
    authz = client.AuthorizationV1Api(api_client)
    review = authz.create_self_subject_access_review(
        {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {"verb": "create", "resource": "pods", "namespace": ns}},
        }
    )
    assert review.status.allowed is True
    assert review.spec.resource_attributes.verb == "create"
    # never stored: there is nothing to list or read
    assert review.metadata.resource_version is None


def test_self_subject_review(api_client: Any):
    authn = client.AuthenticationV1Api(api_client)
    review = authn.create_self_subject_review(
        {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    )
    assert review.status.user_info.username == "system:unsecured"
    assert "system:masters" in review.status.user_info.groups
