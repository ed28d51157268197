"""services/{name}/proxy, pods/{name}/proxy, nodes/{name}/proxy and the book's /api/v1/proxy/...
paths: the apiserver forwards the request to an endpoint, pod or kubelet and streams the answer.

Target selection is pure (`service_target`, `pod_target`, `node_target`); only `forward` does I/O.
"""

from __future__ import annotations

from typing import Any

import httpx

from kubepy.api import errors as fe
from kubepy.apiserver.http import Request, Response

Obj = dict[str, Any]
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}


def split_name(name: str) -> tuple[str, str, str]:
    """ "[scheme:]name[:port]" as Kubernetes' proxy names are written → (scheme, name, port)."""
    parts = name.split(":")
    if len(parts) == 1:
        return "", parts[0], ""
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return parts[0], parts[1], parts[2]


def service_target(svc: Obj, endpoints: Obj | None, port: str) -> tuple[str, int]:
    """An address of a ready endpoint for the service port named or numbered `port`."""
    name = svc["metadata"]["name"]
    ports = (svc.get("spec") or {}).get("ports") or []
    want = None
    for p in ports:
        if not port or port == p.get("name") or port == str(p.get("port")):
            want = p
            break
    if want is None:
        raise fe.StatusError(
            503, "ServiceUnavailable", f'no service port "{port}" found for service "{name}"'
        )
    for subset in (endpoints or {}).get("subsets") or []:
        for ep_port in subset.get("ports") or []:
            if (ep_port.get("name") or "") != (want.get("name") or ""):
                continue
            for addr in subset.get("addresses") or []:
                return addr["ip"], ep_port["port"]
    raise fe.StatusError(503, "ServiceUnavailable", f'no endpoints available for service "{name}"')


def pod_target(pod: Obj, port: str) -> tuple[str, int]:
    ip = (pod.get("status") or {}).get("podIP")
    name = pod["metadata"]["name"]
    if not ip:
        raise fe.bad_request(f"address not allowed: pod {name} has no IP yet")
    if not port:
        return ip, 80
    if port.isdigit():
        return ip, int(port)
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == port:
                return ip, p["containerPort"]
    raise fe.bad_request(f'no container port named "{port}" in pod {name}')


def node_target(node: Obj, port: str) -> tuple[str, int]:
    status = node.get("status") or {}
    addrs = {a.get("type"): a.get("address") for a in status.get("addresses") or []}
    host = (
        addrs.get("InternalIP")
        or addrs.get("Hostname")
        or addrs.get("ExternalIP")
        or node["metadata"]["name"]
    )
    if port:
        return host, int(port) if port.isdigit() else 10250
    kubelet = ((status.get("daemonEndpoints") or {}).get("kubeletEndpoint") or {}).get("Port") or 10250
    return host, kubelet


async def forward(req: Request, scheme: str, host: str, port: int, path: str) -> Response:
    url = f"{scheme or 'http'}://{host}:{port}/{path.lstrip('/')}"
    if req.query:
        from urllib.parse import urlencode

        url += "?" + urlencode([(k, v) for k, vs in req.query.items() for v in vs])
    headers = {k: v for k, v in req.headers.items() if k not in _HOP_BY_HOP}
    try:
        async with httpx.AsyncClient(timeout=30.0, verify=False) as c:  # noqa: S501 - cluster-internal
            r = await c.request(req.method, url, headers=headers, content=req.body or None)
    except httpx.HTTPError as e:
        raise fe.StatusError(
            503, "ServiceUnavailable", f"error trying to reach service: dial tcp {host}:{port}: {e}"
        ) from None
    out = [(k, v) for k, v in r.headers.items() if k.lower() not in _HOP_BY_HOP | {"content-type"}]
    return Response(r.status_code, r.content, r.headers.get("content-type", "application/octet-stream"), out)


def rest_of_path(parts: tuple[str, ...]) -> str:
    """What follows .../{name}/proxy in the URL."""
    return "/".join(parts[3:]) if len(parts) > 3 else ""
