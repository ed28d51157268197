"""/openapi/v2 and /openapi/v3 over HTTP: content types, ETags, 304, hashes, redirects, caching."""

from __future__ import annotations

import dataclasses
import hashlib
import time

import orjson

from kubepy.api.catalog import all_resources
from kubepy.api.schema import Struct
from kubepy.apiserver.openapi import OpenAPI
from kubepy.apiserver.openapi.service import accepts, etag_of

PROTO = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"


async def test_v3_root_lists_documents_with_hashes(client):
    r = await client.get("/openapi/v3")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["etag"] == '"' + hashlib.sha512(r.content).hexdigest().upper() + '"'
    paths = r.json()["paths"]
    assert {"api/v1", "apis/apps/v1", "apis/batch/v1"} <= set(paths)
    url = paths["apis/apps/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/apps/v1?hash=")
    doc = await client.get(url)
    assert doc.status_code == 200
    assert doc.headers["content-type"] == "application/json"
    digest = hashlib.sha512(doc.content).hexdigest().upper()
    assert url.endswith("hash=" + digest)
    assert doc.headers["etag"] == f'"{digest}"'
    assert "public, immutable" in doc.headers["cache-control"]
    assert "expires" in doc.headers
    assert doc.headers["vary"] == "Accept"
    body = doc.json()
    assert body["openapi"] == "3.0.0"
    assert "/apis/apps/v1/namespaces/{namespace}/deployments" in body["paths"]


async def test_v3_document_without_hash_is_not_immutable(client):
    r = await client.get("/openapi/v3/api/v1")
    assert r.status_code == 200
    assert "immutable" not in r.headers["cache-control"]
    assert "/api/v1/namespaces/{namespace}/pods" in r.json()["paths"]


async def test_v3_stale_hash_redirects_to_current(client):
    current = (await client.get("/openapi/v3")).json()["paths"]["api/v1"]["serverRelativeURL"]
    r = await client.get("/openapi/v3/api/v1?hash=0123", follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == current


async def test_v3_if_none_match_gives_304(client):
    first = await client.get("/openapi/v3/apis/batch/v1")
    etag = first.headers["etag"]
    again = await client.get("/openapi/v3/apis/batch/v1", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = await client.get("/openapi/v3/apis/batch/v1", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200
    root = await client.get("/openapi/v3")
    assert (
        await client.get("/openapi/v3", headers={"If-None-Match": root.headers["etag"]})
    ).status_code == 304


async def test_v3_unknown_group_version_is_404_and_protobuf_is_406(client):
    assert (await client.get("/openapi/v3/apis/nope/v1")).status_code == 404
    r = await client.get(
        "/openapi/v3/api/v1", headers={"Accept": "application/com.github.proto-openapi.spec.v3.v1.0+protobuf"}
    )
    assert r.status_code == 406
    r = await client.get(
        "/openapi/v3/api/v1",
        headers={"Accept": "application/com.github.proto-openapi.spec.v3.v1.0+protobuf, application/json"},
    )
    assert r.status_code == 200


async def test_v2_json_and_protobuf(client):
    r = await client.get("/openapi/v2", headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    doc = r.json()
    assert doc["swagger"] == "2.0"
    assert "io.k8s.api.core.v1.Pod" in doc["definitions"]
    etag = r.headers["etag"]
    assert etag == '"' + hashlib.sha512(r.content).hexdigest().upper() + '"'
    assert (await client.get("/openapi/v2", headers={"If-None-Match": etag})).status_code == 304
    pb = await client.get("/openapi/v2", headers={"Accept": PROTO + ", application/json"})
    assert pb.status_code == 200
    assert pb.headers["content-type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    assert pb.content[:5] == b"\x0a\x032.0"  # field 1 (swagger), "2.0"
    assert (await client.get("/openapi/v2", headers={"Accept": "text/html"})).status_code == 406


async def test_root_path_lists_openapi(client):
    paths = (await client.get("/")).json()["paths"]
    assert "/openapi/v2" in paths and "/openapi/v3" in paths


def _with_description(res, text: str):
    schema: Struct = dataclasses.replace(res.schema, description=text)
    return dataclasses.replace(res, schema=schema)


def test_hash_changes_only_for_the_changed_group_version():
    base = list(all_resources())
    a = OpenAPI(base, "v1.37.0")
    i = next(i for i, r in enumerate(base) if r.kind == "Deployment")
    changed = base[:i] + [_with_description(base[i], "Something else.")] + base[i + 1 :]
    b = OpenAPI(changed, "v1.37.0")
    assert a.v3["apis/apps/v1"].etag != b.v3["apis/apps/v1"].etag
    assert a.v3["api/v1"].etag == b.v3["api/v1"].etag
    assert a.v3_root.body != b.v3_root.body
    assert a.v2.etag != b.v2.etag
    # same input, same bytes: hashes are stable across builds
    assert OpenAPI(base, "v1.37.0").v3["apis/apps/v1"].etag == a.v3["apis/apps/v1"].etag
    assert a.v3["apis/apps/v1"].etag == etag_of(a.v3["apis/apps/v1"].body)


def test_build_is_fast():
    rs = all_resources()
    start = time.perf_counter()
    oa = OpenAPI(rs, "v1.37.0")
    assert time.perf_counter() - start < 1.0
    assert oa.build_seconds < 1.0
    assert orjson.loads(oa.v3_root.body)["paths"]


def test_accept_negotiation():
    offers = ["application/json", PROTO]
    assert accepts("", offers) == "application/json"
    assert accepts("*/*", offers) == "application/json"
    assert accepts(PROTO, offers) == PROTO
    assert accepts(f"{PROTO}, application/json", offers) == PROTO
    assert accepts(f"{PROTO};q=0.5, application/json", offers) == "application/json"
    assert accepts("application/json;q=0, text/plain", offers) is None
