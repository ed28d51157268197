"""Request headers as the App reads them, and the plain-JSON answer chosen from Accept."""

from __future__ import annotations

import pytest

from kubepy.apiserver import app
from kubepy.apiserver.handlers import resource
from kubepy.apiserver.http import JSON, PROTOBUF, YAML, Request, raw_response
from kubepy.apiserver.requestinfo import parse


def test_headers_by_lower_case_name_the_last_value_of_a_repeated_one() -> None:
    raw = [(b"Host", b"x"), (b"accept", b"a"), (b"ACCEPT", b"b"), (b"x-v", b"\xe9")]
    assert app._headers(raw) == {"host": "x", "accept": "b", "x-v": "\xe9"}


def test_equal_header_lists_share_one_answer_and_any_iterable_is_read() -> None:
    a = [(b"accept", b"application/json"), (b"content-length", b"12")]
    first = app._headers(a)
    assert app._headers(list(a)) is first  # an equal list: the same (read-only) dict
    assert app._headers(iter(a)) == first  # an iterator is read once
    unhashable = [[b"accept", b"application/json"], [b"content-length", b"12"]]
    assert app._headers(unhashable) == first  # pairs as lists: read, not remembered
    other = app._headers([(b"accept", b"application/json"), (b"content-length", b"13")])
    assert other == {"accept": "application/json", "content-length": "13"}


def test_remembered_header_lists_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "_HEADERS", {})
    for i in range(app._HEADERS_MAX + 10):
        app._headers([(b"content-length", b"%d" % i)])
    assert len(app._HEADERS) <= app._HEADERS_MAX
    assert ((b"content-length", b"0"),) not in app._HEADERS  # the oldest forgotten
    assert ((b"content-length", b"%d" % (app._HEADERS_MAX + 9)),) in app._HEADERS
    assert app._headers([(b"content-length", b"0")]) == {"content-length": "0"}  # read again


ACCEPTS = [
    "",
    "*/*",
    JSON,
    "application/json, */*",
    YAML,
    "application/x-yaml",
    PROTOBUF,
    f"{PROTOBUF}, {JSON}",
    f"{JSON}, {PROTOBUF}",
    "application/json;as=Table;v=v1;g=meta.k8s.io",
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v9,application/json",
    "text/plain",
]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_plain_json_exactly_when_no_view_yaml_or_protobuf_is_preferred(accept: str) -> None:
    req = Request("GET", "/api/v1/pods", {}, {"accept": accept}, b"", parse("GET", "/api/v1/pods"))
    body = b'{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}}'
    negotiated = (
        resource.partial.wants_partial(accept) is None
        and resource.table.wants_table(accept) is None
        and raw_response(200, body, req).content_type == JSON
    )
    assert resource._plain(accept) == negotiated
