"""Accept-header negotiation of the `as=` representations Kubernetes offers (Table,
PartialObjectMetadata, aggregated discovery): the first media range the server can answer wins."""

from __future__ import annotations

import functools

#: Plain media types: a client listing one of these before any `as=` form gets the object itself.
PLAIN = (
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "*/*",
    "application/*",
)


@functools.lru_cache(maxsize=1024)  # clients send a handful of distinct Accept headers
def wants(accept: str, group: str, kinds: tuple[str, ...], versions: tuple[str, ...]) -> str | None:
    """The version of an `as=<kind>;g=<group>;v=<version>` form the client prefers, or None when it
    prefers a plain representation (or asks for neither)."""
    for part in accept.split(","):
        items = [p.strip() for p in part.split(";")]
        params = dict(p.split("=", 1) for p in items[1:] if "=" in p)
        if params.get("as") in kinds and params.get("g") == group:
            if params.get("v") in versions:
                return params["v"]
            continue  # a version we do not serve: try the next range
        if items[0] in PLAIN:
            return None
    return None
