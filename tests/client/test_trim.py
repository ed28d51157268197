"""Informers that trim managedFields (client/trim.py): their objects lack the field, whether they
came by LIST or by watch, in process or over a socket; objects of informers that keep the field are
never shared with them."""

from __future__ import annotations

import orjson
import pytest

from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.informer import Informer
from kubepy.client.resources import CONFIGMAPS
from kubepy.client.rest import RESTClient, user_agent
from kubepy.client.shared import SharedDecoder
from kubepy.client.trim import trim_items, trim_managed_fields
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
