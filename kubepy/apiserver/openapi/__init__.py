"""OpenAPI v2 and v3 documents derived from the resource declarations (STYLE.md §1)."""

from kubepy.apiserver.openapi.service import OpenAPI

__all__ = ["OpenAPI"]
