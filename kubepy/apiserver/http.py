"""Minimal request/response types over raw ASGI: the hot path pays for nothing it does not use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

import orjson

from kubepy.api import errors as fe
from kubepy.api.errors import StatusError
from kubepy.apiserver import protobuf_io
from kubepy.apiserver.requestinfo import RequestInfo
from kubepy.util import yamlio

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    #: by lower-case name; one dict serves every request with the same header list: read only
    headers: dict[str, str]
    body: bytes
    info: RequestInfo

    @property
    def content_type(self) -> str:
        return _media_type(self.headers.get("content-type", ""))

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")

    def wants_yaml(self) -> bool:
        return _first_is_yaml(self.headers.get("accept", ""))

    def wants_protobuf(self) -> bool:
        return protobuf_io.wants_protobuf(self.headers.get("accept", ""))


@lru_cache(maxsize=256)  # clients send a handful of distinct Content-Type and Accept values
def _media_type(header: str) -> str:
    return header.split(";")[0].strip().lower()


@lru_cache(maxsize=256)
def _first_is_yaml(accept: str) -> bool:
    return accept.split(",")[0].split(";")[0].strip() in (YAML, "application/x-yaml", "text/yaml")


@lru_cache(maxsize=256)
def takes_json(accept: str) -> bool:
    """Whether `raw_response` answers a client sending this Accept with the JSON as it is."""
    return not _first_is_yaml(accept) and not protobuf_io.wants_protobuf(accept)


@dataclass(slots=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class StreamResponse:
    """A long-running response (watch): chunks until the iterator ends."""

    status: int
    chunks: AsyncIterator[bytes]
    content_type: str = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: Ends `chunks` early (the client went away).
    cancel: Callable[[], None] | None = None


def parse_query(raw: bytes) -> dict[str, list[str]]:
    return parse_qs(raw.decode("latin-1"), keep_blank_values=True) if raw else {}


def error_response(err: StatusError, accept: str = "") -> Response:
    headers = list(err.headers.items())
    if protobuf_io.wants_protobuf(accept) and (pb := protobuf_io.encode(err.status())) is not None:
        return Response(err.code, pb, PROTOBUF, headers)
    return Response(err.code, orjson.dumps(err.status()), JSON, headers)


def json_response(status: int, obj: Any, req: Request | None = None) -> Response:
    if req is not None and req.wants_yaml():
        return Response(status, yamlio.dump(obj), YAML)
    if req is not None and req.wants_protobuf() and (pb := protobuf_io.encode(obj)) is not None:
        return Response(status, pb, PROTOBUF)
    return Response(status, orjson.dumps(obj), JSON)


def raw_response(status: int, body: bytes, req: Request) -> Response:
    """Stored JSON bytes go out untouched unless the client asked for YAML or protobuf."""
    if req.wants_yaml():
        return Response(status, yamlio.dump(orjson.loads(body)), YAML)
    if req.wants_protobuf() and (pb := protobuf_io.encode_json(body)) is not None:
        return Response(status, pb, PROTOBUF)
    return Response(status, body, JSON)


def decode_body(req: Request, kind_hint: str = "") -> Any:
    """JSON, YAML or protobuf request body → Python value, with Kubernetes' 400/415 answers."""
    ct = req.content_type
    body = req.body
    if ct == PROTOBUF:
        return protobuf_io.decode(body)
    if ct in (
        "",
        JSON,
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "*/*",
    ):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as e:
            raise fe.bad_request(f"couldn't get version/kind; json parse error: {e}") from None
    if ct in (YAML, "application/x-yaml", "text/yaml", "application/apply-patch+yaml"):
        try:
            return yamlio.load(body) if body.strip() else None
        except Exception as e:  # yaml.YAMLError and its kin
            raise fe.bad_request(f"error converting YAML to JSON: yaml: {e}") from None
    raise fe.unsupported_media_type()
