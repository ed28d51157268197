"""PartialObjectMetadata: metadata-only views asked for with `as=PartialObjectMetadata[List]`.

client-go's metadata client and informers (the garbage collector's, for one) read only metadata;
they negotiate it through the Accept header as they negotiate Tables.
"""

from __future__ import annotations

from typing import Any

from kubepy.apiserver import negotiate

VERSIONS = ("v1", "v1beta1")


def wants_partial(accept: str) -> str | None:
    """The meta.k8s.io version of a metadata-only view the client prefers, if any."""
    return negotiate.wants(
        accept, "meta.k8s.io", ("PartialObjectMetadata", "PartialObjectMetadataList"), VERSIONS
    )


def content_type(version: str, as_list: bool) -> str:
    kind = "PartialObjectMetadataList" if as_list else "PartialObjectMetadata"
    return f"application/json;as={kind};g=meta.k8s.io;v={version}"


def partial(obj: dict[str, Any], version: str) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": obj.get("metadata") or {},
    }


def partial_list(objs: list[dict[str, Any]], version: str, list_meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadataList",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": list_meta,
        "items": [partial(o, version) for o in objs],
    }
