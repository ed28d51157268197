"""log/exec/attach/portforward before a kubelet serves them: Kubernetes' answers for a pod that has
no node yet, or that has several containers and names none."""

from __future__ import annotations

from tests.apiserver.conftest import pod

PODS = "/api/v1/namespaces/default/pods"


async def test_log_of_unscheduled_pod(client):
    assert (await client.post(PODS, json=pod("p1"))).status_code == 201
    r = await client.get(f"{PODS}/p1/log")
    assert r.status_code == 400
    assert r.json()["message"] == "pod p1 does not have a host assigned"
    r = await client.post(f"{PODS}/p1/exec?command=ls&stdout=true")
    assert r.status_code == 400 and r.json()["message"] == "pod p1 does not have a host assigned"


async def test_log_needs_a_container_name_when_several(client):
    body = pod("p2")
    body["spec"]["containers"].append({"name": "d", "image": "busybox"})
    await client.post(PODS, json=body)
    r = await client.get(f"{PODS}/p2/log")
    assert r.status_code == 400
    assert r.json()["message"] == "a container name must be specified for pod p2, choose one of: [c d]"
    r = await client.get(f"{PODS}/p2/log?container=zz")
    assert r.status_code == 400 and r.json()["message"] == "container zz is not valid for pod p2"


async def test_log_of_missing_pod_is_404(client):
    r = await client.get(f"{PODS}/ghost/log")
    assert r.status_code == 404 and r.json()["message"] == 'pods "ghost" not found'
