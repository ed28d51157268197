"""/openapi/v2, /openapi/v3 and /openapi/v3/<group-version>: documents built once, served as bytes.

HTTP behaviour follows kube-openapi's handlers: the ETag is the quoted upper-case hex SHA-512 of
the JSON, If-None-Match answers 304, the v3 root lists every group-version with `?hash=<etag>`,
a request carrying the current hash may be cached for good ("public, immutable") and one carrying
a stale hash is redirected (301) to the current URL.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import quote

import orjson

from kubepy.api.resource import Resource
from kubepy.apiserver.http import Request, Response
from kubepy.apiserver.openapi import v2, v3

JSON = "application/json"
PROTO_V2 = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
PROTO_V2_OLD = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
PROTO_V3 = "application/com.github.proto-openapi.spec.v3.v1.0+protobuf"
PROTO_V3_OLD = "application/com.github.proto-openapi.spec.v3@v1.0+protobuf"
YEAR = 365 * 24 * 3600


def etag_of(body: bytes) -> str:
    return hashlib.sha512(body).hexdigest().upper()


def encode(doc: object) -> bytes:
    """Keys sorted, as Go's encoding/json writes maps, so equal documents hash equally."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class Served:
    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Served:
        return cls(body, etag_of(body))


def accepts(accept: str, offered: Iterable[str]) -> str | None:
    """The first offered media type the Accept header allows, in the client's order of clauses
    (q-values of 0 exclude; otherwise order decides, as goautoneg does for equal weights)."""
    clauses: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "*/*").split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if bits[0] and q > 0:
            clauses.append((-q, i, bits[0].lower()))
    offers = list(offered)
    for _, _, mt in sorted(clauses):
        typ, _, sub = mt.partition("/")
        for o in offers:
            ot, _, osub = o.partition("/")
            if typ in ("*", ot) and sub in ("*", osub):
                return o
    return None


class OpenAPI:
    """Every OpenAPI document of the server, encoded once at construction."""

    def __init__(self, resources: Iterable[Resource], version: str) -> None:
        start = time.perf_counter()
        rs = list(resources)
        info = {"title": "Kubernetes", "version": version}
        by_gv: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for r in rs:
            by_gv[(r.group, r.version)].append(r)
        served = sorted(by_gv)
        self.v3: dict[str, Served] = {
            v3.gv_key(g, v): Served.of(encode(v3.gv_document(g, v, by_gv[(g, v)], info, served)))
            for g, v in sorted(by_gv)
        }
        groups = sorted({g for g, _ in by_gv if g})
        for key, doc in v3.root_documents(groups, info).items():
            self.v3[key] = Served.of(encode(doc))
        root = {"paths": {k: {"serverRelativeURL": self.url(k, s.etag)} for k, s in sorted(self.v3.items())}}
        self.v3_root = Served.of(encode(root))
        self.v2 = Served.of(encode(v2.document(rs, info)))
        self.v2_proto: Served | None = self._proto(self.v2.body)
        self.last_modified = formatdate(time.time(), usegmt=True)
        self.build_seconds = time.perf_counter() - start

    @staticmethod
    def url(key: str, etag: str) -> str:
        return f"/openapi/v3/{quote(key)}?hash={etag}"

    @staticmethod
    def _proto(body: bytes) -> Served | None:
        try:
            from kubepy.apiserver.openapi import proto_v2
        except ImportError:
            return None
        return Served(proto_v2.encode_document(orjson.loads(body)), etag_of(body))

    # ---- HTTP ----------------------------------------------------------------------------
    def serve(self, req: Request, path: str) -> Response | None:
        """The answer for a path under /openapi, or None when it names no document."""
        if path == "/openapi/v2":
            return self._v2(req)
        if path == "/openapi/v3":
            return self._send(req, self.v3_root, JSON)
        if path.startswith("/openapi/v3/"):
            served = self.v3.get(path.removeprefix("/openapi/v3/"))
            if served is None:
                return None
            return self._group_version(req, path.removeprefix("/openapi/v3/"), served)
        return None

    def _v2(self, req: Request) -> Response:
        offers = [JSON] + ([PROTO_V2, PROTO_V2_OLD] if self.v2_proto else [])
        chosen = accepts(req.headers.get("accept", ""), offers)
        if chosen is None:
            return Response(406, b"", "text/plain; charset=utf-8")
        if chosen == JSON:
            return self._send(req, self.v2, JSON)
        assert self.v2_proto is not None
        return self._send(req, self.v2_proto, PROTO_V2)

    def _group_version(self, req: Request, key: str, served: Served) -> Response:
        if accepts(req.headers.get("accept", ""), [JSON]) is None:
            return Response(406, b"", "text/plain; charset=utf-8", [("Vary", "Accept")])
        wanted = (req.query.get("hash") or [""])[0]
        if wanted and wanted != served.etag:
            return Response(
                301,
                b"",
                "text/plain; charset=utf-8",
                [("Location", self.url(key, served.etag)), ("Vary", "Accept")],
            )
        extra = [("Vary", "Accept")]
        if wanted:
            extra += [
                ("Cache-Control", "public, immutable"),
                ("Expires", formatdate(time.time() + YEAR, usegmt=True)),
            ]
        return self._send(req, served, JSON, extra)

    def _send(
        self, req: Request, served: Served, content_type: str, extra: list[tuple[str, str]] | None = None
    ) -> Response:
        headers = [("Etag", f'"{served.etag}"'), ("Last-Modified", self.last_modified), *(extra or [])]
        if _matches(req.headers.get("if-none-match", ""), served.etag):
            return Response(304, b"", content_type, headers)
        return Response(200, served.body, content_type, headers)


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]
    return "*" in tags or etag in tags
