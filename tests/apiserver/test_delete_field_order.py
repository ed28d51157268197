"""A graceful delete writes deletionTimestamp and deletionGracePeriodSeconds where Go's encoder
puts them in ObjectMeta, as every other write path does, not after managedFields."""

from __future__ import annotations

from tests.apiserver.conftest import configmap

CM = "/api/v1/namespaces/default/configmaps"

#: ObjectMeta's fields in declaration order (k8s.io/apimachinery/pkg/apis/meta/v1).
OBJECT_META = (
    "name generateName namespace selfLink uid resourceVersion generation creationTimestamp "
    "deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences finalizers "
    "managedFields"
).split()


async def test_deletion_fields_sit_in_object_meta_order(client):
    body = configmap(labels={"app": "web"})
    body["metadata"]["finalizers"] = ["example.com/hold"]
    assert (await client.post(CM, json=body)).status_code == 201
    answer = (await client.delete(f"{CM}/cm1")).json()
    stored = (await client.get(f"{CM}/cm1")).json()
    for meta in (answer["metadata"], stored["metadata"]):
        keys = list(meta)
        assert {"deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"} <= set(keys)
        assert keys == sorted(keys, key=OBJECT_META.index)
