"""The apiserver's loopback identity and who the in-flight limit never refuses.

Kubernetes' own components inside the apiserver process reach it through a loopback client that
authenticates as system:apiserver in system:masters, and its max-in-flight filter answers
system:masters even when the limit is reached ("a super-admin or a loopback connection"): a 429
with Retry-After 1 s would stall the caller a whole second for a burst it created itself.
`kubepy up`'s components use the in-process transport, which carries this user in the ASGI scope
("user", as authentication middlewares set it). Requests on the book's insecure port carry no
user and keep the limit, as Kubernetes 1.x had it for every caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PRIVILEGED_GROUP = "system:masters"
USER: dict[str, Any] = {"username": "system:apiserver", "groups": [PRIVILEGED_GROUP, "system:authenticated"]}


def privileged(scope: Mapping[str, Any]) -> bool:
    """Whether the request's user is in system:masters (the limit lets it through when full)."""
    user = scope.get("user")
    return isinstance(user, Mapping) and PRIVILEGED_GROUP in (user.get("groups") or ())
