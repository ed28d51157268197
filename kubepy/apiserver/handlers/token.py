"""serviceaccounts/{name}/token (TokenRequest): a bound service-account JWT, as `kubectl create token`.

Signed HS256 with the apiserver's own key until the security work brings key files and RS256;
the claims are Kubernetes' (iss, sub, aud, exp, kubernetes.io.{namespace, serviceaccount} and,
for a token bound to an object, its pod, secret or node).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.api.errors import StatusError
from kubepy.apiserver.http import Request, Response, decode_body, json_response
from kubepy.apiserver.registry.registry import Entry
from kubepy.util.duration import rfc3339

#: Looks up a registry entry by (group, version, plural), as Registry.lookup.
Lookup = Callable[[str, str, str], "Entry | None"]
#: The kinds a token may be bound to, and where they are stored (a Node is cluster-scoped).
BINDABLE = {"Pod": ("pods", True), "Secret": ("secrets", True), "Node": ("nodes", False)}

ISSUER = "https://kubernetes.default.svc.cluster.local"
DEFAULT_EXPIRATION = 3600
MIN_EXPIRATION = 600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(claims: dict[str, Any], key: bytes) -> str:
    header = _b64(orjson.dumps({"alg": "HS256", "kid": hashlib.sha256(key).hexdigest()[:16], "typ": "JWT"}))
    payload = _b64(orjson.dumps(claims))
    sig = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(sig)}"


async def bound_objects(ref: Any, namespace: str, lookup: Lookup) -> dict[str, Any]:
    """The claims a boundObjectRef adds under "kubernetes.io" (pod, secret, node), as
    Kubernetes' TokenREST finds them: the object must exist (its NotFound otherwise), carry the
    referenced uid when one is given (409), and be a Pod, Secret or Node of the core group
    (400); a pod-bound token also names the pod's node, with its uid while the node exists."""
    if not isinstance(ref, dict):
        return {}
    api_version, kind, name = ref.get("apiVersion") or "", ref.get("kind") or "", ref.get("name") or ""
    group, _, version = api_version.rpartition("/")
    where = BINDABLE.get(kind) if not group else None
    if where is None:
        raise fe.bad_request(f"cannot bind token to object of type {group}/{version}, Kind={kind}")
    plural, namespaced = where
    entry = lookup("", "v1", plural)
    assert entry is not None
    obj = (await entry.store.get(namespace if namespaced else "", name)).obj
    uid = obj["metadata"]["uid"]
    if ref.get("uid") and ref["uid"] != uid:
        raise fe.conflict(
            kind,
            name,
            f"the UID in the bound object reference ({ref['uid']}) does not match the UID in record."
            " The object might have been deleted and then recreated",
        )
    out: dict[str, Any] = {kind.lower(): {"name": name, "uid": uid}}
    node_name = (obj.get("spec") or {}).get("nodeName") if kind == "Pod" else None
    if node_name:
        node: dict[str, Any] = {"name": node_name}
        nodes = lookup("", "v1", "nodes")
        assert nodes is not None
        try:
            node["uid"] = (await nodes.store.get("", node_name)).obj["metadata"]["uid"]
        except StatusError as err:
            if err.code != 404:
                raise
        out["node"] = node
    return out


async def create_token(e: Entry, req: Request, key: bytes, lookup: Lookup) -> Response:
    body = decode_body(req) if req.body.strip() else {}
    if not isinstance(body, dict):
        raise fe.bad_request('TokenRequest in version "v1" cannot be handled as a TokenRequest')
    sa = await e.store.get(req.info.namespace, req.info.name)
    spec = dict(body.get("spec") or {})
    seconds = spec.get("expirationSeconds") or DEFAULT_EXPIRATION
    if not isinstance(seconds, int) or seconds < MIN_EXPIRATION:
        raise fe.invalid_error(
            "TokenRequest",
            req.info.name,
            [
                fe.invalid(
                    "spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes"
                )
            ],
            "authentication.k8s.io",
        )
    if seconds > 2**32:
        raise fe.invalid_error(
            "TokenRequest",
            req.info.name,
            [fe.too_long("spec.expirationSeconds", seconds, 2**32)],
            "authentication.k8s.io",
        )
    bound = await bound_objects(spec.get("boundObjectRef"), req.info.namespace, lookup)
    audiences = spec.get("audiences") or [ISSUER]
    now = e.store.env.now()
    exp = now + timedelta(seconds=seconds)
    meta = sa.obj["metadata"]
    claims = {
        "aud": audiences,
        "exp": int(exp.timestamp()),
        "iat": int(now.timestamp()),
        "iss": ISSUER,
        "jti": str(uuid.uuid4()),
        "kubernetes.io": {
            "namespace": meta["namespace"],
            "serviceaccount": {"name": meta["name"], "uid": meta["uid"]},
            # Go's field order: pod, secret, node
            **{k: bound[k] for k in ("pod", "secret", "node") if k in bound},
        },
        "nbf": int(now.timestamp()),
        "sub": f"system:serviceaccount:{meta['namespace']}:{meta['name']}",
    }
    spec["audiences"] = audiences
    spec["expirationSeconds"] = seconds
    spec.setdefault("boundObjectRef", None)
    if spec["boundObjectRef"] is None:
        del spec["boundObjectRef"]
    out = {
        "kind": "TokenRequest",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"name": meta["name"], "namespace": meta["namespace"], "creationTimestamp": rfc3339(now)},
        "spec": spec,
        "status": {"token": sign(claims, key), "expirationTimestamp": rfc3339(exp)},
    }
    return json_response(201, out, req)
