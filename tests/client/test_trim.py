"""Informers that trim managedFields (client/trim.py): their objects lack the field, whether they
came by LIST or by watch, in process or over a socket; objects of informers that keep the field are
never shared with them."""

from __future__ import annotations

import httpx
import orjson
import pytest

from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.informer import Informer
from kubepy.client.resources import CONFIGMAPS, PODS
from kubepy.client.rest import RESTClient, user_agent
from kubepy.client.shared import SharedDecoder
from kubepy.client.trim import trim_items, trim_managed_fields, without_managed_fields
from kubepy.client.watch import decode_line, decode_shared
from tests.client.conftest import Wire, configmap, eventually

MANAGED = [{"manager": "m", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}}]


def obj(name: str, rv: str = "1") -> dict:
    meta = {"name": name, "namespace": "ns", "resourceVersion": rv, "managedFields": MANAGED}
    return {"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta, "data": {"k": name}}


def without(o: dict) -> dict:
    return {**o, "metadata": {k: v for k, v in o["metadata"].items() if k != "managedFields"}}


def test_trim_drops_only_managed_fields() -> None:
    o = obj("a")
    assert trim_managed_fields(o) is o and o == without(obj("a"))
    for odd in ({"metadata": None}, {"kind": "X"}, [1], None, {"metadata": {"managedFields": None}}):
        trim_managed_fields(odd)  # other shapes pass (a null field goes too)
    answer = {"kind": "ConfigMapList", "items": [obj("a"), obj("b")]}
    assert trim_items(answer)["items"] == [without(obj("a")), without(obj("b"))]
    assert trim_items({"kind": "Status"}) == {"kind": "Status"}


def test_trimmed_watch_lines_share_their_own_memo() -> None:
    raw = orjson.dumps({"type": "MODIFIED", "object": obj("w", rv="77")})
    kept = decode_shared(raw)
    trimmed = decode_shared(bytes(bytearray(raw)), True)
    assert kept is not None and trimmed is not None
    assert kept.object == obj("w", rv="77") and trimmed.object == without(obj("w", rv="77"))
    assert decode_shared(raw, True) is trimmed and decode_shared(raw) is kept
    alone = decode_line(raw, True)
    assert alone == trimmed and alone is not trimmed


@pytest.mark.parametrize("split", [True, False])
def test_trimmed_lists(split: bool) -> None:
    items = [obj("a"), obj("b")]
    raw = orjson.dumps({"kind": "ConfigMapList", "metadata": {"resourceVersion": "9"}, "items": items})
    if not split:  # another layout: decoded whole
        raw = orjson.dumps({"items": items, "kind": "ConfigMapList"})
    kept, trimmed = SharedDecoder(), SharedDecoder(trim=True)
    assert kept.decode_list(raw)["items"] == items
    assert trimmed.decode_list(raw)["items"] == [without(o) for o in items]


async def test_informers_trim_what_they_list_and_watch(server: APIServer) -> None:
    """In process (shared decoding) and over a socket: trimming informers hold no managedFields,
    others keep them, and in process the trimming ones share one object per ConfigMap."""
    seed = RESTClient("http://kubepy", transport=Wire(server.app), user_agent=user_agent("seed"))
    await seed.create(CONFIGMAPS, configmap("listed"), "default")

    def client(transport) -> RESTClient:
        return RESTClient("http://apiserver", transport=transport, user_agent=user_agent("c"))

    clients = [client(StreamingASGITransport(server.app)) for _ in range(3)] + [client(Wire(server.app))]
    trims = [True, True, False, True]
    informers = [
        Informer(c, CONFIGMAPS, "default", trim_managed_fields=t) for c, t in zip(clients, trims, strict=True)
    ]
    for inf in informers:
        inf.start()
    try:
        for inf in informers:
            await inf.wait_for_sync()
        await seed.create(CONFIGMAPS, configmap("watched"), "default")
        for inf in informers:
            await eventually(lambda inf=inf: inf.store.get("default/watched") is not None, "the watch")
        for name in ("default/listed", "default/watched"):
            got = [inf.store.get(name) for inf in informers]
            assert all("managedFields" not in o["metadata"] for o, t in zip(got, trims, strict=True) if t)
            assert got[2]["metadata"]["managedFields"]  # kept where not asked to trim
            assert got[0] is got[1] and got[2] is not got[0]
            assert got[0] == got[3] == without(got[2])
    finally:
        for inf in informers:
            await inf.stop()
        for c in (seed, *clients):
            await c.aclose()


def _trimmed(line: bytes) -> dict:
    whole = orjson.loads(line)
    trim_managed_fields(whole["object"])
    return whole["object"]


#: Strings a pod may carry that look like the bytes the cut looks for.
TRICKY = '}]},"spec":{"x":[1]},"managedFields":[{}]}'


async def test_pod_lines_cut_equal_trimmed(server: APIServer) -> None:
    """Every watch line the apiserver writes for a pod through its life (create, apply with
    set-valued fields, metadata update, binding, status patch, graceful delete), strings that
    look like the cut's markers included: cut before decoding, it decodes to the whole line
    decoded and trimmed, and the lines that carry managedFields really were cut."""
    c = RESTClient("http://kubepy", transport=Wire(server.app), user_agent=user_agent("kubelet"))
    raw = httpx.AsyncClient(transport=StreamingASGITransport(server.app), base_url="http://kubepy")
    try:
        listed = await c.request("GET", "/api/v1/namespaces/default/pods")
        rv = listed["metadata"]["resourceVersion"]
        meta = {
            "name": "p",
            "namespace": "default",
            "labels": {"app": "x"},
            "annotations": {"a": TRICKY, "b": "]}"},
            "ownerReferences": [
                {"apiVersion": "v1", "kind": "ReplicationController", "name": "rc", "uid": "u1"}
            ],
        }
        spec = {"containers": [{"name": "c", "image": "i", "args": [TRICKY]}]}
        await c.create(PODS, {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}, "default")
        applied = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p", "finalizers": ["example.com/x"]},
        }
        await c.apply(PODS, applied, "default", field_manager="m]},")
        await c.patch(PODS, "p", {"metadata": {"labels": {"more": "y"}}}, "default", patch_type="merge")
        binding = {"metadata": {"name": "p"}, "target": {"kind": "Node", "name": "n1"}}
        await c.request("POST", "/api/v1/namespaces/default/pods/p/binding", body=binding)
        status = {"status": {"phase": "Running", "message": TRICKY}}
        await c.patch(PODS, "p", status, "default", patch_type="merge", subresource="status")
        await c.delete(PODS, "p", "default")
        last = (await c.get(PODS, "p", "default"))["metadata"]["resourceVersion"]
        lines: list[bytes] = []
        params = {"watch": "true", "resourceVersion": rv}
        async with raw.stream("GET", "/api/v1/namespaces/default/pods", params=params) as resp:
            async for line in resp.aiter_lines():
                lines.append(line.encode())
                if orjson.loads(line)["object"]["metadata"]["resourceVersion"] == last:
                    break
    finally:
        await raw.aclose()
        await c.aclose()
    assert len(lines) == 6
    for line in lines:
        got = decode_line(line, True)
        assert got is not None and got.object == _trimmed(line)
        # cut where managedFields ends metadata, as Go orders it (a graceful delete adds
        # deletionTimestamp after it)
        last = list(orjson.loads(line)["object"]["metadata"])[-1]
        cut = without_managed_fields(line)
        assert (cut != line) == (last == "managedFields")
        if cut != line:  # the cut itself decodes, to the trimmed object
            assert orjson.loads(cut)["object"] == _trimmed(line)
    assert sum(without_managed_fields(line) != line for line in lines) >= 5


def test_other_lines_are_not_cut() -> None:
    cm = orjson.dumps({"type": "MODIFIED", "object": obj("c")})
    assert without_managed_fields(cm) is cm  # not a pod
    assert without_managed_fields(cm.decode()) == cm.decode()
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "managedFields": MANAGED}}
    for odd in (pod, {**pod, "status": {}}):  # no spec after the metadata: nothing to cut at
        line = orjson.dumps({"type": "ADDED", "object": odd})
        assert without_managed_fields(line) is line
        assert decode_line(line, True).object == without(odd)


def test_a_pod_line_cut_wrong_is_decoded_whole() -> None:
    """Not as an apiserver writes it (managedFields holds an array): the cut does not decode,
    so the line is decoded whole."""
    managed = [{**MANAGED[0], "fieldsV1": {"f:x": [{"a": {}}]}}]
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "managedFields": managed}}
    line = orjson.dumps({"type": "ADDED", "object": {**pod, "spec": {"nodeName": "n"}}})
    line = line.replace(b'}]}},"spec":{', b'}]},"spec":{"x":1}},"spec":{')
    assert without_managed_fields(line) != line
    assert decode_line(line, True).object == _trimmed(line)


def test_metadata_going_on_after_managed_fields_is_not_cut() -> None:
    owners = [{"apiVersion": "v1", "kind": "ReplicationController", "name": "rc", "uid": "u"}]
    meta = {"name": "p", "managedFields": MANAGED, "ownerReferences": owners}
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": {"nodeName": "n"}}
    line = orjson.dumps({"type": "MODIFIED", "object": pod})
    assert without_managed_fields(line) is line
    assert decode_line(line, True).object == without(pod)
    named = [{**MANAGED[0], "manager": "m}],"}]
    line = orjson.dumps(
        {"type": "MODIFIED", "object": {**pod, "metadata": {"name": "p", "managedFields": named}}}
    )
    assert without_managed_fields(line) is line
