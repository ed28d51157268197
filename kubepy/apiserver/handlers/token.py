"""serviceaccounts/{name}/token (TokenRequest): a bound service-account JWT, as `kubectl create token`.

Signed HS256 with the apiserver's own key until the security work brings key files and RS256;
the claims are Kubernetes' (iss, sub, aud, exp, kubernetes.io.{namespace, serviceaccount}).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import timedelta
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.apiserver.http import Request, Response, decode_body, json_response
from kubepy.apiserver.registry.registry import Entry
from kubepy.util.duration import rfc3339

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


async def create_token(e: Entry, req: Request, key: bytes) -> Response:
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
