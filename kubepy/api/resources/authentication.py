"""SelfSubjectReview (authentication.k8s.io/v1): "who am I?" — `kubectl auth whoami`.

Create-only and never stored. Until authentication exists every caller is the user Kubernetes'
old insecure port used: system:unsecured in system:masters.
"""

from __future__ import annotations

from kubepy.api.resource import Context, Obj, Resource, Strategy
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import BOOL, STRING, f, list_of, map_of, struct

GROUP = "authentication.k8s.io"
N = "io.k8s.api.authentication.v1."
UNSECURED_USER = {"username": "system:unsecured", "groups": ["system:masters", "system:authenticated"]}

UserInfo = struct(
    "io.k8s.api.authentication.v1.UserInfo",
    "The identity of a user as the authenticator saw it.",
    username=f(STRING, "Name of the user.", proto=1),
    uid=f(STRING, "Unique ID of the user across time.", proto=2),
    groups=f(list_of(STRING), "Groups the user belongs to.", list_type="atomic", proto=3),
    extra=f(map_of(list_of(STRING)), "Other facts the authenticator provided.", proto=4),
)

SelfSubjectReviewStatus = struct(
    "io.k8s.api.authentication.v1.SelfSubjectReviewStatus",
    "What the server knows about the caller.",
    userInfo=f(UserInfo, "The caller's identity.", proto=1),
)

SelfSubjectReview = kind_struct(
    "io.k8s.api.authentication.v1.SelfSubjectReview",
    "Returns the attributes the server knows about the current user.",
    GROUP,
    "v1",
    "SelfSubjectReview",
    extra={
        "status": f(SelfSubjectReviewStatus, "Filled in by the server with the caller's identity.", proto=2)
    },
)


def who_am_i(obj: Obj, ctx: Context, user: Obj | None = None) -> Obj:
    """The review answered for `user` (the unsecured user by default)."""
    info = user or UNSECURED_USER
    return {
        "kind": "SelfSubjectReview",
        "apiVersion": f"{GROUP}/v1",
        "metadata": {},
        "status": {"userInfo": {k: (list(v) if isinstance(v, list) else v) for k, v in info.items()}},
    }


TokenReviewSpec = struct(
    N + "TokenReviewSpec",
    "The token to check.",
    token=f(STRING, "The opaque bearer token.", proto=1),
    audiences=f(list_of(STRING), "Audiences the token should be valid for.", list_type="atomic", proto=2),
)

TokenReviewStatus = struct(
    N + "TokenReviewStatus",
    "Whether the token authenticates, and as whom.",
    authenticated=f(BOOL, "True when the token is valid.", proto=1),
    user=f(UserInfo, "The user the token belongs to.", proto=2),
    audiences=f(list_of(STRING), "Audiences the token is valid for.", list_type="atomic", proto=4),
    error=f(STRING, "Why the token could not be checked.", proto=3),
)

TokenReview = kind_struct(
    N + "TokenReview",
    "Asks the apiserver to authenticate a token (what webhooks and kubelets use).",
    GROUP,
    "v1",
    "TokenReview",
    extra={
        "spec": f(TokenReviewSpec, "The token to check.", required=True, proto=2),
        "status": f(TokenReviewStatus, "The answer, filled in by the server.", proto=3),
    },
)


def token_review(obj: Obj, ctx: Context) -> Obj:
    """No token authenticator is configured until the security work: every token is unknown, as
    a Kubernetes apiserver without authenticators answers."""
    spec = obj.get("spec") or {}
    return {
        "kind": "TokenReview",
        "apiVersion": f"{GROUP}/v1",
        "metadata": {},
        "spec": spec,
        "status": {"user": {}, "error": "token authentication is not configured in this cluster"},
    }


RESOURCES = [
    Resource(
        group=GROUP,
        version="v1",
        kind="SelfSubjectReview",
        plural="selfsubjectreviews",
        namespaced=False,
        schema=SelfSubjectReview,
        strategy=Strategy(),
        verbs=("create",),
        virtual=who_am_i,
    ),
    Resource(
        group=GROUP,
        version="v1",
        kind="TokenReview",
        plural="tokenreviews",
        namespaced=False,
        schema=TokenReview,
        strategy=Strategy(),
        verbs=("create",),
        virtual=token_review,
    ),
]
