"""SelfSubjectReview (authentication.k8s.io/v1): "who am I?" — `kubectl auth whoami`.

Create-only and never stored. Until authentication exists every caller is the user Kubernetes'
old insecure port used: system:unsecured in system:masters.
"""

from __future__ import annotations

from kubepy.api.resource import Context, Obj, Resource, Strategy
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import STRING, f, list_of, map_of, struct

GROUP = "authentication.k8s.io"
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
    )
]
