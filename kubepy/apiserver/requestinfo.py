"""Parse a request path into what it addresses (k8s apiserver endpoints/request/requestinfo.go)."""

from __future__ import annotations

from typing import NamedTuple

from kubepy.util.fifo import put_bounded


class RequestInfo(NamedTuple):
    """Immutable (answers are shared between requests); a NamedTuple because one is built per
    request to a path never seen before (each pod's status and binding): a frozen dataclass
    spent more building itself than parsing."""

    is_resource: bool
    path: str
    verb: str  # get list watch create update patch delete deletecollection, or the HTTP verb
    api_prefix: str = ""  # "api" | "apis"
    group: str = ""
    version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    parts: tuple[str, ...] = ()


_VERBS = {
    "POST": "create",
    "GET": "get",
    "HEAD": "get",
    "PUT": "update",
    "PATCH": "patch",
    "DELETE": "delete",
}
_NAMESPACE_SUBRESOURCES = ("status", "finalize")


#: parse's answers by (method, path, watch): a RequestInfo is immutable and clients repeat paths
#: (every create of a kind in a namespace, every kubelet's status writes to its pods)
_PARSED: dict[tuple[str, str, bool], RequestInfo] = {}
_PARSED_MAX = 4096


def parse(method: str, path: str, query_watch: bool = False) -> RequestInfo:
    """Split /api/v1/namespaces/ns/pods/name/sub and /apis/g/v/...; anything else is non-resource."""
    key = (method, path, query_watch)
    info = _PARSED.get(key)
    if info is None:
        info = _parse(method, path, query_watch)
        put_bounded(_PARSED, key, info, _PARSED_MAX)
    return info


def _parse(method: str, path: str, query_watch: bool) -> RequestInfo:
    parts = path.strip("/").split("/")
    if "" in parts:
        parts = [p for p in parts if p]
    verb_lower = method.lower()
    n = len(parts)
    if n < 2 or parts[0] not in ("api", "apis"):
        return RequestInfo(False, path, verb_lower)
    prefix = parts[0]
    if prefix == "api":
        group, version, i = "", parts[1], 2
    else:
        if n < 3:
            return RequestInfo(False, path, verb_lower, prefix, parts[1])
        group, version, i = parts[1], parts[2], 3
    verb = _VERBS.get(method, verb_lower)
    watch_prefix = i < n and parts[i] == "watch"  # deprecated /watch/ path form
    if watch_prefix:
        i += 1
    legacy_proxy = i < n and parts[i] == "proxy"  # the book's /api/v1/proxy/... form (§2.1.2)
    if legacy_proxy:
        i += 1
    if i == n:
        return RequestInfo(False, path, verb_lower, prefix, group, version)
    rest = parts[i:]
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        # /namespaces/{ns}/{resource}...; but /namespaces/{name}/status is the namespace's own
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    if legacy_proxy and len(rest) > 1:
        rest = [rest[0], rest[1], "proxy", *rest[2:]]
    k = len(rest)
    resource = rest[0]
    name = rest[1] if k > 1 else ""
    subresource = rest[2] if k > 2 else ""
    if not name:
        if verb == "get":
            verb = "watch" if (query_watch or watch_prefix) else "list"
        elif verb == "delete":
            verb = "deletecollection"
    elif watch_prefix and verb == "get":
        verb = "watch"
    return RequestInfo(
        True, path, verb, prefix, group, version, namespace, resource, subresource, name, tuple(rest)
    )
