"""Request paths parsed into what they address, and the remembered answers staying right."""

from __future__ import annotations

import pytest

from kubepy.apiserver import requestinfo
from kubepy.apiserver.requestinfo import parse


@pytest.mark.parametrize(
    ("method", "path", "watch", "verb", "ns", "resource", "name", "sub"),
    [
        ("POST", "/api/v1/namespaces/load/pods", False, "create", "load", "pods", "", ""),
        ("GET", "/api/v1/namespaces/load/pods", False, "list", "load", "pods", "", ""),
        ("GET", "/api/v1/namespaces/load/pods", True, "watch", "load", "pods", "", ""),
        ("PATCH", "/api/v1/namespaces/a/pods/p/status", False, "patch", "a", "pods", "p", "status"),
        (
            "DELETE",
            "/apis/apps/v1/namespaces/a/deployments",
            False,
            "deletecollection",
            "a",
            "deployments",
            "",
            "",
        ),
        ("GET", "/api/v1/watch/namespaces/a/pods/p", False, "watch", "a", "pods", "p", ""),
        ("PUT", "/api/v1/namespaces/a/finalize", False, "update", "a", "namespaces", "a", "finalize"),
    ],
)
def test_parse(
    method: str, path: str, watch: bool, verb: str, ns: str, resource: str, name: str, sub: str
) -> None:
    for _ in range(2):  # the second answer comes from memory and must be the same
        info = parse(method, path, watch)
        assert (info.is_resource, info.verb, info.namespace, info.resource, info.name, info.subresource) == (
            True,
            verb,
            ns,
            resource,
            name,
            sub,
        )


def test_remembered_answers_are_bounded_and_keyed_by_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requestinfo, "_PARSED", {})
    monkeypatch.setattr(requestinfo, "_PARSED_MAX", 3)
    assert parse("GET", "/api/v1/pods").verb == "list"
    assert parse("GET", "/api/v1/pods", True).verb == "watch"
    assert parse("DELETE", "/api/v1/pods").verb == "deletecollection"
    assert parse("GET", "/healthz").is_resource is False
    assert len(requestinfo._PARSED) == 3
    assert ("GET", "/api/v1/pods", False) not in requestinfo._PARSED  # the oldest went first
    assert parse("GET", "/api/v1/pods").verb == "list"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/apis/apps", (False, "/apis/apps", "get", "apis", "apps", "", "", "", "", "", ())),
        ("GET", "/api/v1", (False, "/api/v1", "get", "api", "", "v1", "", "", "", "", ())),
        ("GET", "/healthz/etcd", (False, "/healthz/etcd", "get", "", "", "", "", "", "", "", ())),
        (
            "GET",
            "//api//v1/pods/",
            (True, "//api//v1/pods/", "list", "api", "", "v1", "", "pods", "", "", ("pods",)),
        ),
        (
            "GET",
            "/api/v1/proxy/namespaces/a/services/s/x",
            (
                True,
                "/api/v1/proxy/namespaces/a/services/s/x",
                "get",
                "api",
                "",
                "v1",
                "a",
                "services",
                "proxy",
                "s",
                ("services", "s", "proxy", "x"),
            ),
        ),
        (
            "DELETE",
            "/apis/apps/v1/watch/namespaces/a/deployments",
            (
                True,
                "/apis/apps/v1/watch/namespaces/a/deployments",
                "deletecollection",
                "apis",
                "apps",
                "v1",
                "a",
                "deployments",
                "",
                "",
                ("deployments",),
            ),
        ),
    ],
)
def test_parse_every_field(method: str, path: str, expected: tuple) -> None:
    info = parse(method, path)
    fields = (
        info.is_resource,
        info.path,
        info.verb,
        info.api_prefix,
        info.group,
        info.version,
        info.namespace,
        info.resource,
        info.subresource,
        info.name,
        info.parts,
    )
    assert fields == expected
